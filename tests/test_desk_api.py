"""The volunteer's desk through its JSON API: the card is only ever the volunteer's own current
call, the note drafted while talking passes the wrap-up's personal-data check (and a refused one
is never stored), a repeat caller's earlier contacts are shown to the volunteer on the line and
logged without personal details, the wrap-up waits for unsaved input up to its limit, "Meer tijd"
stops at the limit, local help is found by four digits, and a password change needs the current
password and ends the other sessions."""

from __future__ import annotations

import logging

import pytest

from helpline import keys
from helpline.places import Places
from tests import test_notecheck
from tests.conftest import keys_holding

PASSWORD = "correct horse battery"
CALLER = "+31201234567"
# The personal-data examples of the wrap-up's own check (tests/test_notecheck.py).
PERSONAL_EXAMPLES = test_notecheck.test_personal_details_are_refused_by_kind.pytestmark[0].args[1]


@pytest.fixture
def app_config():
    return {"HELPLINE_WRAPUP_SECONDS": 120, "HELPLINE_WRAPUP_LIMIT": 360}


@pytest.fixture
def desk(app):
    from helpline.people import People

    people = People(app.extensions["helpline"])
    for name in ("anna", "bert"):
        people.add(
            name,
            PASSWORD,
            role="volunteer",
            name=name.title(),
            phone="+31611111111",
            skills=["digid", "bank"],
        )
    people.add("cora", PASSWORD, role="coordinator", name="Cora")
    return app


def sign_in(app, username):
    client = app.test_client()
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return client, {"X-CSRF-Token": response.json["csrf_token"]}


def talking(app, sid="CA1", volunteer="anna", number=CALLER, referral="municipality_library"):
    """A DigiD caller connected with the volunteer (as the webhooks would make it)."""
    h = app.extensions["helpline"]
    h.store.enqueue(sid, number, "digid", "nl", referral)
    h.router.set_state(volunteer, "available")
    member = keys.call_member(sid)
    assert h.router.redis.hget(keys.volunteer(volunteer), "offer") == member
    assert h.router.accept(volunteer, member) == "accepted"
    assert h.router.attach_leg(volunteer, member, "CAleg" + sid) == "attached"
    assert h.router.connected(volunteer, member) == "connected"
    return member


def test_the_card_is_only_the_volunteers_own_current_call(desk):
    member = talking(desk)
    anna, _ = sign_in(desk, "anna")
    card = anna.get(f"/api/calls/{member}/card")
    assert card.status_code == 200, card.json
    card = card.json
    assert card["state"] == "talking" and card["topic_label"] == "DigiD"
    assert card["language"] == "nl" and card["referral"] == "municipality_library"
    assert card["referral_label"] == "gemeente of bibliotheek"  # a label, never the code
    assert card["connected_at"] and card["waited_seconds"] >= 0
    for who in ("bert", "cora"):
        other, _ = sign_in(desk, who)
        assert other.get(f"/api/calls/{member}/card").status_code == 404
    assert anna.get("/api/calls/c:CAnope/card").status_code == 404


def test_the_staff_labels_never_say_uw(desk):
    flow = desk.extensions["helpline"].flow
    for topic in flow.topics.values():
        for lang in flow.languages:
            label = topic.staff_label(lang)
            assert label and topic.staff.get(lang) == label
            assert not label.lower().startswith(("uw ", "your "))
    for source in flow.referral_sources:
        assert all(flow.referral_label(source, lang) for lang in flow.languages)


def test_save_call_note_refuses_the_wrap_up_checks_personal_data(desk, redis_url):
    member = talking(desk)
    anna, csrf = sign_in(desk, "anna")
    first = {"note": "Eerste stap gedaan"}
    assert anna.put(f"/api/calls/{member}/note", json=first, headers=csrf).status_code == 200
    for note, kind in PERSONAL_EXAMPLES:
        response = anna.put(f"/api/calls/{member}/note", json={"note": note}, headers=csrf)
        assert response.status_code == 422, note
        assert response.json["field"] == "note" and kind in response.json["found"], note
        assert keys_holding(redis_url, note) == [], note
    card = anna.get(f"/api/calls/{member}/card").json
    assert card["note"] == first["note"]  # the last note that passed


