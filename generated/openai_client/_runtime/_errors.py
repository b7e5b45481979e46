"""Exception hierarchy raised by generated clients."""

from __future__ import annotations

import json
from typing import Mapping

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
    "make_status_error",
]


class APIError(Exception):
    """Base class of every error raised while talking to the API."""

    message: str
    request: httpx.Request
    body: object | None

    def __init__(
        self, message: str, request: httpx.Request, *, body: object | None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


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
    """The API answered with a non-2xx status code."""

    response: httpx.Response
    status_code: int
    headers: httpx.Headers
    request_id: str | None
    code: str | None
    type: str | None
    param: str | None

    def __init__(
        self, message: str, *, response: httpx.Response, body: object | None
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.request_id = response.headers.get("x-request-id")
        details = _error_details(body)
        self.code = _optional_str(details.get("code"))
        self.type = _optional_str(details.get("type"))
        self.param = _optional_str(details.get("param"))

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


def make_status_error(response: httpx.Response) -> APIStatusError:
    """Build the exception for a non-2xx response whose body has been read."""
    body = _response_body(response)
    details = _error_details(body)
    message = details.get("message")
    if not isinstance(message, str) or not message:
        message = f"Error code: {response.status_code} - {body!r}"
    if response.status_code >= 500:
        cls: type[APIStatusError] = InternalServerError
    else:
        cls = _STATUS_ERRORS.get(response.status_code, APIStatusError)
    return cls(message, response=response, body=body)


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


def _error_details(body: object) -> Mapping[str, object]:
    """Where code/type/param/message live: `body["error"]` if it is an object, else `body`."""
    if not isinstance(body, Mapping):
        return {}
    error = body.get("error")
    if isinstance(error, Mapping):
        return error
    return body


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
