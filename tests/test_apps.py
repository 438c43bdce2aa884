"""Each audience its own app: the voice app serves Twilio's webhooks (with health and metrics)
and nothing of the dashboard; the dashboard app serves the pages, the API and the event stream
and no webhook; ``create_app`` is both, for the demo and development."""

from __future__ import annotations

import pytest

from helpline import create_app, create_dashboard_app, create_voice_app
from helpline.accounts import Accounts
from tests.conftest import Phone, make_config

PASSWORD = "correct horse battery"
DASHBOARD = [
    ("POST", "/api/login"),
    ("GET", "/api/stream"),
    ("GET", "/api/me"),
    ("GET", "/login"),
    ("GET", "/calls"),
    ("GET", "/coordinator"),
    ("GET", "/"),
]


@pytest.fixture
def voice_client(redis_url):
    return create_voice_app(make_config(redis_url)).test_client()


@pytest.fixture
def dashboard_client(redis_url):
    return create_dashboard_app(make_config(redis_url)).test_client()


def test_voice_app_answers_a_signed_incoming_call(voice_client):
    answer = Phone(voice_client).call()
    assert answer.status == 200 and answer.content_type.startswith("text/xml")
    assert answer.verbs() == ["Gather", "Redirect"]
    assert "step=welcome" in answer.first("Gather").get("action")


@pytest.mark.parametrize(("method", "path"), DASHBOARD)
def test_voice_app_does_not_serve_the_dashboard(voice_client, method, path):
    assert voice_client.open(path, method=method).status_code == 404


def test_voice_app_does_not_serve_the_api_to_a_signed_in_volunteer(voice_client, r):
    accounts = Accounts(r)
    accounts.create("anna", PASSWORD, role="volunteer")
    session = accounts.login("anna", PASSWORD, "127.0.0.1")
    voice_client.set_cookie("hl_session", session.token)
    assert voice_client.get("/api/stream").status_code == 404
    assert voice_client.get("/api/me").status_code == 404


def test_dashboard_app_does_not_serve_the_webhooks(dashboard_client):
    answer = Phone(dashboard_client).call()
    assert answer.status == 404
    assert answer.text == '<?xml version="1.0" encoding="UTF-8"?><Response />'


def test_dashboard_app_serves_the_pages_and_the_api(dashboard_client, r):
    Accounts(r).create("anna", PASSWORD, role="volunteer")
    assert dashboard_client.get("/login").status_code == 200
    login = dashboard_client.post("/api/login", json={"username": "anna", "password": PASSWORD})
    assert login.status_code == 200
    assert dashboard_client.get("/api/me").json["username"] == "anna"


@pytest.mark.parametrize("factory", [create_voice_app, create_dashboard_app, create_app])
def test_every_app_reports_its_health_and_metrics(redis_url, factory):
    client = factory(make_config(redis_url)).test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    assert "helpline_waiting_callers" in client.get("/metrics").get_data(as_text=True)


def test_the_app_for_development_serves_webhooks_and_dashboard(client, r):
    Accounts(r).create("anna", PASSWORD, role="volunteer")
    assert Phone(client).call().status == 200
    login = client.post("/api/login", json={"username": "anna", "password": PASSWORD})
    assert login.status_code == 200
    assert client.get("/login").status_code == 200
