#include "sim/identification_station.hpp"

#include <fmt/core.h>

#include "core/voter_roll.hpp"
#include "devices/synthetic_finger.hpp"
#include "sim/pec_model.hpp"
#include "sim/roll_voter_list.hpp"

namespace sim {
namespace {

enum : std::uint64_t { kDocumentCondition = 11, kFaceQuality = 12 };

// The roll, with the template each bound voter enrolled on the physical reader: one finger for them
// (the first the desk asks for), every other voter as the roll has them.
class BoundVoterList final : public station::VoterList {
public:
    BoundVoterList(const RollVoterList& roll, const std::vector<BoundVoter>& bound) : roll_(roll), bound_(bound) {}
    std::optional<station::VoterRecord> find_by_document(std::string_view document) const override {
        auto record = roll_.find_by_document(document);
        if (record && of(record->voter_id)) record->fingers = std::span<const core::Finger>(RollVoterList::kEnrolled.data(), 1);
        return record;
    }
    core::FingerprintTemplate enrolled_template(const station::VoterRecord& voter, core::Finger finger) const override {
        const BoundVoter* b = of(voter.voter_id);
        return b ? b->print : roll_.enrolled_template(voter, finger);
    }
    devices::FaceFeatures registration_photo(const station::VoterRecord& voter) const override { return roll_.registration_photo(voter); }

private:
    const BoundVoter* of(std::int64_t voter) const {
        const auto it = std::find_if(bound_.begin(), bound_.end(), [&](const BoundVoter& b) { return b.voter == voter; });
        return it == bound_.end() ? nullptr : &*it;
    }
    const RollVoterList& roll_;
    const std::vector<BoundVoter>& bound_;
};

Time draw(const ServiceTime& t, core::RandomStream& r) {
    const double s = t.median_s * std::exp(t.sigma * r.normal());
    return std::max<Time>(core::kSecond / 2, static_cast<Time>(s * static_cast<double>(core::kSecond)));
}

// Reader i's bound voters are on its PEC's roll, and bound once in that PEC.
core::Result<void> check_bound_voters(const core::ElectionPackage& package, const std::vector<ExternalFingerprintReader*>& readers,
                                      std::size_t i) {
    const ExternalFingerprintReader& r = *readers[i];
    const auto bound_by = [](const ExternalFingerprintReader& reader, std::size_t end, std::int64_t voter) {
        return std::any_of(reader.bound.begin(), reader.bound.begin() + static_cast<std::ptrdiff_t>(end),
                           [&](const BoundVoter& b) { return b.voter == voter; });
    };
    for (std::size_t k = 0; k < r.bound.size(); ++k) {
        const std::int64_t v = r.bound[k].voter;
        const core::Pec* on = core::pec_of_voter(package, v);
        if (!on || on->number != r.pec)
            return core::fail(fmt::format("PEC {} desk {}: voter {} is not on this PEC's roll", r.pec, r.desk, v));
        if (bound_by(r, k, v)) return core::fail(fmt::format("PEC {} desk {}: voter {} is bound twice", r.pec, r.desk, v));
        for (std::size_t j = 0; j < i; ++j)
            if (bound_by(*readers[j], readers[j]->bound.size(), v))
                return core::fail(fmt::format("PEC {} desk {}: voter {} is bound to desk {}'s reader too", r.pec, r.desk, v, readers[j]->desk));
    }
    return {};
}

}  // namespace

core::Result<void> check_external_readers(const core::ElectionPackage& package, const Scenario& scenario,
                                          const std::vector<ExternalFingerprintReader*>& readers) {
    for (std::size_t i = 0; i < readers.size(); ++i) {
        const ExternalFingerprintReader* r = readers[i];
        if (!r || !r->scanner) return core::fail(fmt::format("external fingerprint reader {} has no scanner", i + 1));
        const auto pec = std::find_if(package.pecs.begin(), package.pecs.end(), [&](const core::Pec& p) { return p.number == r->pec; });
        if (pec == package.pecs.end()) return core::fail(fmt::format("PEC {}: no such PEC in the package", r->pec));
        if (!simulated(scenario, *pec)) return core::fail(fmt::format("PEC {}: the scenario does not simulate it (only_regions)", r->pec));
        if (const int desks = desks_at(scenario, *pec); r->desk < 1 || r->desk > desks)
            return core::fail(fmt::format("PEC {} desk {}: the PEC has desks 1 to {}", r->pec, r->desk, desks));
        for (std::size_t j = 0; j < i; ++j)
            if (readers[j]->pec == r->pec && readers[j]->desk == r->desk)
                return core::fail(fmt::format("PEC {} desk {}: two readers for one desk", r->pec, r->desk));
        if (auto bound = check_bound_voters(package, readers, i); !bound) return bound;
    }
    return {};
}

IdentificationStation::IdentificationStation(const SharedDay& day, const core::Pec& pec, const core::Clock& clock,
                                             core::RandomStream random)
    : day_(day) {
    const int n = desks_at(day.scenario, pec);
    desks_.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        Desk& d = desks_[static_cast<std::size_t>(i)];
        const std::string prefix = core::device_id(pec.number, core::DeviceRole::identification, i + 1);
        d.scanner = std::make_unique<devices::VirtualFingerprintScanner>(prefix + "-fingerprint",
                                                                         core::RandomStream(random.next_u64()));
        d.reader = std::make_unique<devices::VirtualDocumentReader>(prefix + "-document");
        d.webcam = std::make_unique<devices::VirtualWebcam>(prefix + "-webcam", core::RandomStream(random.next_u64()));
        d.printer = std::make_unique<devices::VirtualPrinter>(prefix + "-printer");
        d.printer->keep_log(false);
        for (ExternalFingerprintReader* e : day.external_readers)
            if (e->pec == pec.number && e->desk == i + 1) {
                (e->bound.empty() ? d.external : d.bound) = e;
                e->clock.follow(&clock);
            }
        station::DeskSettings settings;
        if (d.external) settings.fingerprint = d.external->matcher;
        const station::VoterList& list = d.external && d.external->list ? *d.external->list : day.roll;
        d.desk = std::make_unique<station::IdentificationDesk>(pec.number, d.fingerprint(), *d.reader, *d.webcam, *d.printer, list,
                                                               clock, settings, &voted_);
        d.desk->set_registered(pec.registered);
        if (d.bound) {
            d.bound_list = std::make_unique<BoundVoterList>(day.roll, d.bound->bound);
            d.bound_desk = std::make_unique<station::IdentificationDesk>(pec.number, *d.bound->scanner, *d.reader, *d.webcam, *d.printer,
                                                                         *d.bound_list, clock,
                                                                         station::DeskSettings{.fingerprint = d.bound->matcher}, &voted_);
        }
        free_.push_back(n - 1 - i);
    }
    away_.assign(static_cast<std::size_t>(n), false);
    held_.assign(static_cast<std::size_t>(n), false);
}

