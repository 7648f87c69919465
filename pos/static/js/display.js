/* The customer-facing second screen: what the cashier did for the diner in front of it (top-up, charge, refund,
 * card services), the amount and the balances after it; a card tapped at the till shows its holder's balances.
 * Back to the welcome after a while, so the next diner never sees the last one's money. */
"use strict";
(function () {
  const T = window.POS_TEXT;
  const $ = (id) => document.getElementById(id);
  const result = $("result");
  const idleMs = Number(result.dataset.idleSeconds || 8) * 1000;
  let timer = null;

  function welcome() {
    result.dataset.state = "idle";
    $("headline").textContent = T.welcome;
    $("name").hidden = true; $("name").textContent = "";
    $("figures").hidden = true;
    for (const id of ["amount", "cash-left", "subsidy-left"]) $(id).textContent = "";
  }

  function show(title, name, amount, balances) {
    clearTimeout(timer);
    result.dataset.state = "ok";
    $("headline").textContent = title;
    $("name").textContent = name || "";
    $("name").hidden = !name;
    $("row-amount").hidden = amount === null || amount === undefined;
    $("amount").textContent = POS.fen(amount);
    $("row-cash").hidden = $("row-subsidy").hidden = !balances;
    if (balances) { $("cash-left").textContent = POS.fen(balances.cash); $("subsidy-left").textContent = POS.fen(balances.subsidy); }
    $("figures").hidden = $("row-amount").hidden && !balances;
    timer = setTimeout(welcome, idleMs);
  }

  POS.on("display", (event) => show(T["display_" + event.kind] || event.kind, event.name, event.amount, event.balances));
  POS.on("card", (card) => { if (card.known) show(T.balance_check, card.person.name, null, card.balances); });
  POS.on("mode", (mode) => { if (mode.mode === "diner") welcome(); });
  welcome();
})();
