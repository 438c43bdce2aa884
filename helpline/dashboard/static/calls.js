/* The volunteer's screen: status, offers (live by Server-Sent Events), the call, wrap-up. */
"use strict";

const $ = (id) => document.getElementById(id);
const view = {
  snapshot: null,
  receivedAt: 0,
  shownOffer: null,
  hadCall: false,
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

function topicName(id) {
  const topic = view.options && view.options.topics.find((x) => x.id === id);
  if (!topic) return id || "";
  return topic.name[document.documentElement.lang] || topic.name.nl || id;
}

function beep() {
  if (!$("sound").checked) return;
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 660;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
  } catch (e) { /* no sound available */ }
}

// -- status --------------------------------------------------------------------------------

function renderStatus(me) {
  const name = $("status-name");
  if (!name) return;
  name.textContent = named("status", me.status) || me.status;
  for (const button of document.querySelectorAll(".status-button")) {
    button.setAttribute("aria-pressed", String(button.dataset.status === me.status));
  }
  const reason = $("status-reason");
  const why = me.status === "paused" && me.paused_reason ? named("paused", me.paused_reason) : null;
  reason.hidden = !why;
  reason.textContent = why || "";
  const notice = $("notice");
  const noticeText = me.notice ? named("notice", me.notice) : null;
  notice.hidden = !noticeText;
  notice.textContent = noticeText || "";
  $("status-help").hidden = me.status !== "offline" && me.status !== "paused";
  tickSince();
}

function tickSince() {
  const s = view.snapshot;
  const since = $("status-since");
  if (!since || !s || !s.me.state_since_ms) return;
  const seconds = (serverNow() - s.me.state_since_ms) / 1000;
  since.textContent = "· " + _("since", { duration: duration(seconds) });
}

for (const button of document.querySelectorAll(".status-button")) {
  button.addEventListener("click", async () => {
    try {
      const me = await api("POST", "/api/status", { status: button.dataset.status });
      if (view.snapshot) {
        view.snapshot.me = me;
        renderStatus(me);
      }
    } catch (error) {
      const notice = $("notice");
      notice.textContent = error.message;
      notice.hidden = false;
    }
  });
}

// -- the offer -----------------------------------------------------------------------------

function renderOffer(offer) {
  const section = $("offer");
  if (!offer || offer.state !== "offered") {
    section.hidden = true;
    view.shownOffer = null;
    return;
  }
  $("offer-title").textContent = offer.kind === "callback" ? _("offer_callback_title") : _("offer_title");
  $("offer-topic").textContent = topicName(offer.topic);
  $("offer-language").textContent = named("language", offer.language) || offer.language;
  $("offer-referral-row").hidden = !offer.referral;
  $("offer-referral").textContent = offer.referral || "";
  $("offer-repeat").hidden = !offer.repeat_caller;
  $("offer-widened").hidden = !offer.widened;
  section.hidden = false;
  if (view.shownOffer !== offer.id + ":" + offer.expires_at_ms) {
    view.shownOffer = offer.id + ":" + offer.expires_at_ms;
    announce(_("offer_announcement", { topic: topicName(offer.topic) }));
    beep();
    $("accept").focus();
  }
  tickOffer();
}

function tickOffer() {
  const s = view.snapshot;
  if (!s || !s.offer || s.offer.state !== "offered" || $("offer").hidden) return;
  const now = serverNow();
  const left = (s.offer.expires_at_ms - now) / 1000 / (s.clock_speed || 1);
  if (left <= 0) {
    $("offer").hidden = true;
    return;
  }
  $("offer-countdown").textContent = ngettext("offer_countdown", Math.ceil(left));
  $("offer-waited").textContent = duration((now - s.offer.waiting_since_ms) / 1000);
}

