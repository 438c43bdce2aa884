"""Shared fixtures: a private redis-server per test session, the app, and a signed phone line."""

from __future__ import annotations

import os
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
import redis
from twilio.request_validator import RequestValidator

from helpline import create_app
from helpline.clock import Clock
from helpline.localredis import RedisServer, free_port  # noqa: F401 (used by tests)

PUBLIC_URL = "https://hulplijn.example.nl"
AUTH_TOKEN = "test-auth-token"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    yield redis_server.url
    client.close()


@pytest.fixture
def r(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def make_config(redis_url: str, **overrides) -> dict:
    return {
        "HELPLINE_ENV": "test",
        "REDIS_URL": redis_url,
        "PUBLIC_URL": PUBLIC_URL,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "HELPLINE_OPENING_HOURS": "always",
        "HELPLINE_HOLIDAYS": "",
        "HELPLINE_HOLD_MUSIC_URL": "https://music.example/hold.mp3",
        **overrides,
    }


@pytest.fixture
def app_config():
    """Per-test overrides of the app's settings."""
    return {}


@pytest.fixture
def app(redis_url, app_config):
    made = create_app(make_config(redis_url, **app_config))
    yield made
    made.extensions["helpline"].store.menu_notes.close()  # nothing written after the test


@pytest.fixture
def client(app):
    return app.test_client()


class ManualClock(Clock):
    """The app's clock, moved by the test."""

    def __init__(self, start_ms: int = 1_790_000_000_000):
        self.ms = start_ms

    def now_ms(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


class Twiml:
    """A parsed TwiML answer with helpers to look inside."""

    def __init__(self, response):
        self.status = response.status_code
        self.content_type = response.content_type
        self.text = response.get_data(as_text=True)
        self.root = ET.fromstring(self.text) if self.status == 200 else None

    def verbs(self) -> list[str]:
        return [child.tag for child in self.root]

    def all(self, tag: str) -> list[ET.Element]:
        return list(self.root.iter(tag))

    def first(self, tag: str) -> ET.Element:
        found = self.all(tag)
        assert found, f"no <{tag}> in {self.text}"
        return found[0]

    def spoken(self) -> str:
        return " ".join("".join(say.itertext()) for say in self.root.iter("Say"))


def sign(url: str, params: dict, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


class Phone:
    """One caller's line to the app: signed Twilio-style webhooks, the answers parsed."""

    def __init__(self, client, number: str = "+31201234567", sid: str | None = None):
        self.client = client
        self.number = number
        self.sid = sid or "CA" + uuid.uuid4().hex
        self.last: Twiml | None = None
        self.enqueued = None  # the last <Enqueue> the app answered

    def params(self, **extra) -> dict:
        base = {
            "CallSid": self.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.number,
            "To": "+31850000000",
            "Caller": self.number,
            "Called": "+31850000000",
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        base.update({k: str(v) for k, v in extra.items()})
        return base

    def post(
        self,
        url: str,
        *,
        token: str = AUTH_TOKEN,
        idempotency: str | None = None,
        signature: str | None = None,
        **extra,
    ) -> Twiml:
        if not url.startswith("http"):
            url = PUBLIC_URL + url
        url = url.split("#", 1)[0]  # Twilio neither sends nor signs the connection overrides
        params = self.params(**extra)
        headers = {
            "X-Twilio-Signature": signature if signature is not None else sign(url, params, token),
            "I-Twilio-Idempotency-Token": idempotency or uuid.uuid4().hex,
        }
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.last = Twiml(self.client.post(path, data=params, headers=headers))
        if self.last.root is not None and self.last.all("Enqueue"):
            self.enqueued = self.last.first("Enqueue")
        return self.last

    def call(self) -> Twiml:
        return self.post("/voice/incoming", CallStatus="ringing")

    def gather_action(self) -> str:
        return self.last.first("Gather").get("action")

    def press(self, digits: str) -> Twiml:
        return self.post(self.gather_action(), Digits=digits)

    def say(self, words: str) -> Twiml:
        return self.post(self.gather_action(), SpeechResult=words, Confidence="0.9")

    def silence(self) -> Twiml:
        """No input: Twilio runs the verb after the Gather (our Redirect)."""
        return self.post(self.last.first("Redirect").text)

    def wait_url(self) -> str:
        return self.enqueued.get("waitUrl")

    def enqueue_action(self) -> str:
        return self.enqueued.get("action")


@pytest.fixture
def phone(client):
    return Phone(client)


def query(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


os.environ.setdefault("HELPLINE_ENV", "test")


def pytest_addoption(parser):
    parser.addoption(
        "--update-docs",
        action="store_true",
        help="copy the browser tests' screenshots into docs/ (./scripts/screenshots)",
    )


def pytest_configure(config):
    from tests import browser

    browser.update_docs = config.getoption("--update-docs")


# -- browser tests -------------------------------------------------------------------------

BROWSER_SPEED = 10  # the helpline's and the simulator's clocks run ten times faster


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, through Playwright (one per test module)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser import launch

    # a page that is right is right at once; on a loaded 2-core machine one that takes 5 s
    # (Playwright's default) to get there is slow, not wrong: tests that mean "at once" say
    # their own, shorter timeout
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def make_world(redis_url):
    """Whole helplines (app server, simulator, one RQ worker) for browser tests."""
    from tests.world import World

    worlds = []

    def make(speed: float = BROWSER_SPEED, **settings):
        defaults = {"HELPLINE_OFFER_TIMEOUT": 300, "HELPLINE_WIDEN_AFTER": 3000}
        world = World(redis_url, speed=speed, **{**defaults, **settings}).start(workers=1)
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        world.stop()


def keys_holding(redis_url: str, needle: str) -> list[str]:
    """Every Redis key whose value holds ``needle`` anywhere: strings, hashes, lists, sets,
    sorted sets, streams, and RQ's compressed job data."""
    import zlib

    client = redis.Redis.from_url(redis_url)
    wanted = needle.encode()
    found = []
    for key in client.scan_iter(match="*", count=1000):
        kind = client.type(key).decode()
        if kind == "string":
            values = [client.get(key) or b""]
        elif kind == "hash":
            values = [b"%s=%s" % pair for pair in client.hgetall(key).items()]
        elif kind == "list":
            values = client.lrange(key, 0, -1)
        elif kind == "set":
            values = list(client.smembers(key))
        elif kind == "zset":
            values = client.zrange(key, 0, -1)
        elif kind == "stream":
            values = [b"%s" % repr(entry).encode() for entry in client.xrange(key)]
        else:
            values = []
        for value in list(values):
            try:
                values.append(zlib.decompress(value.split(b"=", 1)[-1]))
            except zlib.error:
                pass
        if any(wanted in value for value in values):
            found.append(key.decode())
    client.close()
    return found
