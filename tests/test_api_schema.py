"""schemathesis generates requests for every operation in /api/openapi.json and checks that
the API never fails with a server error and never answers outside its own description."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpline.accounts import Accounts
from helpline.api.spec import OPENAPI
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
# the event stream never ends by itself (tests/test_dashboard.py drives it in a browser).
SKIPPED = {"logout", "streamUpdates"}
OPERATIONS = sorted(
    op["operationId"]
    for path in OPENAPI["paths"].values()
    for op in path.values()
    if op["operationId"] not in SKIPPED
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


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
