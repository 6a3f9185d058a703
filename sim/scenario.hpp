#pragma once
/// A scenario: which election package, which seed, how the day unfolds (arrival curve, service times)
/// and which faults happen. Loaded from YAML (format: docs/scenarios.md).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"
#include "devices/device.hpp"
#include "sim/criteria.hpp"

namespace sim {

/// Minutes-level service time model: a lognormal with this median and spread (sigma of log).
struct ServiceTime {
    double median_s = 0.0;
    double sigma = 0.3;
};

/// Durations of the steps a voter goes through (medians; see docs/scenarios.md for the sources).
struct ServiceTimes {
    ServiceTime document{40.0, 0.35};      ///< document read + list lookup
    ServiceTime fingerprint{12.0, 0.30};    ///< one fingerprint capture and match
    ServiceTime face{20.0, 0.30};          ///< face capture vs. document photo
    ServiceTime manual{150.0, 0.35};       ///< paper-list procedure
    ServiceTime receipt{40.0, 0.25};        ///< receipt printed, ballots handed over
    ServiceTime booth{75.0, 0.40};         ///< marking the two ballots in the booth
    ServiceTime arbb{6.0, 0.30};           ///< feeding one ballot into an ARBB
};

/// How fast a PEC's identification operators work: a multiplier on the duration of every
/// identification at that PEC (1 = the `service` medians), drawn once per PEC from a lognormal
/// with this median and sigma and clipped to [min, max]. Operators differ in experience and
/// laptops in speed, so some PECs queue all day while others never do.
struct DeskPace {
    double median = 1.0;
    double sigma = 0.0;
    double min = 0.25;
    double max = 4.0;
};

/// How long voters are willing to queue. A voter who arrives to a queue whose expected wait
/// (people waiting x the PEC's typical identification time / desks) exceeds their patience,
/// drawn per voter from a lognormal with this median and sigma, leaves without voting.
/// median_min = 0 (the default): everyone queues, however long.
struct Patience {
    double median_min = 0.0;
    double sigma = 0.5;
};

/// People who come to a PEC and must be turned away at the desk, per voter who comes (our estimates,
/// docs/scenarios.md): someone not on this PEC's list (registered at another PEC: moved, or away from
/// home with no absentee voting in 2021), and someone without a valid passport or ID card. Both
/// queue like voters, take a desk's time and are refused by the real desk; they never vote.
struct TurnedAway {
    double not_on_list = 0.0;
    double no_document = 0.0;
};

/// Commissions that meet late (snow, a key holder who does not come): at `late_share` of PECs, drawn
/// per PEC, the meeting is `late_by`..`max_late_by` later than the calibrated time, so the zero
/// reports and the opening are late too.
struct LateOpening {
    double late_share = 0.0;
    core::Micros late_by = 0;
    core::Micros max_late_by = 0;
};

/// The CEC's results server unreachable for a while (`cec.down`): deliveries that reach it in
/// [from, to) get no connection and no answer; the PECs' transmitters resend after their timeout.
struct CecOutage {
    core::Micros from = 0;
    core::Micros to = 0;
};

/// The public page's display script (not the CEC's store or aggregation) shows wrong figures, as on
/// 28 November 2021: `rows_shifted` shows each party the next party's votes.
enum class DisplayError : std::uint8_t { none, rows_shifted };

/// Which devices a fault rule targets at each chosen PEC.
enum class FaultTarget : std::uint8_t {
    fingerprint_scanner, document_reader, webcam, printer, arbb_party_list, arbb_district, arbb_any, modem, power
};

/// Name of a fault target as used in scenarios, scripts and records ("arbb_party_list", ...).
std::string_view to_string(FaultTarget target);
/// The target with this name (the scenario names; "arbb" is arbb_any), or nullopt.
std::optional<FaultTarget> fault_target_from(std::string_view name);
/// The kind of device a target addresses (arbb_* -> ballot_scanner).
devices::DeviceKind device_kind_of(FaultTarget target);

/// A region as a scenario names it: by code (`regions: [6]`) or by name (`regions: [Talas]`, any
/// case); bind_to_package() resolves names to codes.
struct RegionRef {
    int code = 0;       ///< the region's code (0 until a name is resolved)
    std::string name;   ///< the name as written (empty when given as a code)
    int line = 0;       ///< line in the scenario file
};

/// A fault rule: at a share of PECs (or at listed PECs), the device enters `fault` at a time drawn
/// uniformly in [from, to] and leaves it after a duration drawn uniformly in [min_duration, max_duration].
/// A duration of 0 means the fault lasts until the end of the day (e.g. a replaced ARBB).
struct FaultRule {
    FaultTarget target = FaultTarget::arbb_any;
    devices::Fault fault = devices::Fault::jam;
    double share = 0.0;             ///< share of PECs affected (ignored when `pecs` is not empty)
    std::vector<int> pecs;          ///< explicit PEC numbers
    std::vector<int> regions;       ///< restrict to these region codes (empty: all); from region_refs
    std::vector<RegionRef> region_refs;  ///< the regions as written
    std::vector<int> districts;     ///< restrict to the PECs of these single-mandate districts (empty: all)
    int districts_line = 0;         ///< line of `districts` (0: none given)
    int pecs_line = 0;              ///< line of `pecs` in the scenario file (0: none given)
    core::Micros from = core::at(8, 0), to = core::at(19, 0);
    core::Micros min_duration = 10 * core::kMinute, max_duration = 30 * core::kMinute;
    double severity = 1.0;
    bool replace_arbb = false;      ///< after the fault, the ARBB is replaced by a stationary box
    /// Ends at the drawn duration even where technical support would end it: `repair: timed`, or a
    /// `duration` given without `repair: support` (a replaced ARBB: only `repair: timed`).
    bool timed = false;
    int support_line = 0;           ///< line of an explicit `repair: support` (0: none)
    int line = 0;                   ///< line in the scenario file (for messages)
};

/// The technical support of the package as the scenario runs it (`support:`, docs/support.md).
struct SupportSettings {
    bool off = false;                     ///< `support: off`: every fault ends at its drawn duration
    double crews_share = 1.0;             ///< each base keeps this share of its crews
    std::optional<int> help_desk_lines;   ///< instead of the package's
    bool trainees = false;                ///< `help_desk: trainees`: trainees answer the calls (sim/help_desk.hpp), no automatic dispatcher
};

/// Everything `shailoo run` needs besides the seed and thread count.
struct Scenario {
    std::filesystem::path file;           ///< where it was loaded from
    std::string name;
    std::string description;
    std::filesystem::path package_dir;    ///< resolved relative to the scenario file
    /// `pec_chairs: trainees`: a repaired ARBB's reserve-slot ballots wait for the PEC chair's
    /// feed_reserve (docs/trainees.md) instead of being fed at once as the procedure says.
    bool chairs_feed_reserve = false;
    std::uint64_t seed = 2021;
    core::Micros voting_open = core::at(8, 0);
    core::Micros voting_close = core::at(20, 0);
    std::vector<double> arrival_weights;  ///< relative arrival rate per hour from voting_open (12 values)
    double turnout_sd_pec = 0.05;         ///< PEC-level spread of turnout around its region's
    double party_sd_region = 0.25;        ///< regional spread of party support (log scale)
    int booths_per_desk = 2;              ///< voting booths per identification desk
    DeskPace desk_pace;                   ///< PEC-to-PEC spread of the identification operators' pace
    Patience patience;                    ///< voters leave a queue whose expected wait exceeds their patience
    TurnedAway turned_away;               ///< visitors the desk must refuse
    ServiceTimes service;
    std::vector<int> only_regions;        ///< simulate only these region codes (empty: all); from only_region_refs
    std::vector<RegionRef> only_region_refs;  ///< the regions as written
    std::vector<int> only_districts;      ///< simulate only the PECs of these districts (empty: all)
    std::vector<int> only_pecs;           ///< simulate only these PECs (empty: all; set by shailoo plan, not read from YAML)
    std::map<int, int> desks;             ///< identification desks per PEC number, instead of the package's (`desks`)
    int desks_line = 0;
    int only_districts_line = 0;
    LateOpening opening;                  ///< commissions meeting late
    std::vector<CecOutage> cec_down;      ///< the CEC's server unreachable
    DisplayError display_error = DisplayError::none;  ///< the results page's display script
    SupportSettings support;              ///< the technical support organisation
    std::vector<FaultRule> faults;
    std::vector<Criterion> criteria;      ///< what must hold after the night (sim/criteria.hpp)
};

/// One scenario field set from the command line (`shailoo run --set`, `shailoo sweep --set`,
/// docs/sweeps.md): a path into the scenario's YAML ("faults[0].share", "patience.median_min") and
/// the value as YAML text ("0.3", "[Talas]").
struct ScenarioOverride {
    std::string path;
    std::string value;
    bool operator==(const ScenarioOverride&) const = default;
};

/// "PATH=VALUE" as an override, or an error saying what is wrong with it.
core::Result<ScenarioOverride> parse_override(std::string_view text);

/// Loads and validates a scenario file; errors name the file, line and field. Region names stay
/// unresolved until bind_to_package(). Each override replaces a field of the file's YAML before it
/// is read, so the usual checks apply to it: a list item on its path must be in the file, a field
/// (or a mapping of fields such as `patience`) may be one the file leaves out. Errors caused with
/// overrides say "(with --set PATH=VALUE ...)".
core::Result<Scenario> load_scenario(const std::filesystem::path& file, const std::vector<ScenarioOverride>& overrides = {});
/// load_scenario of a file whose content is `text` (nothing is read; `file` names it in errors and
/// the package folder is relative to it).
core::Result<Scenario> parse_scenario(std::string_view text, const std::filesystem::path& file);

/// Checks a loaded scenario against its election package and resolves region names to codes:
/// every region (code or name, any case) must be one of the package's, and a wrong one is named
/// with the list of valid names and codes; every PEC a fault rule lists must be in the package and
/// inside the scenario's `regions` and the rule's own. Errors name the file, line and field.
/// shailoo run and the console call it before building the World.
core::Result<void> bind_to_package(Scenario& scenario, const core::ElectionPackage& package);

/// Whether the (bound) scenario simulates `pec`: inside its `regions`, its `districts` and `only_pecs`.
bool simulated(const Scenario& scenario, const core::Pec& pec);

/// The identification desks at `pec`: the scenario's `desks` for it, else the package's (at least 1).
int desks_at(const Scenario& scenario, const core::Pec& pec);


/// Whether the technical support organisation ends rule `rule`'s faults in this scenario with this
/// package (the package has one, the scenario does not turn it off, the rule is not `repair: timed`,
/// and support ends that fault at all: sim/support.hpp support_way).
bool support_ends(const Scenario& scenario, const core::ElectionPackage& package, const FaultRule& rule);

/// Parses a duration such as "90s", "20m", "1h30m".
core::Result<core::Micros> parse_duration(const std::string& text);

}  // namespace sim
