/* The volunteer's screen: status, the live snapshot (Server-Sent Events) that drives the
   caller's card (card.js), the wrap-up with its countdown, and my calls. */
"use strict";

const wrap = { card: null, timer: 0, sent: null, shownLimit: false };

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
    if (button.dataset.status === "available") askNotificationsOnce();
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

// -- wrap-up -------------------------------------------------------------------------------

function fillTopics(selected) {
  const topic = $("wrap-topic");
  topic.replaceChildren(...view.options.topics.map((x) =>
    el("option", { value: x.id, selected: x.id === selected }, topicLabel(x.id))));
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
  wrap.card = null;
  wrap.sent = null;
  wrap.shownLimit = false;
  const form = $("wrapup-form");
  form.reset();
  form.dataset.topic = record.topic || "";
  form.dataset.call = record.id;
  clearErrors();
  $("place-finder").hidden = true;
  $("place-list").replaceChildren();
  $("places-status").textContent = "";
  fillTopics(record.topic);
  const ended = new Date(record.ended_at).toLocaleTimeString(document.documentElement.lang,
    { hour: "2-digit", minute: "2-digit" });
  $("wrapup-call").textContent = _("wrapup_call", { topic: topicLabel(record.topic), ended });
  $("wrapup-time").hidden = true;
  $("wrapup-time-message").hidden = true;
  $("extend").disabled = false;
  $("wrapup").hidden = false;
}

// The card of the call being wrapped up (card.js): the countdown, and what was noted while
// talking becomes the wrap-up's note and referral.
function wrapupCard(data) {
  if (!view.wrapupFor || data.record !== view.wrapupFor) return;
  const first = wrap.card === null;
  wrap.card = data;
  $("wrapup-time").hidden = false;
  if (first) {
    // The note as last typed on the card (also one the server refused), else as kept there.
    const note = $("note");
    if (!note.value) note.value = $("call-note").value || data.note || "";
    if (data.referred_place) choosePlace(data.referred_place);
    wrap.sent = formHasInput();
  }
  tickWrapup();
}

function choosePlace(place) {
  document.querySelector('input[name="local_help"][value="place"]').checked = true;
  $("place-finder").hidden = false;
  $("place-list").replaceChildren(el("label", { class: "choice" },
    el("input", { type: "radio", name: "place", value: place.id, checked: true }),
    " " + place.name + " – " + [place.address, place.town].filter(Boolean).join(", ")));
}

// Wrap-ups saved on this page: a snapshot made just before the save may still name one.
const savedWrapups = new Set();

function closeWrapup() {
  view.wrapupFor = null;
  wrap.card = null;
  $("wrapup").hidden = true;
}

function formHasInput() {
  const form = $("wrapup-form");
  const checked = (name) => form.querySelector(`input[name="${name}"]:checked`);
  return Boolean(checked("outcome") || (checked("local_help") && checked("local_help").value) ||
    form.subtopic.value || $("recurring").checked || form.note.value.trim() ||
    (form.dataset.topic && form.topic.value !== form.dataset.topic));
}

function tickWrapup() {
  const data = wrap.card;
  if (!data || $("wrapup").hidden || !view.snapshot) return;
  const now = serverNow();
  const speed = view.snapshot.clock_speed || 1;
  const left = ((data.wrap_up_ends_at || now) - now) / 1000 / speed;
  const held = formHasInput();
  const limit = duration(((data.wrap_up_limit_at || now) - now) / 1000 / speed);
  $("wrapup-countdown").textContent = left > 0 ? _("wrapup_countdown", { time: clock(left) })
    : held ? _("wrapup_time_over_held") : _("wrapup_time_over");
  $("wrapup-explain").textContent = held ? _("wrapup_explain_held", { time: limit }) : _("wrapup_explain");
}

// Tell the server whether the form holds unsaved input (then no caller is offered), and keep
// the note as a draft; a refused note is not stored but still holds the wrap-up.
async function saveWrapupDraft() {
  if (!view.wrapupFor || !wrap.card) return;
  const unsaved = formHasInput();
  const note = $("note").value;
  const state = unsaved + "|" + note;
  if (state === wrap.sent) return;
  const path = `/api/calls/${encodeURIComponent(view.wrapupFor)}/note`;
  try {
    await api("PUT", path, { note, unsaved });
  } catch (error) {
    if (error.status !== 422) return;
    try { await api("PUT", path, { unsaved: true }); } catch (e) { return; }
  }
  wrap.sent = state;
}

function draftSoon() {
  window.clearTimeout(wrap.timer);
  wrap.timer = window.setTimeout(saveWrapupDraft, 600);
  tickWrapup();
}
$("wrapup-form").addEventListener("input", draftSoon);
$("wrapup-form").addEventListener("change", draftSoon);

$("extend").addEventListener("click", async () => {
  const box = $("wrapup-time-message");
  try {
    wrap.card = await api("POST", `/api/calls/${encodeURIComponent(view.wrapupFor)}/extend`);
    box.textContent = _("wrapup_extended");
    tickWrapup();
  } catch (error) {
    box.textContent = error.message;
    if (error.status === 409) $("extend").disabled = true;
  }
  box.hidden = false;
});
$("finish").addEventListener("click", () => $("wrapup-form").requestSubmit());

$("wrap-topic").addEventListener("change", fillSubtopics);
for (const radio of document.querySelectorAll('input[name="local_help"]')) {
  radio.addEventListener("change", () => {
    $("place-finder").hidden = document.querySelector('input[name="local_help"]:checked').value !== "place";
  });
}

async function findPlaces() {
  const status = $("places-status");
  try {
    // only the four digits leave the browser (the area is all the search needs): a full
    // postcode with its letters nearly names an address, and URLs end up in logs
    const typed = $("postcode").value.trim();
    const digits = /^(\d{4})\s*[A-Za-z]{0,2}$/.exec(typed);
    const data = await api("GET", "/api/places?postcode=" + encodeURIComponent(digits ? digits[1] : typed));
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
  window.clearTimeout(wrap.timer);
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
    savedWrapups.add(view.wrapupFor);
    closeWrapup();
    announce(_("wrapup_saved"));
    const notice = $("notice");
    if (notice) { notice.textContent = _("wrapup_saved"); notice.hidden = false; }
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
    return el("tr", {}, el("td", {}, when), el("td", {}, topicLabel(call.topic)),
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
  renderCard(s);
  if (s.wrapup && !savedWrapups.has(s.wrapup.id)) {
    const first = view.wrapupFor !== s.wrapup.id;
    openWrapup(s.wrapup);
    if (first) loadRecent();
  } else if (view.wrapupFor && wrap.card) {
    // The wrap-up time ended on the server: an empty form goes (the call stays under "my
    // calls"); a form with input stays to be finished.
    if (formHasInput()) $("wrapup-time").hidden = true;
    else closeWrapup();
    wrap.card = null;
    loadRecent();
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
    if (!$("offer-actions").hidden) hideCard(); // never act on an offer we cannot confirm
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
  if (!$("offer-actions").hidden) hideCard();
});

const sound = $("sound");
sound.checked = window.localStorage.getItem("hl-sound") !== "0"; // on unless turned off
sound.addEventListener("change", () => window.localStorage.setItem("hl-sound", sound.checked ? "1" : "0"));

window.setInterval(() => { if (view.snapshot) { tickCard(); tickSince(); tickWrapup(); } }, 250);

(async () => {
  try { view.options = await api("GET", "/api/options"); } catch (e) { view.options = { topics: [] }; }
  connect();
})();
