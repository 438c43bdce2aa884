"""The JSON API behind the volunteer's dashboard (described at /api/openapi.json).

Sign-in gives a session cookie (HttpOnly, SameSite, Secure behind https) and a CSRF token,
which every state-changing request sends as ``X-CSRF-Token``. A volunteer sees and changes
only their own offers and calls: the router checks that the offer is theirs.
"""

from __future__ import annotations

import functools
import hmac
import logging

from flask import after_this_request, current_app, g, request

from helpline.accounts import Accounts, Throttled
from helpline.api import schemas
from helpline.api.contract import bp, init_app, operation  # noqa: F401  (init_app: the app's)
from helpline.api.messages import error
from helpline.extensions import helpline
from helpline.model import Party
from helpline.texts import N_

log = logging.getLogger(__name__)
COOKIE = "hl_session"
DEVICE_COOKIE = "hl_device"  # this browser signed in before (see ``Accounts.device_mark``)
# What an account with a temporary password may do before it has chosen a new one.
BEFORE_PASSWORD_CHANGE = frozenset(
    {"api.get_me", "api.logout", "api.logout_everywhere", "api.change_password"}
)
# Why an offer could not be taken or declined (the router's answers).
MESSAGES = {
    "not-offered": N_("offer_not_yours"),
    "expired": N_("offer_expired"),
    "gone": N_("caller_gone"),
    "stale": N_("offer_not_yours"),
}


def accounts() -> Accounts:
    return helpline().accounts


def signed_in(view):
    """Needs a live session; state-changing methods also need the CSRF token."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        sessions = accounts()
        found = sessions.session(request.cookies.get(COOKIE))
        if found is None:
            return error(401, "not_signed_in")
        g.session, g.account = found
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            token = request.headers.get("X-CSRF-Token", "")
            if not hmac.compare_digest(token.encode("utf-8", "replace"), g.session.csrf.encode()):
                return error(403, "csrf_wrong")
        if g.account.must_change and request.endpoint not in BEFORE_PASSWORD_CHANGE:
            return error(403, "password_change_required")
        sessions.touch(g.session)
        helpline().router.heartbeat(g.account.username)
        return view(*args, **kwargs)

    return wrapped


signed_in.refuses = (401,)


def coordinator_only(view):
    """Needs a coordinator's live session (and the CSRF token, as ``signed_in``)."""

    @functools.wraps(view)
    @signed_in
    def wrapped(*args, **kwargs):
        if not g.account.is_coordinator:
            return error(403, "coordinators_only")
        return view(*args, **kwargs)

    return wrapped


coordinator_only.refuses = (401, 403)


@operation("GET", "/openapi.json", "getOpenApi", "This document", ok=schemas.Document)
def openapi():
    return current_app.extensions["helpline_api"].spec.to_dict()


@operation(
    "POST",
    "/login",
    "login",
    "Sign in; returns the CSRF token",
    body=schemas.Credentials,
    ok=schemas.Login,
    errors=(401, 429),
)
def login(credentials):
    address = request.remote_addr or "-"  # the client's own: see HELPLINE_TRUSTED_PROXIES
    device = request.cookies.get(DEVICE_COOKIE, "")
    try:
        session = accounts().login(
            credentials["username"], credentials["password"], address, device
        )
    except Throttled as exc:
        response = error(429, "login_throttled")
        response[0].headers["Retry-After"] = str(exc.retry_after)
        return response
    if session is None:
        return error(401, "login_wrong")
    mark = accounts().device_mark(session.username)
    after_this_request(functools.partial(_set_cookie, session.token, mark))
    return {"csrf_token": session.csrf, "user": _me(accounts().get(session.username))}


def _set_cookie(token: str, mark: str, response):
    secure = request.is_secure or helpline().settings.public_url.startswith("https://")
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="Lax", secure=secure, max_age=12 * 3600, path="/"
    )
    if mark:
        response.set_cookie(
            DEVICE_COOKIE, mark, httponly=True, samesite="Strict", secure=secure,
            max_age=180 * 86400, path="/api/login",
        )  # fmt: skip
    return response


