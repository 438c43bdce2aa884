/* Shared by every dashboard page: texts, the API with its CSRF token, signing out. */
"use strict";

const TEXTS = JSON.parse(document.getElementById("texts").textContent);

function t(key, values) {
  let s = TEXTS[key] || key;
  for (const [k, v] of Object.entries(values || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || t("error_generic"));
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
  if (seconds < 60) return t("seconds", { n: seconds });
  const minutes = Math.floor(seconds / 60);
  return minutes === 1 ? t("one_minute") : t("minutes_long", { n: minutes });
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
