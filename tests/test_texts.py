"""One text catalogue: every message id the code uses is in the Dutch and the English catalogue
(``helpline/texts/*.po``), every id there is used, a text with a count has its plural forms, and
the pages, their scripts and the API's errors all take their words from it."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from flask import render_template_string
from jinja2.ext import babel_extract
from playwright.sync_api import expect

import helpline
from helpline import texts
from helpline.accounts import AccountError
from helpline.places import PlaceError
from helpline.texts import LANGUAGES, Refusal

ROOT = Path(helpline.__file__).resolve().parent
DASHBOARD = ROOT / "dashboard"
PASSWORD = "correct horse battery"


def catalogue_ids(lang: str) -> dict[str, bool]:
    """Each message id of the catalogue, and whether it has plural forms."""
    return {
        (m.id[0] if m.pluralizable else m.id): m.pluralizable for m in texts.catalogue(lang) if m.id
    }


def refusal_classes() -> set[str]:
    found, todo = set(), [Refusal]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def python_ids() -> list[tuple[str, str, str]]:
    """Ids in the Python code as (id, function, file): ``N_("id")``, ``gettext(lang, "id")``,
    ``ngettext(lang, "id", n)``, ``error(status, "id")`` and ``Refusal("id")`` (or one of its
    subclasses)."""
    position = {"N_": 0, "gettext": 1, "ngettext": 1, "error": 1}
    position |= dict.fromkeys(refusal_classes(), 0)
    found = []
    for path in [*ROOT.rglob("*.py"), *(ROOT.parent / "workers").rglob("*.py")]:
        if "simulator" in path.parts:
            continue  # Twilio's side, no texts of ours
        with path.open("rb") as fp:
            for _line, name, args, _ in extract_python(fp, dict.fromkeys(position), [], {}):
                args = args if isinstance(args, tuple) else (args,)
                if len(args) > position[name] and isinstance(args[position[name]], str):
                    found.append((args[position[name]], name, path.name))
    return found


def template_ids() -> list[tuple[str, str, str]]:
    """Ids in the templates: ``_('id')`` and ``ngettext('id', n)``, read by Jinja's parser."""
    found = []
    for path in (DASHBOARD / "templates").glob("*.html"):
        with path.open("rb") as fp:
            for _line, name, args, _ in babel_extract(fp, ["_", "ngettext"], [], {}):
                msgid = args[0] if isinstance(args, tuple) else args
                if msgid:
                    found.append((msgid, name, path.name))
    return found


SCRIPT_CALL = re.compile(r"""\b(_|ngettext|N_)\(\s*"([^"\\]+)\"""")


def script_ids() -> list[tuple[str, str, str]]:
    """Ids in the page scripts: ``_("id")``, ``ngettext("id", n)`` and ``N_("id")``."""
    found = []
    for path in (DASHBOARD / "static").glob("*.js"):
        for name, msgid in SCRIPT_CALL.findall(path.read_text()):
            found.append((msgid, name, path.name))
    return found


def uses() -> list[tuple[str, str, str]]:
    return [*python_ids(), *template_ids(), *script_ids()]


def used_ids() -> dict[str, set[str]]:
    """Each id the code uses, and where."""
    used: dict[str, set[str]] = {}
    for msgid, _name, where in uses():
        used.setdefault(msgid, set()).add(where)
    return used


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# -- the catalogues ------------------------------------------------------------------------


def test_dutch_and_english_have_the_same_message_ids_each_with_a_text():
    nl, en = catalogue_ids("nl"), catalogue_ids("en")
    assert set(nl) ^ set(en) == set()
    assert {i for i in nl if nl[i] != en[i]} == set()  # plural in one, singular in the other
    for lang in LANGUAGES:
        for message in texts.catalogue(lang):
            if not message.id:
                continue
            forms = message.string if message.pluralizable else (message.string,)
            assert all(f.strip() for f in forms), (lang, message.id)
            assert not message.fuzzy, (lang, message.id)


