"""The `helpline` command as a person meets it: only our commands and options, each with a
line of help; what they can fix (Redis unreachable, a broken flow file) in one line and exit
code 1, never a traceback; settings read from an env file such as the demo's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from helpline.cli import main
from tests.conftest import free_port

BIN = Path(sys.executable).parent / "helpline"
BROKEN_FLOW = Path(__file__).parent / "flows" / "broken_unknown_goto.yaml"
FLASK_OPTIONS = ("--app", "-A,", "--env-file FILE  Load", "--debug", "--no-debug", "--version")


def helpline(*args: str, input: str | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HELPLINE_ENV": "test", **env}
    return subprocess.run(
        [str(BIN), *args],
        env=environment,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_our_commands_and_no_flask_options():
    result = helpline("--help")
    assert result.returncode == 0
    assert [o for o in FLASK_OPTIONS if o in result.stdout] == []
    listed = {line.split()[0] for line in result.stdout.split("Commands:\n", 1)[1].splitlines()}
    assert listed == {"cron", "demo", "flows", "hours", "user", "worker"}


def every_command(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from every_command(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name, command", list(every_command(main)), ids=lambda x: str(x))
def test_every_command_and_option_has_a_line_of_help(name, command):
    first_line = (command.help or "").strip().splitlines()[0] if command.help else ""
    assert first_line and len(first_line) <= 60, (name, first_line)
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"helpline {name} {param.opts[0]} has no help"


@pytest.mark.parametrize(
    "args",
    [
        ["hours", "show"],
        ["hours", "reopen"],
        ["hours", "set", "--weekly", "always"],
        ["user", "add", "anna", "--password-stdin"],
    ],
    ids=" ".join,
)
def test_an_unreachable_redis_gives_one_line_and_exit_code_1(args):
    port = free_port()  # nothing listens there
    result = helpline(
        *args, input="a long enough password\n", REDIS_URL=f"redis://127.0.0.1:{port}/0"
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"Error: cannot reach Redis at 127.0.0.1:{port}")


def test_a_password_in_the_redis_url_is_never_shown():
    port = free_port()
    result = helpline("hours", "show", REDIS_URL=f"redis://:geheim@127.0.0.1:{port}/0")
    assert result.returncode == 1 and "geheim" not in result.stderr


@pytest.mark.parametrize("args", [["hours", "show"], ["worker"], ["cron"]], ids=" ".join)
def test_a_broken_flow_file_gives_one_line_and_exit_code_1(args, redis_url):
    result = helpline(*args, REDIS_URL=redis_url, HELPLINE_FLOW=str(BROKEN_FLOW))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"Error: the flow file {BROKEN_FLOW} has 1 problem(s)")
    assert "helpline flows check" in result.stderr


def test_settings_come_from_an_env_file_and_win_over_the_environment(tmp_path, redis_url):
    env_file = tmp_path / "demo.env"
    env_file.write_text(f"# written by helpline demo\nexport REDIS_URL='{redis_url}'\n")
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    assert (
        helpline("hours", "set", "--weekly", "mo-fr 09:00-17:00", REDIS_URL=redis_url).returncode
        == 0
    )
    result = helpline("--env-file", str(env_file), "hours", "show", REDIS_URL=unreachable)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "weekly hours: mo-fr 09:00-17:00 (Monday to Friday from 9:00 to 17:00)"
    )
    assert "open now: " in result.stdout


def test_a_bad_line_in_the_env_file_is_named(tmp_path):
    env_file = tmp_path / "bad.env"
    env_file.write_text("REDIS_URL=redis://x\nthis is not a setting\n")
    result = helpline("--env-file", str(env_file), "hours", "show")
    assert result.returncode == 2
    assert "line 2 is not KEY=value" in result.stderr
