/* The coordinator's live wall board: refreshed every few seconds. */
"use strict";

function nameOf(names) {
  return names[document.documentElement.lang] || names.nl;
}

async function refresh() {
  let data;
  try { data = await api("GET", "/api/stats/live"); } catch (e) { return; }
  document.getElementById("waiting-total").textContent = data.waiting;
  const level = data.today.service_level;
  document.getElementById("service-level").textContent =
    level === null ? "–" : Math.round(level * 100) + "% (" + Math.round(data.today.service_level_target * 100) + "% / " + data.today.service_level_seconds + " s)";
  document.getElementById("today-counts").textContent =
    `${_("callers")}: ${data.today.offered} · ${_("answered")}: ${data.today.answered} · ${_("abandoned")}: ${data.today.abandoned}`;
  document.getElementById("callbacks").textContent = data.scheduled_callbacks;
  const rows = data.topics.map((x) => el("tr", { class: x.alert ? "alert" : null },
    el("th", { scope: "row" }, nameOf(x.name)), el("td", {}, String(x.waiting)),
    el("td", {}, x.waiting ? duration(x.longest_wait_seconds) : "–"), el("td", {}, String(x.skilled_on_duty))));
  document.querySelector("#topics tbody").replaceChildren(...rows);
  const states = Object.entries(data.volunteers).map(([state, n]) =>
    el("div", {}, el("dt", {}, named("status", state) || state), el("dd", {}, String(n))));
  document.getElementById("states").replaceChildren(...states);
  const alerts = data.topics.filter((x) => x.alert).map((x) =>
    el("p", { class: "banner warn" }, _("alert_no_skill", {
      topic: nameOf(x.name),
      languages: (x.alert_languages || []).map((lang) => named("language", lang) || lang).join(", "),
    })));
  if (data.failing_jobs.length) {
    alerts.push(el("p", { class: "banner warn" }, _("failing_jobs", { jobs: data.failing_jobs.join(", ") })));
  }
  const box = document.getElementById("alerts");
  const text = alerts.map((a) => a.textContent).join("|");
  if (box.dataset.text !== text) { box.dataset.text = text; box.replaceChildren(...alerts); }
}

refresh();
window.setInterval(refresh, 2000);
