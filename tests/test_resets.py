"""A web process that dies mid-request costs no caller.

A proxy stands between the simulated Twilio and the app (``tests.resetproxy``): it lets one
request of a route reach the app, which handles it, and then resets the connection, as a web
process killed while answering does. Twilio tries a webhook again only as the URL's connection
overrides say (``helpline.twiml.CONNECTION_OVERRIDES``; without them: only when it cannot
connect, and the caller hears "an application error has occurred" and is gone). The app's URLs
ask for retries on read failures too, and the retry, with the same idempotency token, is
answered as the first delivery was: the caller goes on, and nothing is counted twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from twilio_sim import SimClock, Simulator
from twilio_sim.people import Caller, PhoneOwner, press, silence
from twilio_sim.rest import create_rest_app
from twilio_sim.server import Served

from helpline import create_app, keys
from helpline.twiml import CONNECTION_OVERRIDES
from tests.conftest import AUTH_TOKEN, make_config
from tests.resetproxy import ResetProxy

ACCOUNT_SID = "AC" + "3" * 32
SPEED = 20


class Line:
    """The app behind a resetting proxy, the simulator calling it through the proxy, one RQ
    worker, and one volunteer who takes every offer."""

    def __init__(self, redis_url: str, breaks):
        epoch = int(time.time() * 1000)
        self.app_server = Served()
        self.proxy = ResetProxy(self.app_server.port, breaks)
        self.rest = Served()
        base = self.proxy.url
        number = f"#{CONNECTION_OVERRIDES}"  # the number's URLs as the README says to set them
        self.sim = Simulator(
            voice_url=f"{base}/voice/incoming{number}",
            status_url=f"{base}/voice/status{number}",
            fallback_url=f"{base}/voice/fallback{number}",
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            clock=SimClock(SPEED, epoch),
            play_seconds=10,
        )
        self.rest.app = create_rest_app(self.sim)
        self.config = make_config(
            redis_url,
            PUBLIC_URL=base,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_API_URL=self.rest.url,
            HELPLINE_CLOCK_SPEED=SPEED,
            HELPLINE_CLOCK_EPOCH=epoch,
            HELPLINE_WRAPUP_SECONDS=5,
        )
        self.app = self.app_server.app = create_app(self.config)
        self.helpline = self.app.extensions["helpline"]
        self.stop_event = threading.Event()
        self.worker: subprocess.Popen | None = None

    def start(self) -> Line:
        self.app_server.start()
        self.rest.start()
        self.proxy.start()
        env = {**os.environ, **{k: str(v) for k, v in self.config.items()}}
        self.worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "helpline"), "worker"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        router = self.helpline.router
        router.save_volunteer(
            "vera", name="Vera", phone="+31611111111", skills=["digid"], languages=["nl"]
        )
        self.sim.add_phone(
            PhoneOwner("+31611111111", answer_after=1, press_every_call="1", hangup_after=60)
        )
        router.set_state("vera", "available")
        threading.Thread(target=self._take_offers, daemon=True).start()
        return self

    def _take_offers(self) -> None:
        router, r = self.helpline.router, self.helpline.redis
        while not self.stop_event.wait(0.02):
            vol = r.hgetall(keys.volunteer("vera"))
            if vol.get("state") == "offered" and vol.get("offer"):
                router.accept("vera", vol["offer"])

    def stop(self) -> None:
        self.stop_event.set()
        self.sim.shutdown()
        if self.worker:
            self.worker.send_signal(signal.SIGTERM)
            self.worker.wait(timeout=30)
        self.proxy.stop()
        self.app_server.stop()
        self.rest.stop()


def once(prefix: str):
    """Break the first request whose request line starts with ``prefix``."""
    done = []

    def breaks(line: str) -> bool:
        if line.startswith(prefix) and not done:
            done.append(line)
            return True
        return False

    return breaks


ROUTES = {
    "menu step": "POST /voice/step",
    "wait round": "POST /voice/queue/wait",
    "press 1": "POST /voice/volunteer/press",
    "status callback": "POST /voice/volunteer/status",
}


@pytest.mark.parametrize("route", list(ROUTES), ids=list(ROUTES))
def test_a_connection_reset_mid_request_costs_the_caller_nothing(redis_url, r, route):
    line = Line(redis_url, once(ROUTES[route]))
    try:
        line.start()
        leg = line.sim.place_call(
            Caller("+31201234567", answers=[silence(), press("3"), silence()])
        )
        sim = line.sim
        assert sim.wait_for(lambda: leg.entries("conference-join"), timeout=60), leg.said()
        assert sim.wait_done(leg, timeout=60)
        assert sim.wait_for(lambda: r.hget(keys.volunteer("vera"), "state") != "on_call", 30)
    finally:
        line.stop()
    assert len(line.proxy.broken) == 1, line.proxy.broken  # the reset happened
    retried = [kind for url, kind in sim.transport.retries if ROUTES[route].split()[1] in url]
    assert retried == ["rt"]  # Twilio tried again, as the URL's overrides ask
    assert "an application error has occurred" not in leg.said()
    assert len(leg.entries("conference-join")) == 1
    events = [f["type"] for _, f in r.xrange(keys.EVENTS)]
    assert events.count("queued") == 1 and events.count("connected") == 1, events
    assert r.hget(keys.volunteer("vera"), "state") in ("wrapup", "available")


def test_without_the_overrides_twilio_would_not_try_again(redis_url):
    """The simulator honours the defaults as Twilio documents them: one retry, and only when
    the connection cannot be made."""
    from twilio_sim import overrides

    _, default = overrides.split("https://hulplijn.example.nl/voice/step?step=topic")
    assert (default.retries, default.policy) == (1, frozenset({"ct"}))
    assert not default.retries_on("rt") and not default.retries_on("5xx")
    url, ours = overrides.split(f"https://h.example/voice/step?a=1#{CONNECTION_OVERRIDES}")
    assert url == "https://h.example/voice/step?a=1"
    assert ours.retries == 2 and {"ct", "rt", "5xx"} <= ours.policy
    # every try ends within Twilio's 15 s
    assert ours.total <= 15 and ours.connect_timeout + ours.read_timeout <= ours.total
