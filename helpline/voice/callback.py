"""Asking to be called back: which number (their own, or one they type), read back, and
the request registered; from the line (``ctx=wait``), when closed, or when the line is full.
"""

from __future__ import annotations

from datetime import datetime

from flask import g
from twilio.twiml.voice_response import VoiceResponse

from helpline import hours, privacy, twiml
from helpline.extensions import helpline
from helpline.ivr.speech import match
from helpline.voice.common import estimate_window, hours_values, int_or, lang_of, topic_of


def _yes_no(lang: str) -> list[tuple[str, tuple[str, ...]]]:
    """Spoken answers to "Klopt dat? Druk op 1. ... Druk op 2." (words from the flow)."""
    words = helpline().flow.vocabulary
    return [("1", words.of("yes", lang)), ("2", words.of("no", lang))]


def callback_dialog(args, params) -> VoiceResponse:
    """Ask which number to call back, read it back, and register the request.

    ``ctx`` is where the caller is: ``wait`` (in the queue: ends with Leave, only waitUrl
    verbs), ``closed`` (outside opening hours) or ``open`` (could not join the queue).
    """
    h = helpline()
    flow = h.flow
    ctx = args.get("ctx") if args.get("ctx") in ("wait", "closed", "open") else "open"
    lang, topic = lang_of(args.get("lang")), topic_of(args.get("topic"))
    stage = args.get("stage", "offer")
    tries = min(int_or(args.get("try"), 1), 10)
    sid, own = params.get("CallSid", ""), params.get("From")
    digits = params.get("Digits", "")
    if not digits and params.get("SpeechResult") and stage in ("own", "readback"):
        digits = match(params["SpeechResult"], _yes_no(lang), lang, flow.vocabulary) or ""
    response = VoiceResponse()

    def link(next_stage: str, next_try: int = 1) -> str:
        return twiml.url(
            "/voice/callback",
            ctx=ctx,
            lang=lang,
            stage=next_stage,
            topic=topic,
            **{"try": next_try},
        )

    def no_answer() -> VoiceResponse:
        if ctx == "wait":
            twiml.say(response, flow, "callback_back_to_line", lang)
            return response  # back to the waitUrl
        if tries < 3:
            response.redirect(link("offer", tries + 1))
            return response
        twiml.say(response, flow, "callback_give_up", lang)
        response.hangup()
        return response

    def ask(prompt: str, next_stage: str, values=None, *, spoken=False, **gather_opts):
        if values and "number" in values:
            g.skip_replay_cache = True  # the answer reads a phone number: never store it
        hints = [w for _, words in _yes_no(lang) for w in words] if spoken else None
        gather = twiml.gather(
            flow, lang, link(next_stage, tries), speech=spoken, hints=hints, **gather_opts
        )
        twiml.say(gather, flow, prompt, lang, values)
        response.append(gather)
        return no_answer()

    if stage == "offer":
        if privacy.is_callable(own):
            return ask(
                "callback_own_number", "own", {"number": privacy.speakable(own)}, spoken=True
            )
        return ask("callback_enter_number", "typed", num_digits=None, finish_on_key="#", timeout=12)
    if stage in ("own", "readback"):
        if digits == "1":
            number = own if stage == "own" else h.store.draft(sid)
            if privacy.is_callable(number):
                return _confirm_callback(response, ctx, sid, number, own, topic, lang)
        if digits in ("1", "2"):
            return ask(
                "callback_enter_number", "typed", num_digits=None, finish_on_key="#", timeout=12
            )
        return no_answer()
    if stage == "typed":
        number = privacy.parse_typed_number(digits)
        if number is None:
            if not digits:
                return no_answer()
            if tries >= 3:
                tries = 3
                return no_answer()
            twiml.say(response, flow, "callback_bad_number", lang)
            tries += 1
            return ask(
                "callback_enter_number", "typed", num_digits=None, finish_on_key="#", timeout=12
            )
        h.store.save_draft(sid, number)
        return ask(
            "callback_read_back", "readback", {"number": privacy.speakable(number)}, spoken=True
        )
    return no_answer()


def callback_requested(result: str, topic: str, lang: str, due_at: datetime | None) -> None:
    """A new callback request: offer it now, or look again when it comes due."""
    h = helpline()
    if result != "created":
        return
    if due_at is None:
        h.router.match_line(topic, lang)
    elif h.jobs:
        h.jobs.callback_due(max(0.0, due_at.timestamp() - h.store.clock.now().timestamp()))


def _confirm_callback(
    response: VoiceResponse,
    ctx: str,
    sid: str,
    number: str,
    caller_number: str | None,
    topic: str,
    lang: str,
) -> VoiceResponse:
    h = helpline()
    due_at = None
    values = {"helpline_number": privacy.speakable(h.settings.phone_number)}
    if ctx == "closed":
        now = h.store.clock.now()
        due_at = hours.next_opening(h.hours.schedule(), now)
        values.update(hours_values(lang, now))
    elif ctx == "wait":
        values["when"] = _when(sid, topic, lang)
    result, _ = h.store.request_callback(
        sid,
        number,
        topic,
        lang,
        reason={"wait": "asked", "open": "queue_full"}.get(ctx, ctx),
        due_at=due_at,
        caller_number=caller_number,
    )
    callback_requested(result, topic, lang, due_at)
    if ctx == "wait":  # the goodbye follows once, when the caller has left the queue
        twiml.say(response, h.flow, "callback_confirmed_wait", lang, values)
        response.leave()
    elif ctx == "closed":
        twiml.say(response, h.flow, "callback_confirmed_closed", lang, values)
        response.hangup()
    else:
        twiml.say(response, h.flow, "callback_goodbye", lang)
        response.hangup()
    return response


def _when(sid: str, topic: str, lang: str) -> str:
    """When the callback will come, as far as the line's pace tells ('' when unknown)."""
    from helpline import wait

    h = helpline()
    window = estimate_window()
    snap = h.store.wait_snapshot(sid, topic, lang, window)
    minutes = None
    if snap.ahead is not None:
        minutes = wait.estimate_minutes(snap.ahead, snap.answered_recently, window)
    if minutes is None or minutes <= 1:
        return ""
    line = h.flow.prompts["callback_when"][lang][0].text
    return line.format(minutes=minutes)