def test_a_note_drafted_while_talking_is_the_wrap_ups_note(desk):
    h = desk.extensions["helpline"]
    member = talking(desk)
    anna, csrf = sign_in(desk, "anna")
    bert, bert_csrf = sign_in(desk, "bert")
    note = {"note": "DigiD app opnieuw gekoppeld"}
    assert bert.put(f"/api/calls/{member}/note", json=note, headers=bert_csrf).status_code == 404
    saved = anna.put(f"/api/calls/{member}/note", json=note, headers=csrf)
    assert saved.json == {"ok": True, "holding": True}
    h.router.call_done("anna", member)
    card = anna.get(f"/api/calls/{member}/card").json
    assert card["state"] == "wrapup" and card["note"] == note["note"]
    assert card["wrap_up_held"] is True
    body = {"outcome": "solved", "topic": "digid", "note": card["note"]}
    assert anna.post(f"/api/calls/{member}/wrapup", json=body, headers=csrf).status_code == 200
    assert h.redis.hget(keys.handled(member), "w_note") == note["note"]
    assert not h.redis.exists(keys.call_draft(member, "anna"))
    assert anna.get(f"/api/calls/{member}/card").status_code == 404  # over


def test_a_wrap_up_with_unsaved_input_waits_for_the_volunteer_up_to_its_limit(desk):
    h = desk.extensions["helpline"]
    clock = h.store.clock
    member = talking(desk)
    anna, csrf = sign_in(desk, "anna")
    h.router.call_done("anna", member)
    anna.put(f"/api/calls/{member}/note", json={"note": "", "unsaved": True}, headers=csrf)
    now = clock.now_ms()
    h.redis.hset(keys.volunteer("anna"), "wrapup_until", now - 1)  # the wrap-up time is over
    assert h.router.end_wrapup("anna", only_if_due=True) == "held"
    assert h.redis.hget(keys.volunteer("anna"), "state") == "wrapup"
    h.redis.hset(keys.volunteer("anna"), "wrapup_limit", now - 1)  # ... and so is the limit
    assert h.router.end_wrapup("anna", only_if_due=True) == "paused"
    assert h.redis.hget(keys.volunteer("anna"), "paused_reason") == "wrapup_limit"


def test_without_unsaved_input_the_wrap_up_ends_when_its_time_is_over(desk):
    h = desk.extensions["helpline"]
    member = talking(desk)
    anna, csrf = sign_in(desk, "anna")
    h.router.call_done("anna", member)
    h.redis.hset(keys.volunteer("anna"), "wrapup_until", h.store.clock.now_ms() - 1)
    anna.put(f"/api/calls/{member}/note", json={"note": "x", "unsaved": True}, headers=csrf)
    assert h.redis.hget(keys.volunteer("anna"), "state") == "wrapup"
    response = anna.put(
        f"/api/calls/{member}/note", json={"note": "", "unsaved": False}, headers=csrf
    )
    assert response.json == {"ok": True, "holding": False}
    assert h.redis.hget(keys.volunteer("anna"), "state") == "available"


def test_extend_wrap_up_respects_the_limit(desk):
    h = desk.extensions["helpline"]
    member = talking(desk)
    anna, csrf = sign_in(desk, "anna")
    h.router.call_done("anna", member)
    first = anna.get(f"/api/calls/{member}/card").json
    assert first["wrap_up_limit_at"] - first["wrap_up_ends_at"] == 240_000
    ends = []
    for _ in range(2):
        response = anna.post(f"/api/calls/{member}/extend", headers=csrf)
        assert response.status_code == 200, response.json
        ends.append(response.json["wrap_up_ends_at"])
    assert ends == [first["wrap_up_ends_at"] + 120_000, first["wrap_up_limit_at"]]
    refused = anna.post(f"/api/calls/{member}/extend", headers=csrf)
    assert refused.status_code == 409 and "Langer afronden kan niet" in refused.json["error"]
    bert, bert_csrf = sign_in(desk, "bert")
    assert bert.post(f"/api/calls/{member}/extend", headers=bert_csrf).status_code == 404


