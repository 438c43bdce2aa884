"""The findings said in words a coordinator can act on, in Dutch or English: a title, a
sentence, a suggested next step, the evidence in words, and how it was worked out (also in
words). Labels come from the flow file, so no code or id reaches the page; the raw figures
stay apart (``figures``) for the API and for those who want them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from helpline import texts
from helpline.reports.labels import Labels
from helpline.texts import N_

WEEKDAYS = (
    N_("monday"),
    N_("tuesday"),
    N_("wednesday"),
    N_("thursday"),
    N_("friday"),
    N_("saturday"),
    N_("sunday"),
)
KINDS = (
    "recurring_problem",
    "repeat_callers",
    "capacity",
    "abandonment",
    "long_waits",
    "late_callbacks",
)


def ratio(lang: str, part: int, whole: int) -> str:
    """A share as people say it: '1 op de 10', '3 op de 10', 'de helft', 'bijna iedereen'."""
    if whole <= 0 or part <= 0:
        return texts.gettext(lang, "ratio_none")
    share = part / whole
    if share >= 0.95:
        return texts.gettext(lang, "ratio_nearly_all")
    if 0.45 <= share <= 0.55:
        return texts.gettext(lang, "ratio_half")
    if share < 0.5:
        one_in = round(1 / share)
        if one_in <= 10 and abs(1 / one_in - share) <= 0.15 * share:
            return texts.gettext(lang, "ratio_one_in", n=one_in)
        if one_in > 10:
            return texts.gettext(lang, "ratio_one_in", n=10 * round(one_in / 10))
    return texts.gettext(lang, "ratio_tenths", n=max(1, round(share * 10)))


def duration(lang: str, seconds: float) -> str:
    """'45 seconden', '2 minuten', '1 uur'."""
    seconds = max(0, round(seconds or 0))
    if seconds < 90:
        return texts.ngettext(lang, "duration_seconds", seconds)
    minutes = round(seconds / 60)
    if minutes < 90:
        return texts.ngettext(lang, "duration_minutes", minutes)
    return texts.ngettext(lang, "duration_hours", round(minutes / 60))


def about(number: float) -> str:
    """A usual number as people say it: whole from 3 on, one decimal below."""
    return str(round(number)) if number >= 3 else f"{number:.1f}".replace(".0", "")


def hours_words(lang: str, weekday: int, first: int, last: int) -> str:
    """'op dinsdag van 10 tot 12 uur' for the hours first..last (each a whole hour)."""
    return texts.gettext(
        lang,
        "on_weekday_hours",
        weekday=texts.gettext(lang, WEEKDAYS[weekday]),
        start=first,
        end=last + 1,
    )


def when_words(moment: datetime, now: datetime, lang: str) -> str:
    """A moment in local time in words: 'vandaag om 01:36', 'gisteren om 17:05', 'op 3
    december om 14:00'."""
    clock = moment.strftime("%H:%M")
    days = (now.date() - moment.date()).days
    if days == 0:
        return texts.gettext(lang, "today_at", time=clock)
    if days == 1:
        return texts.gettext(lang, "yesterday_at", time=clock)
    from helpline.reports.periods import MONTHS

    month = texts.gettext(lang, MONTHS[moment.month - 1])
    return texts.gettext(lang, "date_at", day=moment.day, month=month, time=clock)


def generated_words(iso: str | None, now_ms: int, zone: ZoneInfo, lang: str) -> str | None:
    if not iso:
        return None
    moment = datetime.fromisoformat(iso).astimezone(zone)
    return when_words(moment, datetime.fromtimestamp(now_ms / 1000, zone), lang)


