"""The simulator itself: Twilio's signature vectors, REST refusals in Twilio's shape, fallback
URLs, and every QueueResult it can produce, each against the real app where one is needed."""

from __future__ import annotations

import pytest
from flask import Flask, Response
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio_sim.people import Caller, PhoneOwner, press, silence
from twilio_sim.server import Served
from twilio_sim.signature import signature

from helpline import keys
from tests.world import World

VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}


@pytest.mark.parametrize(
    "url, expected",
    [
        (VECTOR_URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w="),
        ("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        ("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
    ],
)
def test_signatures_reproduce_twilios_published_vectors(url, expected):
    assert signature("12345", url, VECTOR_PARAMS.items()) == expected


def test_signature_of_repeated_parameters_reproduces_twilios_vector():
    params = [
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
        ("Digits", "1234"),
    ]
    assert signature("12345", VECTOR_URL, params) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_the_apps_validator_accepts_the_simulators_signature():
    sig = signature("12345", VECTOR_URL, VECTOR_PARAMS.items())
    assert RequestValidator("12345").validate(VECTOR_URL, VECTOR_PARAMS, sig)


@pytest.fixture
def world(redis_url):
    w = World(redis_url).start()
    yield w
    w.stop()


def test_a_call_signed_with_the_wrong_token_is_rejected_by_the_app(world, r):
    world.sim.auth_token = "not-the-apps-token"
    leg = world.sim.place_call(Caller("+31201234567"))
    assert world.sim.wait_done(leg, timeout=10)
    requests = leg.entries("request")
    assert [e["status"] for e in requests] == [403, 403]  # the number's URL, then the fallback
    assert leg.said() == "We're sorry, an application error has occurred. Goodbye."
    # the app stored nothing (RQ's own worker and scheduler keys may be there)
    assert [key for key in r.keys("*") if not key.startswith("rq:")] == []


def twilio_client(world):
    return world.app.extensions["helpline"].twilio


def test_rest_requests_twilio_would_refuse_get_twilios_error_shape(world):
    client = twilio_client(world)
    with pytest.raises(TwilioRestException) as info:
        client.calls.create(to="+31612345678", from_="+31850000000", url="not-a-url")
    assert info.value.status == 400 and info.value.code == 20001
    assert "Url" in info.value.msg
    with pytest.raises(TwilioRestException) as info:
        client.calls.create(
            to="+31612345678", from_="+31850000000", url="https://x.example/a", timeout="soon"
        )
    assert info.value.code == 20001 and "Timeout" in info.value.msg
    with pytest.raises(TwilioRestException) as info:
        client.calls("CA" + "0" * 32).fetch()
    assert info.value.status == 404 and info.value.code == 20404
    with pytest.raises(TwilioRestException) as info:
        client.recordings("RE" + "0" * 32).fetch()  # a resource the simulator does not serve
    assert info.value.status == 404 and info.value.code == 20404


def test_rest_refuses_an_unknown_parameter_and_a_wrong_password(world):
    import requests

    base = f"{world.rest_server.url}/2010-04-01/Accounts/{world.sim.account_sid}"
    auth = (world.sim.account_sid, world.sim.auth_token)
    answer = requests.post(
        f"{base}/Queues.json", data={"FriendlyName": "x", "Colour": "red"}, auth=auth
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "code": 20001,
        "message": "Unknown parameter: Colour",
        "more_info": "https://www.twilio.com/docs/errors/20001",
        "status": 400,
    }
    answer = requests.get(f"{base}/Queues.json", auth=(world.sim.account_sid, "wrong"))
    assert answer.status_code == 401 and answer.json()["code"] == 20003


def waiting_caller(world, r, number="+31201234567", topic_key="3"):
    leg = world.sim.place_call(Caller(number, answers=[silence(), press(topic_key), silence()]))
    assert world.sim.wait_for(lambda: bool(leg.entries("enqueued")), timeout=20)
    return leg


def test_queue_result_redirected_when_the_rest_api_dequeues_a_caller(world, r):
    leg = waiting_caller(world, r)
    client = twilio_client(world)
    queue = next(q for q in client.queues.list() if q.friendly_name == "hulplijn-digid")
    members = client.queues(queue.sid).members.list()
    assert [m.call_sid for m in members] == [leg.sid]
    client.queues(queue.sid).members(leg.sid).update(
        url=world.app_server.url + "/voice/fallback", method="POST"
    )
    assert world.sim.wait_for(lambda: "redirected" in leg.queue_results(), timeout=10)
    assert world.sim.wait_for(lambda: r.hget(keys.call(leg.sid), "state") == "answered")
    with pytest.raises(TwilioRestException) as info:  # a second dequeue finds nobody
        client.queues(queue.sid).members(leg.sid).update(url="https://x.example/a")
    assert info.value.status == 400
    world.sim.hang_up(leg)


def test_queue_result_bridged_when_dial_queue_connects_and_the_parties_hang_up(world, r):
    leg = waiting_caller(world, r)
    volunteer = world.sim.add_phone(PhoneOwner("+31611111111", answer_after=1, hangup_after=30))
    call = twilio_client(world).calls.create(
        to=volunteer.number,
        from_="+31850000000",
        twiml="<Response><Dial><Queue>hulplijn-digid</Queue></Dial></Response>",
    )
    assert world.sim.wait_done(leg, timeout=20)
    assert leg.queue_results() == ["bridged"]
    assert leg.entries("bridged")[0]["other"] == call.sid
    assert world.sim.wait_for(lambda: r.hget(keys.call(leg.sid), "state") == "answered")


def test_queue_result_hangup_and_leave(world, r):
    leg = waiting_caller(world, r)
    world.sim.hang_up(leg)
    world.sim.wait_done(leg)
    assert leg.queue_results() == ["hangup"]
    caller = Caller(
        "+31201234568",
        answers=[
            silence(),
            press("3"),
            silence(in_queue=True),  # the referral question in the wait
            press("1", in_queue=True),
            press("1", in_queue=True),
        ],
    )
    leaving = world.sim.place_call(caller)
    world.sim.wait_done(leaving, timeout=30)
    assert leaving.queue_results() == ["leave"]


def test_queue_result_queue_full(world, r):
    twilio_client(world).queues.create(friendly_name="hulplijn-digid", max_size=1)
    first = waiting_caller(world, r)
    second = world.sim.place_call(
        Caller("+31201234568", answers=[silence(), press("3"), silence()])
    )
    assert world.sim.wait_for(lambda: "queue-full" in second.queue_results(), timeout=20)
    assert world.sim.wait_for(lambda: "Het is nu heel druk." in second.said(), timeout=10)
    for leg in (first, second):
        world.sim.hang_up(leg)


@pytest.fixture
def broken_app(world):
    """A stand-in app that answers badly, with the real app's fallback behind it."""
    app = Flask("broken")
    real = world.app_server.url

    @app.post("/500")
    def server_error():
        return "oops", 500

    @app.post("/invalid")
    def invalid():
        return Response("<Response><Say>unclosed</Response>", mimetype="text/xml")

    @app.post("/html")
    def html():
        return Response("<html><body>error</body></html>", mimetype="text/html")

    @app.post("/bad-wait")
    def enqueue_with_bad_wait():
        twiml = (
            f'<Response><Enqueue action="{real}/voice/queue/done?topic=general" '
            'waitUrl="/dial-in-wait">hulplijn-general</Enqueue></Response>'
        )
        return Response(twiml, mimetype="text/xml")

    @app.post("/dial-in-wait")
    def dial_in_wait():
        return Response("<Response><Dial>+31612345678</Dial></Response>", mimetype="text/xml")

    served = Served(app).start()
    yield served
    served.stop()


@pytest.mark.parametrize(
    "path, code", [("/500", "11200"), ("/invalid", "12100"), ("/html", "12300")]
)
def test_a_bad_app_answer_makes_the_simulator_use_the_fallback_url(
    world, broken_app, r, path, code
):
    world.sim.voice_url = broken_app.url + path
    leg = world.sim.place_call(Caller("+31201234567"))
    assert world.sim.wait_for(lambda: bool(leg.entries("enqueued")), timeout=20)
    fallback = leg.entries("request")[1]
    assert fallback["url"].endswith("/voice/fallback")
    assert fallback["params"]["ErrorCode"] == code
    assert "Sorry, er gaat bij ons even iets mis." in leg.said()
    world.sim.hang_up(leg)


def test_without_a_fallback_url_a_bad_answer_ends_with_the_application_error(world, broken_app):
    world.sim.voice_url = broken_app.url + "/500"
    world.sim.fallback_url = ""
    leg = world.sim.place_call(Caller("+31201234567"))
    assert world.sim.wait_done(leg, timeout=10)
    assert leg.said() == "We're sorry, an application error has occurred. Goodbye."


def test_queue_result_error_when_wait_twiml_uses_a_verb_twilio_forbids_there(world, broken_app):
    world.sim.voice_url = broken_app.url + "/bad-wait"
    leg = world.sim.place_call(Caller("+31201234567"))
    assert world.sim.wait_for(lambda: "error" in leg.queue_results(), timeout=20)
    # the real app's Enqueue action puts the caller back in line
    assert world.sim.wait_for(lambda: len(leg.entries("enqueued")) == 2, timeout=20)
    world.sim.hang_up(leg)
