"""Connecting callers to volunteers end to end: the simulator, the real app, Redis and real RQ
workers. The volunteer's dashboard is played by the test (accepting or declining offers)."""

from __future__ import annotations

import pytest
from twilio_sim.people import Caller, PhoneOwner, press, silence

from helpline import keys
from tests.conftest import keys_holding
from tests.world import World


@pytest.fixture
def world(redis_url):
    w = World(redis_url, HELPLINE_OFFER_TIMEOUT=20, HELPLINE_WIDEN_AFTER=120).start(workers=1)
    yield w
    w.stop()


def digid_caller(number="+31201234567", **kw) -> Caller:
    return Caller(number, answers=[silence(), press("3"), silence()], **kw)


def state(world, vid):
    return world.helpline.redis.hget(keys.volunteer(vid), "state")


def test_a_digid_caller_reaches_the_digid_volunteer_idle_longest_and_is_bridged(world):
    sim, router = world.sim, world.router
    world.volunteer("bank-only", "+31611110000", ["bank"])
    longest = world.volunteer(
        "longest", "+31611111111", ["digid"], answer_after=2, answers=[press("1")], hangup_after=60
    )
    world.volunteer("later", "+31622222222", ["digid"])
    for vid in ("longest", "bank-only", "later"):
        router.set_state(vid, "available")
        sim.clock.sleep(5)
    for vid in ("longest", "later", "bank-only"):
        world.answer_offers(vid)
    leg = sim.place_call(digid_caller())
    assert sim.wait_for(lambda: state(world, "longest") == "on_call", timeout=40)
    assert world.offers("longest") == [f"c:{leg.sid}"]
    assert world.offers("later") == [] and world.offers("bank-only") == []
    assert sim.wait_done(leg, timeout=40)  # the volunteer hangs up after a minute
    assert "U wordt nu verbonden met een vrijwilliger." in leg.said()
    assert leg.queue_results() == ["redirected"]
    volunteer_leg = next(c for c in sim.calls.values() if c.to == longest.number)
    assert "Beller over DigiD." in volunteer_leg.said()
    assert sim.wait_for(lambda: state(world, "longest") == "wrapup", timeout=20)
    call = world.helpline.redis.hgetall(keys.call(leg.sid))
    assert call["state"] == "done"


def test_a_declined_offer_goes_to_the_next_volunteer(world):
    sim, router = world.sim, world.router
    world.volunteer("first", "+31611111111", ["digid"])
    world.volunteer("second", "+31622222222", ["digid"], answers=[press("1")], hangup_after=30)
    router.set_state("first", "available")
    sim.clock.sleep(5)
    router.set_state("second", "available")
    world.answer_offers("first", accept=False)
    world.answer_offers("second")
    leg = sim.place_call(digid_caller())
    assert sim.wait_for(lambda: state(world, "second") == "on_call", timeout=40)
    assert world.offers("first") == [f"c:{leg.sid}"]
    assert world.offers("second") == [f"c:{leg.sid}"]
    sim.hang_up(leg)


def test_a_voicemail_never_gets_the_caller_who_keeps_their_place(world):
    sim, router = world.sim, world.router
    world.volunteer(
        "voicemail",
        "+31611111111",
        ["digid"],
        mode="voicemail",
        answer_after=2,
        voicemail_seconds=40,
    )
    world.volunteer("human", "+31622222222", ["digid"], answers=[press("1")], hangup_after=30)
    router.set_state("voicemail", "available")
    world.answer_offers("voicemail")
    leg = sim.place_call(digid_caller())
    assert sim.wait_for(lambda: bool(world.offers("voicemail")), timeout=30)
    score = world.helpline.redis.hget(keys.call(leg.sid), "score")
    # the voicemail answered but never pressed 1: the caller is back in line, same place
    assert sim.wait_for(
        lambda: world.helpline.redis.hget(keys.call(leg.sid), "state") == "waiting", timeout=40
    )
    assert world.helpline.redis.zscore(keys.waiting("digid"), f"c:{leg.sid}") == float(score)
    assert leg.queue_results() == []
    router.set_state("human", "available")
    world.answer_offers("human")
    assert sim.wait_for(lambda: state(world, "human") == "on_call", timeout=40)
    sim.hang_up(leg)


