"""A whole helpline for end-to-end tests: the real app on a real HTTP server, real Redis,
and the Twilio simulator calling it and serving the REST API the app uses."""

from __future__ import annotations

import time

from helpline import create_app
from helpline.simulator import Simulator
from helpline.simulator.core import SimClock
from helpline.simulator.rest import create_rest_app
from helpline.simulator.server import Served
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
        config = make_config(
            redis_url,
            PUBLIC_URL=base,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_API_URL=self.rest_server.url,
            HELPLINE_CLOCK_SPEED=speed,
            HELPLINE_CLOCK_EPOCH=epoch,
            **settings,
        )
        self.app = create_app(config)
        self.app_server.app = self.app

    def start(self) -> World:
        self.app_server.start()
        self.rest_server.start()
        return self

    def stop(self) -> None:
        self.sim.shutdown()
        self.app_server.stop()
        self.rest_server.stop()
