"""What the settings must satisfy before anything starts: the grammar of the settings that have
one, and what production refuses (a missing setting, a development secret, a short secret, an
``http://`` public URL, an open ``/metrics``). Every refusal names the setting.

Kept apart from the settings table (``helpline.config``), which calls it with the settings
read; nothing here imports that table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MIN_SECRET_LENGTH = 32  # a Twilio auth token is 32 characters; keys are no shorter
SECRETS = ("SECRET_KEY", "HELPLINE_PSEUDONYM_KEY", "TWILIO_AUTH_TOKEN")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def sentinel_addresses(text: str) -> list[tuple[str, int]]:
    """``REDIS_SENTINELS`` as (host, port) pairs; ValueError naming the bad part."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        host, sep, port = part.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{part!r} is not host:port")
        found.append((host.strip("[]"), int(port)))
    return found


def refuse_unsafe_production(
    settings: Any, given: Mapping[str, Any], required: Sequence[Any], development: Sequence[str]
) -> None:
    """Stop a production start that is missing a setting or is unsafe, naming each setting.

    ``required`` are the settings table's rows required in production, ``development`` the
    names of the secrets whose default is public; ``given`` is what the environment set.
    """
    by_name = {row.name: row for row in required}
    with_sentinels = bool(str(given.get("REDIS_SENTINELS", "")).strip())
    missing = [
        row.name
        for row in required
        if not str(given.get(row.name, "")).strip()
        and not (row.name == "REDIS_URL" and with_sentinels)
    ]
    if missing:
        raise ConfigError(
            "Production start refused; these settings are required: " + ", ".join(missing)
        )
    still_default = [
        name
        for name in development
        if getattr(settings, by_name[name].attr) == by_name[name].default
    ]
    if still_default:
        raise ConfigError(
            "Production start refused; these settings still have their development value: "
            + ", ".join(still_default)
        )
    problems = [
        f"{name} must be at least {MIN_SECRET_LENGTH} characters (a random one: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        for name in SECRETS
        if len(str(getattr(settings, by_name[name].attr)).strip()) < MIN_SECRET_LENGTH
    ]
    if not settings.public_url.startswith("https://"):
        problems.append("PUBLIC_URL must start with https:// (Twilio sends callers' data to it)")
    if not settings.metrics_token and not settings.metrics_bind:
        problems.append(
            "HELPLINE_METRICS_TOKEN must be set, or /metrics served only on an internal "
            "address with HELPLINE_METRICS_BIND"
        )
    if problems:
        raise ConfigError("Production start refused: " + "; ".join(problems))


def validate(settings: Any) -> None:
    """Check the settings that have a grammar, so a typo stops the start, not a call."""
    from helpline import hours  # local: hours imports nothing from here at module level

    try:
        hours.parse_weekly(settings.opening_hours)
    except ValueError as exc:
        raise ConfigError(f"HELPLINE_OPENING_HOURS is not valid: {exc}") from None
    try:
        hours.parse_holidays(settings.holidays)
    except ValueError as exc:
        raise ConfigError(f"HELPLINE_HOLIDAYS is not valid: {exc}") from None
    try:
        hours.zone(settings.timezone)
    except ValueError as exc:
        raise ConfigError(f"HELPLINE_TIMEZONE is not valid: {exc}") from None
    if settings.routing_strategy not in ("longest_idle", "fewest_calls"):
        raise ConfigError("HELPLINE_ROUTING_STRATEGY must be longest_idle or fewest_calls")
    if not settings.public_url.startswith(("http://", "https://")):
        raise ConfigError("PUBLIC_URL must start with http:// or https://")
    try:
        sentinels = sentinel_addresses(settings.redis_sentinels)
    except ValueError as exc:
        raise ConfigError(f"REDIS_SENTINELS is not valid: {exc}") from None
    if sentinels and not settings.redis_sentinel_master.strip():
        raise ConfigError("REDIS_SENTINEL_MASTER must name the monitored primary")
