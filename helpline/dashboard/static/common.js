/* Shared by every dashboard page: texts, the API with its CSRF token, signing out. */
"use strict";

// The page's catalogue (helpline/texts/<lang>.po), sent by the server with the page.
const TEXTS = JSON.parse(document.getElementById("texts").textContent);

// The catalogues' plural rules (their Plural-Forms), as functions: the page's policy forbids
// evaluating the expression itself. tests/test_texts.py checks every catalogue's rule is here.
const PLURAL_RULES = {
  "(n != 1)": (n) => (n !== 1 ? 1 : 0),
};

function fill(template, values) {
  let s = template;
  for (const [k, v] of Object.entries(values || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
}

function _(msgid, values) {
  const text = TEXTS.messages[msgid];
  return fill(typeof text === "string" ? text : msgid, values);
}

function ngettext(msgid, n, values) {
  const forms = TEXTS.messages[msgid];
  if (!Array.isArray(forms)) return fill(msgid, { n, ...values });
  const rule = PLURAL_RULES[TEXTS.plural] || PLURAL_RULES["(n != 1)"];
  return fill(forms[rule(n)], { n, ...values });
}

// Texts chosen by a value the server sends, written out so that every message id can be found.
const N_ = (msgid) => msgid;
const NAMED = {
  status: {
    offline: N_("status_offline"), available: N_("status_available"),
    offered: N_("status_offered"), connecting: N_("status_connecting"),
    on_call: N_("status_on_call"), wrapup: N_("status_wrapup"), paused: N_("status_paused"),
  },
  paused: {
    missed_offers: N_("paused_missed_offers"), disabled: N_("paused_disabled"),
    wrapup_limit: N_("paused_wrapup_limit"),
  },
  notice: {
    timeout: N_("notice_timeout"), "no-answer": N_("notice_no-answer"), busy: N_("notice_busy"),
    failed: N_("notice_failed"), no_key_pressed: N_("notice_no_key_pressed"),
    caller_hung_up: N_("notice_caller_hung_up"),
    citizen_unreachable: N_("notice_citizen_unreachable"),
    dequeue_failed: N_("notice_dequeue_failed"), not_rung: N_("notice_not_rung"),
  },
  language: { nl: N_("language_nl"), en: N_("language_en") },
  outcome: {
    solved: N_("outcome_solved"), partly: N_("outcome_partly"),
    not_solved: N_("outcome_not_solved"), referred: N_("outcome_referred"),
  },
  role: { volunteer: N_("role_volunteer"), coordinator: N_("role_coordinator") },
  kind: {
    informatiepunt: N_("kind_informatiepunt"), bibliotheek: N_("kind_bibliotheek"),
    cursus: N_("kind_cursus"), helpdesk: N_("kind_helpdesk"), anders: N_("kind_anders"),
  },
};

// The text for a value of a kind (named("status", "paused")), or null when it has none.
function named(kind, value) {
  const msgid = Object.hasOwn(NAMED[kind], value) ? NAMED[kind][value] : null;
  return msgid ? _(msgid) : null;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || _("error_generic"));
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body, contentType) {
  const headers = { "Accept": "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    payload = contentType ? body : JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (response.status === 401) {
    window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function duration(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return ngettext("seconds", seconds);
  return ngettext("minutes_long", Math.floor(seconds / 60));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function say(message, box) {
  const target = box || document.getElementById("message");
  if (!target) return;
  target.textContent = message;
  target.hidden = !message;
}

const signOut = document.getElementById("sign-out");
if (signOut) {
  signOut.addEventListener("click", async () => {
    try { await api("POST", "/api/logout"); } catch (e) { /* signed out anyway */ }
    window.location.assign("/login");
  });
}