IdentificationStation::~IdentificationStation() = default;

int IdentificationStation::take_free_desk() {
    const int d = free_.back();
    free_.pop_back();
    return d;
}

void IdentificationStation::release_desk(int desk) {
    if (away_[static_cast<std::size_t>(desk)]) held_[static_cast<std::size_t>(desk)] = true;
    else free_.push_back(desk);
}

void IdentificationStation::set_away(int desk, bool away) {
    const auto d = static_cast<std::size_t>(desk);
    if (away_[d] == away) return;
    away_[d] = away;
    if (away) {
        const auto it = std::find(free_.begin(), free_.end(), desk);
        if (it != free_.end()) free_.erase(it), held_[d] = true;
    } else if (held_[d]) {
        held_[d] = false;
        free_.push_back(desk);
    }
}

IdentificationStation::Visit IdentificationStation::serve(int desk, std::int64_t voter_index, core::RandomStream& service_random,
                                                          core::IdentificationCounts& counts) {
    // A bound voter goes to the physical reader's desk and its own station desk (as the commission
    // set the desk: paper list or devices).
    Desk* bound = bound_desk_of(voter_index);
    Desk& d = bound ? *bound : desks_[static_cast<std::size_t>(desk)];
    station::IdentificationDesk& real = bound ? *d.bound_desk : *d.desk;
    if (bound) real.use_paper_list(d.desk->on_paper_list());
    if (voter_index < 0) {
        present_turned_away(d, voter_index);
    } else {
        present_voter(d, voter_index, bound || d.external, service_random);
    }
    const station::IdentificationResult& r = real.identify();
    const bool visitor = voter_index < 0;
    if (ExternalFingerprintReader* e = bound ? d.bound : d.external) {
        station::count_outcome(e->counts, r);
        e->captures += std::count_if(r.steps.begin(), r.steps.end(),
                                     [](const auto& step) { return step.kind == station::StepKind::fingerprint_capture; });
    }

    d.reader->take_back();
    d.scanner->remove_hand();
    d.webcam->leave();

    const ServiceTimes& t = day_.scenario.service;
    Time service = 0;
    for (const auto& step : r.steps) {
        switch (step.kind) {
            case station::StepKind::document_read:
            case station::StepKind::document_unreadable: service += draw(t.document, service_random); break;
            case station::StepKind::document_reader_dead: service += 10 * core::kSecond; break;
            case station::StepKind::list_lookup: break;  // part of the document step
            case station::StepKind::fingerprint_capture: service += draw(t.fingerprint, service_random); break;
            case station::StepKind::scanner_dead:
            case station::StepKind::webcam_dead: service += 5 * core::kSecond; break;
            case station::StepKind::face_capture: service += draw(t.face, service_random); break;
            case station::StepKind::paper_list: service += draw(t.manual, service_random); break;
            case station::StepKind::receipt: service += draw(t.receipt, service_random); break;
        }
    }
    if (visitor && r.steps.empty()) service += draw(t.document, service_random);  // asked for a document, told why not
    station::count_outcome(counts, r);
    return Visit{r.ballots_issued, std::max<Time>(service, core::kSecond)};
}

