#pragma once
/// The console's panels, one file each (trainer/panel_<name>.cpp), and the state each keeps
/// between frames. Panels only read the drill::DrillSession and call its actions; nothing here changes
/// the world directly, so every change is recorded.
#include <SFML/Graphics/Texture.hpp>
#include <imgui.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/views.hpp"
#include "classroom/classroom.hpp"
#include "drill/drill_score.hpp"
#include "drill/drill_session.hpp"
#include "drill/map_outline.hpp"
#include "drill/map_view.hpp"
#include "trainer/console.hpp"

namespace trainer {

/// Map panel: the outline, the view (region filter, zoom, centre) and where the last frame drew
/// each PEC (for hover and click).
struct MapPanelState {
    std::optional<drill::MapOutline> outline;   ///< nullopt: the outline file could not be loaded
    std::string outline_error;           ///< why, shown in the panel
    drill::MapView view;                 ///< what the instructor chose to see (script step `map`)
    std::vector<ImVec2> dot;             ///< screen position of PEC i in the last frame (hidden: far off)
};

/// PEC inspector: which PEC the tabs were last chosen for.
/// An image a physical device delivered (ConsoleOptions::last_image, last_sheet; empty: none) and
/// its texture, made again when a new image comes.
struct DeviceImage {
    std::function<ReaderImage()> source;
    std::unique_ptr<sf::Texture> texture;
    std::uint64_t serial = 0;
};

struct InspectorPanelState {
    std::optional<std::size_t> shown;    ///< the PEC the inspector showed last frame
    DeviceImage finger;                  ///< the physical readers' last captured image
    DeviceImage sheet;                   ///< the physical scanners' last scanned sheet
};

/// Timeline panel: the "run to" field and the last message.
struct TimelinePanelState {
    std::array<char, 16> run_to{"20:00"};
    std::string message;
};

/// Fault injection panel: the form and the last message.
struct FaultPanelState {
    int scope = 0;              ///< 0 selected PEC, 1 region, 2 share
    int region = 0;             ///< region code for scopes 1 and 2 (0 in scope 2: everywhere)
    float share_pct = 10.0f;
    int target = 4;             ///< index into kFaultTargets (arbb_party_list)
    int unit = 1;               ///< desk number, 1-based
    int fault = 0;              ///< index into faults_of(kind)
    float severity = 1.0f;
    int duration_min = static_cast<int>(drill::kDefaultFaultDuration / core::kMinute);  ///< 0: until cleared
    bool replace = false;
    bool call_support = true;   ///< with trainees at the help desk: the PEC calls it (the fault lasts until a trainee ends it)
    bool now = true;
    std::array<char, 16> at{"12:00"};
    std::string message;
    bool message_is_error = false;
    int incident = 3;           ///< Incident tab: the kind (sim::IncidentKind; stolen_key)
    int incident_box = 0;       ///< 0 party list, 1 district, sim::kStationLaptop (a USB device only)
    int copies = 30;            ///< a replay's copies
    int usb_device = 0;         ///< a USB device's index in sim::usb_devices()
    int incident_desk = 1;      ///< a desk incident's desk (from 1)
    int away_minutes = 30;      ///< a desk_break's length
    int ballots = 15;           ///< a desk_break's ballots to collected passports
    int flood_rate = 12'000;    ///< a flood's connections a second
    int flood_addresses = 20'000;  ///< the addresses it comes from
    int flood_minutes = 20;     ///< how long it lasts
    bool flood_on_page = false; ///< on the results page instead of the ingest
};

/// Event log panel: filters and a cache refreshed a few times a second.
struct LogPanelState {
    std::array<char, 64> text{};
    bool faults = true, refusals = true, reports = true, instructor = true, other = true;
    bool selected_only = false;
    std::vector<sim::LogEntry> cache;
    sim::Time cached_at = -1;
    std::optional<std::size_t> cached_pec;
    double cached_wall = -1.0;
};

/// Drill panel (a tab of the fault panel while a drill is conducted): the scores and when each inject
/// fired, recomputed at once after an action and at most four times a second as time passes.
struct DrillPanelState {
    std::optional<drill::DrillScore> score;
    std::map<std::string, sim::Time> fired;  ///< inject name -> when it fired
    double cached_wall = -1.0;
    sim::Time cached_at = -1;
    std::size_t cached_actions = 0;
};

/// Frame timing the summary panel shows.
struct FrameStats {
    double fps = 0.0;           ///< frames per second over the last second
    double sim_ms = 0.0;        ///< wall time the last advance of the world took
    double frame_ms = 0.0;      ///< wall time of the last whole frame
    double effective_speed = 0.0;  ///< virtual seconds per wall second over the last second
    bool keeping_up = true;     ///< false: the world could not follow the chosen speed
};

/// Everything the panels keep between frames.
struct ConsoleState {
    MapPanelState map;
    InspectorPanelState inspector;
    TimelinePanelState timeline;
    FaultPanelState faults;
    LogPanelState log;
    DrillPanelState drill;
    FrameStats stats;
    double wall_seconds = 0.0;  ///< seconds since the console started (for throttled refreshes)
    const classroom::Classroom* classroom = nullptr;  ///< the trainees' classroom (--classroom), if any
};

/// "trainees connected 2 of 3: aigul (help_desk), bakyt (pec_chair 6001)" for the summary panel.
std::string classroom_line(const classroom::Classroom& room);

/// The fault targets the instructor can choose, in the order the panel lists them.
inline constexpr std::array<sim::FaultTarget, 8> kFaultTargets{
    sim::FaultTarget::fingerprint_scanner, sim::FaultTarget::document_reader, sim::FaultTarget::webcam,
    sim::FaultTarget::printer, sim::FaultTarget::arbb_party_list, sim::FaultTarget::arbb_district,
    sim::FaultTarget::modem, sim::FaultTarget::power};

// Shared helpers (trainer/panel_utils.cpp).

/// Colour of a PEC state on the map and in legends.
ImU32 state_colour(sim::PecState state);
/// "jam, out_of_paper" for a bit set of faults ("ok" when empty).
std::string fault_names(std::uint32_t bits);
/// The fault target and desk (0-based) that address a device of the inspector, if instructors can.
std::optional<std::pair<sim::FaultTarget, int>> target_of(const sim::DeviceView& device);

/// Where a panel sits, as shares of the window (x, y, w, h in 0..1).
struct PanelRect {
    float x = 0, y = 0, w = 0, h = 0;
};
/// The console's layout: two columns of three panels at fixed shares of the window, so the panels
/// resize with it; at 1280x800 every panel's content fits (docs/trainer.md).
struct Layout {
    PanelRect map{0.0f, 0.0f, 0.6f, 0.56f}, timeline{0.0f, 0.56f, 0.6f, 0.21f}, log{0.0f, 0.77f, 0.6f, 0.23f};
    PanelRect inspector{0.6f, 0.0f, 0.4f, 0.46f}, faults{0.6f, 0.46f, 0.4f, 0.33f}, summary{0.6f, 0.79f, 0.4f, 0.21f};
};
inline constexpr Layout kLayout{};
/// A panel's pixels (x, y, w, h) on a display: edges rounded to whole pixels, so neighbours share
/// their edges exactly, whatever the window size.
ImVec4 panel_pixels(const PanelRect& rect, ImVec2 display);
/// Places the next panel window at its place in the layout for the current display size.
void place_panel(const PanelRect& rect);
/// "4.5 min": a waiting time in minutes, one decimal.
std::string minutes_text(double seconds);
/// A line of text that wraps at the panel's edge (ImGui::TextWrapped without printf formatting).
void wrapped_text(const std::string& text, ImVec4 colour);
/// The regions with PECs in this drill, in the package's order (the map's filter, the fault form).
std::vector<const core::Region*> regions_in_drill(const drill::DrillSession& session);
/// Puts the next item on the same line if `width` pixels still fit there, else on a new line (rows of
/// checkboxes or legend entries that wrap when the panel is narrow).
void same_line_if_fits(float width);

// Panels, one file each.

/// Map: outline, every PEC as a dot coloured by state, PECs abroad in their own strip; zoom (wheel),
/// pan (drag), region filter, hover, click.
void draw_map_panel(drill::DrillSession& session, ConsoleState& state);
/// Timeline: virtual clock, play/pause/step/run-to, speed, PECs reported after 20:00.
void draw_timeline_panel(drill::DrillSession& session, ConsoleState& state, drill::WallTime wall_now);
/// PEC inspector: the selected PEC's queue, devices, counters, reports and transmission.
void draw_inspector_panel(drill::DrillSession& session, ConsoleState& state);
/// Fault injection: every fault of every device, for a PEC, a region or a share; active faults; and,
/// while a drill is conducted, the drill tab first.
void draw_faults_panel(drill::DrillSession& session, ConsoleState& state);
/// The drill tab (trainer/panel_drill.cpp): injects and their state, each trainee's scores so far.
void draw_drill_tab(const drill::DrillSession& session, ConsoleState& state);
/// Event log: filterable stream of what happened, instructor actions included.
void draw_log_panel(drill::DrillSession& session, ConsoleState& state);
/// Country summary: turnout, queues, faults, reports, frame rate.
void draw_summary_panel(drill::DrillSession& session, ConsoleState& state);

}  // namespace trainer
