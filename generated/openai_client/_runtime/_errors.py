"""Exception hierarchy raised by generated clients."""

from __future__ import annotations

import json
from typing import Any, Mapping

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
    "error_fields",
    "make_status_error",
    "stream_error",
]


class APIError(Exception):
    """Base class of every error raised while talking to the API.

    `body` is the server's whole parsed payload.  For errors the server reported
    (`APIStatusError`, a stream's error event) `code`, `type` and `param` are read
    from it where it has one of the common error shapes (see `error_fields`);
    otherwise they are None.
    """

    message: str
    request: httpx.Request
    body: object | None
    code: str | None
    type: str | None
    param: str | None

    def __init__(
        self, message: str, request: httpx.Request, *, body: object | None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        self.code = self.type = self.param = None

    def _read_fields(self) -> None:
        fields = error_fields(self.body)
        self.code = fields.get("code")
        self.type = fields.get("type")
        self.param = fields.get("param")


class APIResponseValidationError(APIError):
    """A 2xx response whose body is not JSON or does not match the declared schema."""

    response: httpx.Response
    status_code: int

    def __init__(
        self,
        response: httpx.Response,
        body: object | None,
        *,
        message: str | None = None,
    ) -> None:
        super().__init__(
            message or "Data returned by API invalid for expected schema.",
            response.request,
            body=body,
        )
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The API answered with a non-2xx status code.

    `error` is the body parsed as the error model the spec declares for this
    status (its code, `4XX`, or `default`), leniently: a body that breaks the
    schema is kept as sent in a model built without validation.  None where the
    spec declares no JSON error schema, or the body is not JSON.
    """

    response: httpx.Response
    status_code: int
    headers: httpx.Headers
    request_id: str | None
    error: Any

    def __init__(
        self, message: str, *, response: httpx.Response, body: object | None
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.request_id = response.headers.get("x-request-id")
        self.error = None
        self._read_fields()

    def __str__(self) -> str:
        # `message` is the server's own text when it sent one; the string form
        # adds the status so that a bare traceback still says what happened.
        prefix = f"Error code: {self.status_code}"
        if self.message.startswith(prefix):
            return self.message
        return f"{prefix} - {self.message}"


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


class APIConnectionError(APIError):
    """The request never got a complete HTTP response (DNS, refused, reset, ...)."""

    def __init__(
        self, *, message: str = "Connection error.", request: httpx.Request
    ) -> None:
        super().__init__(message, request, body=None)


class ResponseTooLargeError(APIError):
    """A response body (or one server-sent event) was larger than the client's limit.

    The connection is closed without reading the rest.  `limit` is the limit
    in bytes; `response` is the response whose body was refused (its status
    may be an error status: error bodies are bounded too).
    """

    response: httpx.Response
    status_code: int
    limit: int | None

    def __init__(
        self, message: str, *, response: httpx.Response, limit: int | None
    ) -> None:
        super().__init__(message, response.request, body=None)
        self.response = response
        self.status_code = response.status_code
        self.limit = limit


class APITimeoutError(APIConnectionError):
    def __init__(self, request: httpx.Request) -> None:
        super().__init__(message="Request timed out.", request=request)


_STATUS_ERRORS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def make_status_error(
    response: httpx.Response, error_types: Mapping[str, object] | None = None
) -> APIStatusError:
    """Build the exception for a non-2xx response whose body has been read.

    `error_types`: the spec's error models by status (`"404"`, `"4XX"`, `"default"`).
    """
    body = _response_body(response)
    message = error_fields(body).get("message") or f"Error code: {response.status_code} - {body!r}"
    if response.status_code >= 500:
        cls: type[APIStatusError] = InternalServerError
    else:
        cls = _STATUS_ERRORS.get(response.status_code, APIStatusError)
    error = cls(message, response=response, body=body)
    if error_types and body is not None and not isinstance(body, str):
        status = str(response.status_code)
        model = next(
            (error_types[k] for k in (status, status[0] + "XX", "default") if k in error_types),
            None,
        )
        if model is not None:
            error.error = _parse_error(model, body)
    return error


def _parse_error(model: object, body: object) -> Any:
    """`body` as `model`, leniently; never raises (an error is being reported already)."""
    from ._models import LENIENT, construct_unchecked, type_adapter

    try:
        return type_adapter(model).validate_python(body, context=LENIENT)
    except Exception:
        try:
            return construct_unchecked(model, body)
        except Exception:
            return body


def _response_body(response: httpx.Response) -> object | None:
    """The parsed JSON body, else its text, else None when it was never read."""
    try:
        text = response.text
    except httpx.ResponseNotRead:
        return None
    try:
        body: object = json.loads(text)
    except ValueError:
        return text
    return body


def stream_error(message: str, request: httpx.Request, body: object) -> APIError:
    """The error for a stream event that reports a failure (`event: error`, or `{"error": ...}`)."""
    error = APIError(message, request, body=body)
    error._read_fields()
    return error


def error_fields(body: object) -> dict[str, str]:
    """`message`, `code`, `type`, `param` of an error payload, those that it has.

    Understood shapes: `{"error": {"message", "code", "type", "param"}}`,
    `{"error": "text"}`, the same fields at the top level, `{"detail": "text"}` or
    a list of `{"msg": ...}` (FastAPI), RFC 7807 problem details (`title`,
    `detail`, `type`), and `{"errors": [{...}]}` (the first error).
    """
    if not isinstance(body, Mapping):
        return {}
    error = body.get("error")
    if isinstance(error, Mapping):
        fields = _fields_of(error)
        if "message" not in fields:
            fields.update({k: v for k, v in _fields_of(body).items() if k == "message"})
        return fields
    fields = _fields_of(body)
    if isinstance(error, str) and error:
        fields.setdefault("message", error)
    errors = body.get("errors")
    if "message" not in fields and isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        first = _fields_of(errors[0])
        for key, value in first.items():
            fields.setdefault(key, value)
    return fields


def _fields_of(shape: Mapping[object, object]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key in ("code", "type", "param"):
        value = shape.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            fields[key] = str(value)
    message = _text(shape.get("message"))
    if message is None:
        detail = _detail_text(shape.get("detail"))
        title = _text(shape.get("title"))
        if detail and title and detail != title:
            message = f"{title}: {detail}"
        else:
            message = detail or title or _text(shape.get("error_description"))
    if message:
        fields["message"] = message
    return fields


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _detail_text(detail: object) -> str | None:
    """`detail` as text: a string, or the messages of a list of validation errors."""
    if isinstance(detail, str):
        return detail or None
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, Mapping):
                text = _text(item.get("msg")) or _text(item.get("message"))
                loc = item.get("loc")
                if text and isinstance(loc, list) and loc:
                    text = f"{'.'.join(str(p) for p in loc)}: {text}"
                if text:
                    parts.append(text)
            elif isinstance(item, str):
                parts.append(item)
        return "; ".join(parts) or None
    return None
