// Bad reports mixed among the good ones (`shailoo load --bad`, docs/load.md "Bad reports"): each is
// made from a good report of the plan and has the answer the server must give.
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "core/device_keys.hpp"
#include "core/random.hpp"
#include "core/wire.hpp"
#include "loadgen/load_generator.hpp"

namespace loadgen {

std::string_view to_string(Flaw flaw) {
    switch (flaw) {
        case Flaw::none: return "good";
        case Flaw::bad_signature: return "bad_signature";
        case Flaw::replay: return "replay";
        case Flaw::wrong_pec: return "wrong_pec";
    }
    return "unknown";
}

core::RejectReason expected_reason(Flaw flaw) {
    switch (flaw) {
        case Flaw::none: return core::RejectReason::none;
        case Flaw::bad_signature: return core::RejectReason::bad_signature;
        case Flaw::replay: return core::RejectReason::sequence_reused;
        case Flaw::wrong_pec: return core::RejectReason::wrong_pec;
    }
    return core::RejectReason::none;
}

bool BadMix::any() const {
    return std::any_of(share.begin() + 1, share.end(), [](double s) { return s > 0; });
}

core::Result<BadMix> parse_bad_mix(std::string_view text) {
    BadMix mix;
    std::array<bool, kFlawCount> seen{};
    const std::string kinds = "bad_signature, replay or wrong_pec";
    if (text.empty()) return core::fail(fmt::format("--bad: empty; expected KIND=SHARE[,KIND=SHARE...], KIND {}", kinds));
    for (std::size_t from = 0; from <= text.size();) {
        const auto comma = std::min(text.find(',', from), text.size());
        const auto part = text.substr(from, comma - from);
        from = comma + 1;
        const auto eq = part.find('=');
        if (eq == std::string_view::npos)
            return core::fail(fmt::format("--bad: '{}': expected KIND=SHARE, KIND {}", part, kinds));
        const auto name = part.substr(0, eq), value = part.substr(eq + 1);
        int flaw = 1;
        while (flaw < kFlawCount && to_string(static_cast<Flaw>(flaw)) != name) ++flaw;
        if (flaw == kFlawCount) return core::fail(fmt::format("--bad: '{}': unknown kind '{}', expected {}", part, name, kinds));
        if (seen[flaw]) return core::fail(fmt::format("--bad: '{}': {} given twice", part, name));
        seen[flaw] = true;
        double share = -1;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), share);
        if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(share) || share < 0 || share > 1)
            return core::fail(fmt::format("--bad: '{}': the share must be a number from 0 to 1, got '{}'", part, value));
        mix.share[flaw] = share;
    }
    return mix;
}

namespace {

/// Moves one counted vote or identification to another column, so the body differs but still adds
/// up: a valid vote from the leading option to "against all" (or back), an identification by
/// fingerprint to the paper list (or back). False when the report counted nothing.
bool move_one(core::ReportPayload& payload) {
    if (auto* box = std::get_if<core::ArbbReport>(&payload)) {
        auto& o = box->option_counts;
        if (o.size() < 2 || box->valid == 0) return false;
        const auto lead = static_cast<std::size_t>(std::max_element(o.begin() + 1, o.end()) - o.begin());
        const std::size_t from = o[lead] > 0 ? lead : 0, to = o[lead] > 0 ? 0 : 1;
        --o[from];
        ++o[to];
        // Preference votes of a party that lost a vote stay within its votes.
        if (box->box == core::BoxKind::party_list && from > 0 && from - 1 < box->preference_counts.size()) {
            auto& prefs = box->preference_counts[from - 1];
            const auto sum = std::accumulate(prefs.begin(), prefs.end(), std::int64_t{0});
            if (sum > o[from] && !prefs.empty()) --*std::max_element(prefs.begin(), prefs.end());
        }
        return true;
    }
    auto& id = std::get<core::IdentificationReport>(payload);
    if (id.fingerprint > 0) return --id.fingerprint, ++id.manual, true;
    if (id.manual > 0) return --id.manual, ++id.fingerprint, true;
    return false;
}

/// The bad report `flaw` makes of a good `original` (our own message: it decodes).
core::Result<PlannedReport> make_bad(const PlannedReport& original, Flaw flaw, const core::ElectionPackage& package,
                                     std::uint64_t device_secret, core::RandomStream& rng) {
    auto envelope = core::open_envelope(original.message);
    if (!envelope) return core::fail(fmt::format("{}: {}", original.device, envelope.error().message));
    PlannedReport bad{original.at, original.pec, original.device, {}, flaw, kNoReport};
    if (flaw == Flaw::bad_signature) {
        envelope->signature[rng.below(envelope->signature.size())] ^= static_cast<std::uint8_t>(1u << rng.below(8));
        bad.message = core::encode_envelope(*envelope);
        return bad;
    }
    auto report = core::decode_body(envelope->body);
    if (!report) return core::fail(fmt::format("{}: {}", original.device, report.error().message));
    if (flaw == Flaw::replay) {
        move_one(report->payload);  // and a minute later: the body differs even where nothing was counted
        report->header.sent_at += 60 * core::kSecond;
    } else {  // wrong_pec: the next PEC of the package, in the header and in the report
        const auto it = std::find_if(package.pecs.begin(), package.pecs.end(), [&](const auto& p) { return p.number == original.pec; });
        const auto next = it == package.pecs.end() || std::next(it) == package.pecs.end() ? package.pecs.begin() : std::next(it);
        report->header.pec = next->number;
        std::visit([&](auto& r) { r.pec = next->number; }, report->payload);
    }
    bad.message = core::encode_signed_report(*report, core::derive_device_keys(device_secret, original.device).secret_key);
    return bad;
}

}  // namespace

core::Result<std::vector<PlannedReport>> mix_bad_reports(std::vector<PlannedReport> plan, const BadMix& mix,
                                                         const core::ElectionPackage& package, std::uint64_t device_secret,
                                                         std::uint64_t seed) {
    if (mix.share[static_cast<std::size_t>(Flaw::wrong_pec)] > 0 && package.pecs.size() < 2)
        return core::fail("--bad wrong_pec: the package has one PEC, a device cannot claim another");
    std::vector<std::vector<PlannedReport>> bad_after(plan.size());  // bad reports made from plan[i]
    for (int f = 1; f < kFlawCount; ++f) {
        const auto count = static_cast<std::size_t>(std::llround(mix.share[f] * static_cast<double>(plan.size())));
        core::RandomStream rng(seed, 0x6261640000ULL + static_cast<std::uint64_t>(f));  // "bad" + kind: its own stream
        std::vector<std::size_t> pick(plan.size());
        std::iota(pick.begin(), pick.end(), 0);
        for (std::size_t k = 0; k < count && k < pick.size(); ++k) {  // partial Fisher-Yates: distinct originals
            std::swap(pick[k], pick[k + rng.below(pick.size() - k)]);
            auto bad = make_bad(plan[pick[k]], static_cast<Flaw>(f), package, device_secret, rng);
            if (!bad) return std::unexpected(bad.error());
            bad_after[pick[k]].push_back(std::move(*bad));
        }
    }
    std::vector<PlannedReport> mixed;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto original = mixed.size();
        mixed.push_back(std::move(plan[i]));
        std::sort(bad_after[i].begin(), bad_after[i].end(), [](const auto& a, const auto& b) { return a.flaw < b.flaw; });
        for (auto& bad : bad_after[i]) {
            if (bad.flaw == Flaw::replay) bad.after = original;
            mixed.push_back(std::move(bad));
        }
    }
    return mixed;
}

}  // namespace loadgen
