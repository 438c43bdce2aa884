"""Twilio's X-Twilio-Signature algorithm, written independently of twilio-python.

The string to sign is the full URL followed by every POST parameter, sorted by name, each as
name + value (values of a repeated name sorted too); the signature is the base64 HMAC-SHA1
of that string, keyed with the auth token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def signature(token: str, url: str, params: Iterable[tuple[str, str]] = ()) -> str:
    by_name: dict[str, set[str]] = {}
    for name, value in params:
        by_name.setdefault(name, set()).add(value)
    pieces = [url]
    for name in sorted(by_name):
        for value in sorted(by_name[name]):
            pieces.append(name + value)
    digest = hmac.new(token.encode(), "".join(pieces).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()
