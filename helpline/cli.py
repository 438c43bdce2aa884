"""The ``helpline`` command: the project's own commands, and nothing of Flask's.

Commands that need the app build it when they run (``ScriptInfo``), so ``--help`` and
``flows check`` work without Redis. What a person can fix (Redis unreachable, a broken flow
file, a wrong setting) ends in one line and exit code 1, never a traceback."""

from __future__ import annotations

import os
import shlex
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import click
import redis
from flask import current_app
from flask.cli import AppGroup, ScriptInfo, with_appcontext

from helpline import create_app
from helpline.config import ConfigError
from helpline.ivr.flow import FlowError


def read_env_file(path: str | Path) -> dict[str, str]:
    """``KEY=value`` lines (``export`` and quotes allowed, ``#`` comments), as a shell reads
    them: the file ``helpline demo`` writes, or one of your own."""
    values = {}
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        name, sep, value = text.removeprefix("export ").partition("=")
        if not sep or not name.strip().isidentifier():
            raise click.BadParameter(f"line {number} is not KEY=value", param_hint="--env-file")
        words = shlex.split(value, comments=True)
        values[name.strip()] = " ".join(words)
    return values


def redis_address(url: str) -> str:
    """Where a Redis URL points, without its password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}" if parts.scheme else url


class HelplineGroup(click.Group):
    """A click group that turns what a person can fix into one line and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except redis.RedisError as exc:
            url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise click.ClickException(
                f"cannot reach Redis at {redis_address(url)} (REDIS_URL): {reason}"
            ) from None
        except FlowError as exc:
            first = exc.problems[0]
            where = f"{exc.source}:{first.line}" if getattr(first, "line", None) else exc.source
            raise click.ClickException(
                f"the flow file {exc.source} has {len(exc.problems)} problem(s), the first at "
                f"{where}: {getattr(first, 'message', first)} "
                f"(all of them: helpline flows check {exc.source})"
            ) from None
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=HelplineGroup, context_settings={"max_content_width": 100})
@click.option(
    "--env-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read settings (KEY=value lines, e.g. the demo's) first; they win over the environment.",
)
@click.pass_context
def main(ctx, env_file):
    """DigiHulplijn call router: run, check and manage the helpline."""
    if env_file:
        os.environ.update(read_env_file(env_file))
    ctx.obj = ScriptInfo(create_app=create_app, set_debug_flag=False)


def _helpline():
    """The app's wiring, once Redis answers (a RedisError names the problem)."""
    h = current_app.extensions["helpline"]
    h.redis.ping()
    return h


@click.command("demo")
@click.option("--port", default=8000, show_default=True, help="Port of the helpline web app.")
@click.option("--phone-port", default=8001, show_default=True, help="Port of the browser phone.")
@click.option(
    "--data",
    default="instance/demo",
    show_default=True,
    help="Folder for the demo's Redis data and its env file.",
)
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    help="Run time this many times faster (for quick tries and tests).",
)
@click.option("--empty", is_flag=True, help="Start without the sample history and places.")
@click.option("--verbose", is_flag=True, help="Show every request and the workers' info lines.")
def demo(port, phone_port, data, speed, empty, verbose):
    """Run the whole helpline here, with a browser phone.

    A simulated Twilio, the web app, a worker, the scheduler and (unless REDIS_URL is set) a
    private Redis; eight weeks of sample history unless --empty. Ctrl-C stops it."""
    from helpline.demo import run_demo

    run_demo(port=port, phone_port=phone_port, data_dir=Path(data).resolve(), speed=speed,
             empty=empty, verbose=verbose)  # fmt: skip


@click.group("user", cls=AppGroup)
def user_group():
    """Manage volunteer and coordinator accounts."""


@user_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["volunteer", "coordinator"]),
    default="volunteer",
    show_default=True,
    help="What the account may do.",
)
@click.option("--name", default="", help="The name shown on the dashboard.")
@click.option("--phone", default="", help="The phone to ring, E.164 (+316...).")
@click.option("--skills", default="", help="Topic skills, comma separated: digid,bank")
@click.option("--languages", default="nl", show_default=True, help="Comma separated: nl,en")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(username, role, name, phone, skills, languages, password_stdin):
    """Add a volunteer or coordinator account.

    A volunteer profile is made when a phone number is given; the password is asked for, or
    read from standard input."""
    from helpline.accounts import AccountError
    from helpline.people import People

    h = _helpline()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = People(h).add(
            username,
            password,
            role=role,
            name=name,
            phone=phone,
            skills=skills,
            languages=languages,
        )
    except AccountError as exc:
        raise click.ClickException(exc.text("en")) from None
    click.echo(f"account {account.username} ({account.role}) created")


def init_app(app) -> None:
    """Register the project's commands on the app (so ``app.test_cli_runner`` sees them)."""
    for command in (flows, hours_group, user_group, worker, cron):
        app.cli.add_command(command)


# -- flows ---------------------------------------------------------------------------------


