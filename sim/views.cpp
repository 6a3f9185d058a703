#include "sim/views.hpp"

namespace sim {

std::string_view to_string(PecState state) {
    switch (state) {
        case PecState::not_open: return "not open";
        case PecState::voting: return "voting";
        case PecState::queue_building: return "queue building";
        case PecState::device_fault: return "device fault";
        case PecState::closed: return "closed";
        case PecState::transmitted: return "transmitted";
        case PecState::acknowledged: return "acknowledged";
    }
    return "unknown";
}

}  // namespace sim
