// The run report's charts (sim/html_report.cpp embeds this script after the shared one,
// sim/html_page.js, which reads the figures and marks each chart drawn; docs/report.md).
"use strict";
(function ({ data, colour, percent, grouped, axisTitle, draw }) {
  function reporting(canvas) {
    const r = data.reporting;
    // cumulative[i]: PECs reported before (i + 1) steps; the value holds from there to the next step.
    const curve = r.cumulative.map((c, i) => ({ x: (i + 1) * r.step_minutes, y: 100 * c / r.pecs }));
    curve.unshift({ x: 0, y: 0 });
    const datasets = [{ label: "this run: PECs fully reported (% of PECs)", data: curve, borderColor: colour(0),
                        backgroundColor: colour(0), pointRadius: 0, stepped: "after", borderWidth: 2 }];
    if (r.reference)
      datasets.push({ label: r.reference.label, data: [{ x: r.reference.minutes, y: 100 * r.reference.share }], type: "scatter",
                      borderColor: colour(2), backgroundColor: colour(2), pointRadius: 7, pointStyle: "rectRot" });
    const last = curve.length ? curve[curve.length - 1].x : 60;
    return new Chart(canvas, { type: "line", data: { datasets },
      options: { scales: { x: { type: "linear", min: 0, max: Math.max(last, 90), title: axisTitle("minutes after voting close (" + r.from + ")") },
                           y: { min: 0, max: 100, title: axisTitle("% of PECs") } },
                 plugins: { legend: { position: "bottom" } } } });
  }

  function turnoutHourly(canvas) {
    const t = data.turnout;
    let sum = 0;
    const cumulative = t.by_hour.map((v) => (sum += v, 100 * sum / t.registered));
    return new Chart(canvas, { data: { labels: t.hours, datasets: [
        { type: "bar", label: "voters who received ballots in the hour", data: t.by_hour, backgroundColor: colour(0), yAxisID: "y" },
        { type: "line", label: "turnout by the end of the hour (% of registered)", data: cumulative, borderColor: colour(1), backgroundColor: colour(1),
          yAxisID: "share" }] },
      options: { scales: { x: { title: axisTitle("hour starting at") }, y: { title: axisTitle("voters") },
                           share: { position: "right", min: 0, title: axisTitle("% of registered"), grid: { drawOnChartArea: false } } },
                 plugins: { legend: { position: "bottom" } } } });
  }

  function turnoutRegionsHourly(canvas) {
    const t = data.turnout;
    const datasets = t.regions.map((r, i) => {
      let sum = 0;
      return { label: r.name, data: r.by_hour.map((v) => (sum += v, 100 * sum / r.registered)), borderColor: colour(i),
               backgroundColor: colour(i), pointRadius: 2 };
    });
    return new Chart(canvas, { type: "line", data: { labels: t.hour_ends, datasets },
      options: { scales: { x: { title: axisTitle("time of day") }, y: { min: 0, title: axisTitle("turnout so far, % of registered") } },
                 plugins: { legend: { position: "right" } } } });
  }

  function turnoutRegions(canvas) {
    const regions = data.turnout.regions;
    return new Chart(canvas, { type: "bar", data: { labels: regions.map((r) => r.name),
        datasets: [{ label: "turnout (% of registered)", data: regions.map((r) => 100 * r.share), backgroundColor: colour(0) }] },
      options: { indexAxis: "y", scales: { x: { min: 0, title: axisTitle("% of registered voters who received ballots") } },
                 plugins: { legend: { display: false },
                            tooltip: { callbacks: { label: (c) => c.parsed.x.toFixed(2) + " %  (" + grouped(regions[c.dataIndex].voters) +
                                                                   " of " + grouped(regions[c.dataIndex].registered) + ")" } } } } });
  }

  // Light yellow to dark red through orange, for 0 .. 1.
  function heat(u) {
    const stops = [[255, 255, 204], [254, 217, 118], [253, 141, 60], [227, 26, 28], [128, 0, 38]];
    const x = Math.min(Math.max(u, 0), 1) * (stops.length - 1), i = Math.min(Math.floor(x), stops.length - 2), f = x - i;
    const c = stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
    return "rgb(" + c.join(",") + ")";
  }

  // The first PEC (the longest mean queue) on the top row: the matrix plugin's default y axis is reversed.
  function queues(canvas) {
    const q = data.queues;
    const points = [];
    q.values.forEach((row, r) => row.forEach((v, h) => points.push({ x: q.hours[h], y: String(q.pecs[r]), v })));
    const max = Math.max(q.max, 1e-9);
    return new Chart(canvas, { type: "matrix", data: { datasets: [{ label: "mean queue", data: points,
        backgroundColor: (c) => heat((c.raw ? c.raw.v : 0) / max), borderWidth: 0,
        width: ({ chart }) => (chart.chartArea || {}).width / q.hours.length - 1,
        height: ({ chart }) => (chart.chartArea || {}).height / q.pecs.length - 1 }] },
      options: { scales: { x: { type: "category", labels: q.hours, offset: true, grid: { display: false }, title: axisTitle("hour starting at") },
                           y: { type: "category", labels: q.pecs.map(String), offset: true, reverse: false, grid: { display: false },
                                ticks: { autoSkip: false, font: { size: 9 } }, title: axisTitle("PEC") } },
                 plugins: { legend: { display: false },
                            tooltip: { callbacks: { title: () => "", label: (c) => "PEC " + c.raw.y + ", " + c.raw.x + ": mean queue " +
                                                                                   c.raw.v.toFixed(2) } } } } });
  }

  function identification(canvas) {
    const id = data.identification;
    const total = id.values.reduce((a, b) => a + b, 0) || 1;
    const power = (v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
    return new Chart(canvas, { type: "bar", data: { labels: id.labels.map((l, i) => l + ": " + grouped(id.values[i]) + " (" + percent(id.values[i] / total) + ")"),
        datasets: [{ label: "voters", data: id.values, backgroundColor: id.values.map((_, i) => colour(i)) }] },
      options: { indexAxis: "y",
                 scales: { x: { type: "logarithmic", min: 1, title: axisTitle("voters (logarithmic scale; a 0 draws no bar)"),
                                ticks: { maxRotation: 0, autoSkip: false, callback: (v) => (power(v) ? grouped(v) : "") } } },
                 plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => grouped(c.parsed.x) + " voters" } } } } });
  }

  function faults(canvas) {
    const f = data.faults;
    const datasets = f.series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: colour(i), stack: "faults" }));
    return new Chart(canvas, { type: "bar", data: { labels: f.slots, datasets },
      options: { scales: { x: { stacked: true, title: axisTitle(f.step_minutes + " minutes starting at") },
                           y: { stacked: true, title: axisTitle("devices in the fault (mean over the slot)") } },
                 plugins: { legend: { position: "bottom" } } } });
  }

  function supportCrews(canvas) {
    const s = data.support;
    return new Chart(canvas, { type: "line", data: { labels: s.slots, datasets: [
        { label: "crews away from base", data: s.busy, borderColor: colour(0), backgroundColor: colour(0), fill: true, stepped: true }] },
      options: { scales: { x: { title: axisTitle(s.step_minutes + " minutes starting at") },
                           y: { beginAtZero: true, title: axisTitle("crews busy (mean over the slot) of " + grouped(s.crews)) } },
                 plugins: { legend: { display: false } } } });
  }

  draw({ reporting, turnoutHourly, turnoutRegionsHourly, turnoutRegions, queues, identification, faults, supportCrews });
})(shailooReport);
