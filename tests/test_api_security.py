"""The dashboard's JSON API: sign-in done properly, CSRF, throttling, and per-record checks."""

from __future__ import annotations

import pytest

from helpline import keys
from helpline.accounts import FAILURES_PER_ACCOUNT, Accounts

PASSWORD = "correct horse battery"


@pytest.fixture
def people(app):
    runner = app.test_cli_runner()
    for name, skills in (("anna", "digid"), ("bert", "digid")):
        result = runner.invoke(
            args=[
                "user",
                "add",
                name,
                "--phone",
                "+31611111111",
                "--skills",
                skills,
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
        )
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["user", "add", "cora", "--role", "coordinator", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return app


def sign_in(app, username):
    client = app.test_client()
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return client, response.json["csrf_token"]


def test_login_stores_an_argon2_hash_and_sets_a_safe_cookie(people, r):
    stored = r.hget(f"{keys.PREFIX}:user:anna", "password")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    client = people.test_client()
    response = client.post("/api/login", json={"username": "anna", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in cookie  # PUBLIC_URL is https in the tests
    assert response.json["user"]["username"] == "anna"


def test_a_wrong_password_is_refused_with_a_message(people):
    response = people.test_client().post(
        "/api/login", json={"username": "anna", "password": "nope-nope-nope"}
    )
    assert response.status_code == 401
    assert "klopt niet" in response.json["error"]


def test_repeated_wrong_passwords_are_throttled(people):
    client = people.test_client()
    for _ in range(FAILURES_PER_ACCOUNT):
        client.post("/api/login", json={"username": "anna", "password": "wrong-wrong-wrong"})
    response = client.post("/api/login", json={"username": "anna", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_a_state_change_without_the_csrf_token_is_refused(people, r):
    client, csrf = sign_in(people, "anna")
    response = client.post("/api/status", json={"status": "available"})
    assert response.status_code == 403
    assert r.hget(keys.volunteer("anna"), "state") == "offline"
    response = client.post(
        "/api/status", json={"status": "available"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200 and response.json["status"] == "available"


def test_a_session_is_invalid_after_logout(people):
    client, csrf = sign_in(people, "anna")
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/me").status_code == 401


def test_a_disabled_account_loses_its_sessions_at_once(people, r):
    client, _ = sign_in(people, "anna")
    Accounts(r).disable("anna")
    assert client.get("/api/me").status_code == 401
    response = people.test_client().post(
        "/api/login", json={"username": "anna", "password": PASSWORD}
    )
    assert response.status_code == 401


def test_volunteer_a_cannot_read_accept_or_decline_volunteer_bs_offer(people, r):
    h = people.extensions["helpline"]
    h.store.enqueue("CA1", "+31201234567", "digid", "nl", None)
    anna, anna_csrf = sign_in(people, "anna")
    bert, bert_csrf = sign_in(people, "bert")
    anna.post("/api/status", json={"status": "available"}, headers={"X-CSRF-Token": anna_csrf})
    offer = anna.get("/api/offer").json["offer"]
    assert offer["id"] == "c:CA1" and offer["topic"] == "digid"
    assert bert.get("/api/offer").json["offer"] is None
    for action in ("accept", "decline"):
        response = bert.post(f"/api/offers/c:CA1/{action}", headers={"X-CSRF-Token": bert_csrf})
        assert response.status_code == 404
    assert r.hget(keys.volunteer("anna"), "offer") == "c:CA1"
    assert r.hget(keys.call("CA1"), "state") == "offered"
    response = anna.post("/api/offers/c:CA1/accept", headers={"X-CSRF-Token": anna_csrf})
    assert response.status_code == 200 and response.json["offer"]["state"] == "connecting"


def test_the_openapi_document_names_the_operations(client):
    spec = client.get("/api/openapi.json").json
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "login",
        "logout",
        "getMe",
        "setStatus",
        "getCurrentOffer",
        "acceptOffer",
        "declineOffer",
    } <= operations


def test_errors_are_json_with_a_human_message(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and "error" in response.json
