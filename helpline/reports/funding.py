"""The funding and awareness report: per referring organisation and per kind of referrer,
what the helpline did for the callers they sent (callers, answered, callbacks, volunteer
minutes, outcomes, the top sub-topics), for a month, quarter, year or any range, beside the
period before. Callers who were not asked or skipped the question have a row of their own,
and the share of callers who answered says how far the figures reach."""

from __future__ import annotations

from helpline.reports.exports import csv_text
from helpline.reports.labels import Labels
from helpline.reports.periods import Period
from helpline.reports.tables import Reports

COLUMNS = [
    "level",
    "kind",
    "organisation",
    "name",
    "callers",
    "callers_before",
    "answered",
    "callbacks",
    "volunteer_minutes",
    "solved",
    "partly",
    "not_solved",
    "referred",
    "top_subtopics",
]
NOT_ASKED = ""  # the kind of the row for callers who were not asked or skipped
FIGURES = ("calls", "offered", "answered", "callbacks_made", "talk_ms", "wrap_ms")
OUTCOMES = ("solved", "partly", "not_solved", "referred")


def callers(counts: dict) -> int:
    """Everyone who called (before the menu counted every caller: those in line)."""
    return max(counts.get("calls", 0), counts.get("offered", 0))


class FundingReport:
    def __init__(self, h, period: Period, lang: str = "nl"):
        self.h = h
        self.period = period
        self.lang = lang
        self.labels = Labels(h.flow, lang)
        reports = Reports(h.redis, h.settings, h.store.clock)
        self.data = reports.period(period)
        self.before = reports.period(period.previous())

    def _row(self, level, kind, org, counts, before, subtopics) -> dict:
        top = sorted(subtopics.items(), key=lambda item: (-item[1], item[0]))[:3]
        return {
            "level": level,
            "kind": kind,
            "organisation": org,
            "name": self.labels.organisation(kind, org)
            if level == "organisation"
            else self.labels.referral(kind),
            "callers": callers(counts),
            "callers_before": callers(before),
            "answered": counts.get("answered", 0),
            "callbacks": counts.get("callbacks_made", 0),
            "volunteer_minutes": round(
                (counts.get("talk_ms", 0) + counts.get("wrap_ms", 0)) / 60_000
            ),
            **{name: counts.get(f"outcome_{name}", 0) for name in OUTCOMES},
            "top_subtopics": [f"{self.labels.subtopic(k)} ({n})" for k, n in top if n],
        }

    def _subtopics(self, prefix: str) -> dict[str, int]:
        """Wrap-ups per 'topic/sub' of the organisation(s) whose orgsub dimension starts so."""
        out: dict[str, int] = {}
        for dim, counts in self.data.items():
            if dim.startswith(prefix):
                key = "/".join(dim.split("/")[-2:])
                out[key] = out.get(key, 0) + counts.get("wrapups", 0)
        return out

    def rows(self) -> list[dict]:
        """Per organisation (by name, or 'bank, naam onbekend'), then per kind of referrer,
        then the callers who were not asked or skipped; biggest first within each."""
        orgs, kinds = [], []
        kind_keys = {d[9:] for d in (*self.data, *self.before) if d.startswith("referral:")}
        org_keys = {d[4:] for d in (*self.data, *self.before) if d.startswith("org:")}
        for key in sorted(org_keys):
            kind, _, org = key.partition("/")
            orgs.append(
                self._row(
                    "organisation",
                    kind,
                    org,
                    self.data.get(f"org:{key}", {}),
                    self.before.get(f"org:{key}", {}),
                    self._subtopics(f"orgsub:{key}/"),
                )
            )
        for kind in sorted(kind_keys):
            kinds.append(
                self._row(
                    "kind",
                    kind,
                    None,
                    self.data.get(f"referral:{kind}", {}),
                    self.before.get(f"referral:{kind}", {}),
                    self._subtopics(f"orgsub:{kind}/"),
                )
            )
        orgs.sort(key=lambda r: (-r["callers"], r["name"]))
        kinds.sort(key=lambda r: (-r["callers"], r["name"]))
        return [*orgs, *kinds, self._not_asked(kind_keys)]

    def _not_asked(self, kind_keys) -> dict:
        """Everyone minus those who named a kind of referrer."""

        def rest(data: dict) -> dict:
            counts = dict(data.get("all", {}))
            for kind in kind_keys:
                for metric, value in data.get(f"referral:{kind}", {}).items():
                    counts[metric] = counts.get(metric, 0) - value
            return {k: max(0, v) for k, v in counts.items()}

        subtopics = {
            d[9:]: c.get("wrapups", 0) for d, c in self.data.items() if d.startswith("subtopic:")
        }
        for key, n in self._subtopics("orgsub:").items():
            subtopics[key] = subtopics.get(key, 0) - n
        return self._row(
            "not_asked", NOT_ASKED, None, rest(self.data), rest(self.before), subtopics
        )

    def summary(self) -> dict:
        total = callers(self.data.get("all", {}))
        named = sum(callers(c) for d, c in self.data.items() if d.startswith("referral:"))
        return {
            "callers": total,
            "callers_before": callers(self.before.get("all", {})),
            "answered_question": named,
            "answered_share": round(named / total, 3) if total else None,
        }

    def organisation(self, kind: str, org: str) -> dict | None:
        """One organisation's row, for its printable page."""
        for row in self.rows():
            if row["level"] == "organisation" and (row["kind"], row["organisation"]) == (kind, org):
                return row
        return None

    def as_dict(self) -> dict:
        return {
            "period": self.period.name,
            "label": self.period.label(self.lang),
            "start": self.period.first.isoformat(),
            "end": self.period.last.isoformat(),
            "previous": {
                "label": self.period.previous().label(self.lang),
                "start": self.period.previous().first.isoformat(),
                "end": self.period.previous().last.isoformat(),
            },
            **self.summary(),
            "rows": self.rows(),
        }

    def csv(self) -> str:
        return csv_text(COLUMNS, self.rows())
