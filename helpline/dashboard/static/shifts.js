/* The volunteer's shifts: list them, plan one (weekly or on a date), remove one. */
"use strict";

(function () {
  const form = document.getElementById("shift-form");
  if (!form) return;
  const DAYS = [N_("monday"), N_("tuesday"), N_("wednesday"), N_("thursday"), N_("friday"), N_("saturday"), N_("sunday")];
  const $ = (id) => document.getElementById(id);

  function when(shift) {
    return shift.date ? shift.date : _("shift_every", { day: _(DAYS[shift.weekday]) });
  }

  async function load() {
    const data = await api("GET", "/api/shifts");
    const rows = data.shifts.map((shift) => {
      const remove = el("button", { type: "button", class: "small" }, _("shift_remove"));
      remove.setAttribute("aria-label", _("shift_remove_label", { when: when(shift), start: shift.start }));
      remove.addEventListener("click", async () => {
        await api("DELETE", `/api/shifts/${encodeURIComponent(shift.id)}`);
        say(_("shift_removed"), $("message"));
        load();
      });
      return el("tr", {}, el("td", {}, when(shift)), el("td", {}, shift.start), el("td", {}, shift.end), el("td", {}, remove));
    });
    $("shifts").querySelector("tbody").replaceChildren(...rows);
    $("shifts-empty").hidden = rows.length > 0;
  }

  for (const radio of form.querySelectorAll('input[name="repeat"]')) {
    radio.addEventListener("change", () => {
      const once = form.querySelector('input[name="repeat"]:checked').value === "once";
      $("date-field").hidden = !once;
      $("weekday-field").hidden = once;
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const once = form.querySelector('input[name="repeat"]:checked').value === "once";
    const body = {
      start: form.start.value,
      end: form.end.value,
      weekday: once ? null : Number(form.weekday.value),
      date: once ? form.date.value : null,
    };
    const box = $("shift-error");
    try {
      await api("POST", "/api/shifts", body);
      box.hidden = true;
      say(_("shift_saved"), $("message"));
      load();
    } catch (error) {
      box.textContent = error.message;
      box.hidden = false;
      box.focus();
    }
  });

  load();
})();
