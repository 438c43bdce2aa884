"""A mentor's phone leg in a conversation: its end closes the monitoring session (and logs
it), and the one sentence both sides hear when a mentor joins."""

from __future__ import annotations

from flask import request
from twilio.twiml.voice_response import VoiceResponse

from helpline import keys, twiml
from helpline.extensions import helpline
from helpline.voice import caller, params, voice_route

ENDED = {"completed", "busy", "no-answer", "failed", "canceled"}


@voice_route("/mentor/status", fallback=caller.empty)
def mentor_status():
    """The mentor's leg ended (or never answered): the session is over."""
    member = request.args.get("member", "")
    if keys.parse_member(member)[0] and params().get("CallStatus", "") in ENDED:
        h = helpline()
        if h.monitoring.session(member).get("leg") in ("", params().get("CallSid")):
            h.monitoring.end(member)
    return twiml.reply(VoiceResponse())


@voice_route("/mentor/announce", fallback=caller.empty)
def mentor_announce():
    """The conference's announcement when a mentor joins (AnnounceUrl)."""
    h = helpline()
    lang = request.args.get("lang", "")
    lang = lang if lang in h.flow.languages else h.flow.default_language
    response = VoiceResponse()
    twiml.say(response, h.flow, "mentor_joined", lang)
    return twiml.reply(response)
