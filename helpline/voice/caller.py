"""What the caller hears at each webhook: one function per moment of the call.

Each function takes the webhook's parameters and returns TwiML; state changes go through
``CallStore`` (Lua scripts), decisions through the pure modules (engine, wait, hours).
"""

from __future__ import annotations

from datetime import datetime

from flask import g
from twilio.twiml.voice_response import VoiceResponse

from helpline import hours, privacy, twiml, wait
from helpline.extensions import helpline
from helpline.ivr.engine import Context, Outcome
from helpline.ivr.speech import match
from helpline.routing.lifecycle import caller_hung_up

TERMINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
DEQUEUED_RESULTS = {"bridged", "bridging-in-process", "redirected", "redirected-from-bridged"}
YES_NO = {  # spoken answers to "Klopt dat? Druk dan op 1. ... Druk dan op 2."
    "nl": (
        ("1", ("ja", "klopt", "dat klopt", "goed", "prima")),
        ("2", ("nee", "ander nummer", "anders", "opnieuw")),
    ),
    "en": (
        ("1", ("yes", "correct", "right", "that's right")),
        ("2", ("no", "another number", "other", "again")),
    ),
}
CALLBACK_WORDS = {
    "nl": ("terugbellen", "terug bellen", "bel mij", "bel me", "terugbel"),
    "en": ("call back", "call me", "callback", "ring me"),
}


def _lang(value: str | None) -> str:
    flow = helpline().flow
    return value if value in flow.languages else flow.default_language


def _topic(value: str | None) -> str:
    flow = helpline().flow
    return value if value in flow.topics else flow.default_topic


def _hours_values(lang: str, now: datetime | None = None) -> dict[str, str]:
    """{hours}, {reason} and {next_opening} for prompts about opening hours."""
    h = helpline()
    schedule = h.store.schedule()
    now = now or h.store.clock.now()
    status = hours.status(schedule, now)
    opening = status.next_opening
    if status.reason == "holiday":
        public = schedule.holidays.name(now.astimezone(schedule.tz).date())
        prompt = "closed_holiday" if public else "closed_day"
        reason = " ".join(line.text for line in h.flow.prompts[prompt][lang])
    else:
        reason = (status.closure_reason or {}).get(lang, "")
    return {
        "hours": hours.describe_weekly(schedule.weekly, lang),
        "reason": reason,
        "next_opening": hours.describe_moment(opening, now, lang) if opening else "",
    }


def _needs_values(prompt: str | None, lang: str) -> bool:
    lines = helpline().flow.prompts.get(prompt or "", {}).get(lang, ())
    return any("{" in line.text for line in lines)


# -- the menu ------------------------------------------------------------------------------


def incoming(params) -> VoiceResponse | str:
    """A new call: open or closed, then the first step of the flow.

    Nothing is stored yet: the call's state begins when it joins the line or asks for a
    callback, and a call that ends in the menu is recorded by its final status callback.
    """
    h = helpline()
    if h.store.opening_status().open:  # the opening menu is the same for every caller
        known = h.engine.recall(("incoming",))
        if known is None:
            known = present(h.engine.begin(), params)
            if isinstance(known, str):
                h.engine.remember(("incoming",), known)
        return known
    return present(h.engine.begin(closed=True), params)


def step(req, params) -> VoiceResponse | str:
    """A menu step: its first rendering, an answer to it, or silence.

    A menu's answer depends only on the URL and the key pressed, so menu answers are kept
    (by the request's query string and key) and reused; answers that touch state are never
    kept. The query's arguments are only parsed when the answer is not known yet.
    """
    engine = helpline().engine
    key = (
        None if params.get("SpeechResult") else (req.query_string, (params.get("Digits") or "")[:1])
    )
    if key is not None:
        known = engine.recall(key)
        if known is not None:
            return known
    args = req.args
    ctx = Context.from_args(engine.flow, args)
    if args.get("silent"):
        outcome = engine.silence(ctx)
    elif params.get("Digits") or params.get("SpeechResult"):
        outcome = engine.answer(ctx, params.get("Digits", ""), params.get("SpeechResult", ""))
    else:
        outcome = engine.enter(ctx)
    answer = present(outcome, params)
    if key is not None and isinstance(answer, str):  # a pure menu answer (see present)
        engine.remember(key, answer)
    return answer


