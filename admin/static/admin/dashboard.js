/* Live dashboard: server-sent events while pushes work; when Redis is away the note says so and the figures are
   polled every 10 s, and when a poll finds pushes working again the stream is opened again.
 * Figures arrive formatted by the server (*_text), so the page shows one money and one count format. */
(function () {
  "use strict";
  var script = document.getElementById("dashboard-script");
  var mode = document.getElementById("live-mode");
  var polling = null;

  function note(live) {
    mode.className = live ? "ok" : "error";
    mode.textContent = mode.getAttribute(live ? "data-ok" : "data-degraded");
  }

  function rows(id, items, keys) {
    var body = document.querySelector("#" + id + " tbody");
    body.innerHTML = "";
    items.forEach(function (item) {
      var tr = document.createElement("tr");
      keys.forEach(function (k) {
        var td = document.createElement("td"), value = item[k];
        // counts as 1,234 like canteen.money.count; names as they are
        if (typeof value === "number") { td.className = "int"; td.textContent = value.toLocaleString("en-US"); }
        else { td.textContent = value; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function show(data) {
    document.getElementById("live-date").textContent = data.date;
    document.getElementById("live-visits").textContent = data.visits_text;
    document.getElementById("live-in").textContent = data.money_in_text;
    document.getElementById("live-out").textContent = data.money_out_text;
    rows("live-periods", data.periods, ["name", "visits", "diners"]);
    rows("live-terminals", data.terminals, ["name", "visits"]);
  }

  function poll() {
    if (polling) return;
    note(false);
    var tick = function () {
      fetch(script.getAttribute("data-poll"), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          show(data);
          if (data.push && window.EventSource && polling) {
            clearInterval(polling);
            polling = null;
            stream();
          }
        }).catch(function () {});
    };
    polling = setInterval(tick, 10000);
    tick();
  }

  function stream() {
    var source = new EventSource(script.getAttribute("data-stream"));
    source.addEventListener("live", function (e) { note(true); show(JSON.parse(e.data)); });
    source.addEventListener("degraded", function () { source.close(); poll(); });
    source.onerror = function () { if (source.readyState === EventSource.CLOSED) poll(); };
  }

  if (!window.EventSource) { poll(); return; }
  stream();
}());
