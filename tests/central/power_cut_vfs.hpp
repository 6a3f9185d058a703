#pragma once
// A test-only SQLite VFS that models a power cut (issue 17.4): it wraps SQLite's default VFS (unix)
// and, for every file opened through it, keeps the contents the disk is known to hold - as of the
// file's last successful xSync - and the writes, truncations and deletions made since. Power cut:
// from a chosen operation on, every write, truncate, sync and delete fails (the disk is gone; reads
// still see the operating system's cache, as a process would until it died), and restore() puts
// each file back on disk as the disk would hold it after the cut: its last synced contents, with
// each later operation kept only if the seeded coin says so (keep_share 0: all dropped). A file
// created and never synced is gone; one deleted without a directory sync comes back.
//
// It also plays the store's settings: with `synchronous_override`, the store's own
// `PRAGMA synchronous=...` is answered by this VFS and becomes that level instead (SQLite hands
// every PRAGMA to the VFS first, SQLITE_FCNTL_PRAGMA), so a test can show what an unsafe setting
// would lose without a hook in central/.
//
// Index of this file:
//   [SECTION] State
//   [SECTION] File methods
//   [SECTION] VFS methods
//   [SECTION] Power cut and restore
#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/random.hpp"

namespace power_cut {

// [SECTION] State

/// One change to a file since its last sync.
struct Operation {
    enum Kind : std::uint8_t { write, truncate, remove } kind = write;
    std::int64_t offset = 0;            ///< write: where; truncate: the new size
    std::vector<std::uint8_t> bytes;    ///< write: what
};

/// What the disk holds of one path, and what happened since.
struct Track {
    std::optional<std::vector<std::uint8_t>> synced;  ///< contents at the last sync (nullopt: no file)
    std::vector<Operation> since;                     ///< changes not synced yet
};

/// Applies `op` to `contents` (a file that does not exist is created by a write).
inline void apply(std::optional<std::vector<std::uint8_t>>& contents, const Operation& op) {
    if (op.kind == Operation::remove) {
        contents.reset();
        return;
    }
    if (!contents) contents.emplace();
    const auto at = static_cast<std::size_t>(op.offset);
    if (op.kind == Operation::truncate) {
        contents->resize(at);
        return;
    }
    if (contents->size() < at + op.bytes.size()) contents->resize(at + op.bytes.size());
    std::memcpy(contents->data() + at, op.bytes.data(), op.bytes.size());
}

inline std::optional<std::vector<std::uint8_t>> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

/// The VFS. One at a time (SQLite keeps a global list of VFSes by name).
class PowerCutVfs {
public:
    static constexpr const char* kName = "power-cut";

    PowerCutVfs() {
        real_ = sqlite3_vfs_find(nullptr);
        if (!real_ || instance_) throw std::logic_error("power-cut VFS: no default VFS, or one power-cut VFS already");
        instance_ = this;
        vfs_ = sqlite3_vfs{};
        vfs_.iVersion = 2;
        vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
        vfs_.mxPathname = real_->mxPathname;
        vfs_.zName = kName;
        vfs_.xOpen = &PowerCutVfs::open;
        vfs_.xDelete = &PowerCutVfs::remove;
        vfs_.xAccess = [](sqlite3_vfs*, const char* n, int f, int* out) { return real()->xAccess(real(), n, f, out); };
        vfs_.xFullPathname = [](sqlite3_vfs*, const char* n, int size, char* out) { return real()->xFullPathname(real(), n, size, out); };
        vfs_.xDlOpen = [](sqlite3_vfs*, const char* n) { return real()->xDlOpen(real(), n); };
        vfs_.xDlError = [](sqlite3_vfs*, int n, char* out) { real()->xDlError(real(), n, out); };
        vfs_.xDlSym = [](sqlite3_vfs*, void* h, const char* s) { return real()->xDlSym(real(), h, s); };
        vfs_.xDlClose = [](sqlite3_vfs*, void* h) { real()->xDlClose(real(), h); };
        vfs_.xRandomness = [](sqlite3_vfs*, int n, char* out) { return real()->xRandomness(real(), n, out); };
        vfs_.xSleep = [](sqlite3_vfs*, int us) { return real()->xSleep(real(), us); };
        vfs_.xCurrentTime = [](sqlite3_vfs*, double* t) { return real()->xCurrentTime(real(), t); };
        vfs_.xGetLastError = [](sqlite3_vfs*, int n, char* out) { return real()->xGetLastError(real(), n, out); };
        vfs_.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* t) { return real()->xCurrentTimeInt64(real(), t); };
        if (sqlite3_vfs_register(&vfs_, 0) != SQLITE_OK) throw std::runtime_error("power-cut VFS: cannot register");
    }
    ~PowerCutVfs() {
        sqlite3_vfs_unregister(&vfs_);
        instance_ = nullptr;
    }
    PowerCutVfs(const PowerCutVfs&) = delete;
    PowerCutVfs& operator=(const PowerCutVfs&) = delete;

