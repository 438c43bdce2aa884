"""Reach a person fast: the shipped flow puts each kind of caller in line within its limit,
measured with the speaking-time model (tests/timing.py) on calls the Twilio simulator plays
against the real app. docs/benchmarks.md prints these figures:

    .venv/bin/python -m pytest tests/test_time_to_line.py -s
"""

from __future__ import annotations

import pytest
from twilio_sim.people import Caller, press, say, silence

from tests.timing import seconds_to_line
from tests.world import World

# caller, their answers in the menus, keys pressed from habit, the limit (s)
CALLERS = {
    "presses keys (DigiD)": ([silence(), press("3")], "", 30),
    "speaks ('mijn digid doet het niet')": ([silence(), say("mijn digid doet het niet")], "", 35),
    "says nothing at all": ([], "", 45),
    "English, presses keys": ([press("9"), press("3")], "", 35),
    "presses 0 at once, wanting a person": ([press("0")], "0", 20),
}
TOPICS = {
    "presses keys (DigiD)": "digid",
    "speaks ('mijn digid doet het niet')": "digid",
    "says nothing at all": "general",
    "English, presses keys": "digid",
    "presses 0 at once, wanting a person": "general",
}


@pytest.fixture(scope="module")
def world(redis_server):
    w = World(redis_server.url, speed=60).start(workers=0)
    yield w
    w.stop()


@pytest.mark.parametrize("kind", list(CALLERS))
def test_each_kind_of_caller_is_in_line_within_its_limit(world, kind):
    answers, habit, limit = CALLERS[kind]
    leg = world.sim.place_call(Caller("+31201234567", answers=list(answers)))
    assert world.sim.wait_for(lambda: bool(leg.entries("enqueued")), timeout=30), leg.transcript
    assert leg.entries("enqueued")[0]["queue"] == f"hulplijn-{TOPICS[kind]}"
    seconds = seconds_to_line(leg.transcript, habit_keys=habit)
    world.sim.hang_up(leg)
    print(f"\ntime to the line: {kind}: {seconds:.1f} s (limit {limit} s)")
    assert seconds <= limit
    if kind == "English, presses keys":
        assert "Press 3" in leg.said()
