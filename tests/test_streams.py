"""Open event streams per account: at most HELPLINE_STREAMS_PER_ACCOUNT at once, the next one
refused with a clear 429; a closed stream gives its slot back, and the slot of a process that
died lapses with its lease (the script is real Redis, its clock Redis's own)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from helpline import config, create_dashboard_app
from helpline.accounts import Accounts
from helpline.streams import LEASE_SECONDS, StreamSlots
from tests.conftest import make_config

PASSWORD = "correct horse battery"
CAP = config.setting("HELPLINE_STREAMS_PER_ACCOUNT").default


@pytest.fixture
def dashboard(redis_url, r):
    for name in ("anna", "bert"):
        Accounts(r).create(name, PASSWORD, role="volunteer")
    return create_dashboard_app(make_config(redis_url))


def signed_in(app, username: str):
    client = app.test_client()
    login = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200
    return client


def open_stream(client):
    return client.get("/api/stream", buffered=False)


def close(*streams) -> None:
    """Close streams newest first: in the test client they all run in this one thread, each
    holding its request context (a server gives each stream its own thread)."""
    for stream in reversed(streams):
        stream.close()


def test_the_readme_documents_the_cap_that_holds():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    row = re.search(r"^\| `HELPLINE_STREAMS_PER_ACCOUNT` \| `(\d+)` \|", readme, re.MULTILINE)
    assert row and int(row.group(1)) == CAP


def test_an_account_holds_at_most_its_cap_of_streams_and_the_next_is_refused(dashboard):
    anna = signed_in(dashboard, "anna")
    streams = [open_stream(anna) for _ in range(CAP)]
    assert [s.status_code for s in streams] == [200] * CAP
    assert all(s.mimetype == "text/event-stream" for s in streams)
    refused = open_stream(anna)
    assert refused.status_code == 429 and refused.mimetype == "application/json"
    assert refused.json["error"].startswith("Er staan te veel live-verbindingen open")
    assert f"hoogstens {CAP})" in refused.json["error"]  # the cap is said, not "{limit}"
    assert refused.json["limit"] == CAP
    assert refused.headers["Retry-After"] == str(LEASE_SECONDS)
    anna.set_cookie("hl_lang", "en")
    english = open_stream(anna)
    assert english.json["error"].startswith("Too many live connections are open")
    close(*streams)


def test_a_closed_stream_gives_its_slot_back(dashboard):
    anna = signed_in(dashboard, "anna")
    streams = [open_stream(anna) for _ in range(CAP)]
    assert open_stream(anna).status_code == 429
    streams.pop().close()
    again = open_stream(anna)
    assert again.status_code == 200
    close(*streams, again)
    assert StreamSlots(dashboard.extensions["helpline"].redis, CAP).held("anna") == 0


def test_the_cap_is_per_account(dashboard):
    anna, bert = signed_in(dashboard, "anna"), signed_in(dashboard, "bert")
    streams = [open_stream(anna) for _ in range(CAP)]
    assert open_stream(anna).status_code == 429
    berts = open_stream(bert)
    assert berts.status_code == 200
    close(*streams, berts)


def test_the_cap_is_a_setting(redis_url, r):
    Accounts(r).create("anna", PASSWORD, role="volunteer")
    app = create_dashboard_app(make_config(redis_url, HELPLINE_STREAMS_PER_ACCOUNT=1))
    anna = signed_in(app, "anna")
    first = open_stream(anna)
    assert first.status_code == 200 and open_stream(anna).status_code == 429
    close(first)


def test_a_setting_below_one_stream_is_refused_at_start():
    with pytest.raises(config.ConfigError, match="HELPLINE_STREAMS_PER_ACCOUNT"):
        config.load({"HELPLINE_STREAMS_PER_ACCOUNT": "0"})


def test_the_slot_of_a_process_that_died_lapses_with_its_lease(r):
    slots = StreamSlots(r, cap=2, lease_seconds=0.5)
    held = [slots.claim("anna"), slots.claim("anna")]  # never released: the process died
    assert all(held) and slots.claim("anna") is None
    time.sleep(0.6)
    assert slots.held("anna") == 0
    assert slots.claim("anna") is not None


def test_a_running_stream_keeps_its_slot_by_renewing_it(r):
    slots = StreamSlots(r, cap=2, lease_seconds=0.5)
    running, dead = slots.claim("anna"), slots.claim("anna")
    for _ in range(3):
        time.sleep(0.3)
        assert slots.renew("anna", running)
    assert slots.held("anna") == 1  # the dead one's lease ran out meanwhile
    assert slots.claim("anna") is not None and slots.claim("anna") is None
    assert dead is not None and not slots.renew("anna", dead)  # its place is taken now


def test_a_stream_whose_lease_lapsed_takes_a_free_slot_again(r):
    slots = StreamSlots(r, cap=1, lease_seconds=0.2)
    stalled = slots.claim("anna")
    time.sleep(0.3)
    assert slots.renew("anna", stalled)
    assert slots.held("anna") == 1
