// Draws each dashboard chart from the JSON block the page embeds beside it.
// Hidden (suppressed) cells arrive as null and are simply not drawn; the table
// beside each chart carries the same figures for screen readers and keyboard users.
(function () {
  "use strict";
  var palette = ["#0d6efd", "#6f42c1", "#198754", "#fd7e14", "#20c997", "#dc3545", "#6c757d", "#0dcaf0", "#ffc107"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: spec.type === "doughnut" ? palette : colour,
        borderColor: colour,
        spanGaps: false
      };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1 || spec.type === "doughnut" } },
        scales: spec.type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
