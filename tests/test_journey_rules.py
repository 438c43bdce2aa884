"""Issue 14, one rule at a time: keys in the welcome, silence obeyed, 0 and "a person" in every
menu, the referral asked in the wait (once per caller), organisations by speech, a follow-up
question after a tie, and the dead ends that are gone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpline import keys, privacy
from helpline.ivr import flow as flow_module
from ivr_flows import DEFAULT_FLOW
from tests.conftest import ManualClock, Phone

FLOW = flow_module.load(DEFAULT_FLOW)
OPEN_MENUS = [s.id for s in FLOW.steps.values() if s.type == "menu" and not s.in_wait]


def in_line(phone: Phone) -> str:
    return phone.last.first("Enqueue").text


# -- keys are heard at once; silence is an answer ----------------------------------------------


@pytest.mark.parametrize("key, topic", [("1", "device"), ("3", "digid"), ("4", "bank")])
def test_a_topic_key_pressed_during_the_welcome_goes_straight_to_that_topic(phone, key, topic):
    welcome = phone.call()
    assert welcome.first("Gather").get("numDigits") == "1"
    phone.press(key)
    assert in_line(phone) == f"hulplijn-{topic}"


def test_the_welcome_is_short_who_we_are_the_english_option_and_a_person():
    lines = [line.text for line in FLOW.prompts["welcome"]["nl"]]
    assert lines == [
        "Welkom bij de DigiHulplijn.",
        "For English, press 9.",
        "Iemand spreken? Druk op 0.",
    ]


def test_a_silent_caller_is_in_the_general_line_without_being_scolded(phone):
    heard = [phone.call(), phone.silence(), phone.silence()]
    assert in_line(phone) == "hulplijn-general"
    for answer in heard:
        assert "Ik hoorde niets" not in answer.spoken()
    assert "Weet u het niet? Blijf dan aan de lijn." in heard[1].spoken()


# -- 0 and "a person" in every menu ----------------------------------------------------------


@pytest.mark.parametrize("how", ["key 0", "iemand spreken", "een mens", "medewerker", "help",
                                 "ik weet het niet", "operator"])  # fmt: skip
@pytest.mark.parametrize("step", [s for s in OPEN_MENUS if s != "closed"])
def test_zero_and_a_person_go_to_the_general_line_from_every_menu(phone, step, how):
    phone.post(f"/voice/step?step={step}&lang=nl")
    if how == "key 0":
        phone.press("0")
    else:
        phone.say(how)
    assert in_line(phone) == "hulplijn-general"


@pytest.mark.parametrize("said", ["a person", "operator", "I don't know"])
def test_a_person_in_english_too(phone, said):
    phone.post("/voice/step?step=topic&lang=en")
    phone.say(said)
    assert in_line(phone) == "hulplijn-general"


def test_every_menu_of_the_flow_has_key_zero():
    for step in FLOW.steps.values():
        if step.type == "menu":
            assert "0" in {o.key for o in step.options}, step.id


def test_a_topic_said_with_a_person_word_still_reaches_its_topic(phone):
    phone.post("/voice/step?step=topic&lang=nl")
    phone.say("ik heb hulp nodig met mijn bank")
    assert in_line(phone) == "hulplijn-bank"


# -- a tie asks one short follow-up question ------------------------------------------------


def test_a_word_that_fits_two_topics_asks_a_follow_up_instead_of_guessing(phone):
    phone.post("/voice/step?step=topic&lang=nl")
    follow_up = phone.say("ik kan niet inloggen")
    assert "Enqueue" not in follow_up.verbs()
    spoken = follow_up.spoken()
    assert spoken.startswith("Waar gaat het vooral over?")
    assert "DigiD? Druk op 3." in spoken and "Uw bank? Druk op 4." in spoken
    assert "Uw telefoon" not in spoken
    phone.press("3")
    assert in_line(phone) == "hulplijn-digid"


def test_the_follow_up_understands_speech_and_obeys_silence(client):
    speaker = Phone(client)
    speaker.post("/voice/step?step=topic&lang=nl")
    speaker.say("de app doet het niet")
    speaker.say("mijn bank")
    assert in_line(speaker) == "hulplijn-bank"
    silent = Phone(client, number="+31301234567")
    silent.post("/voice/step?step=topic&lang=nl")
    silent.say("de app doet het niet")
    silent.silence()
    assert in_line(silent) == "hulplijn-general"


# -- questions that can wait, asked in the wait ----------------------------------------------


def join(phone: Phone, key: str = "3") -> None:
    phone.call()
    phone.press(key)


def first_round(phone: Phone):
    return phone.post(phone.wait_url(), QueueSid="QU" + "1" * 32, QueueTime="0")


def test_both_referral_questions_are_asked_in_the_wait_once(phone, r):
    join(phone)
    assert r.hget(keys.call(phone.sid), "state") == "waiting"  # in line before any question
    asked = first_round(phone)
    assert "Wie heeft u naar ons gestuurd?" in asked.spoken()
    assert "U bent de eerste in de rij." in asked.spoken()  # the place comes first
    assert set(asked.verbs()) <= {"Say", "Play", "Pause", "Gather", "Redirect", "Leave"}
    which = phone.press("2")  # their insurer
    assert "Welke verzekeraar is dat?" in which.spoken()
    assert set(which.verbs()) <= {"Say", "Play", "Pause", "Gather", "Redirect", "Leave"}
    done = phone.say("zilveren kruis")
    assert done.verbs() == []  # back to the music
    call = r.hgetall(keys.call(phone.sid))
    assert (call["referral"], call["referral_org"]) == ("insurer", "zilveren_kruis")
    later = first_round(phone)
    assert "Wie heeft u" not in later.spoken() and later.all("Play")


def test_each_question_is_skipped_by_silence(phone, r):
    join(phone)
    first_round(phone)
    assert phone.silence().verbs() == []  # skipped: nothing stored
    assert r.hget(keys.call(phone.sid), "referral") == ""
    assert not [f for _, f in r.xrange(keys.EVENTS) if f["type"] == "referral"]


def test_a_bank_the_caller_does_not_know_is_stored_as_unknown(phone, r):
    join(phone)
    first_round(phone)
    phone.say("mijn bank")
    phone.say("ik weet het niet")
    events = [f for _, f in r.xrange(keys.EVENTS) if f["type"] == "referral"]
    assert [(e["referral"], e["referral_org"]) for e in events] == [("bank", "unknown")]


def test_a_referral_without_an_organisation_is_reported_at_once(phone, r):
    join(phone)
    first_round(phone)
    assert phone.press("4").verbs() == []  # someone they know
    events = [f for _, f in r.xrange(keys.EVENTS) if f["type"] == "referral"]
    assert [(e["referral"], e["referral_org"]) for e in events] == [("acquaintance", "")]


def test_a_repeat_caller_is_not_asked_again_within_the_repeat_window(client, r):
    first = Phone(client)
    join(first)
    assert "Wie heeft u" in first_round(first).spoken()
    first.post("/voice/status", CallStatus="completed")
    again = Phone(client)  # the same number, a new call, another topic
    join(again, "4")
    assert "Wie heeft u" not in first_round(again).spoken()
    assert r.hget(keys.call(again.sid), "ask_ref") == "0"
    someone_else = Phone(client, number="+31301234567")
    join(someone_else)
    assert "Wie heeft u" in first_round(someone_else).spoken()


def test_the_organisations_are_data_with_a_label_and_kind_for_the_reports():
    orgs = FLOW.organisations
    assert {"ing", "rabobank", "abn_amro", "bunq", "zilveren_kruis", "cz", "asr"} <= set(orgs)
    assert orgs["ing"].kind == "bank" and orgs["zilveren_kruis"].kind == "insurer"
    assert orgs["abn_amro"].name == {"nl": "ABN AMRO", "en": "ABN AMRO"}
    assert set(FLOW.referral_sources) == {
        "bank",
        "insurer",
        "municipality_library",
        "acquaintance",
        "other",
    }


# -- the callback, said like a person would --------------------------------------------------


@pytest.mark.parametrize(
    "number, spoken",
    [
        ("+31612345678", "06 12 34 56 78"),
        ("+31201234567", "020 123 45 67"),
        ("+31101234567", "010 123 45 67"),
        ("+31582123456", "058 212 34 56"),
        ("+31850000000", "085 000 00 00"),
    ],
)
def test_a_number_is_read_back_in_the_groups_people_use(number, spoken):
    assert privacy.speakable(number) == spoken


# -- English callers, when nobody on duty speaks English -------------------------------------


def routing(r, clock, **settings):
    from helpline import config as config_module
    from helpline.calls import CallStore
    from helpline.routing.router import Router

    config = config_module.load(
        {"HELPLINE_ENV": "test", **{k: str(v) for k, v in settings.items()}}
    )
    return Router(r, config, FLOW, clock), CallStore(r, config, clock)


def test_an_english_caller_goes_to_any_volunteer_with_the_topic_after_the_widening_time(r):
    clock = ManualClock()
    router, store = routing(r, clock, HELPLINE_WIDEN_AFTER=120)
    router.save_volunteer("nl", name="nl", phone="+31600000000", skills=["digid"],
                          languages=["nl"])  # fmt: skip
    router.set_state("nl", "available")
    store.enqueue("CAen", "+31201234567", "digid", "en", None)
    assert router.match_line("digid", "en") is None  # an English speaker may still come
    clock.advance(121)
    assert router.match_line("digid", "en") == "c:CAen"
    assert r.hget(keys.volunteer("nl"), "offer") == "c:CAen"


def test_an_english_caller_waits_for_the_english_speaker_on_duty(r):
    clock = ManualClock()
    router, store = routing(r, clock, HELPLINE_WIDEN_AFTER=120)
    for vid, languages in (("nl", ["nl"]), ("en", ["en", "nl"])):
        router.save_volunteer(vid, name=vid, phone="+31600000000", skills=["digid"],
                              languages=languages)  # fmt: skip
    router.set_state("nl", "available")
    router.set_state("en", "paused")  # on duty, back soon
    store.enqueue("CAen", "+31201234567", "digid", "en", None)
    clock.advance(121)
    assert router.match_line("digid", "en") is None
    assert router.match_volunteer("nl") is None


def test_the_wall_board_alert_counts_language(app, r):
    from helpline.api.coordinator import live_stats

    h = app.extensions["helpline"]
    h.router.save_volunteer("nl", name="nl", phone="+31600000000", skills=["digid"],
                            languages=["nl"])  # fmt: skip
    h.router.set_state("nl", "available")
    h.store.enqueue("CAen", "+31201234567", "digid", "en", None)
    with app.test_request_context():
        digid = next(t for t in live_stats(h)["topics"] if t["topic"] == "digid")
    assert digid["skilled_on_duty"] == 1
    assert digid["alert"] is True and digid["alert_languages"] == ["en"]


# -- outside opening hours: callbacks made first at opening ----------------------------------


def test_an_out_of_hours_callback_request_is_made_first_when_the_line_opens(redis_url, r):
    from zoneinfo import ZoneInfo

    from helpline import create_app
    from tests.conftest import make_config

    friday_evening = datetime(2026, 12, 4, 20, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    clock = ManualClock(int(friday_evening.timestamp() * 1000))
    app = create_app(
        make_config(
            redis_url, HELPLINE_OPENING_HOURS="mo-fr 09:00-17:00", HELPLINE_HOLIDAYS="", CLOCK=clock
        )
    )
    client = app.test_client()
    night = Phone(client, number="+31612345678")
    closed = night.call()
    assert "Wij zijn weer open op maandag 7 december om 9 uur." in closed.spoken()
    night.press("1")  # a callback request
    assert "06 12 34 56 78" in night.last.spoken()
    night.press("1")
    assert night.last.verbs()[-1] == "Hangup"
    monday = datetime(2026, 12, 7, 9, 0, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    clock.ms = int(monday.timestamp() * 1000)
    early = Phone(client, number="+31201234567")  # the first caller of the day
    early.call()
    early.press("5")
    h = app.extensions["helpline"]
    assert h.router.release_due_callbacks() == 1
    line = r.zrange(keys.waiting("general", "nl"), 0, -1)
    assert line == [f"b:cb-{night.sid}", f"c:{early.sid}"]
    h.router.save_volunteer("v", name="v", phone="+31600000000", skills=["general"],
                            languages=["nl"])  # fmt: skip
    h.router.set_state("v", "available")
    assert r.hget(keys.volunteer("v"), "offer") == f"b:cb-{night.sid}"
    assert datetime.fromtimestamp(clock.ms / 1000, tz=UTC).weekday() == 0
