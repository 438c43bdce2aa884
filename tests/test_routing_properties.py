"""Routing invariants under random sequences of arrivals, availability changes, accepts,
declines, timeouts and hang-ups, checked after every step against a real Redis."""

from __future__ import annotations

import itertools

import pytest
import redis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from helpline import config as config_module
from helpline import keys
from helpline.calls import CallStore
from helpline.ivr import flow as flow_module
from helpline.routing.router import Router
from ivr_flows import DEFAULT_FLOW
from tests.conftest import ManualClock

FLOW = flow_module.load(DEFAULT_FLOW)
TOPICS = list(FLOW.topics)
VOLUNTEERS = {
    "ann": (("digid", "bank"), ("nl",)),
    "bob": (("device", "password", "general"), ("nl", "en")),
    "cor": (("digid",), ("nl", "en")),
    "dee": (("general",), ("nl",)),
}
LIVE = {"waiting", "offered", "connecting", "connected", "done"}


class Helpline:
    """The parts the lifecycle needs, without Flask."""

    def __init__(self, client, config, clock):
        self.redis = client
        self.store = CallStore(client, config, clock)
        self.router = Router(client, config, FLOW, clock)
        self.jobs = None


@pytest.fixture(scope="module")
def routing_redis(redis_server):
    return redis_server.url


