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
    created: bool = False,
    csv: bool = False,
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
    if created:
        op["responses"]["201"] = op["responses"].pop("200")
    if csv:
        op["requestBody"] = {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
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
CALL_ID = {"name": "call_id", "in": "path", "required": True, "schema": {"type": "string"}}
USERNAME = {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}
PLACE_ID = {"name": "place_id", "in": "path", "required": True, "schema": {"type": "string"}}
STRINGS = {"type": "array", "items": {"type": "string"}}
NAMES = {"type": "object", "additionalProperties": {"type": "string"}}


def _nullable(kind: str) -> dict:
    return {"type": kind, "nullable": True}


def _ref(name: str, nullable: bool = False) -> dict:
    if nullable:
        return {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "nullable": True}
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


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
        "/api/calls": {
            "get": _op(
                "listMyCalls",
                "My latest calls and today's counts",
                "MyCalls",
                params=[
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    }
                ],
                codes=("400", "401"),
            )
        },
        "/api/calls/{call_id}": {
            "get": _op(
                "getMyCall", "One of my calls", "CallRecord", params=[CALL_ID], codes=("401", "404")
            )
        },
        "/api/calls/{call_id}/wrapup": {
            "post": _op(
                "submitWrapUp",
                "Wrap up one of my calls (once); ends my wrap-up time",
                "WrapUpSaved",
                body="WrapUp",
                csrf=True,
                params=[CALL_ID],
                codes=("401", "404", "409", "422"),
            )
        },
        "/api/options": {"get": _op("getWrapUpOptions", "What the wrap-up form offers", "Options")},
        "/api/places": {
            "get": _op(
                "findPlaces",
                "Local help near a postcode (coordinators: without a postcode, all places)",
                "Places",
                params=[
                    {
                        "name": "postcode",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                    }
                ],
                codes=("400", "401"),
            ),
            "post": _op(
                "addPlace",
                "Add a place to the local-help directory (coordinator)",
                "Place",
                body="PlaceInput",
                csrf=True,
                codes=("400", "401"),
                created=True,
            ),
        },
        "/api/places/import": {
            "post": _op(
                "importPlaces",
                "Import the local-help directory from CSV (coordinator)",
                "Imported",
                csrf=True,
                codes=("400", "401", "413"),
                csv=True,
                params=[
                    {
                        "name": "replace",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["0", "1"]},
                    }
                ],
            )
        },
        "/api/places/{place_id}": {
            "put": _op(
                "updatePlace",
                "Change a place (coordinator)",
                "Place",
                body="PlaceInput",
                csrf=True,
                params=[PLACE_ID],
                codes=("400", "401", "404"),
            ),
            "delete": _op(
                "deletePlace",
                "Remove a place (coordinator)",
                "Ok",
                csrf=True,
                params=[PLACE_ID],
                codes=("401", "404"),
            ),
        },
        "/api/stats/live": {
            "get": _op(
                "getLiveStats",
                "Waiting callers and volunteers now (coordinator)",
                "LiveStats",
                codes=("401", "403"),
            )
        },
        "/api/reports/bottlenecks": {
            "get": _op(
                "getBottleneckReport",
                "The latest bottleneck findings with their evidence (coordinator)",
                "BottleneckReport",
                params=[
                    {"name": "kind", "in": "query", "required": False, "schema": {"type": "string"}}
                ],
                codes=("401", "403"),
            )
        },
        "/api/hours": {
            "get": _op(
                "getHours", "Opening hours and closure (coordinator)", "Hours", codes=("401", "403")
            ),
            "put": _op(
                "setHours",
                "Set the weekly hours and holidays (coordinator)",
                "Hours",
                body="HoursChange",
                csrf=True,
                codes=("400", "401"),
            ),
        },
        "/api/hours/closure": {
            "post": _op(
                "closeHelpline",
                "Close now with a reason callers hear (coordinator)",
                "Hours",
                body="Closure",
                csrf=True,
                codes=("400", "401"),
            ),
            "delete": _op("reopenHelpline", "End a closure (coordinator)", "Hours", csrf=True),
        },
        "/api/people": {
            "get": _op(
                "listPeople", "Everyone's account (coordinator)", "People", codes=("401", "403")
            ),
            "post": _op(
                "addPerson",
                "Add a volunteer or coordinator (coordinator)",
                "PersonAdded",
                body="PersonInput",
                csrf=True,
                codes=("400", "401"),
                created=True,
            ),
        },
        "/api/people/{username}": {
            "patch": _op(
                "updatePerson",
                "Change, disable or enable an account (coordinator)",
                "Ok",
                body="PersonChanges",
                csrf=True,
                params=[USERNAME],
                codes=("400", "401", "404"),
            )
        },
        "/api/people/{username}/password": {
            "post": _op(
                "resetPassword",
                "Give an account a new temporary password, shown once (coordinator)",
                "PasswordReset",
                csrf=True,
                params=[USERNAME],
                codes=("401", "404"),
            )
        },
        "/api/stream": {
            "get": {
                "operationId": "streamUpdates",
                "summary": "Server-Sent Events: a `state` event (Snapshot) on connect and on every "
                "change; reconnecting is the resync",
                "responses": {
                    "200": {
                        "description": "An event stream",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    "401": ERROR,
                    "429": ERROR,
                },
            }
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
                    "state_since_ms": {"type": "integer", "nullable": True},
                    "wrapup_pending": {"type": "string", "nullable": True},
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
                    "waiting_since_ms": {"type": "integer"},
                    "expires_at_ms": {"type": "integer", "nullable": True},
                },
            },
            "OfferEnvelope": {
                "type": "object",
                "required": ["offer"],
                "properties": {
                    "offer": {"allOf": [{"$ref": "#/components/schemas/Offer"}], "nullable": True}
                },
            },
            "CallRecord": _obj(
                ["id", "kind", "ended_at", "wrapped_up"],
                id={"type": "string"},
                volunteer={"type": "string"},
                kind={"type": "string", "enum": ["call", "callback"]},
                topic=_nullable("string"),
                topic_name=_nullable("string"),
                language=_nullable("string"),
                repeat_caller={"type": "boolean"},
                referral=_nullable("string"),
                waited_seconds={"type": "integer"},
                talk_seconds={"type": "integer"},
                ended_at={"type": "string", "format": "date-time"},
                wrapped_up={"type": "boolean"},
                wrapup=_ref("WrapUpStored", nullable=True),
            ),
            "WrapUpStored": _obj(
                ["outcome", "topic"],
                outcome={"type": "string"},
                topic={"type": "string"},
                subtopic=_nullable("string"),
                local_help=_nullable("string"),
                place=_nullable("string"),
                recurring={"type": "boolean"},
                note={"type": "string"},
            ),
            "WrapUp": _obj(
                ["outcome", "topic"],
                outcome={"type": "string", "enum": ["solved", "partly", "not_solved", "referred"]},
                topic={"type": "string"},
                subtopic={"type": "string"},
                local_help={"type": "string", "enum": ["", "place", "course", "organisation"]},
                place={"type": "string"},
                recurring={"type": "boolean"},
                note={"type": "string", "maxLength": 500},
            ),
            "WrapUpSaved": _obj(
                ["ok", "call", "me"], ok={"type": "boolean"}, call=_ref("CallRecord"), me=_ref("Me")
            ),
            "MyCalls": _obj(
                ["calls", "today"],
                calls={"type": "array", "items": _ref("CallRecord")},
                today={"type": "object", "additionalProperties": {"type": "integer"}},
            ),
            "Options": _obj(
                ["topics", "outcomes", "local_help"],
                languages=STRINGS,
                topics={
                    "type": "array",
                    "items": _obj(
                        ["id", "name", "subtopics"],
                        id={"type": "string"},
                        name=NAMES,
                        subtopics={
                            "type": "array",
                            "items": _obj(["id", "name"], id={"type": "string"}, name=NAMES),
                        },
                    ),
                },
                outcomes=STRINGS,
                local_help=STRINGS,
            ),
            "PlaceInput": _obj(
                ["name", "kind", "postcode"],
                name={"type": "string"},
                kind={
                    "type": "string",
                    "enum": ["informatiepunt", "bibliotheek", "cursus", "helpdesk", "anders"],
                },
                postcode={"type": "string"},
                town={"type": "string"},
                address={"type": "string"},
                phone={"type": "string"},
                website={"type": "string"},
                hours={"type": "string"},
            ),
            "Place": _obj(
                ["id", "name", "kind", "postcode"],
                id={"type": "string"},
                name={"type": "string"},
                kind={"type": "string"},
                postcode={"type": "string"},
                town={"type": "string"},
                address={"type": "string"},
                phone={"type": "string"},
                website={"type": "string"},
                hours={"type": "string"},
            ),
            "Places": _obj(["places"], places={"type": "array", "items": _ref("Place")}),
            "Imported": _obj(
                ["ok", "imported"], ok={"type": "boolean"}, imported={"type": "integer"}
            ),
            "LiveStats": _obj(
                ["topics", "waiting", "volunteers"],
                now_ms={"type": "integer"},
                today={
                    "type": "object",
                    "properties": {
                        "offered": {"type": "integer"},
                        "answered": {"type": "integer"},
                        "abandoned": {"type": "integer"},
                        "service_level": _nullable("number"),
                        "service_level_target": {"type": "number"},
                        "service_level_seconds": {"type": "integer"},
                    },
                },
                failing_jobs=STRINGS,
                waiting={"type": "integer"},
                scheduled_callbacks={"type": "integer"},
                volunteers={"type": "object", "additionalProperties": {"type": "integer"}},
                topics={
                    "type": "array",
                    "items": _obj(
                        ["topic", "waiting", "longest_wait_seconds", "skilled_on_duty", "alert"],
                        topic={"type": "string"},
                        name=NAMES,
                        waiting={"type": "integer"},
                        longest_wait_seconds={"type": "integer"},
                        skilled_on_duty={"type": "integer"},
                        alert={"type": "boolean"},
                    ),
                },
            ),
            "BottleneckReport": _obj(
                ["generated_at", "findings"],
                generated_at=_nullable("string"),
                findings={
                    "type": "array",
                    "items": _obj(
                        ["kind", "title", "evidence"],
                        kind={"type": "string"},
                        title={"type": "string"},
                        evidence={"type": "object"},
                    ),
                },
            ),
            "Hours": _obj(
                ["open", "weekly"],
                open={"type": "boolean"},
                reason={"type": "string"},
                next_opening=_nullable("string"),
                weekly={"type": "string"},
                holidays={"type": "string"},
                closure={
                    "type": "object",
                    "nullable": True,
                    "properties": {"reason": NAMES, "until": _nullable("string")},
                },
            ),
            "HoursChange": {
                "type": "object",
                "properties": {"weekly": {"type": "string"}, "holidays": {"type": "string"}},
            },
            "Closure": _obj(
                ["reason_nl"],
                reason_nl={"type": "string"},
                reason_en={"type": "string"},
                until=_nullable("string"),
            ),
            "Person": _obj(
                ["username", "role", "disabled"],
                username={"type": "string"},
                name={"type": "string"},
                role={"type": "string", "enum": ["volunteer", "coordinator"]},
                disabled={"type": "boolean"},
                phone_set={"type": "boolean"},
                skills=STRINGS,
                languages=STRINGS,
                status={"type": "string"},
            ),
            "People": _obj(["people"], people={"type": "array", "items": _ref("Person")}),
            "PersonInput": _obj(
                ["username", "password"],
                username={"type": "string"},
                password={"type": "string", "minLength": 10},
                role={"type": "string", "enum": ["volunteer", "coordinator"]},
                name={"type": "string"},
                phone={"type": "string"},
                skills=STRINGS,
                languages=STRINGS,
            ),
            "PersonAdded": _obj(
                ["ok", "username"], ok={"type": "boolean"}, username={"type": "string"}
            ),
            "PersonChanges": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "phone": {"type": "string"},
                    "role": {"type": "string", "enum": ["volunteer", "coordinator"]},
                    "skills": STRINGS,
                    "languages": STRINGS,
                    "disabled": {"type": "boolean"},
                },
            },
            "PasswordReset": _obj(
                ["ok", "password"], ok={"type": "boolean"}, password={"type": "string"}
            ),
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
