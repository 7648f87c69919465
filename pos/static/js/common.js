/* Shared by every terminal page: the clock, health lights, the event stream, sounds and keyboard-wedge input. */
"use strict";
window.POS_TEXT = JSON.parse(document.body.dataset.text || "{}");
const POS = {
  handlers: {},
  on(name, fn) { (this.handlers[name] = this.handlers[name] || []).push(fn); },
  fen(amount) {
    if (amount === null || amount === undefined) return "—";
    const sign = amount < 0 ? "-" : "", abs = Math.abs(amount);
    return sign + "￥" + Math.floor(abs / 100) + "." + String(abs % 100).padStart(2, "0");
  },
  spoken(amount) {  /* 1050 -> "10.50" for the speech voice (which reads it as yuan after 元 in the sentence) */
    if (amount === null || amount === undefined) return "";
    return (amount / 100).toFixed(2);
  },
  /* Voice: one prompt at a time, the newest wins. A new tap stops what is still playing (the beep, the prompt,
   * a spoken amount) and drops what was queued, so two diners' prompts never overlap. */
  voice: {token: 0, audio: null},
  say(...names) { this.play(names.filter(Boolean)); },
  play(names, speech) {
    const voice = this.voice, token = ++voice.token;
    if (voice.audio) { voice.audio.pause(); voice.audio = null; }
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    const queue = names.slice();
    const next = () => {
      if (token !== voice.token) return;  // a newer prompt took over
      const name = queue.shift();
      if (!name) {
        voice.audio = null;
        if (speech && window.speechSynthesis && window.SpeechSynthesisUtterance) {
          const words = new SpeechSynthesisUtterance(speech);
          words.lang = document.documentElement.lang;
          window.speechSynthesis.speak(words);
        }
        return;
      }
      const audio = new Audio("/static/audio/" + name + ".wav");
      voice.audio = audio;
      audio.onended = next;
      audio.play().catch(next);
    };
    document.body.dataset.voice = names.join(" ");  // what is being said, for tests and diagnosis
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

/* The till's local time (CANTEEN_TERMINAL_TIMEZONE), whatever zone the browser's machine is set to. */
POS.localTime = (date, withSeconds) => {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", {timeZone: document.body.dataset.timezone || undefined,
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: withSeconds === false ? undefined : "2-digit", hourCycle: "h23"});
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}` +
    (withSeconds === false ? "" : `:${parts.second}`);
};
function tick() {
  document.getElementById("clock").textContent = POS.localTime(new Date());
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
  for (const name of ["tap", "card", "card_error", "card_removed", "health", "mode", "receipt", "offline",
    "display"]) {
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
