"""A Twilio-compatible simulator: calls the app as Twilio does (signed webhooks), executes its
TwiML, serves the parts of Twilio's REST API a helpline uses, and plays the people on the phone.

It shares no protocol code with the app: it signs with its own implementation of Twilio's
algorithm and checks REST requests against Twilio's own OpenAPI description.
"""

from twilio_sim.core import SimClock, Simulator
from twilio_sim.people import Caller, PhoneOwner

__all__ = ["Caller", "PhoneOwner", "SimClock", "Simulator"]