IdentificationStation::Desk* IdentificationStation::bound_desk_of(std::int64_t voter_index) {
    if (voter_index < 0) return nullptr;
    for (Desk& d : desks_)
        if (d.bound && std::any_of(d.bound->bound.begin(), d.bound->bound.end(), [&](const BoundVoter& b) { return b.voter == voter_index; }))
            return &d;
    return nullptr;
}

void IdentificationStation::present_voter(Desk& d, std::int64_t voter_index, bool on_reader, core::RandomStream& service_random) {
    // Only what the devices see of the voter is derived (not a whole core::Voter): the desk goes by the
    // document number, so the document's personal number (the birth date's work) is left out.
    const std::uint64_t biometric_seed = core::biometric_seed_of(day_.package, voter_index);
    // The voter's document is what it is all day: its condition derives from the voter, not the visit.
    core::RandomStream condition(day_.seed, static_cast<std::uint64_t>(voter_index), kDocumentCondition);
    const bool mrz_damaged = condition.bernoulli(kMrzDamaged);
    const bool chip_damaged = condition.bernoulli(kNoChip);
    d.reader->present({.document_number = core::document_of_voter(day_.package, voter_index),
                       .photo_of = biometric_seed,  // the chip photo is made only if the desk reads it
                       .mrz_damaged = mrz_damaged,
                       .chip_damaged = chip_damaged});
    const double skin = devices::skin_quality_for_age(core::age_of(day_.package, voter_index));
    if (on_reader) {
        const ExternalFingerprintReader& e = d.external ? *d.external : *d.bound;
        if (e.present) e.present(biometric_seed, skin);
    } else {
        d.scanner->present_hand(biometric_seed, skin);
        d.scanner->share_finger(RollVoterList::kEnrolled[0], day_.roll.master(biometric_seed, RollVoterList::kEnrolled[0]));
    }
    d.webcam->present_face(biometric_seed, 0.6 + 0.4 * service_random.uniform());
}

// A visitor to turn away: the document of a voter of another PEC, in good condition, or none. The
// desk stops at the document or the list, before any biometric step.
void IdentificationStation::present_turned_away(Desk& d, std::int64_t visitor) {
    const std::int64_t code = -1 - visitor;
    if (static_cast<TurnedAwayKind>(code & 1) == TurnedAwayKind::no_document) return;
    const std::int64_t person = code >> 1;
    d.reader->present({.document_number = core::document_of_voter(day_.package, person),
                       .photo_of = core::biometric_seed_of(day_.package, person),
                       .mrz_damaged = false,
                       .chip_damaged = false});
}

devices::Device* IdentificationStation::device(FaultTarget target, int desk) {
    if (desk < 0 || desk >= desks()) return nullptr;
    Desk& d = desks_[static_cast<std::size_t>(desk)];
    switch (target) {
        case FaultTarget::fingerprint_scanner: return &d.fingerprint();
        case FaultTarget::document_reader: return d.reader.get();
        case FaultTarget::webcam: return d.webcam.get();
        case FaultTarget::printer: return d.printer.get();
        default: return nullptr;
    }
}

std::uint32_t IdentificationStation::active_faults() const {
    std::uint32_t f = 0;
    for (const auto& d : desks_) {
        f |= d.fingerprint().active_faults() | d.reader->active_faults() | d.webcam->active_faults() | d.printer->active_faults();
        if (d.bound) f |= d.bound->scanner->active_faults();
    }
    return f;
}

std::vector<DeviceView> IdentificationStation::devices() const {
    std::vector<DeviceView> out;
    for (const auto& d : desks_)
        for (const devices::Device* dev : {static_cast<const devices::Device*>(d.reader.get()), static_cast<const devices::Device*>(&d.fingerprint()),
                                           static_cast<const devices::Device*>(d.webcam.get()), static_cast<const devices::Device*>(d.printer.get())})
            out.push_back({dev->id(), dev->kind(), dev->active_faults(), d.external && dev == &d.fingerprint()});
    for (const auto& d : desks_)
        if (d.bound) out.push_back({d.bound->scanner->id(), d.bound->scanner->kind(), d.bound->scanner->active_faults(), true});
    return out;
}

std::vector<const station::IdentificationDesk*> IdentificationStation::bound_desks() const {
    std::vector<const station::IdentificationDesk*> out;
    for (const auto& d : desks_)
        if (d.bound_desk) out.push_back(d.bound_desk.get());
    return out;
}

void IdentificationStation::on_fault(const devices::Device::FaultListener& listener) {
    for (auto& d : desks_) {
        d.fingerprint().on_fault(listener);
        if (d.bound) d.bound->scanner->on_fault(listener);
        d.reader->on_fault(listener);
        d.webcam->on_fault(listener);
        d.printer->on_fault(listener);
    }
}

}  // namespace sim
