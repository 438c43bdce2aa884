/* The coordinator's live wall board: refreshed every few seconds. */
"use strict";

// How a coordinator reads a volunteer's state (not the volunteer's own "your phone rings").
const WB_STATES = {
  offline: N_("wb_state_offline"), available: N_("wb_state_available"),
  offered: N_("wb_state_offered"), connecting: N_("wb_state_connecting"),
  on_call: N_("wb_state_on_call"), wrapup: N_("wb_state_wrapup"), paused: N_("wb_state_paused"),
};

function nameOf(names) {
  return names[document.documentElement.lang] || names.nl;
}

async function refresh() {
  let data;
  try { data = await api("GET", "/api/stats/live"); } catch (e) { return; }
  document.getElementById("waiting-total").textContent = data.waiting;
  const level = data.today.service_level;
  document.getElementById("service-level").textContent =
    level === null ? "–" : Math.round(level * 100) + "%";
  document.getElementById("service-goal").textContent = _("service_goal", {
    share: Math.round(data.today.service_level_target * 10), wait: duration(data.today.service_level_seconds),
  });
  document.getElementById("today-counts").textContent =
    `${_("callers")}: ${data.today.calls} · ${_("answered")}: ${data.today.answered} · ${_("abandoned")}: ${data.today.abandoned}`;
  document.getElementById("menu-ended").textContent = String(data.today.ended_in_menu);
  document.getElementById("closed-calls").textContent = String(data.today.closed_hours_calls);
  const steps = data.today.menu.map((s) => el("li", {}, ngettext("wb_left_at", s.left_here, { step: s.label })));
  document.getElementById("menu-steps").replaceChildren(...steps);
  document.getElementById("callbacks").textContent = data.scheduled_callbacks;
  const rows = data.topics.map((x) => el("tr", { class: x.alert ? "alert" : null },
    el("th", { scope: "row" }, nameOf(x.name)), el("td", {}, String(x.waiting)),
    el("td", {}, x.waiting ? duration(x.longest_wait_seconds) : "–"), el("td", {}, String(x.skilled_on_duty))));
  document.querySelector("#topics tbody").replaceChildren(...rows);
  const states = Object.entries(data.volunteers).map(([state, n]) =>
    el("div", {}, el("dt", {}, WB_STATES[state] ? _(WB_STATES[state]) : state), el("dd", {}, String(n))));
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