def present(outcome: Outcome, params) -> VoiceResponse | str:
    h = helpline()
    ctx = outcome.ctx
    if outcome.kind == "queue":
        return join_queue(params, h.engine.topic_of(ctx), ctx.lang, ctx.referral)
    if outcome.kind == "callback":
        return callback_dialog(
            {"ctx": "closed", "lang": ctx.lang, "topic": h.engine.topic_of(ctx), "stage": "offer"},
            params,
        )
    step_def = h.flow.step(ctx.step)
    if _needs_values(step_def.prompt, ctx.lang):
        return h.engine.render(outcome, _hours_values(ctx.lang))
    return h.engine.render_xml(outcome)


# -- the line ------------------------------------------------------------------------------


def _enqueue_twiml(response: VoiceResponse, topic: str, lang: str) -> VoiceResponse:
    twiml.enqueue(response, twiml.queue_name(topic), topic=topic, lang=lang)
    return response


def join_queue(params, topic: str, lang: str, referral: str | None) -> VoiceResponse:
    h = helpline()
    state, _, _ = h.store.enqueue(
        params.get("CallSid", ""), params.get("From"), topic, lang, referral
    )
    response = VoiceResponse()
    if state == "queued":  # just joined (not a redelivery)
        h.router.match_line(topic, lang)  # a volunteer may be free right now
        if h.jobs:
            h.jobs.caller_waiting(topic, lang)  # look again when widening applies
    if state in ("queued", "waiting", "offered", "connecting"):
        # also a redelivery of this step after the first answer already put the caller in
        # line (and a volunteer may have been offered them since): the same answer again
        twiml.say(response, h.flow, "queued", lang)
        return _enqueue_twiml(response, topic, lang)
    if state == "callback":
        twiml.say(response, h.flow, "callback_goodbye", lang)
        response.hangup()
    return response