def test_a_text_with_a_count_has_both_forms_and_the_plural_names_the_count():
    for lang in LANGUAGES:
        assert texts.catalogue(lang).num_plurals == 2
        for message in texts.catalogue(lang):
            if message.id and message.pluralizable:
                assert len(message.string) == 2, (lang, message.id)
                assert "{n}" in message.string[1], (lang, message.id)


def test_both_languages_fill_in_the_same_placeholders():
    english = {m.id: m.string for m in texts.catalogue("en") if m.id}
    for message in texts.catalogue("nl"):
        if not message.id:
            continue
        dutch = message.string if message.pluralizable else (message.string,)
        other = english[message.id]
        other = other if message.pluralizable else (other,)
        assert placeholders(dutch[-1]) == placeholders(other[-1]), message.id


def test_every_message_id_the_code_uses_is_in_the_catalogues():
    missing = {i: sorted(where) for i, where in used_ids().items() if i not in catalogue_ids("nl")}
    assert missing == {}


def test_no_message_id_in_the_catalogues_is_unused():
    assert set(catalogue_ids("nl")) - set(used_ids()) == set()


def test_a_count_is_asked_for_with_ngettext_and_a_plain_text_without():
    plural = catalogue_ids("nl")
    wrong = {
        (msgid, name, where)
        for msgid, name, where in uses()
        if name != "N_" and msgid in plural and plural[msgid] != (name == "ngettext")
    }
    assert wrong == set()


def test_the_scanner_finds_ids_in_python_templates_and_scripts():
    python = {(msgid, name) for msgid, name, _ in python_ids()}
    assert ("csv_line", "PlaceError") in python  # raise PlaceError("csv_line", ...)
    assert ("call_wrapped_up", "error") in python  # error(409, "call_wrapped_up")
    assert ("personal_bsn", "N_") in python
    assert ("flow_choices", "ngettext") in python  # texts.ngettext(lang, "flow_choices", n)
    templates = {(msgid, name) for msgid, name, _ in template_ids()}
    assert {("seconds_ago", "ngettext"), ("finding_how", "_")} <= templates
    scripts = {(msgid, name) for msgid, name, _ in script_ids()}
    assert ("calls_count", "ngettext") in scripts  # nested in another call
    assert ("notice_busy", "N_") in scripts


@pytest.mark.parametrize(
    ("lang", "msgid", "counts", "expected"),
    [
        ("nl", "calls_count", (0, 1, 2), ["0 gesprekken", "1 gesprek", "2 gesprekken"]),
        ("en", "calls_count", (0, 1, 2), ["0 calls", "1 call", "2 calls"]),
        ("nl", "seconds", (1, 59), ["1 seconde", "59 seconden"]),
        ("nl", "minutes_long", (1, 3), ["1 minuut", "3 minuten"]),
        ("en", "offer_countdown", (1, 9), ["1 second left to accept", "9 seconds left to accept"]),
        ("nl", "imported", (1, 40), ["1 plek geïmporteerd.", "40 plekken geïmporteerd."]),
    ],
)
def test_a_count_chooses_its_form(lang, msgid, counts, expected):
    assert [texts.ngettext(lang, msgid, n) for n in counts] == expected


def test_a_refusal_is_dutch_unless_asked_and_translates_what_it_holds():
    refusal = PlaceError("csv_line", line=5, problem=PlaceError("postcode_invalid"))
    assert str(refusal) == "Regel 5: Vul een postcode in, zoals 1234 AB."
    assert refusal.text("en") == "Line 5: Fill in a postcode, such as 1234 AB."


def test_the_page_scripts_know_the_plural_rule_of_every_catalogue():
    common = (DASHBOARD / "static" / "common.js").read_text()
    rules = common[common.index("const PLURAL_RULES") :].split("};", 1)[0]
    for lang in LANGUAGES:
        assert f'"{texts.plural_rule(lang)}":' in rules, lang


