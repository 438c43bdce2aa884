/* People management for coordinators: add, change, disable and enable, reset a password. */
// Each skill's name in the page's language (the table shows names, never the flow's ids).
const SKILL_NAMES = JSON.parse(document.getElementById("people").dataset.skillNames || "{}");
"use strict";

const form = document.getElementById("person-form");
const errorBox = document.getElementById("person-error");
const message = document.getElementById("message");
let editing = null;

// The profile numbers (model.PROFILE_NUMBERS): empty means the helpline's setting (null).
const numberInputs = [...form.querySelectorAll("input[data-profile-number]")];

function values(name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
}

function resetForm() {
  editing = null;
  form.reset();
  form.username.disabled = false;
  document.getElementById("password-field").hidden = false;
  document.getElementById("person-form-title").textContent = _("add_person");
  document.getElementById("person-submit").textContent = _("add_button");
}

function edit(person) {
  editing = person.username;
  form.username.value = person.username;
  form.username.disabled = true;
  form.name.value = person.name;
  form.role.value = person.role;
  form.phone.value = "";
  form.phone.placeholder = person.phone_set ? "••••" : "";
  for (const box of form.querySelectorAll('input[name="skills"]')) box.checked = person.skills.includes(box.value);
  for (const box of form.querySelectorAll('input[name="languages"]')) box.checked = person.languages.includes(box.value);
  for (const input of numberInputs) input.value = person[input.name] ?? "";
  document.getElementById("password-field").hidden = true;
  const title = document.getElementById("person-form-title");
  title.textContent = _("edit_person", { name: person.name });
  document.getElementById("person-submit").textContent = _("save");
  title.focus();
}

async function action(call, done) {
  try {
    const result = await call();
    say(done(result), message);
    load();
  } catch (error) {
    say(error.message, message);
  }
}

async function load() {
  const data = await api("GET", "/api/people");
  const rows = data.people.map((p) => {
    const change = el("button", { type: "button", class: "small" }, _("change"));
    change.setAttribute("aria-label", _("edit_person", { name: p.name }));
    change.addEventListener("click", () => edit(p));
    const toggle = el("button", { type: "button", class: "small" }, p.disabled ? _("enable") : _("disable"));
    toggle.setAttribute("aria-label", (p.disabled ? _("enable") : _("disable")) + ": " + p.name);
    toggle.addEventListener("click", () => action(
      () => api("PATCH", `/api/people/${encodeURIComponent(p.username)}`, { disabled: !p.disabled }),
      () => _("saved")));
    const reset = el("button", { type: "button", class: "small" }, _("reset_password"));
    reset.setAttribute("aria-label", _("reset_password") + ": " + p.name);
    reset.addEventListener("click", () => action(
      () => api("POST", `/api/people/${encodeURIComponent(p.username)}/password`),
      (r) => _("password_reset", { name: p.name, password: r.password })));
    return el("tr", {},
      el("th", { scope: "row" }, p.name, el("span", { class: "hint" }, _("people_username", { username: p.username }))),
      el("td", {}, named("role", p.role) || p.role),
      el("td", {}, p.skills.map((s) => SKILL_NAMES[s] || s).join(", ")),
      el("td", {}, p.disabled ? _("disabled") : named("status", p.status) || p.status),
      el("td", { class: "actions" }, change, toggle, reset));
  });
  document.querySelector("#people tbody").replaceChildren(...rows);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  const body = {
    name: form.name.value, role: form.role.value,
    skills: values("skills"), languages: values("languages"),
  };
  if (form.phone.value) body.phone = form.phone.value;
  for (const input of numberInputs) body[input.name] = input.value === "" ? null : Number(input.value);
  try {
    if (editing) {
      await api("PATCH", `/api/people/${encodeURIComponent(editing)}`, body);
      say(_("saved"), message);
    } else {
      body.username = form.username.value;
      body.password = form.password.value;
      await api("POST", "/api/people", body);
      say(_("added", { name: body.name || body.username }), message);
    }
    resetForm();
    load();
  } catch (error) {
    errorBox.textContent = error.message;
    errorBox.hidden = false;
    errorBox.focus();
  }
});

load();
