"""What happens when a caller's call ends, wherever they were in the routing."""

from __future__ import annotations

from helpline import keys


def caller_hung_up(
    helpline, sid: str, status: str, *, number: str | None = None, duration_s: str = ""
) -> str:
    """The caller's call is over: leave the line, cancel an offer or a ringing volunteer, or
    finish a conversation. Safe to call twice and in any order."""
    member = keys.call_member(sid)
    state, volunteer_id = helpline.redis.hmget(keys.call(sid), ["state", "offered_to"])
    if state in ("offered", "connecting"):
        leg = helpline.router.party_gone(member)
        if leg and helpline.jobs:
            helpline.jobs.cancel_leg(leg)
    elif state == "connected" and volunteer_id:
        helpline.router.call_done(volunteer_id, member)
    result = helpline.store.end(sid, status, number=number, duration_s=duration_s)
    if result in ("offered", "connecting"):  # a match slipped in between: cancel it too
        leg = helpline.router.party_gone(member)
        if leg and helpline.jobs:
            helpline.jobs.cancel_leg(leg)
    return result
