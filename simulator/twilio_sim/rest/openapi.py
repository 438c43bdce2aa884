"""Check REST requests against Twilio's OpenAPI description, as Twilio's API would refuse them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SPEC_PATH = Path(__file__).resolve().parent / "spec" / "twilio_api_v2010.json"

# The resources a helpline uses; other paths in the description are not simulated.
SERVED = (
    "/2010-04-01/Accounts/{AccountSid}/Calls.json",
    "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues/{Sid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues/{QueueSid}/Members.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues/{QueueSid}/Members/{CallSid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Conferences.json",
    "/2010-04-01/Accounts/{AccountSid}/Conferences/{Sid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants.json",
    "/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants/{CallSid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Messages.json",
    "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json",
)


@dataclass
class Operation:
    template: str
    method: str
    path_params: dict[str, dict]
    query_params: dict[str, dict]
    form: dict[str, dict] = field(default_factory=dict)
    required: tuple[str, ...] = ()


class RequestProblem(Exception):
    """A request Twilio would refuse: HTTP status, Twilio error code, message."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Spec:
    def __init__(self, path: Path = SPEC_PATH):
        data = json.loads(path.read_text())
        self.components = data.get("components", {}).get("schemas", {})
        self.routes: list[tuple[re.Pattern, str, dict[str, Operation]]] = []
        for template, item in data["paths"].items():
            pattern = re.compile(
                "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            )
            operations = {}
            for method in ("get", "post", "delete"):
                if method in item:
                    operations[method.upper()] = self._operation(template, method, item[method])
            self.routes.append((pattern, template, operations))

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _operation(self, template: str, method: str, raw: dict) -> Operation:
        path_params, query_params = {}, {}
        for param in raw.get("parameters", []):
            target = path_params if param["in"] == "path" else query_params
            target[param["name"]] = self._resolve(param.get("schema", {}))
        form, required = {}, ()
        body = raw.get("requestBody", {}).get("content", {})
        schema = body.get("application/x-www-form-urlencoded", {}).get("schema")
        if schema:
            schema = self._resolve(schema)
            form = {k: self._resolve(v) for k, v in schema.get("properties", {}).items()}
            required = tuple(schema.get("required", ()))
        return Operation(template, method.upper(), path_params, query_params, form, required)

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        """The operation for a request; RequestProblem when Twilio has no such resource."""
        for pattern, template, operations in self.routes:
            found = pattern.match(path)
            if not found:
                continue
            if template not in SERVED:
                raise RequestProblem(404, 20404, f"The requested resource {path} was not found")
            if method not in operations:
                raise RequestProblem(405, 20004, f"Method {method} not allowed on {path}")
            operation = operations[method]
            for name, value in found.groupdict().items():
                problem = check_value(value, operation.path_params.get(name, {}), self._resolve)
                if problem:
                    raise RequestProblem(404, 20404, f"The requested resource {path} was not found")
            return operation, found.groupdict()
        raise RequestProblem(404, 20404, f"The requested resource {path} was not found")

    def check(self, operation: Operation, form, query) -> None:
        """Refuse unknown, missing or badly formed parameters, naming the first one."""
        allowed = operation.form if operation.method == "POST" else operation.query_params
        given = form if operation.method == "POST" else query
        for name in given:
            if name not in allowed:
                raise RequestProblem(400, 20001, f"Unknown parameter: {name}")
            schema = allowed[name]
            values = given.getlist(name)
            if schema.get("type") != "array" and len(values) > 1:
                raise RequestProblem(400, 20001, f"Parameter {name} given more than once")
            for value in values:
                problem = check_value(value, schema, self._resolve)
                if problem:
                    raise RequestProblem(400, 20001, f"Invalid parameter {name}: {problem}")
        for name in operation.required:
            if name not in given:
                raise RequestProblem(400, 20001, f"Missing required parameter {name}")


def check_value(value: str, schema: dict, resolve) -> str | None:
    """Why ``value`` does not fit ``schema``, or None."""
    schema = resolve(schema)
    kind = schema.get("type", "string")
    if kind == "array":
        return check_value(value, schema.get("items", {}), resolve)
    if kind == "integer":
        if not re.fullmatch(r"-?\d{1,18}", value):
            return f"{value!r} is not a whole number"
        number = int(value)
        if "minimum" in schema and number < schema["minimum"]:
            return f"{number} is below {schema['minimum']}"
        if "maximum" in schema and number > schema["maximum"]:
            return f"{number} is above {schema['maximum']}"
        return None
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return f"{value!r} is not a number"
        return None
    if kind == "boolean":
        return None if value.lower() in ("true", "false") else f"{value!r} is not true or false"
    if "enum" in schema and value not in schema["enum"]:
        return f"{value!r} is not one of {', '.join(schema['enum'])}"
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return f"{value!r} is not a valid value"
    if "minLength" in schema and len(value) < schema["minLength"]:
        return f"{value!r} is too short"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return f"{value!r} is too long"
    if schema.get("format") == "uri" and value and not re.match(r"^https?://", value):
        return f"{value!r} is not an absolute URL"
    return None


@lru_cache(maxsize=1)
def spec() -> Spec:
    return Spec()
