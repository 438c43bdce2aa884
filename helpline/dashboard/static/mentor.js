/* Listen, coach, join: the live conversations with a mentor's buttons, and the latest
   monitoring sessions. Refreshed every few seconds. */
"use strict";

(function () {
  const table = document.getElementById("live-calls");
  if (!table) return;
  const MODES = { listen: N_("mentor_listen"), coach: N_("mentor_coach"), join: N_("mentor_join") };
  const NOW = { listen: N_("mentor_now_listen"), coach: N_("mentor_now_coach"), join: N_("mentor_now_join") };
  const YOU = { listen: N_("mentor_you_listen"), coach: N_("mentor_you_coach"), join: N_("mentor_you_join") };
  const message = document.getElementById("mentor-message");

  async function act(method, call, mode) {
    const path = `/api/calls/${encodeURIComponent(call.id)}/monitor`;
    try {
      if (method === "DELETE") await api("DELETE", path);
      else await api("POST", path, { mode });
      say(method === "DELETE" ? _("mentor_stopped") : _(YOU[mode], { name: call.volunteer_name }), message);
    } catch (error) {
      say(error.message, message);
    }
    refresh();
  }

  function row(call) {
    const actions = el("div", { class: "actions", role: "group", "aria-label": _("mentor_actions", { name: call.volunteer_name }) });
    if (call.refuses_listening) {
      actions.append(el("span", {}, _("mentor_refused")));
    } else {
      for (const mode of Object.keys(MODES)) {
        const button = el("button", { type: "button", class: "small", "data-mode": mode,
          "aria-pressed": String(call.mode === mode) }, _(MODES[mode]));
        button.addEventListener("click", () => act("POST", call, mode));
        actions.append(button);
      }
      if (call.mentor) {
        const stop = el("button", { type: "button", class: "small", "data-mode": "stop" }, _("mentor_stop"));
        stop.addEventListener("click", () => act("DELETE", call));
        actions.append(stop);
      }
    }
    const now = call.mentor ? _(NOW[call.mode], { name: call.mentor }) : "–";
    return el("tr", { "data-call": call.id }, el("th", { scope: "row" }, call.volunteer_name),
      el("td", {}, call.topic), el("td", {}, now), el("td", {}, actions));
  }

  let timer = null;

  async function refresh() {
    let data;
    try {
      data = await api("GET", "/api/monitoring");
    } catch (e) {
      if (e.status === 403) window.clearInterval(timer); // not a mentor: the section stays hidden
      return;
    }
    document.getElementById("mentor-controls").hidden = false;
    const focused = document.activeElement && document.activeElement.closest("#live-calls") ?
      [document.activeElement.closest("tr").dataset.call, document.activeElement.dataset.mode] : null;
    table.querySelector("tbody").replaceChildren(...data.calls.map(row));
    if (focused) {
      const again = table.querySelector(`tr[data-call="${CSS.escape(focused[0])}"] button[data-mode="${focused[1]}"]`);
      if (again) again.focus();
    }
    document.getElementById("live-calls-empty").hidden = data.calls.length > 0;
    document.getElementById("mentor-log").replaceChildren(...data.log.map((s) =>
      el("li", {}, _("mentor_logged", { mentor: s.mentor, volunteer: s.volunteer, seconds: s.seconds }))));
  }

  timer = window.setInterval(refresh, 3000);
  refresh();
})();
