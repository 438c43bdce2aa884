/* The address by text message: when the wrap-up is saved with "Stuur het adres per sms"
   ticked (there, or on the card during the call), ask for the text first (sendReferralSms); a refusal (a landline, say) stops the
   save and says why next to the tick-box, so the volunteer can untick it and save. */
"use strict";

(function () {
  const form = document.getElementById("wrapup-form");
  const box = document.getElementById("send-sms");
  const status = document.getElementById("sms-status");
  if (!form || !box) return;
  const requested = new Set();

  function show(message) {
    status.textContent = message;
    status.hidden = !message;
  }

  box.addEventListener("change", () => show(""));

  // Ticked on the card during the call: the wrap-up opens with the box ticked (its form is
  // reset when it opens, so this runs right after).
  const duringCall = document.getElementById("sms-consent-call");
  const wrapup = document.getElementById("wrapup");
  if (duringCall && wrapup) {
    new MutationObserver(() => {
      if (wrapup.hidden) return;
      if (duringCall.checked) box.checked = true;
      duringCall.checked = false;
    }).observe(wrapup, { attributes: true, attributeFilter: ["hidden"] });
  }

  form.addEventListener("submit", async (event) => {
    const call = form.dataset.call;
    const place = form.querySelector('input[name="place"]:checked');
    if (!box.checked || !call || requested.has(call)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!place) { show(_("sms_place_missing")); box.focus(); return; }
    try {
      await api("POST", `/api/calls/${encodeURIComponent(call)}/sms`, { place: place.value });
    } catch (error) {
      box.checked = false;
      show(error.message);
      box.focus();
      return;
    }
    requested.add(call);
    show(_("sms_requested"));
    form.requestSubmit();
  }, true);
})();
