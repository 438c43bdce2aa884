"""What ``scripts/run`` says before the helpline takes calls: the settings that still hold their
public development values or placeholders, and how to add the first account when there is
none. Run as ``python -m helpline.preflight``; waits a moment for Redis to answer."""

from __future__ import annotations

import os
import sys
import time

import redis

from helpline import config
from helpline.config import DEVELOPMENT_ONLY, ConfigError, Settings, setting

PLACEHOLDERS = ("TWILIO_ACCOUNT_SID", "HELPLINE_PHONE_NUMBER")


def _default(settings: Settings, name: str) -> bool:
    return getattr(settings, setting(name).attr) == setting(name).default


def warnings(settings: Settings, usernames: list[str]) -> list[str]:
    """Each thing that is not ready for real callers, in a sentence that says what to do."""
    found = []
    secrets = [name for name in DEVELOPMENT_ONLY if name not in PLACEHOLDERS]
    public = [name for name in secrets if _default(settings, name)]
    if public:
        found.append(
            f"{', '.join(public)} still have their public development values (they are in the "
            "source code): anyone could sign dashboard sessions or Twilio requests. Set them "
            "in the environment before real use."
        )
    placeholders = [name for name in PLACEHOLDERS if _default(settings, name)]
    if placeholders:
        found.append(
            f"{', '.join(placeholders)} still hold placeholders: Twilio will refuse the calls "
            "the helpline places (volunteers' phones, callbacks). Set your Twilio account's "
            "SID, auth token and number (README: Connecting a real Twilio number)."
        )
    if not usernames:
        helpline = os.path.relpath(os.path.join(os.path.dirname(sys.executable), "helpline"))
        found.append(
            "There are no accounts yet. Add the first coordinator (the password is asked for): "
            f"{helpline} user add cora --role coordinator --name Cora"
        )
    return found


def main() -> int:
    try:
        settings = config.load()
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    from helpline.extensions import connect_redis

    client = connect_redis(settings, decode_responses=True)  # through the sentinels when set
    where = "through REDIS_SENTINELS" if settings.redis_sentinels else "at REDIS_URL"
    deadline = time.monotonic() + 15
    while True:
        try:
            client.ping()
            break
        except redis.RedisError as exc:
            if time.monotonic() > deadline:
                print(f"Error: Redis does not answer {where}: {exc}", file=sys.stderr)
                return 1
            time.sleep(0.2)
    from helpline.accounts import Accounts

    for warning in warnings(settings, Accounts(client).usernames()):
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
