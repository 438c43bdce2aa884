"""The address by text message: the rules (mobile or not, SMS parts, the text), and end to end
through the simulator's Messages resource with a real RQ worker: one text with the place's
details, never two, nothing to a landline, and no trace of the caller's number afterwards."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rq import Queue
from twilio_sim.people import Caller, press, silence

from helpline import keys
from helpline.people import People
from helpline.reports.aggregate import buckets
from helpline.reports.tables import Reports
from helpline.sms import KEEP_SECONDS, NumberBox, number_kind, referral_text, segments
from tests.conftest import keys_holding
from tests.world import World

PASSWORD = "correct horse battery"
MARKTSTRAAT = {
    "name": "Informatiepunt Digitale Overheid, Bibliotheek Zwolle",
    "kind": "informatiepunt",
    "postcode": "8011 AB",
    "town": "Zwolle",
    "address": "Marktstraat 12",
    "phone": "038 123 45 67",
    "hours": "ma-vr 10-17 uur",
}


@pytest.mark.parametrize(
    "number, kind",
    [
        ("+31612345678", "mobile"),
        ("+447912345678", "mobile"),
        ("+31201234567", "landline"),
        ("+31384567890", "landline"),
        ("+31800123456", "other"),
        ("anonymous", "other"),
        ("", "other"),
    ],
)
def test_only_a_mobile_number_counts_as_one_a_text_can_reach(number, kind):
    assert number_kind(number) == kind


@pytest.mark.parametrize(
    "text, parts",
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # an extension character counts twice
        ("ë" * 70, 1),  # outside GSM-7: UCS-2, 70 in one part
        ("ë" * 71, 2),
        ("ë" * 134, 2),
        ("ë" * 135, 3),
    ],
)
def test_sms_parts_are_counted_as_a_carrier_counts_them(text, parts):
    assert segments(text) == parts


def flow_lines(h, lang="nl"):
    return [line.text for line in h.flow.prompts["sms_referral"][lang]]


def test_the_text_holds_the_place_its_address_phone_hours_and_the_helplines_name(app):
    text = referral_text(flow_lines(app.extensions["helpline"]), MARKTSTRAAT)
    assert text.splitlines() == [
        "Hallo, hier is de DigiHulplijn. Hier is het adres waar u hulp krijgt:",
        "Informatiepunt Digitale Overheid, Bibliotheek Zwolle",
        "Marktstraat 12, 8011 AB Zwolle",
        "Telefoon: 038 123 45 67",
        "Open: ma-vr 10-17 uur",
    ]
    assert segments(text) <= 2


def test_a_place_without_phone_or_hours_leaves_those_lines_out(app):
    place = {**MARKTSTRAAT, "phone": "", "hours": ""}
    text = referral_text(flow_lines(app.extensions["helpline"], "en"), place)
    assert "Phone" not in text and "Open" not in text
    assert text.startswith("Hello, this is the DigiHulplijn.")


def test_a_long_place_with_accents_is_shortened_to_two_sms_parts_keeping_address_and_phone(app):
    place = {
        **MARKTSTRAAT,
        "name": "Bibliotheek Noordoost-Friesland, vestiging Dokkum, Informatiepunt"
        " Digitale Overheid",
        "town": "Dokkum",
        "hours": "maandag tot en met vrijdag 9.30-17.30 uur, zaterdag 10-13 uur, café open",
    }
    text = referral_text(flow_lines(app.extensions["helpline"]), place)
    assert segments(text) == 2
    assert "Marktstraat 12, 8011 AB Dokkum" in text and "038 123 45 67" in text


def test_a_sealed_number_opens_with_the_same_key_only():
    token = NumberBox("key one").seal("+31612345678")
    assert "612345678" not in token
    assert NumberBox("key one").open(token) == "+31612345678"
    assert NumberBox("key two").open(token) is None


def test_an_unsigned_status_callback_is_refused_and_changes_nothing(client, r):
    response = client.post(
        "/voice/sms/status?member=c:CA1", data={"MessageSid": "SM1", "MessageStatus": "failed"}
    )
    assert response.status_code == 403
    assert r.exists(keys.sms("c:CA1")) == 0


# -- end to end --------------------------------------------------------------------------------


@pytest.fixture
def world(redis_url):
    w = World(redis_url, HELPLINE_OFFER_TIMEOUT=60, HELPLINE_WIDEN_AFTER=600).start(workers=1)
    yield w
    w.stop()


def conversation(world, caller_number: str) -> str:
    """A caller talks with volunteer anna until she hangs up; the call's member id."""
    People(world.helpline).add(
        "anna", PASSWORD, role="volunteer", name="Anna", phone="+31611111111", skills=["digid"]
    )
    from twilio_sim.people import PhoneOwner

    world.sim.add_phone(PhoneOwner("+31611111111", answers=[press("1")], hangup_after=120))
    world.router.set_state("anna", "available")
    world.answer_offers("anna")
    leg = world.sim.place_call(Caller(caller_number, answers=[silence(), press("3"), silence()]))
    state = lambda: world.helpline.redis.hget(keys.volunteer("anna"), "state")  # noqa: E731
    assert world.sim.wait_for(lambda: state() == "wrapup", timeout=60)
    member = f"c:{leg.sid}"
    assert world.sim.wait_for(lambda: world.helpline.redis.exists(keys.sms(member)), timeout=10)
    return member