    /// The power goes before the n-th write, truncate, sync or delete from now (0: the next); negative: never.
    void cut_after(std::int64_t n) { cut_at_ = n < 0 ? -1 : operations_ + n; }
    /// True once the power has gone.
    bool power_is_off() const { return off_; }
    /// Writes, truncates, syncs and deletes asked for so far (failed ones included).
    std::int64_t operations() const { return operations_; }
    /// The level the store's `PRAGMA synchronous` becomes (e.g. "OFF"); empty: the store's own.
    void synchronous_override(std::string level) { synchronous_ = std::move(level); }

private:
    struct File {
        sqlite3_file base;
        sqlite3_file* real;
        std::string path;         // empty: not tracked (temporary files)
        bool syncs_directory;     // the unix VFS fsyncs the directory too at this handle's first sync
    };
    static PowerCutVfs& self() { return *instance_; }
    static sqlite3_vfs* real() { return instance_->real_; }
    static File& file(sqlite3_file* f) { return *reinterpret_cast<File*>(f); }
    /// Counts an operation; false when the power is (now) off.
    bool power() {
        if (!off_ && cut_at_ >= 0 && operations_ >= cut_at_) off_ = true;
        ++operations_;
        return !off_;
    }
    void record(const std::string& path, Operation op) {
        if (!path.empty()) tracks_[path].since.push_back(std::move(op));
    }
    /// A directory fsync: every deletion in it so far is on the disk (the files' contents are not).
    void directory_synced(const std::filesystem::path& dir) {
        for (auto& [path, t] : tracks_) {
            if (std::filesystem::path(path).parent_path() != dir) continue;
            for (std::size_t i = t.since.size(); i-- > 0;)
                if (t.since[i].kind == Operation::remove) {
                    t.synced.reset();
                    t.since.erase(t.since.begin(), t.since.begin() + static_cast<std::ptrdiff_t>(i) + 1);
                    break;
                }
        }
    }
    /// Starts tracking `path`: what is on disk now is taken as synced.
    void track(const std::string& path) {
        if (!tracks_.contains(path)) tracks_[path].synced = read_file(path);
    }

    // [SECTION] File methods

    static int close(sqlite3_file* f) {
        auto& pf = file(f);
        const int rc = pf.real->pMethods ? pf.real->pMethods->xClose(pf.real) : SQLITE_OK;
        pf.path.~basic_string();
        return rc;
    }
    static int read(sqlite3_file* f, void* out, int n, sqlite3_int64 at) { return file(f).real->pMethods->xRead(file(f).real, out, n, at); }
    static int write(sqlite3_file* f, const void* data, int n, sqlite3_int64 at) {
        auto& pf = file(f);
        if (!self().power()) return SQLITE_IOERR_WRITE;
        const int rc = pf.real->pMethods->xWrite(pf.real, data, n, at);
        const auto* p = static_cast<const std::uint8_t*>(data);
        if (rc == SQLITE_OK) self().record(pf.path, {Operation::write, at, std::vector<std::uint8_t>(p, p + n)});
        return rc;
    }
    static int truncate(sqlite3_file* f, sqlite3_int64 size) {
        auto& pf = file(f);
        if (!self().power()) return SQLITE_IOERR_TRUNCATE;
        const int rc = pf.real->pMethods->xTruncate(pf.real, size);
        if (rc == SQLITE_OK) self().record(pf.path, {Operation::truncate, size, {}});
        return rc;
    }
    static int sync(sqlite3_file* f, int flags) {
        auto& pf = file(f);
        if (!self().power()) return SQLITE_IOERR_FSYNC;
        // The real fsync is not needed (this VFS decides what the disk holds) and would make each
        // run as slow as the disk: only temporary files reach it.
        const int rc = pf.path.empty() ? pf.real->pMethods->xSync(pf.real, flags) : SQLITE_OK;
        if (rc == SQLITE_OK && pf.syncs_directory) {
            pf.syncs_directory = false;
            self().directory_synced(std::filesystem::path(pf.path).parent_path());
        }
        if (rc == SQLITE_OK && !pf.path.empty()) {  // everything so far is on the disk now
            auto& t = self().tracks_[pf.path];
            for (const auto& op : t.since) apply(t.synced, op);
            if (!t.synced) t.synced.emplace();
            t.since.clear();
        }
        return rc;
    }
    static int file_control(sqlite3_file* f, int op, void* arg) {
        auto& pf = file(f);
        if (op == SQLITE_FCNTL_PRAGMA && !self().synchronous_.empty()) {
            // [0] result, [1] name, [2] value: SQLite's own copy of the value, which it reads after this
            // call when the VFS answers SQLITE_NOTFOUND; the level is written over it.
            auto** args = static_cast<char**>(arg);
            const auto& level = self().synchronous_;
            if (args[2] && sqlite3_stricmp(args[1], "synchronous") == 0 && level.size() <= std::strlen(args[2]))
                std::memcpy(args[2], level.c_str(), level.size() + 1);
        }
        return pf.real->pMethods->xFileControl(pf.real, op, arg);
    }
    static int sector_size(sqlite3_file* f) { return file(f).real->pMethods->xSectorSize(file(f).real); }
    static int device_characteristics(sqlite3_file* f) { return file(f).real->pMethods->xDeviceCharacteristics(file(f).real); }

