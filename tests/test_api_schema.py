"""schemathesis generates requests for every operation in /api/openapi.json and checks that
the API never fails with a server error and never answers outside its own description."""

from __future__ import annotations

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

from helpline.accounts import Accounts
from helpline.people import People

PASSWORD = "correct horse battery"


@pytest.fixture
def coordinator_session(app):
    """A coordinator (who may call every operation) with a volunteer profile of their own."""
    h = app.extensions["helpline"]
    People(h).add("cora", PASSWORD, role="coordinator", phone="+31611111111", skills=["digid"])
    People(h).add("anna", PASSWORD, role="volunteer", phone="+31622222222", skills=["bank"])
    session = Accounts(h.redis).login("cora", PASSWORD, "127.0.0.1")
    return {"cookies": {"hl_session": session.token}, "headers": {"X-CSRF-Token": session.csrf}}


# logout would end the session the other operations use (tests/test_api_security.py covers it);
# the event stream never ends by itself (tests/test_dashboard.py drives it in a browser);
# schemathesis leaves out the document it reads (test_the_document_is_valid_openapi_3 checks it).
SKIPPED = {"logout", "streamUpdates", "getOpenApi"}
# Every operation by its id: the dashboard's scripts and other clients know them by these names.
OPERATIONS = sorted(
    {
        "acceptOffer", "addPerson", "addPlace", "closeHelpline", "declineOffer", "deletePlace",
        "findPlaces", "getBottleneckReport", "getCurrentOffer", "getHours", "getLiveStats",
        "getMe", "getMyCall", "getWrapUpOptions", "importPlaces", "listMyCalls",
        "listPeople", "login", "reopenHelpline", "resetPassword", "setHours", "setStatus",
        "submitWrapUp", "updatePerson", "updatePlace",
    }
)  # fmt: skip
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def dashboard_app(app):
    """The app that serves the dashboard and its API."""
    return app


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
