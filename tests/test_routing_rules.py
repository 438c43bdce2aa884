"""Routing rules one by one, on real Redis: who gets the caller, and what happens after."""

from __future__ import annotations

import pytest

from helpline import config as config_module
from helpline import keys
from helpline.calls import CallStore
from helpline.ivr import flow as flow_module
from helpline.routing.router import MISSED_REASON, Router
from ivr_flows import DEFAULT_FLOW
from tests.conftest import ManualClock


@pytest.fixture
def clock():
    return ManualClock()


def make(r, clock, **settings):
    config = config_module.load(
        {"HELPLINE_ENV": "test", **{k: str(v) for k, v in settings.items()}}
    )
    router = Router(r, config, flow_module.load(DEFAULT_FLOW), clock)
    return router, CallStore(r, config, clock)


def volunteer(router, vid, skills=("digid",), languages=("nl",)):
    router.save_volunteer(
        vid, name=vid, phone="+31600000000", skills=list(skills), languages=list(languages)
    )


def arrive(router, store, clock, sid, topic="digid", lang="nl", number=None):
    clock.advance(1)
    store.enqueue(sid, number or f"+3120{abs(hash(sid)) % 10**7:07d}", topic, lang, None)
    router.match_line(topic, lang)
    return keys.call_member(sid)


def test_a_caller_goes_to_the_volunteer_idle_longest_with_the_skill_and_language(r, clock):
    router, store = make(r, clock)
    volunteer(router, "english-only", languages=("en",))
    volunteer(router, "first")
    volunteer(router, "second")
    for vid in ("english-only", "first", "second"):
        router.set_state(vid, "available")
        clock.advance(10)
    member = arrive(router, store, clock, "CA1")
    assert r.hget(keys.volunteer("first"), "offer") == member
    assert r.hget(keys.volunteer("english-only"), "state") == "available"


def test_fewest_calls_today_strategy_prefers_the_volunteer_with_fewer_calls(r, clock):
    router, store = make(r, clock, HELPLINE_ROUTING_STRATEGY="fewest_calls")
    volunteer(router, "busy-bee")
    volunteer(router, "fresh")
    router.set_state("busy-bee", "available")
    member = arrive(router, store, clock, "CA1")
    router.accept("busy-bee", member)
    router.connected("busy-bee", member)
    router.call_done("busy-bee", member)
    router.end_wrapup("busy-bee")  # idle longest from now on? no: one call today
    clock.advance(60)
    router.set_state("fresh", "available")  # idle for less time, but no calls yet
    second = arrive(router, store, clock, "CA2")
    assert r.hget(keys.volunteer("fresh"), "offer") == second


def test_a_volunteer_with_an_own_wrap_up_time_gets_it_and_others_get_the_setting(r, clock):
    router, store = make(r, clock, HELPLINE_WRAPUP_SECONDS=120)
    volunteer(router, "slow")
    volunteer(router, "usual")
    router.save_volunteer(
        "slow",
        name="slow",
        phone="+31600000000",
        skills=["digid"],
        languages=["nl"],
        numbers={"wrapup_seconds": 300},
    )
    for vid, sid in (("slow", "CA1"), ("usual", "CA2")):
        router.set_state(vid, "available")
        member = arrive(router, store, clock, sid)
        router.accept(vid, member)
        router.connected(vid, member)
        router.call_done(vid, member)
        until = int(r.hget(keys.volunteer(vid), "wrapup_until"))
        assert until - clock.now_ms() == {"slow": 300, "usual": 120}[vid] * 1000
    router.save_volunteer(
        "slow",
        name="slow",
        phone="+31600000000",
        skills=["digid"],
        languages=["nl"],
        numbers={"wrapup_seconds": None},
    )
    assert router.volunteer("slow").number("wrapup_seconds", router.settings) == 120


def test_priority_beats_arrival_and_a_repeat_caller_is_served_first(r, clock):
    router, store = make(r, clock)
    volunteer(router, "v")
    arrive(router, store, clock, "CAearly", number="+31301111111")
    store.end("CAearly", "completed")
    arrive(router, store, clock, "CAother", number="+31302222222")
    repeat = arrive(router, store, clock, "CAagain", number="+31301111111")
    router.set_state("v", "available")
    assert r.hget(keys.volunteer("v"), "offer") == repeat


def test_a_declined_caller_goes_back_to_the_front_with_the_same_arrival(r, clock):
    router, store = make(r, clock)
    volunteer(router, "v")
    router.set_state("v", "available")
    first = arrive(router, store, clock, "CA1")
    arrive(router, store, clock, "CA2")
    score = r.hget(keys.call("CA1"), "score")
    router.decline("v", first)
    line = r.zrange(keys.waiting("digid", "nl"), 0, -1, withscores=True)
    # the volunteer skips the caller they just declined and gets the next one
    assert r.hget(keys.volunteer("v"), "offer") == "c:CA2"
    assert line == [(first, float(score))]