def test_a_repeat_callers_earlier_contacts_show_to_the_volunteer_on_the_line_only(desk, caplog):
    h = desk.extensions["helpline"]
    anna, csrf = sign_in(desk, "anna")
    first = talking(desk, "CA1")
    h.router.call_done("anna", first)
    body = {
        "outcome": "partly",
        "topic": "digid",
        "subtopic": "sms_code",
        "note": "Sms-code kwam niet; nieuwe brief aangevraagd",
    }
    assert anna.post(f"/api/calls/{first}/wrapup", json=body, headers=csrf).status_code == 200
    second = talking(desk, "CA2", volunteer="bert")
    bert, _ = sign_in(desk, "bert")
    with caplog.at_level(logging.INFO, logger="helpline.contacts"):
        card = bert.get(f"/api/calls/{second}/card").json
    assert card["repeat_caller"] is True
    [contact] = card["earlier_contacts"]
    assert contact["note"] == body["note"] and contact["outcome"] == "partly"
    assert contact["subtopic_label"] == "sms-code" and contact["topic_label"] == "DigiD"
    logged = [r.getMessage() for r in caplog.records if r.name == "helpline.contacts"]
    assert logged and "contacts=1" in logged[0]
    assert not any(CALLER in line or "brief" in line for line in logged)
    assert anna.get(f"/api/calls/{second}/card").status_code == 404


def test_local_help_is_found_by_four_digits_or_a_town_with_its_opening_hours(desk):
    h = desk.extensions["helpline"]
    Places(h.redis).add(
        {
            "name": "Bibliotheek Utrecht",
            "kind": "bibliotheek",
            "postcode": "3511 AB",
            "town": "Utrecht",
            "hours": "ma-vr 10-17",
        }
    )
    anna, csrf = sign_in(desk, "anna")
    found = anna.post("/api/local-help", json={"area": "3512"}, headers=csrf)
    assert found.status_code == 200
    assert found.json["places"][0]["hours"] == "ma-vr 10-17"
    by_town = anna.post(
        "/api/local-help", json={"town": "utr", "kind": "bibliotheek"}, headers=csrf
    )
    assert [p["name"] for p in by_town.json["places"]] == ["Bibliotheek Utrecht"]
    whole = anna.post("/api/local-help", json={"area": "3511 AB"}, headers=csrf)
    assert whole.status_code == 400  # only the four digits may leave the browser


def test_change_password_needs_the_current_one_and_ends_the_other_sessions(desk):
    anna, csrf = sign_in(desk, "anna")
    other, _ = sign_in(desk, "anna")
    new = "een heel nieuw wachtwoord"
    wrong = anna.post(
        "/api/account/password",
        json={"current": "not the password", "new": new, "repeat": new},
        headers=csrf,
    )
    assert wrong.status_code == 400 and wrong.json["field"] == "current"
    differs = anna.post(
        "/api/account/password",
        json={"current": PASSWORD, "new": new, "repeat": new + "!"},
        headers=csrf,
    )
    assert differs.status_code == 400 and differs.json["field"] == "repeat"
    short = anna.post(
        "/api/account/password",
        json={"current": PASSWORD, "new": "kort", "repeat": "kort"},
        headers=csrf,
    )
    assert short.status_code == 400 and short.json["field"] == "new"
    assert other.get("/api/me").status_code == 200  # nothing changed yet
    done = anna.post(
        "/api/account/password", json={"current": PASSWORD, "new": new, "repeat": new}, headers=csrf
    )
    assert done.status_code == 200
    assert anna.get("/api/me").status_code == 200  # this session stays
    assert other.get("/api/me").status_code == 401  # the other one ended
    again = desk.test_client().post("/api/login", json={"username": "anna", "password": new})
    assert again.status_code == 200


def test_my_account_counts_my_calls_this_week_and_month(desk):
    h = desk.extensions["helpline"]
    member = talking(desk)
    h.router.call_done("anna", member)
    anna, _ = sign_in(desk, "anna")
    account = anna.get("/api/account").json
    assert account["week"]["calls"] == 1 and account["month"]["calls"] == 1
