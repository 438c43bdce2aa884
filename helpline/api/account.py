"""A person's own account: their calls and hours this week and this month, and a new password
(the current one first, the new one twice, the same rules as every password; their other
sessions end, this one stays)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import g, request

from helpline import wrapup
from helpline.accounts import AccountError, Throttled
from helpline.api import accounts, error, operation, signed_in
from helpline.api import desk_schemas as schemas
from helpline.api import schemas as base
from helpline.extensions import helpline


def _period(h, volunteer_id: str, since: datetime, now_ms: int) -> dict:
    calls, talk = wrapup.totals(h, volunteer_id, int(since.timestamp() * 1000), now_ms)
    return {"calls": calls, "talk_minutes": talk // 60_000}


@operation(
    "GET", "/account", "getMyAccount", "My calls and hours this week and this month",
    access=signed_in, ok=schemas.MyAccount,
)  # fmt: skip
def get_my_account():
    h = helpline()
    now_ms = h.store.clock.now_ms()
    now = datetime.fromtimestamp(now_ms / 1000, tz=ZoneInfo(h.settings.timezone))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = midnight - timedelta(days=now.weekday())
    month = midnight.replace(day=1)
    account, profile = g.account, h.router.volunteer(g.account.username)
    return {
        "username": account.username,
        "name": account.name,
        "role": account.role,
        "skills": list(profile.skills) if profile else [],
        "week": _period(h, account.username, week, now_ms),
        "month": _period(h, account.username, month, now_ms),
    }


@operation(
    "POST",
    "/account/password",
    "changePassword",
    "Change my own password: the current one, the new one twice; my other sessions end",
    access=signed_in,
    body=schemas.PasswordChange,
    ok=base.Ok,
    errors=(400, 429),
)
def change_password(body):
    if body["new"] != body["repeat"]:
        return error(400, "password_repeat_differs", field="repeat")
    try:
        accounts().change_own_password(
            g.session, body["current"], body["new"], address=request.remote_addr or "-"
        )
    except Throttled as exc:
        response = error(429, "login_throttled")
        response[0].headers["Retry-After"] = str(exc.retry_after)
        return response
    except AccountError as exc:
        field = "current" if exc.msgid == "password_current_wrong" else "new"
        return error(400, exc, field=field)
    return {"ok": True}
