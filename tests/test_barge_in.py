"""The simulator's <Gather> listens from the first word of its prompt, as Twilio's does: a key
stops the prompt at once, and so does speech unless bargeIn="false"; the transcript says which
prompt was interrupted, how far into it, and what the caller never heard. Live input (the
browser phone) is heard the moment it is given, and only by a Gather listening for it."""

from __future__ import annotations

import pytest
from flask import Flask, Response, request
from twilio_sim import SimClock, Simulator
from twilio_sim.people import Answer, Caller, InteractiveCaller, press, say
from twilio_sim.server import Served

MENU = [
    "Welkom bij de hulplijn.",
    "Gaat het over DigiD? Druk dan op 3.",
    "Gaat het over uw bank? Druk dan op 4.",
]


def menu_twiml(barge_in: str | None = None, extra: str = "") -> str:
    says = '<Pause length="1"/>'.join(f"<Say>{text}</Say>" for text in MENU)
    attribute = f' bargeIn="{barge_in}"' if barge_in else ""
    return (
        f'<Response><Gather input="dtmf speech" numDigits="1" action="/done" timeout="5"'
        f"{attribute}>{says}</Gather><Say>Ik hoorde niets.</Say>{extra}</Response>"
    )


@pytest.fixture
def line():
    """A stand-in app with one menu, and the simulator calling it (at a given speed)."""
    app = Flask("menu")
    app.config["twiml"] = menu_twiml()
    app.config["heard"] = []

    @app.post("/voice")
    def voice():
        return Response(app.config["twiml"], mimetype="text/xml")

    @app.post("/done")
    def done():
        app.config["heard"].append(dict(request.form))
        return Response("<Response><Say>Dank u.</Say><Hangup/></Response>", mimetype="text/xml")

    served = Served(app).start()
    sims = []

    def make(speed: float = 5.0, twiml: str | None = None) -> Simulator:
        if twiml:
            app.config["twiml"] = twiml
        sim = Simulator(voice_url=f"{served.url}/voice", clock=SimClock(speed))
        sims.append(sim)
        return sim

    make.app = app
    yield make
    for sim in sims:
        sim.shutdown()
    served.stop()


def said(leg) -> list[str]:
    return [e["text"] for e in leg.entries("say")]


def test_a_scripted_key_on_hearing_its_option_stops_the_menu_there(line):
    sim = line()
    leg = sim.place_call(Caller("+31201234567", answers=[press("3", heard="Druk dan op 3")]))
    assert sim.wait_done(leg)
    assert said(leg) == [*MENU[:2], "Dank u."]  # never the bank option
    (barge,) = leg.entries("barge-in")
    assert barge["by"] == "dtmf" and barge["prompt"] == MENU[1]
    assert barge["heard"] == MENU[1] and barge["skipped"] == 2
    # eight words at 2.5 a second: not before the caller heard them (a busy machine may wake
    # the call a little later; the simulated clock follows the wall clock)
    assert 8 / 2.5 - 0.05 <= barge["after"] < 8 / 2.5 + 2
    assert line.app.config["heard"][0]["Digits"] == "3"
    menu_said = next(e for e in leg.entries("say") if e["text"] == MENU[1])
    assert menu_said["interrupted_after"] == barge["after"]
    (entry,) = leg.entries("input")
    assert entry["t"] - barge["t"] < 1  # no timeout after the key


def test_a_caller_who_waits_hears_the_whole_menu_and_then_the_timeout_starts(line):
    sim = line()
    leg = sim.place_call(Caller("+31201234567", answers=[press("4")]))
    assert sim.wait_done(leg)
    assert said(leg) == [*MENU, "Dank u."]
    assert leg.entries("barge-in") == []
    assert line.app.config["heard"][0]["Digits"] == "4"