def in_words(reports, flow, lang: str, report: dict | None = None) -> dict:
    """Findings, each said in words in ``lang``, and when they were worked out (in local
    time, in words): the standing findings, or ``report`` (those of a chosen period, from
    ``bottlenecks.for_period``), with the days they cover in words (``period_words``)."""
    report = report or reports.store.findings()
    window = report.get("period")
    return {
        "generated_at": report.get("generated_at"),
        "generated_words": generated_words(
            report.get("generated_at"), reports.clock.now_ms(), reports.zone, lang
        ),
        "period_words": _span_words(lang, window)["span"],
        "findings": [describe(f, flow, lang, window) for f in report["findings"]],
    }


def _span_words(lang: str, window: dict | None) -> dict[str, str]:
    """The days findings cover, in words: ``during`` ('de afgelopen 7 dagen', 'in november
    2026'), ``span`` ('de afgelopen 7 dagen', 'november 2026') and ``capacity`` (the span
    of the capacity rule: 'de afgelopen 4 weken', or the period's)."""
    if not window:
        span = texts.gettext(lang, "span_last_7_days")
        return {
            "during": texts.gettext(lang, "during_last_7_days"),
            "span": span,
            "capacity": texts.gettext(lang, "span_last_4_weeks"),
            "chosen": "",
        }
    from helpline.reports.periods import Period, day_words

    first, last = date.fromisoformat(window["from"]), date.fromisoformat(window["to"])
    period = Period(window.get("kind") or "range", first, last)
    if period.kind == "range":
        during = texts.gettext(
            lang, "during_range", first=day_words(first, lang), last=day_words(last, lang)
        )
        span = period.label(lang)
    else:
        span = period.label(lang)
        during = texts.gettext(lang, "during_period", period=span)
    return {"during": during, "span": span, "capacity": span, "chosen": period.name}


def runs(hours: list[list]) -> list[tuple[int, int, int, float, float, int]]:
    """Consecutive short hours of one weekday joined: (weekday, first, last, calls per
    hour, on duty, needed) with the largest shortfall of the run; worst first."""
    out: list[list] = []
    for weekday, hour, calls, on_duty, needed in sorted(hours):
        last = out[-1] if out else None
        if last and last[0] == weekday and last[2] == hour - 1:
            last[2] = hour
            last[3] = max(last[3], calls)
            if needed - on_duty > last[5] - last[4]:
                last[4], last[5] = on_duty, needed
        else:
            out.append([weekday, hour, hour, calls, on_duty, needed])
    out.sort(key=lambda r: (-(r[5] - r[4]), r[0], r[1]))
    return [tuple(r) for r in out]


def describe(finding: dict, flow, lang: str, window: dict | None = None) -> dict:
    """The finding with its words added: title, text, action, evidence_text, method_text.
    ``window``: the period of a chosen report (kind, from, to); None for the standing
    findings (the last 7 days)."""
    labels = Labels(flow, lang)
    kind, subject = finding.get("kind"), finding.get("subject") or ""
    figures = finding.get("figures") or {}
    when = _span_words(lang, window)
    words = _WORDS.get(kind, _unknown)(lang, labels, subject, figures, when)
    return {**finding, "figures": figures, **{k: _sentence(v) for k, v in words.items()}}


def _sentence(text: str) -> str:
    """A sentence starts with a capital ('op zondag …' -> 'Op zondag …')."""
    return text[:1].upper() + text[1:] if text else text


def _topic_words(labels: Labels, topic_id: str) -> str:
    """A topic inside a sentence ('DigiD', 'uw bank')."""
    topic = labels.flow.topics.get(topic_id)
    if topic is None:
        return labels.topic(topic_id)
    return topic.name.get(labels.lang) or labels.topic(topic_id)


