// Fixture of the IncludeDirections tests (never compiled): a core header that includes only core.
#include "core/result.hpp"
