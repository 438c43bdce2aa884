"""Every kind of finding is said in plain words: its title, text and next step hold no
snake_case token, no raw topic, sub-topic, skill or referral code, and no statistic's name,
in Dutch and in English; the shares read as people say them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpline.ivr.flow import load
from helpline.reports.findings import KINDS, describe, ratio, runs
from tests.test_reports import in_a_worker, pattern_history

FLOW = Path(__file__).resolve().parent.parent / "ivr_flows" / "digihulplijn.yaml"
FORBIDDEN_WORDS = re.compile(r"poisson|p_value|p-value|baseline|erlang c\b", re.I)
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", re.I)


def codes(flow) -> set[str]:
    """Ids a coordinator should never read: topics, sub-topics, skills, referral kinds."""
    found = set(flow.topics) | set(flow.skills) | set(flow.referral_sources)
    for topic in flow.topics.values():
        found |= {f"{topic.id}/{sub}" for sub in topic.subtopics}
        found |= {sub for sub in topic.subtopics if "_" in sub}
    # words that are also plain Dutch or English where they stand alone
    return {
        c for c in found if c not in ("bank", "general", "device", "password", "digid", "other")
    }


def problems(text: str, flow, lang: str = "nl") -> list[str]:
    found = [m.group(0) for m in SNAKE.finditer(text)]
    found += [m.group(0) for m in FORBIDDEN_WORDS.finditer(text)]
    found += [
        code for code in codes(flow) if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)
    ]
    # raw topic ids ('DigiD' is its name; in English 'password' and 'device' are words)
    raw = r"\b(device|password|digid|general)\b" if lang == "nl" else r"\b(digid)\b"
    if re.search(raw, text):
        found.append("raw topic id")
    return found


@pytest.fixture
def h(app):
    return app.extensions["helpline"]


def test_every_finding_of_every_kind_is_said_in_words_without_codes(h, r, redis_url):
    from helpline import keys

    history = pattern_history(r)
    history.write()
    late = "b:late"
    r.hset(keys.party(late), mapping={"arrival": history.ago(2), "topic": "bank"})
    r.zadd(keys.SCHEDULED_CALLBACKS, {late: history.ago(0.5)})
    in_a_worker(
        h, redis_url, "workers.reports.process_events", "workers.reports.detect_bottlenecks"
    )
    stored = json.loads(r.get(keys.FINDINGS))["findings"]
    assert {f["kind"] for f in stored} == set(KINDS)
    for lang in ("nl", "en"):
        for finding in stored:
            said = describe(finding, h.flow, lang)
            for field in ("title", "text", "action"):
                assert said[field], (finding["kind"], field)
                assert problems(said[field], h.flow, lang) == [], (
                    lang,
                    finding["kind"],
                    field,
                    said[field],
                )
            assert problems(said["evidence_text"], h.flow, lang) == []
            assert problems(said["method_text"], h.flow, lang) == []
    sms = describe(next(f for f in stored if f["subject"] == "digid/sms_code"), h.flow, "nl")
    assert sms["title"] == "Veel vaker vragen over de sms-code bij DigiD"
    assert sms["evidence_text"].startswith("Deze week 12 keer, normaal ongeveer 2 keer per week.")
    assert "Vraag de vrijwilligers wat er met de sms-code" in sms["action"]
    capacity = describe(
        next(f for f in stored if f["kind"] == "capacity" and f["subject"] == "digid"), h.flow, "nl"
    )
    assert re.match(
        r"Plan op \w+dag van 10 tot 11 uur \d+ extra vrijwilligers? voor vragen over DigiD\.",
        capacity["action"],
    )
    assert "keer per uur gebeld (de afgelopen 4 weken)." in capacity["text"]
    repeat = describe(next(f for f in stored if f["kind"] == "repeat_callers"), h.flow, "nl")
    assert repeat["action"].startswith("Bel deze 4 mensen terug")


def test_the_checker_itself_catches_codes_and_statistics():
    flow = load(FLOW)
    for bad in (
        "Sub-onderwerp digid/sms_code",
        "p_value 0.001",
        "Poisson upper tail",
        "baseline_weekly_mean",
        "verwezen door municipality_library",
        "over password",
    ):
        assert problems(bad, flow), bad
    assert problems("1 op de 10 bellers over DigiD wachtte langer dan 5 minuten", flow) == []


def test_shares_and_hours_read_as_people_say_them():
    assert ratio("nl", 10, 100) == "1 op de 10"
    assert ratio("nl", 25, 100) == "1 op de 4"
    assert ratio("nl", 50, 100) == "de helft van de"
    assert ratio("nl", 70, 100) == "7 op de 10"
    assert ratio("en", 1, 3) == "1 in 3"
    assert runs([[1, 10, 6, 1, 3], [1, 11, 5, 1, 3], [3, 14, 2, 0, 1]])[0][:3] == (1, 10, 11)
