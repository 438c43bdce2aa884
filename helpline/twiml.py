"""All TwiML is built here, with the twilio library's builders, and returned by one helper."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Response, current_app
from twilio.twiml.voice_response import Gather, VoiceResponse

from helpline.ivr.flow import Flow

XML = "text/xml; charset=utf-8"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


# Twilio's connection overrides, the fragment of every URL the app hands Twilio (Twilio
# neither sends nor signs it). By default Twilio tries a webhook again only when it cannot
# connect, so a web process that dies while answering would cost the caller the call: here it
# tries up to twice more, also when the answer does not come (a broken connection, a read
# timeout) or is a 5xx, with timeouts short enough that every try ends within Twilio's 15 s
# (connect 2 s, read 6 s, all tries together 14 s). Every retried route is safe to run again:
# its answer is replayed by its idempotency token, or its change is idempotent.
CONNECTION_OVERRIDES = "ct=2000&rt=6000&tt=14000&rc=2&rp=ct,rt,5xx"


def public_url(public: str, path: str, **params: object) -> str:
    """Absolute URL under ``public``, query parameters sorted (Twilio re-sorts them), with
    Twilio's connection overrides as its fragment."""
    base = public.rstrip("/")
    query = urlencode(sorted((k, str(v)) for k, v in params.items() if v is not None and v != ""))
    address = f"{base}{path}?{query}" if query else f"{base}{path}"
    return f"{address}#{CONNECTION_OVERRIDES}"


def url(path: str, **params: object) -> str:
    """Absolute URL under the app's PUBLIC_URL (inside a request)."""
    return public_url(current_app.extensions["helpline"].settings.public_url, path, **params)


def say(
    parent,
    flow: Flow,
    prompt: str,
    lang: str,
    values: dict | None = None,
    *,
    slow: bool = False,
    pause: int | None = None,
) -> None:
    """Say each line of a prompt in its voice, with a short pause after each line (``pause``
    seconds; the flow's setting when None, none when 0)."""
    lines = flow.prompts[prompt].get(lang) or flow.prompts[prompt][flow.default_language]
    pause = flow.setting("pause") if pause is None else pause
    for line in lines:
        text = " ".join(line.text.format_map(_Blank(values or {})).split())
        if not text:
            continue
        voice = flow.voice(line.lang or lang)
        if slow:
            element = parent.say(voice=voice.get("voice"), language=voice["language"])
            element.prosody(text, rate=flow.setting("slow_rate"))
        else:
            parent.say(text, voice=voice.get("voice"), language=voice["language"])
        if pause and len(lines) > 1:
            parent.pause(length=pause)


def gather(
    flow: Flow,
    lang: str,
    action: str,
    *,
    hints: list[str] | None = None,
    timeout: int | None = None,
    num_digits: int | None = 1,
    finish_on_key: str = "",
    speech: bool = True,
) -> Gather:
    """A Gather for keys and (optionally) speech in the caller's language."""
    voice = flow.voice(lang)
    options = {
        "input": "dtmf speech" if speech else "dtmf",
        "action": action,
        "method": "POST",
        "timeout": timeout or flow.setting("timeout"),
        "finish_on_key": finish_on_key,
    }
    if num_digits:
        options["num_digits"] = num_digits
    if speech:
        settings = flow.speech  # chosen for slow speakers: see the flow file's reasons
        options.update(language=voice["language"], speech_timeout=settings.speech_timeout)
        if settings.speech_model:
            options["speech_model"] = settings.speech_model
        options["barge_in"] = "true" if settings.barge_in else "false"
        if hints and settings.hints:
            options["hints"] = ", ".join(dict.fromkeys(hints))[:1000]
    return Gather(**options)


def hold(parent, music_url: str, seconds: int) -> None:
    """Hold music, or a quiet pause when no music is configured."""
    if music_url:
        parent.play(music_url)
    else:
        parent.pause(length=seconds)


def enqueue(response: VoiceResponse, queue_name: str, *, topic: str, lang: str) -> None:
    response.enqueue(
        queue_name,
        action=url("/voice/queue/done", lang=lang, topic=topic),
        method="POST",
        wait_url=url("/voice/queue/wait", lang=lang, topic=topic),
        wait_url_method="POST",
    )


def prompt_text(flow: Flow, prompt: str, lang: str) -> str:
    """A prompt's lines as one text (to fill a placeholder of another prompt)."""
    lines = flow.prompts[prompt].get(lang) or flow.prompts[prompt][flow.default_language]
    return " ".join(line.text for line in lines)


def room(member: str) -> str:
    """The conference in which a volunteer talks with a caller (or a callback's citizen)."""
    return f"hulplijn-{member.replace(':', '-')}"


def conference(response: VoiceResponse, member: str, *, end_on_exit: bool = True) -> None:
    """Join the conversation's conference (a volunteer joining a colleague's call does not
    end it by leaving)."""
    dial = response.dial()
    dial.conference(
        room(member),
        beep=False,
        end_conference_on_exit=end_on_exit,
        start_conference_on_enter=True,
        wait_url="",
    )


def queue_name(topic: str) -> str:
    """The Twilio queue of a topic (at most 64 characters)."""
    return f"hulplijn-{topic}"[:64]


# Characters XML 1.0 does not allow at all (escaping cannot help): control characters, lone
# surrogates, U+FFFE/U+FFFF. Text that reached TwiML from a request is cleaned of them.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def reply(response: VoiceResponse | str | None = None, status: int = 200) -> Response:
    """The one way a voice route answers: TwiML (built, or already rendered) as XML."""
    body = response if isinstance(response, str) else str(response or VoiceResponse())
    if not isinstance(response, str):  # cached, pre-rendered TwiML is clean already
        body = _NOT_XML.sub("", body)
    return Response(body, status=status, content_type=XML)