def test_a_caller_who_hangs_up_while_the_volunteer_phone_rings_is_never_bridged(redis_url):
    # the phone rings ten seconds of wall time at this speed: ample for the job that stops
    # it, even on a busy machine
    world = World(
        redis_url, HELPLINE_OFFER_TIMEOUT=20, HELPLINE_WIDEN_AFTER=120, HELPLINE_RING_TIMEOUT=900
    ).start(workers=1)
    try:
        sim, router = world.sim, world.router
        slow = world.volunteer(
            "slow", "+31611111111", ["digid"], answer_after=600, answers=[press("1")]
        )
        router.set_state("slow", "available")
        world.answer_offers("slow")
        leg = sim.place_call(digid_caller())
        assert sim.wait_for(
            lambda: any(c.to == slow.number and c.status == "ringing" for c in sim.calls.values()),
            timeout=40,
        )
        sim.hang_up(leg)
        volunteer_leg = next(c for c in sim.calls.values() if c.to == slow.number)
        assert sim.wait_done(volunteer_leg, timeout=30)
        assert volunteer_leg.status == "canceled"
        assert not leg.entries("bridged") and not leg.entries("conference-join")
        assert sim.wait_for(lambda: state(world, "slow") == "available", timeout=20)
        assert world.helpline.redis.hget(keys.call(leg.sid), "state") == "abandoned"
    finally:
        world.stop()


def test_after_the_widening_time_any_volunteer_may_take_the_caller(world):
    sim, router = world.sim, world.router
    world.volunteer("bank", "+31611111111", ["bank"], answers=[press("1")], hangup_after=30)
    router.set_state("bank", "available")
    world.answer_offers("bank")
    leg = sim.place_call(digid_caller())
    assert sim.wait_for(
        lambda: world.helpline.redis.hget(keys.call(leg.sid), "state") == "waiting", timeout=30
    )
    assert world.offers("bank") == []
    assert sim.wait_for(lambda: state(world, "bank") == "on_call", timeout=60)
    volunteer_leg = next(c for c in sim.calls.values() if c.to == "+31611111111")
    assert "Buiten uw onderwerpen." in volunteer_leg.said()
    sim.hang_up(leg)


def test_a_callback_is_made_retried_when_unanswered_and_bridged_when_answered(redis_url):
    world = World(redis_url, HELPLINE_CALLBACK_RETRY_MINUTES=2).start(workers=1)
    try:
        sim, router = world.sim, world.router
        citizen = sim.add_phone(PhoneOwner("+31201234567", mode="no-answer"))
        caller = Caller(
            citizen.number,
            answers=[
                silence(),
                press("3"),
                silence(in_queue=True),  # the referral question in the wait
                press("1", in_queue=True),
                press("1", in_queue=True),
            ],
        )
        leg = sim.place_call(caller)
        assert sim.wait_done(leg, timeout=30)
        assert leg.queue_results() == ["leave"]
        member = f"b:cb-{leg.sid}"
        # the volunteer stays on the line while the citizen's phone rings out (20 s of wall
        # time at this speed, so a slow worker on a busy machine still rings them in time)
        world.volunteer(
            "vol", "+31611111111", ["digid"], answers=[press("1")] * 5, hangup_after=1200
        )
        router.set_state("vol", "available")
        world.answer_offers("vol")
        redis = world.helpline.redis
        # first try: nobody answers, so the request waits for its next try
        assert sim.wait_for(
            lambda: (
                redis.hget(keys.party(member), "attempts") == "1"
                and redis.hget(keys.party(member), "state") == "waiting"
            ),
            timeout=60,
        )
        events = [f for _, f in redis.xrange(keys.EVENTS)]
        assert "callback_retry" in [f["type"] for f in events], events
        volunteer_leg = next(c for c in sim.calls.values() if c.to == "+31611111111")
        assert sim.wait_for(lambda: "De beller neemt niet op." in volunteer_leg.said(), timeout=30)
        # the citizen will answer the next try
        citizen.mode = "answer"
        citizen.answer_after = 2
        citizen.hangup_after = 60
        assert sim.wait_for(lambda: redis.hget(keys.party(member), "state") == "done", timeout=90)
        citizen_legs = [
            c
            for c in sim.calls.values()
            if c.to == citizen.number and c.direction == "outbound-api"
        ]
        assert len(citizen_legs) == 2
        assert "U wordt teruggebeld door de DigiHulplijn." in citizen_legs[-1].said()
        assert redis.hget(keys.party(member), "number") is None  # forgotten once done
        # and nowhere else: not in the call, the events, the reports' facts, nor RQ's jobs
        assert keys_holding(world.config["REDIS_URL"], "201234567") == []
    finally:
        world.stop()


