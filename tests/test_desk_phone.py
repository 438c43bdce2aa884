"""The desk on the phone, through the Twilio simulator with the real app, Redis and an RQ worker:
the whisper is over in seconds, hold plays music and one sentence without dropping anyone, a
caller handed to another topic's line keeps their original arrival and the next volunteer reads
the note, and a warm hand-over bridges three and then two (or, unanswered, gives the caller
back to the first volunteer)."""

from __future__ import annotations

import pytest
import requests
from twilio_sim.people import Caller, PhoneOwner, press, silence

from helpline import keys
from helpline.people import People
from tests.world import World

PASSWORD = "correct horse battery"
WORD_SECONDS, REACT_SECONDS, WHISPER_LIMIT = 0.4, 1.0, 6.0


@pytest.fixture
def world(redis_url):
    w = World(redis_url, speed=20, HELPLINE_OFFER_TIMEOUT=60, HELPLINE_WIDEN_AFTER=3000)
    yield w.start(workers=1)
    w.stop()


def volunteer(world, username, phone, skills, **behaviour) -> PhoneOwner:
    People(world.helpline).add(
        username, PASSWORD, role="volunteer", name=username.title(), phone=phone, skills=skills
    )
    return world.sim.add_phone(PhoneOwner(phone, **behaviour))


def desk(world, username) -> requests.Session:
    """The volunteer's dashboard, as its script talks to the API."""
    session = requests.Session()
    response = session.post(
        f"{world.app_server.url}/api/login", json={"username": username, "password": PASSWORD}
    )
    session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    session.base = world.app_server.url
    return session


def call(session, method, path, **kwargs):
    return session.request(method, session.base + "/api" + path, **kwargs)


def state(world, vid):
    return world.helpline.redis.hget(keys.volunteer(vid), "state")


def caller(number, key="3", **kw) -> Caller:
    return Caller(number, answers=[silence(), press(key), silence()], **kw)


def talking_with(world, vid, leg):
    world.answer_offers(vid)
    assert world.sim.wait_for(lambda: state(world, vid) == "on_call", timeout=60)
    assert world.sim.wait_for(lambda: f"c:{leg.sid}" in world.offers(vid), timeout=5)
    # the volunteer's key press sets the state; the caller's leg joins the room a moment later
    room = f"hulplijn-c-{leg.sid}"

    def talking() -> bool:
        conference = world.sim.conferences.named(room, create=False)
        return conference is not None and conference.status == "in-progress"

    assert world.sim.wait_for(talking, timeout=20)


def speaking_seconds(leg) -> float:
    """Twilio's speaking time on a volunteer's leg from their answer to the bridge: 0.4 s a
    word said, every pause, and 1 s to react to "Druk 1"."""
    spoken, started = 0.0, False
    for entry in leg.transcript:
        started = started or (entry["kind"] == "status" and entry["status"] == "in-progress")
        if not started:
            continue
        if entry["kind"] == "conference-join":
            return spoken + REACT_SECONDS
        if entry["kind"] == "say":
            spoken += WORD_SECONDS * len(entry["text"].split())
        elif entry["kind"] == "pause":
            spoken += entry["seconds"]
    raise AssertionError("the volunteer was never bridged")


def test_the_whisper_is_over_in_seconds_and_the_caller_is_bridged_without_a_closing_word(world):
    phone = volunteer(world, "anna", "+31611111111", ["digid"], answers=[press("1")])
    world.router.set_state("anna", "available")
    leg = world.sim.place_call(caller("+31201234567"))
    talking_with(world, "anna", leg)
    volunteer_leg = next(c for c in world.sim.calls.values() if c.to == phone.number)
    assert world.sim.wait_for(lambda: volunteer_leg.entries("conference-join"), timeout=20)
    assert volunteer_leg.said() == "DigiHulplijn. Beller over DigiD. Aannemen? Druk 1."
    assert speaking_seconds(volunteer_leg) <= WHISPER_LIMIT
    world.sim.hang_up(leg)


def test_every_whisper_the_flow_can_make_is_over_in_six_seconds(app):
    """Every topic, a caller in every language, widened or not: the longest whisper."""
    from helpline import twiml
    from helpline.model import Party
    from helpline.voice.volunteer import whisper_values

    h = app.extensions["helpline"]
    flow, lang = h.flow, h.flow.default_language
    template = " ".join(line.text for line in flow.prompts["volunteer_whisper"][lang])
    longest = 0.0
    with app.test_request_context("/"):
        for topic in flow.topics:
            for caller_lang in flow.languages:
                for widened in (False, True):
                    party = Party.from_hash("c:CA1", {"topic": topic, "lang": caller_lang})
                    values = whisper_values(h, party, widened, lang)
                    words = len(template.format_map(twiml._Blank(values)).split())
                    longest = max(longest, words * WORD_SECONDS + REACT_SECONDS)
    assert longest <= WHISPER_LIMIT


