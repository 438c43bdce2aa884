"""Waiting in line: honest announcements, callbacks that keep their place, hang-ups."""

from __future__ import annotations

import pytest

from helpline import keys
from tests.conftest import ManualClock, Phone, query


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def app_config(clock):
    # the referral questions of the first wait round have tests of their own
    # (test_journey_rules.py); here the wait's announcements
    return {"CLOCK": clock, "HELPLINE_ASK_REFERRAL": False}


def queue_caller(client, topic_key: str = "3", number: str = "+31201234567") -> Phone:
    phone = Phone(client, number=number)
    phone.call()
    phone.silence()
    phone.press(topic_key)
    assert phone.last.first("Enqueue") is not None
    return phone


def wait(phone: Phone, queue_time: int = 0):
    return phone.post(
        phone.wait_url(),
        QueuePosition="1",
        QueueSid="QU" + "1" * 32,
        QueueTime=str(queue_time),
        AvgQueueTime="0",
        CurrentQueueSize="1",
        MaxQueueSize="1000",
    )


def test_waiting_caller_hears_their_position_and_that_the_wait_is_not_yet_known(client, clock):
    first = queue_caller(client)
    clock.advance(1)
    second = queue_caller(client, number="+31301234567")
    answer = wait(second)
    assert "Er wacht nog 1 persoon voor u." in answer.spoken()
    assert "Wij weten nog niet precies hoe lang het duurt." in answer.spoken()
    assert "Wilt u liever teruggebeld worden? Druk dan op 1." in answer.spoken()
    assert wait(first).spoken().startswith("U bent de eerste in de rij.")
    # only verbs Twilio allows in wait TwiML
    assert set(answer.verbs()) <= {"Say", "Play", "Pause", "Gather", "Redirect", "Leave", "Hangup"}
    assert answer.first("Play").text == "https://music.example/hold.mp3"


def test_wait_estimate_comes_from_the_recent_answer_rate(client, clock, r):
    for minute in range(6):  # 6 callers answered in the last hour: one per 10 minutes
        r.zadd(keys.answered("digid", "nl"), {f"CAold{minute}": clock.ms - minute * 60_000})
    queue_caller(client)
    clock.advance(1)
    phone = queue_caller(client, number="+31301234567")
    answer = wait(phone)
    assert "Dat duurt ongeveer 20 minuten." in answer.spoken()  # 2 answers at 10 min each


def test_announcements_are_calm_not_every_few_seconds(client, clock):
    queue_caller(client)
    clock.advance(1)
    phone = queue_caller(client, number="+31301234567")
    assert wait(phone).spoken()
    clock.advance(20)
    quiet = wait(phone)
    assert quiet.spoken() == ""
    assert quiet.all("Play")  # music continues, the callback key still works
    clock.advance(200)
    assert "Er wacht nog 1 persoon voor u." in wait(phone).spoken()  # repeated after minutes


def test_position_is_said_when_it_changes(client, clock, r):
    first = queue_caller(client)
    clock.advance(1)
    second = queue_caller(client, number="+31301234567")
    wait(second)
    clock.advance(61)
    first.post(first.enqueue_action(), QueueResult="hangup", QueueSid="QU1", QueueTime="61")
    assert wait(second).spoken().startswith("U bent de eerste in de rij.")


