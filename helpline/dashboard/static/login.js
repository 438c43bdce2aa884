"use strict";
const form = document.getElementById("login");
const box = document.getElementById("login-error");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = _("login_busy");
  box.hidden = true;
  try {
    const response = await fetch("/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ username: form.username.value, password: form.password.value }),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || _("login_failed"));
    window.location.assign(form.dataset.next || "/calls");
  } catch (error) {
    box.textContent = error.message || _("login_failed");
    box.hidden = false;
    form.password.value = "";
    form.password.focus();
  } finally {
    button.disabled = false;
    button.textContent = _("login_button");
  }
});
