"""The time-to-the-line model (tests/timing.py) on hand-made transcripts: each rule alone."""

from __future__ import annotations

import pytest

from tests.timing import NotInLine, seconds_to_line


def request(twiml: str, **params) -> dict:
    return {"kind": "request", "twiml": f"<Response>{twiml}</Response>", "params": params}


MENU = (
    '<Gather input="dtmf speech" timeout="4" speechTimeout="auto" action="/a">'
    "<Say>Waar gaat het over?</Say>"  # 4 words: 1.6 s
    "<Say>DigiD? Druk op 3.</Say>"  # 2 sentences, 1 + 3 words: ends at 3.2 s
    "<Pause length='1'/>"
    "<Say>Uw bank? Druk op 4.</Say>"  # 2 + 3 words: ends at 4.2 + 2.0 = 6.2 s
    "</Gather><Redirect>/silent</Redirect>"
)
IN_LINE = "<Say>U bent in de rij.</Say><Enqueue>hulplijn-digid</Enqueue>"


def test_a_key_presser_presses_one_second_after_the_sentence_that_offers_their_key():
    calls = [request(MENU), request(IN_LINE, Digits="3")]
    assert seconds_to_line(calls) == pytest.approx(3.2 + 1)
    calls = [request(MENU), request(IN_LINE, Digits="4")]
    assert seconds_to_line(calls) == pytest.approx(6.2 + 1)


def test_a_key_pressed_from_habit_comes_two_seconds_in():
    calls = [request(MENU), request(IN_LINE, Digits="0")]
    assert seconds_to_line(calls, habit_keys="0") == pytest.approx(2.0)


def test_a_key_nobody_offered_cannot_be_timed_for_a_key_presser():
    with pytest.raises(NotInLine, match="offers it"):
        seconds_to_line([request(MENU), request(IN_LINE, Digits="0")])


def test_a_speaker_waits_for_the_end_then_speaks_and_is_heard_after_the_end_of_speech():
    calls = [request(MENU), request(IN_LINE, SpeechResult="mijn digid doet het niet")]
    assert seconds_to_line(calls) == pytest.approx(6.2 + 5 * 0.4 + 1.5)


def test_a_longer_speech_timeout_is_waited_for():
    menu = MENU.replace('speechTimeout="auto"', 'speechTimeout="3"')
    calls = [request(menu), request(IN_LINE, SpeechResult="digid")]
    assert seconds_to_line(calls) == pytest.approx(6.2 + 0.4 + 3)


def test_silence_costs_the_whole_prompt_and_the_timeout_and_says_before_count():
    calls = [request("<Say>Welkom.</Say><Pause length='2'/>" + MENU), request(IN_LINE)]
    assert seconds_to_line(calls) == pytest.approx(0.4 + 2 + 6.2 + 4)


def test_a_slower_prompt_takes_longer():
    slow = (
        '<Gather timeout="1"><Say><prosody rate="80%">een twee drie vier</prosody></Say></Gather>'
    )
    assert seconds_to_line([request(slow), request(IN_LINE)]) == pytest.approx(4 * 0.5 + 1)


def test_steps_add_up_over_several_documents_and_what_is_said_in_line_is_not_counted():
    welcome = '<Gather timeout="1"><Say>For English, press 9.</Say></Gather><Redirect>/x</Redirect>'
    calls = [request(welcome), request(MENU, Digits="9"), request(IN_LINE, Digits="3")]
    assert seconds_to_line(calls) == pytest.approx((1.6 + 1) + (3.2 + 1))


def test_a_call_that_never_reaches_the_line_is_not_timed():
    with pytest.raises(NotInLine):
        seconds_to_line([request(MENU), request("<Say>Tot ziens.</Say><Hangup/>")])
    with pytest.raises(NotInLine):
        seconds_to_line([request(MENU)])


def test_status_callbacks_and_other_entries_are_ignored():
    calls = [
        {"kind": "say", "text": "x"},
        request(MENU),
        {"kind": "callback", "params": {}},
        request(IN_LINE, Digits="3"),
    ]
    assert seconds_to_line(calls) == pytest.approx(4.2)