def test_three_missed_offers_in_a_row_pause_the_volunteer_with_the_reason(r, clock):
    router, store = make(r, clock, HELPLINE_MAX_MISSED=3, HELPLINE_SKIP_SECONDS=1)
    volunteer(router, "v")
    router.set_state("v", "available")
    for n in range(3):
        member = arrive(router, store, clock, f"CA{n}")
        if r.hget(keys.volunteer("v"), "offer") is None:
            clock.advance(2)  # past the skip
            router.match_volunteer("v")
        member = r.hget(keys.volunteer("v"), "offer")
        clock.advance(21)
        router.expire("v", member)
    vol = r.hgetall(keys.volunteer("v"))
    assert vol["state"] == "paused"
    assert vol["paused_reason"] == MISSED_REASON
    assert r.zscore(keys.available("digid", "nl"), "v") is None
    assert r.zcard(keys.waiting("digid", "nl")) == 3  # every caller kept their place


def test_an_offer_cannot_be_accepted_after_it_expired(r, clock):
    router, store = make(r, clock)
    volunteer(router, "v")
    router.set_state("v", "available")
    member = arrive(router, store, clock, "CA1")
    clock.advance(21)
    assert router.accept("v", member) == "expired"


def test_a_volunteer_cannot_accept_someone_elses_offer(r, clock):
    router, store = make(r, clock)
    volunteer(router, "a")
    volunteer(router, "b")
    router.set_state("a", "available")
    member = arrive(router, store, clock, "CA1")
    router.set_state("b", "available")
    assert router.accept("b", member) == "not-offered"
    assert router.accept("a", member) == "accepted"


def test_going_offline_during_an_offer_returns_the_caller(r, clock):
    router, store = make(r, clock)
    volunteer(router, "v")
    router.set_state("v", "available")
    member = arrive(router, store, clock, "CA1")
    assert router.set_state("v", "offline") == "offline"
    assert r.hget(keys.call("CA1"), "state") == "waiting"
    assert r.zscore(keys.waiting("digid", "nl"), member) is not None


def test_a_closed_hours_callback_joins_its_line_when_due_with_the_due_bonus(r, clock):
    router, store = make(r, clock)
    due = clock.ms + 3_600_000
    from datetime import UTC, datetime

    store.request_callback(
        "CAcb",
        "+31612345678",
        "bank",
        "nl",
        reason="closed",
        due_at=datetime.fromtimestamp(due / 1000, tz=UTC),
        caller_number="+31612345678",
    )
    arrive(router, store, clock, "CAlive", topic="bank")
    assert router.release_due_callbacks() == 0
    clock.advance(3601)
    assert router.release_due_callbacks() == 1
    assert r.zrange(keys.waiting("bank", "nl"), 0, -1)[0] == "b:cb-CAcb"


def test_a_volunteer_whose_dashboard_vanished_goes_offline_and_their_offer_moves_on(r, clock):
    router, store = make(r, clock, HELPLINE_VOLUNTEER_TIMEOUT=90)
    volunteer(router, "gone")
    volunteer(router, "here")
    router.set_state("gone", "available")
    router.heartbeat("gone")
    member = arrive(router, store, clock, "CA1")
    assert r.hget(keys.volunteer("gone"), "offer") == member
    clock.advance(10)
    router.set_state("here", "available")
    router.heartbeat("here")
    clock.advance(85)
    router.heartbeat("here")  # still there
    assert router.vanished() == ["gone"]
    vol = r.hgetall(keys.volunteer("gone"))
    assert vol["state"] == "offline" and "offer" not in vol
    assert r.hget(keys.volunteer("here"), "offer") == member


def test_an_available_volunteer_whose_skills_change_stays_available_for_the_new_topics(r, clock):
    router, store = make(r, clock)
    volunteer(router, "first")
    volunteer(router, "second", skills=("digid", "bank"))
    router.set_state("first", "available")
    clock.advance(10)
    router.set_state("second", "available")
    clock.advance(10)
    volunteer(router, "first", skills=("bank",))  # a coordinator changes the skills
    assert r.hget(keys.volunteer("first"), "state") == "available"
    assert r.zscore(keys.available("digid", "nl"), "first") is None
    member = arrive(router, store, clock, "CA1", topic="bank")
    assert r.hget(keys.volunteer("first"), "offer") == member  # kept their place in line
    digid = arrive(router, store, clock, "CA2", topic="digid")
    assert r.hget(keys.volunteer("second"), "offer") == digid


def test_a_profile_changed_since_it_was_read_is_not_saved_over(r, clock):
    router, _ = make(r, clock)
    volunteer(router, "first")
    router.set_state("first", "available")
    before = {k: r.dump(k) for k in r.keys("*")}
    result = router.scripts.vol_save(
        [keys.volunteer("first"), keys.VOLUNTEERS, keys.available("bank", "nl")],
        volunteer="first",
        name="first",
        phone="+31600000000",
        skills="bank",
        languages="nl",
        old_sets=0,
        skills_read="",  # read before it existed
        languages_read="",
    )
    assert result == "changed"
    assert {k: r.dump(k) for k in r.keys("*")} == before
