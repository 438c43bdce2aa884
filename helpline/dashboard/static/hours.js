/* Opening hours and closures for coordinators. */
"use strict";

async function submit(box, call) {
  box.hidden = true;
  try {
    await call();
    window.location.reload();
  } catch (error) {
    box.textContent = error.message;
    box.hidden = false;
    box.focus();
  }
}

document.getElementById("close-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  const until = form.until.value ? new Date(form.until.value).toISOString() : null;
  submit(document.getElementById("close-error"), () => api("POST", "/api/hours/closure", {
    reason_nl: form.reason_nl.value, reason_en: form.reason_en.value, until,
  }));
});

const reopen = document.getElementById("reopen");
if (reopen) {
  reopen.addEventListener("click", () =>
    submit(document.getElementById("close-error"), () => api("DELETE", "/api/hours/closure")));
}

document.getElementById("weekly-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  submit(document.getElementById("weekly-error"), () => api("PUT", "/api/hours", {
    weekly: form.weekly.value, holidays: form.holidays.value,
  }));
});
