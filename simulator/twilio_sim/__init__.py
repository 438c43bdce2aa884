"""A Twilio-compatible simulator: calls the app as Twilio does (signed webhooks), executes its
TwiML, serves the parts of Twilio's REST API a helpline uses, and plays the people on the phone.

It shares no protocol code with the app: it signs with its own implementation of Twilio's
algorithm and checks REST requests against Twilio's own OpenAPI description. It is a
distribution of its own (``digihulplijn-twilio-sim``, in ``simulator/`` of the repository),
installed beside the app for the demo and the tests and never part of the production package.

The parts, one concern each:

- ``simulator``: ``Simulator``, the number as tests and the demo drive it, composed of the
  parts below; ``legs``: a call leg, its status callbacks and its simulated time;
  ``clock``: ``SimClock``;
- ``transport`` and ``signature``: signed requests to the app, and the network's faults;
- ``twiml``: the TwiML interpreter (fetch with fallback, Twilio's error codes, the verbs);
- ``queues`` and ``conferences``: Enqueue, Dial Queue, dequeue; Dial Conference;
- ``dialing``: ringing phones, for Dial Number or Client and for REST-created calls;
- ``rest``: the REST API, checked against Twilio's OpenAPI description;
- ``phone``: the browser phone of ``helpline demo``;
- ``people``: scripted callers and the phones the app rings; ``server``: a real HTTP server
  in a thread.
"""

from twilio_sim.clock import SimClock
from twilio_sim.people import Caller, PhoneOwner
from twilio_sim.simulator import Simulator

__all__ = ["Caller", "PhoneOwner", "SimClock", "Simulator"]
