"""Routing: matching waiting callers to available volunteers, fairly and atomically.

The rules live here and in the Lua scripts they call (``helpline/lua``):

* A volunteer serves the lines of the topics whose skill they have, in their languages.
* Among the heads of those lines, the lowest score wins: priority first, then arrival.
* Widening: a caller who waited ``HELPLINE_WIDEN_AFTER`` seconds may go to any available
  volunteer who speaks their language; the offer says it is outside their topics.
* Among available volunteers, the one idle longest goes first (or, with the ``fewest_calls``
  strategy, the one with the fewest calls today).
* An offer reserves both for ``HELPLINE_OFFER_TIMEOUT`` seconds; a decline or timeout puts
  the caller back with the same score, and the volunteer is not offered them again at once.
"""
