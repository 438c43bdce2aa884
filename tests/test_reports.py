"""Aggregates and bottleneck findings from a generated history, counted by real RQ workers."""

from __future__ import annotations

import json
import signal
import time
from datetime import datetime

import pytest
from rq import Queue

from helpline import keys
from helpline.reports.aggregate import Aggregator, buckets
from helpline.reports.bottlenecks import detect
from helpline.reports.tables import Reports
from tests.history import ZONE, History
from tests.processes import crash, start


@pytest.fixture
def h(app):
    return app.extensions["helpline"]


def count_all(h) -> int:
    return Aggregator(h.redis, h.settings, h.store.clock).process()


def in_a_worker(h, redis_url, *jobs: str) -> list:
    """Run the jobs in a real `helpline worker --burst` process; their results, in order."""
    queue = Queue("default", connection=h.rq_redis)
    enqueued = [queue.enqueue(job) for job in jobs]
    worker = start(["worker", "--burst"], redis_url)
    assert worker.wait(timeout=120) == 0
    return [job.latest_result().return_value for job in enqueued]


def test_a_generated_history_gives_the_expected_counts_per_hour_day_and_week(h, r, redis_url):
    history = History(r)
    t = history.ago(1, hour=10)
    for wait in (10, 20, 30, 200):  # three within the 120 s service level, one not
        history.call(t, "digid", referral="bank", region="020", wait_s=wait, talk_s=240)
    history.call(t, "digid", referral="tv_advert", region="mobile", wait_s=400, abandoned=True)
    history.call(t, "bank", lang="en", wait_s=5, talk_s=60, outcome="referred",
                 subtopic="login", local_help="course")  # fmt: skip
    written = history.write()
    assert in_a_worker(h, redis_url, "workers.reports.process_events") == [written]
    assert count_all(h) == 0  # nothing twice

    reports = Reports(r, h.settings, h.store.clock)
    week = reports.bucket("week", history.week_of(t))
    digid = reports.rows(week, "topic")[0]
    assert digid.key == "digid"
    assert (digid.get("offered"), digid.get("answered"), digid.get("abandoned")) == (5, 4, 1)
    assert digid.get("within_sl") == 3 and digid.service_level == 0.75
    assert digid.wait_p50 == 30 and digid.wait_p90 == 300
    assert digid.handle_seconds == 240 and digid.abandoned_wait_seconds == 400
    assert {row.key: row.get("offered") for row in reports.rows(week, "referral")} == {
        "bank": 4,
        "tv_advert": 1,
    }
    assert {row.key: row.get("offered") for row in reports.rows(week, "region")} == {
        "020": 5,
        "unknown": 1,  # a mobile number says nothing about where someone lives
    }
    assert reports.rows(week, "lang")[1].key == "en"
    bank = {row.key: row for row in reports.rows(week, "subtopic")}["bank/login"]
    assert bank.get("outcome_referred") == 1 and bank.get("local_help_course") == 1
    day = reports.bucket("day", buckets(t, reports.zone)["day"])
    hour = reports.bucket("hour", buckets(t, reports.zone)["hour"])
    assert day["all"]["offered"] == hour["all"]["offered"] == 6


def pattern_history(r) -> History:
    """Eight quiet weeks, then a week with every kind of problem.

    Yesterday is the busy day, whatever day the tests run: it is whole, it lies in the last
    seven days, and its weekday came four times in the four whole weeks the capacity rule
    looks at. Every call that recurs week after week has a fixed hour, so the capacity rule
    sees the same hours whatever the time of day the tests run."""
    history = History(r)
    for week in range(1, 9):
        for n in range(2):
            history.call(history.ago(7 * week + 1 + n, hour=16), "digid", subtopic="sms_code",
                         note="sms kwam wel")  # fmt: skip
    afternoon = history.ago(1, hour=14)
    for n in range(12):  # recurring: the sms code does not arrive, this week only
        history.call(afternoon + n * 60_000, "digid", subtopic="sms_code", recurring=True,
                     note="SMS-code komt niet aan na update")  # fmt: skip
    for n in range(4):  # repeat callers about their bank, twice within 14 days
        caller = f"repeat{n:010d}"
        history.call(history.ago(3), "bank", caller=caller)
        history.call(history.ago(1), "bank", caller=caller)
    for n in range(20):  # a quarter of the password callers give up
        history.call(history.ago(2), "password", wait_s=200, abandoned=n % 4 == 0)
    for _ in range(12):  # device callers wait five minutes
        history.call(history.ago(2), "device", wait_s=300)
    for week in range(4):  # this weekday at 10:00: 30 DigiD calls an hour, one volunteer
        busy = history.ago(7 * week + 1, hour=10)
        for n in range(30):
            history.call(busy + n * 1000, "digid", wait_s=20)
        history.duty(busy, "digid", 60)
    return history


