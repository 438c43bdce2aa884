"""The report API: findings with title, text, action and evidence in words and the raw figures
apart; the menu's drop-off; the funding report for a period, refused in words when the period
is not sane (never a 500); volunteers' activity, everyone's for a coordinator and a volunteer's
own for them; each CSV export with the same columns as its JSON rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from helpline.people import People
from helpline.reports.aggregate import Aggregator
from helpline.reports.bottlenecks import detect
from helpline.reports.periods import day_words
from helpline.reports.tables import Reports
from tests.test_report_figures import generated
from tests.test_reports import pattern_history

PASSWORD = "correct horse battery"


def client_of(app, username: str, role: str):
    People(app.extensions["helpline"]).add(username, PASSWORD, role=role, name=username.title(),
                                           phone="+31611111111", skills=["digid"])  # fmt: skip
    client = app.test_client()
    assert (
        client.post("/api/login", json={"username": username, "password": PASSWORD}).status_code
        == 200
    )
    return client


@pytest.fixture
def counted(app, r):
    h = app.extensions["helpline"]
    pattern_history(r).write()
    history = generated(r)
    history.write()
    Aggregator(h.redis, h.settings, h.store.clock).process()
    detect(h)
    return history


def test_findings_come_in_words_with_their_figures_apart(app, counted):
    client = client_of(app, "cora", "coordinator")
    report = client.get("/api/reports/bottlenecks").json
    assert report["generated_words"].startswith("vandaag om ")
    for finding in report["findings"]:
        assert {"title", "text", "action", "evidence_text", "method_text", "figures"} <= set(
            finding
        )
        assert "evidence" not in finding
    english = client.get("/api/reports/bottlenecks?lang=en&kind=repeat_callers").json
    assert [f["title"] for f in english["findings"]] == ["4 people called again about your bank"]


def test_findings_follow_the_period_a_coordinator_chooses(app, counted):
    """The sms-code problem of the last days is a finding of a period that holds those days,
    said with that period, and no finding of a quiet period a month before; the standing
    findings speak of the last 7 days; a period out of range is refused."""
    client = client_of(app, "cora", "coordinator")
    h = app.extensions["helpline"]
    today = Reports(h.redis, h.settings, h.store.clock).today()

    def findings(query: str) -> dict:
        answer = client.get(f"/api/reports/bottlenecks?{query}")
        assert answer.status_code == 200, answer.json
        return answer.json

    def sms_code(report: dict) -> list[dict]:
        return [f for f in report["findings"] if f["subject"] == "digid/sms_code"]

    first, last = today - timedelta(days=7), today - timedelta(days=1)
    busy = findings(f"start={first}&end={last}")
    assert busy["period_words"] == f"{day_words(first, 'nl')} tot en met {day_words(last, 'nl')}"
    (sms,) = sms_code(busy)
    assert sms["figures"]["count"] == 12
    assert sms["figures"]["period"] == {"from": str(first), "to": str(last)}
    assert sms["text"].startswith(f"Vrijwilligers hielpen van {first.day} ")
    assert "normaal ongeveer 2 keer in zo'n periode" in sms["evidence_text"]
    assert "met de 8 weken daarvoor" in sms["method_text"]
    assert "de afgelopen 7 dagen" not in " ".join(f["text"] for f in busy["findings"])

    quiet = findings(f"start={today - timedelta(days=27)}&end={today - timedelta(days=21)}")
    assert sms_code(quiet) == []
    assert not [f for f in quiet["findings"] if f["kind"] == "late_callbacks"]

    month = findings(f"period={last.year}-{last.month:02d}&lang=en")
    in_words = f"{day_words(last, 'en').split(' ', 1)[1]}"  # 'November 2026'
    assert month["period_words"] == in_words
    for finding in sms_code(month):
        assert finding["text"].startswith(f"In {in_words} volunteers helped")

    ahead = client.get(
        f"/api/reports/bottlenecks?start={today + timedelta(days=1)}"
        f"&end={today + timedelta(days=7)}"
    )
    assert ahead.status_code == 200 and ahead.json["findings"] == []  # days still to come

    standing = findings("")
    assert standing["period_words"] == "de afgelopen 7 dagen"
    assert sms_code(standing)[0]["evidence_text"].startswith("Deze week 12 keer")
    refused = client.get("/api/reports/bottlenecks?period=2999")
    assert refused.status_code == 400 and refused.json["error"]


def test_menu_funding_and_activity_for_a_period_and_refusals(app, counted):
    client = client_of(app, "cora", "coordinator")
    menu = client.get("/api/reports/menu?period=year").json
    assert {"step", "entered", "left_here"} <= set(menu["steps"][0])
    assert menu["closed_hours_calls"] == 2
    funding = client.get("/api/reports/funding?period=year").json
    names = {row["name"] for row in funding["rows"]}
    assert names >= {"ING", "Bank, naam onbekend", "Niet gevraagd of overgeslagen"}
    for bad in ("period=1999", "period=2999", "period=2026-Q9", "start=2026-02-01&end=2026-01-01"):
        refused = client.get(f"/api/reports/funding?{bad}")
        assert refused.status_code == 400 and refused.json["error"], bad
    assert client.get("/api/reports/activity?period=year").status_code == 200


def test_a_volunteer_sees_only_their_own_activity_and_no_other_report(app, counted):
    client = client_of(app, "vince", "volunteer")
    mine = client.get("/api/reports/activity?period=year").json
    assert [row["volunteer"] for row in mine["rows"]] == ["vince"]
    assert client.get("/api/reports/funding").status_code == 403
    assert client.get("/api/reports/menu").status_code == 403


def test_each_csv_export_has_the_columns_of_its_json_rows(app, counted):
    client = client_of(app, "cora", "coordinator")
    for api, page in (
        ("/api/reports/funding?period=year", "/coordinator/funding.csv?period=year"),
        ("/api/reports/activity?period=year", "/coordinator/activity.csv?period=year"),
        ("/api/reports/menu?period=year", "/coordinator/report/menu.csv?period=year"),
    ):
        rows = client.get(api).json["rows" if "menu" not in api else "steps"]
        text = client.get(page).get_data(as_text=True).lstrip("\ufeff")
        header = next(csv.reader(io.StringIO(text)))
        assert sorted(header) == sorted(rows[0]) and len(header) == len(rows[0]), page


def test_every_report_page_renders_in_dutch_and_english(app, counted):
    client = client_of(app, "cora", "coordinator")
    for lang in ("nl", "en"):
        for path in (
            "/coordinator/report?period=year",
            "/coordinator/report?period=2026-11",
            "/coordinator/funding?period=year",
            "/coordinator/funding/bank/ing?period=year",
            "/coordinator/activity?period=year",
            "/coordinator/people",
            "/coordinator",
        ):
            page = client.get(f"{path}&lang={lang}" if "?" in path else f"{path}?lang={lang}")
            assert page.status_code == 200, (lang, path)
    english = client.get("/coordinator/report?period=year&lang=en").get_data(as_text=True)
    assert "Worked out today at" in english and "What you can do:" in english
    assert client.get("/coordinator/report?week=1999-W01").status_code == 400
