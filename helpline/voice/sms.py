"""Text messages on the phone side: the caller's number kept (sealed) when they are connected
to a volunteer, and Twilio's status callbacks of the address sent by text message."""

from __future__ import annotations

import logging

from flask import request
from twilio.twiml.voice_response import VoiceResponse

from helpline import keys, twiml
from helpline.extensions import helpline
from helpline.voice import caller, params, voice_route

log = logging.getLogger("helpline.voice.sms")


def keep_number(member: str, number: str | None) -> None:
    """The caller of ``member`` is connected: keep what a text to them needs (never fails the
    call: without it the volunteer is told no text can be sent)."""
    if not keys.parse_member(member)[0]:
        return
    try:
        helpline().sms.keep_number(member, number)
    except Exception:
        log.exception("could not keep the number for a text message member=%s", member[:70])


@voice_route("/sms/status", fallback=caller.empty)
def sms_status():
    """Twilio's status callback of a text message (the conversation is in the signed URL)."""
    member = request.args.get("member", "")
    status = params().get("MessageStatus", "")
    if keys.parse_member(member)[0] and status:
        helpline().sms.progress(member, status, params().get("MessageSid", ""))
    return twiml.reply(VoiceResponse())
