#pragma once
/// The instructor console: one window with the six panels over a drill::DrillSession, paced to the wall
/// clock; scripted and headless-friendly for tests (--script, --frames, --screenshot).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/hardware.hpp"

namespace trainer {

/// The last image a physical fingerprint reader captured, for the inspector (hardware in the loop).
struct ReaderImage {
    std::uint64_t serial = 0;         ///< changes with every new image (0: none yet)
    int width = 0, height = 0;
    std::vector<std::uint8_t> grey;   ///< width x height, 8-bit grey, rows top down
};

/// What `shailoo train` was asked to do.
struct ConsoleOptions {
    std::string scenario;                 ///< scenario file (empty with a replay: the record's; with --drill: the drill's)
    std::string drill;                    ///< drill file to conduct (docs/drills.md; empty: none)
    std::optional<std::uint64_t> seed;    ///< default: the drill's, the scenario's (or the record's)
    double speed = 60.0;                  ///< initial speed factor, 1..600
    std::string start;                    ///< virtual time the console opens at (empty: the drill's start, else 06:30)
    bool paused = false;                  ///< open paused
    std::string record;                   ///< write the drill record here on exit (empty: do not)
    std::string replay;                   ///< drill record to replay (empty: none)
    std::string script;                   ///< scripted instructor actions (empty: none)
    int frames = 0;                       ///< render this many frames, then exit (0: until closed)
    std::string screenshot;               ///< PNG of the last frame (needs frames > 0)
    std::string out;                      ///< on exit finish the day headless and write DIR/results.json
    std::string map;                      ///< outline GeoJSON (default: <package>/../map/kyrgyzstan.geojson)
    /// Threads that advance the world each frame (results do not depend on it).
    int threads = 2;
    int fps_limit = 60;                   ///< frame-rate cap (0: none, e.g. to measure)
    std::string classroom;                ///< serve the trainee page on HOST:PORT (empty: no classroom; docs/classroom.md)
    int width = 1280;                     ///< window size in pixels
    int height = 800;
    /// Physical fingerprint readers at desks and ballot scanners in ARBB slots (hardware in the loop,
    /// docs/hil.md; owned by the caller, apps/cmd_train.cpp, for the whole run). Empty with a replay:
    /// a record with `hardware` brings its own.
    sim::Hardware hardware;
    /// The readers' last captured image (called on the console's thread; empty: no images).
    std::function<ReaderImage()> last_image;
    /// The scanners' last scanned sheet (called on the console's thread; empty: no images).
    std::function<ReaderImage()> last_sheet;
};

/// Runs the console; returns the exit code (0 ok, 1 a scripted step failed, 2 bad arguments,
/// files or no display).
int run_console(const ConsoleOptions& options);

}  // namespace trainer
