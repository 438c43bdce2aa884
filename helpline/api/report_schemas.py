"""The report API's declarations: findings in words with their raw figures apart, the menu's
drop-off, the funding report and volunteers' activity, and the period a request asks for."""

from __future__ import annotations

from marshmallow import fields as f

from helpline.api.schemas import Schema, nullable, strings, text


class PeriodQuery(Schema):
    period = f.String(
        metadata={
            "description": "'2026-W48', '2026-11', '2026-Q3', '2026', or a kind: week, month, "
            "quarter, year, range (the current one)"
        }
    )
    start = f.String(metadata={"description": "first day of a range (YYYY-MM-DD)"})
    end = f.String(metadata={"description": "last day of a range (YYYY-MM-DD)"})


class FindingsQuery(PeriodQuery):
    """Without a period: the standing findings (the last 7 days, worked out every 15
    minutes); with one, the findings over that period's days."""

    kind = f.String()
    lang = f.String(metadata={"description": "nl (default) or en"})


class Finding(Schema):
    kind = f.String(required=True)
    subject = f.Raw(allow_none=True)
    title = f.String(required=True)
    text = f.String(required=True)
    action = f.String(required=True)
    evidence_text = f.String(required=True)
    method_text = f.String(required=True)
    figures = f.Dict(required=True)


class BottleneckReport(Schema):
    generated_at = text(required=True)
    generated_words = text()
    period_words = f.String(metadata={"description": "the days the findings cover, in words"})
    findings = f.List(f.Nested(Finding), required=True)


class MenuStep(Schema):
    step = f.String(required=True)
    label = f.String(required=True)
    entered = f.Integer(required=True)
    left_here = f.Integer(required=True)


class Funnel(Schema):
    called = f.Integer()
    in_menu = f.Integer()
    in_line = f.Integer()
    answered = f.Integer()
    ended_in_menu = f.Integer()


class MenuReport(Schema):
    period = f.String(required=True)
    label = f.String()
    start = f.String()
    end = f.String()
    steps = f.List(f.Nested(MenuStep), required=True)
    closed_hours_calls = f.Integer(required=True)
    funnel = f.Nested(Funnel)
    closed_by_hour = f.List(f.List(f.Integer()))


class PreviousPeriod(Schema):
    label = f.String()
    start = f.String()
    end = f.String()


class FundingRow(Schema):
    level = f.String(required=True, metadata={"description": "organisation, kind or not_asked"})
    kind = f.String(required=True, metadata={"description": "'' for not asked or skipped"})
    organisation = text()
    name = f.String(required=True)
    callers = f.Integer(required=True)
    callers_before = f.Integer(required=True)
    answered = f.Integer(required=True)
    callbacks = f.Integer(required=True)
    volunteer_minutes = f.Integer(required=True)
    solved = f.Integer()
    partly = f.Integer()
    not_solved = f.Integer()
    referred = f.Integer()
    top_subtopics = strings()


class FundingReport(Schema):
    period = f.String(required=True)
    label = f.String()
    start = f.String(required=True)
    end = f.String(required=True)
    previous = f.Nested(PreviousPeriod)
    callers = f.Integer()
    callers_before = f.Integer()
    answered_question = f.Integer()
    answered_share = nullable(f.Float)
    rows = f.List(f.Nested(FundingRow), required=True)


class ActivityRow(Schema):
    volunteer = text()
    name = text()
    hours_available = f.Float(required=True)
    calls_taken = f.Integer(required=True)
    talk_minutes = f.Integer(required=True)
    wrapup_minutes = f.Integer(required=True)
    offers_missed = f.Integer(required=True)
    offers_declined = f.Integer(required=True)
    outside_topics = f.Integer(required=True)


class VolunteerActivity(Schema):
    period = f.String(required=True)
    label = f.String()
    start = f.String()
    end = f.String()
    rows = f.List(f.Nested(ActivityRow), required=True)
    total = f.Nested(ActivityRow)