def test_the_scripts_get_the_whole_catalogue_with_plural_forms(app):
    with app.test_request_context("/login", headers={"Cookie": "hl_lang=en"}):
        page = render_template_string("{{ texts_json | safe }}|{{ ngettext('calls_count', 1) }}")
    sent, counted = page.rsplit("|", 1)
    assert counted == "1 call"
    assert texts.browser_texts("en")["messages"]["calls_count"] == ["1 call", "{n} calls"]
    assert '"calls_count": ["1 call", "{n} calls"]' in sent


# -- the API's errors ----------------------------------------------------------------------


@pytest.fixture
def coordinator(app):
    from helpline.people import People

    People(app.extensions["helpline"]).add("cora", PASSWORD, role="coordinator", name="Cora")
    client = app.test_client()
    response = client.post("/api/login", json={"username": "cora", "password": PASSWORD})
    return client, response.json["csrf_token"]


def test_an_api_error_with_values_comes_in_the_language_of_the_cookie(coordinator):
    client, csrf = coordinator
    body = "name,kind,postcode\nGoed,bibliotheek,1234 AB\nZonder postcode,bibliotheek,\n"

    def import_csv():
        return client.post(
            "/api/places/import",
            data=body,
            headers={"X-CSRF-Token": csrf, "Content-Type": "text/csv"},
        )

    assert import_csv().json["error"] == "Regel 3: Vul een postcode in, zoals 1234 AB."
    client.set_cookie("hl_lang", "en")
    assert import_csv().json["error"] == "Line 3: Fill in a postcode, such as 1234 AB."
    again = {"username": "cora", "password": PASSWORD, "role": "coordinator"}
    response = client.post("/api/people", json=again, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 400
    assert response.json["error"] == "The account cora already exists."


def test_a_mistake_in_the_opening_hours_is_named_in_the_coordinators_language(coordinator):
    client, csrf = coordinator

    def save(weekly):
        return client.put("/api/hours", json={"weekly": weekly}, headers={"X-CSRF-Token": csrf})

    dutch = save("mo-fr 9-17")
    assert dutch.status_code == 400
    assert dutch.json["error"] == "Dit klopt niet: '9-17' is geen tijd van-tot zoals 09:00-17:00"
    client.set_cookie("hl_lang", "en")
    english = save("xx 09:00-17:00").json["error"]
    assert english == "This is not right: unknown day 'xx' (use mo tu we th fr sa su)"


def test_the_command_line_says_an_account_problem_in_english(app):
    result = app.test_cli_runner().invoke(
        args=["user", "add", "dirk", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0
    assert "A password needs at least 12 characters." in result.output


def test_account_errors_carry_their_message_id_and_values():
    error = AccountError("account_exists", username="anna")
    assert (error.msgid, error.values) == ("account_exists", {"username": "anna"})
    assert error.text("en") == "The account anna already exists."


# -- the browser ---------------------------------------------------------------------------


def test_the_browser_counts_in_words_as_the_server_does(make_world, chromium):
    world = make_world()
    page = chromium.new_page()
    for lang in LANGUAGES:
        page.goto(f"{world.app_server.url}/login?lang={lang}")
        expect(page.locator("h1")).to_have_text(texts.gettext(lang, "login_title"))
        for msgid in ("calls_count", "seconds", "places_found", "offer_countdown"):
            in_browser = page.evaluate(
                "(msgid) => [...Array(121).keys()].map((n) => ngettext(msgid, n))", msgid
            )
            assert in_browser == [texts.ngettext(lang, msgid, n) for n in range(121)]
        assert page.evaluate("() => duration(61)") == texts.ngettext(lang, "minutes_long", 1)
    assert page.evaluate("() => ngettext('calls_count', 2)") == "2 calls"
    page.close()
