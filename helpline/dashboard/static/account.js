/* My account: my calls and hours this week and this month, and a new password. */
"use strict";

const fields = { current: "current-password", new: "new-password", repeat: "repeat-password" };

function period(p) {
  return _("account_counts", { calls: ngettext("calls_count", p.calls), talk: ngettext("minutes_long", p.talk_minutes) });
}

(async () => {
  try {
    const account = await api("GET", "/api/account");
    document.getElementById("account-week").textContent = period(account.week);
    document.getElementById("account-month").textContent = period(account.month);
  } catch (e) { /* the figures stay empty */ }
})();

const form = document.getElementById("password-form");
const errors = document.getElementById("password-errors");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errors.hidden = true;
  say("");
  for (const id of Object.values(fields)) document.getElementById(id).removeAttribute("aria-invalid");
  try {
    await api("POST", "/api/account/password",
      { current: form.current.value, new: form.new.value, repeat: form.repeat.value });
    form.reset();
    say(_("password_changed"));
  } catch (error) {
    const field = document.getElementById(fields[error.body.field] || fields.new);
    field.setAttribute("aria-invalid", "true");
    errors.replaceChildren(el("a", { href: "#" + field.id }, error.message));
    errors.firstChild.addEventListener("click", (e) => { e.preventDefault(); field.focus(); });
    errors.hidden = false;
    errors.focus();
  }
});
