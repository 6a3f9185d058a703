// What only the SQLite store has; the contract both stores keep is store_contract_test.cpp.
#include "central/store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest_fixture.hpp"

using namespace central;

namespace {

using ingest_fixture::TempStoreFile;

StoredReport report(int pec, std::uint64_t sequence) { return ingest_fixture::sample_stored_report(pec, sequence); }

}  // namespace

TEST(Store, FileIsInWriteAheadLogMode) {
    TempStoreFile file("wal");
    { Store store(file.path()); }
    std::ifstream in(file.path(), std::ios::binary);
    char header[20] = {};
    in.read(header, sizeof header);
    // SQLite file header bytes 18 and 19 are 2 when the database is in WAL mode.
    EXPECT_EQ(header[18], 2);
    EXPECT_EQ(header[19], 2);
}

TEST(Store, NonDatabaseFileThrowsStoreCorrupt) {
    TempStoreFile file("garbage");
    {
        std::ofstream out(file.path(), std::ios::binary);
        for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(i * 37));
    }
    try {
        Store store(file.path());
        FAIL() << "opened a garbage file";
    } catch (const StoreCorrupt& e) {
        EXPECT_NE(std::string(e.what()).find(file.path().string()), std::string::npos) << e.what();
    }
}

TEST(Store, DamagedPagesAreDetectedAtOpening) {
    TempStoreFile file("damaged");
    {
        Store store(file.path());
        for (int pec = 1001; pec < 1101; ++pec) store.stage(report(pec, 1), 0);
        ASSERT_TRUE(store.commit().committed);
    }
    // Overwrite pages 2 and 3 of the (checkpointed) file, b-tree headers included, with junk.
    ASSERT_GT(std::filesystem::file_size(file.path()), 4u * 4096);
    {
        std::fstream f(file.path(), std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(4096);
        for (int i = 0; i < 2 * 4096; ++i) f.put(static_cast<char>(0xA5 ^ (i * 7)));
    }
    EXPECT_THROW(Store store(file.path()), StoreCorrupt);
}
