"""Twilio's REST API as the simulator serves it: the Flask app (``api``) and the check of
every request against Twilio's own OpenAPI description (``openapi``, with ``spec/``)."""

from twilio_sim.rest.api import create_rest_app

__all__ = ["create_rest_app"]