def _recurring(lang, labels, subject, f, when) -> dict:
    count, usual = f.get("count", 0), f.get("usual_per_week", 0)
    expected = f.get("usual_in_period", usual)
    if when["chosen"]:  # a period a coordinator chose: compared with a period that long
        if expected < 0.5:
            evidence = texts.gettext(
                lang, "evidence_recurring_new_period", count=count, span=when["span"]
            )
        else:
            evidence = texts.gettext(
                lang,
                "evidence_recurring_period",
                count=count,
                usual=about(expected),
                span=when["span"],
            )
    elif usual < 0.5:
        evidence = texts.gettext(lang, "evidence_recurring_new", count=count)
    else:
        evidence = texts.gettext(lang, "evidence_recurring", count=count, usual=about(usual))
    if f.get("top_words"):
        words = ", ".join(str(w[0]) for w in f["top_words"][:5])
        evidence += " " + texts.gettext(lang, "evidence_words", words=words)
    method = texts.gettext(
        lang,
        "method_recurring",
        span=when["span"],
        weeks=len(f.get("weeks_before") or []) or 8,
        usual=about(usual),
        chance=_chance(lang, f.get("chance", 0)),
    )
    if f.get("flagged"):
        topic = _topic_words(labels, subject)
        return {
            "title": texts.gettext(lang, "finding_flagged_title", topic=topic),
            "text": texts.gettext(
                lang, "finding_flagged_text", count=count, topic=topic, during=when["during"]
            ),
            "action": texts.gettext(lang, "finding_flagged_action", topic=topic),
            "evidence_text": evidence,
            "method_text": method,
        }
    topic_id = subject.partition("/")[0]
    topic, problem = _topic_words(labels, topic_id), labels.subtopic_only(subject)
    return {
        "title": texts.gettext(lang, "finding_recurring_title", problem=problem, topic=topic),
        "text": texts.gettext(
            lang,
            "finding_recurring_text",
            count=count,
            problem=problem,
            topic=topic,
            during=when["during"],
        ),
        "action": texts.gettext(lang, "finding_recurring_action", problem=problem, topic=topic),
        "evidence_text": evidence,
        "method_text": method,
    }


def _chance(lang: str, p: float) -> str:
    if p < 0.001:
        return texts.gettext(lang, "chance_below", n=1000)
    if p < 0.01:
        return texts.gettext(lang, "chance_below", n=100)
    return texts.gettext(lang, "chance_below", n=10)


def _repeat(lang, labels, subject, f, when) -> dict:
    callers = f.get("callers", 0)
    topic = _topic_words(labels, subject)
    return {
        "title": texts.ngettext(lang, "finding_repeat_title", callers, topic=topic),
        "text": texts.ngettext(lang, "finding_repeat_text", callers, topic=topic),
        "action": texts.ngettext(lang, "finding_repeat_action", callers, topic=topic),
        "evidence_text": texts.gettext(
            lang, "evidence_repeat", callers=callers, calls=f.get("repeat_calls", 0)
        ),
        "method_text": texts.gettext(lang, "method_repeat", days=f.get("window_days", 14)),
    }


# Why an hour was short: the plan itself, or planned volunteers who were not there.
CAUSES = {"planned": N_("evidence_capacity_planned"), "no_show": N_("evidence_capacity_no_show")}


def _capacity(lang, labels, subject, f, window) -> dict:
    topic = next((t.id for t in labels.flow.topics.values() if t.skill == subject), subject)
    skill = _topic_words(labels, topic)
    short = runs(f.get("hours") or [])
    if not short:
        return _unknown(lang, labels, subject, f, window)
    weekday, first, last, calls, on_duty, needed = short[0]
    when = hours_words(lang, weekday, first, last)
    extra = max(1, round(needed - on_duty))
    sl = f.get("service_level") or {}
    target = ratio(lang, round((sl.get("share") or 0.8) * 10), 10)
    others = [hours_words(lang, r[0], r[1], r[2]) for r in short[1:4]]
    evidence = texts.gettext(
        lang,
        "evidence_capacity",
        when=when,
        calls=about(calls),
        on_duty=about(on_duty),
        needed=needed,
    )
    if others:
        evidence += " " + texts.gettext(lang, "evidence_capacity_more", when=", ".join(others))
    cause = (f.get("causes") or {}).get(f"{weekday}-{first}")
    if cause:  # was the gap in the shifts' plan, or did planned volunteers not come?
        msgid = CAUSES.get(cause[0], CAUSES["planned"])
        evidence += " " + texts.gettext(lang, msgid, planned=about(cause[1]))
    return {
        "title": texts.gettext(lang, "finding_capacity_title", skill=skill, when=when),
        "text": texts.gettext(
            lang,
            "finding_capacity_text",
            when=when,
            calls=about(calls),
            skill=skill,
            needed=needed,
            share=target,
            wait=duration(lang, sl.get("seconds") or 120),
            span=window["capacity"],
        ),
        "action": texts.ngettext(lang, "finding_capacity_action", extra, when=when, skill=skill),
        "evidence_text": evidence,
        "method_text": texts.gettext(
            lang,
            "method_capacity",
            handle=duration(lang, f.get("handle_seconds") or 0),
            span=window["capacity"],
        ),
    }


