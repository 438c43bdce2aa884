"""The whole helpline as separate processes, for fault and surge runs: a private Redis (AOF),
gunicorn with several web processes, RQ workers and the cron scheduler, the Twilio simulator
in this process, and volunteers who take offers through the JSON API over HTTP.

``Stack.account()`` is the checker: every caller connected exactly once, called back, hung up
by themselves, or still waiting; no volunteer stuck; the report counts equal to the
simulator's own record.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from twilio_sim import SimClock, Simulator
from twilio_sim.people import Caller, PhoneOwner, press, silence
from twilio_sim.rest import create_rest_app
from twilio_sim.server import Served

from helpline import create_app, keys
from helpline.localredis import RedisServer, free_port
from helpline.people import People
from tests.processes import BIN, children, crash

ACCOUNT_SID = "AC" + "7" * 32
TOKEN = "stack-auth-token"
PASSWORD = "correct horse battery"
TOPIC_KEYS = {"device": "1", "password": "2", "digid": "3", "bank": "4", "general": "5"}
ACTIVE = ("offered", "connecting", "on_call")


class Agent(threading.Thread):
    """A volunteer at the dashboard, through the JSON API: available, and takes every offer
    (unless ``vanish`` is set, when the browser disappears at the first offer)."""

    def __init__(self, base: str, username: str, *, vanish: bool = False):
        super().__init__(daemon=True)
        self.base, self.username, self.vanish = base, username, vanish
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""
        self.stop = threading.Event()
        self.accepted: list[str] = []
        self.errors = 0

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf},
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return {"status": exc.code}

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                if not self.csrf:
                    login = self.call(
                        "POST", "/api/login", {"username": self.username, "password": PASSWORD}
                    )
                    self.csrf = login.get("csrf_token", "")
                    if self.csrf:
                        self.call("POST", "/api/status", {"status": "available"})
                    continue
                offer = self.call("GET", "/api/offer").get("offer")
                if offer and offer.get("state") == "offered":
                    if self.vanish:
                        return  # the browser is gone: no accept, no heartbeat
                    result = self.call("POST", f"/api/offers/{offer['id']}/accept")
                    if result.get("ok"):
                        self.accepted.append(offer["id"])
                me = self.call("GET", "/api/me")
                if me.get("status") in ("offline", "paused") and not self.stop.is_set():
                    self.call("POST", "/api/status", {"status": "available"})
                if me.get("status") == 401 or me.get("status") == 403:
                    self.csrf = ""
            except OSError:
                self.errors += 1
                time.sleep(0.5)
            self.stop.wait(0.2)


BACK_IN_LINE = "U bent weer als eerste aan de beurt."  # ivr_flows: prompt back_in_line


@dataclass
class Account:
    callers: int = 0
    connected: int = 0
    called_back: int = 0
    hung_up: int = 0
    waiting: int = 0
    lost: list[str] = field(default_factory=list)
    twice: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    simulator: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            not self.lost
            and not self.twice
            and not self.stuck
            and self.report == self.simulator
            and self.callers == self.connected + self.called_back + self.hung_up + self.waiting
        )


class Stack:
    def __init__(
        self,
        directory: Path,
        *,
        speed: float = 10.0,
        web_processes: int = 2,
        workers: int = 2,
        redis=None,
        **settings,
    ):
        """``redis``: the Redis to run on (default a private server with AOF), such as
        ``tests.sentinels.SentinelRedis``; it has ``start``, ``stop`` and ``settings``."""
        self.directory = Path(directory)
        self.speed = speed
        self.unsettled = ""  # what was still going on when settle() gave up
        self.redis = redis or RedisServer(
            self.directory / "redis", "--appendonly", "yes", "--appendfsync", "everysec"
        )
        self.web_port = free_port()  # the webhooks (create_voice_app), as Twilio reaches them
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.dashboard_port = free_port()  # pages, API and streams (create_dashboard_app)
        self.dashboard = f"http://127.0.0.1:{self.dashboard_port}"
        epoch = int(time.time() * 1000)
        self.sim = Simulator(
            voice_url=f"{self.base}/voice/incoming",
            status_url=f"{self.base}/voice/status",
            fallback_url=f"{self.base}/voice/fallback",
            account_sid=ACCOUNT_SID,
            auth_token=TOKEN,
            clock=SimClock(speed, epoch),
            play_seconds=10,
        )
        self.rest = Served(create_rest_app(self.sim))
        redis_settings = self.redis.settings() if hasattr(self.redis, "settings") else {}
        self.settings = {
            "REDIS_URL": self.redis.url,
            **redis_settings,
            "PUBLIC_URL": self.base,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_URL": self.rest.url,
            "HELPLINE_ENV": "test",
            "HELPLINE_OPENING_HOURS": "always",
            "HELPLINE_HOLIDAYS": "",
            "HELPLINE_CLOCK_SPEED": speed,
            "HELPLINE_CLOCK_EPOCH": epoch,
            "HELPLINE_OFFER_TIMEOUT": 60,
            "HELPLINE_VOLUNTEER_TIMEOUT": 120,
            "HELPLINE_WRAPUP_SECONDS": 10,
            **settings,
        }
        self.web_processes = web_processes
        self.worker_count = workers
        self.web: subprocess.Popen | None = None
        self.dashboard_web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.cron: subprocess.Popen | None = None
        self.agents: list[Agent] = []
        self.legs = []
        self.app = None

    # -- processes ----------------------------------------------------------------------

    def env(self, **extra) -> dict:
        values = {**self.settings, **extra}
        return {**os.environ, **{k: str(v) for k, v in values.items()}}

    def _log(self, name: str):
        return (self.directory / f"{name}.log").open("ab")

    def start(self) -> Stack:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.redis.start()
        self.rest.start()
        self.app = create_app(dict(self.settings))  # for setting up people, in this process
        self.start_web()
        for _ in range(self.worker_count):
            self.start_worker()
        self.cron = subprocess.Popen(
            [str(BIN / "helpline"), "cron"], env=self.env(), stdout=self._log("cron"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    def start_web(self) -> None:
        """The two web services, as in production: the webhooks on sync workers, the
        dashboard on threads (each open dashboard holds an event stream)."""
        self.web = self._gunicorn("create_voice_app", self.web_port, self.web_processes, "web")
        if self.dashboard_web is None or self.dashboard_web.poll() is not None:
            self.dashboard_web = self._gunicorn(
                "create_dashboard_app", self.dashboard_port, 1, "dashboard",
                HELPLINE_WORKER_CLASS="gthread", HELPLINE_THREADS=50,
            )  # fmt: skip
        for base, name in ((self.base, "web"), (self.dashboard, "dashboard")):
            self._wait_healthy(base, name)

    def _gunicorn(self, factory: str, port: int, processes: int, log: str, **extra):
        env = self.env(
            HELPLINE_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=processes,
            HELPLINE_ACCESS_LOG="",
            **extra,
        )
        return subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "python:helpline.gunicorn_conf",
             f"helpline:{factory}()"],
            env=env, stdout=self._log(log), stderr=subprocess.STDOUT,
        )  # fmt: skip

    @staticmethod
    def _wait_healthy(base: str, name: str) -> None:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start; see {name}.log")

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen(
            [str(BIN / "helpline"), "worker"], env=self.env(), stdout=self._log("worker"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.workers.append(worker)
        return worker

    def web_children(self) -> list[int]:
        return children(self.web.pid) if self.web else []

    def stop(self) -> None:
        for agent in self.agents:
            agent.stop.set()
        self.sim.shutdown()
        processes = [p for p in [self.web, self.dashboard_web, self.cron, *self.workers] if p]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                crash(process)
        self.rest.stop()
        self.redis.stop()

    # -- people -------------------------------------------------------------------------

    def volunteers(self, count: int, *, talk_seconds: float = 120, vanish: int = 0) -> None:
        """``count`` volunteers with every skill, their phones answering and pressing 1; the
        first ``vanish`` of them lose their browser at their first offer."""
        people = People(self.app.extensions["helpline"])
        skills = list(TOPIC_KEYS)
        for n in range(count):
            username, phone = f"vol{n:03d}", f"+316{n:08d}"
            people.add(username, PASSWORD, role="volunteer", phone=phone, skills=skills)
            self.sim.add_phone(
                PhoneOwner(phone, answer_after=2, press_every_call="1", hangup_after=talk_seconds)
            )
            agent = Agent(self.dashboard, username, vanish=n < vanish)
            self.agents.append(agent)
            agent.start()

    def caller(self, n: int, topic: str = "digid", patience: float | None = None):
        caller = Caller(
            f"+3120{n:07d}",
            answers=[silence(), press(TOPIC_KEYS[topic]), silence()],
            hangup_after=patience,
        )
        leg = self.sim.place_call(caller)
        self.legs.append(leg)
        return leg

    # -- faults -------------------------------------------------------------------------

    def kill_worker(self) -> None:
        """SIGKILL a worker with its children (mid-job when jobs are running), as when its
        container dies, and start a new one."""
        crash(self.workers.pop(0))
        self.start_worker()

    def kill_web_process(self) -> None:
        """SIGKILL one gunicorn web process mid-request; gunicorn starts a new one."""
        children = self.web_children()
        if children:
            os.kill(children[0], signal.SIGKILL)

    def restart_web(self) -> None:
        """SIGKILL the whole web server, then start it again."""
        for pid in self.web_children():
            os.kill(pid, signal.SIGKILL)
        self.web.send_signal(signal.SIGKILL)
        self.web.wait(timeout=10)
        self.start_web()

    def restart_redis(self, down_seconds: float = 0.0) -> None:
        """Stop Redis (it writes its AOF), keep it down a while, start it again."""
        self.redis.stop()
        time.sleep(down_seconds)
        self.redis.start()

    # -- the checker --------------------------------------------------------------------

    def settle(self, timeout: float = 240) -> bool:
        """Wait until every caller's call has ended and no phone rings any more, then give the
        repair pass its time to free volunteers whose work was lost in a fault."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            busy = [
                leg
                for leg in list(self.sim.calls.values())
                if leg.status not in ("completed", "busy", "failed", "no-answer", "canceled")
            ]
            if not busy:
                break
            time.sleep(0.5)
        else:
            self.unsettled = self.describe_busy()
            return False
        h = self.app.extensions["helpline"]
        while time.time() < deadline:
            states = [h.redis.hget(keys.volunteer(v), "state") for v in h.router.volunteer_ids()]
            if not any(state in ACTIVE for state in states):
                return True
            time.sleep(0.5)
        return True  # the checker names whoever is still stuck

    def describe_busy(self) -> str:
        """What is still going on (printed, and kept in ``unsettled`` for the failing
        assertion's message, when a run does not settle)."""
        h = self.app.extensions["helpline"]
        lines = []
        for leg in list(self.sim.calls.values()):
            if leg.status in ("completed", "busy", "failed", "no-answer", "canceled"):
                continue
            kinds = [e.get("kind") or e.get("type") for e in leg.transcript[-8:]]
            lines.append(f"busy: {leg.sid} {leg.direction} {leg.to} {leg.status} {kinds}")
            lines.append(f"   call: {h.redis.hgetall(keys.call(leg.sid))}")
        for volunteer_id in h.router.volunteer_ids():
            data = h.redis.hgetall(keys.volunteer(volunteer_id))
            state = (data.get("state"), data.get("offer"), data.get("leg"))
            lines.append(f"volunteer: {volunteer_id} {state}")
        text = "\n".join(lines)
        print(text)
        return text

    def describe_leg(self, sid: str) -> None:
        leg = self.sim.calls[sid]
        print("leg:", sid, leg.status, leg.hangup_requested)
        for entry in leg.transcript:
            shown = {k: v for k, v in entry.items() if k not in ("params", "twiml")}
            if entry.get("kind") == "request":
                shown["twiml"] = (entry.get("twiml") or "")[:160]
            print("   ", shown)

    def account(self) -> Account:
        h = self.app.extensions["helpline"]
        result = Account(callers=len(self.legs))
        for leg in self.legs:
            joins = len(leg.entries("conference-join"))
            # taken from the line by the app for a volunteer (Twilio's QueueResult=redirected);
            # a caller may still hang up while hearing "U wordt nu verbonden"
            taken = sum(e.get("result") == "redirected" for e in leg.entries("queue-result"))
            callback = any(e.get("result") == "leave" for e in leg.entries("queue-result"))
            # a caller whose volunteer hung up before they joined goes back to the front of
            # the line (issue 14), and may then be taken again: once per time they went back
            back = leg.said().count(BACK_IN_LINE)
            if joins > 1 + back or taken > 1 + back:
                result.twice.append(leg.sid)
            if joins >= 1 or taken >= 1:
                result.connected += 1
            elif callback:
                done = h.redis.hget(keys.party(f"b:cb-{leg.sid}"), "state")
                if done == "done":
                    result.called_back += 1
                else:
                    result.waiting += 1  # a callback still to make is still waiting
            elif leg.status not in ("completed",):
                result.waiting += 1
            elif (
                leg.hangup_requested == "caller"
                or leg.entries("queue-result")
                and any(e.get("result") == "hangup" for e in leg.entries("queue-result"))
            ):
                result.hung_up += 1
            elif leg.queue is not None:
                result.waiting += 1
            else:
                result.lost.append(leg.sid)
        for volunteer_id in h.router.volunteer_ids():
            state = h.redis.hget(keys.volunteer(volunteer_id), "state")
            if state in ACTIVE:
                result.stuck.append(f"{volunteer_id}:{state}")
        result.report, result.simulator = self._report_against_simulator(h)
        return result

    def _report_against_simulator(self, h) -> tuple[dict, dict]:
        from datetime import timedelta

        from helpline.reports.aggregate import Aggregator
        from helpline.reports.tables import Reports

        aggregator = Aggregator(h.redis, h.settings, h.store.clock)
        aggregator.process()
        reports = Reports(h.redis, h.settings, h.store.clock)
        today = reports.today()
        data = reports.days(today - timedelta(days=1), today + timedelta(days=1))
        row = reports.rows(data, "all")[0]
        report = {"offered": row.get("offered"), "answered": row.get("answered")}
        enqueued = {
            leg.sid for leg in self.legs if leg.entries("enqueued")
        }  # reached a line at least once
        answered = sum(  # each time a caller was taken to a volunteer
            e.get("result") == "redirected"
            for leg in self.legs
            for e in leg.entries("queue-result")
        )
        return report, {"offered": len(enqueued), "answered": answered}
