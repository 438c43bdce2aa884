"""Volunteers' activity: per volunteer and period, the hours they were available, the calls
they took, their talk and wrap-up minutes, the offers they missed or declined and the calls
they took outside their own topics, with a team total. Coordinators see everyone; a volunteer
sees their own (a thank-you, not a ranking: rows are in name order, never by calls)."""

from __future__ import annotations

from helpline.reports.exports import csv_text
from helpline.reports.periods import Period
from helpline.reports.tables import Reports

COLUMNS = [
    "volunteer",
    "name",
    "hours_available",
    "calls_taken",
    "talk_minutes",
    "wrapup_minutes",
    "offers_missed",
    "offers_declined",
    "outside_topics",
]


def row(volunteer_id: str, name: str, counts: dict) -> dict:
    return {
        "volunteer": volunteer_id,
        "name": name,
        "hours_available": round(counts.get("duty_minutes", 0) / 60, 1),
        "calls_taken": counts.get("taken", 0),
        "talk_minutes": round(counts.get("talk_ms", 0) / 60_000),
        "wrapup_minutes": round(counts.get("wrap_ms", 0) / 60_000),
        "offers_missed": counts.get("offers_timeout", 0),
        "offers_declined": counts.get("offers_declined", 0),
        "outside_topics": counts.get("outside_topics", 0),
    }


class VolunteerActivity:
    def __init__(self, h, period: Period, lang: str = "nl", only: str | None = None):
        self.h = h
        self.period = period
        self.lang = lang
        self.only = only
        self.data = Reports(h.redis, h.settings, h.store.clock).period(period)

    def rows(self) -> list[dict]:
        ids = {d[10:] for d in self.data if d.startswith("volunteer:")}
        ids |= set(self.h.router.volunteer_ids())
        if self.only is not None:
            ids = {self.only}
        out = []
        for volunteer_id in ids:
            volunteer = self.h.router.volunteer(volunteer_id)
            name = volunteer.name if volunteer and volunteer.name else volunteer_id
            out.append(row(volunteer_id, name, self.data.get(f"volunteer:{volunteer_id}", {})))
        return sorted(out, key=lambda r: (r["name"].lower(), r["volunteer"]))

    def total(self, rows: list[dict]) -> dict:
        total = {name: 0 for name in COLUMNS[2:]}
        for r in rows:
            for name in total:
                total[name] += r[name]
        total["hours_available"] = round(total["hours_available"], 1)
        return {"volunteer": None, "name": None, **total}

    def as_dict(self) -> dict:
        rows = self.rows()
        return {
            "period": self.period.name,
            "label": self.period.label(self.lang),
            "start": self.period.first.isoformat(),
            "end": self.period.last.isoformat(),
            "rows": rows,
            "total": self.total(rows),
        }

    def csv(self) -> str:
        rows = self.rows()
        return csv_text(COLUMNS, [*rows, self.total(rows)])
