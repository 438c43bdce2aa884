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
from helpline.api.messages import localize, request_language
from helpline.api.spec import OPENAPI
from helpline.extensions import helpline

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")
COOKIE = "hl_session"
MESSAGES = {
    "not-offered": "Dit aanbod is niet (meer) voor u.",
    "expired": "Dit aanbod is verlopen.",
    "gone": "De beller is er niet meer.",
    "stale": "Dit aanbod is niet (meer) voor u.",
}


def error(status: int, message: str, **extra):
    """A JSON error with a message for people, in the language they chose."""
    return jsonify({"error": localize(message, request_language()), **extra}), status


def accounts() -> Accounts:
    return Accounts(helpline().redis)


def signed_in(view):
    """Needs a live session; state-changing methods also need the CSRF token."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        found = accounts().session(request.cookies.get(COOKIE))
        if found is None:
            return error(401, "U bent niet (meer) ingelogd.")
        g.session, g.account = found
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            token = request.headers.get("X-CSRF-Token", "")
            if not hmac.compare_digest(token.encode("utf-8", "replace"), g.session.csrf.encode()):
                return error(
                    403, "De beveiligingscode ontbreekt of klopt niet. Laad de pagina opnieuw."
                )
        helpline().router.heartbeat(g.account.username)
        return view(*args, **kwargs)

    return wrapped


def coordinator_only(view):
    @functools.wraps(view)
    @signed_in
    def wrapped(*args, **kwargs):
        if not g.account.is_coordinator:
            return error(403, "Alleen voor coördinatoren.")
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
        response = error(
            429, "Te vaak een verkeerd wachtwoord. Probeer het over een tijdje opnieuw."
        )
        response[0].headers["Retry-After"] = str(exc.retry_after)
        return response
    if session is None:
        return error(401, "De gebruikersnaam of het wachtwoord klopt niet.")
    account = accounts().get(session.username)
    response = jsonify({"csrf_token": session.csrf, "user": _me(account)})
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or current_app.config["PUBLIC_URL"].startswith("https://"),
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
    profile = helpline().router.volunteer(account.username)
    raw = profile.raw if profile else {}
    return {
        "username": account.username,
        "name": account.name,
        "role": account.role,
        "status": raw.get("state", "offline"),
        "paused_reason": raw.get("paused_reason") or None,
        "notice": raw.get("notice") or None,
        "skills": list(profile.skills) if profile else [],
        "languages": list(profile.languages) if profile else [],
        "calls_today": int(raw.get("calls_today") or 0)
        if raw.get("calls_day") == helpline().router.today()
        else 0,
        "state_since_ms": int(raw.get("state_since") or 0) or None,
        "wrapup_pending": raw.get("last_call") if raw.get("state") == "wrapup" else None,
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
        return error(400, "Kies beschikbaar, pauze of offline.")
    if helpline().router.volunteer(g.account.username) is None:
        return error(409, "Voor dit account is geen vrijwilligersprofiel.")
    result = helpline().router.set_state(g.account.username, status, "by_volunteer")
    if result == "busy":
        return error(409, "U bent in gesprek. Dat kan nu niet.")
    return jsonify(_me(g.account))


def _offer(username: str) -> dict | None:
    h = helpline()
    vol = h.redis.hgetall(keys.volunteer(username))
    member = vol.get("offer")
    if not member or vol.get("state") not in ("offered", "connecting", "on_call"):
        return None
    party = h.redis.hgetall(keys.party(member))
    topic = h.flow.topics.get(party.get("topic", ""))
    now = h.store.clock.now_ms()
    expires = int(vol.get("offer_expires") or 0)
    if vol.get("state") == "offered" and now >= expires:
        return None  # expired; the expiry job is about to pass it on
    arrival = keys.arrival_of(float(party.get("score") or 0))
    return {
        "id": member,
        "state": vol.get("state"),
        "kind": "callback" if member.startswith("b:") else "call",
        "topic": party.get("topic"),
        "topic_name": topic.name.get("nl") if topic else None,
        "language": party.get("lang"),
        "waited_seconds": max(0, (now - arrival) // 1000),
        "repeat_caller": party.get("repeat") == "1",
        "referral": party.get("referral") or None,
        "widened": vol.get("offer_widened") == "1",
        "expires_in": max(0, (expires - now) // 1000) if vol.get("state") == "offered" else None,
        "waiting_since_ms": arrival,
        "expires_at_ms": expires if vol.get("state") == "offered" else None,
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
        return error(409 if result != "not-offered" else 404, MESSAGES.get(result, result))
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
