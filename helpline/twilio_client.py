"""The app's twilio REST client; with TWILIO_API_URL set, every request goes there instead."""

from __future__ import annotations

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from helpline.config import Settings

TWILIO_BASE = "https://api.twilio.com"


class RedirectingHttpClient(TwilioHttpClient):
    """Send Twilio REST requests to another base URL (the simulator), unchanged otherwise."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_BASE):
            url = self.base_url + url[len(TWILIO_BASE) :]
        return super().request(method, url, *args, **kwargs)


def make_client(settings: Settings) -> Client:
    http_client = None
    if settings.twilio_api_url:
        http_client = RedirectingHttpClient(settings.twilio_api_url, timeout=10)
    else:
        http_client = TwilioHttpClient(timeout=10)
    return Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client)
