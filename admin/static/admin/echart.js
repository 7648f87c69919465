/* Charts drawn with ECharts (vendored in /admin/static/vendor/echarts, no CDN).
 * Any element with data-echart='{"labels": [...], "series": [{"name": "...", "values": [...], "type": "bar"|"line"}],
 * "money": bool}' becomes a chart; money values are fen and read as yuan. */
(function () {
  "use strict";
  function draw(node) {
    var data = JSON.parse(node.getAttribute("data-echart"));
    var money = !!data.money;
    var chart = window.echarts.init(node, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {left: 48, right: 16, top: 36, bottom: 28},
      xAxis: {type: "category", data: data.labels},
      yAxis: {type: "value", minInterval: money ? 0 : 1},
      series: data.series.map(function (s) {
        return {name: s.name, type: s.type || "bar", data: s.values.map(function (v) { return money ? v / 100 : v; }),
                label: {show: s.type !== "line", position: "top"}, barMaxWidth: 40};
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-echart]").forEach(function (node) {
    try { draw(node); } catch (e) { node.textContent = String(e); }
  });
}());
