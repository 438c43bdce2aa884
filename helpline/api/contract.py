"""How a route declares its contract once, with flask-smorest (see docs/architecture.md).

``operation`` registers a view with its operationId, summary, request schema, response schema
and error statuses; the same declarations load the request, dump the answer and make
/api/openapi.json. Who may call it is the ``access`` check the route passes in
(``signed_in``, ``coordinator_only``, each naming the statuses it ``refuses`` with), so the
401, the 403 and the ``X-CSRF-Token`` header in the document come from the check that runs.
The check runs before the request is loaded: an outsider learns nothing from a validation
error, and a request without the CSRF token is refused (403) whatever its body.

A request that does not fit its schema is refused in the person's language: the first wrong
field's ``refusal`` message (``helpline.api.schemas``), never the library's English.
"""

from __future__ import annotations

from copy import deepcopy
from http import HTTPStatus

import flask_smorest
from apispec import BasePlugin
from flask import Flask, request

from helpline.api import schemas
from helpline.api.messages import error
from helpline.texts import N_, Refusal

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = {
    "name": "X-CSRF-Token",
    "in": "header",
    "required": True,
    "description": "The token sign-in returned; every state-changing request sends it",
    "schema": {"type": "string"},
}
SETTINGS = {
    "API_TITLE": "DigiHulplijn dashboard API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": None,  # the document is served by the API's own blueprint
}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint, which also documents what a route's access check demands."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_access_doc)

    @staticmethod
    def _prepare_access_doc(doc, doc_info, **_):
        access = doc_info.get("access", {})
        codes = {*access.get("refuses", ()), *([403] if access.get("csrf") else [])}
        for code in sorted(codes):
            doc.setdefault("responses", {})[code] = HTTPStatus(code).name
        if access.get("csrf"):
            doc.setdefault("parameters", []).append(deepcopy(CSRF_HEADER))
        return doc


class PathParametersInOperations(BasePlugin):
    """Each operation lists its own path parameters, so every entry under a path is an
    operation (as clients of the document have always read it)."""

    def path_helper(self, operations, parameters, **_):
        for operation in operations.values():
            operation["parameters"] = [*deepcopy(parameters), *operation.get("parameters", [])]
        parameters.clear()


NULL_OBJECT = {"type": "object", "nullable": True}


def nullable_reference(_converter, _field, ret: dict, **_) -> dict:
    """A nested schema that may be null is that schema or null (``allOf`` with ``nullable``),
    not apispec's "any object or that schema", which would let any object pass the checks."""
    branches = ret.get("anyOf") or []
    if NULL_OBJECT not in branches:
        return {}
    ret.pop("anyOf")
    return {"allOf": [b for b in branches if b != NULL_OBJECT], "nullable": True}


class Api(flask_smorest.Api):
    """The OpenAPI document's builder; errors stay ours (``helpline.api``'s handlers), so
    pages and voice webhooks keep their own error answers."""

    ERROR_SCHEMA = schemas.Error
    # Every error an operation can answer is named: a catch-all ``default`` would let any
    # undocumented status pass schemathesis's status-code check.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


bp = Blueprint("api", __name__, url_prefix="/api")


def operation(
    method: str,
    rule: str,
    operation_id: str,
    summary: str,
    *,
    access=None,
    body=None,
    query=None,
    ok=None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    invalid: int = 400,
    doc: dict | None = None,
):
    """Register the view at ``method rule`` with its whole contract: ``access`` check first,
    then ``body`` or ``query`` loaded (refused with ``invalid``), then the view's value dumped
    with ``ok`` (a Response, such as an error, passes as it is)."""

    def decorator(view):
        func = view
        if ok is not None:
            func = bp.response(status, ok)(func)
        for schema, location in ((query, "query"), (body, "json")):
            if schema is not None:
                func = bp.arguments(schema, location=location, error_status_code=invalid)(func)
        for code in errors:
            func = bp.alt_response(code, response=HTTPStatus(code).name)(func)
        if access is not None:
            func = access(func)
            func._apidoc = {
                **deepcopy(getattr(func, "_apidoc", {})),
                "access": {"refuses": access.refuses, "csrf": method in STATE_CHANGING},
            }
        func = bp.doc(operationId=operation_id, summary=summary, **(doc or {}))(func)
        bp.route(rule, methods=[method], endpoint=view.__name__)(func)
        return view

    return decorator


def refused(exc):
    """A request that does not fit its declaration, said in the person's language."""
    data = getattr(exc, "data", None) or {}
    messages, schema = data.get("messages"), data.get("schema")
    reason: str | Refusal = N_("request_invalid")
    extra = {}
    if isinstance(messages, dict) and schema is not None:
        for wrong in messages.values():
            name = next(iter(wrong), None) if isinstance(wrong, dict) else None
            field = schema.fields.get(name) if name else None
            if field is not None:
                reason = field.metadata.get("refusal") or Refusal("field_invalid", field=name)
                extra = {"field": name}
                break
    return error(exc.code, reason, **extra)


bp.register_error_handler(400, refused)
bp.register_error_handler(422, refused)


BODY_LIMIT = 256 * 1024  # a request body of the API (the CSV import allows IMPORT_LIMIT)
IMPORT_LIMIT = 2 * 1024 * 1024


def _no_store(response):
    """Every API answer: never cached (it holds personal data), never content-sniffed."""
    if request.path.startswith("/api/") or request.path == "/api":
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app: Flask) -> Api:
    """Register the API's blueprint and build its OpenAPI document; limit request bodies and
    keep the API's answers out of caches."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = BODY_LIMIT
    app.after_request(_no_store)
    api = Api(app, spec_kwargs={"extra_plugins": [PathParametersInOperations()]})
    api.ma_plugin.converter.add_attribute_function(nullable_reference)
    api.register_blueprint(bp)
    api.spec.components.schema("Snapshot", schema=schemas.Snapshot)  # the stream's events
    app.extensions["helpline_api"] = api
    return api