def signed_in(world):
    client = world.app.test_client()
    response = client.post("/api/login", json={"username": "anna", "password": PASSWORD})
    return client, {"X-CSRF-Token": response.json["csrf_token"]}


def test_a_referral_with_consent_sends_one_text_and_leaves_no_trace_of_the_number(
    world, redis_url, caplog
):
    number = "+31687654321"
    member = conversation(world, number)
    h = world.helpline
    sealed = h.redis.hgetall(keys.sms(member))
    assert sealed["kind"] == "mobile" and number not in sealed["number"]
    assert 0 < h.redis.ttl(keys.sms(member)) <= KEEP_SECONDS
    place = h.places.add(MARKTSTRAAT)
    client, csrf = signed_in(world)

    answer = client.post(f"/api/calls/{member}/sms", json={"place": place.id}, headers=csrf)

    assert answer.status_code == 202 and answer.json == {"status": "requested"}
    messages = world.sim.messages
    assert world.sim.wait_for(lambda: h.sms.status(member).get("status") == "delivered", 30)
    [text] = messages.to(number)
    assert text.from_ == h.settings.phone_number
    assert "Marktstraat 12, 8011 AB Zwolle" in text.body and "038 123 45 67" in text.body
    assert text.num_segments <= 2 and text.history == ["queued", "sent", "delivered"]
    assert h.sms.status(member)["sid"] == text.sid

    # a retried or repeated job, and a second request, send nothing more
    job = Queue("default", connection=h.rq_redis).enqueue("workers.sms.send_referral", member)
    assert world.sim.wait_for(lambda: job.get_status(refresh=True) == "finished", 30)
    assert job.return_value() == "nothing-to-send"
    again = client.post(f"/api/calls/{member}/sms", json={"place": place.id}, headers=csrf)
    assert again.status_code == 409
    assert len(messages.to(number)) == 1

    # no trace: not in any Redis key (RQ's job data and the events included), nor in logs
    for form in ("687654321", sealed["number"]):
        assert keys_holding(redis_url, form) == []
    time.sleep(0.5)  # the worker's log lines of the jobs are written
    assert "687654321" not in Path(world.worker_log).read_text(errors="replace")
    assert "687654321" not in caplog.text
    events = h.redis.xrange(keys.EVENTS)
    kinds = [fields["type"] for _, fields in events if fields["type"].startswith("sms_")]
    assert kinds[0] == "sms_requested" and kinds[-1] == "sms_status"

    # the consent and what became of the text are counted in the reports
    counting = Queue("default", connection=h.rq_redis).enqueue("workers.reports.process_events")
    assert world.sim.wait_for(lambda: counting.get_status(refresh=True) == "finished", 30)
    reports = Reports(h.redis, h.settings, h.store.clock)
    week = reports.bucket("week", buckets(h.store.clock.now_ms(), reports.zone)["week"])
    digid = {row.key: row for row in reports.rows(week, "topic")}["digid"]
    assert (digid.get("sms_consented"), digid.get("sms_delivered"), digid.get("sms_failed")) == (
        1,
        1,
        0,
    )


def test_a_landline_caller_gets_no_text_and_the_volunteer_is_told_why(world):
    member = conversation(world, "+31201234567")
    h = world.helpline
    place = h.places.add(MARKTSTRAAT)
    client, csrf = signed_in(world)

    answer = client.post(f"/api/calls/{member}/sms", json={"place": place.id}, headers=csrf)

    assert answer.status_code == 409
    assert answer.json["error"].startswith("De beller belde met een vast nummer.")
    assert world.sim.messages.sent == []
    assert "number" not in h.redis.hgetall(keys.sms(member))


def test_when_twilio_refuses_the_job_tries_again_and_sends_once_without_keeping_twilios_words(
    world, redis_url
):
    number = "+31687654322"
    member = conversation(world, number)
    h = world.helpline
    place = h.places.add(MARKTSTRAAT)
    world.sim.messages.refuse_next = 1  # Twilio's answer quotes the number
    client, csrf = signed_in(world)

    answer = client.post(f"/api/calls/{member}/sms", json={"place": place.id}, headers=csrf)

    assert answer.status_code == 202
    assert world.sim.wait_for(lambda: h.sms.status(member).get("status") == "delivered", 60)
    assert len(world.sim.messages.to(number)) == 1
    assert keys_holding(redis_url, "687654322") == []  # not in RQ's record of the failed try
