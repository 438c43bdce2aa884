"""The demo's sample data: eight weeks of made-up calls that give one finding of each kind and
full charts whatever the day the demo starts, a dozen places for local help, all labelled,
and written once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from helpline import keys
from helpline.places import Places
from helpline.reports.aggregate import Aggregator
from helpline.reports.bottlenecks import detect
from helpline.reports.history import ZONE
from helpline.sample import add_sample
from tests.conftest import ManualClock

KINDS = {
    "recurring_problem",
    "repeat_callers",
    "capacity",
    "abandonment",
    "long_waits",
    "late_callbacks",
}
MONDAY = datetime(2026, 11, 30, 8, 30, tzinfo=ZONE)  # before office hours: the hardest start


@pytest.mark.parametrize("days", range(7), ids=lambda d: (MONDAY + timedelta(d)).strftime("%a"))
def test_the_sample_gives_one_finding_of_each_kind_whatever_the_day(redis_url, days):
    from helpline import create_app
    from tests.conftest import make_config

    now = MONDAY + timedelta(days=days)
    clock = ManualClock(int(now.timestamp() * 1000))
    h = create_app(make_config(redis_url, CLOCK=clock)).extensions["helpline"]
    added = add_sample(h)
    assert added["weeks"] == 8 and added["calls"] > 1000
    Aggregator(h.redis, h.settings, clock).process()
    report = detect(h)
    assert {f["kind"] for f in report["findings"]} >= KINDS
    this_week = h.redis.hgetall(keys.agg("week", now.strftime("%G-W%V")))
    assert int(this_week.get("offered|all", 0)) > 0  # this week's pages have something


def test_the_sample_is_written_once_and_labelled(app, r):
    h = app.extensions["helpline"]
    first = add_sample(h)
    events = r.xlen(keys.EVENTS)
    assert add_sample(h) == first and r.xlen(keys.EVENTS) == events
    assert json.loads(r.get(keys.SAMPLE))["calls"] == first["calls"]
    places = Places(r).all()
    assert len(places) == 12 and all(p.name.endswith("(voorbeeld)") for p in places)
    assert {p.kind for p in places} >= {"informatiepunt", "bibliotheek", "cursus"}
    assert all(p.hours for p in places)
    assert Places(r).near("3512 AB")[0].town == "Utrecht"
