"""The REST API's Messages resource: create a message, fetch it, list them (Twilio's
``/Accounts/{AccountSid}/Messages.json``)."""

from __future__ import annotations

from flask import Flask, jsonify, request

from twilio_sim.messages import Message, Messages


def message_json(sim, message: Message) -> dict:
    from twilio_sim.rest.api import rfc2822

    return {
        "sid": message.sid,
        "account_sid": sim.account_sid,
        "to": message.to,
        "from": message.from_,
        "body": message.body,
        "status": message.status,
        "num_segments": str(message.num_segments),
        "num_media": "0",
        "direction": "outbound-api",
        "error_code": message.error_code,
        "error_message": None,
        "price": None,
        "price_unit": "USD",
        "messaging_service_sid": None,
        "api_version": "2010-04-01",
        "date_created": rfc2822(message.created),
        "date_updated": rfc2822(message.created),
        "date_sent": None,
        "uri": f"/2010-04-01/Accounts/{sim.account_sid}/Messages/{message.sid}.json",
        "subresource_uris": {},
    }


def register_messages(app: Flask, sim, base: str) -> Messages:
    """Add the Messages routes to the REST app; the simulator keeps the messages as
    ``sim.messages``."""
    from twilio_sim.rest.api import error, not_found, page

    messages = getattr(sim, "messages", None) or Messages(sim)
    sim.messages = messages

    @app.post(f"{base}/Messages.json")
    def create_message(account):
        form = request.form
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body") and not form.get("MediaUrl") and not form.get("ContentSid"):
            return error(400, 21602, "Message body is required.")
        if messages.refuse_next > 0:  # a fault test: Twilio is briefly unavailable
            messages.refuse_next -= 1
            return error(
                503, 20503, f"Service unavailable; the message to {form['To']} was not sent"
            )
        if len(form.get("Body", "")) > 1600:
            return error(400, 21617, "The concatenated message body exceeds the 1600 limit.")
        message = messages.create(
            to=form["To"],
            from_=form.get("From", ""),
            body=form.get("Body", ""),
            status_callback=form.get("StatusCallback", ""),
        )
        return jsonify(message_json(sim, message)), 201

    @app.get(f"{base}/Messages/<message_sid>.json")
    def fetch_message(account, message_sid):
        message = messages.get(message_sid)
        return not_found() if message is None else jsonify(message_json(sim, message))

    @app.get(f"{base}/Messages.json")
    def list_messages(account):
        with sim.lock:
            items = [message_json(sim, m) for m in messages.sent]
        return jsonify(page("messages", items))

    return messages
