"""Follow-ups of routing decisions, as RQ jobs: offer expiry, ringing the volunteer, widening,
the end of wrap-up, cancelling a volunteer's ringing phone."""

from __future__ import annotations

from datetime import timedelta

from rq import Queue, Retry

from helpline.config import Settings
from helpline.jobs import HIGH


class RoutingJobs:
    def __init__(self, rq_redis, settings: Settings):
        self.settings = settings
        self.speed = settings.clock_speed or 1.0
        self.high = Queue(HIGH, connection=rq_redis)

    def _later(self, seconds: float, func: str, *args) -> None:
        """``seconds`` of the app's time from now. The RQ scheduler runs on wall time and
        keeps whole seconds (it may run a job up to a second early), hence the extra second;
        every job checks that its moment has really come."""
        self.high.enqueue_in(timedelta(seconds=seconds / self.speed + 1), func, *args)

    def offer_made(self, volunteer_id: str, member: str) -> None:
        self._later(
            self.settings.offer_timeout + 0.5,
            "workers.routing.expire_offer",
            volunteer_id,
            member,
        )

    def accepted(self, volunteer_id: str, member: str) -> None:
        self.high.enqueue(
            "workers.routing.ring_volunteer",
            volunteer_id,
            member,
            retry=Retry(max=3, interval=[1, 3, 10]),
        )

    def wrapup_started(self, volunteer_id: str, seconds: int) -> None:
        """Look when the wrap-up time (``seconds``, the volunteer's own) is over, and at its
        limit (a form with unsaved input holds it until then)."""
        for due in sorted({seconds, self.settings.wrapup_limit}):
            self.wrapup_due(volunteer_id, due)

    def wrapup_due(self, volunteer_id: str, seconds: float) -> None:
        """The wrap-up may end in ``seconds`` (its time passed or was extended)."""
        self._later(seconds, "workers.routing.end_wrapup", volunteer_id)

    def caller_waiting(self, topic: str, lang: str) -> None:
        self._later(self.settings.widen_after + 1, "workers.routing.rematch_line", topic, lang)

    def skip_started(self, volunteer_id: str) -> None:
        """When the volunteer may be offered the caller they passed on again, look again."""
        self._later(self.settings.skip_seconds, "workers.routing.rematch_volunteer", volunteer_id)

    def call_citizen(self, volunteer_id: str, member: str) -> None:
        self.high.enqueue(
            "workers.routing.call_citizen",
            volunteer_id,
            member,
            retry=Retry(max=3, interval=[1, 3, 10]),
        )

    def end_volunteer_leg(self, leg_sid: str, lang: str) -> None:
        self.high.enqueue(
            "workers.routing.tell_volunteer_unreachable",
            leg_sid,
            lang,
            retry=Retry(max=3, interval=[1, 3, 10]),
        )

    def callback_due(self, seconds: float) -> None:
        self._later(seconds, "workers.routing.release_callbacks")

    def conversation_over(self, member: str) -> None:
        """A caller should have left with their volunteer; check a little later that nobody
        is left alone in the conversation (a volunteer who hung up before they joined)."""
        self._later(10, "workers.routing.end_lone_caller", member)

    def cancel_leg(self, leg_sid: str) -> None:
        self.high.enqueue(
            "workers.routing.cancel_leg", leg_sid, retry=Retry(max=3, interval=[1, 3, 10])
        )