def test_hold_plays_music_and_one_sentence_and_resume_brings_the_caller_back(world):
    volunteer(world, "anna", "+31611111111", ["digid"], answers=[press("1")])
    world.router.set_state("anna", "available")
    leg = world.sim.place_call(caller("+31201234567"))
    talking_with(world, "anna", leg)
    anna = desk(world, "anna")
    member = f"c:{leg.sid}"
    assert world.sim.wait_for(lambda: leg.entries("conference-join"), timeout=20)
    held = call(anna, "POST", f"/calls/{member}/hold")
    assert held.status_code == 200, held.text
    assert held.json()["state"] == "on_hold"
    sentence = "Een ogenblik alstublieft. De vrijwilliger is zo weer bij u."
    assert world.sim.wait_for(lambda: sentence in leg.said(), timeout=20)
    assert world.sim.wait_for(lambda: any(e.get("hold") for e in leg.entries("play")), timeout=20)
    volunteer_leg = world.helpline.redis.hget(keys.volunteer("anna"), "leg")
    assert world.sim.calls[volunteer_leg].status == "in-progress"  # the volunteer stays
    resumed = call(anna, "POST", f"/calls/{member}/resume")
    assert resumed.status_code == 200 and resumed.json()["state"] == "talking"
    conference = world.sim.conferences.named(f"hulplijn-c-{leg.sid}", create=False)
    assert not conference.participants[leg.sid].hold
    assert state(world, "anna") == "on_call" and leg.status == "in-progress"
    other = desk(world, "anna")  # a second tab: the same volunteer
    assert call(other, "GET", f"/calls/{member}/card").json()["state"] == "talking"
    world.sim.hang_up(leg)
    assert world.sim.wait_for(lambda: state(world, "anna") == "wrapup", timeout=20)


def test_a_caller_handed_to_the_bank_line_is_first_by_their_arrival_with_the_note(world):
    redis = world.helpline.redis
    volunteer(world, "anna", "+31611111111", ["digid"], answers=[press("1")])
    bert = volunteer(world, "bert", "+31622222222", ["bank"], answers=[press("1")])
    world.router.set_state("anna", "available")
    first = world.sim.place_call(caller("+31201234567"))
    talking_with(world, "anna", first)
    later = world.sim.place_call(caller("+31207654321", key="4"))  # a bank caller, later
    assert world.sim.wait_for(lambda: redis.zcard(keys.waiting("bank", "nl")) == 1, timeout=30)
    anna = desk(world, "anna")
    note = {"to": "line", "topic": "bank", "note": "DigiD werkt weer; vraag over de bankapp"}
    moved = call(anna, "POST", f"/calls/c:{first.sid}/transfer", json=note)
    assert moved.status_code == 200, moved.text
    line = redis.zrange(keys.waiting("bank", "nl"), 0, -1)
    assert line == [f"c:{first.sid}", f"c:{later.sid}"]  # by the original arrival
    heard = "U gaat nu naar een vrijwilliger voor uw bank. U houdt uw plek in de rij."
    assert world.sim.wait_for(lambda: heard in first.said(), timeout=20)
    assert world.sim.wait_for(lambda: state(world, "anna") == "wrapup", timeout=20)
    world.router.set_state("bert", "available")
    talking_with(world, "bert", first)
    card = call(desk(world, "bert"), "GET", f"/calls/c:{first.sid}/card").json()
    assert card["handover_note"] == note["note"] and card["handed_over"] is True
    assert card["topic_label"] == "de bank"
    bert_leg = next(c for c in world.sim.calls.values() if c.to == bert.number)
    assert world.sim.wait_for(lambda: bert_leg.entries("conference-join"), timeout=20)
    assert world.sim.wait_for(lambda: len(first.entries("conference-join")) == 2, timeout=20)
    world.sim.hang_up(first)
    assert world.sim.wait_for(lambda: state(world, "bert") == "wrapup", timeout=20)
    records = {r: redis.hget(r, "volunteer") for r in redis.keys("hl:*:handled:*")}
    assert records == {
        keys.handled(f"c:{first.sid}"): "anna",
        keys.handled(f"c:{first.sid}~1"): "bert",
    }
    world.sim.hang_up(later)


