"""How many volunteers each weekday hour needs, per skill: Erlang C over the calls of the last
four whole weeks, at the service level. The one computation behind the capacity finding of the
bottleneck report and the coordinators' staffing plan, so the two never disagree."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from helpline.reports.erlang import agents_needed
from helpline.shifts import weekday_counts
from helpline.texts import gettext, ngettext

CAPACITY_WEEKS = 4
DEFAULT_HANDLE_SECONDS = 600.0  # a topic with no handled call yet


@dataclass(frozen=True)
class HourNeed:
    """One weekday hour of one skill (the lines of its topics), averaged over the weeks."""

    skill: str
    weekday: int  # 0 is Monday
    hour: int
    offered: int  # calls in all the weeks together
    calls_per_hour: float
    on_duty: float  # volunteers on duty, each apportioned across their skills (duty_share)
    needed: int


@dataclass(frozen=True)
class Needs:
    first: date
    last: date
    weeks: int
    handle_seconds: dict[str, float]  # per skill: talk plus wrap-up
    hours: list[HourNeed]

    def of_skill(self, skill: str) -> dict[tuple[int, int], int]:
        """Volunteers needed per (weekday, hour) for a skill."""
        return {(n.weekday, n.hour): n.needed for n in self.hours if n.skill == skill}


def needs(h, reports, weeks: int = CAPACITY_WEEKS, span: tuple[date, date] | None = None) -> Needs:
    """The need of every weekday hour and skill over the ``weeks`` whole weeks before today,
    or over the days of ``span`` (first, last). A volunteer on duty counts once, apportioned
    across their skills (``duty_share``, thousandths of a minute; docs/capacity.md)."""
    first, last = span or reports.whole_weeks(weeks)
    seen = weekday_counts(first, last)
    weeks = max(1, round(((last - first).days + 1) / 7))
    hours = reports.hours(first, last)
    share = h.settings.service_level_target
    target = reports.sl_seconds
    recent = reports.days(first, last)
    by_skill: dict[str, list[str]] = {}
    for topic in h.flow.topics.values():
        by_skill.setdefault(topic.skill, []).append(topic.id)
    handles: dict[str, float] = {}
    found: list[HourNeed] = []
    for skill, topic_ids in by_skill.items():
        handled = sum(recent.get(f"topic:{t}", {}).get("handled", 0) for t in topic_ids)
        talk_ms = sum(recent.get(f"topic:{t}", {}).get("talk_ms", 0) for t in topic_ids)
        talk = talk_ms / handled / 1000 if handled else DEFAULT_HANDLE_SECONDS
        handle = handles[skill] = talk + h.settings.wrapup_seconds
        slots: dict[tuple[int, int], dict] = {}
        for name, data in hours.items():
            moment = datetime.strptime(name, "%Y-%m-%dT%H")
            slot = slots.setdefault((moment.weekday(), moment.hour), {"offered": 0, "duty": 0})
            slot["offered"] += sum(data.get(f"topic:{t}", {}).get("offered", 0) for t in topic_ids)
            slot["duty"] += data.get(f"skill:{skill}", {}).get("duty_share", 0) / 60_000
        for (weekday, hour), slot in sorted(slots.items()):
            times = seen[weekday] or 1
            per_hour = slot["offered"] / times  # the average over the times it came
            found.append(
                HourNeed(
                    skill=skill,
                    weekday=weekday,
                    hour=hour,
                    offered=slot["offered"],
                    calls_per_hour=per_hour,
                    on_duty=slot["duty"] / times,
                    needed=agents_needed(per_hour, handle, share, target),
                )
            )
    return Needs(first, last, weeks, handles, found)


@dataclass(frozen=True)
class Gap:
    """Consecutive hours of one weekday in which a skill is planned short by ``missing``."""

    skill: str
    weekday: int
    start: int  # first hour
    end: int  # the hour it ends (exclusive)
    missing: int


def missing(needed: int, planned: float) -> int:
    """Whole volunteers short (a planned half hour still leaves one missing)."""
    return max(0, math.ceil(round(needed - planned, 2)))


def plan(needs_: Needs, planned: dict[tuple[int, int, str], float], skills) -> dict:
    """The staffing plan of a week: per weekday hour and skill, planned against needed, and
    the gaps (consecutive hours short by the same number joined into one)."""
    rows = []
    gaps: list[Gap] = []
    for skill in skills:
        need = needs_.of_skill(skill)
        hours = sorted({(d, hr) for d, hr, s in planned if s == skill} | set(need))
        for weekday, hour in hours:
            have = planned.get((weekday, hour, skill), 0.0)
            short = missing(need.get((weekday, hour), 0), have)
            rows.append(
                {
                    "skill": skill,
                    "weekday": weekday,
                    "hour": hour,
                    "planned": round(have, 2),
                    "needed": need.get((weekday, hour), 0),
                    "gap": short,
                }
            )
            last = gaps[-1] if gaps else None
            if not short:
                continue
            if last and (last.skill, last.weekday, last.end, last.missing) == (
                skill,
                weekday,
                hour,
                short,
            ):
                gaps[-1] = Gap(skill, weekday, last.start, hour + 1, short)
            else:
                gaps.append(Gap(skill, weekday, hour, hour + 1, short))
    return {"rows": rows, "gaps": gaps}


def skill_shares(h, reports):
    """How a volunteer's time splits across their skills ({skill: fraction}), the way the duty
    sampler splits their minutes on duty (``helpline.reports.duty.shares``)."""
    from helpline.reports.duty import shares

    def of(volunteer) -> dict[str, float]:
        split = shares(volunteer.skills, volunteer.languages, h.flow, reports)
        return {skill: part / 1000 for skill, part in split.items()}

    return of


def skill_name(flow, skill: str, lang: str) -> str:
    """A skill as people call it: the name of the topic that needs it."""
    for topic in flow.topics.values():
        if topic.skill == skill:
            return topic.name.get(lang) or topic.name.get(flow.default_language) or skill
    return skill


def sentence(lang: str, gap: Gap, flow) -> str:
    """'Dinsdag 10–12 uur: 2 vrijwilligers voor DigiD te weinig'."""
    from helpline.reports.findings import WEEKDAYS

    day = gettext(lang, WEEKDAYS[gap.weekday])
    return ngettext(
        lang,
        "staffing_gap",
        gap.missing,
        day=day[:1].upper() + day[1:],
        start=gap.start,
        end=gap.end,
        skill=skill_name(flow, gap.skill, lang),
    )


def week_plan(h, week: str, lang: str) -> dict:
    """The staffing plan of an ISO week: the rows, and the gaps with a sentence each."""
    from helpline.reports.tables import Reports
    from helpline.shifts import week_days

    days = week_days(week)
    reports = Reports(h.redis, h.settings, h.store.clock)
    need = needs(h, reports)
    planned = h.shifts.planned(days[0], days[-1], skill_shares(h, reports))
    result = plan(need, planned, h.flow.skills)
    return {
        "week": week,
        "need_period": {"from": need.first.isoformat(), "to": need.last.isoformat()},
        "rows": result["rows"],
        "gaps": [
            {
                "skill": gap.skill,
                "weekday": gap.weekday,
                "start": gap.start,
                "end": gap.end,
                "missing": gap.missing,
                "sentence": sentence(lang, gap, h.flow),
            }
            for gap in result["gaps"]
        ],
    }
