// The fuzz targets without libFuzzer (normal builds, ctest Fuzz.<name>.Corpus): feeds every file of
// the folders (or files) named on the command line to LLVMFuzzerTestOneInput, in name order, so
// `make test` runs each target on its seed corpus and its regression inputs. A folder that does not
// exist counts as empty (regressions/<name>/ appears with the target's first crash); no input at all
// is an error. A crash or sanitizer report fails the test like any other.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const fs::path& where) {
    std::vector<fs::path> out;
    if (fs::is_regular_file(where)) out.push_back(where);
    if (fs::is_directory(where))
        for (const auto& entry : fs::directory_iterator(where))
            if (entry.is_regular_file()) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t run = 0;
    for (int i = 1; i < argc; ++i)
        for (const auto& file : inputs(argv[i])) {
            std::ifstream in(file, std::ios::binary);
            const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            std::printf("%s (%zu bytes)\n", file.c_str(), bytes.size());
            std::fflush(stdout);  // the input is named before a crash
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            ++run;
        }
    if (run == 0) {
        std::fprintf(stderr, "no input files in the folders given\n");
        return 1;
    }
    std::printf("%zu inputs, no crash\n", run);
    return 0;
}