@click.group()
def flows():
    """Check IVR flow files (the phone menu)."""


@flows.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def flows_check(path):
    """Check a flow file and name every problem's line.

    Without PATH, the shipped flow (ivr_flows/digihulplijn.yaml)."""
    from helpline.ivr import flow as flow_module
    from ivr_flows import DEFAULT_FLOW

    path = path or str(DEFAULT_FLOW)
    try:
        loaded = flow_module.load(path)
    except flow_module.FlowError as exc:
        click.echo(f"{path}: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:  # file:line: what, as compilers say it (editors jump)
            line = getattr(problem, "line", None)
            where = f"{path}:{line}" if line else path
            click.echo(f"  {where}: {getattr(problem, 'message', problem)}", err=True)
        sys.exit(1)
    click.echo(
        f"{path}: flow '{loaded.name}' is valid ({len(loaded.steps)} steps, "
        f"languages {', '.join(loaded.languages)}, topics {', '.join(loaded.topics)})"
    )


# -- opening hours -------------------------------------------------------------------------


def _hours():
    return _helpline().hours


CLOSED_BECAUSE = {
    "hours": "outside the weekly hours",
    "holiday": "a closed day",
    "closure": "closed by a coordinator",
}


@click.group("hours", cls=AppGroup)
def hours_group():
    """Show or change the opening hours at run time."""


@hours_group.command("show")
def hours_show():
    """Show the hours in force and whether it is open now."""
    from helpline import hours

    opening = _hours()
    weekly, holidays = opening.as_written()
    schedule = opening.schedule()
    status = hours.status(schedule, opening.clock.now())
    click.echo(f"weekly hours: {weekly} ({hours.describe_weekly(schedule.weekly, 'en')})")
    click.echo(f"closed days: {holidays or '(none)'}")
    if status.open:
        click.echo("open now: yes")
    else:
        reason = CLOSED_BECAUSE.get(status.reason, status.reason)
        if status.closure_reason:
            reason += f": {status.closure_reason.get('en') or status.closure_reason.get('nl')}"
        click.echo(f"open now: no, {reason}")
    if status.next_opening:
        click.echo(f"next opening: {status.next_opening.isoformat()}")


@hours_group.command("set")
@click.option("--weekly", help="Weekly hours: 'mo-fr 09:00-17:00; sa 10:00-13:00' or 'always'.")
@click.option("--holidays", help="Closed days: 'NL, 2026-12-24', or '' for none.")
def hours_set(weekly, holidays):
    """Change the weekly hours or the closed days.

    Every process of the helpline sees the change within 5 seconds."""
    try:
        _hours().set(weekly=weekly, holidays=holidays)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo("opening hours saved")


@hours_group.command("close")
@click.option(
    "--reason-nl", required=True, help="What Dutch callers hear, e.g. 'Er is een storing.'"
)
@click.option("--reason-en", default="", help="What English callers hear.")
@click.option("--until", "until", default=None, help="ISO time with offset; open-ended if omitted.")
def hours_close(reason_nl, reason_en, until):
    """Close the helpline now, with a spoken reason."""
    moment = None
    if until:
        try:
            moment = datetime.fromisoformat(until)
        except ValueError:
            raise click.BadParameter("use ISO format, e.g. 2026-12-01T09:00+01:00") from None
        if moment.tzinfo is None:
            raise click.BadParameter("give a time with its UTC offset")
    try:
        _hours().close({"nl": reason_nl, "en": reason_en or reason_nl}, moment)
    except ValueError as exc:
        raise click.BadParameter(exc.text("en") if hasattr(exc, "text") else str(exc)) from None
    click.echo("closed")


@hours_group.command("reopen")
def hours_reopen():
    """End a manual closure."""
    _hours().reopen()
    click.echo("reopened")


# -- workers -------------------------------------------------------------------------------

LOG_LEVELS = click.Choice(["debug", "info", "warning", "error"], case_sensitive=False)
LOG_HELP = "Log from this level up (the demo runs its workers at warning)."


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--name", default=None, help="The worker's name in RQ (default: a random one).")
@click.option("--log-level", type=LOG_LEVELS, default="info", show_default=True, help=LOG_HELP)
def worker(burst, name, log_level):
    """Run an RQ worker on the helpline's queues.

    With RQ's scheduler, which moves delayed jobs onto the queues."""
    from helpline import jobs

    h = current_app.extensions["helpline"]
    jobs.run(jobs.RUN_WORKER, h, burst=burst, name=name, log_level=log_level.upper())


@click.command("cron")
@with_appcontext
@click.option("--log-level", type=LOG_LEVELS, default="info", show_default=True, help=LOG_HELP)
def cron(log_level):
    """Run RQ's cron scheduler with the helpline's periodic jobs."""
    from helpline import jobs

    jobs.run(jobs.RUN_CRON, current_app.extensions["helpline"], log_level=log_level.upper())


for _command in (demo, flows, hours_group, user_group, worker, cron):
    main.add_command(_command)


if __name__ == "__main__":
    main()
