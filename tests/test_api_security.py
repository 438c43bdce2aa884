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


def finished_call(app, username: str, sid: str):
    """``username`` takes a DigiD call ``sid`` to the end; returns their client, token, id."""
    h = app.extensions["helpline"]
    client, csrf = sign_in(app, username)
    h.store.enqueue(sid, "+31201234567", "digid", "nl", None)
    client.post("/api/status", json={"status": "available"}, headers={"X-CSRF-Token": csrf})
    member = f"c:{sid}"
    assert client.post(f"/api/offers/{member}/accept", headers={"X-CSRF-Token": csrf}).json["ok"]
    assert h.router.connected(username, member) == "connected"
    assert h.router.call_done(username, member) == "wrapup"
    return client, csrf, member


GOOD_WRAPUP = {"outcome": "solved", "topic": "digid", "subtopic": "app_activate", "note": ""}


def test_volunteer_a_cannot_read_or_wrap_up_volunteer_bs_call(people, r):
    anna, anna_csrf, anna_call = finished_call(people, "anna", "CA1")
    bert, bert_csrf, bert_call = finished_call(people, "bert", "CA2")
    assert [c["id"] for c in anna.get("/api/calls").json["calls"]] == [anna_call]
    assert [c["id"] for c in bert.get("/api/calls").json["calls"]] == [bert_call]
    assert anna.get(f"/api/calls/{bert_call}").status_code == 404
    response = anna.post(
        f"/api/calls/{bert_call}/wrapup", json=GOOD_WRAPUP, headers={"X-CSRF-Token": anna_csrf}
    )
    assert response.status_code == 404
    assert r.hget(keys.handled(bert_call), "wrapped") == "0"
    assert r.hget(keys.volunteer("bert"), "state") == "wrapup"


def test_a_wrap_up_without_the_csrf_token_is_refused(people, r):
    anna, _, call = finished_call(people, "anna", "CA1")
    assert anna.post(f"/api/calls/{call}/wrapup", json=GOOD_WRAPUP).status_code == 403
    assert r.hget(keys.handled(call), "wrapped") == "0"