def test_caller_can_switch_to_a_callback_that_keeps_their_arrival_time(client, clock, r):
    ahead = queue_caller(client)
    clock.advance(30)
    phone = queue_caller(client, number="+31301234567")
    score_before = r.zscore(keys.waiting("digid"), f"c:{phone.sid}")
    wait(phone)
    clock.advance(40)
    offer = phone.press("1")
    assert "030 123 45 67" in offer.spoken()  # their own number, read back in Dutch groups
    clock.advance(10)
    done = phone.press("1")
    assert "U houdt uw plek in de rij." in done.spoken()
    assert "Wij bellen u als u aan de beurt bent." in done.spoken()
    assert "Wij bellen vanaf ons eigen nummer: 085 000 00 00." in done.spoken()
    assert "Tot ziens" not in done.spoken()  # the goodbye comes once, next
    assert done.verbs()[-1] == "Leave"
    callback_id = f"cb-{phone.sid}"
    assert r.zscore(keys.waiting("digid"), f"b:{callback_id}") == score_before
    assert r.zrange(keys.waiting("digid"), 0, -1) == [f"c:{ahead.sid}", f"b:{callback_id}"]
    callback = r.hgetall(keys.callback(callback_id))
    assert callback["number"] == "+31301234567" and callback["status"] == "pending"
    # Twilio then requests the Enqueue action with QueueResult=leave: a clear goodbye.
    goodbye = phone.post(phone.enqueue_action(), QueueResult="leave")
    assert goodbye.verbs()[-1] == "Hangup"
    assert goodbye.spoken().count("Tot ziens") == 1
    # and the hang-up that follows does not cancel the callback
    phone.post("/voice/status", CallStatus="completed", CallDuration="90")
    assert r.zscore(keys.waiting("digid"), f"b:{callback_id}") == score_before


def test_callback_to_another_number_is_typed_read_back_and_confirmed(client, clock, r):
    phone = queue_caller(client)
    wait(phone)
    phone.press("1")
    enter = phone.press("2")
    assert "Toets het telefoonnummer in" in enter.spoken()
    assert enter.first("Gather").get("finishOnKey") == "#"
    bad = phone.press("12345")
    assert "Dat nummer kan ik niet gebruiken." in bad.spoken()
    readback = phone.press("0612345678")
    assert "U toetste: 06 12 34 56 78." in readback.spoken()
    assert r.get(keys.number_draft(phone.sid)) == "+31612345678"
    phone.press("1")
    assert r.hget(keys.callback(f"cb-{phone.sid}"), "number") == "+31612345678"
    assert r.get(keys.number_draft(phone.sid)) is None


def test_a_number_typed_by_a_caller_who_then_hangs_up_is_not_kept(client, clock, r):
    phone = queue_caller(client)
    wait(phone)
    phone.press("1")
    phone.press("2")
    phone.press("0612345678")  # read back, then the caller hangs up instead of confirming
    assert r.get(keys.number_draft(phone.sid)) == "+31612345678"
    phone.post("/voice/status", CallStatus="completed", CallDuration="60")
    assert r.get(keys.number_draft(phone.sid)) is None
    assert not r.exists(keys.callback(f"cb-{phone.sid}"))


def test_silence_in_the_callback_question_returns_the_caller_to_the_line(client, r):
    phone = queue_caller(client)
    wait(phone)
    offer = phone.press("1")
    assert offer.verbs()[-1] == "Say"  # after the Gather: back to the waitUrl, no Leave
    assert "U wacht weer gewoon in de rij." in offer.spoken().split("Druk dan op 2.")[-1]
    assert r.hget(keys.call(phone.sid), "state") == "waiting"


@pytest.mark.parametrize("how", ["status callback", "queue result"])
def test_hang_up_while_waiting_empties_the_place_at_once_and_counts_as_abandoned(
    client, clock, r, how
):
    phone = queue_caller(client)
    clock.advance(75)
    if how == "status callback":
        answer = phone.post(
            "/voice/status", CallStatus="completed", CallDuration="80", SequenceNumber="0"
        )
    else:
        answer = phone.post(phone.enqueue_action(), QueueResult="hangup", QueueTime="75")
    assert answer.verbs() == []
    assert r.zcard(keys.waiting("digid")) == 0
    assert r.hget(keys.call(phone.sid), "state") == "abandoned"
    abandoned = [f for _, f in r.xrange(keys.EVENTS) if f["type"] == "abandoned"]
    assert len(abandoned) == 1 and abandoned[0]["wait_ms"] == "75000"