async function decide(accept) {
  const s = view.snapshot;
  if (!s || !s.offer || $("offer").hidden) return;
  const id = s.offer.id;
  $("accept").disabled = $("decline").disabled = true;
  try {
    const result = await api("POST", `/api/offers/${encodeURIComponent(id)}/${accept ? "accept" : "decline"}`);
    s.offer = result.offer;
    render();
  } catch (error) {
    $("offer").hidden = true;
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
  if ($("offer").hidden || event.altKey || event.ctrlKey || event.metaKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (["input", "textarea", "select"].includes(tag)) return;
  if (event.key === "Escape") {
    event.preventDefault();
    decide(false);
  } else if (event.key === "Enter" && !["button", "a"].includes(tag)) {
    event.preventDefault();
    decide(true);
  }
});

// -- the call ------------------------------------------------------------------------------

function renderCall(snapshot) {
  const offer = snapshot.offer;
  const section = $("call");
  const line = $("call-state");
  if (offer && (offer.state === "connecting" || offer.state === "on_call")) {
    section.hidden = false;
    const text = offer.state === "on_call" ? _("call_on_call")
      : offer.kind === "callback" ? _("call_connecting_callback") : _("call_connecting");
    if (line.textContent !== text) line.textContent = text;
    view.hadCall = true;
  } else if (view.hadCall && snapshot.wrapup) {
    section.hidden = false;
    line.textContent = _("call_ended");
  } else {
    section.hidden = true;
    line.textContent = "";
    view.hadCall = false;
  }
}

// -- wrap-up -------------------------------------------------------------------------------

function fillTopics(selected) {
  const topic = $("wrap-topic");
  topic.replaceChildren(...view.options.topics.map((x) =>
    el("option", { value: x.id, selected: x.id === selected }, topicName(x.id))));
  fillSubtopics();
}

function fillSubtopics() {
  const topic = view.options.topics.find((x) => x.id === $("wrap-topic").value);
  const lang = document.documentElement.lang;
  $("wrap-subtopic").replaceChildren(
    el("option", { value: "" }, _("subtopic_none")),
    ...(topic ? topic.subtopics : []).map((s) => el("option", { value: s.id }, s.name[lang] || s.name.nl)));
}

function openWrapup(record) {
  if (view.wrapupFor === record.id) return;
  view.wrapupFor = record.id;
  const form = $("wrapup-form");
  form.reset();
  clearErrors();
  $("place-finder").hidden = true;
  $("place-list").replaceChildren();
  $("places-status").textContent = "";
  fillTopics(record.topic);
  const ended = new Date(record.ended_at).toLocaleTimeString(document.documentElement.lang,
    { hour: "2-digit", minute: "2-digit" });
  $("wrapup-call").textContent = _("wrapup_call", { topic: topicName(record.topic), ended });
  $("wrapup").hidden = false;
}

function closeWrapup() {
  view.wrapupFor = null;
  $("wrapup").hidden = true;
}

$("wrap-topic").addEventListener("change", fillSubtopics);
for (const radio of document.querySelectorAll('input[name="local_help"]')) {
  radio.addEventListener("change", () => {
    $("place-finder").hidden = document.querySelector('input[name="local_help"]:checked').value !== "place";
  });
}

async function findPlaces() {
  const status = $("places-status");
  try {
    const data = await api("GET", "/api/places?postcode=" + encodeURIComponent($("postcode").value));
    status.textContent = data.places.length ? ngettext("places_found", data.places.length) : _("places_none");
    $("place-list").replaceChildren(...data.places.map((p) => el("label", { class: "choice" },
      el("input", { type: "radio", name: "place", value: p.id }),
      " " + p.name + " – " + [p.address, p.town].filter(Boolean).join(", ") +
      (p.phone ? " · " + p.phone : ""))));
  } catch (error) {
    status.textContent = error.message;
    $("place-list").replaceChildren();
  }
}
$("find-places").addEventListener("click", findPlaces);
$("postcode").addEventListener("keydown", (event) => {
  if (event.key === "Enter") { event.preventDefault(); findPlaces(); }
});

function clearErrors() {
  const box = $("wrapup-errors");
  box.hidden = true;
  box.querySelector("ul").replaceChildren();
  for (const node of document.querySelectorAll("#wrapup-form [aria-invalid]")) node.removeAttribute("aria-invalid");
}

// Every problem of a submit at once: one linked line each, every field marked.
function showErrors(problems) {
  const box = $("wrapup-errors");
  const items = problems.map(({ field, error: message }) => {
    const target = document.getElementById("field-" + field) || $("wrap-" + field) || $("note");
    const focusable = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (focusable) {
      focusable.setAttribute("aria-invalid", "true");
      if (!focusable.id) focusable.id = "first-" + field;
    }
    const link = el("a", { href: "#" + (focusable ? focusable.id : "wrapup-form") }, message);
    link.addEventListener("click", (event) => { event.preventDefault(); if (focusable) focusable.focus(); });
    return el("li", {}, link);
  });
  box.querySelector("ul").replaceChildren(...items);
  box.hidden = false;
  box.focus();
}

$("wrapup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const form = event.target;
  const checked = (name) => { const x = form.querySelector(`input[name="${name}"]:checked`); return x ? x.value : ""; };
  const body = {
    outcome: checked("outcome"),
    topic: form.topic.value,
    subtopic: form.subtopic.value,
    local_help: checked("local_help"),
    place: checked("place"),
    recurring: $("recurring").checked,
    note: form.note.value,
  };
  try {
    await api("POST", `/api/calls/${encodeURIComponent(view.wrapupFor)}/wrapup`, body);
    closeWrapup();
    announce(_("wrapup_saved"));
    const notice = $("notice");
    if (notice) { notice.textContent = _("wrapup_saved"); notice.hidden = false; }
    view.hadCall = false;
    loadRecent();
  } catch (error) {
    if (error.status === 409 || error.status === 404) {
      closeWrapup();
      loadRecent();
    }
    const body = error.body || {};
    showErrors(body.problems || [{ field: body.field || "note", error: error.message }]);
  }
});

