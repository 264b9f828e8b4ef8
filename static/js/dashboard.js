// Draws each dashboard chart from the JSON block the page embeds beside it.
// Hidden (suppressed) cells arrive as null with their mark ("<5" or "np") in
// dataset.hidden: they are drawn as a hatched grey column across the whole chart with
// the mark beneath the label, so a hidden count never looks like a zero. The table
// beside each chart carries the same figures for screen readers and keyboard users.
(function () {
  "use strict";
  var palette = ["#0d6efd", "#6f42c1", "#198754", "#fd7e14", "#20c997", "#dc3545", "#6c757d", "#0dcaf0", "#ffc107"];

  function hatch(ctx) {
    var tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    var t = tile.getContext("2d");
    t.fillStyle = "#ffffff";
    t.fillRect(0, 0, 8, 8);
    t.strokeStyle = "#adb5bd";
    t.lineWidth = 2;
    t.beginPath();
    t.moveTo(0, 8);
    t.lineTo(8, 0);
    t.moveTo(-2, 2);
    t.lineTo(2, -2);
    t.moveTo(6, 10);
    t.lineTo(10, 6);
    t.stroke();
    return ctx.createPattern(tile, "repeat");
  }

  // The marks of each category: "<5" or "np" when any dataset hides it there.
  function marksOf(spec) {
    return spec.labels.map(function (_, index) {
      var found = null;
      spec.datasets.forEach(function (dataset) {
        var mark = dataset.hidden && dataset.hidden[index];
        if (mark && found === null) {
          found = mark;
        }
      });
      return found;
    });
  }

  // A plugin that draws the hatched columns behind the bars.
  function hiddenColumns(marks) {
    return {
      id: "hiddenColumns",
      beforeDatasetsDraw: function (chart) {
        var x = chart.scales.x;
        var area = chart.chartArea;
        if (!x || !area) {
          return;
        }
        var ctx = chart.ctx;
        var width = (area.right - area.left) / Math.max(marks.length, 1);
        ctx.save();
        ctx.fillStyle = hatch(ctx);
        ctx.strokeStyle = "#6c757d";
        marks.forEach(function (mark, index) {
          if (!mark) {
            return;
          }
          var centre = x.getPixelForValue(index);
          var left = centre - width * 0.4;
          ctx.fillRect(left, area.top, width * 0.8, area.bottom - area.top);
          ctx.strokeRect(left, area.top, width * 0.8, area.bottom - area.top);
        });
        ctx.restore();
      }
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var marks = marksOf(spec);
    var labels = spec.labels.map(function (label, index) {
      return marks[index] ? label + " (" + marks[index] + ", hidden)" : label;
    });
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
      data: { labels: labels, datasets: datasets },
      plugins: spec.type === "doughnut" ? [] : [hiddenColumns(marks)],
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
