"""Whole calls through the Twilio simulator against the real app, Redis and workers."""

from __future__ import annotations

import pytest
from twilio_sim.people import Caller, hang_up, press, say, silence

from helpline import keys
from tests.world import World


@pytest.fixture
def world(redis_url):
    w = World(redis_url).start()
    yield w
    w.stop()


def in_line(r, topic: str, sid: str) -> bool:
    return f"c:{sid}" in r.zrange(keys.waiting(topic), 0, -1)


TOPIC_KEYS = {"device": "1", "password": "2", "digid": "3", "bank": "4", "general": "5"}
TOPIC_WORDS = {
    "device": "mijn tablet doet raar",
    "password": "ik ben mijn wachtwoord vergeten",
    "digid": "digi d",
    "bank": "mijn bankapp doet raar",
    "general": "weet ik niet",
}
WAYS = [(t, press(k)) for t, k in TOPIC_KEYS.items()] + [
    (t, say(w)) for t, w in TOPIC_WORDS.items()
]


@pytest.mark.parametrize(
    "topic, answer", WAYS, ids=[f"{t}-{'key' if a.digits else 'speech'}" for t, a in WAYS]
)
def test_a_caller_reaches_their_topic_line_and_hears_their_place(world, r, topic, answer):
    caller = Caller("+31201234567", answers=[silence(), answer, silence()])
    leg = world.sim.place_call(caller)
    assert world.sim.wait_for(lambda: "U bent de eerste in de rij." in leg.said(), timeout=20)
    assert "Welkom bij de DigiHulplijn." in leg.said()
    assert in_line(r, topic, leg.sid)
    world.sim.hang_up(leg)
    assert world.sim.wait_done(leg)
    assert world.sim.wait_for(lambda: r.hget(keys.call(leg.sid), "state") == "abandoned")
    assert leg.queue_results() == ["hangup"]


def test_a_caller_who_says_nothing_reaches_the_general_line(world, r):
    leg = world.sim.place_call(Caller("+31201234567"))
    assert world.sim.wait_for(lambda: in_line(r, "general", leg.sid), timeout=30)
    assert "Ik hoorde niets" not in leg.said()  # staying on the line is an answer
    assert leg.said().count("Waar gaat uw vraag over?") == 1
    assert not leg.entries("hangup")
    world.sim.hang_up(leg)
    world.sim.wait_done(leg)


def test_a_callback_asked_from_the_line_keeps_the_place(world, r):
    first = world.sim.place_call(Caller("+31301111111", answers=[silence(), press("3"), silence()]))
    assert world.sim.wait_for(lambda: in_line(r, "digid", first.sid), timeout=20)
    caller = Caller(
        "+31201234567",
        answers=[
            silence(),
            press("3"),
            silence(in_queue=True),  # the referral question in the wait
            press("1", in_queue=True),
            press("1", in_queue=True),
        ],
    )
    leg = world.sim.place_call(caller)
    assert world.sim.wait_for(lambda: in_line(r, "digid", leg.sid), timeout=20)
    score = r.zscore(keys.waiting("digid"), f"c:{leg.sid}")
    assert world.sim.wait_done(leg, timeout=30)
    assert "U houdt uw plek in de rij." in leg.said()
    assert leg.queue_results() == ["leave"]
    assert r.zscore(keys.waiting("digid"), f"b:cb-{leg.sid}") == score
    assert r.zrange(keys.waiting("digid"), 0, -1) == [f"c:{first.sid}", f"b:cb-{leg.sid}"]
    world.sim.hang_up(first)
    world.sim.wait_done(first)


def test_a_hang_up_while_waiting_is_cleaned_up(world, r):
    caller = Caller(
        "+31201234567", answers=[silence(), press("2"), silence(), hang_up(in_queue=True, after=30)]
    )
    leg = world.sim.place_call(caller)
    assert world.sim.wait_done(leg, timeout=30)
    assert world.sim.wait_for(lambda: r.hget(keys.call(leg.sid), "state") == "abandoned")
    assert r.zcard(keys.waiting("password")) == 0
    events = [f["type"] for _, f in r.xrange(keys.EVENTS)]
    assert events.count("abandoned") == 1
