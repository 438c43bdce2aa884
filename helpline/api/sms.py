"""The address by text message, from the volunteer's dashboard: after asking the caller, the
volunteer asks for the address of the place they referred to to be sent (``sendReferralSms``).
The number never reaches the dashboard; the answer says only whether the text is on its way."""

from __future__ import annotations

import marshmallow as ma
from flask import g

from helpline.api import error, operation, signed_in
from helpline.api.schemas import Schema, refusal
from helpline.extensions import helpline
from helpline.texts import N_

# Why no text can be sent (the answers of ReferralTexts.request), in words.
REFUSED = {
    "landline": N_("sms_landline"),
    "not-mobile": N_("sms_not_mobile"),
    "no-number": N_("sms_no_number"),
    "already": N_("sms_already"),
}


class ReferralSmsInput(Schema):
    place = ma.fields.String(required=True, metadata=refusal(N_("sms_place_missing")))


class ReferralSmsQueued(Schema):
    status = ma.fields.String(required=True, metadata={"enum": ["requested"]})


@operation(
    "POST",
    "/calls/<call_id>/sms",
    "sendReferralSms",
    "Send the caller of one of my calls the address of a place by text message (they agreed)",
    access=signed_in,
    body=ReferralSmsInput,
    ok=ReferralSmsQueued,
    status=202,
    errors=(404, 409),
)
def send_referral_sms(body, call_id):
    h = helpline()
    if h.places.get(body["place"]) is None:
        return error(400, "sms_place_missing", field="place")
    result = h.sms.request(call_id, g.account.username, body["place"])
    if result == "not-yours":
        return error(404, "call_missing")
    if result in REFUSED:
        return error(409, REFUSED[result], code=result)
    return {"status": result}
