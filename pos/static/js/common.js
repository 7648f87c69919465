/* Shared by every terminal page: the clock, health lights, the event stream, sounds and keyboard-wedge input. */
"use strict";
const POS = {
  handlers: {},
  on(name, fn) { (this.handlers[name] = this.handlers[name] || []).push(fn); },
  fen(amount) {
    if (amount === null || amount === undefined) return "—";
    const sign = amount < 0 ? "-" : "", abs = Math.abs(amount);
    return sign + "￥" + Math.floor(abs / 100) + "." + String(abs % 100).padStart(2, "0");
  },
  play(names) {
    /* Beep then voice prompt, one after the other; a browser that refuses audio must not break the page. */
    const queue = names.slice();
    const next = () => {
      const name = queue.shift();
      if (!name) return;
      const audio = new Audio("/static/audio/" + name + ".wav");
      audio.onended = next;
      audio.play().catch(next);
    };
    next();
  },
  async post(url, data) {
    const response = await fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-Requested-With": "pos"}, body: JSON.stringify(data || {})});
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    return {ok: response.ok, status: response.status, body};
  },
  async get(url) {
    const response = await fetch(url, {credentials: "same-origin"});
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    return {ok: response.ok, status: response.status, body};
  },
};

function tick() {
  const now = new Date();
  const two = (n) => String(n).padStart(2, "0");
  document.getElementById("clock").textContent =
    `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
}
tick();
setInterval(tick, 1000);

POS.on("health", (health) => {
  for (const part of ["reader", "printer", "server"]) {
    const light = document.getElementById("health-" + part);
    const state = health[part] || {};
    light.dataset.ok = state.ok === true ? "1" : state.ok === false ? "0" : "";
    light.title = state.message || "";
  }
});

/* Offline mode: online or not, blacklist version, snapshot age, charges waiting to be synced. */
POS.offline = {};
POS.on("offline", (state) => {
  POS.offline = state;
  const box = document.getElementById("offline");
  if (!box) return;
  box.dataset.online = state.online ? "1" : "0";
  box.title = state.error || "";
  document.getElementById("offline-mode").textContent = state.online ? window.POS_TEXT.online : window.POS_TEXT.offline;
  document.getElementById("blacklist-version").textContent = state.blacklist_version;
  document.getElementById("offline-pending").textContent = state.pending ?? "-";
  showSnapshotAge();
});
function showSnapshotAge() {
  const cell = document.getElementById("snapshot-age");
  if (!cell || !POS.offline.snapshot_at) return;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(POS.offline.snapshot_at)) / 1000));
  cell.textContent = seconds < 120 ? window.POS_TEXT.seconds_ago.replace("{n}", seconds)
    : window.POS_TEXT.minutes_ago.replace("{n}", Math.round(seconds / 60));
}
setInterval(showSnapshotAge, 1000);

(function connect() {
  const source = new EventSource("/events");
  for (const name of ["tap", "card", "card_error", "card_removed", "health", "mode", "receipt", "offline"]) {
    source.addEventListener(name, (event) => {
      const data = JSON.parse(event.data);
      (POS.handlers[name] || []).forEach((fn) => fn(data));
    });
  }
  source.onopen = () => { document.body.dataset.stream = "open"; };
  source.onerror = () => { document.body.dataset.stream = "lost"; };
})();

/* Keyboard-wedge readers type the card number fast and press Enter; people type slowly. */
(function wedge() {
  const maxGap = Number(document.body.dataset.wedgeGap || 80);
  let keys = "", last = 0;
  document.addEventListener("keydown", (event) => {
    const now = performance.now();
    if (now - last > maxGap) keys = "";
    last = now;
    if (event.key === "Enter") {
      /* A guest meal ticket's QR code (GT1-...) goes to the ticket view; card numbers to the reader. */
      const ticket = /^GT1-/i.test(keys);
      if (ticket || (keys.length >= 4 && /^[0-9A-Fa-f]+$/.test(keys))) {
        event.preventDefault();
        const field = document.activeElement;
        if (field && "value" in field && field.value.endsWith(keys)) field.value = field.value.slice(0, -keys.length);
        POS.post(ticket ? "/guest-ticket" : "/wedge", ticket ? {code: keys} : {burst: keys});
      }
      keys = "";
    } else if (event.key.length === 1 && /[0-9A-Za-z-]/.test(event.key)) {
      keys += event.key;
    } else {
      keys = "";
    }
  });
})();