def _seconds_since(now_ms: int, value: str | None) -> int | None:
    return None if not value else max(0, (now_ms - int(float(value))) // 1000)


def wait_round(args, params) -> VoiceResponse:
    """One round of waiting (the Enqueue waitUrl): messages when due, then music."""
    h = helpline()
    settings = h.settings
    sid, lang, topic = params.get("CallSid", ""), _lang(args.get("lang")), _topic(args.get("topic"))
    window = _estimate_window()
    snap = h.store.wait_snapshot(sid, topic, lang, window)
    state = snap.call.get("state")
    response = VoiceResponse()
    if state is None:
        # We lost track of this caller (e.g. Redis was down when they joined): take them in
        # again with the wait Twilio reports, then carry on as usual.
        queue_time = _int(params.get("QueueTime"))
        state, _, _ = h.store.enqueue(
            sid, params.get("From"), topic, lang, None, arrival_ms=snap.now_ms - queue_time * 1000
        )
        if state == "queued":
            h.router.match_line(topic, lang)
        snap = h.store.wait_snapshot(sid, topic, lang, window)
        state = snap.call.get("state")
    if state in ("callback", "left"):
        response.leave()
        return response
    if state != "waiting" or snap.ahead is None:
        twiml.hold(response, settings.hold_music_url, settings.wait_segment)
        return response
    call, now = snap.call, snap.now_ms
    state_now = wait.WaitState(
        waited_s=max(0, (now - int(call["enqueued_at"])) // 1000),
        ahead=snap.ahead,
        last_message_s=_seconds_since(now, call.get("said_at")),
        last_position_s=_seconds_since(now, call.get("said_position_at")),
        last_ahead=_int(call.get("said_ahead"), None),
        last_too_long_s=_seconds_since(now, call.get("too_long_at")),
    )
    plan = wait.plan(
        state_now,
        announce_interval=settings.announce_interval,
        position_repeat=settings.position_repeat,
        max_wait=settings.max_wait,
        max_hold=settings.max_hold,
    )
    if plan.hold_limit:
        return _hold_limit(params, topic, lang)
    gather = twiml.gather(
        h.flow,
        lang,
        twiml.url("/voice/queue/key", lang=lang, topic=topic),
        hints=list(CALLBACK_WORDS.get(lang, ())),
        timeout=1,
    )
    noted: dict[str, object] = {"seen_at": now}
    if params.get("QueueSid") and call.get("queue_sid") != params["QueueSid"]:
        noted["queue_sid"] = params["QueueSid"][:40]
    if plan.too_long:
        twiml.say(gather, h.flow, "wait_too_long", lang)
        noted.update(said_at=now, too_long_at=now)
    elif plan.position:
        _say_position(gather, snap.ahead, snap.answered_recently, window, lang)
        if plan.callback_hint:
            twiml.say(gather, h.flow, "wait_callback_hint", lang)
        noted.update(said_at=now, said_position_at=now, said_ahead=snap.ahead)
    twiml.hold(gather, settings.hold_music_url, settings.wait_segment)
    response.append(gather)
    h.store.note(sid, **noted)
    return response


def _estimate_window() -> int:
    """The window of recent answers for this moment (see ``wait.estimate_window``)."""
    h = helpline()
    now = h.store.clock.now()
    opened = hours.open_since(h.store.schedule(), now)
    open_for = None if opened is None else int((now - opened).total_seconds())
    return wait.estimate_window(h.settings.estimate_window, open_for)


def _say_position(parent, ahead: int, answered_recently: int, window: int, lang: str) -> None:
    h = helpline()
    flow = h.flow
    if ahead == 0:
        twiml.say(parent, flow, "wait_first_in_line", lang)
    elif ahead == 1:
        twiml.say(parent, flow, "wait_one_ahead", lang)
    else:
        twiml.say(parent, flow, "wait_people_ahead", lang, {"people": ahead})
    minutes = wait.estimate_minutes(ahead, answered_recently, window)
    if minutes is None:
        twiml.say(parent, flow, "wait_unknown", lang)
    elif minutes <= 1:
        twiml.say(parent, flow, "wait_estimate_short", lang)
    else:
        twiml.say(parent, flow, "wait_estimate", lang, {"minutes": minutes})
    if ahead > 0:
        twiml.say(parent, flow, "wait_reassure", lang)


def _hold_limit(params, topic: str, lang: str) -> VoiceResponse:
    """Nobody is held forever: a callback to the calling number, or the hours to call again."""
    h = helpline()
    sid, number = params.get("CallSid", ""), params.get("From")
    response = VoiceResponse()
    if privacy.is_callable(number):
        result, _ = h.store.request_callback(
            sid, number, topic, lang, reason="hold_limit", due_at=None, caller_number=number
        )
        _callback_requested(result, topic, lang, None)
        twiml.say(response, h.flow, "wait_hold_limit", lang)
    else:
        values = _hours_values(lang)
        h.store.leave(sid, "hold_limit")
        twiml.say(response, h.flow, "wait_hold_limit_no_number", lang, values)
    response.leave()
    return response


def wait_key(args, params) -> VoiceResponse:
    """A key or words while waiting: 1 asks for a callback, 2 keeps waiting."""
    h = helpline()
    lang, topic = _lang(args.get("lang")), _topic(args.get("topic"))
    digits = (params.get("Digits") or "")[:1]
    said = params.get("SpeechResult") or ""
    if not digits and said:
        digits = (
            match(
                said,
                [
                    ("1", CALLBACK_WORDS.get(lang, ())),
                    ("2", ("wachten", "blijven", "wait", "keep waiting")),
                ],
                lang,
            )
            or ""
        )
    if digits == "1":
        return callback_dialog(
            {"ctx": "wait", "lang": lang, "topic": topic, "stage": "offer"}, params
        )
    response = VoiceResponse()
    if digits == "2":
        twiml.say(response, h.flow, "wait_keep_waiting", lang)
    return response  # back to the waitUrl


def queue_done(args, params) -> VoiceResponse:
    """The caller left Twilio's queue (the Enqueue action): why decides what comes next."""
    h = helpline()
    sid = params.get("CallSid", "")
    lang, topic = _lang(args.get("lang")), _topic(args.get("topic"))
    result = params.get("QueueResult", "")
    response = VoiceResponse()
    if result == "hangup":
        caller_hung_up(h, sid, "queue-hangup")
        return response
    if result in DEQUEUED_RESULTS:
        h.store.dequeued(sid, result)
        return response
    state = h.store.state(sid) if result == "leave" else None
    if state == "callback":
        twiml.say(response, h.flow, "callback_goodbye", lang)
        response.hangup()
        return response
    if state == "left":
        twiml.say(response, h.flow, "goodbye", lang)
        response.hangup()
        return response
    if result == "queue-full":
        twiml.say(response, h.flow, "queue_full", lang)
        response.redirect(
            twiml.url("/voice/callback", ctx="open", lang=lang, stage="offer", topic=topic)
        )
        return response
    # error, system-error, or a leave we did not ask for: back in line, same place.
    twiml.say(response, h.flow, "sorry_wait", lang)
    return _enqueue_twiml(response, topic, lang)


def status(params) -> VoiceResponse:
    """A call status callback: a final status ends the call (a waiting caller is abandoned)."""
    if params.get("CallStatus") in TERMINAL_STATUSES and params.get("CallSid"):
        caller_hung_up(
            helpline(),
            params["CallSid"],
            params["CallStatus"],
            number=params.get("From"),
            duration_s=(params.get("CallDuration") or "")[:10],
        )
    return VoiceResponse()


# -- asking for a callback -----------------------------------------------------------------


def callback_dialog(args, params) -> VoiceResponse:
    """Ask which number to call back, read it back, and register the request.

    ``ctx`` is where the caller is: ``wait`` (in the queue: ends with Leave, only waitUrl
    verbs), ``closed`` (outside opening hours) or ``open`` (could not join the queue).
    """
    h = helpline()
    flow = h.flow
    ctx = args.get("ctx") if args.get("ctx") in ("wait", "closed", "open") else "open"
    lang, topic = _lang(args.get("lang")), _topic(args.get("topic"))
    stage = args.get("stage", "offer")
    tries = min(_int(args.get("try"), 1), 10)
    sid, own = params.get("CallSid", ""), params.get("From")
    digits = params.get("Digits", "")
    if not digits and params.get("SpeechResult") and stage in ("own", "readback"):
        digits = match(params["SpeechResult"], list(YES_NO.get(lang, ())), lang) or ""
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
        hints = [w for _, words in YES_NO.get(lang, ()) for w in words] if spoken else None
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


def _callback_requested(result: str, topic: str, lang: str, due_at: datetime | None) -> None:
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
    values = None
    if ctx == "closed":
        now = h.store.clock.now()
        due_at = hours.next_opening(h.store.schedule(), now)
        values = _hours_values(lang, now)
    result, _ = h.store.request_callback(
        sid,
        number,
        topic,
        lang,
        reason={"wait": "asked", "open": "queue_full"}.get(ctx, ctx),
        due_at=due_at,
        caller_number=caller_number,
    )
    _callback_requested(result, topic, lang, due_at)
    if ctx == "wait":
        twiml.say(response, h.flow, "callback_confirmed_wait", lang)
        response.leave()
    elif ctx == "closed":
        twiml.say(response, h.flow, "callback_confirmed_closed", lang, values)
        response.hangup()
    else:
        twiml.say(response, h.flow, "callback_goodbye", lang)
        response.hangup()
    return response


# -- when things go wrong ------------------------------------------------------------------


def sorry_then_queue(lang: str) -> VoiceResponse:
    """Safe TwiML for any failure in the menu: apologise, then the general line."""
    flow = helpline().flow
    lang = _lang(lang)
    response = VoiceResponse()
    twiml.say(response, flow, "sorry_error", lang)
    return _enqueue_twiml(response, flow.default_topic, lang)


def sorry_keep_waiting(lang: str) -> VoiceResponse:
    """Safe TwiML inside the queue (waitUrl verbs only): apologise, then music."""
    h = helpline()
    response = VoiceResponse()
    twiml.say(response, h.flow, "sorry_wait", _lang(lang))
    twiml.hold(response, h.settings.hold_music_url, h.settings.wait_segment)
    return response


def sorry_closed(lang: str) -> VoiceResponse:
    """Safe TwiML outside opening hours: apologise, say the hours (from the settings, which
    need no Redis), goodbye. Nobody is queued while nobody can answer."""
    h = helpline()
    lang = _lang(lang)
    weekly = hours.parse_weekly(h.settings.opening_hours)
    response = VoiceResponse()
    twiml.say(response, h.flow, "callback_give_up", lang)
    twiml.say(
        response, h.flow, "closed_goodbye", lang, {"hours": hours.describe_weekly(weekly, lang)}
    )
    response.hangup()
    return response


def after_queue_failed(lang: str, result: str, topic: str | None) -> VoiceResponse:
    """Safe TwiML when the Enqueue action fails: a caller who hung up or was taken by a
    volunteer needs nothing; anyone else goes back in their own line."""
    if result == "hangup" or result in DEQUEUED_RESULTS:
        return VoiceResponse()
    flow = helpline().flow
    lang = _lang(lang)
    response = VoiceResponse()
    twiml.say(response, flow, "sorry_wait", lang)
    return _enqueue_twiml(response, _topic(topic), lang)


def empty(_lang: str = "") -> VoiceResponse:
    return VoiceResponse()


def _int(value, default: int | None = 0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