def test_silence_waits_out_the_timeout_and_goes_on_after_the_gather(line):
    sim = line()
    leg = sim.place_call(Caller("+31201234567"))
    assert sim.wait_done(leg)
    assert said(leg)[-1] == "Ik hoorde niets."
    (gather,) = leg.entries("gather")
    (timeout,) = leg.entries("no-input")
    menu_seconds = (4 + 8 + 9) / 2.5 + 2  # the words, and two pauses of a second
    assert menu_seconds + 5 - 0.05 <= timeout["t"] - gather["t"] < menu_seconds + 5 + 3


def test_speech_interrupts_the_prompt_by_default(line):
    sim = line()
    leg = sim.place_call(Caller("+31201234567", answers=[say("digid", heard="Welkom")]))
    assert sim.wait_done(leg)
    (barge,) = leg.entries("barge-in")
    assert barge["by"] == "speech" and barge["prompt"] == MENU[0] and barge["skipped"] == 4
    assert line.app.config["heard"][0]["SpeechResult"] == "digid"


def test_with_barge_in_off_speech_lets_the_prompt_play_on_and_counts_at_its_end(line):
    sim = line(twiml=menu_twiml(barge_in="false"))
    leg = sim.place_call(Caller("+31201234567", answers=[say("digid", heard="Welkom")]))
    assert sim.wait_done(leg)
    assert said(leg) == [*MENU, "Dank u."]
    assert leg.entries("barge-in") == []
    last_say = next(e for e in leg.entries("say") if e["text"] == MENU[2])
    (entry,) = leg.entries("input")
    assert last_say["t"] + 9 / 2.5 - 0.05 <= entry["t"] < last_say["t"] + 9 / 2.5 + 2
    assert line.app.config["heard"][0]["SpeechResult"] == "digid"


def test_a_live_key_interrupts_whatever_part_of_the_menu_is_playing(line):
    sim = line(speed=1)
    leg = sim.place_call(InteractiveCaller("+31201234567"))
    assert sim.wait_for(lambda: leg.listening is not None and leg.entries("say"), timeout=10)
    assert leg.hear(Answer(digits="3", live=True), echo="e1") is True
    assert sim.wait_done(leg, timeout=20)
    (pressed,) = leg.entries("pressed")
    assert pressed["heard"] is True and pressed["echo"] == "e1"
    (barge,) = leg.entries("barge-in")
    assert barge["t"] - pressed["t"] < 1  # at once, whichever prompt was playing
    after_key = [e for e in leg.transcript if e["t"] >= pressed["t"] and e["kind"] == "say"]
    assert [e["text"] for e in after_key] == ["Dank u."]  # not one more word of the menu
    assert line.app.config["heard"][0]["Digits"] == "3"


def test_a_live_key_when_nothing_listens_is_recorded_as_not_heard_and_never_used(line):
    sim = line(speed=1, twiml="<Response><Say>Een ogenblik.</Say>" + menu_twiml()[10:])
    leg = sim.place_call(InteractiveCaller("+31201234567"))
    assert sim.wait_for(lambda: leg.entries("say"), timeout=10)
    assert leg.listening is None
    assert leg.hear(Answer(digits="3", live=True)) is False
    assert sim.wait_for(lambda: leg.entries("gather"), timeout=10)
    sim.hang_up(leg)
    assert sim.wait_done(leg)
    assert leg.entries("pressed")[0]["heard"] is False
    assert leg.entries("input") == [] and line.app.config["heard"] == []


def test_live_keys_come_one_at_a_time_until_the_finish_key(line):
    gather = (
        '<Response><Gather input="dtmf" finishOnKey="#" timeout="5" action="/done">'
        "<Say>Toets uw nummer en dan een hekje.</Say></Gather></Response>"
    )
    sim = line(speed=1, twiml=gather)
    leg = sim.place_call(InteractiveCaller("+31201234567"))
    assert sim.wait_for(lambda: leg.listening is not None, timeout=10)
    for key in "06#":
        assert leg.hear(Answer(digits=key, live=True))
    assert sim.wait_done(leg, timeout=20)
    assert line.app.config["heard"][0]["Digits"] == "06"
    assert line.app.config["heard"][0]["FinishedOnKey"] == "#"
