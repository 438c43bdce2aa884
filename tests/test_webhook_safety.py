"""Webhook correctness: signatures, redeliveries, and valid TwiML when Redis fails."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline import create_app, keys
from helpline.voice import MAX_FIELDS, parse_form
from tests.conftest import PUBLIC_URL, Phone, RedisServer, make_config, sign

VOICE_ROUTES = [
    "/voice/incoming",
    "/voice/step?step=topic",
    "/voice/queue/wait?topic=digid",
    "/voice/queue/key?topic=digid",
    "/voice/queue/done?topic=digid",
    "/voice/callback?ctx=wait&stage=offer",
    "/voice/status",
    "/voice/fallback",
]


def snapshot(r) -> dict:
    """Everything in Redis, RQ's queues and job registries included."""
    return {k: r.dump(k) for k in r.keys("*") if not k.startswith("rq:worker")}


@pytest.mark.parametrize("route", VOICE_ROUTES)
@pytest.mark.parametrize("forgery", ["missing", "wrong token", "tampered"])
def test_forged_or_missing_signature_gets_403_and_changes_nothing(client, r, route, forgery):
    queued = Phone(client)
    queued.call()
    queued.silence()
    queued.press("3")  # in line: some state to protect
    before = snapshot(r)
    phone = Phone(client, sid=queued.sid)
    params = phone.params(QueueResult="hangup", CallStatus="completed", Digits="1")
    url = PUBLIC_URL + route
    if forgery == "missing":
        headers = {}
    elif forgery == "wrong token":
        headers = {"X-Twilio-Signature": sign(url, params, token="not-our-token")}
    else:
        headers = {"X-Twilio-Signature": sign(url, {**params, "Digits": "9"})}
    response = client.post(route, data=params, headers=headers)
    assert response.status_code == 403
    assert snapshot(r) == before


@pytest.mark.parametrize("method", ["OPTIONS", "HEAD", "GET", "PUT"])
def test_any_other_method_without_a_signature_gets_no_answer_but_twiml(client, r, method):
    before = snapshot(r)
    response = client.open("/voice/queue/wait?topic=digid", method=method)
    assert response.status_code in (403, 405)
    assert response.content_type.startswith("text/xml")
    assert snapshot(r) == before


def test_signature_is_checked_against_the_public_url_behind_a_proxy(client):
    phone = Phone(client)
    params = phone.params(CallStatus="ringing")
    signed_for_internal = sign("http://localhost/voice/incoming", params)
    response = client.post(
        "/voice/incoming", data=params, headers={"X-Twilio-Signature": signed_for_internal}
    )
    assert response.status_code == 403


def test_a_webhook_delivered_twice_leaves_the_same_state_and_answer(client, r):
    phone = Phone(client)
    phone.call()
    phone.silence()
    token = uuid.uuid4().hex
    action = phone.gather_action()  # the topic menu: key 3 joins the line
    first = phone.post(action, idempotency=token, Digits="3")
    state_after_first = snapshot(r)
    second = phone.post(action, idempotency=token, Digits="3")
    assert second.text == first.text
    assert snapshot(r) == state_after_first
    assert r.zcard(keys.waiting("digid")) == 1


def test_a_redelivery_with_a_new_token_cannot_queue_a_caller_twice(client, r):
    phone = Phone(client)
    phone.call()
    phone.silence()
    action = phone.gather_action()
    phone.post(action, Digits="3")
    phone.post(action, Digits="3")
    assert r.zcard(keys.waiting("digid")) == 1
    assert [f["type"] for _, f in r.xrange(keys.EVENTS)].count("queued") == 1


def test_status_callbacks_in_any_order_leave_the_same_state(client, r):
    phone = Phone(client)
    phone.call()
    phone.post("/voice/status", CallStatus="completed", SequenceNumber="3")
    phone.post("/voice/status", CallStatus="in-progress", SequenceNumber="1")
    phone.post("/voice/status", CallStatus="completed", SequenceNumber="3")
    assert r.hget(keys.call(phone.sid), "state") == "ended"
    assert [f["type"] for _, f in r.xrange(keys.EVENTS)].count("ended_in_menu") == 1


