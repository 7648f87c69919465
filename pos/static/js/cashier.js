/* Cashier mode: taps and searches choose whom to serve; every form posts to the till's /cashier/api. */
"use strict";
(function () {
  const T = window.POS_TEXT;
  const $ = (id) => document.getElementById(id);
  const state = {target: null, newUid: null, quote: null};

  function flash(message, ok) {
    const box = $("flash");
    box.textContent = message;
    box.dataset.ok = ok ? "1" : "0";
  }

  async function act(url, data, after) {
    flash(T.working, true);
    const reply = await POS.post(url, data);
    if (reply.ok) {
      flash(reply.body.message || "OK", true);
      if (after) after(reply.body);
      loadReceipts();
      loadShift();
    } else {
      flash((reply.body.error && reply.body.error.message) || ("HTTP " + reply.status), false);
    }
    return reply;
  }

  function li(text, button, onClick) {
    const item = document.createElement("li");
    item.textContent = text + " ";
    if (button) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button;
      b.addEventListener("click", onClick);
      item.appendChild(b);
    }
    return item;
  }

  function showTarget() {
    const box = $("target");
    const t = state.target;
    if (!t) { box.textContent = "—"; box.dataset.empty = "1"; return; }
    box.dataset.empty = "0";
    const card = t.card ? `${t.card.uid}（${t.card.state === "active" ? T.active : t.card.state === "lost" ? T.lost : t.card.state}）` : "—";
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
      flash(`${card.person.name}：${card.uid}`, true);
    } else if (card.code === "unknown_card") {
      state.newUid = card.uid;
      $("new-uid").textContent = card.uid;
      flash(`${T.unknown_card}：${card.uid}`, true);
    } else {
      flash(card.message || card.code, false);
    }
  });
  POS.on("card_error", (error) => flash(error.message, false));
  POS.on("receipt", () => loadReceipts());

  $("search-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await POS.get("/cashier/api/people?q=" + encodeURIComponent($("search-q").value));
    const list = $("search-results");
    list.innerHTML = "";
    for (const p of reply.body.people || []) {
      list.appendChild(li(`${p.staff_no} ${p.name} ${p.department}`, T.select, () => choosePerson(p.id)));
    }
  });

  async function loadShift() {
    const reply = await POS.get("/cashier/api/shift");
    const shift = reply.body.shift;
    $("shift-state").textContent = shift ? `${T.shift} ${shift.shift_id}` : T.no_shift;
    $("shift-state").dataset.open = shift ? "1" : "0";
    $("shift-figures").textContent = shift ? `${T.expected_cash} ${POS.fen(shift.expected_cash)}` : "";
  }
  $("open-form").addEventListener("submit", (e) => { e.preventDefault();
    act("/cashier/api/shift/open", {opening_float: $("opening-float").value}); });
  $("close-form").addEventListener("submit", (e) => { e.preventDefault();
    act("/cashier/api/shift/close", {counted_cash: $("counted-cash").value}); });

  $("top-up-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = state.target;
    if (!t) return flash(T.need_target, false);
    const data = {amount: $("top-up-amount").value, method: $("top-up-method").value};
    if (t.card && t.card.state === "active") data.uid = t.card.uid; else data.person_id = t.person.id;
    act("/cashier/api/top-up", data, (body) => { $("top-up-amount").value = ""; refreshTarget(); });
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
      list.appendChild(li(`#${entry.id} ${entry.name} ${POS.fen(entry.amount)} ${entry.created_dt.slice(11, 19)}`,
        T.refund, () => {
          const amount = prompt(T.refund + " (" + T.yuan + ")", POS.fen(entry.amount).replace("￥", ""));
          if (amount) act("/cashier/api/refund", {entry_id: entry.id, amount, reason: $("refund-reason").value},
                          refreshTarget).then(loadRequests);
        }));
    }
  }
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

  $("issue-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!state.target || !state.newUid) return flash(T.need_person_new, false);
    act("/cashier/api/cards/issue", {person_id: state.target.person.id, uid: state.newUid,
      deposit: $("issue-deposit").value, top_up: $("issue-top-up").value},
      () => { state.newUid = null; $("new-uid").textContent = "—"; refreshTarget(); });
  });
  const cardAction = (what) => () => {
    const t = state.target;
    if (!t || !t.card) return flash(T.need_target, false);
    act(`/cashier/api/cards/${t.card.uid}/${what}`, {}, refreshTarget);
  };
  $("loss-submit").addEventListener("click", cardAction("loss"));
  $("unfreeze-submit").addEventListener("click", cardAction("unfreeze"));
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
    $("cancel-text").textContent = T.cancel_quote.replace("{name}", q.person.name).replace("{cash}", POS.fen(q.cash))
      .replace("{deposit}", POS.fen(q.deposit)).replace("{total}", POS.fen(q.cash_to_pay))
      .replace("{subsidy}", POS.fen(q.subsidy));
    $("cancel-box").hidden = false;
  });
  $("cancel-abort").addEventListener("click", () => { $("cancel-box").hidden = true; });
  $("cancel-confirm").addEventListener("click", () => {
    $("cancel-box").hidden = true;
    act(`/cashier/api/people/${state.target.person.id}/cancel`, {}, refreshTarget);
  });

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

  loadShift();
  loadReceipts();
  loadRequests();
})();
