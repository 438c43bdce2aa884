"""Faults, with the helpline as separate processes (gunicorn with two web processes, two RQ
workers, the cron scheduler, Redis with AOF) and the simulator placing calls while volunteers
accept through the API. After each, the checker accounts for every caller: connected exactly
once, called back, hung up by themselves, or still waiting; no volunteer is stuck; the report
counts equal the simulator's own record."""

from __future__ import annotations

import threading
import time

import pytest

from tests.stack import Stack


@pytest.fixture
def stack(tmp_path):
    running = Stack(tmp_path / "stack", speed=15).start()
    yield running
    running.stop()


def calls(stack: Stack, count: int, every: float = 0.2, first: int = 0, **kw) -> None:
    for n in range(count):
        stack.caller(first + n, **kw)
        time.sleep(every)


def assert_accounted(stack: Stack) -> None:
    assert stack.settle(timeout=150), f"calls still ringing or talking:\n{stack.unsettled}"
    time.sleep(2)
    result = stack.account()
    print(result)
    for sid in result.lost + result.twice:
        stack.describe_leg(sid)
    assert result.lost == [] and result.twice == [] and result.stuck == []
    assert result.callers == (
        result.connected + result.called_back + result.hung_up + result.waiting
    )
    assert result.report == result.simulator
    assert result.connected > 0


def test_a_worker_killed_mid_job_loses_no_caller(stack):
    stack.volunteers(5, talk_seconds=20)
    killer = threading.Timer(3.0, stack.kill_worker)
    killer.start()
    calls(stack, 20, every=0.3)
    killer.join()
    stack.kill_worker()
    assert_accounted(stack)


def test_a_web_process_killed_mid_call_loses_no_caller(stack):
    stack.volunteers(5, talk_seconds=20)
    threading.Timer(2.0, stack.kill_web_process).start()
    threading.Timer(4.0, stack.kill_web_process).start()
    calls(stack, 20, every=0.3)
    assert_accounted(stack)


def test_a_redis_restart_mid_surge_loses_no_caller(stack):
    stack.volunteers(5, talk_seconds=20)
    threading.Timer(3.0, stack.restart_redis).start()
    calls(stack, 30, every=0.2)
    assert_accounted(stack)


def test_duplicated_delayed_and_reordered_webhooks_connect_everyone_once(stack):
    stack.sim.faults.redeliver_requests = 0.3
    stack.sim.faults.duplicate_callbacks = 0.5
    stack.sim.faults.delay_callbacks = 1.5
    stack.volunteers(5, talk_seconds=20)
    calls(stack, 20, every=0.3)
    assert_accounted(stack)


def test_a_volunteer_whose_browser_vanishes_during_an_offer_holds_nobody_up(stack):
    stack.volunteers(3, talk_seconds=20, vanish=1)
    calls(stack, 12, every=0.4)
    assert_accounted(stack)
    gone = stack.app.extensions["helpline"].redis.hget("hl:{hl}:vol:vol000", "state")
    assert gone in ("offline", "available", "paused")


def test_thirty_seconds_without_redis_the_phone_still_answers_and_everyone_is_served(stack):
    stack.volunteers(5, talk_seconds=20)
    calls(stack, 8, every=0.3)
    stack.redis.stop()  # unreachable: every connection refused
    outage = threading.Thread(target=calls, args=(stack, 8), kwargs={"first": 100, "every": 1})
    outage.start()
    time.sleep(30)
    stack.redis.start()
    outage.join()
    calls(stack, 4, first=200)
    assert_accounted(stack)
    for leg in stack.legs:  # Twilio never had to give up on an answer (15 s), nor hang up
        assert not [e for e in leg.entries("request") if e.get("error") == 11205], leg.sid
        assert "an application error has occurred" not in leg.said()