def test_both_hang_up_signals_in_any_order_count_one_abandonment(client, clock, r):
    phone = queue_caller(client)
    clock.advance(5)
    phone.post("/voice/status", CallStatus="completed")
    phone.post(phone.enqueue_action(), QueueResult="hangup", QueueTime="5")
    phone.post("/voice/status", CallStatus="completed")
    assert [f["type"] for _, f in r.xrange(keys.EVENTS)].count("abandoned") == 1


def test_after_the_maximum_wait_the_callback_is_offered_again(client, clock, app):
    phone = queue_caller(client)
    wait(phone)
    clock.advance(app.extensions["helpline"].settings.max_wait + 1)
    answer = wait(phone)
    assert "Het duurt helaas langer dan wij willen." in answer.spoken()
    keep = phone.press("2")
    assert "U blijft in de rij." in keep.spoken()


def test_nobody_is_held_past_the_hold_limit(client, clock, app, r):
    phone = queue_caller(client)
    wait(phone)
    clock.advance(app.extensions["helpline"].settings.max_hold + 1)
    answer = wait(phone)
    assert answer.verbs()[-1] == "Leave"
    assert "Wij bellen u terug op het nummer waarmee u belt." in answer.spoken()
    assert r.hget(keys.callback(f"cb-{phone.sid}"), "reason") == "hold_limit"


def test_anonymous_caller_at_the_hold_limit_hears_when_to_call_again(client, clock, app, r):
    phone = queue_caller(client, number="anonymous")
    wait(phone)
    clock.advance(app.extensions["helpline"].settings.max_hold + 1)
    answer = wait(phone)
    assert "Wij zijn open dag en nacht." in answer.spoken()
    assert answer.verbs()[-1] == "Leave"
    goodbye = phone.post(phone.enqueue_action(), QueueResult="leave")
    assert goodbye.verbs()[-1] == "Hangup"
    assert r.hget(keys.call(phone.sid), "state") == "left"


def test_an_english_callers_estimate_comes_from_the_english_line_only(client, clock, r):
    for n in range(4):  # the Dutch line is answered quickly; nobody on the English one yet
        dutch = queue_caller(client, number=f"+3120123450{n}")
        clock.advance(60)
        dutch.post(dutch.enqueue_action(), QueueResult="redirected", QueueTime="60")
    english = Phone(client, number="+31201234599")
    english.call()
    english.press("9")
    english.press("3")
    assert "We do not know yet exactly how long it will take." in wait(english).spoken()
    assert "Dat duurt" in wait(queue_caller(client, number="+31201234598")).spoken()


def test_answered_caller_is_recorded_for_future_estimates(client, clock, r):
    phone = queue_caller(client)
    clock.advance(42)
    phone.post(phone.enqueue_action(), QueueResult="redirected", QueueTime="42")
    assert r.hget(keys.call(phone.sid), "state") == "answered"
    assert r.zcard(keys.answered("digid", "nl")) == 1
    assert r.zcard(keys.waiting("digid")) == 0


def test_queue_error_puts_the_caller_back_in_line_at_the_same_place(client, r):
    phone = queue_caller(client)
    score = r.zscore(keys.waiting("digid"), f"c:{phone.sid}")
    answer = phone.post(phone.enqueue_action(), QueueResult="error")
    assert answer.first("Enqueue").text == "hulplijn-digid"
    assert r.zscore(keys.waiting("digid"), f"c:{phone.sid}") == score


def test_full_twilio_queue_offers_a_callback(client, r):
    phone = queue_caller(client)
    answer = phone.post(phone.enqueue_action(), QueueResult="queue-full")
    assert "Het is nu heel druk." in answer.spoken()
    offer = phone.post(answer.first("Redirect").text)
    assert "Wij bellen u terug op dit nummer" in offer.spoken()
    done = phone.press("1")
    assert done.verbs()[-1] == "Hangup"
    assert r.hget(keys.callback(f"cb-{phone.sid}"), "reason") == "queue_full"