@pytest.mark.parametrize(
    ("note", "named"),
    [
        ("Rekening NL91 ABNA 0417 1643 00 werkt niet", "rekeningnummer"),
        ("Terugbellen op 06-12345678 graag", "telefoonnummer"),
        ("Pas 4111 1111 1111 1111 geblokkeerd", "pasnummer"),
        ("BSN 111222333 staat in de brief", "BSN"),
        ("Mail naar jan.jansen@example.nl gestuurd", "e-mailadres"),
    ],
)
def test_the_note_check_refuses_personal_details_and_keeps_the_wrap_up_open(people, r, note, named):
    anna, csrf, call = finished_call(people, "anna", "CA1")
    response = anna.post(
        f"/api/calls/{call}/wrapup",
        json={**GOOD_WRAPUP, "note": note},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    assert named in response.json["error"] and response.json["field"] == "note"
    assert "wachtwoorden" in response.json["error"]
    assert r.hget(keys.handled(call), "wrapped") == "0"
    assert r.hget(keys.volunteer("anna"), "state") == "wrapup"


def test_a_wrap_up_is_stored_once_and_makes_the_volunteer_available_again(people, r):
    anna, csrf, call = finished_call(people, "anna", "CA1")
    body = {**GOOD_WRAPUP, "recurring": True, "note": "App opnieuw geactiveerd, versie 6.2"}
    response = anna.post(f"/api/calls/{call}/wrapup", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.json
    assert response.json["call"]["wrapup"]["subtopic"] == "app_activate"
    assert response.json["me"]["status"] == "available"
    again = anna.post(f"/api/calls/{call}/wrapup", json=body, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409
    events = [fields for _, fields in r.xrange(keys.EVENTS) if fields["type"] == "wrapup"]
    assert len(events) == 1 and events[0]["w_recurring"] == "1"
    today = anna.get("/api/calls").json["today"]
    assert today["calls"] == 1 and today["solved"] == 1


def test_coordinator_operations_are_refused_to_volunteers(people):
    anna, csrf = sign_in(people, "anna")
    assert anna.get("/api/stats/live").status_code == 403
    assert anna.get("/api/people").status_code == 403
    assert anna.get("/api/reports/bottlenecks").status_code == 403
    response = anna.post(
        "/api/places",
        json={"name": "Bieb", "kind": "bibliotheek", "postcode": "1234 AB"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 403
    assert (
        anna.patch(
            "/api/people/bert", json={"disabled": True}, headers={"X-CSRF-Token": csrf}
        ).status_code
        == 403
    )


def test_a_coordinator_adds_disables_and_resets_people_on_the_web(people, r):
    cora, csrf = sign_in(people, "cora")
    response = cora.post(
        "/api/people",
        json={
            "username": "dirk",
            "password": PASSWORD,
            "name": "Dirk",
            "phone": "+31633333333",
            "skills": ["bank", "digid"],
            "languages": ["nl", "en"],
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.json
    dirk, dirk_csrf = sign_in(people, "dirk")
    dirk.post("/api/status", json={"status": "available"}, headers={"X-CSRF-Token": dirk_csrf})
    assert r.hget(keys.volunteer("dirk"), "skills") == "bank,digid"
    cora.patch("/api/people/dirk", json={"disabled": True}, headers={"X-CSRF-Token": csrf})
    assert dirk.get("/api/me").status_code == 401
    assert r.hget(keys.volunteer("dirk"), "state") == "offline"
    cora.patch("/api/people/dirk", json={"disabled": False}, headers={"X-CSRF-Token": csrf})
    new = cora.post("/api/people/dirk/password", headers={"X-CSRF-Token": csrf}).json["password"]
    old = people.test_client().post("/api/login", json={"username": "dirk", "password": PASSWORD})
    assert old.status_code == 401
    fresh = people.test_client().post("/api/login", json={"username": "dirk", "password": new})
    assert fresh.status_code == 200


def test_a_coordinator_cannot_disable_themselves(people):
    cora, csrf = sign_in(people, "cora")
    response = cora.patch(
        "/api/people/cora", json={"disabled": True}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 400


def test_an_account_without_a_volunteer_profile_can_use_the_dashboard(people, r):
    cora, csrf = sign_in(people, "cora")  # a coordinator with no phone: takes no calls
    me = cora.get("/api/me")
    assert me.status_code == 200 and me.json["status"] == "offline"
    assert not r.exists(keys.volunteer("cora"))
    response = cora.post(
        "/api/status", json={"status": "available"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 409


def test_errors_come_in_the_language_the_person_chose(people):
    client = people.test_client()
    client.set_cookie("hl_lang", "en")
    response = client.post("/api/login", json={"username": "anna", "password": "wrong-wrong"})
    assert response.json["error"] == "The username or password is wrong."
    anna, csrf, call = finished_call(people, "anna", "CA1")
    anna.set_cookie("hl_lang", "en")
    response = anna.post(
        f"/api/calls/{call}/wrapup",
        json={**GOOD_WRAPUP, "note": "call back on +31 6 1234 5678"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.json["error"].startswith("The note seems to contain a phone number.")


def test_a_coordinator_changes_skills_and_languages_which_routing_follows_at_once(people, r):
    cora, csrf = sign_in(people, "cora")
    response = cora.patch(
        "/api/people/anna",
        json={"skills": ["bank"], "languages": ["nl", "en"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 200, response.json
    assert r.hget(keys.volunteer("anna"), "skills") == "bank"
    assert r.hget(keys.volunteer("anna"), "languages") == "nl,en"
    bad = cora.patch(
        "/api/people/anna", json={"skills": ["cooking"]}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 400 and "cooking" in bad.json["error"]
    assert r.hget(keys.volunteer("anna"), "skills") == "bank"


def test_a_csrf_token_with_odd_characters_is_refused_not_a_crash(people, r):
    client, _ = sign_in(people, "anna")
    response = client.post(
        "/api/status", json={"status": "available"}, headers={"X-CSRF-Token": "tökén"}
    )
    assert response.status_code == 403
    assert r.hget(keys.volunteer("anna"), "state") == "offline"


def test_a_volunteer_disabled_during_a_call_finishes_it_and_gets_no_next_caller(people, r):
    finished_call(people, "anna", "CA1")  # anna is in wrap-up: bert gets the next caller
    h = people.extensions["helpline"]
    h.store.enqueue("CA2", "+31201234568", "digid", "nl", None)
    h.store.enqueue("CA3", "+31201234569", "digid", "nl", None)
    # a second volunteer takes a call and is disabled while on it
    bert, bert_csrf = sign_in(people, "bert")
    bert.post("/api/status", json={"status": "available"}, headers={"X-CSRF-Token": bert_csrf})
    offer = bert.get("/api/offer").json["offer"]
    bert.post(f"/api/offers/{offer['id']}/accept", headers={"X-CSRF-Token": bert_csrf})
    assert h.router.connected("bert", offer["id"]) == "connected"
    cora, cora_csrf = sign_in(people, "cora")
    response = cora.patch(
        "/api/people/bert", json={"disabled": True}, headers={"X-CSRF-Token": cora_csrf}
    )
    assert response.status_code == 200
    assert r.hget(keys.volunteer("bert"), "state") == "on_call"  # the call goes on
    assert h.router.call_done("bert", offer["id"]) == "wrapup"
    assert h.router.end_wrapup("bert") == "offline"  # no next caller
    assert r.zscore(keys.waiting("digid", "nl"), "c:CA3") is not None


def test_disabled_must_be_a_boolean(people):
    cora, csrf = sign_in(people, "cora")
    response = cora.patch(
        "/api/people/anna", json={"disabled": "false"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 400
    assert (
        people.test_client()
        .post("/api/login", json={"username": "anna", "password": PASSWORD})
        .status_code
        == 200
    )


def test_a_session_opened_with_an_old_password_is_no_longer_valid(people, r):
    """Even one a sign-in created while the password was being reset (the fingerprint of the
    password it checked no longer matches)."""
    client, _ = sign_in(people, "anna")
    assert client.get("/api/me").status_code == 200
    r.hset(keys.user("anna"), "password", "$argon2id$v=19$m=65536,t=3,p=4$bmV3$bmV3")
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "/%09/evil.example",
                                    "https://evil.example", "/\t/evil.example"])  # fmt: skip
def test_after_sign_in_the_page_goes_only_to_our_own_pages(client, target):
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert 'data-next="/calls"' in page


def test_after_sign_in_the_page_returns_to_the_page_asked_for(client):
    page = client.get("/login", query_string={"next": "/coordinator/report"}).get_data(as_text=True)
    assert 'data-next="/coordinator/report"' in page


def test_signing_in_and_out_leaves_no_session_or_counter_behind(people, r):
    client, csrf = sign_in(people, "anna")
    assert r.scard(keys.user_sessions("anna")) == 1
    client.post("/api/logout", headers={"X-CSRF-Token": csrf})
    assert r.scard(keys.user_sessions("anna")) == 0
    assert not r.keys(f"{keys.PREFIX}:session:*")
    # a success takes its attempt off the counters, and leaves none without an expiry
    assert not r.exists(keys.login_failures("account", "anna"))
    for name in r.keys(f"{keys.PREFIX}:login_failures:*"):
        assert int(r.get(name)) == 0 and r.ttl(name) > 0


def test_a_password_change_ends_every_session_of_that_account_only(people, r):
    anna_one, _ = sign_in(people, "anna")
    anna_two, _ = sign_in(people, "anna")
    bert, _ = sign_in(people, "bert")
    Accounts(r).set_password("anna", "another long password")
    assert anna_one.get("/api/me").status_code == 401
    assert anna_two.get("/api/me").status_code == 401
    assert not r.exists(keys.user_sessions("anna"))
    assert bert.get("/api/me").status_code == 200


def test_changing_an_account_that_does_not_exist_is_refused_and_stores_nothing(people, r):
    from helpline.accounts import AccountError

    before = set(r.keys("*"))
    for change in (
        lambda a: a.set_password("nobody", "a long enough password"),
        lambda a: a.disable("nobody"),
        lambda a: a.enable("nobody"),
    ):
        with pytest.raises(AccountError):
            change(Accounts(r))
    assert set(r.keys("*")) == before


def test_an_account_name_is_taken_once(people, r):
    from helpline.accounts import AccountError

    with pytest.raises(AccountError):
        Accounts(r).create("anna", "a long enough password", role="volunteer")
    assert r.hget(keys.user("anna"), "role") == "volunteer"
    assert r.smembers(keys.USERS) == {"anna", "bert", "cora"}


def test_a_coordinator_gives_one_volunteer_a_longer_wrap_up_and_can_take_it_back(people, r):
    cora, csrf = sign_in(people, "cora")
    headers = {"X-CSRF-Token": csrf}
    too_short = cora.patch("/api/people/anna", json={"wrapup_seconds": 5}, headers=headers)
    assert too_short.status_code == 400
    assert too_short.json["field"] == "wrapup_seconds"
    assert "30" in too_short.json["error"] and "900" in too_short.json["error"]
    assert cora.patch("/api/people/anna", json={"wrapup_seconds": 300}, headers=headers).json
    listed = {p["username"]: p for p in cora.get("/api/people").json["people"]}
    assert (listed["anna"]["wrapup_seconds"], listed["bert"]["wrapup_seconds"]) == (300, None)
    assert r.hget(keys.volunteer("anna"), "wrapup_seconds") == "300"
    cora.patch("/api/people/anna", json={"wrapup_seconds": None}, headers=headers)
    assert r.hget(keys.volunteer("anna"), "wrapup_seconds") is None
    page = cora.get("/coordinator/people").get_data(as_text=True)
    assert 'name="wrapup_seconds"' in page and 'placeholder="120"' in page
