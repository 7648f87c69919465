/* Diner mode, built for a queue: one state at a time on the whole screen.
 *   idle     请刷卡, the meal and its prices by category
 *   ok       green: name, this charge and the balances (the only state with figures)
 *   refused  red: what happened, 未扣款, what to do next, the masked name
 *   offline  idle while the server is out of reach (charges go to the outbox)
 *   paused   a cashier is signed in at this till: taps are not meal charges (收银中，暂停刷卡)
 * A result goes back to idle (or offline/paused) after the configured seconds. */
"use strict";
(function () {
  const T = window.POS_TEXT;
  const result = document.getElementById("result");
  const idleMs = Number(result.dataset.idleSeconds || 4) * 1000;
  const $ = (id) => document.getElementById(id);
  const text = (id, value) => { $(id).textContent = value || ""; };
  const show = (id, visible) => { $(id).hidden = !visible; };
  let timer = null, mode = "diner", showing = false;

  function base() {
    if (mode === "cashier") return "paused";
    return POS.offline.online === false ? "offline" : "idle";
  }

  /* Everything a result may show, emptied and hidden: nothing of the last diner stays on screen. */
  function clear() {
    for (const id of ["name", "message", "amount", "cash-left", "subsidy-left", "balance-left",
      "low-balance-threshold"]) text(id, "");
    for (const id of ["name", "message", "figures", "low-balance"]) show(id, false);
  }

  function rest() {
    showing = false;
    clearTimeout(timer);
    clear();
    const state = base();
    result.dataset.state = state;
    show("meal", state !== "paused");
    show("hint", state !== "paused");
    if (state === "paused") {
      text("headline", T.paused);
      text("message", T.paused_hint); show("message", true);
    } else {
      text("headline", T.tap_card);
      if (state === "offline") {  // charging offline from the snapshot, or not at all
        text("message", POS.offline.enabled === false ? T.offline_off_hint : T.offline_hint);
        show("message", true);
      }
    }
  }

  function charged(tap) {
    show("figures", tap.guest !== true);  // a guest's ticket has no wallets to show
    text("amount", POS.fen(tap.amount));
    const split = !tap.offline;  // offline, the terminal knows the one spendable balance, not the wallets
    show("row-cash", split); show("row-subsidy", split); show("row-balance", !split);
    if (split) {
      text("cash-left", POS.fen(tap.cash_left));
      text("subsidy-left", POS.fen(tap.subsidy_left));
    } else {
      text("balance-left", POS.fen(tap.balance_left));
    }
    if (tap.low_balance) { text("low-balance-threshold", POS.fen(tap.low_balance_threshold)); show("low-balance", true); }
  }

  function onTap(tap) {
    clearTimeout(timer);
    clear();
    showing = true;
    result.dataset.state = tap.state === "ok" ? "ok" : "refused";
    show("meal", false); show("hint", false);
    text("headline", tap.headline);
    if (tap.name) { text("name", tap.name); show("name", true); }
    if (tap.message) { text("message", tap.message); show("message", true); }
    if (tap.state === "ok") charged(tap);
    let speech = null;  // the charged prompt may speak the amount and what is left (CANTEEN_TERMINAL_VOICE_AMOUNTS)
    if (tap.state === "ok" && !tap.guest && document.body.dataset.voiceAmounts === "1") {
      const left = tap.offline ? tap.balance_left : (tap.cash_left || 0) + (tap.subsidy_left || 0);
      speech = T.spoken_charge.replace("{amount}", POS.spoken(tap.amount)).replace("{balance}", POS.spoken(left));
    }
    POS.play([tap.state === "ok" ? "beep" : "beep_error", tap.sound], speech);
    timer = setTimeout(rest, idleMs);
  }

  async function meal() {
    const reply = await POS.get("/meal");
    if (!reply.ok) { text("meal-name", ""); text("meal-price", ""); return; }  // no server: no stale "loading"
    text("meal-name", reply.body.name || T.no_meal);
    const prices = reply.body.labelled || [];
    text("meal-price", prices.map((p) => (p.label ? p.label + " " : "") + POS.fen(p.amount)).join(" · "));
  }

  const virtualTap = $("virtual-tap");
  if (virtualTap) {
    virtualTap.addEventListener("submit", (event) => {
      event.preventDefault();
      POS.post("/virtual-tap", {uid: $("virtual-uid").value});
    });
  }

  POS.on("tap", onTap);
  POS.on("mode", (m) => {
    mode = m.mode;
    document.body.dataset.mode = mode;
    if (mode === "cashier" || !showing) rest();
  });
  POS.on("offline", () => { if (!showing) rest(); });
  rest();
  meal();
  setInterval(meal, 60000);
})();
