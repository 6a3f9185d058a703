#include "core/identification_report.hpp"

namespace core {

IdentificationCounts& IdentificationCounts::operator+=(const IdentificationCounts& o) {
    fingerprint += o.fingerprint;
    other_finger += o.other_finger;
    face += o.face;
    manual += o.manual;
    refused_already_voted += o.refused_already_voted;
    refused_not_on_list += o.refused_not_on_list;
    refused_other += o.refused_other;
    ballots_issued += o.ballots_issued;
    receipts_not_printed += o.receipts_not_printed;
    return *this;
}

}  // namespace core
