"""The one place that wires real clients: Redis (two clients), the flow engine, Twilio."""

from __future__ import annotations

import redis
from flask import Flask, current_app
from twilio.request_validator import RequestValidator

from helpline.accounts import Accounts
from helpline.calls import CallStore
from helpline.clock import Clock, clock_from_settings
from helpline.config import Settings
from helpline.ivr import flow as flow_module
from helpline.ivr.engine import Engine
from helpline.job_runs import JobRuns
from helpline.mentoring import Monitoring
from helpline.opening import OpeningHours
from helpline.places import Places
from helpline.routing.router import Router
from helpline.shifts import Shifts
from helpline.sms import ReferralTexts


def _flow_path(settings: Settings) -> str:
    from ivr_flows import DEFAULT_FLOW

    return settings.flow or str(DEFAULT_FLOW)


class Helpline:
    """Per-app state; clients connect lazily on first use."""

    def __init__(self, settings: Settings, clock: Clock | None = None):
        self.settings = settings
        self.flow = flow_module.load(_flow_path(settings))
        self.engine = Engine(self.flow, {"ask_referral": settings.ask_referral})
        self.redis = redis.Redis.from_url(
            settings.redis_url,
            decode_responses=True,
            socket_timeout=5,
            socket_connect_timeout=2,
            health_check_interval=30,
        )
        clock = clock or clock_from_settings(settings)
        self.hours = OpeningHours(self.redis, settings, clock)
        self.store = CallStore(self.redis, settings, clock, self.hours)
        self.jobs = None  # set by init_app: RQ follow-ups for routing
        self.accounts = Accounts(self.redis)
        self.places = Places(self.redis)
        self.job_runs = JobRuns(self.redis)
        self.router = Router(self.redis, settings, self.flow, self.store.clock, None)
        self.validator = RequestValidator(settings.twilio_auth_token)
        self.public_base = settings.public_url.rstrip("/")  # Twilio signs URLs under it
        self._rq_redis = None
        self._twilio = None

    @property
    def rq_redis(self) -> redis.Redis:
        """RQ needs its own client that does not decode responses."""
        if self._rq_redis is None:
            self._rq_redis = redis.Redis.from_url(self.settings.redis_url)
        return self._rq_redis

    @property
    def twilio(self):
        if self._twilio is None:
            from helpline.twilio_client import make_client

            self._twilio = make_client(self.settings)
        return self._twilio


def bootstrap(settings: Settings, clock: Clock | None = None) -> Helpline:
    """The one wiring of the helpline, shared by the web apps, the workers and the CLI."""
    from helpline.routing.jobs import RoutingJobs

    helpline = Helpline(settings, clock)
    helpline.jobs = RoutingJobs(helpline.rq_redis, settings)
    helpline.router.jobs = helpline.jobs
    helpline.monitoring = Monitoring(
        helpline.redis, helpline.router, settings, helpline.store.clock, lambda: helpline.twilio
    )
    helpline.shifts = Shifts(helpline.redis, helpline.router, settings, helpline.store.clock)
    helpline.sms = ReferralTexts(helpline.redis, settings, helpline.store.clock, helpline.rq_redis)
    return helpline


def init_app(app: Flask) -> None:
    app.extensions["helpline"] = bootstrap(app.config["HELPLINE_SETTINGS"], app.config.get("CLOCK"))


def helpline() -> Helpline:
    return current_app.extensions["helpline"]
