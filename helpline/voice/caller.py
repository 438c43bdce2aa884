"""What the caller hears at each webhook: one function per moment of the call.

Each function takes the webhook's parameters and returns TwiML; state changes go through
``CallStore`` (Lua scripts), decisions through the pure modules (engine, wait, hours).
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from helpline import hours, privacy, twiml, wait
from helpline.extensions import helpline
from helpline.ivr.engine import Context, Outcome
from helpline.ivr.speech import match
from helpline.routing.lifecycle import caller_hung_up
from helpline.voice.callback import callback_dialog, callback_requested
from helpline.voice.common import estimate_window, hours_values, int_or, lang_of, topic_of
from helpline.voice.questions import first_question

TERMINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
DEQUEUED_RESULTS = {"bridged", "bridging-in-process", "redirected", "redirected-from-bridged"}


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
    sid = params.get("CallSid", "")
    if h.hours.status().open:  # the opening menu is the same for every caller
        known = h.engine.recall(("incoming",))
        if known is None:
            outcome = h.engine.begin()
            answer = present(outcome, params)
            if isinstance(answer, str):
                h.engine.remember(("incoming",), answer, outcome.ctx.step)
            known = (answer, outcome.ctx.step)
        h.store.menu_step(sid, known[1], first=True)
        return known[0]
    outcome = h.engine.begin(closed=True)
    h.store.menu_step(sid, outcome.ctx.step, first=True)
    return present(outcome, params)


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
    store = helpline().store
    sid = params.get("CallSid", "")
    if key is not None:
        known = engine.recall(key)
        if known is not None:
            store.menu_step(sid, known[1])
            return known[0]
    args = req.args
    ctx = Context.from_args(engine.flow, args)
    if args.get("silent"):
        outcome = engine.silence(ctx)
    elif params.get("Digits") or params.get("SpeechResult"):
        outcome = engine.answer(ctx, params.get("Digits", ""), params.get("SpeechResult", ""))
    else:
        outcome = engine.enter(ctx)
    if outcome.kind in ("menu", "say"):  # where the caller is now (queue and callback say so
        store.menu_step(sid, outcome.ctx.step)  # on their own events)
        step_id = outcome.ctx.step
    else:
        step_id = ""
    answer = present(outcome, params)
    if key is not None and isinstance(answer, str):  # a pure menu answer (see present)
        engine.remember(key, answer, step_id)
    return answer


def present(outcome: Outcome, params) -> VoiceResponse | str:
    h = helpline()
    ctx = outcome.ctx
    if outcome.kind == "queue":
        return join_queue(params, h.engine.topic_of(ctx), ctx.lang, ctx.referral)
    if outcome.kind == "wait":  # only reached from the wait; the main menu never leads here
        return sorry_then_queue(ctx.lang)
    if outcome.kind == "callback":
        return callback_dialog(
            {"ctx": "closed", "lang": ctx.lang, "topic": h.engine.topic_of(ctx), "stage": "offer"},
            params,
        )
    step_def = h.flow.step(ctx.step)
    if _needs_values(step_def.prompt, ctx.lang):
        return h.engine.render(outcome, hours_values(ctx.lang))
    return h.engine.render_xml(outcome)


# -- the line ------------------------------------------------------------------------------


def _enqueue_twiml(response: VoiceResponse, topic: str, lang: str) -> VoiceResponse:
    twiml.enqueue(response, twiml.queue_name(topic), topic=topic, lang=lang)
    return response


def join_queue(params, topic: str, lang: str, referral: str | None) -> VoiceResponse:
    h = helpline()
    state, _, _ = h.store.enqueue(
        params.get("CallSid", ""),
        params.get("From"),
        topic,
        lang,
        referral,
        ask_referral=h.settings.ask_referral,
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
    sid, lang, topic = (
        params.get("CallSid", ""),
        lang_of(args.get("lang")),
        topic_of(args.get("topic")),
    )
    window = estimate_window()
    snap = h.store.wait_snapshot(sid, topic, lang, window)
    state = snap.call.get("state")
    response = VoiceResponse()
    if state is None:
        # We lost track of this caller (e.g. Redis was down when they joined): take them in
        # again with the wait Twilio reports, then carry on as usual.
        queue_time = int_or(params.get("QueueTime"))
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
        last_ahead=int_or(call.get("said_ahead"), None),
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
    noted: dict[str, object] = {"seen_at": now}
    if params.get("QueueSid") and call.get("queue_sid") != params["QueueSid"]:
        noted["queue_sid"] = params["QueueSid"][:40]
    question = first_question(call, topic, lang)
    if question is not None:  # the questions that can wait: asked once, in the first round
        if plan.position:
            _say_position(response, snap.ahead, snap.answered_recently, window, lang)
            noted.update(said_position_at=now, said_ahead=snap.ahead)
        noted.update(said_at=now, ref_at=now)
        for verb in question.verbs:
            response.append(verb)
        h.store.note(sid, **noted)
        return response
    gather = twiml.gather(
        h.flow,
        lang,
        twiml.url("/voice/queue/key", lang=lang, topic=topic),
        hints=list(h.flow.vocabulary.of("callback", lang)),
        timeout=1,
    )
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
        callback_requested(result, topic, lang, None)
        twiml.say(response, h.flow, "wait_hold_limit", lang)
    else:
        values = hours_values(lang)
        h.store.leave(sid, "hold_limit")
        twiml.say(response, h.flow, "wait_hold_limit_no_number", lang, values)
    response.leave()
    return response


def wait_key(args, params) -> VoiceResponse:
    """A key or words while waiting: 1 asks for a callback, 2 keeps waiting."""
    h = helpline()
    lang, topic = lang_of(args.get("lang")), topic_of(args.get("topic"))
    digits = (params.get("Digits") or "")[:1]
    said = params.get("SpeechResult") or ""
    if not digits and said:
        words = h.flow.vocabulary
        digits = (
            match(
                said,
                [("1", words.of("callback", lang)), ("2", words.of("keep_waiting", lang))],
                lang,
                words,
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
    lang, topic = lang_of(args.get("lang")), topic_of(args.get("topic"))
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


# -- when things go wrong ------------------------------------------------------------------


def sorry_then_queue(lang: str) -> VoiceResponse:
    """Safe TwiML for any failure in the menu: apologise, then the general line."""
    flow = helpline().flow
    lang = lang_of(lang)
    response = VoiceResponse()
    twiml.say(response, flow, "sorry_error", lang)
    return _enqueue_twiml(response, flow.default_topic, lang)


def sorry_keep_waiting(lang: str) -> VoiceResponse:
    """Safe TwiML inside the queue (waitUrl verbs only): apologise, then music."""
    h = helpline()
    response = VoiceResponse()
    twiml.say(response, h.flow, "sorry_wait", lang_of(lang))
    twiml.hold(response, h.settings.hold_music_url, h.settings.wait_segment)
    return response


def sorry_closed(lang: str) -> VoiceResponse:
    """Safe TwiML outside opening hours: apologise, say the hours (from the settings, which
    need no Redis), goodbye. Nobody is queued while nobody can answer."""
    h = helpline()
    lang = lang_of(lang)
    weekly = hours.parse_weekly(h.settings.opening_hours)
    response = VoiceResponse()
    twiml.say(response, h.flow, "callback_give_up", lang)
    twiml.say(
        response, h.flow, "closed_hours", lang, {"hours": hours.describe_weekly(weekly, lang)}
    )
    twiml.say(response, h.flow, "closed_goodbye", lang)
    response.hangup()
    return response


def after_queue_failed(lang: str, result: str, topic: str | None) -> VoiceResponse:
    """Safe TwiML when the Enqueue action fails: a caller who hung up or was taken by a
    volunteer needs nothing; anyone else goes back in their own line."""
    if result == "hangup" or result in DEQUEUED_RESULTS:
        return VoiceResponse()
    flow = helpline().flow
    lang = lang_of(lang)
    response = VoiceResponse()
    twiml.say(response, flow, "sorry_wait", lang)
    return _enqueue_twiml(response, topic_of(topic), lang)


def empty(_lang: str = "") -> VoiceResponse:
    return VoiceResponse()
