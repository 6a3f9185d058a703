// The load report's charts (sim/load_report.cpp embeds this script after the shared one,
// sim/html_page.js, which reads the figures and marks each chart drawn; docs/load.md).
"use strict";
(function ({ data, colour, grouped, axisTitle, draw }) {
  const bottomLegend = { legend: { position: "bottom" } };

  // Good reports acknowledged so far, as a share of those planned, at the end of each second, with
  // the times to 50, 84 and 100 % as markers.
  function progress(canvas) {
    const p = data.progress;
    const curve = p.acked_total.map((n, i) => ({ x: i + 1, y: 100 * n / p.good }));
    curve.unshift({ x: 0, y: 0 });
    const datasets = [{ label: "good reports acknowledged (% of planned)", data: curve, borderColor: colour(0), backgroundColor: colour(0),
                        pointRadius: 2, borderWidth: 2 }];
    p.marks.forEach((m, i) => datasets.push({ label: "time to " + m.label + ": " + m.at.toFixed(3) + " s", type: "scatter",
                                              data: [{ x: m.at, y: 100 * m.share }], borderColor: colour(i + 1),
                                              backgroundColor: colour(i + 1), pointRadius: 6, pointStyle: "rectRot" }));
    return new Chart(canvas, { type: "line", data: { datasets },
      options: { scales: { x: { type: "linear", min: 0, title: axisTitle("seconds from the start of the run") },
                           y: { min: 0, max: 100, title: axisTitle("% of the planned good reports") } },
                 plugins: bottomLegend } });
  }

  // Ack latency of the reports acknowledged in each second: median, 99th percentile and longest.
  function latency(canvas) {
    const l = data.latency;
    const line = (label, values, i, dash) => ({ label, data: values, borderColor: colour(i), backgroundColor: colour(i), pointRadius: 2,
                                                borderDash: dash, spanGaps: false });
    return new Chart(canvas, { type: "line", data: { labels: l.seconds, datasets: [
        line("p50", l.p50, 0, []), line("p99", l.p99, 2, []), line("max", l.max, 7, [4, 4])] },
      options: { scales: { x: { title: axisTitle("second of the run (acks in it)") }, y: { min: 0, title: axisTitle("ack latency, ms") } },
                 plugins: bottomLegend } });
  }

  function acks(canvas) {
    const a = data.acks;
    return new Chart(canvas, { type: "bar", data: { labels: a.seconds,
        datasets: [{ label: "good reports acknowledged in the second", data: a.acks, backgroundColor: colour(0) }] },
      options: { scales: { x: { title: axisTitle("second of the run") }, y: { min: 0, title: axisTitle("acks per second") } },
                 plugins: { legend: { display: false } } } });
  }

  function outcomes(canvas) {
    const o = data.outcomes;
    return new Chart(canvas, { type: "bar", data: { labels: o.labels.map((l, i) => l + ": " + grouped(o.values[i])),
        datasets: [{ label: "reports", data: o.values, backgroundColor: o.values.map((_, i) => colour(i)) }] },
      options: { indexAxis: "y", scales: { x: { min: 0, title: axisTitle("reports") } }, plugins: { legend: { display: false } } } });
  }

  draw({ progress, latency, acks, outcomes });
})(shailooReport);
