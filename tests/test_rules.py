"""The pure rules: wait estimates and announcements, numbers and pseudonyms, configuration,
waiting-list member ids."""

from __future__ import annotations

import pytest

from helpline import config, keys, privacy, wait


@pytest.mark.parametrize(
    "ahead, answered, window, minutes",
    [
        (0, 6, 3600, 10),  # one answer per 10 minutes: next in about 10
        (2, 6, 3600, 30),
        (0, 60, 3600, 1),
        (5, 2, 3600, None),  # too little history: say we do not know
        (3, 0, 3600, None),
    ],
)
def test_wait_estimate_from_recent_answer_rate(ahead, answered, window, minutes):
    assert wait.estimate_minutes(ahead, answered, window) == minutes


RULES = {"announce_interval": 60, "position_repeat": 180, "max_wait": 900, "max_hold": 2700}


def state(**overrides):
    base = {
        "waited_s": 100,
        "ahead": 3,
        "last_message_s": 100,
        "last_position_s": 100,
        "last_ahead": 3,
        "last_too_long_s": None,
    }
    return wait.WaitState(**{**base, **overrides})


def test_first_round_says_position_and_callback_key():
    assert wait.plan(state(last_message_s=None), **RULES) == wait.Plan(
        position=True, callback_hint=True
    )


def test_nothing_is_said_within_the_minimum_interval_even_if_the_position_changed():
    assert wait.plan(state(last_message_s=30, ahead=1), **RULES) == wait.Plan()


def test_a_changed_position_is_said_after_the_interval():
    assert wait.plan(state(ahead=2), **RULES).position


def test_an_unchanged_position_is_repeated_only_every_few_minutes():
    assert wait.plan(state(), **RULES) == wait.Plan()
    assert wait.plan(state(last_position_s=200), **RULES).position


def test_max_wait_offers_the_callback_once_per_period():
    assert wait.plan(state(waited_s=901), **RULES).too_long
    assert not wait.plan(state(waited_s=1000, last_too_long_s=99), **RULES).too_long


def test_hold_limit_ends_the_wait():
    assert wait.plan(state(waited_s=2700), **RULES).hold_limit


@pytest.mark.parametrize(
    "number, region",
    [
        ("+31201234567", "020"),
        ("+31592123456", "0592"),
        ("+31612345678", "mobile"),
        ("+31881234567", "non-geographic"),
        ("+3222123456", "abroad"),
        ("anonymous", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_region_from_area_code(number, region):
    assert privacy.region(number) == region


def test_pseudonym_is_keyed_and_stable():
    a = privacy.pseudonym("+31201234567", "key-1")
    assert a == privacy.pseudonym("+31201234567", "key-1")
    assert a != privacy.pseudonym("+31201234567", "key-2")
    assert "1234567" not in a
    assert privacy.pseudonym("anonymous", "key-1") == ""


@pytest.mark.parametrize(
    "typed, number",
    [
        ("0612345678", "+31612345678"),
        ("0201234567", "+31201234567"),
        ("0032123456789", "+32123456789"),
        ("12345", None),
        ("0900123456", None),
        ("06123456789", None),
        ("", None),
    ],
)
def test_typed_callback_numbers(typed, number):
    assert privacy.parse_typed_number(typed) == number


def test_production_start_names_every_missing_setting():
    with pytest.raises(config.ConfigError) as info:
        config.load({"HELPLINE_ENV": "production", "REDIS_URL": "redis://x"})
    message = str(info.value)
    for name in (
        "SECRET_KEY",
        "PUBLIC_URL",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_ACCOUNT_SID",
        "HELPLINE_PHONE_NUMBER",
        "HELPLINE_PSEUDONYM_KEY",
    ):
        assert name in message
    assert "REDIS_URL" not in message


@pytest.mark.parametrize("name", ["SECRET_KEY", "TWILIO_AUTH_TOKEN", "HELPLINE_PSEUDONYM_KEY"])
def test_production_start_refuses_an_empty_or_development_secret(name):
    env = {s.name: "x" for s in config.SETTINGS if s.required_in_production}
    env.update(HELPLINE_ENV="production", PUBLIC_URL="https://hulplijn.example.nl")
    for value in ("", "   ", config.setting(name).default):
        with pytest.raises(config.ConfigError) as info:
            config.load({**env, name: value})
        assert name in str(info.value)


def test_production_start_with_every_setting_succeeds():
    env = {s.name: "x" * 32 for s in config.SETTINGS if s.required_in_production}
    env.update(
        HELPLINE_ENV="production",
        PUBLIC_URL="https://hulplijn.example.nl",
        HELPLINE_METRICS_TOKEN="y" * 32,
    )
    assert config.load(env).public_url == "https://hulplijn.example.nl"


@pytest.mark.parametrize(
    "name, value",
    [
        ("HELPLINE_OPENING_HOURS", "weekdays 9-5"),
        ("HELPLINE_TIMEZONE", "Mars/Olympus"),
        ("HELPLINE_MAX_WAIT", "soon"),
        ("HELPLINE_HOLIDAYS", "XX"),
        ("PUBLIC_URL", "hulplijn.nl"),
    ],
)
def test_malformed_settings_stop_the_start_naming_the_setting(name, value):
    with pytest.raises(config.ConfigError, match=name):
        config.load({name: value})


@pytest.mark.parametrize(
    "member, kind, ident, party",
    [
        ("c:CA123", "call", "CA123", "hl:{hl}:call:CA123"),
        ("b:cb-CA123", "callback", "cb-CA123", "hl:{hl}:callback:cb-CA123"),
        ("b:cb:with:colons", "callback", "cb:with:colons", "hl:{hl}:callback:cb:with:colons"),
        ("x:what", "", "what", "hl:{hl}:callback:what"),
    ],
)
def test_a_member_id_says_whether_it_is_a_call_or_a_callback(member, kind, ident, party):
    assert keys.parse_member(member) == (kind, ident)
    assert keys.is_call(member) == (kind == "call")
    assert keys.is_callback(member) == (kind == "callback")
    assert keys.member_kind(member) == ("callback" if kind == "callback" else "call")
    assert keys.party(member) == party


def test_member_ids_built_here_parse_back():
    assert keys.parse_member(keys.call_member("CA1")) == ("call", "CA1")
    assert keys.parse_member(keys.callback_member("cb-CA1")) == ("callback", "cb-CA1")
