"""A mentor listens in, coaches and joins, end to end: the real app and an RQ worker, Redis,
and the Twilio simulator's conference with its participants (muted, coaching, announcements).
Who hears whom is the simulator's model of Twilio's Participants resource."""

from __future__ import annotations

import pytest
from twilio_sim.coaching import heard, speak
from twilio_sim.people import Caller, PhoneOwner, press, silence

from helpline import keys
from helpline.people import People
from tests.conftest import keys_holding
from tests.world import World

PASSWORD = "correct horse battery"
CALLER = "+31687650000"
ANNA = "+31611111111"
CORA = "+31610000000"
JOINED = "Er doet nu een mentor van de DigiHulplijn mee aan dit gesprek."


class _Leg:
    def __init__(self, sid):
        self.sid = sid


def participant(sid, **kw):
    from twilio_sim.conferences import Participant

    return Participant(_Leg(sid), **kw)


@pytest.mark.parametrize(
    "speaker, listener, heard_it",
    [
        (participant("mentor", muted=True), participant("caller"), False),
        (participant("mentor", muted=True), participant("volunteer"), False),
        (
            participant("mentor", coaching=True, call_sid_to_coach="volunteer"),
            participant("volunteer"),
            True,
        ),
        (
            participant("mentor", coaching=True, call_sid_to_coach="volunteer"),
            participant("caller"),
            False,
        ),
        (participant("mentor"), participant("caller"), True),
        (participant("caller"), participant("mentor", muted=True), True),
        (participant("caller", hold=True), participant("volunteer"), False),
    ],
)
def test_the_simulator_lets_hear_whom_twilio_would(speaker, listener, heard_it):
    from twilio_sim.coaching import hears

    assert hears(listener, speaker) is heard_it


@pytest.fixture
def world(redis_url):
    w = World(redis_url, HELPLINE_OFFER_TIMEOUT=60, HELPLINE_WIDEN_AFTER=600).start(workers=1)
    yield w
    w.stop()


def sign_in(world, username):
    client = world.app.test_client()
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    return client, {"X-CSRF-Token": response.json["csrf_token"]}


def conversation(world):
    """Anna talks with a DigiD caller; cora, a coordinator, has a phone that answers."""
    people = People(world.helpline)
    people.add("anna", PASSWORD, role="volunteer", name="Anna", phone=ANNA, skills=["digid"])
    people.add("cora", PASSWORD, role="coordinator", name="Cora", phone=CORA, skills=["bank"])
    world.sim.add_phone(PhoneOwner(ANNA, answers=[press("1")], hangup_after=600))
    world.sim.add_phone(PhoneOwner(CORA, answer_after=1))
    world.router.set_state("anna", "available")
    world.answer_offers("anna")
    caller = world.sim.place_call(Caller(CALLER, answers=[silence(), press("3"), silence()]))
    sim = world.sim
    assert sim.wait_for(lambda: caller.conference is not None and volunteer_leg(world), 60)
    assert sim.wait_for(lambda: len(caller.conference.participants) == 2, 30)
    return caller


def leg_to(world, number):
    return next((c for c in list(world.sim.calls.values()) if c.to == number), None)


def volunteer_leg(world):
    leg = leg_to(world, ANNA)
    return leg if leg is not None and leg.conference is not None else None


def mentor_in_room(world, caller):
    def there():
        leg = leg_to(world, CORA)
        return leg is not None and leg.sid in caller.conference.participants

    assert world.sim.wait_for(there, 30)
    return leg_to(world, CORA)


def test_listening_hears_both_sides_coaching_reaches_the_volunteer_only_joining_both(world):
    caller = conversation(world)
    anna = volunteer_leg(world)
    member = f"c:{caller.sid}"
    cora, headers = sign_in(world, "cora")

    listen = cora.post(f"/api/calls/{member}/monitor", json={"mode": "listen"}, headers=headers)
    assert listen.status_code == 200 and listen.json["mode"] == "listen"
    mentor = mentor_in_room(world, caller)
    assert sorted(speak(world.sim, caller.sid, "Mijn DigiD-app doet het niet")) == sorted(
        [anna.sid, mentor.sid]
    )
    assert sorted(speak(world.sim, anna.sid, "Welke foutmelding ziet u?")) == sorted(
        [caller.sid, mentor.sid]
    )
    assert speak(world.sim, mentor.sid, "Vraag naar de foutcode") == []  # heard by nobody
    assert "mentor" not in caller.said() and "mentor" not in anna.said()  # never announced
    anna_client, _ = sign_in(world, "anna")
    assert anna_client.get("/api/me/monitoring").json == {
        "refuse": False,
        "mentor_present": True,
        "mode": "listen",
    }

    coach = cora.post(f"/api/calls/{member}/monitor", json={"mode": "coach"}, headers=headers)
    assert coach.status_code == 200
    assert speak(world.sim, mentor.sid, "Laat de beller de app opnieuw starten") == [anna.sid]
    assert "Laat de beller de app opnieuw starten" in heard(anna)
    assert "Laat de beller de app opnieuw starten" not in heard(caller)
    assert JOINED not in caller.said()

    join = cora.post(f"/api/calls/{member}/monitor", json={"mode": "join"}, headers=headers)
    assert join.status_code == 200
    assert world.sim.wait_for(lambda: JOINED in caller.said() and JOINED in anna.said(), 10)
    assert caller.said().count(JOINED) == 1  # one short sentence, once
    assert sorted(speak(world.sim, mentor.sid, "Goedemiddag, ik help even mee")) == sorted(
        [caller.sid, anna.sid]
    )

    stopped = cora.delete(f"/api/calls/{member}/monitor", headers=headers)
    assert stopped.status_code == 200
    logged = stopped.json["session"]
    assert (logged["mentor"], logged["volunteer"], logged["call"]) == ("cora", "anna", member)
    assert logged["modes"] == "listen,coach,join" and logged["seconds"] >= 0
    assert world.sim.wait_for(lambda: mentor.sid not in caller.conference.participants, 20)
    assert world.helpline.redis.exists(keys.monitor(member)) == 0
    log = cora.get("/api/monitoring").json["log"]
    assert log[0] == logged
    assert keys_holding(world.config["REDIS_URL"], CALLER[3:]) == []  # nothing personal kept
    world.sim.hang_up(caller)


