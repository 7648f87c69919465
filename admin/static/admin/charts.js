/* Minimal bar and line charts in SVG, served by the project itself (the machines have no internet).
 * A chart is any element with data-chart='{"labels": [...], "values": [...], "money": bool, "type": "bar"|"line"}'. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fmt(value, money) {
    return money ? (value / 100).toFixed(2) : String(value);
  }

  function draw(target, data) {
    var labels = data.labels || [], values = data.values || [];
    var width = Math.max(420, labels.length * 48 + 80), height = 260, left = 70, bottom = 60, top = 16;
    var max = Math.max.apply(null, values.concat([0])), min = Math.min.apply(null, values.concat([0]));
    var span = (max - min) || 1, plotH = height - top - bottom, step = (width - left - 10) / Math.max(labels.length, 1);
    var y = function (v) { return top + (max - v) / span * plotH; };
    var svg = el("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img"});
    svg.appendChild(el("line", {x1: left, x2: width - 10, y1: y(0), y2: y(0), stroke: "#888"}));
    [max, min].forEach(function (v) {
      svg.appendChild(el("text", {x: left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11}, fmt(v, data.money)));
    });
    var points = [];
    values.forEach(function (v, i) {
      var x = left + i * step + step * 0.15, w = step * 0.7;
      if (data.type === "line") {
        points.push((x + w / 2) + "," + y(v));
      } else {
        var rect = el("rect", {x: x, width: w, y: Math.min(y(v), y(0)), height: Math.abs(y(v) - y(0)), fill: "#3b7dd8"});
        rect.appendChild(el("title", {}, labels[i] + ": " + fmt(v, data.money)));
        svg.appendChild(rect);
      }
      var label = el("text", {x: x + w / 2, y: height - bottom + 14, "font-size": 10, "text-anchor": "end",
        transform: "rotate(-40 " + (x + w / 2) + " " + (height - bottom + 14) + ")"}, labels[i]);
      svg.appendChild(label);
    });
    if (points.length) svg.appendChild(el("polyline", {points: points.join(" "), fill: "none", stroke: "#3b7dd8", "stroke-width": 2}));
    target.innerHTML = "";
    target.appendChild(svg);
  }

  window.CanteenCharts = {draw: draw};
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    try { draw(node, JSON.parse(node.getAttribute("data-chart"))); } catch (e) { node.textContent = String(e); }
  });
  var copy = document.getElementById("copy");
  if (copy) {
    copy.addEventListener("click", function () {
      var area = document.getElementById(copy.getAttribute("data-target"));
      area.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(area.value); } else { document.execCommand("copy"); }
    });
  }
}());