def test_a_warm_hand_over_bridges_three_and_then_two(world):
    volunteer(world, "anna", "+31611111111", ["digid"], answers=[press("1")])
    bert = volunteer(world, "bert", "+31622222222", ["digid"], answers=[press("1")])
    world.router.set_state("anna", "available")
    leg = world.sim.place_call(caller("+31201234567"))
    talking_with(world, "anna", leg)
    world.router.set_state("bert", "available")
    anna = desk(world, "anna")
    handed = call(
        anna, "POST", f"/calls/c:{leg.sid}/transfer", json={"to": "colleague", "topic": "digid"}
    )
    assert handed.status_code == 200, handed.text
    assert handed.json()["colleague"] == "Bert"
    conference = world.sim.conferences.named(f"hulplijn-c-{leg.sid}", create=False)
    assert world.sim.wait_for(lambda: len(conference.participants) == 3, timeout=30)
    bert_leg = next(c for c in world.sim.calls.values() if c.to == bert.number)
    assert world.sim.wait_for(lambda: "Collega verbindt door" in bert_leg.said(), timeout=20)
    held = "Een ogenblik alstublieft. Wij verbinden u door met een collega."
    assert world.sim.wait_for(lambda: held in leg.said(), timeout=20)
    assert world.sim.wait_for(lambda: not conference.participants[leg.sid].hold, timeout=20)
    first = call(anna, "GET", f"/calls/c:{leg.sid}/card").json()
    taker = call(desk(world, "bert"), "GET", f"/calls/c:{leg.sid}/card").json()
    assert (first["state"], first["taking_over"]) == ("with_colleague", False)
    assert (taker["state"], taker["taking_over"]) == ("with_colleague", True)
    anna_leg = world.helpline.redis.hget(keys.volunteer("anna"), "leg")
    world.sim.hang_up(world.sim.calls[anna_leg])  # the first volunteer leaves
    assert world.sim.wait_for(lambda: state(world, "anna") == "wrapup", timeout=20)
    assert world.sim.wait_for(lambda: len(conference.participants) == 2, timeout=20)
    assert leg.status == "in-progress" and state(world, "bert") == "on_call"
    world.sim.hang_up(leg)
    assert world.sim.wait_for(lambda: state(world, "bert") == "wrapup", timeout=20)
    redis = world.helpline.redis
    assert redis.hget(keys.handled(f"c:{leg.sid}~1"), "volunteer") == "bert"
    events = [e for _, e in redis.xrange(keys.EVENTS) if e["type"] == "handover"]
    assert [e["how"] for e in events] == ["warm"]


def test_an_unanswered_warm_hand_over_gives_the_caller_back_to_the_first_volunteer(world):
    volunteer(world, "anna", "+31611111111", ["digid"], answers=[press("1")])
    volunteer(world, "bert", "+31622222222", ["digid"], mode="no-answer")
    world.router.set_state("anna", "available")
    leg = world.sim.place_call(caller("+31201234567"))
    talking_with(world, "anna", leg)
    world.router.set_state("bert", "available")
    anna = desk(world, "anna")
    member = f"c:{leg.sid}"
    handed = call(
        anna, "POST", f"/calls/{member}/transfer", json={"to": "colleague", "topic": "digid"}
    )
    assert handed.status_code == 200, handed.text
    conference = world.sim.conferences.named(f"hulplijn-c-{leg.sid}", create=False)
    redis = world.helpline.redis

    def happened() -> list[str]:  # the hand-over's events for this caller, in order
        return [e["type"] for _, e in redis.xrange(keys.EVENTS) if e.get("member") == member]

    # the colleague's phone rings out (fast on the simulator's clock): read what happened from
    # the events rather than catch the short moment of holding
    assert world.sim.wait_for(lambda: "handover_ended" in happened(), timeout=60)
    steps = happened()
    assert steps.index("handover_started") < steps.index("handover_ended")
    assert world.sim.wait_for(lambda: state(world, "bert") == "available", timeout=60)
    participant = lambda: conference.participants.get(leg.sid)  # noqa: E731
    assert world.sim.wait_for(lambda: participant() and not participant().hold, timeout=20)
    assert call(anna, "GET", f"/calls/{member}/card").json()["state"] == "talking"
    assert state(world, "anna") == "on_call" and len(conference.participants) == 2
    world.sim.hang_up(leg)
