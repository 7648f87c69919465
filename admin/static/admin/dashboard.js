/* Live dashboard: server-sent events while pushes work, polling every 10 s when they do not.
 * Figures arrive formatted by the server (*_text), so the page shows one money and one count format. */
(function () {
  "use strict";
  var script = document.getElementById("dashboard-script");
  var polling = null;

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
    document.getElementById("live-mode").className = "error";
    var tick = function () {
      fetch(script.getAttribute("data-poll"), {credentials: "same-origin"})
        .then(function (r) { return r.json(); }).then(show).catch(function () {});
    };
    tick();
    polling = setInterval(tick, 10000);
  }

  if (!window.EventSource) { poll(); return; }
  var source = new EventSource(script.getAttribute("data-stream"));
  source.addEventListener("live", function (e) { show(JSON.parse(e.data)); });
  source.addEventListener("degraded", function () { source.close(); poll(); });
  source.onerror = function () { if (source.readyState === EventSource.CLOSED) poll(); };
}());
