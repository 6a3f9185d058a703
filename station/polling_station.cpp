#include "station/polling_station.hpp"

#include <fmt/core.h>

#include <utility>

#include "core/wire.hpp"

namespace station {

PollingStation::PollingStation(std::string election, int pec, std::int64_t ballots_received,
                               std::array<core::DeviceKeyPair, 3> keys, Transmitter& transmitter, const core::Clock& clock)
    : election_(std::move(election)), pec_(pec), ballots_received_(ballots_received), keys_(keys), transmitter_(transmitter),
      clock_(clock) {}

void PollingStation::add_desk(const IdentificationDesk& desk) { desks_.push_back(&desk); }

void PollingStation::set_box(std::size_t box, BallotBox& ballot_box) { boxes_[box] = &ballot_box; }

core::IdentificationReport PollingStation::identification_report() const {
    core::IdentificationReport sum;
    for (const IdentificationDesk* d : desks_) {
        const core::IdentificationReport r = d->report();
        sum += r;
        sum.registered = r.registered;
        sum.pec = r.pec;
    }
    sum.device_id = core::device_id(sum.pec, core::DeviceRole::identification);
    sum.at = clock_.now();
    return sum;
}

core::ClosingFigures PollingStation::closing_figures() const {
    const core::IdentificationReport id = identification_report();
    core::ClosingFigures figures;
    figures.ballots_received = ballots_received_;
    figures.ballots_issued = id.ballots_issued;
    figures.identified_voters = id.identified();
    return figures;
}

core::Result<const core::ArbbReport*> PollingStation::close_box(std::size_t box) {
    auto reports = boxes_[box]->close(closing_figures());
    if (!reports) return std::unexpected(reports.error());
    final_reports_[box] = std::move(reports->final_report);
    return &final_reports_[box];
}

const core::IdentificationReport& PollingStation::close_identification() {
    identification_ = identification_report();
    return identification_;
}

void PollingStation::send_final_reports() {
    // After closing the ARBBs are connected to the modem (domain brief: after 20:00) and send their
    // final reports; the identification station sends its report. Each device signs with its own key.
    auto send = [this](std::size_t role, const std::string& device, core::ReportPayload payload) {
        core::WireReport report;
        report.header = core::ReportHeader{election_, pec_, device, 1, clock_.now()};
        report.payload = std::move(payload);
        transmitter_.enqueue(device, 1, core::encode_signed_report(report, keys_[role].secret_key));
    };
    for (std::size_t b = 0; b < boxes_.size(); ++b)  // box b is the device in role kDeviceRoles[b]
        if (boxes_[b]) send(b, final_reports_[b].device_id, final_reports_[b]);
    send(2, identification_.device_id, identification_);
}

std::array<core::PublicKey, 3> PollingStation::public_keys() const {
    return {keys_[0].public_key, keys_[1].public_key, keys_[2].public_key};
}

}  // namespace station