def test_caller_we_lost_track_of_is_taken_back_in_line_with_their_wait(client, clock, r):
    phone = queue_caller(client)
    r.flushall()  # as if Redis lost its data
    wait(phone, queue_time=300)
    assert r.hget(keys.call(phone.sid), "state") == "waiting"
    assert int(r.hget(keys.call(phone.sid), "enqueued_at")) == clock.ms - 300_000


def test_repeat_caller_on_the_same_topic_gets_priority(client, clock, r):
    early = queue_caller(client, number="+31301111111")
    clock.advance(1)
    first = queue_caller(client, number="+31201234567")
    first.post("/voice/status", CallStatus="completed")
    clock.advance(86_400)  # the next day, same topic again
    again = queue_caller(client, number="+31201234567")
    assert r.zrange(keys.waiting("digid"), 0, -1)[0] == f"c:{again.sid}"
    assert r.hget(keys.call(again.sid), "repeat") == "1"
    assert early.sid != again.sid
    assert query(again.wait_url())["topic"] == "digid"


def test_a_callback_question_that_reads_a_number_is_never_kept_in_the_replay_cache(client, r):
    phone = queue_caller(client)
    wait(phone)
    phone.press("1")  # "Wij bellen u terug op dit nummer: 020 123 45 67."
    stored = " ".join(r.get(k) for k in r.keys(keys.idempotency("*", "*", "*")))
    assert "123 45 67" not in stored


def test_a_caller_without_a_keypad_can_confirm_the_callback_by_speech(client, r):
    phone = queue_caller(client)
    wait(phone)
    offer = phone.say("terugbellen")
    assert offer.first("Gather").get("input") == "dtmf speech"
    done = phone.say("ja dat klopt")
    assert done.verbs()[-1] == "Leave"
    assert r.hget(keys.callback(f"cb-{phone.sid}"), "number") == phone.number


def test_a_redelivered_join_step_keeps_the_caller_in_line_even_once_offered(app, client, r):
    router = app.extensions["helpline"].router
    router.save_volunteer("vol", name="Vol", phone="+31611111111", skills=["digid"],
                          languages=["nl"])  # fmt: skip
    router.set_state("vol", "available")
    phone = Phone(client)
    phone.call()
    phone.silence()
    step = phone.gather_action()  # the topic menu: key 3 joins the line
    first = phone.post(step, idempotency="same-token", Digits="3")
    assert first.first("Enqueue") is not None
    assert r.hget(keys.call(phone.sid), "state") == "offered"  # a volunteer was free
    again = phone.post(step, idempotency="same-token", Digits="3")
    assert again.first("Enqueue") is not None  # not an empty answer that hangs up


def test_a_token_reused_by_another_call_never_gets_that_calls_answer(client, clock):
    """The replay cache is keyed by route, CallSid and token together (a security review
    found another call's TwiML returned for a reused token)."""
    first = queue_caller(client)
    clock.advance(1)
    second = queue_caller(client, number="+31301234567")
    params = {"QueuePosition": "1", "QueueSid": "QU" + "1" * 32, "QueueTime": "0"}
    mine = first.post(first.wait_url(), idempotency="reused-token", **params)
    assert mine.spoken().startswith("U bent de eerste in de rij.")
    theirs = second.post(second.wait_url(), idempotency="reused-token", **params)
    assert "Er wacht nog 1 persoon voor u." in theirs.spoken()
    # the same call's redelivery on another route is not answered from the wait either
    pressed = first.post(first.wait_url().replace("/wait", "/key"), idempotency="reused-token")
    assert pressed.text != mine.text
    # and a true redelivery still gets its first answer
    again = first.post(first.wait_url(), idempotency="reused-token", **params)
    assert again.text == mine.text
