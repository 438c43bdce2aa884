"""The address by text message: one job per conversation, sending it once.

The job gets the conversation's id only; the caller's number is read (sealed) from Redis and
opened in memory. A Twilio refusal is re-raised without Twilio's words, which may quote the
number, so RQ's stored failure never holds it; the last try marks the message failed, and the
number goes with it."""

from __future__ import annotations

import logging
from dataclasses import asdict

from rq import get_current_job
from twilio.base.exceptions import TwilioRestException

from helpline.sms import referral_text
from helpline.twiml import public_url

log = logging.getLogger("workers.sms")


class NotSent(Exception):
    """Twilio did not take the message (its status and error code, nothing personal)."""


def _state():
    from workers import state

    return state()


def send_referral(member: str) -> str:
    """Send the address of the place the volunteer referred to; 'sent', or why nothing was."""
    h = _state()
    claim = h.sms.claim(member)
    if claim is None:
        return "nothing-to-send"  # sent already, taken by another try, or the hour is over
    place = h.places.get(claim.place)
    lang = claim.lang if claim.lang in h.flow.languages else h.flow.default_language
    lines = [line.text for line in h.flow.prompts["sms_referral"][lang]]
    body = referral_text(lines, asdict(place) if place else {})
    try:
        message = h.twilio.messages.create(
            to=claim.number,
            from_=h.settings.phone_number,
            body=body,
            status_callback=public_url(h.settings.public_url, "/voice/sms/status", member=member),
        )
    except TwilioRestException as exc:
        job = get_current_job()
        last_try = job is None or not job.retries_left or 400 <= (exc.status or 0) < 500
        if last_try:
            h.sms.progress(member, "failed")
        else:
            h.sms.release(member)
        log.warning(
            "text message not sent member=%s status=%s code=%s", member, exc.status, exc.code
        )
        raise NotSent(f"Twilio answered {exc.status} (error {exc.code})") from None
    h.sms.progress(member, message.status or "queued", message.sid)
    log.info("text message sent member=%s sid=%s", member, message.sid)
    return "sent"
