"""schemathesis generates requests for every operation in /api/openapi.json and checks that
the API never fails with a server error and never answers outside its own description."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpline import create_dashboard_app, texts
from helpline.accounts import Accounts
from helpline.api import schemas
from helpline.people import People
from helpline.texts import LANGUAGES
from tests.conftest import make_config

PASSWORD = "correct horse battery"


@pytest.fixture
def coordinator_session(app):
    """A coordinator (who may call every operation) with a volunteer profile of their own."""
    h = app.extensions["helpline"]
    People(h).add("cora", PASSWORD, role="coordinator", phone="+31611111111", skills=["digid"])
    People(h).add("anna", PASSWORD, role="volunteer", phone="+31622222222", skills=["bank"])
    session = Accounts(h.redis).login("cora", PASSWORD, "127.0.0.1")
    return {"cookies": {"hl_session": session.token}, "headers": {"X-CSRF-Token": session.csrf}}


# logout and logoutEverywhere would end the session the other operations use
# (tests/test_api_security.py and tests/test_hardening.py cover them);
# the event stream never ends by itself (tests/test_dashboard.py drives it in a browser);
# schemathesis leaves out the document it reads (test_the_document_is_valid_openapi_3 checks it).
SKIPPED = {"logout", "logoutEverywhere", "streamUpdates", "getOpenApi"}
# Every operation by its id: the dashboard's scripts and other clients know them by these names.
OPERATIONS = sorted(
    {
        "acceptOffer", "addPerson", "addPlace", "closeHelpline", "declineOffer", "deletePlace",
        "deleteShift", "getMyMonitoring", "getStaffingPlan", "listLiveCalls", "listMentors",
        "listShifts",
        "monitorCall", "saveShift", "setMentor", "setMyMonitoring", "stopMonitoring",
        "findPlaces", "getBottleneckReport", "getCurrentOffer", "getFundingReport", "getHours",
        "getLiveStats", "getMenuReport", "getVolunteerActivity",
        "getMe", "getMyCall", "getWrapUpOptions", "importPlaces", "listMyCalls",
        "listPeople", "login", "reopenHelpline", "resetPassword", "setHours", "setStatus",
        "submitWrapUp", "updatePerson", "updatePlace", "getCurrentCall", "saveCallNote",
        "holdCall", "resumeCall", "transferCall", "extendWrapUp", "findLocalHelp",
        "getMyAccount", "changePassword", "sendReferralSms",
    }
)  # fmt: skip
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def dashboard_app(redis_url):
    """The app that serves the dashboard and its API (``helpline:create_dashboard_app()``)."""
    return create_dashboard_app(make_config(redis_url))


def undocumented(app: Flask) -> set[tuple[str, str]]:
    """The app's routes under /api/ (path, method) that the app's /api/openapi.json lacks."""
    document = app.test_client().get("/api/openapi.json").json
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes - documented


def test_every_api_route_of_the_dashboard_app_is_in_the_document_with_its_method(dashboard_app):
    assert undocumented(dashboard_app) == set()


def test_a_route_added_without_its_declaration_is_noticed(dashboard_app):
    dashboard_app.add_url_rule("/api/secret/<int:n>", "secret", lambda n: {}, methods=["PUT"])
    assert undocumented(dashboard_app) == {("/api/secret/{n}", "PUT")}


def test_the_document_is_valid_openapi_3(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.")
    validate(document)


def test_the_document_has_every_operation_under_its_known_id(client):
    document = client.get("/api/openapi.json").json
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert sorted(ids) == sorted([*OPERATIONS, *SKIPPED])


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(
    app, coordinator_session, operation_id
):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = next(
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().definition.raw.get("operationId") == operation_id
    )

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def generated(case):
        response = case.call_and_validate(**coordinator_session, checks=CHECKS)
        if operation_id != "login":
            assert response.status_code != 401, "the generated request was not signed in"

    generated()


# -- a request that does not fit its declaration -------------------------------------------


def stored(r) -> dict:
    """What Redis holds, less the sessions and the heartbeat every signed-in request leaves."""
    found = {}
    for key in r.keys("*"):
        if r.type(key) == "hash":
            found[key] = {k: v for k, v in r.hgetall(key).items() if k != "seen_at"}
        elif "session" not in key:
            found[key] = r.dump(key)
    return found


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "msgid"),
    [
        ("POST", "/api/status", {"status": "asleep"}, "status", "status_choice"),
        ("POST", "/api/status", {}, "status", "status_choice"),
        ("GET", "/api/calls?limit=lots", None, "limit", "limit_invalid"),
        ("GET", "/api/calls?limit=2.5", None, "limit", "limit_invalid"),
        ("PATCH", "/api/people/anna", {"disabled": "false"}, "disabled", "disabled_not_boolean"),
        ("PATCH", "/api/people/anna", {"skills": "bank"}, "skills", "skills_not_lists"),
        ("PUT", "/api/hours", {"weekly": 9}, "weekly", "hours_not_text"),
        ("POST", "/api/hours/closure", {"reason_nl": "  "}, "reason_nl", "closure_reason_missing"),
        ("POST", "/api/hours/closure", {"reason_nl": "Storing", "until": "morgen"}, "until",
         "time_invalid"),
        ("POST", "/api/places", {"kind": "bibliotheek", "postcode": "1234"}, "name",
         "place_name_missing"),
        ("POST", "/api/people", {"username": "dirk", "password": "kort"}, "password",
         "password_too_short"),
        ("POST", "/api/people", {"username": "dirk"}, "password", "password_too_short"),
        ("PUT", "/api/places/p1", {"name": "Bieb", "kind": "bibliotheek", "postcode": 1234},
         "postcode", "postcode_invalid"),
        ("POST", "/api/login", {"username": ["cora"], "password": "x"}, "username", "login_wrong"),
        ("POST", "/api/people", {"username": "dirk", "password": PASSWORD, "name": 7}, "name",
         "field_invalid"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_request_that_does_not_fit_is_refused_in_the_persons_language_naming_the_field(
    app, coordinator_session, r, lang, method, path, body, field, msgid
):
    client = app.test_client()
    client.set_cookie("hl_session", coordinator_session["cookies"]["hl_session"])
    client.set_cookie("hl_lang", lang)
    before = stored(r)
    response = client.open(path, method=method, json=body, headers=coordinator_session["headers"])
    assert response.status_code == 400
    values = {"field": field} if msgid == "field_invalid" else {}
    assert response.json == {"error": texts.gettext(lang, msgid, **values), "field": field}
    assert stored(r) == before


def test_a_wrong_wrap_up_field_is_refused_with_422_as_the_form_expects(app, coordinator_session):
    client = app.test_client()
    client.set_cookie("hl_session", coordinator_session["cookies"]["hl_session"])
    response = client.post(
        "/api/calls/c:CA1/wrapup",
        json={"outcome": "great", "topic": "digid"},
        headers=coordinator_session["headers"],
    )
    assert response.status_code == 422
    message = texts.gettext("nl", "wrapup_outcome")
    assert (response.json["error"], response.json["field"]) == (message, "outcome")
    assert response.json["problems"] == [
        {"field": "outcome", "code": "missing", "error": message, "found": []}
    ]


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"text"', "null"])
def test_a_body_that_is_not_a_json_object_is_refused_in_words_not_a_crash(
    app, coordinator_session, data
):
    client = app.test_client()
    client.set_cookie("hl_session", coordinator_session["cookies"]["hl_session"])
    client.set_cookie("hl_lang", "en")
    response = client.post(
        "/api/status",
        data=data,
        content_type="application/json",
        headers=coordinator_session["headers"],
    )
    assert response.status_code == 400
    assert response.json["error"] in (
        texts.gettext("en", "request_invalid"),
        texts.gettext("en", "status_choice"),
    )


def test_keys_a_request_does_not_declare_are_ignored_and_answers_carry_only_declared_keys(
    app, coordinator_session
):
    client = app.test_client()
    client.set_cookie("hl_session", coordinator_session["cookies"]["hl_session"])
    response = client.post(
        "/api/status",
        json={"status": "paused", "mood": "sunny"},
        headers=coordinator_session["headers"],
    )
    assert response.status_code == 200
    document = client.get("/api/openapi.json").json
    assert set(response.json) <= set(document["components"]["schemas"]["Me"]["properties"])
    assert response.json["status"] == "paused"


def test_the_event_streams_state_event_has_the_declared_snapshot(app, coordinator_session):
    client = app.test_client()
    client.set_cookie("hl_session", coordinator_session["cookies"]["hl_session"])
    response = client.get("/api/stream", buffered=False)
    try:
        chunks = (chunk.decode() for chunk in response.response)
        event = next(chunk for chunk in chunks if chunk.startswith("event: state"))
    finally:
        response.close()
    data = json.loads(event.split("data: ", 1)[1])
    declared = client.get("/api/openapi.json").json["components"]["schemas"]
    assert set(data) == set(declared["Snapshot"]["properties"])
    assert set(data["me"]) == set(declared["Me"]["properties"])
    assert data["me"]["username"] == "cora" and data["offer"] is None
    assert schemas.Snapshot().validate(data) == {}