    // [SECTION] VFS methods

    static int open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
        static const sqlite3_io_methods methods = {
            2, &close, &read, &write, &truncate, &sync,
            [](sqlite3_file* f, sqlite3_int64* size) { return file(f).real->pMethods->xFileSize(file(f).real, size); },
            [](sqlite3_file* f, int lock) { return file(f).real->pMethods->xLock(file(f).real, lock); },
            [](sqlite3_file* f, int lock) { return file(f).real->pMethods->xUnlock(file(f).real, lock); },
            [](sqlite3_file* f, int* out) { return file(f).real->pMethods->xCheckReservedLock(file(f).real, out); },
            &file_control, &sector_size, &device_characteristics,
            [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
                return file(f).real->pMethods->xShmMap(file(f).real, region, size, extend, out);
            },
            [](sqlite3_file* f, int offset, int n, int flags) { return file(f).real->pMethods->xShmLock(file(f).real, offset, n, flags); },
            [](sqlite3_file* f) { file(f).real->pMethods->xShmBarrier(file(f).real); },
            [](sqlite3_file* f, int remove) { return file(f).real->pMethods->xShmUnmap(file(f).real, remove); },
            nullptr, nullptr};
        auto* pf = new (f) File{};
        pf->real = reinterpret_cast<sqlite3_file*>(pf + 1);
        if (name) {
            pf->path = name;
            self().track(pf->path);
        }
        // As os_unix.c does: a journal or WAL opened with CREATE gets its directory synced at its
        // first xSync (so a journal deleted before it is gone for good from then on).
        const int type = flags & (SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL | SQLITE_OPEN_SUPER_JOURNAL);
        pf->syncs_directory = name && (flags & SQLITE_OPEN_CREATE) && type != 0;
        const int rc = real()->xOpen(real(), name, pf->real, flags, out_flags);
        pf->base.pMethods = &methods;
        return rc;
    }
    static int remove(sqlite3_vfs*, const char* name, int sync_dir) {
        if (!self().power()) return SQLITE_IOERR_DELETE;
        self().track(name);
        const int rc = real()->xDelete(real(), name, sync_dir);
        if (rc == SQLITE_OK) {
            auto& t = self().tracks_[name];
            t.since.push_back({Operation::remove, 0, {}});
            if (sync_dir) {  // the directory is on the disk: so is everything before the deletion
                t.synced.reset();
                t.since.clear();
            }
        }
        return rc;
    }

public:
    // [SECTION] Power cut and restore

    /// Cuts the power (if it is still on) and writes every tracked file back as the disk holds it
    /// after the cut: its synced contents plus each later operation that the coin keeps (each with
    /// probability keep_share, in order). Call with every connection through this VFS closed.
    /// Then the power is on again and nothing is tracked.
    void restore(core::RandomStream& coin, double keep_share = 0.0) {
        off_ = true;
        for (auto& [path, t] : tracks_) {
            auto contents = t.synced;
            for (const auto& op : t.since)
                if (keep_share > 0 && coin.uniform() < keep_share) apply(contents, op);
            std::filesystem::remove(path);
            if (contents) std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(contents->data()),
                                                                       static_cast<std::streamsize>(contents->size()));
        }
        tracks_.clear();
        off_ = false;
        cut_at_ = -1;
    }

private:
    static inline PowerCutVfs* instance_ = nullptr;
    sqlite3_vfs vfs_{};
    sqlite3_vfs* real_ = nullptr;
    std::map<std::string, Track> tracks_;
    std::int64_t operations_ = 0, cut_at_ = -1;
    bool off_ = false;
    std::string synchronous_;
};

}  // namespace power_cut
