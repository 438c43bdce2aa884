"""Opening hours: weekly hours, holidays and closures, and what a caller hears when closed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpline import create_app, hours, keys
from helpline.clock import Clock
from tests.conftest import Phone, RedisServer, make_config

AMS = hours.zone("Europe/Amsterdam")


def schedule(text="mo-fr 09:00-17:00; sa 10:00-13:00", holidays="NL", closure=None):
    return hours.Schedule(hours.parse_weekly(text), hours.parse_holidays(holidays), AMS, closure)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    "moment, is_open",
    [
        (at(2026, 12, 1, 9, 0), True),  # Tuesday opening minute
        (at(2026, 12, 1, 16, 59), True),
        (at(2026, 12, 1, 17, 0), False),  # closing time
        (at(2026, 12, 5, 11, 0), True),  # Saturday morning
        (at(2026, 12, 6, 11, 0), False),  # Sunday
        (at(2026, 12, 25, 11, 0), False),  # Christmas, a public holiday
    ],
)
def test_open_by_weekly_hours_and_holidays(moment, is_open):
    assert hours.status(schedule(), moment).open is is_open


def test_next_opening_skips_weekend_and_holidays():
    status = hours.status(schedule(), at(2026, 12, 24, 18, 0))  # Thursday evening
    assert status.next_opening == at(2026, 12, 28, 9, 0)  # 25/26 holidays, 27 Sunday


def test_manual_closure_with_reason_and_end():
    closure = hours.Closure({"nl": "Er is een storing."}, until=at(2026, 12, 1, 12, 0))
    status = hours.status(schedule(closure=closure), at(2026, 12, 1, 10, 0))
    assert not status.open and status.reason == "closure"
    assert status.closure_reason["nl"] == "Er is een storing."
    assert status.next_opening == at(2026, 12, 1, 12, 0)
    assert hours.status(schedule(closure=closure), at(2026, 12, 1, 12, 30)).open


def test_timezone_is_respected():
    utc_moment = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 09:30 in Amsterdam
    assert hours.status(schedule(), utc_moment).open


@pytest.mark.parametrize(
    "text, problem",
    [
        ("mo-fr 9-17", "not a time range"),
        ("xx 09:00-17:00", "unknown day"),
        ("mo 17:00-09:00", "ends before it starts"),
        ("mo 09:00-12:00,11:00-13:00", "overlap"),
        ("", "empty"),
    ],
)
def test_bad_opening_hours_name_the_problem(text, problem):
    with pytest.raises(ValueError, match=problem):
        hours.parse_weekly(text)


def test_hours_are_described_in_plain_dutch_and_english():
    weekly = hours.parse_weekly("mo-fr 09:00-17:00; sa 10:00-13:30")
    assert hours.describe_weekly(weekly, "nl") == (
        "maandag tot en met vrijdag van 9 tot 17 uur, en zaterdag van 10 tot 13.30 uur"
    )
    assert hours.describe_weekly(weekly, "en") == (
        "Monday to Friday from 9:00 to 17:00, and Saturday from 10:00 to 13:30"
    )


class FixedClock(Clock):
    def __init__(self, moment: datetime):
        self.moment = moment

    def now_ms(self) -> int:
        return int(self.moment.timestamp() * 1000)


@pytest.fixture
def app_config():
    return {
        "HELPLINE_OPENING_HOURS": "mo-fr 09:00-17:00",
        "HELPLINE_HOLIDAYS": "NL",
        "CLOCK": FixedClock(at(2026, 12, 4, 20, 0)),
    }  # Friday evening


def test_outside_hours_the_caller_hears_the_hours_and_can_leave_a_callback(client, r):
    phone = Phone(client, number="+31201234567")
    closed = phone.call()
    assert "Wij zijn nu gesloten." in closed.spoken()
    assert "Wij zijn weer open op maandag 7 december om 9 uur." in closed.spoken()
    assert "Bent u bang voor oplichting? Bel dan nu zelf uw bank." in closed.spoken()
    offer = phone.press("1")
    assert "020 123 45 67" in offer.spoken()
    done = phone.press("1")
    assert (
        "Wij bellen u terug als wij weer open zijn, op maandag 7 december om 9 uur."
        in done.spoken()
    )
    assert done.verbs()[-1] == "Hangup"
    callback = r.hgetall(keys.callback(f"cb-{phone.sid}"))
    assert callback["reason"] == "closed"
    assert int(callback["due_at"]) == int(at(2026, 12, 7, 9, 0).timestamp() * 1000)
    # not in line before the opening; it joins then, keeping its place
    assert r.zscore(keys.SCHEDULED_CALLBACKS, f"b:cb-{phone.sid}") == int(callback["due_at"])
    assert r.zscore(keys.waiting("general"), f"b:cb-{phone.sid}") is None


def test_outside_hours_a_silent_caller_hears_the_closed_message_once_then_one_goodbye(client):
    phone = Phone(client)
    closed = phone.call()
    assert closed.spoken().count("Wij zijn nu gesloten.") == 1
    goodbye = phone.silence()
    assert "gesloten" not in goodbye.spoken()
    assert goodbye.spoken() == "Dank u wel voor het bellen. Tot ziens."
    assert goodbye.verbs()[-1] == "Hangup"


def test_a_closure_set_at_run_time_is_announced_with_its_reason(app, r):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hours", "set", "--weekly", "always"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "hours",
            "close",
            "--reason-nl",
            "Er is een storm.",
            "--reason-en",
            "There is a storm.",
        ]
    )
    assert result.exit_code == 0, result.output
    closed = Phone(app.test_client()).call()
    assert "Er is een storm." in closed.spoken()
    runner.invoke(args=["hours", "reopen"])
    assert "Waar gaat uw vraag over?" not in Phone(app.test_client()).call().spoken()
    assert "gesloten" not in Phone(app.test_client()).call().spoken()


def test_bad_hours_from_the_cli_are_refused(app):
    result = app.test_cli_runner().invoke(args=["hours", "set", "--weekly", "mo 25:00-26:00"])
    assert result.exit_code != 0
    assert "impossible time" in result.output


def test_a_failure_in_the_closed_callback_never_queues_the_caller(tmp_path, app_config):
    server = RedisServer(tmp_path / "breakable").start()
    try:
        client = create_app(make_config(server.url, **app_config)).test_client()
        phone = Phone(client)
        phone.call()
        phone.press("1")
        server.stop()  # Redis goes away before the callback can be stored
        answer = phone.press("1")
    finally:
        server.stop()
    assert "Enqueue" not in answer.verbs()
    assert answer.verbs()[-1] == "Hangup"
    assert "Wij zijn open maandag tot en met vrijdag" in answer.spoken()


def test_the_kept_open_answer_never_outlives_closing_time_or_a_closure(redis_url):
    from tests.conftest import ManualClock

    clock = ManualClock(int(at(2026, 12, 1, 16, 59, 59).timestamp() * 1000) + 999)
    app = create_app(
        make_config(
            redis_url,
            HELPLINE_OPENING_HOURS="mo-fr 09:00-17:00",
            HELPLINE_HOLIDAYS="",
            CLOCK=clock,
        )
    )
    opening = app.extensions["helpline"].hours
    assert opening.status().open
    assert opening.status().open  # asked again within the same millisecond
    clock.advance(0.001)  # 17:00:00.000
    assert not opening.status().open
    clock.advance(-1)  # back before closing time, then a coordinator closes
    assert opening.status().open
    opening.close({"nl": "Storing.", "en": "Outage."}, None)
    assert opening.status().reason == "closure"


def test_the_current_opening_began_at_the_start_of_its_hours_across_midnight():
    office = schedule("mo-fr 09:00-17:00", holidays="")
    assert hours.open_since(office, at(2026, 12, 1, 9, 20)) == at(2026, 12, 1, 9, 0)
    assert hours.open_since(office, at(2026, 12, 1, 20, 0)) is None
    nights = schedule("mo-fr 00:00-24:00", holidays="")
    assert hours.open_since(nights, at(2026, 12, 2, 1, 0)) == at(2026, 11, 30, 0, 0)  # Monday


@pytest.mark.parametrize(
    "moment, window",
    [
        (at(2026, 12, 1, 9, 3), 600),  # just opened: at least ten minutes
        (at(2026, 12, 1, 9, 20), 1200),  # twenty minutes of answers so far
        (at(2026, 12, 1, 16, 0), 3600),  # the configured window
    ],
)
def test_shortly_after_opening_the_wait_estimate_counts_only_the_time_open(
    redis_url, moment, window
):
    from helpline.voice.common import estimate_window

    app = create_app(
        make_config(
            redis_url,
            HELPLINE_OPENING_HOURS="mo-fr 09:00-17:00",
            HELPLINE_HOLIDAYS="",
            HELPLINE_ESTIMATE_WINDOW=3600,
            CLOCK=FixedClock(moment),
        )
    )
    with app.app_context():
        assert estimate_window() == window


def test_on_a_public_holiday_or_a_closing_day_the_caller_hears_why_the_helpline_is_closed(
    redis_url,
):
    christmas = FixedClock(at(2026, 12, 25, 11, 0))  # a Friday
    eve = FixedClock(at(2026, 12, 24, 11, 0))  # closed by date, not a public holiday
    for clock, nl, en in (
        (christmas, "Vandaag is het een feestdag.", "Today is a public holiday."),
        (eve, "Vandaag zijn wij de hele dag dicht.", "We are closed all day today."),
    ):
        config = make_config(
            redis_url,
            HELPLINE_OPENING_HOURS="always",
            HELPLINE_HOLIDAYS="NL, 2026-12-24",
            CLOCK=clock,
        )
        phone = Phone(create_app(config).test_client())
        closed = phone.call()
        assert "Wij zijn nu gesloten." in closed.spoken() and nl in closed.spoken()
        assert en not in closed.spoken()
        assert en in phone.press("9").spoken()  # in English
