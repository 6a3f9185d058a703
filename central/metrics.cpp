#include "central/metrics.hpp"

#include "central/html_text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iterator>

namespace central {

void LatencyHistogram::add(core::Micros duration) {
    const double ms = static_cast<double>(std::max<core::Micros>(duration, 0)) / 1000.0;
    const auto bucket = static_cast<std::size_t>(std::lower_bound(kBoundsMs.begin(), kBoundsMs.end(), ms) - kBoundsMs.begin());
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(std::max<core::Micros>(duration, 0), std::memory_order_relaxed);
}

namespace {

/// Appends one metric family: its HELP and TYPE lines, then `samples` (already formatted).
void family(std::string& out, std::string_view name, std::string_view type, std::string_view help, const std::string& samples) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{}", name, help, name, type, samples);
}

std::string sample(std::string_view name, std::int64_t value, std::string_view labels = {}) {
    return labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
}

void histogram(std::string& out, std::string_view name, std::string_view help, const LatencyHistogram& h) {
    std::string samples;
    std::int64_t cumulative = 0;
    for (std::size_t i = 0; i < LatencyHistogram::kBoundsMs.size(); ++i) {
        cumulative += h.bucket(i);
        samples += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, LatencyHistogram::kBoundsMs[i] / 1000.0, cumulative);
    }
    cumulative += h.bucket(LatencyHistogram::kBoundsMs.size());
    samples += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
    samples += fmt::format("{}_sum {}\n{}_count {}\n", name, static_cast<double>(h.sum_us()) / 1e6, name, cumulative);
    family(out, name, "histogram", help, samples);
}

}  // namespace

std::string prometheus_text(const MetricsSnapshot& m) {
    std::string out;
    const auto& c = m.ingest;
    family(out, "shailoo_reports_received_total", "counter", "Messages submitted to the ingest.", sample("shailoo_reports_received_total", c.received));
    family(out, "shailoo_reports_stored_total", "counter", "Reports made durable (committed).", sample("shailoo_reports_stored_total", c.committed));
    family(out, "shailoo_reports_duplicate_total", "counter", "Identical retransmissions acknowledged again.",
           sample("shailoo_reports_duplicate_total", c.duplicates));
    family(out, "shailoo_reports_flagged_total", "counter", "Reports stored with protocol findings for the DEC.",
           sample("shailoo_reports_flagged_total", c.flagged));
    std::string rejected;
    for (int r = 1; r < kRejectReasonCount; ++r) {
        const auto reason = static_cast<RejectReason>(r);
        rejected += sample("shailoo_reports_rejected_total", c.rejections(reason), fmt::format("reason=\"{}\"", to_string(reason)));
    }
    family(out, "shailoo_reports_rejected_total", "counter", "Messages rejected, by reason (docs/protocol.md).", rejected);
    family(out, "shailoo_alerts_total", "counter", "Alerts raised for the CEC's operators.", sample("shailoo_alerts_total", c.alerts));
    family(out, "shailoo_revoked_keys", "gauge", "Device keys the CEC revoked (shailoo cec revoke).",
           sample("shailoo_revoked_keys", static_cast<std::int64_t>(m.oversight.revoked.size())));
    family(out, "shailoo_pecs_withheld", "gauge", "PECs left out of the published results: held, or under review after a revocation.",
           sample("shailoo_pecs_withheld", static_cast<std::int64_t>(m.oversight.held.size()), "why=\"held\"") +
               sample("shailoo_pecs_withheld", static_cast<std::int64_t>(m.oversight.under_review.size()), "why=\"under_review\""));
    family(out, "shailoo_store_commits_total", "counter", "Group commits of the store.", sample("shailoo_store_commits_total", c.commits));
    family(out, "shailoo_store_failed_commits_total", "counter", "Group commits rolled back (senders retransmit).",
           sample("shailoo_store_failed_commits_total", c.failed_commits));
    std::string open;
    if (m.network) open += sample("shailoo_connections_open", m.network->open.load(), "port=\"ingest\"");
    if (m.http) open += sample("shailoo_connections_open", m.http->open.load(), "port=\"http\"");
    family(out, "shailoo_connections_open", "gauge", "Connections open now, per port.", open);
    if (m.network) {
        const auto& n = *m.network;
        family(out, "shailoo_ingest_connections_total", "counter", "TLS connections accepted.", sample("shailoo_ingest_connections_total", n.connections.load()));
        family(out, "shailoo_ingest_handshake_failures_total", "counter", "TLS handshakes that failed.",
               sample("shailoo_ingest_handshake_failures_total", n.handshake_failures.load()));
        family(out, "shailoo_ingest_bad_frames_total", "counter", "Frames of length 0 or over the limit.",
               sample("shailoo_ingest_bad_frames_total", n.bad_frames.load()));
        family(out, "shailoo_ingest_evicted_total", "counter", "Idle connections closed at a cap to make room.",
               sample("shailoo_ingest_evicted_total", n.evicted.load()));
        family(out, "shailoo_ingest_refused_per_peer_total", "counter",
               "Connections closed at once: their address at its limit with every connection busy.",
               sample("shailoo_ingest_refused_per_peer_total", n.refused_per_peer.load()));
        family(out, "shailoo_ingest_refused_network_total", "counter", "Connections closed at once: from outside the allowed networks.",
               sample("shailoo_ingest_refused_network_total", n.refused_network.load()));
        family(out, "shailoo_ingest_accept_errors_total", "counter", "Failed accepts (e.g. no descriptor free).",
               sample("shailoo_ingest_accept_errors_total", n.accept_errors.load()));
    }
    if (m.http) {
        family(out, "shailoo_http_requests_total", "counter", "HTTP requests answered.", sample("shailoo_http_requests_total", m.http->requests.load()));
        family(out, "shailoo_http_evicted_total", "counter", "Idle page connections closed at a cap.",
               sample("shailoo_http_evicted_total", m.http->evicted.load()));
        family(out, "shailoo_http_refused_per_peer_total", "counter",
               "Page connections closed at once: their address at its limit with every connection busy.",
               sample("shailoo_http_refused_per_peer_total", m.http->refused_per_peer.load()));
    }
    if (m.ack_latency)
        histogram(out, "shailoo_ack_latency_seconds", "From a report's last byte to its acknowledgement written.", *m.ack_latency);
    if (m.commit_time) histogram(out, "shailoo_store_commit_seconds", "Duration of one group commit of the store.", *m.commit_time);
    return out;
}

