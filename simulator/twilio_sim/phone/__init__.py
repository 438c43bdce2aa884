"""The browser phone of ``helpline demo``: a page (``templates/``, ``static/``) and its small
JSON API (``app``) to call the simulated helpline, press keys and say words."""

from twilio_sim.phone.app import create_phone_app

__all__ = ["create_phone_app"]
