/* The volunteer's side of mentoring: a notice while a mentor listens, coaches or joins, and
   the setting that refuses listening. */
"use strict";

(function () {
  const notice = document.getElementById("mentor-present");
  const refuse = document.getElementById("refuse-listening");
  if (!notice || !refuse) return;
  const SAY = { listen: N_("mentor_notice_listen"), coach: N_("mentor_notice_coach"), join: N_("mentor_notice_join") };

  function show(data) {
    refuse.checked = data.refuse;
    const text = data.mentor_present ? _(SAY[data.mode] || SAY.listen) : "";
    if (notice.textContent !== text) notice.textContent = text;
    notice.hidden = !text;
  }

  async function refresh() {
    try { show(await api("GET", "/api/me/monitoring")); } catch (e) { /* next time */ }
  }

  refuse.addEventListener("change", async () => {
    try { show(await api("PUT", "/api/me/monitoring", { refuse: refuse.checked })); } catch (e) { refresh(); }
  });
  refresh();
  window.setInterval(refresh, 3000);
})();
