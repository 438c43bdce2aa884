"""A caller's journey through the IVR, with signed webhooks against the real app and Redis."""

from __future__ import annotations

import time

import pytest
import redis

from helpline import keys
from tests.conftest import Phone

TOPIC_KEYS = {"device": "1", "password": "2", "digid": "3", "bank": "4", "general": "5"}
TOPIC_WORDS = {
    "nl": {
        "device": "mijn tablet doet raar",
        "password": "ik ben mijn wachtwoord vergeten",
        "digid": "digi d",
        "bank": "mijn bankapp doet raar",
        "general": "weet ik niet",
    },
    "en": {
        "device": "my phone is acting strange",
        "password": "I forgot my password",
        "digid": "DigiD",
        "bank": "my banking app",
        "general": "I don't know",
    },
}


def reach_topic_menu(phone: Phone, lang: str):
    phone.call()
    if lang == "en":
        return phone.press("9")
    return phone.silence()  # no choice needed to continue in Dutch


def waiting_members(r, topic: str, lang: str = "nl") -> list[str]:
    return r.zrange(keys.waiting(topic, lang), 0, -1)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("topic", list(TOPIC_KEYS))
def test_caller_reaches_each_topic_line_by_key(phone, r, topic, lang):
    reach_topic_menu(phone, lang)
    answer = phone.press(TOPIC_KEYS[topic])  # straight into the line: no question before it
    enqueue = answer.first("Enqueue")
    assert enqueue.text == f"hulplijn-{topic}"
    assert waiting_members(r, topic, lang) == [f"c:{phone.sid}"]
    assert r.hget(keys.call(phone.sid), "lang") == lang


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("topic", list(TOPIC_KEYS))
def test_caller_reaches_each_topic_line_by_speech(phone, r, topic, lang):
    reach_topic_menu(phone, lang)
    phone.say(TOPIC_WORDS[lang][topic])
    assert waiting_members(r, topic, lang) == [f"c:{phone.sid}"]


@pytest.mark.parametrize(
    "lang, said, topic",
    [
        ("nl", "ik moet mijn DigiD opnieuw aanvragen", "digid"),
        ("en", "I forgot my password again", "password"),
        ("nl", "ik weet het niet", "general"),
        ("nl", "weet ik veel", "general"),
        ("en", "not sure", "general"),
    ],
)
def test_a_sentence_with_again_in_it_still_reaches_its_topic(phone, r, lang, said, topic):
    reach_topic_menu(phone, lang)
    phone.say(said)
    assert waiting_members(r, topic, lang) == [f"c:{phone.sid}"]


@pytest.mark.parametrize("lang, said", [("nl", "nog een keer alstublieft"), ("en", "again")])
def test_asking_for_the_menu_again_by_speech_repeats_it(phone, lang, said):
    first = reach_topic_menu(phone, lang)
    assert phone.say(said).spoken() == first.spoken()


def test_menu_speaks_dutch_with_a_dutch_voice_and_listens_for_dutch(phone):
    answer = reach_topic_menu(phone, "nl")
    gather = answer.first("Gather")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "nl-NL"
    assert "digid" in gather.get("hints")
    assert {say.get("language") for say in answer.all("Say")} == {"nl-NL"}
    assert "DigiD? Druk op 3." in answer.spoken()


def test_english_menu_uses_an_english_voice(phone):
    answer = reach_topic_menu(phone, "en")
    assert answer.first("Gather").get("language") == "en-GB"
    assert "DigiD? Press 3." in answer.spoken()


def test_star_repeats_the_menu(phone):
    first = reach_topic_menu(phone, "nl")
    again = phone.press("*")
    assert again.spoken() == first.spoken()


def test_silence_in_the_topic_menu_is_obeyed_at_once(phone, r):
    """The menu says "Weet u het niet? Blijf dan aan de lijn.": staying on the line is an
    answer, so the caller is in the general line at once, never scolded or asked again."""
    reach_topic_menu(phone, "nl")
    answer = phone.silence()
    assert answer.first("Enqueue").text == "hulplijn-general"
    assert "Ik hoorde niets" not in answer.spoken()
    assert waiting_members(r, "general") == [f"c:{phone.sid}"]


