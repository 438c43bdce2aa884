"""The OpenAPI 3 description of the dashboard's JSON API (served at /api/openapi.json)."""

from __future__ import annotations

ERROR = {"$ref": "#/components/responses/Error"}


def _op(
    operation_id: str,
    summary: str,
    ok: str,
    *,
    body: str | None = None,
    csrf: bool = False,
    params: list | None = None,
    codes: tuple = ("401",),
) -> dict:
    op = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ok}"}}},
            }
        },
    }
    for code in codes:
        op["responses"][code] = ERROR
    if body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    parameters = list(params or [])
    if csrf:
        parameters.append(
            {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}
        )
        op["responses"]["403"] = ERROR
    if parameters:
        op["parameters"] = parameters
    return op


OFFER_ID = {"name": "offer_id", "in": "path", "required": True, "schema": {"type": "string"}}

OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "DigiHulplijn dashboard API", "version": "1"},
    "paths": {
        "/api/login": {
            "post": _op(
                "login",
                "Sign in; returns the CSRF token",
                "Login",
                body="Credentials",
                codes=("400", "401", "429"),
            )
        },
        "/api/logout": {"post": _op("logout", "Sign out (ends the session)", "Ok", csrf=True)},
        "/api/me": {"get": _op("getMe", "Who I am and my status", "Me")},
        "/api/status": {
            "post": _op(
                "setStatus",
                "Go available, pause or offline",
                "Me",
                body="StatusChange",
                csrf=True,
                codes=("400", "401", "409"),
            )
        },
        "/api/offer": {
            "get": _op("getCurrentOffer", "My current offer or call, if any", "OfferEnvelope")
        },
        "/api/offers/{offer_id}/accept": {
            "post": _op(
                "acceptOffer",
                "Take my offer",
                "Decision",
                csrf=True,
                params=[OFFER_ID],
                codes=("401", "404", "409"),
            )
        },
        "/api/offers/{offer_id}/decline": {
            "post": _op(
                "declineOffer",
                "Pass my offer on",
                "Decision",
                csrf=True,
                params=[OFFER_ID],
                codes=("401", "404", "409"),
            )
        },
    },
    "components": {
        "responses": {
            "Error": {
                "description": "An error with a message for people",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string"}},
            },
            "Ok": {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}},
            "Credentials": {
                "type": "object",
                "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
            },
            "StatusChange": {
                "type": "object",
                "required": ["status"],
                "properties": {
                    "status": {"type": "string", "enum": ["available", "paused", "offline"]}
                },
            },
            "Me": {
                "type": "object",
                "required": ["username", "role", "status"],
                "properties": {
                    "username": {"type": "string"},
                    "name": {"type": "string"},
                    "role": {"type": "string", "enum": ["volunteer", "coordinator"]},
                    "status": {"type": "string"},
                    "paused_reason": {"type": "string", "nullable": True},
                    "notice": {"type": "string", "nullable": True},
                    "skills": {"type": "array", "items": {"type": "string"}},
                    "languages": {"type": "array", "items": {"type": "string"}},
                    "calls_today": {"type": "integer"},
                },
            },
            "Login": {
                "type": "object",
                "required": ["csrf_token", "user"],
                "properties": {
                    "csrf_token": {"type": "string"},
                    "user": {"$ref": "#/components/schemas/Me"},
                },
            },
            "Offer": {
                "type": "object",
                "required": ["id", "state", "kind"],
                "properties": {
                    "id": {"type": "string"},
                    "state": {"type": "string"},
                    "kind": {"type": "string", "enum": ["call", "callback"]},
                    "topic": {"type": "string", "nullable": True},
                    "topic_name": {"type": "string", "nullable": True},
                    "language": {"type": "string", "nullable": True},
                    "waited_seconds": {"type": "integer"},
                    "repeat_caller": {"type": "boolean"},
                    "referral": {"type": "string", "nullable": True},
                    "widened": {"type": "boolean"},
                    "expires_in": {"type": "integer", "nullable": True},
                },
            },
            "OfferEnvelope": {
                "type": "object",
                "required": ["offer"],
                "properties": {
                    "offer": {"allOf": [{"$ref": "#/components/schemas/Offer"}], "nullable": True}
                },
            },
            "Decision": {
                "type": "object",
                "required": ["ok"],
                "properties": {
                    "ok": {"type": "boolean"},
                    "offer": {"allOf": [{"$ref": "#/components/schemas/Offer"}], "nullable": True},
                },
            },
        },
    },
}