def build_machine(redis_url: str):
    from helpline.routing.lifecycle import caller_hung_up

    class Routing(RuleBasedStateMachine):
        @initialize()
        def setup(self):
            self.client = redis.Redis.from_url(redis_url, decode_responses=True)
            self.client.flushall()
            self.clock = ManualClock()
            self.settings = config_module.load({"HELPLINE_ENV": "test"})
            self.h = Helpline(self.client, self.settings, self.clock)
            self.router = self.h.router
            for vid, (skills, langs) in VOLUNTEERS.items():
                self.router.save_volunteer(
                    vid, name=vid, phone="+31600000000", skills=skills, languages=langs
                )
            self.callers: dict[str, tuple[str, str]] = {}
            self.hung_up: set[str] = set()
            self.counter = itertools.count()

        def tick(self, seconds: float = 1):
            before = self.clock.ms
            self.clock.ms += int(seconds * 1000)
            for vid in VOLUNTEERS:  # the scheduled "skip is over, look again" job
                skip_until = int(self.client.hget(keys.volunteer(vid), "skip_until") or 0)
                if before < skip_until <= self.clock.ms:
                    self.router.match_volunteer(vid)

        @rule(
            topic=st.sampled_from(TOPICS), lang=st.sampled_from(["nl", "en"]), repeat=st.booleans()
        )
        def caller_arrives(self, topic, lang, repeat):
            self.tick()
            sid = f"CA{next(self.counter):032d}"
            number = "+31201111111" if repeat else f"+3130{next(self.counter):07d}"
            state, _, _ = self.h.store.enqueue(sid, number, topic, lang, None)
            assert state == "queued"
            self.callers[sid] = (topic, lang)
            self.router.match_line(topic, lang)

        @rule(
            vid=st.sampled_from(list(VOLUNTEERS)),
            state=st.sampled_from(["available", "available", "paused", "offline"]),
        )
        def volunteer_changes_state(self, vid, state):
            self.tick()
            self.router.set_state(vid, state)

        def offer_of(self, vid):
            return self.client.hget(keys.volunteer(vid), "offer")

        @rule(vid=st.sampled_from(list(VOLUNTEERS)))
        def volunteer_accepts(self, vid):
            self.tick()
            member = self.offer_of(vid)
            if member:
                self.router.accept(vid, member)

        @rule(vid=st.sampled_from(list(VOLUNTEERS)))
        def volunteer_declines(self, vid):
            self.tick()
            member = self.offer_of(vid)
            if member:
                self.router.decline(vid, member)

        @rule(vid=st.sampled_from(list(VOLUNTEERS)))
        def offer_times_out(self, vid):
            member = self.offer_of(vid)
            if member:
                self.tick(self.settings.offer_timeout + 1)
                self.router.expire(vid, member)

        @rule(
            vid=st.sampled_from(list(VOLUNTEERS)),
            outcome=st.sampled_from(["pressed 1", "no-answer", "busy", "voicemail"]),
        )
        def volunteer_phone_rings(self, vid, outcome):
            self.tick(3)
            member = self.offer_of(vid)
            state = self.client.hget(keys.volunteer(vid), "state")
            if not member or state != "connecting":
                return
            if outcome == "pressed 1":
                self.router.connected(vid, member)
            else:
                self.router.connect_failed(vid, member, outcome)

        @rule(vid=st.sampled_from(list(VOLUNTEERS)))
        def conversation_ends(self, vid):
            self.tick(60)
            member = self.offer_of(vid)
            if member and self.client.hget(keys.volunteer(vid), "state") == "on_call":
                self.router.call_done(vid, member)

        @rule(vid=st.sampled_from(list(VOLUNTEERS)))
        def wrapup_ends(self, vid):
            self.tick()
            if self.client.hget(keys.volunteer(vid), "state") == "wrapup":
                self.router.end_wrapup(vid)

        @rule(data=st.data())
        def caller_hangs_up(self, data):
            live = [sid for sid in self.callers if sid not in self.hung_up]
            if not live:
                return
            sid = data.draw(st.sampled_from(live))
            self.tick()
            state = self.client.hget(keys.call(sid), "state")
            caller_hung_up(self.h, sid, "completed")
            if state != "done":
                self.hung_up.add(sid)

        @rule(seconds=st.sampled_from([30, 130]))
        def time_passes(self, seconds):
            self.tick(seconds)
            self.router.match_everyone()  # the periodic repair pass (widening)

        # -- invariants ------------------------------------------------------------------

        def volunteers(self):
            return {vid: self.client.hgetall(keys.volunteer(vid)) for vid in VOLUNTEERS}

        @invariant()
        def a_caller_is_offered_to_at_most_one_volunteer(self):
            if not hasattr(self, "client"):
                return
            offers = [v.get("offer") for v in self.volunteers().values() if v.get("offer")]
            assert len(offers) == len(set(offers))

        @invariant()
        def a_volunteer_has_at_most_one_offer_or_call_and_both_sides_agree(self):
            if not hasattr(self, "client"):
                return
            for vid, vol in self.volunteers().items():
                busy = vol.get("state") in ("offered", "connecting", "on_call")
                assert busy == bool(vol.get("offer")), (vid, vol)
                if busy:
                    party = self.client.hgetall(keys.party(vol["offer"]))
                    assert party.get("offered_to") == vid
                    expected = {
                        "offered": "offered",
                        "connecting": "connecting",
                        "on_call": "connected",
                    }[vol["state"]]
                    assert party.get("state") == expected, (vid, vol, party)

        @invariant()
        def no_offer_or_connection_refers_to_a_caller_who_hung_up(self):
            if not hasattr(self, "client"):
                return
            members = {v.get("offer") for v in self.volunteers().values()}
            for sid in self.hung_up:
                assert keys.call_member(sid) not in members

        @invariant()
        def every_caller_who_did_not_hang_up_is_accounted_for(self):
            if not hasattr(self, "client"):
                return
            for sid, (topic, lang) in self.callers.items():
                if sid in self.hung_up:
                    continue
                call = self.client.hgetall(keys.call(sid))
                assert call.get("state") in LIVE, (sid, call)
                in_line = self.client.zscore(keys.waiting(topic, lang), keys.call_member(sid))
                assert (call["state"] == "waiting") == (in_line is not None), (sid, call)

        @invariant()
        def waiting_order_respects_priority_then_arrival(self):
            if not hasattr(self, "client"):
                return
            for topic in TOPICS:
                for lang in ("nl", "en"):
                    line = self.client.zrange(keys.waiting(topic, lang), 0, -1, withscores=True)
                    order = []
                    for member, score in line:
                        party = self.client.hgetall(keys.party(member))
                        assert int(party["score"]) == int(score)
                        order.append((-int(party["priority"]), int(party["enqueued_at"])))
                    assert order == sorted(order)

        @invariant()
        def availability_sets_hold_exactly_the_available_volunteers(self):
            if not hasattr(self, "client"):
                return
            for vid, vol in self.volunteers().items():
                volunteer = self.router.volunteer(vid)
                for key in self.router.availability_keys(volunteer):
                    listed = self.client.zscore(key, vid) is not None
                    assert listed == (vol.get("state") == "available"), (vid, key, vol)

        @invariant()
        def no_available_volunteer_is_left_next_to_a_caller_they_could_take(self):
            if not hasattr(self, "client"):
                return
            for vid, vol in self.volunteers().items():
                if vol.get("state") != "available":
                    continue
                own, _ = self.router.lines_for(self.router.volunteer(vid))
                skip_active = self.clock.ms < int(vol.get("skip_until") or 0)
                for line in own:
                    members = set(self.client.zrange(line, 0, -1))
                    if skip_active:
                        members.discard(vol.get("skip"))
                    assert not members, (vid, line, members)

    return Routing


def test_routing_invariants_hold_for_random_sequences(routing_redis):
    machine = build_machine(routing_redis)
    machine.TestCase.settings = settings(
        max_examples=60,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine.TestCase().runTest()
