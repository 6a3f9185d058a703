#pragma once
/// Subcommands of `shailoo`. Each lives in apps/cmd_<name>.cpp and adds itself to the parser;
/// after parsing, main() calls the runner of the subcommand that was chosen.
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "sim/criteria.hpp"
#include "sim/junit.hpp"

namespace CLI { class App; class Validator; }

namespace apps {

/// The work a parsed subcommand does; returns the process exit code
/// (0 ok, 1 the work found a problem, 2 bad arguments or input files).
using Runner = std::function<int()>;

/// A default input path such as "assets/kg2021": as given when it exists under the current folder,
/// else the same path in the source tree shailoo was built from (so the defaults work from any folder).
std::string default_path(const std::string& relative);

/// Check for a seed option: a whole number from 0 to 18446744073709551615, in decimal. (CLI11 on its
/// own would wrap "-1" round to 2^64 - 1 and cap a larger number, both silently.)
const CLI::Validator& seed_check();

/// Check for a real-valued option, put before its range check: a finite number. (CLI11's range and
/// sign checks compare, and every comparison with "nan" is false: it would pass them, into timers and
/// durations.)
const CLI::Validator& finite_check();

/// Writes the verdicts as JUnit XML (sim/junit.hpp) into `file`, opened on `path` before the work
/// began; nothing when `path` is empty. False after saying on stderr why it could not, the message
/// starting with `command` ("shailoo run").
bool write_junit(std::ofstream& file, const std::string& path, const std::string& suite, const std::vector<sim::Verdict>& verdicts,
                 const sim::JunitLabels& labels, const std::string& command);

/// Adds one subcommand to `app`; when it is chosen, `runner` is set to run it.
using AddCommand = void (*)(CLI::App& app, Runner& runner);

void add_run_command(CLI::App& app, Runner& runner);
void add_package_command(CLI::App& app, Runner& runner);
/// `shailoo seats`: party-list seats from a CSV of votes (apps/cmd_seats.cpp).
void add_seats_command(CLI::App& app, Runner& runner);
/// `shailoo serve`: the CEC's TLS ingest server (apps/cmd_serve.cpp, docs/serve.md).
void add_serve_command(CLI::App& app, Runner& runner);
/// `shailoo load`: the simulated PEC fleet over real TLS sockets (apps/cmd_load.cpp, docs/load.md).
void add_load_command(CLI::App& app, Runner& runner);
/// `shailoo export`: the results in a store as NIST SP 1500-100 v2 XML (apps/cmd_export.cpp, docs/nist-export.md).
void add_export_command(CLI::App& app, Runner& runner);
/// `shailoo plan`: the staffing planner (apps/cmd_plan.cpp, docs/plan.md).
void add_plan_command(CLI::App& app, Runner& runner);
/// `shailoo elearn`: e-learning modules as SCORM 1.2 packages (apps/cmd_elearn.cpp, docs/elearning.md).
void add_elearn_command(CLI::App& app, Runner& runner);
/// The wall clock as the schema's DateTimeWithZone in Bishkek time (UTC+6), e.g. "2021-11-28T23:15:00+06:00":
/// the GeneratedDate of an export made now.
std::string bishkek_time_now();
/// The wall clock's time of day in Bishkek (UTC+6), in microseconds since midnight: the server's
/// time (core::Micros) of something done now.
core::Micros bishkek_time_of_day();
/// Time for real code run by a command (the ingest server, a socket modem's transmitter):
/// microseconds since local midnight (UTC+6) of the day the command started, from the system clock
/// at start and the steady clock after (so it never runs backwards).
class WallClock final : public core::Clock {
public:
    WallClock() : start_(std::chrono::steady_clock::now()), base_(bishkek_time_of_day()) {}
    core::Micros now() const override {
        return base_ + std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
    core::Micros base_ = 0;
};
/// `shailoo cec`: the CEC operator's actions on a store - revoke a key, hold or release a PEC's
/// figures - and its audit log (apps/cmd_cec.cpp, docs/serve.md).
void add_cec_command(CLI::App& app, Runner& runner);
/// `shailoo compare`: what changed between two runs' results.json (apps/cmd_compare.cpp, sim/compare.hpp).
void add_compare_command(CLI::App& app, Runner& runner);
/// `shailoo sweep` and `shailoo sweep merge`: a scenario over many seeds and a grid (apps/cmd_sweep.cpp, docs/sweeps.md).
void add_sweep_command(CLI::App& app, Runner& runner);
/// `shailoo train`: the instructor console (apps/cmd_train.cpp, trainer/).
void add_train_command(CLI::App& app, Runner& runner);
/// `shailoo drill`: a drill file headless with scripted responses (apps/cmd_drill.cpp, docs/drills.md).
void add_drill_command(CLI::App& app, Runner& runner);
/// `shailoo review`: the after-action review of a drill record (apps/cmd_drill.cpp, docs/drills.md).
void add_review_command(CLI::App& app, Runner& runner);
/// `shailoo hil list` and `shailoo hil check`: physical devices for hardware in the loop (apps/cmd_hil.cpp, docs/hil.md).
void add_hil_command(CLI::App& app, Runner& runner);
/// `shailoo hil send` and `shailoo hil delay` under `hil`: a PEC's reports over a real network link
/// (apps/cmd_hil_link.cpp, docs/hil.md).
void add_hil_link_commands(CLI::App& hil, Runner& runner);
/// `shailoo ballots print`: the package's ballots as PDF and PNG (apps/cmd_ballots.cpp, docs/hil.md).
void add_ballots_command(CLI::App& app, Runner& runner);

}  // namespace apps
