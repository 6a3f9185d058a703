// Fixture of the IncludeDirections tests (never compiled): station code that reaches up into the
// simulator, which scripts/check-includes.sh must refuse.
#include "sim/world.hpp"
#include "core/clock.hpp"
#include "station/ballot_box.hpp"