def test_the_repair_pass_forgets_a_caller_whose_call_ended_unheard(world):
    from rq import Queue

    store, redis = world.helpline.store, world.helpline.redis
    store.enqueue("CA" + "e" * 32, "+31201234567", "digid", "nl", None)  # Twilio never knew it
    world.sim.clock.sleep(11 * 60)  # longer than a waiting caller can go unseen
    Queue("high", connection=world.helpline.rq_redis).enqueue("workers.routing.repair_routing")
    assert world.sim.wait_for(
        lambda: redis.hget(keys.call("CA" + "e" * 32), "state") == "abandoned", timeout=20
    )
    assert redis.zcard(keys.waiting("digid")) == 0


def test_a_caller_left_alone_in_the_conversation_goes_back_to_the_front_of_the_line(world):
    from rq import Queue

    from helpline.twiml import public_url

    sim, h = world.sim, world.helpline
    leg = sim.place_call(digid_caller())
    assert sim.wait_for(lambda: h.redis.hget(keys.call(leg.sid), "queue_sid"), timeout=40)
    arrival = h.redis.hget(keys.call(leg.sid), "enqueued_at")
    later = sim.place_call(digid_caller("+31301234567"))
    assert sim.wait_for(lambda: h.redis.hget(keys.call(later.sid), "queue_sid"), timeout=40)
    # taken from the line into the conversation, but the volunteer is already gone
    bridge = public_url(world.config["PUBLIC_URL"], "/voice/bridge", member=f"c:{leg.sid}")
    h.twilio.queues(h.redis.hget(keys.call(leg.sid), "queue_sid")).members(leg.sid).update(
        url=bridge, method="POST"
    )
    assert sim.wait_for(lambda: leg.entries("conference-join"), timeout=20)
    Queue("high", connection=h.rq_redis).enqueue("workers.routing.end_lone_caller", f"c:{leg.sid}")
    assert sim.wait_for(lambda: len(leg.entries("enqueued")) == 2, timeout=30)
    assert "U bent weer als eerste aan de beurt." in leg.said()
    assert "Bel ons gerust opnieuw" not in leg.said()
    call = h.redis.hgetall(keys.call(leg.sid))
    assert call["state"] == "waiting" and call["enqueued_at"] == arrival
    line = h.redis.zrange(keys.waiting("digid", "nl"), 0, -1)
    assert line == [f"c:{leg.sid}", f"c:{later.sid}"]
    assert not leg.entries("hangup")
    events = [f["type"] for _, f in h.redis.xrange(keys.EVENTS)]
    assert "back_in_line" in events
    for call_leg in (leg, later):
        sim.hang_up(call_leg)
        sim.wait_done(call_leg)


def test_a_callback_that_reaches_a_voicemail_leaves_a_message_and_counts_as_unanswered(
    redis_url,
):
    world = World(redis_url, HELPLINE_CALLBACK_RETRY_MINUTES=30).start(workers=1)
    try:
        sim, router = world.sim, world.router
        citizen = sim.add_phone(
            PhoneOwner("+31201234567", mode="voicemail", greeting_seconds=4, voicemail_seconds=40)
        )
        caller = Caller(
            citizen.number,
            answers=[
                silence(),
                press("3"),
                silence(in_queue=True),  # the referral question in the wait
                press("1", in_queue=True),
                press("1", in_queue=True),
            ],
        )
        leg = sim.place_call(caller)
        assert sim.wait_done(leg, timeout=30)
        member = f"b:cb-{leg.sid}"
        world.volunteer("vol", "+31611111111", ["digid"], answers=[press("1")], hangup_after=600)
        router.set_state("vol", "available")
        world.answer_offers("vol")
        redis = world.helpline.redis
        assert sim.wait_for(
            lambda: (
                redis.hget(keys.party(member), "attempts") == "1"
                and redis.hget(keys.party(member), "state") == "waiting"
            ),
            timeout=60,
        )
        voicemail = next(
            c
            for c in sim.calls.values()
            if c.to == citizen.number and c.direction == "outbound-api"
        )
        assert voicemail.answered_by == "machine_end_beep"
        assert voicemail.entries("voicemail-greeting")
        assert "U vroeg ons om u terug te bellen." in voicemail.said()
        assert "Wij proberen het later nog een keer." in voicemail.said()
        retries = [f for _, f in redis.xrange(keys.EVENTS) if f["type"] == "callback_retry"]
        assert [f["why"] for f in retries] == ["voicemail"]
    finally:
        world.stop()
