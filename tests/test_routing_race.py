"""Several processes with 50 volunteers accepting at once against one Redis, 1,000 callers:
every caller is connected exactly once."""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter

import redis

from helpline import config as config_module
from helpline import keys
from helpline.calls import CallStore
from helpline.ivr import flow as flow_module
from helpline.routing.router import Router
from ivr_flows import DEFAULT_FLOW

VOLUNTEERS = [f"v{n:02d}" for n in range(50)]
CALLERS = 1000
PROCESSES = 4


def router_for(redis_url: str) -> Router:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    config = config_module.load({"HELPLINE_ENV": "test"})
    return Router(client, config, flow_module.load(DEFAULT_FLOW))


def volunteers_at_work(redis_url: str, seed: int, deadline: float) -> int:
    """Every process works all 50 volunteers, so accepts and matches race each other."""
    router = router_for(redis_url)
    client = router.redis
    rng = random.Random(seed)
    accepted = 0
    while time.time() < deadline:
        order = VOLUNTEERS[:]
        rng.shuffle(order)
        for vid in order:
            vol = client.hgetall(keys.volunteer(vid))
            state, member = vol.get("state"), vol.get("offer")
            if state == "offline":
                router.set_state(vid, "available")
            elif state == "offered" and member:
                if router.accept(vid, member) == "accepted":
                    accepted += 1
                    router.connected(vid, member)
                    router.call_done(vid, member)
                    router.end_wrapup(vid)
            elif state == "available":
                router.match_volunteer(vid)
        lines = [keys.waiting(t, "nl") for t in router.flow.topics]
        if sum(client.zcard(line) for line in lines) == 0 and not any(
            client.hget(keys.volunteer(v), "state") in ("offered", "connecting", "on_call")
            for v in VOLUNTEERS
        ):
            break
    return accepted


def test_every_caller_is_connected_exactly_once_under_concurrent_accepts(redis_url):
    router = router_for(redis_url)
    for vid in VOLUNTEERS:
        router.save_volunteer(
            vid, name=vid, phone="+31600000000", skills=list(router.flow.skills), languages=["nl"]
        )
    store = CallStore(router.redis, router.settings)
    topics = list(router.flow.topics)
    for n in range(CALLERS):
        store.enqueue(f"CA{n:032d}", f"+3120{n:07d}", topics[n % len(topics)], "nl", None)

    deadline = time.time() + 120
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        accepted = pool.starmap(
            volunteers_at_work, [(redis_url, seed, deadline) for seed in range(PROCESSES)]
        )

    assert sum(accepted) == CALLERS
    events = [f for _, f in router.redis.xrange(keys.EVENTS)]
    connected = Counter(e["member"] for e in events if e["type"] == "connected")
    assert len(connected) == CALLERS
    assert set(connected.values()) == {1}
    states = Counter(router.redis.hget(keys.call(f"CA{n:032d}"), "state") for n in range(CALLERS))
    assert states == {"done": CALLERS}
