/* Cashier mode: whom (taps and searches), one task at a time with a number pad, and the result of every action
 * with its receipt in the right-hand column. 挂失, 清退 and 交班 ask first, in red. Every form posts to the till's
 * /cashier/api. */
"use strict";
(function () {
  const T = window.POS_TEXT;
  const $ = (id) => document.getElementById(id);
  const state = {target: null, newUid: null, refundEntry: null, lastJob: null, amountInput: null};

  /* ---- the result column ---------------------------------------------------------------------------------- */
  function flash(message, ok) {
    const box = $("flash");
    box.textContent = message;
    box.dataset.ok = ok ? "1" : "0";
  }

  function outcome(result) {
    const box = $("outcome");
    box.textContent = "";
    if (!result) return;
    const person = result.person || (result.shift ? null : null);
    const rows = [];
    if (person && person.name) rows.push([T.person, `${person.name}${person.staff_no ? " " + person.staff_no : ""}`]);
    const entry = result.entry;
    if (entry && entry.amount !== undefined) rows.push([T.amount, POS.fen(Math.abs(entry.amount))]);
    const balances = result.balances || (result.cash_left !== undefined ?
      {cash: result.cash_left, subsidy: result.subsidy_left} : null);
    if (balances) { rows.push([T.cash, POS.fen(balances.cash)]); rows.push([T.subsidy, POS.fen(balances.subsidy)]); }
    if (result.total_paid !== undefined) rows.push([T.pay_out, POS.fen(result.total_paid)]);
    if (result.expected_cash !== undefined) rows.push([T.expected_cash, POS.fen(result.expected_cash)]);
    if (result.counted_cash !== undefined) rows.push([T.counted_cash, POS.fen(result.counted_cash)]);
    const list = document.createElement("dl");
    for (const [label, value] of rows) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = label; dd.textContent = value;
      list.append(dt, dd);
    }
    box.appendChild(list);
  }

  function showReceipt(job) {
    state.lastJob = job || null;
    $("receipt-box").hidden = !job;
    if (!job) return;
    $("receipt-state").textContent = `${job.title}${job.copy ? T.copy : ""} · ${job.state_text}`;
    $("receipt-state").dataset.status = job.status;
    $("receipt-preview").textContent = job.preview || "";
  }

  async function act(url, data, after) {
    flash(T.working, true);
    outcome(null);
    showReceipt(null);
    const reply = await POS.post(url, data);
    if (reply.ok) {
      flash(reply.body.message || "OK", true);
      outcome(reply.body.result || reply.body.shift);
      showReceipt(reply.body.job);
      if (after) after(reply.body);
      loadReceipts();
      loadShift();
    } else {
      flash((reply.body.error && reply.body.error.message) || ("HTTP " + reply.status), false);
    }
    return reply;
  }

  /* A dangerous action asks first: the question and a red button saying exactly what will happen. */
  function confirmThen(text, yes, action) {
    $("confirm-text").textContent = text;
    $("confirm-yes").textContent = yes;
    $("confirm").hidden = false;
    $("confirm-yes").onclick = () => { $("confirm").hidden = true; action(); };
  }
  $("confirm-no").addEventListener("click", () => { $("confirm").hidden = true; flash(T.cancelled, true); });

  /* ---- tasks and the number pad -------------------------------------------------------------------------- */
  function showTask(name) {
    for (const task of document.querySelectorAll(".task")) task.hidden = task.dataset.task !== name;
    for (const tab of document.querySelectorAll(".tab")) tab.dataset.active = tab.dataset.task === name ? "1" : "0";
    const panel = $("task-" + name);
    const first = [...panel.querySelectorAll("input.amount")].find((input) => input.offsetParent !== null) || null;
    state.amountInput = first;
    $("numpad").hidden = !first;
    if (name === "refund") loadCharges();
    if (name === "receipts") loadReceipts();
    if (name === "approvals") loadRequests();
  }
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showTask(tab.dataset.task));
  for (const input of document.querySelectorAll("input.amount")) {
    input.addEventListener("focus", () => { state.amountInput = input; });
  }
  for (const key of document.querySelectorAll("#numpad .key")) {
    key.addEventListener("click", () => {
      const input = state.amountInput;
      if (!input) return;
      const k = key.dataset.key;
      if (k === "clear") input.value = "";
      else if (k === "⌫") input.value = input.value.slice(0, -1);
      else if (k === "." && input.value.includes(".")) return;
      else input.value = (input.value === "0" && k !== "." ? "" : input.value) + k;
      input.dispatchEvent(new Event("input"));
    });
  }

  /* ---- whom ------------------------------------------------------------------------------------------------ */
  function li(text, button, onClick, className) {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = text;
    item.appendChild(label);
    if (button) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button;
      if (className) b.className = className;
      b.addEventListener("click", onClick);
      item.appendChild(b);
    }
    return item;
  }

  function cardNo(card) { return card.printed_no || card.uid; }

  function showTarget() {
    const box = $("target");
    const t = state.target;
    if (!t) { box.textContent = "—"; box.dataset.empty = "1"; return; }
    box.dataset.empty = "0";
    const card = t.card ? `${cardNo(t.card)}（${t.card.state === "active" ? T.active : t.card.state === "lost" ? T.lost : t.card.state}）` : "—";
    box.textContent = `${t.person.name} ${t.person.staff_no} ${t.person.department} · ${T.card} ${card} · ` +
      `${T.cash} ${POS.fen(t.balances.cash)} ${T.subsidy} ${POS.fen(t.balances.subsidy)}`;
  }

  async function choosePerson(id) {
    const reply = await POS.get(`/cashier/api/people/${id}`);
    if (!reply.ok) return flash(reply.body.error.message, false);
    const live = reply.body.cards.filter((c) => c.state !== "replaced" && c.state !== "cancelled");
    state.target = {person: reply.body.person, balances: reply.body.balances, card: live[live.length - 1] || null};
    showTarget();
  }

  async function refreshTarget() {
    if (state.target) await choosePerson(state.target.person.id);
  }

  POS.on("card", (card) => {
    if (card.known) {
      state.target = {person: card.person, balances: card.balances, card: card.card};
      showTarget();
      flash(`${card.person.name}：${cardNo(card.card)}`, true);
    } else if (card.code === "unknown_card") {
      state.newUid = card.uid;
      $("new-uid").textContent = card.uid;
      flash(`${T.unknown_card}：${card.uid}`, true);
    } else {
      flash(card.message || card.code, false);
    }
  });
  POS.on("card_error", (error) => flash(error.message, false));
  POS.on("receipt", (job) => {
    if (state.lastJob && job.id === state.lastJob.id) showReceipt(Object.assign({}, state.lastJob, job));
    if (!$("task-receipts").hidden) loadReceipts();
  });
  /* Signed out elsewhere or by inactivity: this page is no longer the cashier's. */
  POS.on("mode", (mode) => { if (mode.mode === "diner") window.location.assign("/cashier/login"); });

  $("search-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await POS.get("/cashier/api/people?q=" + encodeURIComponent($("search-q").value));
    const list = $("search-results");
    list.innerHTML = "";
    for (const p of reply.body.people || []) {
      list.appendChild(li(`${p.staff_no} ${p.name} ${p.department}`, T.select, () => choosePerson(p.id)));
    }
  });

  /* ---- shift ----------------------------------------------------------------------------------------------- */
  async function loadShift() {
    const reply = await POS.get("/cashier/api/shift");
    const shift = reply.body.shift;
    $("shift-state").textContent = shift ? `${T.shift} ${shift.shift_id}` : T.no_shift;
    $("shift-state").dataset.open = shift ? "1" : "0";
    $("shift-figures").textContent = shift ? `${T.expected_cash} ${POS.fen(shift.expected_cash)}` : "";
    $("open-form").hidden = Boolean(shift);  // one of the two at a time: open a shift, or count and close it
    $("close-form").hidden = !shift;
    if (!$("task-shift").hidden) {
      const input = shift ? $("counted-cash") : $("opening-float");
      state.amountInput = input;
    }
  }
  $("open-form").addEventListener("submit", (e) => { e.preventDefault();
    act("/cashier/api/shift/open", {opening_float: $("opening-float").value}); });
  $("close-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const counted = $("counted-cash").value;
    confirmThen(T.confirm_close.replace("{counted}", counted || "0"), T.close_shift,
      () => act("/cashier/api/shift/close", {counted_cash: counted}));
  });

  /* ---- money ----------------------------------------------------------------------------------------------- */
  $("top-up-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = state.target;
    if (!t) return flash(T.need_target, false);
    const data = {amount: $("top-up-amount").value, method: $("top-up-method").value};
    if (t.card && t.card.state === "active") data.uid = t.card.uid; else data.person_id = t.person.id;
    act("/cashier/api/top-up", data, () => { $("top-up-amount").value = ""; refreshTarget(); });
  });

  $("charge-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = state.target;
    if (!t || !t.card) return flash(T.need_card, false);
    act("/cashier/api/charge", {uid: t.card.uid, amount: $("charge-amount").value},
        () => { $("charge-amount").value = ""; refreshTarget(); });
  });

  async function loadCharges() {
    const reply = await POS.get("/cashier/api/recent-charges");
    const list = $("charges");
    list.innerHTML = "";
    for (const entry of reply.body.entries || []) {
      const when = POS.localTime(new Date(entry.created_dt), false);
      const text = `#${entry.id} ${entry.name} ${POS.fen(Math.abs(entry.amount))} ${when}`;
      const item = entry.refundable > 0
        ? li(text + (entry.refunded ? ` (${T.refunded} ${POS.fen(entry.refunded)})` : ""), T.refund, () => chooseRefund(entry))
        : li(`${text} · ${T.refunded}`);
      item.dataset.entry = entry.id;
      item.dataset.refundable = entry.refundable > 0 ? "1" : "0";
      list.appendChild(item);
    }
  }
  function chooseRefund(entry) {
    state.refundEntry = entry;
    $("refund-entry").textContent = `#${entry.id} ${entry.name} ${POS.fen(Math.abs(entry.amount))} · ` +
      `${T.refundable} ${POS.fen(entry.refundable)}`;
    $("refund-amount").value = (entry.refundable / 100).toFixed(2);
    $("refund-form").hidden = false;
    state.amountInput = $("refund-amount");
    $("numpad").hidden = false;
  }
  function closeRefund() {
    $("refund-form").hidden = true;
    state.refundEntry = null;
    $("numpad").hidden = true;  // nothing to key until the next meal is chosen
  }
  $("refund-abort").addEventListener("click", closeRefund);
  $("refund-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const entry = state.refundEntry;
    if (!entry) return;
    act("/cashier/api/refund", {entry_id: entry.id, amount: $("refund-amount").value, reason: $("refund-reason").value},
      () => { closeRefund(); $("refund-reason").value = ""; refreshTarget(); })
      .then(() => { loadCharges(); loadRequests(); });
  });
  $("load-charges").addEventListener("click", loadCharges);

  /* Refund approval: the signed-in manager, or a manager who keys their own account into the form. */
  async function loadRequests() {
    const reply = await POS.get("/cashier/api/refund-requests");
    const list = $("refund-requests");
    list.innerHTML = "";
    const requests = reply.body.requests || [];
    if (!requests.length) list.appendChild(li(T.no_requests));
    for (const r of requests) {
      const item = li(`#${r.id} ${r.person} ${POS.fen(r.amount)} / ${POS.fen(r.original_amount)} ` +
        `${T.requested_by} ${r.requested_by_name}${r.reason ? " · " + r.reason : ""}`, T.approve, () => decide(r.id, "approve"));
      const no = document.createElement("button");
      no.type = "button";
      no.textContent = T.reject;
      no.addEventListener("click", () => decide(r.id, "reject"));
      item.appendChild(no);
      item.dataset.request = r.id;
      list.appendChild(item);
    }
  }
  function decide(id, action) {
    const data = {username: $("approver-username").value, password: $("approver-password").value};
    $("approver-password").value = "";
    act(`/cashier/api/refund-requests/${id}/${action}`, data, () => { $("approver-username").value = ""; refreshTarget(); })
      .then(loadRequests);
  }
  $("load-requests").addEventListener("click", loadRequests);

  /* ---- card services --------------------------------------------------------------------------------------- */
  $("issue-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!state.target || !state.newUid) return flash(T.need_person_new, false);
    act("/cashier/api/cards/issue", {person_id: state.target.person.id, uid: state.newUid,
      deposit: $("issue-deposit").value, top_up: $("issue-top-up").value},
      () => { state.newUid = null; $("new-uid").textContent = "—"; refreshTarget(); });
  });
  $("loss-submit").addEventListener("click", () => {
    const t = state.target;
    if (!t || !t.card) return flash(T.need_target, false);
    confirmThen(T.confirm_loss.replace("{name}", t.person.name).replace("{card}", cardNo(t.card)), T.loss,
      () => act(`/cashier/api/cards/${t.card.uid}/loss`, {}, refreshTarget));
  });
  $("unfreeze-submit").addEventListener("click", () => {
    const t = state.target;
    if (!t || !t.card) return flash(T.need_target, false);
    act(`/cashier/api/cards/${t.card.uid}/unfreeze`, {}, refreshTarget);
  });
  $("reissue-submit").addEventListener("click", () => {
    const t = state.target;
    if (!t || !t.card || !state.newUid) return flash(T.need_old_new, false);
    act(`/cashier/api/cards/${t.card.uid}/reissue`, {new_uid: state.newUid, fee: $("reissue-fee").value},
        () => { state.newUid = null; $("new-uid").textContent = "—"; refreshTarget(); });
  });
  $("cancel-quote").addEventListener("click", async () => {
    const t = state.target;
    if (!t) return flash(T.need_target, false);
    const reply = await POS.get(`/cashier/api/people/${t.person.id}/cancel-quote`);
    if (!reply.ok) return flash(reply.body.error.message, false);
    const q = reply.body;
    const text = T.cancel_quote.replace("{name}", q.person.name).replace("{cash}", POS.fen(q.cash))
      .replace("{deposit}", POS.fen(q.deposit)).replace("{total}", POS.fen(q.cash_to_pay))
      .replace("{subsidy}", POS.fen(q.subsidy));
    confirmThen(text, T.confirm_cancel, () => act(`/cashier/api/people/${t.person.id}/cancel`, {}, refreshTarget));
  });

  /* ---- receipts -------------------------------------------------------------------------------------------- */
  async function loadReceipts() {
    const reply = await POS.get("/cashier/api/receipts");
    const list = $("receipts");
    list.innerHTML = "";
    for (const job of reply.body.jobs || []) {
      const item = li(`${job.time} ${job.title}${job.copy ? T.copy : ""} #${job.entry_no || "-"} ${job.state_text}`,
        T.reprint, () => act(`/cashier/api/receipts/${job.id}/reprint`, {}));
      item.dataset.status = job.status;
      item.dataset.job = job.id;
      list.appendChild(item);
    }
  }
  $("load-receipts").addEventListener("click", loadReceipts);
  $("retry-receipts").addEventListener("click", () => act("/cashier/api/receipts/retry", {}));

  showTask("top-up");
  loadShift();
})();
