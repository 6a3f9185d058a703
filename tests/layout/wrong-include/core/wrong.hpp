// Fixture for Layout.AWrongIncludeIsCaught: core/ may include nothing of the simulator.
#include "sim/world.hpp"