def busy_weekday(history: History) -> int:
    """The busy day's weekday (0 is Monday)."""
    return datetime.fromtimestamp(history.ago(1, hour=10) / 1000, ZONE).weekday()


def test_each_kind_of_finding_appears_with_its_evidence(h, r, redis_url):
    history = pattern_history(r)
    history.write()
    late = "b:late"
    r.hset(keys.party(late), mapping={"arrival": history.ago(2), "topic": "bank"})
    r.zadd(keys.SCHEDULED_CALLBACKS, {late: history.ago(0.5)})
    in_a_worker(
        h, redis_url, "workers.reports.process_events", "workers.reports.detect_bottlenecks"
    )
    report = json.loads(r.get(keys.FINDINGS))
    kinds = {f["kind"]: f for f in report["findings"]}
    assert set(kinds) >= {
        "recurring_problem",
        "repeat_callers",
        "abandonment",
        "long_waits",
        "capacity",
        "late_callbacks",
    }
    recurring = [f for f in report["findings"] if f["kind"] == "recurring_problem"]
    sms = next(f for f in recurring if f["subject"] == "digid/sms_code")
    assert sms["figures"]["count"] == 12 and sms["figures"]["usual_per_week"] == 2.0
    assert sms["figures"]["chance"] < 0.01
    assert ["sms-code", 12] in [list(w) for w in sms["figures"]["top_words"]]
    assert kinds["repeat_callers"]["figures"]["callers"] == 4
    assert kinds["abandonment"]["subject"] == "password"
    assert kinds["long_waits"]["subject"] == "device"
    digid = next(
        f for f in report["findings"] if f["kind"] == "capacity" and f["subject"] == "digid"
    )
    weekday, hour, _calls, on_duty, needed = digid["figures"]["hours"][0]
    assert (weekday, hour) == (busy_weekday(history), 10)
    assert needed > on_duty == 1.0
    assert json.loads(json.dumps(detect(h)))["findings"] == report["findings"]  # stable


def test_a_history_without_the_pattern_gives_no_findings(h, r, redis_url):
    history = History(r)
    for week in range(0, 9):
        for n in range(3):
            moment = history.ago(7 * week + 1 + n + week / 7)  # a different hour each week
            history.call(moment, "digid", subtopic="sms_code", wait_s=20, note="app geactiveerd")
    for n in range(20):
        history.call(history.ago(2), "password", wait_s=30, abandoned=n == 0)
    history.duty(history.ago(2), "password", 600)  # enough hands that hour
    busy = history.ago(1, hour=10)
    for n in range(3):
        history.call(busy + n * 1000, "bank", wait_s=10)
    history.duty(busy, "bank", 120)
    history.write()
    results = in_a_worker(
        h, redis_url, "workers.reports.process_events", "workers.reports.detect_bottlenecks"
    )
    assert results[0] > 0 and results[1] == 0
    assert json.loads(r.get(keys.FINDINGS))["findings"] == []


def wait_for(condition, timeout=60.0, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def test_a_worker_killed_mid_job_is_recovered_and_every_event_counts_once(h, r, redis_url):
    history = History(r)
    t = history.ago(1, hour=9)
    for n in range(6000):
        history.call(t + n, "digid", wait_s=10)
    written = history.write()
    last_id = r.xrevrange(keys.EVENTS, count=1)[0][0]
    queue = Queue("default", connection=h.rq_redis)
    worker = start(["worker"], redis_url)
    try:
        queue.enqueue("workers.reports.process_events")
        assert wait_for(lambda: r.get(keys.AGG_CURSOR) not in (None, last_id), step=0.005)
        crash(worker)  # mid-job: some batches counted, most not
        assert r.get(keys.AGG_CURSOR) != last_id
        worker = start(["worker"], redis_url)

        def caught_up():
            if r.get(keys.AGG_CURSOR) == last_id:
                return True
            queue.enqueue("workers.reports.process_events")  # a later period's run
            time.sleep(1)
            return False

        assert wait_for(caught_up, timeout=90)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    week = Reports(r, h.settings, h.store.clock).bucket("week", history.week_of(t))
    assert week["all"]["offered"] == 6000
    assert week["all"]["answered"] == 6000
    assert written == 6000 * 4


def test_each_periodic_job_runs_once_per_period_with_two_schedulers(h, r, redis_url):
    processes = [start(["cron"], redis_url), start(["cron"], redis_url)]
    processes.append(start(["worker"], redis_url))
    try:
        assert wait_for(lambda: r.llen(keys.runs("process_events")) >= 3, timeout=60)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    for job in ("process_events", "repair_routing"):
        periods = [json.loads(run)["period"] for run in r.lrange(keys.runs(job), 0, -1)]
        assert periods and len(periods) == len(set(periods)), (job, periods)
    # (whether the second scheduler's copy falls in the same period depends on where the
    # clock is; tests/test_periodic.py pins it to show the copy does no work)
