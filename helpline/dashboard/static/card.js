/* The caller's card, from offer to wrap-up: why they call (in words, never codes), the state in
   words with the call timer, what was tried before, the note and local help while talking, hold
   and hand-over. An offer is announced (screen reader, sound, tab title, a notification when the
   tab is hidden) but never moves focus, and Enter or Escape act on it only outside form fields. */
"use strict";

const $ = (id) => document.getElementById(id);
// What the page knows: the live snapshot (the event stream), the wrap-up form's call.
const view = {
  snapshot: null,
  receivedAt: 0,
  wrapupFor: null,
  options: null,
  stream: null,
  offline: false,
};

function serverNow() {
  const s = view.snapshot;
  return s.now_ms + (performance.now() - view.receivedAt) * (s.clock_speed || 1);
}

function announce(message) {
  const box = $("announce");
  box.textContent = "";
  window.setTimeout(() => { box.textContent = message; }, 50);
}

const card = {
  data: null, // the card (getCurrentCall) on screen
  key: "", // which call and state it is about
  announced: "", // the offer last announced
  noteTimer: 0,
  noteSent: "",
  audio: null,
};
const CARD_STATES = {
  offered: N_("card_state_offered"), ringing: N_("card_state_ringing"),
  talking: N_("card_state_talking"), on_hold: N_("card_state_on_hold"),
  ringing_colleague: N_("card_state_ringing_colleague"),
  with_colleague: N_("card_state_with_colleague"), wrapup: N_("card_state_wrapup"),
};
const CARD_HINTS = {
  ringing: N_("card_hint_ringing"), on_hold: N_("card_hint_on_hold"),
  ringing_colleague: N_("card_hint_ringing_colleague"),
  with_colleague: N_("card_hint_with_colleague"), wrapup: N_("card_hint_wrapup"),
};
const TALKING = ["talking", "on_hold", "ringing_colleague", "with_colleague"];
const TITLE = document.title;

function topicLabel(id) {
  const topic = view.options && view.options.topics.find((x) => x.id === id);
  if (!topic) return id || "";
  const lang = document.documentElement.lang;
  return (topic.staff || {})[lang] || topic.name[lang] || topic.name.nl || id;
}

function clock(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const m = Math.floor(seconds / 60), s = seconds % 60;
  return m + ":" + String(s).padStart(2, "0");
}

// -- sound, title, notification ------------------------------------------------------------

