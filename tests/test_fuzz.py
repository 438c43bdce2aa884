"""Property-based fuzzing of every webhook and of the JSON API (bounded examples, real Redis):
never a server error, always valid TwiML on voice routes, and a rejected request changes
nothing in Redis."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline.people import People
from tests.conftest import AUTH_TOKEN, PUBLIC_URL, sign

VOICE_ROUTES = [
    "/voice/incoming",
    "/voice/step",
    "/voice/queue/wait",
    "/voice/queue/key",
    "/voice/queue/done",
    "/voice/callback",
    "/voice/status",
    "/voice/fallback",
    "/voice/volunteer/answer",
    "/voice/volunteer/press",
    "/voice/volunteer/status",
    "/voice/bridge",
    "/voice/callback/citizen",
    "/voice/callback/citizen-status",
]
TWILIO_FIELDS = [
    "CallSid", "AccountSid", "From", "To", "Caller", "Called", "CallStatus", "Direction",
    "Digits", "SpeechResult", "Confidence", "QueueResult", "QueueTime", "QueuePosition",
    "QueueSid", "DialCallStatus", "DialCallSid", "AnsweredBy", "CallDuration", "SequenceNumber",
]  # fmt: skip
QUERY_FIELDS = ["s", "step", "lang", "topic", "tries", "member", "vol", "cb", "n", "x"]
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "",
            "1",
            "3",
            "#",
            "*",
            "9999999999",
            "in-progress",
            "completed",
            "bank",
            "+31612345678",
            "c:CA1",
            "\u202e\u0000",
            "A" * 5000,
        ]
    ),  # fmt: skip
)
FORM = st.dictionaries(st.sampled_from(TWILIO_FIELDS) | st.text(max_size=12), TEXT, max_size=8)
QUERY = st.dictionaries(st.sampled_from(QUERY_FIELDS), TEXT, max_size=4)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def snapshot(r) -> dict:
    """Everything in Redis, comparable."""
    out = {}
    for key in r.scan_iter(match="*"):
        kind = r.type(key)
        if kind == "string":
            out[key] = r.get(key)
        elif kind == "hash":
            out[key] = r.hgetall(key)
        elif kind == "list":
            out[key] = r.lrange(key, 0, -1)
        elif kind == "set":
            out[key] = sorted(r.smembers(key))
        elif kind == "zset":
            out[key] = r.zrange(key, 0, -1, withscores=True)
        elif kind == "stream":
            out[key] = r.xrange(key)
    return out


def valid_twiml(response) -> None:
    assert response.mimetype == "text/xml", response.get_data(as_text=True)[:300]
    root = ET.fromstring(response.get_data())
    assert root.tag == "Response"


@pytest.mark.parametrize("route", VOICE_ROUTES)
def test_signed_webhooks_with_any_fields_answer_valid_twiml_and_never_fail(client, route):
    @given(form=FORM, query=QUERY)
    @FUZZ
    def run(form, query):
        path = route + ("?" + urlencode(query) if query else "")
        form = {k: v for k, v in form.items() if k}
        headers = {"X-Twilio-Signature": sign(PUBLIC_URL + path, form, AUTH_TOKEN)}
        response = client.post(path, data=form, headers=headers)
        assert response.status_code < 500
        valid_twiml(response)

    run()


@pytest.mark.parametrize("route", VOICE_ROUTES)
def test_rejected_webhooks_change_nothing(client, r, route):
    @given(
        form=FORM,
        method=st.sampled_from(["POST", "GET", "PUT", "DELETE", "PATCH"]),
        # any header value HTTP can carry (no line breaks)
        signature=st.one_of(
            st.just(None), st.text(alphabet=st.characters(exclude_characters="\r\n"), max_size=40)
        ),
    )
    @FUZZ
    def run(form, method, signature):
        form = {k: v for k, v in form.items() if k}
        before = snapshot(r)
        headers = {} if signature is None else {"X-Twilio-Signature": signature}
        response = client.open(route, method=method, data=form, headers=headers)
        assert response.status_code in (403, 405)
        if method != "GET":  # a GET may not carry a body; it is refused all the same
            valid_twiml(response)
        assert snapshot(r) == before

    run()


API_POSTS = [
    "/api/login",
    "/api/logout",
    "/api/status",
    "/api/offers/c:CA1/accept",
    "/api/offers/c:CA1/decline",
    "/api/calls/c:CA1/wrapup",
    "/api/places",
    "/api/places/import",
    "/api/people",
    "/api/people/anna/password",
    "/api/hours/closure",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)
BODIES = st.one_of(
    st.dictionaries(
        st.sampled_from(["username", "password", "status", "outcome", "topic", "note", "name",
                         "kind", "postcode", "skills", "reason_nl", "until", "weekly"]),
        JSON_VALUES,
        max_size=5,
    ),
    JSON_VALUES,
)  # fmt: skip


@pytest.fixture
def signed_in_coordinator(app):
    h = app.extensions["helpline"]
    People(h).add("cora", "correct horse battery", role="coordinator", phone="+31611111111",
                  skills=["digid"])  # fmt: skip
    People(h).add("anna", "correct horse battery", role="volunteer", phone="+31622222222")
    client = app.test_client()
    csrf = client.post(
        "/api/login", json={"username": "cora", "password": "correct horse battery"}
    ).json["csrf_token"]
    return client, csrf


@pytest.mark.parametrize("path", API_POSTS)
def test_the_api_never_fails_and_a_request_without_csrf_changes_nothing(
    signed_in_coordinator, r, path
):
    client, csrf = signed_in_coordinator

    @given(body=BODIES, raw=st.booleans())
    @FUZZ
    def run(body, raw):
        data = json.dumps(body) if not raw else str(body)
        before = snapshot(r)
        response = client.post(path, data=data, content_type="application/json")
        assert response.status_code < 500
        assert "error" in response.json or path == "/api/login"
        if path != "/api/login":  # no CSRF token: refused, nothing changed
            assert response.status_code == 403
            assert snapshot(r) == before
        if path != "/api/logout":
            response = client.post(
                path, data=data, content_type="application/json", headers={"X-CSRF-Token": csrf}
            )
            assert response.status_code < 500
            assert response.is_json

    run()
