"""The phone menu's drop-off and the calls that come in while we are closed: per step of the
menu, how many callers came to it and how many hung up there; the funnel from calling to
being answered; and the calls outside opening hours per weekday and hour."""

from __future__ import annotations

from datetime import datetime

from helpline.reports.funding import callers
from helpline.reports.labels import Labels
from helpline.reports.periods import Period
from helpline.reports.tables import Reports

COLUMNS = ["step", "label", "entered", "left_here"]


def steps(data: dict, flow, labels: Labels) -> list[dict]:
    """Each step callers came to, in the flow's order (steps it no longer has last)."""
    counts = {d[5:]: c for d, c in data.items() if d.startswith("step:")}
    order = [s for s in flow.steps if s in counts] + sorted(
        s for s in counts if s not in flow.steps
    )
    return [
        {
            "step": step,
            "label": labels.step(step),
            "entered": counts[step].get("menu_entered", 0),
            "left_here": counts[step].get("menu_left", 0),
        }
        for step in order
    ]


def funnel(data: dict, flow) -> dict:
    """Called -> in the menu (while open) -> in line -> answered."""
    everyone = data.get("all", {})
    called = callers(everyone)
    start = data.get(f"step:{flow.start}", {}).get("menu_entered")
    in_menu = start if start is not None else max(0, called - everyone.get("closed_calls", 0))
    return {
        "called": called,
        "in_menu": in_menu,
        "in_line": everyone.get("offered", 0),
        "answered": everyone.get("answered", 0),
        "ended_in_menu": everyone.get("menu_ended", 0),
    }


class MenuReport:
    def __init__(self, h, period: Period, lang: str = "nl"):
        self.h = h
        self.period = period
        self.lang = lang
        self.labels = Labels(h.flow, lang)
        self.reports = Reports(h.redis, h.settings, h.store.clock)
        self.data = self.reports.period(period)

    def steps(self) -> list[dict]:
        return steps(self.data, self.h.flow, self.labels)

    def closed_grid(self) -> list[list[int]]:
        """Calls while closed, per weekday (Monday first) and hour, summed over the period."""
        grid = [[0] * 24 for _ in range(7)]
        for name, data in self.reports.hours(self.period.first, self.period.last).items():
            moment = datetime.strptime(name, "%Y-%m-%dT%H")
            grid[moment.weekday()][moment.hour] += data.get("all", {}).get("closed_calls", 0)
        return grid

    def as_dict(self) -> dict:
        return {
            "period": self.period.name,
            "label": self.period.label(self.lang),
            "start": self.period.first.isoformat(),
            "end": self.period.last.isoformat(),
            "steps": self.steps(),
            "closed_hours_calls": self.data.get("all", {}).get("closed_calls", 0),
            "funnel": funnel(self.data, self.h.flow),
            "closed_by_hour": self.closed_grid(),
        }

    def csv(self) -> str:
        from helpline.reports.exports import csv_text

        return csv_text(COLUMNS, self.steps())
