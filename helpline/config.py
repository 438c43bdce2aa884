"""Configuration in one place: defaults, then the environment, shared by web, worker and CLI.

``Settings`` is the table: one field per setting, with its environment name, its one default,
how it is read and what it does. Code reads ``settings.offer_timeout``, never a string key; the
README's configuration table is generated from it (``markdown_table``) and a test
keeps the two the same.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from helpline.config_checks import ConfigError, refuse_unsafe_production, validate

__all__ = ["ConfigError", "Settings", "load", "validate"]


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


DEV_ACCOUNT_SID = "AC" + "0" * 31 + "1"
DEVELOPMENT_VALUE = "a development-only value"  # how the README shows a secret's default


def _setting(
    name: str,
    default: Any,
    doc: str,
    *,
    cast: Callable[[str], Any] = str,
    required: bool = False,
    shown: str | None = None,
) -> Any:
    """A field of ``Settings``: its default, and how it is read from the environment."""
    meta = {"name": name, "cast": cast, "required": required, "doc": doc, "shown": shown}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    """Every setting of the helpline, typed; built by ``load``."""

    env: str = _setting(
        "HELPLINE_ENV",
        "development",
        "`production`, `development` or `test`. Production refuses to start without the required settings.",
    )
    redis_url: str = _setting(
        "REDIS_URL",
        "redis://127.0.0.1:6379/0",
        "Redis for state, queues and RQ jobs. `helpline demo` starts its own when unset. Not needed when `REDIS_SENTINELS` is set.",
        required=True,
    )
    redis_sentinels: str = _setting(
        "REDIS_SENTINELS",
        "",
        "Redis Sentinel addresses, comma separated `host:port`; when set (with `REDIS_SENTINEL_MASTER`) every process finds the primary through them and follows a failover by itself, and `REDIS_URL` is not used.",
    )
    redis_sentinel_master: str = _setting(
        "REDIS_SENTINEL_MASTER",
        "helpline",
        "The name under which the sentinels monitor the helpline's primary.",
    )
    redis_sentinel_password: str = _setting(
        "REDIS_SENTINEL_PASSWORD",
        "",
        "Password of the sentinels themselves, if they have one.",
    )
    redis_password: str = _setting(
        "REDIS_PASSWORD",
        "",
        "Password of the Redis servers found through the sentinels (with `REDIS_URL`, put it in the URL).",
    )
    secret_key: str = _setting(
        "SECRET_KEY",
        "dev-only-secret-key",
        "Signs dashboard sessions.",
        required=True,
        shown=DEVELOPMENT_VALUE,
    )
    pseudonym_key: str = _setting(
        "HELPLINE_PSEUDONYM_KEY",
        "dev-only-pseudonym-key",
        "Key of the HMAC that pseudonymises caller numbers at rest. Never change it casually: repeat-caller detection depends on it.",
        required=True,
        shown=DEVELOPMENT_VALUE,
    )
    public_url: str = _setting(
        "PUBLIC_URL",
        "http://localhost:8000",
        "Base URL Twilio reaches; used for absolute callback URLs and signature checks.",
        required=True,
    )
    twilio_account_sid: str = _setting(
        "TWILIO_ACCOUNT_SID",
        DEV_ACCOUNT_SID,
        "Twilio account SID (AC...).",
        required=True,
        shown=f"`{DEV_ACCOUNT_SID}`",
    )
    twilio_auth_token: str = _setting(
        "TWILIO_AUTH_TOKEN",
        "dev-auth-token",
        "Twilio auth token; checks X-Twilio-Signature and authenticates REST calls.",
        required=True,
        shown=DEVELOPMENT_VALUE,
    )
    phone_number: str = _setting(
        "HELPLINE_PHONE_NUMBER",
        "+31850000000",
        "The helpline's Twilio number (E.164); caller ID when calling people back.",
        required=True,
    )
    twilio_api_url: str = _setting(
        "TWILIO_API_URL",
        "",
        "Optional: send every Twilio REST request to this base URL (the simulator).",
    )
    timezone: str = _setting(
        "HELPLINE_TIMEZONE",
        "Europe/Amsterdam",
        "Timezone of the opening hours.",
    )
    opening_hours: str = _setting(
        "HELPLINE_OPENING_HOURS",
        "mo-fr 09:00-17:00",
        "Weekly hours, e.g. `mo-fr 09:00-17:00; sa 10:00-13:00`, or `always`. Coordinators can override them at run time.",
    )
    holidays: str = _setting(
        "HELPLINE_HOLIDAYS",
        "NL",
        "Closed days: a country code for its public holidays (`NL`), explicit dates (`2026-12-24`), or both, comma separated; empty for none.",
    )
    flow: str = _setting(
        "HELPLINE_FLOW",
        "",
        "Path of the IVR flow file; default the shipped `ivr_flows/digihulplijn.yaml`.",
    )
    ask_referral: bool = _setting(
        "HELPLINE_ASK_REFERRAL",
        True,
        "Ask callers who sent them, while they wait (skippable, once per caller). Steps marked `enabled_by: ask_referral`.",
        cast=_bool,
    )
    max_wait: int = _setting(
        "HELPLINE_MAX_WAIT",
        900,
        "Seconds of waiting after which the callback is offered again.",
        cast=_positive_int,
    )
    max_hold: int = _setting(
        "HELPLINE_MAX_HOLD",
        2700,
        "Seconds after which nobody is held any longer: a callback to the calling number is arranged (or, without a usable number, the caller hears when to call again).",
        cast=_positive_int,
    )
    announce_interval: int = _setting(
        "HELPLINE_ANNOUNCE_INTERVAL",
        60,
        "Minimum seconds between two spoken messages while waiting.",
        cast=_positive_int,
    )
    position_repeat: int = _setting(
        "HELPLINE_POSITION_REPEAT",
        180,
        "Seconds after which an unchanged position is said again.",
        cast=_positive_int,
    )
    hold_music_url: str = _setting(
        "HELPLINE_HOLD_MUSIC_URL",
        "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3",
        "Music played while waiting; empty for silence.",
    )
    wait_segment: int = _setting(
        "HELPLINE_WAIT_SEGMENT",
        20,
        "Seconds of silence per wait document when no music is set.",
        cast=_positive_int,
    )
    estimate_window: int = _setting(
        "HELPLINE_ESTIMATE_WINDOW",
        3600,
        "Seconds of recent history used to estimate waits (shortly after opening only the time open, at least 10 minutes).",
        cast=_positive_int,
    )
    repeat_window_days: int = _setting(
        "HELPLINE_REPEAT_WINDOW_DAYS",
        14,
        "A caller who called about the same topic within this many days is a repeat caller.",
        cast=_positive_int,
    )
    priority_repeat: int = _setting(
        "HELPLINE_PRIORITY_REPEAT",
        1,
        "Priority bonus for a repeat caller (0 disables).",
        cast=_positive_int,
    )
    priority_callback_due: int = _setting(
        "HELPLINE_PRIORITY_CALLBACK_DUE",
        1,
        "Priority bonus for a callback that is due.",
        cast=_positive_int,
    )
    widen_after: int = _setting(
        "HELPLINE_WIDEN_AFTER",
        120,
        "Seconds of waiting after which a caller may go to any available volunteer.",
        cast=_positive_int,
    )
    offer_timeout: int = _setting(
        "HELPLINE_OFFER_TIMEOUT",
        20,
        "Seconds a volunteer has to accept an offer.",
        cast=_positive_int,
    )
    wrapup_seconds: int = _setting(
        "HELPLINE_WRAPUP_SECONDS",
        120,
        "Seconds of wrap-up after a call before the volunteer is available again.",
        cast=_positive_int,
    )
    wrapup_limit: int = _setting(
        "HELPLINE_WRAPUP_LIMIT",
        600,
        'Seconds a wrap-up may last at most: "Meer tijd" adds 2 minutes up to it, and a '
        "wrap-up form with unsaved input holds new callers off until then (the volunteer is "
        "then paused).",
        cast=_positive_int,
    )
    max_missed: int = _setting(
        "HELPLINE_MAX_MISSED",
        3,
        "Missed offers in a row after which a volunteer is paused.",
        cast=_positive_int,
    )
    skip_seconds: int = _setting(
        "HELPLINE_SKIP_SECONDS",
        60,
        "Seconds before a volunteer is offered a caller they just missed or declined again.",
        cast=_positive_int,
    )
    routing_strategy: str = _setting(
        "HELPLINE_ROUTING_STRATEGY",
        "longest_idle",
        "`longest_idle` or `fewest_calls` (today) among the volunteers who qualify.",
    )
    ring_timeout: int = _setting(
        "HELPLINE_RING_TIMEOUT",
        25,
        "Seconds a volunteer's (or callback citizen's) phone rings before we give up.",
        cast=_positive_int,
    )
    callback_tries: int = _setting(
        "HELPLINE_CALLBACK_TRIES",
        3,
        "Tries to reach a citizen for a callback before it is recorded as unreachable.",
        cast=_positive_int,
    )
    callback_retry_minutes: int = _setting(
        "HELPLINE_CALLBACK_RETRY_MINUTES",
        15,
        "Minutes between two tries of a callback.",
        cast=_positive_int,
    )
    clock_speed: float = _setting(
        "HELPLINE_CLOCK_SPEED",
        1.0,
        "For demos and tests only: the app's time runs this many times faster than the wall clock (the simulator uses the same setting).",
        cast=float,
    )
    clock_epoch: int = _setting(
        "HELPLINE_CLOCK_EPOCH",
        0,
        "For demos and tests only: wall time (ms) from which a faster clock counts.",
        cast=_positive_int,
    )
    volunteer_timeout: int = _setting(
        "HELPLINE_VOLUNTEER_TIMEOUT",
        90,
        "Seconds without a sign of life from a volunteer's dashboard after which an available or offered volunteer is set offline (their offer goes to someone else).",
        cast=_positive_int,
    )
    call_ttl: int = _setting(
        "HELPLINE_CALL_TTL",
        7 * 24 * 3600,
        "Seconds a finished call's working state stays in Redis (events stay longer).",
        cast=_positive_int,
    )
    log_format: str = _setting(
        "HELPLINE_LOG_FORMAT",
        "text",
        "`json` for one JSON object per log line (with call and job ids), or `text`.",
        cast=_log_format,
    )
    metrics_token: str = _setting(
        "HELPLINE_METRICS_TOKEN",
        "",
        "When set, `/metrics` needs `Authorization: Bearer <token>`. Production refuses to start without it unless `HELPLINE_METRICS_BIND` is set.",
    )
    metrics_bind: str = _setting(
        "HELPLINE_METRICS_BIND",
        "",
        "An internal `host:port` where gunicorn also listens and the only address that serves `/metrics` (without a token); the public address then answers 404 there.",
    )
    trusted_proxies: int = _setting(
        "HELPLINE_TRUSTED_PROXIES",
        0,
        "How many proxies in front of the app are believed: their `X-Forwarded-For`, `-Proto` and `-Host` headers count, no more. 0: none is believed, the connection's address is the client's.",
        cast=_positive_int,
    )
    session_idle_minutes: int = _setting(
        "HELPLINE_SESSION_IDLE_MINUTES",
        60,
        "Minutes without a request after which a dashboard session ends (besides the 12 hours any session lasts at most).",
        cast=_at_least_one,
    )
    service_level_seconds: int = _setting(
        "HELPLINE_SERVICE_LEVEL_SECONDS",
        120,
        "The service level's answer time: a caller answered within this many seconds counts as answered in time.",
        cast=_positive_int,
    )
    service_level_target: float = _setting(
        "HELPLINE_SERVICE_LEVEL_TARGET",
        0.8,
        "The share of callers to answer within the service level's time (0-1); the staffing estimate aims at it.",
        cast=_share,
    )
    event_retention_days: int = _setting(
        "HELPLINE_EVENT_RETENTION_DAYS",
        90,
        "Days raw call events are kept; aggregates stay.",
        cast=_positive_int,
    )
    idempotency_ttl: int = _setting(
        "HELPLINE_IDEMPOTENCY_TTL",
        3600,
        "Seconds a webhook answer is remembered for a redelivery with the same token.",
        cast=_positive_int,
    )
    streams_per_account: int = _setting(
        "HELPLINE_STREAMS_PER_ACCOUNT",
        5,
        "Live event streams (open dashboard pages) one account may hold at once; one more is refused with 429 until one closes.",
        cast=_at_least_one,
    )


@dataclass(frozen=True)
class Setting:
    """One row of the table: the environment name and how it is read."""

    attr: str
    name: str
    default: Any
    cast: Callable[[str], Any]
    required_in_production: bool
    doc: str
    shown: str | None

    def shown_default(self) -> str:
        """The default as the README shows it."""
        if self.shown is not None:
            return self.shown
        if self.default == "":
            return "(empty)"
        if isinstance(self.default, bool):
            return f"`{str(self.default).lower()}`"
        return f"`{self.default}`"


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(
        f.name,
        f.metadata["name"],
        f.default,
        f.metadata["cast"],
        f.metadata["required"],
        f.metadata["doc"],
        f.metadata["shown"],
    )
    for f in dataclasses.fields(Settings)
)
_BY_NAME = {s.name: s for s in SETTINGS}
# Secrets whose default is public (it is in this file): never accepted in production.
DEVELOPMENT_ONLY = (
    "SECRET_KEY",
    "HELPLINE_PSEUDONYM_KEY",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_ACCOUNT_SID",
)


def _read(setting: Setting, raw: Any) -> Any:
    if not isinstance(raw, str) or setting.cast is str:
        return raw
    try:
        return setting.cast(raw)
    except ValueError as exc:
        raise ConfigError(f"{setting.name} is not valid: {exc}") from None


def load(
    environ: Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Read every setting from ``environ`` (default ``os.environ``), then apply overrides (by
    environment name; other keys are ignored here)."""
    environ = os.environ if environ is None else environ
    given = {k: v for k, v in environ.items() if k in _BY_NAME}
    given.update({k: v for k, v in (overrides or {}).items() if k in _BY_NAME})
    values = {s.attr: _read(s, given[s.name]) if s.name in given else s.default for s in SETTINGS}
    settings = Settings(**values)
    if settings.env == "production":
        refuse_unsafe_production(
            settings, given, [s for s in SETTINGS if s.required_in_production], DEVELOPMENT_ONLY
        )
    validate(settings)
    return settings


def as_environment(settings: Settings) -> dict[str, str]:
    """The settings as environment variables, for a child process (the demo's workers)."""
    return {s.name: str(getattr(settings, s.attr)) for s in SETTINGS}


def markdown_table() -> str:
    """The README's configuration table."""
    rows = ["| setting | default | required in production | what it does |", "|---|---|---|---|"]
    for s in SETTINGS:
        required = "yes" if s.required_in_production else ""
        rows.append(f"| `{s.name}` | {s.shown_default()} | {required} | {s.doc} |")
    return "\n".join(rows)


def setting(name: str) -> Setting:
    return _BY_NAME[name]