def test_a_caller_whose_answer_is_not_understood_hears_it_again_slower_then_the_general_line(
    phone, r
):
    reach_topic_menu(phone, "nl")
    answers = [phone.press("8") for _ in range(3)]
    # Tries 2 and 3 were said again more slowly; the third with fewer options.
    assert answers[0].all("prosody") and answers[1].all("prosody")
    assert "Dat heb ik niet goed verstaan" in answers[0].spoken()
    assert "Uw telefoon, tablet of computer" not in answers[1].spoken()
    assert "Blijf anders aan de lijn" in answers[1].spoken()
    assert answers[2].first("Enqueue").text == "hulplijn-general"
    assert waiting_members(r, "general") == [f"c:{phone.sid}"]
    for answer in answers:
        assert "Hangup" not in answer.verbs()


def test_referral_answers_are_asked_in_the_wait_and_stored_for_the_reports(phone, r):
    reach_topic_menu(phone, "nl")
    phone.press("3")
    first_round = phone.post(phone.wait_url())
    assert "Wie heeft u naar ons gestuurd?" in first_round.spoken()
    phone.press("1")  # sent by their bank
    assert r.hget(keys.call(phone.sid), "referral") == "bank"
    which = phone.last
    assert "Welke bank" in which.spoken()
    phone.say("de rabobank")
    call = r.hgetall(keys.call(phone.sid))
    assert call["referral"] == "bank" and call["referral_org"] == "rabobank"
    events = [fields for _, fields in r.xrange(keys.EVENTS)]
    referral = [e for e in events if e["type"] == "referral"]
    assert len(referral) == 1
    assert referral[0]["referral"] == "bank" and referral[0]["referral_org"] == "rabobank"
    assert referral[0]["call"] == phone.sid


@pytest.mark.parametrize("app_config", [{"HELPLINE_ASK_REFERRAL": False}])
def test_referral_question_can_be_switched_off(phone, r):
    reach_topic_menu(phone, "nl")
    answer = phone.press("4")
    assert answer.first("Enqueue").text == "hulplijn-bank"
    first_round = phone.post(phone.wait_url())
    assert "Wie heeft u" not in first_round.spoken()


def test_caller_number_is_stored_only_as_a_pseudonym(phone, r):
    reach_topic_menu(phone, "nl")
    phone.press("3")
    dump = " ".join(
        str(r.hgetall(k))
        if r.type(k) == "hash"
        else str(r.xrange(k))
        if r.type(k) == "stream"
        else k
        for k in r.keys("hl:*")  # the helpline's keys (RQ's hold job ids and topics only)
    )
    assert "1234567" not in dump
    raw = redis.Redis.from_url(
        r.connection_pool.connection_kwargs
        and phone.client.application.extensions["helpline"].settings.redis_url
    )
    for key in raw.keys("rq:job:*"):
        assert b"1234567" not in b"".join(v for v in raw.hgetall(key).values())
    assert r.hget(keys.call(phone.sid), "region") == "020"


def test_nothing_is_stored_while_a_caller_is_in_the_menu_but_the_steps_they_heard(phone, r):
    """Only the menu steps presented (no number, no choice), for an hour, so that a caller
    who hangs up in the menu is counted at the step where they gave up."""
    reach_topic_menu(phone, "nl")
    phone.press("8")  # not understood: the menu again
    deadline = time.monotonic() + 5  # the steps are written in batches, moments later
    while r.strlen(keys.menu_path(phone.sid)) < len("welcome topic topic ") and (
        time.monotonic() < deadline
    ):
        time.sleep(0.01)
    assert r.keys("*") == [keys.menu_path(phone.sid)]
    heard = r.get(keys.menu_path(phone.sid)).split()
    assert heard[:2] == ["welcome", "topic"] and set(heard) == {"welcome", "topic"}
    assert 0 < r.ttl(keys.menu_path(phone.sid)) <= 3600


def test_a_caller_who_hangs_up_in_the_menu_is_recorded_once(phone, r):
    reach_topic_menu(phone, "nl")
    for _ in range(2):  # the status callback may come twice
        phone.post("/voice/status", CallStatus="completed", CallDuration="23")
    events = [f for _, f in r.xrange(keys.EVENTS)]
    assert [e["type"] for e in events] == ["ended_in_menu"]
    assert events[0]["region"] == "020" and events[0]["duration_s"] == "23"
    assert events[0]["open"] == "1"
    assert events[0]["step"] == "topic" and events[0]["path"].split() == ["welcome", "topic"]
    assert r.keys(keys.menu_path("*")) == []  # gone with the call