// -- my calls ------------------------------------------------------------------------------

async function loadRecent() {
  let data;
  try { data = await api("GET", "/api/calls?limit=10"); } catch (e) { return; }
  const counts = data.today;
  $("today").textContent = _("today_counts", {
    calls: ngettext("calls_count", counts.calls),
    solved: counts.solved,
    talk: ngettext("minutes_long", counts.talk_minutes),
  });
  const rows = data.calls.map((call) => {
    const when = new Date(call.ended_at).toLocaleString(document.documentElement.lang,
      { weekday: "short", hour: "2-digit", minute: "2-digit" });
    let outcome;
    if (call.wrapped_up) {
      outcome = document.createTextNode(named("outcome", call.wrapup.outcome) || call.wrapup.outcome);
    } else {
      outcome = el("button", { type: "button", class: "small" }, _("wrapup_now"));
      outcome.addEventListener("click", () => { openWrapup(call); $("wrapup-title").focus(); });
    }
    return el("tr", {}, el("td", {}, when), el("td", {}, topicName(call.topic)),
      el("td", {}, _("minutes", { n: Math.max(1, Math.round(call.talk_seconds / 60)) })), el("td", {}, outcome));
  });
  $("recent").querySelector("tbody").replaceChildren(...rows);
  $("recent").hidden = rows.length === 0;
  $("recent-empty").hidden = rows.length !== 0;
}

// -- live updates --------------------------------------------------------------------------

function render() {
  const s = view.snapshot;
  renderStatus(s.me);
  renderOffer(s.offer);
  renderCall(s);
  if (s.wrapup) {
    const first = view.wrapupFor !== s.wrapup.id;
    openWrapup(s.wrapup);
    if (first) loadRecent();
  }
}

function setOffline(offline) {
  if (view.offline === offline) return;
  view.offline = offline;
  $("connection").hidden = !offline;
  if (!offline) announce(_("online_again"));
}

function connect() {
  if (view.stream) view.stream.close();
  const stream = new EventSource("/api/stream");
  view.stream = stream;
  stream.addEventListener("open", () => { setOffline(false); loadRecent(); });
  stream.addEventListener("state", (event) => {
    view.snapshot = JSON.parse(event.data);
    view.receivedAt = performance.now();
    setOffline(false);
    render();
  });
  stream.addEventListener("signed_out", () => {
    stream.close();
    window.location.assign("/login");
  });
  stream.addEventListener("error", () => {
    setOffline(true);
    $("offer").hidden = true; // never act on an offer we cannot confirm
    if (stream.readyState === EventSource.CLOSED) {
      // The browser gave up (an error status): check we are still signed in, then start again.
      window.setTimeout(() => {
        api("GET", "/api/me").then(connect, () => window.setTimeout(connect, 3000));
      }, 2000);
    }
  });
}

window.addEventListener("online", () => { if (view.offline) connect(); });
window.addEventListener("offline", () => {
  // The browser knows the network is gone: stop trusting the open stream and what it showed.
  if (view.stream) view.stream.close();
  setOffline(true);
  $("offer").hidden = true;
});

const sound = $("sound");
sound.checked = window.localStorage.getItem("hl-sound") === "1";
sound.addEventListener("change", () => window.localStorage.setItem("hl-sound", sound.checked ? "1" : "0"));

window.setInterval(() => { if (view.snapshot) { tickOffer(); tickSince(); } }, 250);

(async () => {
  try { view.options = await api("GET", "/api/options"); } catch (e) { view.options = { topics: [] }; }
  connect();
})();