def test_a_volunteer_who_refused_listening_cannot_be_listened_to(world):
    caller = conversation(world)
    member = f"c:{caller.sid}"
    anna, anna_headers = sign_in(world, "anna")
    assert anna.put("/api/me/monitoring", json={"refuse": True}, headers=anna_headers).json[
        "refuse"
    ]
    cora, headers = sign_in(world, "cora")
    listed = cora.get("/api/monitoring").json["calls"]
    assert [(c["id"], c["refuses_listening"]) for c in listed] == [(member, True)]

    for mode in ("listen", "coach", "join"):
        refused = cora.post(f"/api/calls/{member}/monitor", json={"mode": mode}, headers=headers)
        assert refused.status_code == 409
        assert refused.json["error"] == "Deze vrijwilliger wil niet dat er wordt meegeluisterd."
    assert leg_to(world, CORA) is None  # the mentor's phone never rang
    assert cora.get("/api/monitoring").json["log"] == []
    world.sim.hang_up(caller)


def test_only_coordinators_and_marked_mentors_may_listen_and_the_session_ends_with_the_call(world):
    caller = conversation(world)
    member = f"c:{caller.sid}"
    People(world.helpline).add(
        "mila", PASSWORD, role="volunteer", name="Mila", phone="+31633333333", skills=["bank"]
    )
    world.sim.add_phone(PhoneOwner("+31633333333", answer_after=1))
    mila, mila_headers = sign_in(world, "mila")
    refused = mila.post(
        f"/api/calls/{member}/monitor", json={"mode": "listen"}, headers=mila_headers
    )
    assert refused.status_code == 403
    cora, headers = sign_in(world, "cora")
    marked = cora.put("/api/people/mila/mentor", json={"mentor": True}, headers=headers)
    assert marked.json == {"username": "mila", "mentor": True}

    listen = mila.post(
        f"/api/calls/{member}/monitor", json={"mode": "listen"}, headers=mila_headers
    )
    assert listen.status_code == 200
    mila_leg = world.sim.wait_for(lambda: leg_to(world, "+31633333333") is not None, 20)
    assert mila_leg and world.sim.wait_for(
        lambda: leg_to(world, "+31633333333").sid in caller.conference.participants, 20
    )
    other = cora.post(f"/api/calls/{member}/monitor", json={"mode": "listen"}, headers=headers)
    assert other.status_code == 409  # one mentor at a time

    world.sim.hang_up(caller)  # the conversation ends, and the mentor's leg with it
    assert world.sim.wait_for(lambda: world.helpline.redis.exists(keys.monitor(member)) == 0, 30)
    [logged] = cora.get("/api/monitoring").json["log"]
    assert (logged["mentor"], logged["call"], logged["modes"]) == ("mila", member, "listen")


def test_a_mentor_who_answers_after_the_call_ended_is_not_left_alone(world):
    caller = conversation(world)
    member = f"c:{caller.sid}"
    world.sim.add_phone(PhoneOwner(CORA, answer_after=30))  # slow to pick up
    cora, headers = sign_in(world, "cora")
    listen = cora.post(f"/api/calls/{member}/monitor", json={"mode": "listen"}, headers=headers)
    assert listen.status_code == 200
    world.sim.hang_up(caller)  # the conversation ends while the mentor's phone rings

    assert world.sim.wait_for(lambda: leg_to(world, CORA) is not None, 10)
    mentor = leg_to(world, CORA)
    assert world.sim.wait_done(mentor, timeout=30)  # hung up, not left waiting
    assert world.sim.wait_for(lambda: world.helpline.redis.exists(keys.monitor(member)) == 0, 10)
    [logged] = cora.get("/api/monitoring").json["log"]
    assert logged["call"] == member
