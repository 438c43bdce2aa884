"""The JSON API behind the volunteer's dashboard (described at /api/openapi.json).

Sign-in gives a session cookie (HttpOnly, SameSite, Secure behind https) and a CSRF token,
which every state-changing request sends as ``X-CSRF-Token``. A volunteer sees and changes
only their own offers and calls: the router checks that the offer is theirs.
"""

from __future__ import annotations

import functools
import hmac
import logging

from flask import Blueprint, current_app, g, jsonify, request

from helpline import keys
from helpline.accounts import Accounts, Throttled
from helpline.api.messages import request_language
from helpline.api.spec import OPENAPI
from helpline.extensions import helpline
from helpline.model import Party
from helpline.texts import N_, Refusal

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")
COOKIE = "hl_session"
# Why an offer could not be taken or declined (the router's answers).
MESSAGES = {
    "not-offered": N_("offer_not_yours"),
    "expired": N_("offer_expired"),
    "gone": N_("caller_gone"),
    "stale": N_("offer_not_yours"),
}


def error(status: int, reason: str | Refusal, **extra):
    """A JSON error for people, in the language they chose; ``reason`` is a message id or a
    Refusal (an id with its values)."""
    if not isinstance(reason, Refusal):
        reason = Refusal(reason)
    return jsonify({"error": reason.text(request_language()), **extra}), status


def accounts() -> Accounts:
    return Accounts(helpline().redis)


def signed_in(view):
    """Needs a live session; state-changing methods also need the CSRF token."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        found = accounts().session(request.cookies.get(COOKIE))
        if found is None:
            return error(401, "not_signed_in")
        g.session, g.account = found
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            token = request.headers.get("X-CSRF-Token", "")
            if not hmac.compare_digest(token.encode("utf-8", "replace"), g.session.csrf.encode()):
                return error(403, "csrf_wrong")
        helpline().router.heartbeat(g.account.username)
        return view(*args, **kwargs)

    return wrapped


def coordinator_only(view):
    @functools.wraps(view)
    @signed_in
    def wrapped(*args, **kwargs):
        if not g.account.is_coordinator:
            return error(403, "coordinators_only")
        return view(*args, **kwargs)

    return wrapped


def _body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.post("/login")
def login():
    body = _body()
    address = request.remote_addr or "-"
    try:
        session = accounts().login(
            str(body.get("username", "")), str(body.get("password", "")), address
        )
    except Throttled as exc:
        response = error(429, "login_throttled")
        response[0].headers["Retry-After"] = str(exc.retry_after)
        return response
    if session is None:
        return error(401, "login_wrong")
    account = accounts().get(session.username)
    response = jsonify({"csrf_token": session.csrf, "user": _me(account)})
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure
        or current_app.extensions["helpline"].settings.public_url.startswith("https://"),
        max_age=12 * 3600,
        path="/",
    )
    return response


@bp.post("/logout")
@signed_in
def logout():
    accounts().logout(g.session.token)
    response = jsonify({"ok": True})
    response.delete_cookie(COOKIE, path="/")
    return response


def _me(account) -> dict:
    router = helpline().router
    profile = router.volunteer(account.username)
    base = {"username": account.username, "name": account.name, "role": account.role}
    if profile is None:
        return {
            **base,
            **dict.fromkeys(("paused_reason", "notice", "state_since_ms", "wrapup_pending")),
            "status": "offline",
            "skills": [],
            "languages": [],
            "calls_today": 0,
        }
    return {
        **base,
        "status": profile.state,
        "paused_reason": profile.paused_reason or None,
        "notice": profile.notice or None,
        "skills": list(profile.skills),
        "languages": list(profile.languages),
        "calls_today": profile.calls_on(router.today()),
        "state_since_ms": profile.state_since or None,
        "wrapup_pending": (profile.last_call or None) if profile.state == "wrapup" else None,
    }


@bp.get("/me")
@signed_in
def get_me():
    return jsonify(_me(g.account))


@bp.post("/status")
@signed_in
def set_status():
    status = _body().get("status")
    if status not in ("available", "paused", "offline"):
        return error(400, "status_choice")
    if helpline().router.volunteer(g.account.username) is None:
        return error(409, "no_volunteer_profile")
    result = helpline().router.set_state(g.account.username, status, "by_volunteer")
    if result == "busy":
        return error(409, "status_busy")
    return jsonify(_me(g.account))


def _offer(username: str) -> dict | None:
    h = helpline()
    now = h.store.clock.now_ms()
    person = h.router.volunteer(username)
    offer = person.current_offer(now) if person else None
    if offer is None:
        return None
    party = Party.from_hash(offer.member, h.redis.hgetall(keys.party(offer.member)))
    topic = h.flow.topics.get(party.topic)
    offered = person.state == "offered"
    return {
        "id": offer.member,
        "state": person.state,
        "kind": "callback" if party.is_callback else "call",
        "topic": party.topic or None,
        "topic_name": topic.name.get("nl") if topic else None,
        "language": party.lang or None,
        "waited_seconds": party.waited_ms(now) // 1000,
        "repeat_caller": party.repeat,
        "referral": party.referral or None,
        "widened": offer.widened,
        "expires_in": max(0, (offer.expires_ms - now) // 1000) if offered else None,
        "waiting_since_ms": party.arrival_ms,
        "expires_at_ms": offer.expires_ms if offered else None,
    }


@bp.get("/offer")
@signed_in
def get_current_offer():
    return jsonify({"offer": _offer(g.account.username)})


def _decide(accept: bool, offer_id: str):
    router = helpline().router
    if accept:
        result = router.accept(g.account.username, offer_id)
        ok = result == "accepted"
    else:
        vol = helpline().redis.hgetall(keys.volunteer(g.account.username))
        if vol.get("offer") != offer_id or vol.get("state") != "offered":
            return error(404, MESSAGES["not-offered"])
        result = router.decline(g.account.username, offer_id)
        ok = result != "stale"
    if not ok:
        return error(409 if result != "not-offered" else 404, MESSAGES.get(result, "error_generic"))
    return jsonify({"ok": True, "offer": _offer(g.account.username)})


@bp.post("/offers/<offer_id>/accept")
@signed_in
def accept_offer(offer_id):
    return _decide(True, offer_id)


@bp.post("/offers/<offer_id>/decline")
@signed_in
def decline_offer(offer_id):
    return _decide(False, offer_id)


from helpline.api import coordinator, volunteer  # noqa: E402,F401  (their routes join bp)
