/* Diner mode: show each tap's result big, green or red, say it, then go back to "please tap". */
"use strict";
(function () {
  const result = document.getElementById("result");
  const idleMs = Number(result.dataset.idleSeconds || 4) * 1000;
  const text = (id, value) => { document.getElementById(id).textContent = value || ""; };
  let timer = null;

  function idle() {
    result.dataset.state = "idle";
    text("headline", window.POS_TEXT.tap_card);
    text("name", ""); text("message", "");
    document.getElementById("figures").hidden = true;
    document.getElementById("low-balance").hidden = true;
  }

  function show(tap) {
    result.dataset.state = tap.state;
    text("headline", tap.headline);
    text("name", tap.name);
    text("message", tap.message);
    const figures = document.getElementById("figures");
    figures.hidden = tap.state !== "ok" || tap.guest === true;  // a guest's ticket has no wallets to show
    if (tap.state === "ok") {
      text("amount", POS.fen(tap.amount));
      text("cash-left", POS.fen(tap.cash_left));
      text("subsidy-left", POS.fen(tap.subsidy_left));
    }
    const low = document.getElementById("low-balance");
    low.hidden = !(tap.state === "ok" && tap.low_balance);
    if (!low.hidden) text("low-balance-threshold", POS.fen(tap.low_balance_threshold));
    POS.play([tap.state === "ok" ? "beep" : "beep_error", tap.sound]);
    clearTimeout(timer);
    timer = setTimeout(idle, idleMs);
  }

  async function meal() {
    const reply = await POS.get("/meal");
    if (!reply.ok) return;
    const name = reply.body.name;
    text("meal-name", name || window.POS_TEXT.no_meal);
    text("meal-price", (reply.body.prices || []).map(POS.fen).join(" / "));
  }

  const virtualTap = document.getElementById("virtual-tap");
  if (virtualTap) {
    virtualTap.addEventListener("submit", (event) => {
      event.preventDefault();
      POS.post("/virtual-tap", {uid: document.getElementById("virtual-uid").value});
    });
  }

  POS.on("tap", show);
  POS.on("mode", (mode) => { document.body.dataset.mode = mode.mode; });
  meal();
  setInterval(meal, 60000);
})();
