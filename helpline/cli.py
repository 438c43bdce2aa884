"""The ``helpline`` command: a Flask CLI group with the project's own commands."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from helpline import create_app


@click.group(
    cls=FlaskGroup, create_app=create_app, add_version_option=False, add_default_commands=False
)
def main():
    """DigiHulplijn call router."""


@main.command("demo")
@click.option("--port", default=8000, show_default=True, help="Port of the helpline web app.")
@click.option("--phone-port", default=8001, show_default=True, help="Port of the browser phone.")
@click.option("--data", default="instance/demo", show_default=True, help="Folder for Redis data.")
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    help="Run time this many times faster (for quick tries and tests).",
)
def demo(port, phone_port, data, speed):
    """Run everything locally with the Twilio simulator and a browser phone (Ctrl-C stops)."""
    from pathlib import Path

    from helpline.demo import run_demo

    run_demo(port=port, phone_port=phone_port, data_dir=Path(data).resolve(), speed=speed)


@click.group("user", cls=AppGroup)
def user_group():
    """Manage volunteer and coordinator accounts."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["volunteer", "coordinator"]), default="volunteer")
@click.option("--name", default="", help="The name shown on the dashboard.")
@click.option("--phone", default="", help="The phone to ring, E.164 (+316...).")
@click.option("--skills", default="", help="Topic skills, comma separated: digid,bank")
@click.option("--languages", default="nl", show_default=True, help="Comma separated: nl,en")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(username, role, name, phone, skills, languages, password_stdin):
    """Add an account (with a volunteer profile when a phone number is given)."""
    from helpline.accounts import AccountError
    from helpline.people import People

    h = current_app.extensions["helpline"]
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
    """Check IVR flows."""


@flows.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def flows_check(path):
    """Check a flow file (default: the shipped flow) and name every problem."""
    from helpline.ivr import flow as flow_module
    from ivr_flows import DEFAULT_FLOW

    path = path or str(DEFAULT_FLOW)
    try:
        loaded = flow_module.load(path)
    except flow_module.FlowError as exc:
        click.echo(f"{path}: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo(
        f"{path}: flow '{loaded.name}' is valid ({len(loaded.steps)} steps, "
        f"languages {', '.join(loaded.languages)}, topics {', '.join(loaded.topics)})"
    )


# -- opening hours -------------------------------------------------------------------------


def _hours():
    return current_app.extensions["helpline"].hours


@click.group("hours", cls=AppGroup)
def hours_group():
    """Show or change the opening hours at run time."""


@hours_group.command("show")
def hours_show():
    from helpline import hours

    opening = _hours()
    schedule = opening.schedule()
    now = opening.clock.now()
    status = hours.status(schedule, now)
    click.echo(f"weekly: {hours.describe_weekly(schedule.weekly, 'nl')}")
    click.echo(f"open now: {'yes' if status.open else 'no (' + status.reason + ')'}")
    if status.next_opening:
        click.echo(f"next opening: {status.next_opening.isoformat()}")


@hours_group.command("set")
@click.option("--weekly", help="e.g. 'mo-fr 09:00-17:00; sa 10:00-13:00' or 'always'")
@click.option("--holidays", help="e.g. 'NL, 2026-12-24' (empty string for none)")
def hours_set(weekly, holidays):
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
@click.option("--until", "until", default=None, help="ISO time with offset; open-ended if omitted")
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


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--name", default=None)
def worker(burst, name):
    """Run an RQ worker (with RQ's scheduler) on the helpline's queues."""
    from helpline import jobs

    jobs.run(jobs.RUN_WORKER, current_app.extensions["helpline"], burst=burst, name=name)


@click.command("cron")
@with_appcontext
def cron():
    """Run RQ's cron scheduler with the helpline's periodic jobs."""
    from helpline import jobs

    jobs.run(jobs.RUN_CRON, current_app.extensions["helpline"])


if __name__ == "__main__":
    main()
