"""The one place that wires real clients: Redis (two clients), the flow engine, Twilio.

Redis is one server (``REDIS_URL``) or the primary that Redis Sentinel names
(``REDIS_SENTINELS``, ``REDIS_SENTINEL_MASTER``): redis-py's ``Sentinel.master_for`` asks the
sentinels for the primary whenever a connection is made, so after a failover the next
connection goes to the new primary by itself. A command that fails while the primary changes
is tried again with back-off for up to ``RETRY_SECONDS`` when that is safe (``SAFE_TO_RETRY``).
"""

from __future__ import annotations

import time

import redis
from flask import Flask, current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel
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

# Commands that may run twice without harm: reads, writes that set a value (not add to one), and
# the Lua scripts, which run whole or not at all and are written to be run again (a webhook
# redelivered by Twilio runs them again too). INCR, LPUSH, XADD and the like are never retried:
# the first try may have been done before its answer was lost.
SAFE_TO_RETRY = frozenset(
    """PING GET MGET EXISTS TYPE TTL PTTL STRLEN HGET HMGET HGETALL HEXISTS HLEN HKEYS HVALS
    SMEMBERS SISMEMBER SMISMEMBER SCARD ZRANGE ZRANGEBYSCORE ZREVRANGE ZREVRANGEBYSCORE ZSCORE
    ZMSCORE ZCARD ZCOUNT ZRANK LRANGE LLEN LINDEX XRANGE XREVRANGE XLEN XREAD XINFO SCAN SSCAN
    HSCAN ZSCAN KEYS INFO TIME SET HSET HMSET HDEL DEL UNLINK EXPIRE PEXPIRE PERSIST SADD SREM
    ZADD ZREM EVAL EVALSHA SCRIPT""".split()
)
RETRY_SECONDS = 4.0  # a failover by Sentinel takes a few seconds; a webhook has 15


class FailoverRedis(redis.Redis):
    """A client that tries a safe command again, with back-off, while the primary is away.

    When a command has used up its ``RETRY_SECONDS``, the client takes Redis for gone: until
    a command succeeds again, commands fail at once (a webhook then answers its fallback at
    once instead of waiting for each of its commands in turn).
    """

    retry_seconds = RETRY_SECONDS
    _gone = False

    def execute_command(self, *args, **options):
        if self._gone or str(args[0]).split(" ")[0].upper() not in SAFE_TO_RETRY:
            result = super().execute_command(*args, **options)
            self._gone = False
            return result
        deadline = time.monotonic() + self.retry_seconds
        pause = 0.05
        while True:
            try:
                result = super().execute_command(*args, **options)
                self._gone = False
                return result
            except (redis.ConnectionError, redis.TimeoutError):
                left = deadline - time.monotonic()
                if left <= 0:
                    self._gone = True
                    raise
                time.sleep(min(pause, left))
                pause = min(pause * 2, 0.5)


def connect_redis(settings: Settings, *, decode_responses: bool) -> redis.Redis:
    """A Redis client of the helpline: through the sentinels when they are set, else to
    ``REDIS_URL``. Connects lazily."""
    from helpline.config_checks import sentinel_addresses

    options = {
        "decode_responses": decode_responses,
        "socket_timeout": 5,
        "socket_connect_timeout": 2,
        "health_check_interval": 30,
        "retry": Retry(NoBackoff(), 0),  # the tries again are FailoverRedis's, safe ones only
    }
    sentinels = sentinel_addresses(settings.redis_sentinels)
    if not sentinels:
        return FailoverRedis.from_url(settings.redis_url, **options)
    sentinel = Sentinel(
        sentinels,
        sentinel_kwargs={
            "password": settings.redis_sentinel_password or None,
            "socket_timeout": 1,
            "socket_connect_timeout": 1,
        },
        password=settings.redis_password or None,
        **options,
    )
    return sentinel.master_for(settings.redis_sentinel_master, redis_class=FailoverRedis)


def _flow_path(settings: Settings) -> str:
    from ivr_flows import DEFAULT_FLOW

    return settings.flow or str(DEFAULT_FLOW)


class Helpline:
    """Per-app state; clients connect lazily on first use."""

    def __init__(self, settings: Settings, clock: Clock | None = None):
        self.settings = settings
        self.flow = flow_module.load(_flow_path(settings))
        self.engine = Engine(self.flow, {"ask_referral": settings.ask_referral})
        self.redis = connect_redis(settings, decode_responses=True)
        clock = clock or clock_from_settings(settings)
        self.hours = OpeningHours(self.redis, settings, clock)
        self.store = CallStore(self.redis, settings, clock, self.hours)
        self.jobs = None  # set by init_app: RQ follow-ups for routing
        self.accounts = Accounts(
            self.redis, idle_seconds=settings.session_idle_minutes * 60, secret=settings.secret_key
        )
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
            self._rq_redis = connect_redis(self.settings, decode_responses=False)
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
