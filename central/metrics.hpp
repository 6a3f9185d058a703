#pragma once
/// The operations view of `shailoo serve`: latency histograms kept by the ingest server, the
/// Prometheus text exposition of every counter (GET /metrics), and the operator page (GET
/// /operator). Prometheus' text format (version 0.0.4) is what every operations team already
/// scrapes; Debian 12 ships no C++ Prometheus client, so this file writes the format itself (a
/// test parses it with the official Python client's parser).
#include <cstdint>
#include <string>
#include <vector>

#include "central/http_server.hpp"
#include "central/ingest.hpp"
#include "central/ingest_server.hpp"
#include "central/latency_histogram.hpp"
#include "core/clock.hpp"

namespace central {

/// Everything /metrics shows, read at one moment.
struct MetricsSnapshot {
    IngestCounters ingest;                      ///< from IngestServer::ingest_counters()
    const IngestServerCounters* network = nullptr;  ///< the ingest port's counters
    const HttpServerCounters* http = nullptr;       ///< the page's counters (null without --http)
    const LatencyHistogram* ack_latency = nullptr;  ///< frame received -> ack written
    const LatencyHistogram* commit_time = nullptr;  ///< one group commit of the store
    Oversight oversight;                        ///< the operator actions in force (IngestServer::oversight())
};

/// The Prometheus text exposition (format 0.0.4) of a snapshot: shailoo_reports_received_total,
/// shailoo_reports_stored_total, shailoo_reports_duplicate_total, shailoo_reports_rejected_total
/// {reason=...}, shailoo_alerts_total, shailoo_revoked_keys, shailoo_pecs_withheld{why=...},
/// shailoo_connections_open{port=...}, the ack latency and
/// commit time histograms in seconds, and the network counters (docs/serve.md lists them all).
std::string prometheus_text(const MetricsSnapshot& m);

/// The operator page: a self-contained HTML page (no script; it reloads itself every 5 s) with
/// the counters, the operator actions in force (revoked keys, held PECs, PECs under review), the
/// rejections by reason and the latest alerts and log lines, newest first.
std::string operator_page(const MetricsSnapshot& m, const std::vector<LogLine>& latest_log,
                          const std::vector<Alert>& latest_alerts, core::Micros now);

}  // namespace central