def _abandonment(lang, labels, subject, f, when) -> dict:
    topic = _topic_words(labels, subject)
    offered, abandoned = f.get("offered", 0), f.get("abandoned", 0)
    share = ratio(lang, abandoned, offered)
    waited = duration(lang, f.get("average_wait_before_hanging_up_s") or 0)
    return {
        "title": texts.gettext(lang, "finding_abandonment_title", share=share, topic=topic),
        "text": texts.gettext(
            lang,
            "finding_abandonment_text",
            offered=offered,
            abandoned=abandoned,
            topic=topic,
            wait=waited,
            during=when["during"],
        ),
        "action": texts.gettext(lang, "finding_abandonment_action", topic=topic),
        "evidence_text": texts.gettext(
            lang, "evidence_abandonment", offered=offered, abandoned=abandoned
        ),
        "method_text": texts.gettext(
            lang,
            "method_abandonment",
            limit=ratio(lang, round((f.get("limit") or 0.1) * 10), 10),
            during=when["during"],
        ),
    }


def _long_waits(lang, labels, subject, f, when) -> dict:
    topic = _topic_words(labels, subject)
    answered = f.get("answered", 0)
    longer = f.get("waited_longer", 0)
    limit = duration(lang, f.get("service_level_seconds") or 120)
    share = ratio(lang, longer, answered)
    return {
        "title": texts.gettext(
            lang, "finding_long_waits_title", share=share, topic=topic, limit=limit
        ),
        "text": texts.gettext(
            lang,
            "finding_long_waits_text",
            answered=answered,
            topic=topic,
            half=duration(lang, f.get("wait_p50_s") or 0),
            most=duration(lang, f.get("wait_p90_s") or 0),
            during=when["during"],
        ),
        "action": texts.gettext(lang, "finding_long_waits_action", topic=topic),
        "evidence_text": texts.gettext(
            lang, "evidence_long_waits", longer=longer, answered=answered, limit=limit
        ),
        "method_text": texts.gettext(lang, "method_long_waits", during=when["during"]),
    }


def _late_callbacks(lang, labels, subject, f, when) -> dict:
    count = f.get("count", 0)
    return {
        "title": texts.ngettext(lang, "finding_late_callbacks_title", count),
        "text": texts.ngettext(lang, "finding_late_callbacks_text", count),
        "action": texts.ngettext(lang, "finding_late_callbacks_action", count),
        "evidence_text": texts.ngettext(lang, "evidence_late_callbacks", count),
        "method_text": texts.gettext(lang, "method_late_callbacks"),
    }


def _unknown(lang, labels, subject, f, when) -> dict:
    return {
        "title": texts.gettext(lang, "finding_other_title"),
        "text": texts.gettext(lang, "finding_other_text"),
        "action": texts.gettext(lang, "finding_other_action"),
        "evidence_text": "",
        "method_text": "",
    }


_WORDS = {
    "recurring_problem": _recurring,
    "repeat_callers": _repeat,
    "capacity": _capacity,
    "abandonment": _abandonment,
    "long_waits": _long_waits,
    "late_callbacks": _late_callbacks,
}
