"""The one place that wires real clients: Redis (two clients), the flow engine, Twilio."""

from __future__ import annotations

import redis
from flask import Flask, current_app
from twilio.request_validator import RequestValidator

from helpline.calls import CallStore, Clock
from helpline.ivr import flow as flow_module
from helpline.ivr.engine import Engine
from helpline.routing.router import Router


def _flow_path(config: dict) -> str:
    from ivr_flows import DEFAULT_FLOW

    return config.get("HELPLINE_FLOW") or str(DEFAULT_FLOW)


class Helpline:
    """Per-app state; clients connect lazily on first use."""

    def __init__(self, config: dict, clock: Clock | None = None):
        self.config = config
        self.flow = flow_module.load(_flow_path(config))
        self.engine = Engine(self.flow, {"ask_referral": config["HELPLINE_ASK_REFERRAL"]})
        self.redis = redis.Redis.from_url(
            config["REDIS_URL"],
            decode_responses=True,
            socket_timeout=5,
            socket_connect_timeout=2,
            health_check_interval=30,
        )
        self.store = CallStore(self.redis, config, clock)
        self.jobs = None  # set by init_app: RQ follow-ups for routing
        self.router = Router(self.redis, config, self.flow, self.store.clock, None)
        self.validator = RequestValidator(config["TWILIO_AUTH_TOKEN"])
        self.public_base = config["PUBLIC_URL"].rstrip("/")  # Twilio signs URLs under it
        self._rq_redis = None
        self._twilio = None

    @property
    def rq_redis(self) -> redis.Redis:
        """RQ needs its own client that does not decode responses."""
        if self._rq_redis is None:
            self._rq_redis = redis.Redis.from_url(self.config["REDIS_URL"])
        return self._rq_redis

    @property
    def twilio(self):
        if self._twilio is None:
            from helpline.twilio_client import make_client

            self._twilio = make_client(self.config)
        return self._twilio


def init_app(app: Flask) -> None:
    from helpline.routing.jobs import RoutingJobs

    helpline = Helpline(app.config, app.config.get("CLOCK"))
    helpline.jobs = RoutingJobs(helpline.rq_redis, app.config)
    helpline.router.jobs = helpline.jobs
    app.extensions["helpline"] = helpline


def helpline() -> Helpline:
    return current_app.extensions["helpline"]
