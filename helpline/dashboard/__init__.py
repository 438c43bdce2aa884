"""The pages volunteers and coordinators use. Thin: each page is a template plus a script that
talks to the JSON API (``helpline.api``); the session cookie and CSRF token are the API's."""

from __future__ import annotations

import functools
import json
import re

import redis
from flask import Blueprint, g, redirect, render_template, request, url_for

from helpline import keys
from helpline import texts as catalogue
from helpline.api import COOKIE
from helpline.extensions import helpline
from helpline.model import PROFILE_NUMBERS
from helpline.texts import LANGUAGES

bp = Blueprint(
    "dashboard",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/dashboard-static",
)
LANG_COOKIE = "hl_lang"
SAFE_NEXT = re.compile(r"^/[A-Za-z0-9_-][A-Za-z0-9/_-]*$|^/$")


def language() -> str:
    chosen = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else "nl"


@bp.after_request
def remember_language(response):
    """``?lang=en`` on any page switches the language for the following pages too."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="Lax")
    return response


@bp.after_request
def page_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; media-src 'self' data:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def texts():
    """``_`` and ``ngettext`` for the templates, and the same catalogue as JSON for the scripts."""
    lang = language()

    def _(msgid: str, **values) -> str:
        return catalogue.gettext(lang, msgid, **values)

    def ngettext(msgid: str, n: int, **values) -> str:
        return catalogue.ngettext(lang, msgid, n, **values)

    return {
        "_": _,
        "ngettext": ngettext,
        "lang": lang,
        "texts_json": json.dumps(catalogue.browser_texts(lang)).replace("</", "<\\/"),
    }


@bp.app_context_processor
def sample_notice():
    """Whether the pages show the demo's made-up history (coordinators are told so)."""
    account = g.get("account")
    if account is None or not account.is_coordinator:
        return {"sample_data": False}
    try:
        return {"sample_data": bool(helpline().redis.exists(keys.SAMPLE))}
    except redis.RedisError:
        return {"sample_data": False}


def page(view=None, *, coordinators: bool = False):
    """A page that needs a signed-in user (and maybe a coordinator); else the sign-in page."""
    if view is None:
        return functools.partial(page, coordinators=coordinators)

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        found = helpline().accounts.session(request.cookies.get(COOKIE))
        if found is None:
            return redirect(url_for("dashboard.login", next=request.path))
        g.session, g.account = found
        helpline().accounts.touch(g.session)
        if coordinators and not g.account.is_coordinator:
            return render_template("forbidden.html"), 403
        return view(*args, **kwargs)

    return wrapped


@bp.get("/")
def home():
    return redirect(url_for("dashboard.calls"))


@bp.get("/login")
def login():
    target = request.args.get("next", "")
    if not SAFE_NEXT.match(target):  # only our own pages: no //host, no \host, no tabs
        target = url_for("dashboard.calls")
    return render_template("login.html", next=target)


@bp.get("/calls")
@page
def calls():
    profile = helpline().router.volunteer(g.account.username)
    return render_template("calls.html", has_profile=profile is not None)


@bp.get("/account")
@page
def account():
    return render_template("account.html")


@bp.get("/coordinator")
@page(coordinators=True)
def wallboard():
    return render_template("wallboard.html")


@bp.get("/coordinator/people")
@page(coordinators=True)
def people():
    from helpline.reports.labels import Labels

    h = helpline()
    skill_names = {topic.skill: topic.name for topic in h.flow.topics.values()}
    labels = Labels(h.flow, language())
    skill_labels = {skill: labels.skill(skill) for skill in h.flow.skills}
    numbers = [(n, getattr(h.settings, n.setting)) for n in PROFILE_NUMBERS]
    return render_template(
        "people.html",
        flow=h.flow,
        skill_names=skill_names,
        skill_labels=skill_labels,
        numbers=numbers,
    )


@bp.get("/coordinator/places")
@page(coordinators=True)
def places():
    return render_template("places.html")


from helpline.dashboard import coordinator, reports, shifts  # noqa: E402,F401  (their routes join bp)
