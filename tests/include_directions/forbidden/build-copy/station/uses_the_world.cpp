// Fixture of the IncludeDirections tests (never compiled): a build folder's copy of the sources
// (build-*/, e.g. a second build tree in the worktree) is not the project's code and is not checked.
#include "sim/world.hpp"
