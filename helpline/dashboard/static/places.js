/* The local-help directory for coordinators: add, delete, import from CSV. */
"use strict";

const message = document.getElementById("message");

async function load() {
  const data = await api("GET", "/api/places");
  const rows = data.places.map((p) => {
    const remove = el("button", { type: "button", class: "small" }, _("delete"));
    remove.setAttribute("aria-label", _("delete") + ": " + p.name);
    remove.addEventListener("click", async () => {
      try {
        await api("DELETE", `/api/places/${encodeURIComponent(p.id)}`);
        say(_("deleted"), message);
        load();
      } catch (error) { say(error.message, message); }
    });
    return el("tr", {}, el("th", { scope: "row" }, p.name), el("td", {}, named("kind", p.kind) || p.kind),
      el("td", {}, p.postcode), el("td", {}, p.town), el("td", {}, remove));
  });
  document.querySelector("#places tbody").replaceChildren(...rows);
  document.getElementById("places").hidden = rows.length === 0;
  document.getElementById("places-empty").hidden = rows.length !== 0;
}

function failed(box, error) {
  box.textContent = error.message;
  box.hidden = false;
  box.focus();
}

document.getElementById("place-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const box = document.getElementById("place-error");
  box.hidden = true;
  const body = Object.fromEntries(new FormData(form).entries());
  try {
    await api("POST", "/api/places", body);
    say(_("saved"), message);
    form.reset();
    load();
  } catch (error) { failed(box, error); }
});

document.getElementById("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = document.getElementById("import-error");
  box.hidden = true;
  const file = document.getElementById("csv").files[0];
  if (!file) { failed(box, new Error(_("import_hint"))); return; }
  const replace = document.getElementById("replace").checked ? "1" : "0";
  try {
    const result = await api("POST", "/api/places/import?replace=" + replace, await file.text(), "text/csv");
    say(ngettext("imported", result.imported), message);
    load();
  } catch (error) { failed(box, error); }
});

load();