@operation(
    "POST", "/logout", "logout", "Sign out (ends the session)", access=signed_in, ok=schemas.Ok
)
def logout():
    accounts().logout(g.session.token)
    after_this_request(_delete_cookie)
    return {"ok": True}


@operation(
    "POST",
    "/logout-everywhere",
    "logoutEverywhere",
    "Sign out everywhere (ends every session of my account)",
    access=signed_in,
    ok=schemas.Ok,
)
def logout_everywhere():
    accounts().end_sessions(g.account.username)
    after_this_request(_delete_cookie)
    return {"ok": True}


def _delete_cookie(response):
    response.delete_cookie(COOKIE, path="/")
    return response


def _me(account) -> dict:
    router = helpline().router
    profile = router.volunteer(account.username)
    base = {
        "username": account.username,
        "name": account.name,
        "role": account.role,
        "must_change_password": account.must_change,
    }
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


@operation("GET", "/me", "getMe", "Who I am and my status", access=signed_in, ok=schemas.Me)
def get_me():
    return _me(g.account)


@operation(
    "POST",
    "/status",
    "setStatus",
    "Go available, pause or offline",
    access=signed_in,
    body=schemas.StatusChange,
    ok=schemas.Me,
    errors=(409,),
)
def set_status(change):
    status = change["status"]
    if helpline().router.volunteer(g.account.username) is None:
        return error(409, "no_volunteer_profile")
    result = helpline().router.set_state(g.account.username, status, "by_volunteer")
    if result == "busy":
        return error(409, "status_busy")
    return _me(g.account)


def _offer(username: str) -> dict | None:
    h = helpline()
    now = h.store.clock.now_ms()
    person = h.router.volunteer(username)
    offer = person.current_offer(now) if person else None
    if offer is None:
        return None
    party = h.store.party(offer.member) or Party.from_hash(offer.member, {})
    topic = h.flow.topics.get(party.topic)
    offered = person.state == "offered"
    return {
        "id": offer.member,
        "state": person.state,
        "kind": "callback" if party.is_callback else "call",
        "topic": party.topic or None,
        "topic_name": topic.staff_label("nl") if topic else None,
        "language": party.lang or None,
        "waited_seconds": party.waited_ms(now) // 1000,
        "repeat_caller": party.repeat,
        "referral": party.referral or None,
        "widened": offer.widened,
        "expires_in": max(0, (offer.expires_ms - now) // 1000) if offered else None,
        "waiting_since_ms": party.arrival_ms,
        "expires_at_ms": offer.expires_ms if offered else None,
    }


@operation(
    "GET",
    "/offer",
    "getCurrentOffer",
    "My current offer or call, if any",
    access=signed_in,
    ok=schemas.OfferEnvelope,
)
def get_current_offer():
    return {"offer": _offer(g.account.username)}


def _decide(accept: bool, offer_id: str):
    router = helpline().router
    if accept:
        result = router.accept(g.account.username, offer_id)
        ok = result == "accepted"
    else:
        volunteer = router.volunteer(g.account.username)
        if not volunteer or volunteer.offer_member != offer_id or volunteer.state != "offered":
            return error(404, MESSAGES["not-offered"])
        result = router.decline(g.account.username, offer_id)
        ok = result != "stale"
    if not ok:
        return error(409 if result != "not-offered" else 404, MESSAGES.get(result, "error_generic"))
    return {"ok": True, "offer": _offer(g.account.username)}


DECISION = {"access": signed_in, "ok": schemas.Decision, "errors": (404, 409)}


@operation("POST", "/offers/<offer_id>/accept", "acceptOffer", "Take my offer", **DECISION)
def accept_offer(offer_id):
    return _decide(True, offer_id)


@operation("POST", "/offers/<offer_id>/decline", "declineOffer", "Pass my offer on", **DECISION)
def decline_offer(offer_id):
    return _decide(False, offer_id)


from helpline.api import account as account_routes  # noqa: E402,F401  (its routes join bp)
from helpline.api import (  # noqa: E402,F401  (their routes join bp)
    coordinator,
    desk,
    mentor,
    reports,
    shifts,
    sms,
    volunteer,
)
