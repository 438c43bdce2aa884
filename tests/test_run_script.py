"""`scripts/run` tells the truth: it warns about development secrets and the placeholder Twilio
account, says how to add the first account, gives each gunicorn its own control socket, and
stops the processes in order (the worker and the scheduler, the web servers, then Redis)."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

from helpline import config
from helpline.preflight import warnings

ROOT = Path(__file__).resolve().parent.parent
RUN = (ROOT / "scripts/run").read_text()
READY = {
    "SECRET_KEY": "s" * 40,
    "HELPLINE_PSEUDONYM_KEY": "p" * 40,
    "TWILIO_AUTH_TOKEN": "t" * 32,
    "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
    "HELPLINE_PHONE_NUMBER": "+31851234567",
}


def test_development_values_and_placeholders_are_named_and_the_first_account_explained():
    found = warnings(config.load({}), usernames=[])
    assert len(found) == 3
    assert "SECRET_KEY, HELPLINE_PSEUDONYM_KEY, TWILIO_AUTH_TOKEN" in found[0]
    assert "TWILIO_ACCOUNT_SID, HELPLINE_PHONE_NUMBER" in found[1]
    assert "user add cora --role coordinator" in found[2]


def test_a_helpline_ready_for_callers_gets_no_warning():
    assert warnings(config.load(READY), usernames=["cora"]) == []


@pytest.mark.parametrize("name", sorted(READY))
def test_each_setting_left_at_its_default_is_named(name):
    found = warnings(config.load({k: v for k, v in READY.items() if k != name}), ["cora"])
    assert len(found) == 1 and name in found[0]


def control_socket(monkeypatch, **env) -> str:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "helpline/gunicorn_conf.py"))["control_socket"]


def test_each_gunicorn_has_its_own_control_socket(monkeypatch):
    monkeypatch.delenv("HELPLINE_CONTROL_SOCKET", raising=False)
    web = control_socket(monkeypatch, HELPLINE_BIND="127.0.0.1:8000")
    dashboard = control_socket(monkeypatch, HELPLINE_BIND="127.0.0.1:8001")
    assert web != dashboard
    assert control_socket(monkeypatch, HELPLINE_CONTROL_SOCKET="/tmp/x.ctl") == "/tmp/x.ctl"
    sockets = re.findall(r"HELPLINE_CONTROL_SOCKET=(\S+)", RUN)
    assert len(sockets) == 2 and len(set(sockets)) == 2


def test_scripts_run_warns_first_and_stops_redis_last():
    assert "python -m helpline.preflight" in RUN
    assert "set -m" in RUN  # Ctrl-C reaches the script only; it stops the others
    cleanup = RUN[RUN.index("cleanup() {") :]
    order = [cleanup.index(f'"${name}_pid"') for name in ("worker", "web", "redis")]
    assert order == sorted(order)
    assert cleanup.index('"$cron_pid"') < cleanup.index('"$dashboard_pid"')
