// What the HTML reports' chart scripts share (sim/html_page.cpp inlines it before the page's own:
// sim/html_report.js, sim/load_report.js; docs/report.md). It reads the figures from the
// report-data script and hands them, with colours and formats, to the page's script, whose draw()
// call draws one Chart.js chart into each figure with a data-chart name. A figure gets
// data-rendered="true" only after Chart.js has drawn its canvas with at least one point (the
// end-to-end tests count them against <body data-charts>); a chart that fails gets data-error with
// the message.
"use strict";
const shailooReport = (function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
                   "#bab0ac", "#1f3b73", "#8c6d31"];
  const colour = (i) => palette[i % palette.length];
  const percent = (v) => (100 * v).toFixed(1) + " %";
  const grouped = (v) => Math.round(v).toLocaleString("en-US");
  const axisTitle = (text) => ({ display: true, text: text });

  Chart.defaults.animation = false;
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.font.size = 12;
  Chart.defaults.color = "#333";
  Chart.defaults.maintainAspectRatio = false;

  // Marks the figure once Chart.js has drawn a chart that holds data.
  const renderedMark = {
    id: "renderedMark",
    afterRender(chart) {
      const points = chart.data.datasets.reduce((n, d) => n + d.data.length, 0);
      if (points > 0) chart.canvas.closest("figure").dataset.rendered = "true";
    },
  };
  Chart.register(renderedMark);

  // Draws every figure of the page with the chart of its name from `charts` (name -> function(canvas)).
  function draw(charts) {
    for (const figure of document.querySelectorAll("figure[data-chart]")) {
      try {
        const chart = charts[figure.dataset.chart];
        if (!chart) throw new Error("no chart named " + figure.dataset.chart);
        chart(figure.querySelector("canvas"));
      } catch (e) {
        figure.dataset.error = String(e && e.message ? e.message : e);
      }
    }
  }

  return { data, colour, percent, grouped, axisTitle, draw };
})();
