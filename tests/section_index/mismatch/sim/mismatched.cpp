// Fixture of the Layout tests (never compiled): an index that does not match the file's sections,
// which scripts/check-section-index.sh must refuse.
//
// Index of this file:
//   [SECTION] Opening
//   [SECTION] Middle
//   [SECTION] Closing
//   [SECTION] Never marked
namespace fixture {

// [SECTION] Opening

int opening() { return 1; }

// [SECTION] Closing

int closing() { return 3; }

// [SECTION] Middle

int middle() { return 2; }

// [SECTION] Extra

int extra() { return 4; }

}  // namespace fixture