function audioContext() {
  if (!card.audio) {
    try { card.audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { return null; }
  }
  return card.audio;
}
// The browser lets a page make sound once the person has used it: prepare it on first use.
for (const type of ["pointerdown", "keydown"]) {
  document.addEventListener(type, () => { const ctx = audioContext(); if (ctx) ctx.resume(); }, { once: true });
}

function beep() {
  if (!$("sound").checked) return;
  const ctx = audioContext();
  if (!ctx) return;
  try {
    ctx.resume();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 660;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
  } catch (e) { /* no sound available */ }
}

function askNotificationsOnce() {
  if (!("Notification" in window) || Notification.permission !== "default") return;
  if (window.localStorage.getItem("hl-notify-asked")) return;
  window.localStorage.setItem("hl-notify-asked", "1");
  try { Notification.requestPermission().catch(() => {}); } catch (e) { /* never required */ }
}

function notify(text) {
  if (!document.hidden || !("Notification" in window) || Notification.permission !== "granted") return;
  try {
    const note = new Notification(_("title_offer"), { body: text, tag: "hl-offer" });
    note.onclick = () => { window.focus(); note.close(); };
  } catch (e) { /* not available here */ }
}

function setTitle(waiting) {
  document.title = waiting ? _("title_offer") + " – " + _("app_name") : TITLE;
}

// -- rendering -------------------------------------------------------------------------------

function showOffer(offer) {
  // At once from the live snapshot (the fetched card adds the referral in words).
  const id = offer.id + ":" + offer.expires_at_ms;
  const topic = topicLabel(offer.topic);
  fillFacts({ topic_label: topic, language: offer.language, repeat_caller: offer.repeat_caller,
    widened: offer.widened, kind: offer.kind, state: "offered" });
  if (card.announced !== id) {
    card.announced = id;
    const text = _("offer_announcement", { topic });
    announce(text);
    beep();
    notify(text);
  }
  setTitle(true);
}

function fillFacts(data) {
  const topic = data.topic_label || topicLabel(data.topic);
  let title = _("card_title_call", { topic });
  if (data.state === "offered") {
    title = data.kind === "callback" ? _("card_title_callback", { topic }) : _("card_title_offer", { topic });
  }
  $("card-title").textContent = title;
  $("call-state").textContent = _(CARD_STATES[data.state] || "card_state_talking");
  let hint = CARD_HINTS[data.state];
  if (data.state === "ringing" && data.kind === "callback") hint = N_("card_hint_ringing_callback");
  if (data.state === "with_colleague" && data.taking_over) hint = N_("card_hint_taking_over");
  $("card-hint").textContent = hint ? _(hint) : "";
  $("card-hint").hidden = !hint;
  $("card-topic").textContent = topic;
  $("card-language").textContent = named("language", data.language) || data.language || "";
  $("card-repeat").hidden = !data.repeat_caller;
  $("card-widened").hidden = !data.widened;
  if (data.referral_label !== undefined) {
    const label = [data.referral_label, data.referral_org_label].filter(Boolean).join(" – ");
    $("card-referral-row").hidden = !label;
    $("card-referral").textContent = label;
  }
  $("offer-actions").hidden = data.state !== "offered";
  $("card").classList.toggle("offer", data.state === "offered");
  $("card").hidden = false;
}

function renderCardData(data) {
  card.data = data;
  fillFacts(data);
  $("card-handed-over").hidden = !data.handed_over;
  const handover = $("card-handover-note");
  handover.hidden = !data.handover_note;
  handover.textContent = data.handover_note ? _("card_handover_note", { note: data.handover_note }) : "";
  const talking = TALKING.includes(data.state);
  $("call-actions").hidden = !talking;
  $("hold").hidden = data.state !== "talking";
  $("resume").hidden = data.state !== "on_hold";
  $("transfer").hidden = !["talking", "on_hold"].includes(data.state);
  $("call-note-block").hidden = !(talking || data.state === "ringing");
  $("local-help").hidden = !talking;
  const note = $("call-note");
  if (!note.value && data.note && document.activeElement !== note) note.value = data.note;
  renderEarlier(data.earlier_contacts || []);
  markReferred(data.referred_place ? data.referred_place.id : "");
  if (data.state === "wrapup" && typeof wrapupCard === "function") wrapupCard(data);
  tickCard();
}

function renderEarlier(contacts) {
  $("earlier").hidden = contacts.length === 0;
  const lang = document.documentElement.lang;
  $("earlier-list").replaceChildren(...contacts.map((c) => {
    const when = new Date(c.ended_at).toLocaleString(lang, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    const what = [c.topic_label, c.subtopic_label].filter(Boolean).join(" – ");
    const outcome = c.outcome ? named("outcome", c.outcome) || c.outcome : _("earlier_not_wrapped");
    const item = el("li", {}, el("strong", {}, when), " · " + what + " · " + outcome);
    if (c.place_name) item.append(el("br"), _("earlier_place", { place: c.place_name }));
    if (c.note) item.append(el("br"), _("earlier_note", { note: c.note }));
    return item;
  }));
}

function hideCard() {
  $("card").hidden = true;
  card.data = null;
  card.key = "";
  setTitle(false);
  $("call-note").value = "";
  $("call-note-status").textContent = "";
  $("help-results").replaceChildren();
  $("help-status").textContent = "";
  $("transfer").open = false;
  $("transfer-message").hidden = true;
}

async function fetchCard(id) {
  try {
    renderCardData(await api("GET", `/api/calls/${encodeURIComponent(id)}/card`));
  } catch (error) {
    if (error.status === 404 && view.snapshot && !view.snapshot.card) hideCard();
  }
}

// Called by the page on every snapshot.
function renderCard(snapshot) {
  const marker = snapshot.card;
  if (!marker) {
    hideCard();
    return;
  }
  if (marker.state === "offered" && snapshot.offer) showOffer(snapshot.offer);
  else setTitle(false);
  const key = marker.id + ":" + marker.record + ":" + marker.state;
  if (key === card.key) return;
  const before = card.key ? card.key.split(":").pop() : "";
  card.key = key;
  if (before && before !== marker.state) announce(_(CARD_STATES[marker.state] || "card_state_talking"));
  fetchCard(marker.id);
}

function tickCard() {
  const data = card.data;
  const s = view.snapshot;
  if (!data || !s || $("card").hidden) return;
  const now = serverNow();
  const timer = $("card-timer");
  if (data.connected_at && TALKING.includes(data.state)) {
    timer.textContent = _("card_timer", { time: clock((now - data.connected_at) / 1000) });
  } else if (data.state === "wrapup" && data.connected_at && data.ended_at) {
    timer.textContent = _("card_timer_done", { time: clock((data.ended_at - data.connected_at) / 1000) });
  }
  timer.hidden = !data.connected_at || !(TALKING.includes(data.state) || data.state === "wrapup");
  const since = data.waiting_since_ms;
  const waited = ["offered", "ringing"].includes(data.state) && since ? (now - since) / 1000 : data.waited_seconds;
  $("card-waited").textContent = duration(waited);
  const countdown = $("offer-countdown");
  const offer = s.offer;
  if (data.state === "offered" && offer && offer.expires_at_ms) {
    const left = (offer.expires_at_ms - now) / 1000 / (s.clock_speed || 1);
    countdown.textContent = left > 0 ? ngettext("offer_countdown", Math.ceil(left)) : "";
    countdown.hidden = left <= 0;
  } else {
    countdown.hidden = true;
  }
}

// -- the offer: accept or decline -------------------------------------------------------------

async function decide(accept) {
  const s = view.snapshot;
  if (!s || !s.offer || s.offer.state !== "offered" || $("offer-actions").hidden) return;
  $("accept").disabled = $("decline").disabled = true;
  try {
    const result = await api("POST", `/api/offers/${encodeURIComponent(s.offer.id)}/${accept ? "accept" : "decline"}`);
    s.offer = result.offer;
    if (!accept) hideCard();
  } catch (error) {
    hideCard();
    announce(_("offer_gone"));
    const notice = $("notice");
    notice.textContent = _("offer_gone");
    notice.hidden = false;
  } finally {
    $("accept").disabled = $("decline").disabled = false;
  }
}

$("accept").addEventListener("click", () => decide(true));
$("decline").addEventListener("click", () => decide(false));
document.addEventListener("keydown", (event) => {
  if ($("card").hidden || $("offer-actions").hidden) return;
  if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
  const target = event.target;
  const tag = (target.tagName || "").toLowerCase();
  // Never in a field being typed in, never on a link; a button keeps its own Enter, except the
  // status buttons (the volunteer just went available there).
  if (["input", "textarea", "select"].includes(tag) || target.isContentEditable || tag === "a") return;
  if (tag === "button" && !target.classList.contains("status-button")) return;
  if (event.key === "Escape") {
    event.preventDefault();
    decide(false);
  } else if (event.key === "Enter") {
    event.preventDefault();
    decide(true);
  }
});

// -- hold and hand-over -------------------------------------------------------------------

async function callAction(path, body) {
  if (!card.data) return null;
  try {
    const result = await api("POST", `/api/calls/${encodeURIComponent(card.data.id)}/${path}`, body);
    return result;
  } catch (error) {
    const box = $("transfer-message");
    box.textContent = error.message;
    box.hidden = false;
    return null;
  }
}

$("hold").addEventListener("click", async () => {
  const data = await callAction("hold");
  if (data) { renderCardData(data); card.key = card.key.replace(/:[a-z_]+$/, ":" + data.state); announce(_("card_state_on_hold")); $("resume").focus(); }
});
$("resume").addEventListener("click", async () => {
  const data = await callAction("resume");
  if (data) { renderCardData(data); card.key = card.key.replace(/:[a-z_]+$/, ":" + data.state); announce(_("card_state_talking")); $("hold").focus(); }
});

function fillTransferTopics() {
  const select = $("transfer-topic");
  if (select.options.length || !view.options) return;
  select.replaceChildren(...view.options.topics.map((x) => el("option", { value: x.id }, topicLabel(x.id))));
}
$("transfer").addEventListener("toggle", fillTransferTopics);
for (const radio of document.querySelectorAll('#transfer-form input[name="to"]')) {
  radio.addEventListener("change", () => {
    $("transfer-note-field").hidden = document.querySelector('#transfer-form input[name="to"]:checked').value !== "line";
  });
}
$("transfer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const to = form.querySelector('input[name="to"]:checked').value;
  const topic = form.topic.value;
  const result = await callAction("transfer", { to, topic, note: to === "line" ? form.note.value : "" });
  if (!result) return;
  const box = $("transfer-message");
  box.textContent = to === "line" ? _("transfer_done_line", { topic: topicLabel(topic) })
    : _("transfer_done_colleague", { name: result.colleague || "" });
  box.hidden = false;
  if (result.card) renderCardData(result.card);
});

// -- the note while talking (a draft on the server) ----------------------------------------

function noteStatus(text, invalid) {
  $("call-note-status").textContent = text;
  $("call-note-status").classList.toggle("error", Boolean(invalid));
  if (invalid) $("call-note").setAttribute("aria-invalid", "true");
  else $("call-note").removeAttribute("aria-invalid");
}

async function saveDraft(body) {
  if (!card.data) return null;
  return api("PUT", `/api/calls/${encodeURIComponent(card.data.id)}/note`, body);
}

async function saveCallNote() {
  const text = $("call-note").value;
  if (text === card.noteSent) return;
  try {
    await saveDraft({ note: text });
    card.noteSent = text;
    noteStatus(_("call_note_saved"), false);
  } catch (error) {
    // Refused: nothing of it was stored; the text stays here to be corrected.
    noteStatus(error.message, error.status === 422);
  }
}
$("call-note").addEventListener("input", () => {
  window.clearTimeout(card.noteTimer);
  card.noteTimer = window.setTimeout(saveCallNote, 700);
});

// -- local help while talking ------------------------------------------------------------

function markReferred(placeId) {
  card.referred = placeId;
  for (const button of document.querySelectorAll("#help-results button[data-place]")) {
    const on = button.dataset.place === placeId;
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? _("referred_done") : _("referred");
  }
}

function placeItem(p) {
  const lines = [el("strong", {}, p.name), " · " + (named("kind", p.kind) || p.kind)];
  const where = [p.address, p.postcode, p.town].filter(Boolean).join(", ");
  if (where) lines.push(el("br"), where);
  if (p.phone) lines.push(el("br"), _("place_phone") + ": ", el("a", { href: "tel:" + p.phone.replace(/[^+\d]/g, "") }, p.phone));
  if (p.website) lines.push(el("br"), el("a", { href: p.website, target: "_blank", rel: "noopener" }, p.website));
  lines.push(el("br"), _("place_hours") + ": " + (p.hours || _("place_hours_unknown")));
  const button = el("button", { type: "button", class: "small", "data-place": p.id, "aria-pressed": "false" }, _("referred"));
  button.addEventListener("click", async () => {
    const chosen = card.referred === p.id ? "" : p.id;
    try {
      await saveDraft({ place: chosen });
      markReferred(chosen);
      card.referredPlace = chosen ? p : null;
      announce(chosen ? _("referred_announce", { place: p.name }) : _("referred_undone"));
    } catch (error) { $("help-status").textContent = error.message; }
  });
  return el("li", {}, ...lines, el("br"), button);
}

$("local-help-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const where = $("help-where").value.trim();
  const postcode = /^(\d{4})\s*[A-Za-z]{0,2}$/.exec(where);
  // Only the four digits of a postcode leave this page (and a town's name).
  const body = { kind: $("help-kind").value, area: postcode ? postcode[1] : "", town: postcode ? "" : where };
  const status = $("help-status");
  try {
    const data = await api("POST", "/api/local-help", body);
    status.textContent = data.places.length ? ngettext("places_found", data.places.length) : _("places_none");
    $("help-results").replaceChildren(...data.places.map(placeItem));
    markReferred(card.referred || "");
  } catch (error) {
    status.textContent = error.message;
    $("help-results").replaceChildren();
  }
});
