/* Report pages: checkbox drop-downs, the custom-range button, printing and the ECharts chart.
 * Plain script from the project's own static files (no inline script: the pages run under a CSP). */
(function () {
  "use strict";

  function chosenText(details) {
    var boxes = details.querySelectorAll("input[type=checkbox]");
    var names = [];
    boxes.forEach(function (box) {
      if (box.checked) names.push(box.parentNode.textContent.trim());
    });
    var out = details.querySelector(".multi-chosen");
    if (!out) return;
    if (!names.length) out.textContent = out.getAttribute("data-all");
    else if (names.length <= 2) out.textContent = names.join("、");
    else out.textContent = names.slice(0, 2).join("、") + " +" + (names.length - 2);
  }

  function dropDowns() {
    var all = document.querySelectorAll("details.multi");
    all.forEach(function (details) {
      chosenText(details);
      details.addEventListener("change", function () { chosenText(details); });
      details.addEventListener("toggle", function () {
        if (!details.open) return;
        all.forEach(function (other) { if (other !== details) other.open = false; });
      });
    });
    document.addEventListener("click", function (event) {
      all.forEach(function (details) {
        if (details.open && !details.contains(event.target)) details.open = false;
      });
    });
  }

  function ranges() {
    // A quick range keeps what was changed in the form but not yet applied: fill the dates and submit.
    document.querySelectorAll("a.quick[data-end]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var form = link.closest("form"), start = document.getElementById("start"), end = document.getElementById("end");
        if (!form || !end) return;
        event.preventDefault();
        if (start) start.value = link.getAttribute("data-start");
        end.value = link.getAttribute("data-end");
        form.submit();
      });
    });
    var custom = document.querySelector("[data-custom]");
    if (custom) {
      custom.addEventListener("click", function () {
        var field = document.getElementById("start") || document.getElementById("end");
        if (field) { field.focus(); if (field.showPicker) { try { field.showPicker(); } catch (e) { /* not allowed */ } } }
      });
    }
  }

  function printing() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function yuan(fen) {
    var sign = fen < 0 ? "-" : "";
    fen = Math.abs(Math.round(fen));
    var whole = Math.floor(fen / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + "." + String(fen % 100).padStart(2, "0");
  }

  function count(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function chart() {
    var target = document.getElementById("chart");
    if (!target || !window.echarts) return;
    var data = JSON.parse(target.getAttribute("data-chart"));
    var format = data.money ? yuan : count;
    var instance = window.echarts.init(target, null, {renderer: "svg"});
    instance.setOption({
      animation: false,
      grid: {left: 16, right: 20, top: 30, bottom: 8, containLabel: true},
      tooltip: {trigger: "axis", valueFormatter: format},
      xAxis: {type: "category", data: data.labels, axisLabel: {interval: 0, rotate: data.labels.length > 8 ? 40 : 0}},
      yAxis: {type: "value", axisLabel: {formatter: format}},
      series: [{name: data.name, type: data.labels.length > 20 ? "line" : "bar", data: data.values,
                itemStyle: {color: "#2f6db3"}}]
    });
    window.addEventListener("resize", function () { instance.resize(); });
    window.addEventListener("beforeprint", function () { instance.resize(); });
  }

  function start() { dropDowns(); ranges(); printing(); chart(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
