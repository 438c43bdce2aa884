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
    """The mentor's leg ended (or never answered): the session is over. A mentor who answers
    after the conversation ended would wait alone in a new, empty conference: hung up."""
    member = request.args.get("member", "")
    status, leg = params().get("CallStatus", ""), params().get("CallSid", "")
    if not keys.parse_member(member)[0]:
        return twiml.reply(VoiceResponse())
    h = helpline()
    if status in ENDED and h.monitoring.session(member).get("leg") in ("", leg):
        h.monitoring.end(member)
    elif status == "in-progress":
        h.monitoring.answered(member, leg)
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
