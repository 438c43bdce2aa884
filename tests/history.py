"""The generated history the report tests use (it lives in the package, where the demo's sample
history is made with it too)."""

from helpline.reports.history import DAY, ZONE, History

__all__ = ["DAY", "ZONE", "History"]
