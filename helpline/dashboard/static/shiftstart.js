/* At the start of a shift, ask "Uw dienst begint. Beschikbaar?". Only the volunteer's own
   answer makes them available: the question never changes their status by itself. Asked once
   per shift (per day), and not when they are already at work. */
"use strict";

(function () {
  const main = document.getElementById("main");
  if (!main || !document.querySelector(".status-control")) return;
  const AT_WORK = ["available", "offered", "connecting", "on_call", "wrapup"];
  const key = (occurrence) => "hl-shift-asked:" + occurrence;
  let shown = null;

  function close(occurrence) {
    try { window.localStorage.setItem(key(occurrence), "1"); } catch (e) { /* private mode */ }
    if (shown) { shown.remove(); shown = null; }
  }

  function ask(current) {
    const yes = el("button", { type: "button", class: "big primary", id: "shift-yes" }, _("shift_start_yes"));
    const no = el("button", { type: "button", class: "big", id: "shift-no" }, _("shift_start_no"));
    shown = el("section", { id: "shift-start", class: "card shift-start", role: "region", "aria-labelledby": "shift-start-title" },
      el("h2", { id: "shift-start-title", tabindex: "-1" }, _("shift_start_question")),
      el("p", {}, _("shift_start_times", { start: current.start, end: current.end })),
      el("div", { class: "actions" }, yes, no));
    yes.addEventListener("click", async () => {
      const button = document.querySelector('.status-button[data-status="available"]');
      if (button) button.click(); else await api("POST", "/api/status", { status: "available" });
      close(current.occurrence);
    });
    no.addEventListener("click", () => close(current.occurrence));
    main.insertBefore(shown, main.querySelector("h1").nextSibling);
    shown.querySelector("h2").focus();
  }

  async function check() {
    let data, me;
    try {
      [data, me] = await Promise.all([api("GET", "/api/shifts"), api("GET", "/api/me")]);
    } catch (e) { return; }
    const current = data.current;
    if (shown || !current || AT_WORK.includes(me.status)) return;
    try { if (window.localStorage.getItem(key(current.occurrence))) return; } catch (e) { /* ask */ }
    ask(current);
  }

  check();
  window.setInterval(check, 30000);
})();