std::string operator_page(const MetricsSnapshot& m, const std::vector<LogLine>& latest_log, const std::vector<Alert>& latest_alerts,
                          core::Micros now) {
    const auto& c = m.ingest;
    std::string rows;
    auto row = [&rows](std::string_view name, std::int64_t value) { rows += fmt::format("<tr><th>{}</th><td>{}</td></tr>", name, value); };
    row("received", c.received);
    row("stored", c.committed);
    row("duplicates", c.duplicates);
    row("flagged for the DEC", c.flagged);
    row("alerts", c.alerts);
    row("failed commits", c.failed_commits);
    if (m.network) {
        row("ingest connections open", m.network->open.load());
        row("idle connections evicted", m.network->evicted.load());
        row("connections refused (address at its limit)", m.network->refused_per_peer.load());
        row("connections refused (outside the allowed networks)", m.network->refused_network.load());
        row("TLS handshake failures", m.network->handshake_failures.load());
    }
    std::string reasons;
    for (int r = 1; r < kRejectReasonCount; ++r) {
        const auto reason = static_cast<RejectReason>(r);
        if (c.rejections(reason) > 0)
            reasons += fmt::format("<tr><th>{}</th><td>{}</td></tr>", to_string(reason), c.rejections(reason));
    }
    std::string alerts;
    for (auto it = latest_alerts.rbegin(); it != latest_alerts.rend(); ++it)
        alerts += fmt::format("<li><time>{}</time> PEC {} {} #{} from {}: {}</li>", core::clock_time(it->at), it->pec,
                              html_text(it->device), it->sequence, html_text(it->peer), html_text(it->text));
    std::string actions;
    for (const auto& r : m.oversight.revoked)
        actions += fmt::format("<li><time>{}</time> key of {} (PEC {}) revoked by {}: {}</li>", core::clock_time(r.at), html_text(r.device),
                               r.pec, html_text(r.by), html_text(r.reason));
    for (const auto& a : m.oversight.accepted)
        actions += fmt::format("<li><time>{}</time> report {} of {} (PEC {}) accepted by {}: {}</li>", core::clock_time(a.at), a.sequence,
                               html_text(a.device), a.pec, html_text(a.by), html_text(a.reason));
    auto pecs = [](const std::vector<int>& list) {
        std::string out;
        for (int p : list) out += fmt::format("{}{}", out.empty() ? "" : ", ", p);
        return out.empty() ? std::string("none") : out;
    };
    actions += fmt::format("<li>held from publication: {}</li><li>under review after a revocation: {}</li>", pecs(m.oversight.held),
                           pecs(m.oversight.under_review));
    std::string log;
    for (auto it = latest_log.rbegin(); it != latest_log.rend(); ++it)
        log += fmt::format("<li><time>{}</time> {}</li>", core::clock_time(it->at), html_text(it->text));
    return fmt::format(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
        "<title>CEC ingest - operator</title><style>body{{font:14px system-ui,sans-serif;margin:1.5em;max-width:70em}}"
        "table{{border-collapse:collapse}}th,td{{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}}"
        "td{{text-align:right;font-variant-numeric:tabular-nums}}li{{margin:.2em 0}}time{{color:#555;margin-right:.5em}}"
        ".alert li{{color:#a00}}</style></head><body><h1>CEC ingest - operator view</h1><p>Server time {}; "
        "this page reloads every 5 s. Metrics for Prometheus: <a href=\"/metrics\">/metrics</a>.</p>"
        "<h2>Counters</h2><table>{}</table><h2>Operator actions in force</h2><ul>{}</ul><p>Changed with <code>shailoo cec</code>; "
        "<code>shailoo cec audit</code> verifies the audit log.</p><h2>Rejected, by reason</h2>{}<h2>Latest alerts</h2>{}"
        "<h2>Latest log lines</h2>{}</body></html>\n",
        core::clock_time(now), rows, actions, reasons.empty() ? "<p>none</p>" : "<table>" + reasons + "</table>",
        alerts.empty() ? "<p>none</p>" : "<ul class=\"alert\">" + alerts + "</ul>",
        log.empty() ? "<p>none</p>" : "<ul>" + log + "</ul>");
}

}  // namespace central
