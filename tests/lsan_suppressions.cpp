// LeakSanitizer's suppressions for the asan build (CMakeLists.txt, SHAILOO_SANITIZE): compiled into
// the `shailoo` executable and every test executable of that build only, so they hold wherever the
// program runs (ctest, `make sanitize`, a test's child `shailoo`), without an environment variable.
//
// fontconfig keeps the configuration that Cairo's text rendering loads (hil/ballot_sheet.cpp, the
// printed ballots) for the life of the process and never frees it: not a leak of ours, and it does
// not grow with use.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
