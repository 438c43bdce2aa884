"""A whole helpline for end-to-end tests: the real app on a real HTTP server, real Redis, real
RQ worker processes, and the Twilio simulator calling the app and serving the REST API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from twilio_sim import SimClock, Simulator
from twilio_sim.people import PhoneOwner
from twilio_sim.rest import create_rest_app
from twilio_sim.server import Served

from helpline import create_app, keys
from tests.conftest import AUTH_TOKEN, make_config

ACCOUNT_SID = "AC" + "1" * 32


class World:
    def __init__(self, redis_url: str, speed: float = 60.0, **settings):
        epoch = int(time.time() * 1000)
        self.app_server = Served()
        self.rest_server = Served()
        base = self.app_server.url
        self.sim = Simulator(
            voice_url=f"{base}/voice/incoming",
            status_url=f"{base}/voice/status",
            fallback_url=f"{base}/voice/fallback",
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            clock=SimClock(speed, epoch),
            play_seconds=10,
        )
        self.rest_server.app = create_rest_app(self.sim)
        self.config = make_config(
            redis_url,
            PUBLIC_URL=base,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_API_URL=self.rest_server.url,
            HELPLINE_CLOCK_SPEED=speed,
            HELPLINE_CLOCK_EPOCH=epoch,
            **settings,
        )
        self.app = create_app(self.config)
        self.app_server.app = self.app
        self.helpline = self.app.extensions["helpline"]
        self.router = self.helpline.router
        self.workers: list[subprocess.Popen] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, workers: int = 0) -> World:
        self.app_server.start()
        self.rest_server.start()
        env = {**os.environ, **{k: str(v) for k, v in self.config.items() if k != "CLOCK"}}
        self.worker_log = Path(os.environ.get("TMPDIR", "/tmp")) / f"worker-{os.getpid()}.log"
        for _ in range(workers):
            log = self.worker_log.open("ab")
            self.workers.append(
                subprocess.Popen(
                    [str(Path(sys.executable).parent / "helpline"), "worker"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self.sim.shutdown()
        for worker in self.workers:
            worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            worker.wait(timeout=30)
        self.app_server.stop()
        self.rest_server.stop()
        self.helpline.store.menu_notes.close()  # nothing written after the test

    # -- volunteers (the dashboard's part, until it exists) ------------------------------------

    def volunteer(self, vid: str, phone: str, skills, languages=("nl",), **phone_behaviour):
        self.router.save_volunteer(
            vid, name=vid, phone=phone, skills=list(skills), languages=list(languages)
        )
        return self.sim.add_phone(PhoneOwner(phone, **phone_behaviour))

    def offers(self, vid: str) -> list[str]:
        """Offers this volunteer has seen (recorded by ``answer_offers``)."""
        return getattr(self, "_seen", {}).get(vid, [])

    def answer_offers(self, vid: str, *, accept: bool = True) -> None:
        """Stand in for the volunteer at the dashboard: take (or decline) every offer."""
        self._seen = getattr(self, "_seen", {})
        seen = self._seen.setdefault(vid, [])
        handled: set = set()

        def loop():
            while not self._stop.is_set():
                vol = self.helpline.redis.hgetall(keys.volunteer(vid))
                member, state = vol.get("offer"), vol.get("state")
                offer = (member, vol.get("offer_expires"))
                if member and state == "offered" and offer not in handled:
                    handled.add(offer)
                    seen.append(member)
                    if accept:
                        self.router.accept(vid, member)
                    else:
                        self.router.decline(vid, member)
                time.sleep(0.02)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        self._threads.append(thread)
