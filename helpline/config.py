"""Configuration in one place: defaults, then the environment, shared by web, worker and CLI."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _log_format(value: str) -> str:
    if value not in ("text", "json"):
        raise ValueError("must be text or json")
    return value


def _share(value: str) -> float:
    number = float(value)
    if not 0 < number <= 1:
        raise ValueError("must be a share between 0 and 1, such as 0.8")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must not be negative")
    return number


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be 1 or more")
    return number


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    cast: Callable[[str], Any] = str
    required_in_production: bool = False
    doc: str = ""


DEV_ACCOUNT_SID = "AC" + "0" * 31 + "1"
# Secrets whose default is public (it is in this file): never accepted in production.
DEVELOPMENT_ONLY = (
    "SECRET_KEY",
    "HELPLINE_PSEUDONYM_KEY",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_ACCOUNT_SID",
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "HELPLINE_ENV",
        "development",
        str,
        False,
        "`production`, `development` or `test`. Production refuses to start without the "
        "required settings.",
    ),
    Setting(
        "REDIS_URL",
        "redis://127.0.0.1:6379/0",
        str,
        True,
        "Redis for state, queues and RQ jobs. `helpline demo` starts its own when unset.",
    ),
    Setting("SECRET_KEY", "dev-only-secret-key", str, True, "Signs dashboard sessions."),
    Setting(
        "HELPLINE_PSEUDONYM_KEY",
        "dev-only-pseudonym-key",
        str,
        True,
        "Key of the HMAC that pseudonymises caller numbers at rest. Never change it casually: "
        "repeat-caller detection depends on it.",
    ),
    Setting(
        "PUBLIC_URL",
        "http://localhost:5000",
        str,
        True,
        "Base URL Twilio reaches; used for absolute callback URLs and signature checks.",
    ),
    Setting("TWILIO_ACCOUNT_SID", DEV_ACCOUNT_SID, str, True, "Twilio account SID (AC...)."),
    Setting(
        "TWILIO_AUTH_TOKEN",
        "dev-auth-token",
        str,
        True,
        "Twilio auth token; checks X-Twilio-Signature and authenticates REST calls.",
    ),
    Setting(
        "HELPLINE_PHONE_NUMBER",
        "+31850000000",
        str,
        True,
        "The helpline's Twilio number (E.164); caller ID when calling people back.",
    ),
    Setting(
        "TWILIO_API_URL",
        "",
        str,
        False,
        "Optional: send every Twilio REST request to this base URL (the simulator).",
    ),
    Setting("HELPLINE_TIMEZONE", "Europe/Amsterdam", str, False, "Timezone of the opening hours."),
    Setting(
        "HELPLINE_OPENING_HOURS",
        "mo-fr 09:00-17:00",
        str,
        False,
        "Weekly hours, e.g. `mo-fr 09:00-17:00; sa 10:00-13:00`, or `always`. "
        "Coordinators can override them at run time.",
    ),
    Setting(
        "HELPLINE_HOLIDAYS",
        "NL",
        str,
        False,
        "Closed days: a country code for its public holidays (`NL`), explicit dates "
        "(`2026-12-24`), or both, comma separated; empty for none.",
    ),
    Setting(
        "HELPLINE_FLOW",
        "",
        str,
        False,
        "Path of the IVR flow file; default the shipped `ivr_flows/digihulplijn.yaml`.",
    ),
    Setting(
        "HELPLINE_ASK_REFERRAL",
        True,
        _bool,
        False,
        "Ask callers who sent them (skippable). Steps marked `enabled_by: ask_referral`.",
    ),
    Setting(
        "HELPLINE_MAX_WAIT",
        900,
        _positive_int,
        False,
        "Seconds of waiting after which the callback is offered again.",
    ),
    Setting(
        "HELPLINE_MAX_HOLD",
        2700,
        _positive_int,
        False,
        "Seconds after which nobody is held any longer: a callback to the calling number is "
        "arranged (or, without a usable number, the caller hears when to call again).",
    ),
    Setting(
        "HELPLINE_ANNOUNCE_INTERVAL",
        60,
        _positive_int,
        False,
        "Minimum seconds between two spoken messages while waiting.",
    ),
    Setting(
        "HELPLINE_POSITION_REPEAT",
        180,
        _positive_int,
        False,
        "Seconds after which an unchanged position is said again.",
    ),
    Setting(
        "HELPLINE_HOLD_MUSIC_URL",
        "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3",
        str,
        False,
        "Music played while waiting; empty for silence.",
    ),
    Setting(
        "HELPLINE_WAIT_SEGMENT",
        20,
        _positive_int,
        False,
        "Seconds of silence per wait document when no music is set.",
    ),
    Setting(
        "HELPLINE_ESTIMATE_WINDOW",
        3600,
        _positive_int,
        False,
        "Seconds of recent history used to estimate waits (shortly after opening only the "
        "time open, at least 10 minutes).",
    ),
    Setting(
        "HELPLINE_REPEAT_WINDOW_DAYS",
        14,
        _positive_int,
        False,
        "A caller who called about the same topic within this many days is a repeat caller.",
    ),
    Setting(
        "HELPLINE_PRIORITY_REPEAT",
        1,
        _positive_int,
        False,
        "Priority bonus for a repeat caller (0 disables).",
    ),
    Setting(
        "HELPLINE_PRIORITY_CALLBACK_DUE",
        1,
        _positive_int,
        False,
        "Priority bonus for a callback that is due.",
    ),
    Setting(
        "HELPLINE_WIDEN_AFTER",
        120,
        _positive_int,
        False,
        "Seconds of waiting after which a caller may go to any available volunteer.",
    ),
    Setting(
        "HELPLINE_OFFER_TIMEOUT",
        20,
        _positive_int,
        False,
        "Seconds a volunteer has to accept an offer.",
    ),
    Setting(
        "HELPLINE_WRAPUP_SECONDS",
        120,
        _positive_int,
        False,
        "Seconds of wrap-up after a call before the volunteer is available again.",
    ),
    Setting(
        "HELPLINE_MAX_MISSED",
        3,
        _positive_int,
        False,
        "Missed offers in a row after which a volunteer is paused.",
    ),
    Setting(
        "HELPLINE_SKIP_SECONDS",
        60,
        _positive_int,
        False,
        "Seconds before a volunteer is offered a caller they just missed or declined again.",
    ),
    Setting(
        "HELPLINE_ROUTING_STRATEGY",
        "longest_idle",
        str,
        False,
        "`longest_idle` or `fewest_calls` (today) among the volunteers who qualify.",
    ),
    Setting(
        "HELPLINE_RING_TIMEOUT",
        25,
        _positive_int,
        False,
        "Seconds a volunteer's (or callback citizen's) phone rings before we give up.",
    ),
    Setting(
        "HELPLINE_CALLBACK_TRIES",
        3,
        _positive_int,
        False,
        "Tries to reach a citizen for a callback before it is recorded as unreachable.",
    ),
    Setting(
        "HELPLINE_CALLBACK_RETRY_MINUTES",
        15,
        _positive_int,
        False,
        "Minutes between two tries of a callback.",
    ),
    Setting(
        "HELPLINE_CLOCK_SPEED",
        1.0,
        float,
        False,
        "For demos and tests only: the app's time runs this many times faster than the "
        "wall clock (the simulator uses the same setting).",
    ),
    Setting(
        "HELPLINE_CLOCK_EPOCH",
        0,
        _positive_int,
        False,
        "For demos and tests only: wall time (ms) from which a faster clock counts.",
    ),
    Setting(
        "HELPLINE_VOLUNTEER_TIMEOUT",
        90,
        _positive_int,
        False,
        "Seconds without a sign of life from a volunteer's dashboard after which an "
        "available or offered volunteer is set offline (their offer goes to someone else).",
    ),
    Setting(
        "HELPLINE_CALL_TTL",
        7 * 24 * 3600,
        _positive_int,
        False,
        "Seconds a finished call's working state stays in Redis (events stay longer).",
    ),
    Setting(
        "HELPLINE_LOG_FORMAT",
        "text",
        _log_format,
        False,
        "`json` for one JSON object per log line (with call and job ids), or `text`.",
    ),
    Setting(
        "HELPLINE_METRICS_TOKEN",
        "",
        str,
        False,
        "When set, `/metrics` needs `Authorization: Bearer <token>`.",
    ),
    Setting(
        "HELPLINE_SERVICE_LEVEL_SECONDS",
        120,
        _positive_int,
        False,
        "The service level's answer time: a caller answered within this many seconds counts "
        "as answered in time.",
    ),
    Setting(
        "HELPLINE_SERVICE_LEVEL_TARGET",
        0.8,
        _share,
        False,
        "The share of callers to answer within the service level's time (0-1); the staffing "
        "estimate aims at it.",
    ),
    Setting(
        "HELPLINE_EVENT_RETENTION_DAYS",
        90,
        _positive_int,
        False,
        "Days raw call events are kept; aggregates stay.",
    ),
    Setting(
        "HELPLINE_IDEMPOTENCY_TTL",
        3600,
        _positive_int,
        False,
        "Seconds a webhook answer is remembered for a redelivery with the same token.",
    ),
    Setting(
        "HELPLINE_STREAMS_PER_ACCOUNT",
        5,
        _at_least_one,
        False,
        "Live event streams (open dashboard pages) one account may hold at once; one more is "
        "refused with 429 until one closes.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def load(environ: dict[str, str] | None = None, overrides: dict[str, Any] | None = None) -> dict:
    """Read every setting from ``environ`` (default ``os.environ``), then apply overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.name)
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.cast(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.name} is not valid: {exc}") from None
    values.update(overrides or {})
    if values["HELPLINE_ENV"] == "production":
        given = {**{k: v for k, v in environ.items() if k in _BY_NAME}, **(overrides or {})}
        missing = [
            s.name
            for s in SETTINGS
            if s.required_in_production and not str(given.get(s.name, "")).strip()
        ]
        if missing:
            raise ConfigError(
                "Production start refused; these settings are required: " + ", ".join(missing)
            )
        development = [name for name in DEVELOPMENT_ONLY if values[name] == _BY_NAME[name].default]
        if development:
            raise ConfigError(
                "Production start refused; these settings still have their development value: "
                + ", ".join(development)
            )
    validate(values)
    return values


def validate(values: dict) -> None:
    """Check the settings that have a grammar, so a typo stops the start, not a call."""
    from helpline import hours  # local: hours imports nothing from here at module level

    try:
        hours.parse_weekly(values["HELPLINE_OPENING_HOURS"])
    except ValueError as exc:
        raise ConfigError(f"HELPLINE_OPENING_HOURS is not valid: {exc}") from None
    try:
        hours.parse_holidays(values["HELPLINE_HOLIDAYS"])
    except ValueError as exc:
        raise ConfigError(f"HELPLINE_HOLIDAYS is not valid: {exc}") from None
    try:
        hours.zone(values["HELPLINE_TIMEZONE"])
    except ValueError as exc:
        raise ConfigError(f"HELPLINE_TIMEZONE is not valid: {exc}") from None
    if values["HELPLINE_ROUTING_STRATEGY"] not in ("longest_idle", "fewest_calls"):
        raise ConfigError("HELPLINE_ROUTING_STRATEGY must be longest_idle or fewest_calls")
    public = values["PUBLIC_URL"]
    if not public.startswith(("http://", "https://")):
        raise ConfigError("PUBLIC_URL must start with http:// or https://")


def setting(name: str) -> Setting:
    return _BY_NAME[name]