def test_status_callbacks_answer_an_empty_response(client):
    answer = Phone(client).post("/voice/status", CallStatus="ringing")
    assert answer.status == 200
    assert answer.content_type.startswith("text/xml")
    assert answer.verbs() == []


@pytest.fixture
def breakable_redis(tmp_path):
    server = RedisServer(tmp_path / "breakable").start()
    yield server
    server.stop()


def test_a_redis_failure_mid_call_still_returns_valid_twiml(breakable_redis):
    app = create_app(make_config(breakable_redis.url))
    client = app.test_client()
    phone = Phone(client)
    phone.call()
    phone.silence()
    phone.press("3")
    wait_url = phone.wait_url()
    breakable_redis.stop()  # Redis goes away mid-call

    for answer in (
        Phone(client).call(),
        phone.post(wait_url),
        phone.post("/voice/queue/done?topic=digid", QueueResult="error"),
    ):
        assert answer.status == 200
        assert answer.content_type.startswith("text/xml")
        ET.fromstring(answer.text)
    new_caller = Phone(client)
    assert "Waar gaat uw vraag over?" in new_caller.call().spoken() + new_caller.silence().spoken()
    joined = new_caller.press("3")  # the queue step cannot reach Redis
    assert "Sorry, er gaat bij ons even iets mis." in joined.spoken()
    assert joined.first("Enqueue").text == "hulplijn-general"
    in_line = phone.post(wait_url)
    assert "U blijft gewoon in de rij." in in_line.spoken()
    assert "Enqueue" not in in_line.verbs()  # not allowed in wait TwiML
    status = phone.post("/voice/status", CallStatus="completed")
    assert status.status == 200 and status.verbs() == []


def test_fallback_url_apologises_and_queues_for_a_person(client):
    answer = Phone(client).post(
        "/voice/fallback", ErrorCode="11200", ErrorUrl=PUBLIC_URL + "/voice/incoming"
    )
    assert "Sorry" in answer.spoken()
    assert answer.first("Enqueue").text == "hulplijn-general"


def test_garbage_parameters_get_a_friendly_prompt_not_a_crash(client):
    phone = Phone(client)
    answer = phone.post(
        "/voice/step?step=nope&lang=xx&try=banana",
        Digits="\u202e" * 500,
        SpeechResult="\x00" * 3000,
    )
    assert answer.status == 200
    assert answer.first("Gather") is not None


def test_a_malformed_request_is_refused_without_an_html_page(client):
    response = client.post(
        "/voice/incoming",
        data=b"%%%",
        headers={"Content-Type": "multipart/form-data; boundary=x", "X-Twilio-Signature": "abc"},
    )
    assert response.status_code in (400, 403)
    assert response.content_type.startswith("text/xml")
    assert b"<html" not in response.data.lower()


form_text = st.text(st.characters(codec="utf-8"), max_size=12)


@given(st.lists(st.tuples(form_text, form_text), max_size=30))
def test_the_webhook_form_parser_reads_any_body_as_the_standard_library_does(fields):
    body = urlencode(fields)
    expected: dict[str, list[str]] = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        expected.setdefault(name, []).append(value)
    assert dict(parse_form(body)) == expected


@given(st.text(alphabet="ab=&%+236BDdZé;", max_size=40))
def test_the_webhook_form_parser_agrees_with_the_standard_library_on_odd_bodies(body):
    expected: dict[str, list[str]] = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        expected.setdefault(name, []).append(value)
    assert dict(parse_form(body)) == expected


def test_a_body_with_more_fields_than_twilio_sends_is_refused():
    with pytest.raises(ValueError):
        parse_form("&".join(f"f{i}=1" for i in range(MAX_FIELDS + 1)))


def test_a_body_larger_than_any_twilio_request_is_refused_with_twiml(client, r):
    before = snapshot(r)
    response = client.post(
        "/voice/incoming",
        data=b"CallSid=CA1&SpeechResult=" + b"a" * 70_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.content_type.startswith("text/xml")
    assert snapshot(r) == before
