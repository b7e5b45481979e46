"""HTTP machinery of generated clients: request building, retries, response parsing.

`SyncAPIClient` and `AsyncAPIClient` share everything in `_BaseClient`; each
adds only its I/O loop (send, read, sleep), which async syntax forces apart.
"""

from __future__ import annotations

import asyncio
import copy
import email.utils
import enum
import functools
import json
import math
import random
import re
import time
import types
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, Mapping, Sequence, TypeVar, cast
from urllib.parse import parse_qsl, quote, urlencode

import httpx
import pydantic
from typing_extensions import Self

from . import _auth, _forms, _validation
from ._auth import AuthSpec, Requirement
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    make_status_error,
)
from ._models import LENIENT, construct_unchecked, type_adapter
from ._pagination import AsyncPage, SyncPage
from ._response import APIResponse, AsyncAPIResponse, BinaryResponse, Mode, request_id_of
from ._streaming import AsyncStream, Stream
from ._transfer import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_SSE_LINE_BYTES,
    BodyReader,
    checked_limit,
    deadline_passed,
    redirect_request,
    too_large,
)
from ._forms import json_bytes as _json_bytes
from ._forms import scalar_str as _scalar_str
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes

__all__ = [
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_SSE_LINE_BYTES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "AuthSpec",
    "RequestOptions",
    "SyncAPIClient",
]

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server-requested delay longer than this is ignored in favour of backoff.
MAX_RETRY_AFTER = 60.0

BodyKind = Literal["json", "multipart", "form", "binary", "text"]
ResponseKind = Literal["json", "binary", "text", "none"]
# Media types read as text (besides text/*), as the generator classifies them.
_TEXT_MEDIA = frozenset({"application/xml", "application/sdp"})


@dataclass
class RequestOptions:
    """Everything a generated method knows about one call."""

    method: str
    path: str
    path_params: Mapping[str, object] = field(default_factory=dict)
    query: Mapping[str, object] = field(default_factory=dict)
    headers: Mapping[str, object] = field(default_factory=dict)
    cookies: Mapping[str, object] = field(default_factory=dict)
    # (location, wire name) -> (style, explode), for parameters not sent the default way.
    styles: Mapping[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    body: object = NOT_GIVEN
    body_kind: BodyKind = "json"
    content_type: str | None = None
    # The kind sent instead when a file is among the body's values (the spec offers both).
    files_kind: BodyKind | None = None
    # Body field -> (contentType, style, explode): the spec's `encoding` of a form or multipart body.
    encoding: Mapping[str, tuple[str | None, str | None, bool | None]] = field(
        default_factory=dict
    )
    response_kind: ResponseKind = "json"
    # Other kinds the spec lists for the response: the one the server sent is used.
    response_also: Sequence[ResponseKind] = ()
    cast_to: object = None
    stream: bool = False
    stream_item: object = None
    stream_envelope: bool = False
    validation: Mapping[str, tuple[object, Mapping[str, object]]] = field(
        default_factory=dict
    )
    extra_headers: Mapping[str, object] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: Mapping[str, object] | None = None
    timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    # A list operation's paging (a _pagination.Paging): the response becomes a page.
    pagination: object = None
    # An absolute URL used instead of base_url + path (a next page's URL).
    url: str | None = None
    # The operation's own security requirement (alternatives of scheme names);
    # None: the client's default.  `[]` or `[[]]`: no credentials.
    security: Requirement | None = None
    # Headers the configuration sets for this operation (e.g. for its path prefix).
    fixed_headers: Mapping[str, str] = field(default_factory=dict)
    # The spec's error models by status ("404", "4XX", "default"): `APIStatusError.error`.
    error_types: Mapping[str, object] = field(default_factory=dict)


_HttpxClientT = TypeVar("_HttpxClientT", httpx.Client, httpx.AsyncClient)


@dataclass(frozen=True)
class _Prepared:
    """A request ready to be (re)sent: built once per call, reused by every attempt."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: httpx.Headers
    removed_headers: list[str]
    timeout: httpx.Timeout
    # A float timeout: seconds for the whole attempt (connect, send, every read to
    # the end of a non-streamed body, redirects included); None for an httpx.Timeout.
    deadline: float | None
    body: Mapping[str, Any]  # httpx build_request keyword arguments carrying the body


class _BaseClient(Generic[_HttpxClientT]):
    """Configuration and all I/O-free logic shared by the sync and async clients."""

    _stream_class: ClassVar[type[Stream[Any]] | type[AsyncStream[Any]]]
    _page_class: ClassVar[type[SyncPage[Any]] | type[AsyncPage[Any]]]
    _client: _HttpxClientT

    base_url: httpx.URL
    api_key: str | None
    timeout: TimeoutTypes
    max_retries: int
    # How arrays and objects without an explicit `style` go into query strings and forms
    # (see _forms); a generated client sets them from its configuration.  `None` for objects:
    # `brackets` in a query, one JSON field in a form.
    _array_format: ClassVar[str] = "repeat"
    _object_format: ClassVar[str | None] = None

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        api_key: str | None,
        auth: AuthSpec | Sequence[AuthSpec] | None,
        timeout: TimeoutTypes,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        user_agent: str,
        validate: bool,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_sse_line_bytes: int | None = DEFAULT_MAX_SSE_LINE_BYTES,
        strict_responses: bool = False,
        credentials: Mapping[str, object] | None = None,
        security: Requirement | None = None,
        idempotency_header: str | None = None,
    ) -> None:
        self.base_url = httpx.URL(str(base_url))
        schemes: tuple[AuthSpec, ...] = (auth,) if isinstance(auth, AuthSpec) else tuple(auth or ())
        self._schemes: dict[str, AuthSpec] = {scheme.scheme: scheme for scheme in schemes}
        # `api_key` is the credential of the first scheme that takes a key or token.
        self._primary: str | None = next((s.scheme for s in schemes if s.kind != "basic"), None)
        self._credentials: dict[str, object] = dict(credentials or {})
        if api_key is not None and self._primary is not None:
            self._credentials[self._primary] = api_key
        primary = self._credentials.get(self._primary) if self._primary else None
        self.api_key = api_key if api_key is not None else primary if isinstance(primary, str) else None
        # Without a declared requirement: any one scheme the client has a credential for, else none.
        self._security: Requirement = (
            security if security is not None else (*((s.scheme,) for s in schemes), ())
        )
        self._idempotency_header = idempotency_header
        self.timeout = timeout
        self.max_retries = _checked_max_retries(max_retries)
        self._max_response_bytes = checked_limit("max_response_bytes", max_response_bytes)
        self._max_sse_line_bytes = checked_limit("max_sse_line_bytes", max_sse_line_bytes)
        # What the client adds that must not follow a redirect to another origin.
        self._credential_headers = frozenset(
            {"authorization", "cookie"}
            | {s.name.lower() for s in schemes if s.location == "header"}
        )
        self._credential_params = tuple(s.name for s in schemes if s.location == "query")
        self._default_headers = dict(default_headers or {})
        self._user_agent = user_agent
        self._validate = validate
        self._strict_responses = strict_responses
        # Copies made by with_options share the httpx client but must not close it.
        self._owns_client = True

    def with_options(
        self,
        *,
        api_key: str | None | NotGiven = NOT_GIVEN,
        base_url: str | httpx.URL | NotGiven = NOT_GIVEN,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        validate: bool | NotGiven = NOT_GIVEN,
        max_response_bytes: int | None | NotGiven = NOT_GIVEN,
        max_sse_line_bytes: int | None | NotGiven = NOT_GIVEN,
        strict_responses: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with some settings changed, sharing this client's connection pool.

        `default_headers` are merged over the current ones.  Attributes that a
        subclass defines with `functools.cached_property` (e.g. resource
        objects bound to the client) are dropped from the copy so that they are
        rebuilt for it on first use instead of pointing back at this client.
        """
        new = copy.copy(self)
        _drop_cached_properties(new)
        new._owns_client = False
        new._default_headers = dict(self._default_headers)
        if not isinstance(api_key, NotGiven):
            new.api_key = api_key
            new._credentials = dict(self._credentials)
            if self._primary is not None:
                if api_key is None:
                    new._credentials.pop(self._primary, None)
                else:
                    new._credentials[self._primary] = api_key
        if not isinstance(base_url, NotGiven):
            new.base_url = httpx.URL(str(base_url))
        if not isinstance(timeout, NotGiven):
            new.timeout = timeout
        if not isinstance(max_retries, NotGiven):
            new.max_retries = _checked_max_retries(max_retries)
        if not isinstance(default_headers, NotGiven):
            new._default_headers.update(default_headers)
        if not isinstance(validate, NotGiven):
            new._validate = validate
        if not isinstance(max_response_bytes, NotGiven):
            new._max_response_bytes = checked_limit("max_response_bytes", max_response_bytes)
        if not isinstance(max_sse_line_bytes, NotGiven):
            new._max_sse_line_bytes = checked_limit("max_sse_line_bytes", max_sse_line_bytes)
        if not isinstance(strict_responses, NotGiven):
            new._strict_responses = strict_responses
        return new

    # --- request building ---------------------------------------------------------

    def _check(self, options: RequestOptions) -> tuple[str, ...]:
        """Check the arguments; the security schemes the call sends.  Raises ValueError before any I/O."""
        if self._validate:
            for name, (value, rule) in options.validation.items():
                _validation.check(name, value, rule)
        requirement = self._security if options.security is None else options.security
        if not requirement:
            return ()
        return _auth.choose(requirement, self._credentials, self._schemes)

    def _forget_tokens(self, names: Sequence[str]) -> None:
        """After a 401, cached OAuth2 tokens of the call are dropped: the next call fetches anew."""
        for name in names:
            credential = self._credentials.get(name)
            if isinstance(credential, _auth.OAuth2ClientCredentials):
                credential.invalidate()

    def _prepare(
        self, options: RequestOptions, secrets: Sequence[tuple[AuthSpec, str]] = ()
    ) -> _Prepared:
        """Encode the request, with `secrets` (each scheme's text) where their schemes put them.

        Done once per call, not per attempt: a file body is read here, so a
        retry re-sends the same bytes (and the same idempotency key and
        credentials) instead of an exhausted file.
        """
        # Some specs write a fixed query into the path (`/responses?beta=true`); httpx
        # would drop it in favour of `params`, so it joins them instead.
        template, _, fixed_query = options.path.partition("?")
        path = _format_path(template, options.path_params, _styles_at(options, "path"))
        headers, removed = self._build_headers(options, secrets)
        timeout = self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        return _Prepared(
            method=options.method.upper(),
            url=options.url or str(self.base_url).rstrip("/") + "/" + path.lstrip("/"),
            params=tuple(parse_qsl(fixed_query, keep_blank_values=True) if options.url is None else ())
            + tuple(self._build_query(options, secrets)),
            headers=headers,
            removed_headers=removed,
            timeout=_to_httpx_timeout(timeout),
            deadline=(
                None
                if timeout is None or isinstance(timeout, httpx.Timeout)
                else float(timeout)
            ),
            body=_encode_body(options, self._array_format, self._object_format),
        )

    def _build_request(self, prepared: _Prepared) -> httpx.Request:
        request = self._client.build_request(
            prepared.method,
            prepared.url,
            params=prepared.params,
            headers=prepared.headers,
            timeout=prepared.timeout,
            **prepared.body,
        )
        # httpx adds its own defaults (e.g. its User-Agent) for headers we dropped.
        for name in prepared.removed_headers:
            request.headers.pop(name, None)
        return request

    def _build_headers(
        self, options: RequestOptions, secrets: Sequence[tuple[AuthSpec, str]] = ()
    ) -> tuple[httpx.Headers, list[str]]:
        """The request headers, later sources overriding earlier ones, and the names removed."""
        headers = httpx.Headers()
        headers["Accept"] = _accept(options)
        content_type = _content_type(options)
        if content_type is not None:
            headers["Content-Type"] = content_type
        headers["User-Agent"] = self._user_agent
        auth_cookies = []
        for spec, secret in secrets:
            if spec.location == "header":
                headers[spec.name] = secret
            elif spec.location == "cookie":
                auth_cookies.append(f"{spec.name}={secret}")
        if auth_cookies:
            headers["Cookie"] = "; ".join(auth_cookies)
        if self._idempotency_header is not None and options.method.upper() != "GET":
            # Once per call: every retry of the call sends the same key.
            headers[self._idempotency_header] = str(uuid.uuid4())
        headers.update(self._default_headers)
        headers.update(options.fixed_headers)
        header_styles = _styles_at(options, "header")
        for name, value in options.headers.items():
            if not _is_omitted(value):
                style = header_styles.get(name, ("simple", False))
                headers[name] = _simple_value(value, explode=style[1])
        cookie = _encode_cookies(options.cookies, _styles_at(options, "cookie"))
        if cookie:
            existing = headers.get("Cookie")
            headers["Cookie"] = f"{existing}; {cookie}" if existing else cookie
        removed: list[str] = []
        for name, value in (options.extra_headers or {}).items():
            if _is_omitted(value):
                headers.pop(name, None)
                removed.append(name)
            else:
                headers[name] = _scalar_str(value)
        return headers, removed

    def _build_query(
        self, options: RequestOptions, secrets: Sequence[tuple[AuthSpec, str]] = ()
    ) -> tuple[tuple[str, str], ...]:
        merged: dict[str, object] = {
            spec.name: secret for spec, secret in secrets if spec.location == "query"
        }
        merged.update(options.query)
        merged.update(options.extra_query or {})
        styles = _styles_at(options, "query")
        pairs: list[tuple[str, str]] = []
        for key, value in merged.items():
            style = styles.get(key)
            if style is None or _is_omitted(value):
                pairs.extend(
                    (name, _scalar_str(leaf))
                    for name, leaf in _forms.flatten(
                        key, value, self._array_format, self._object_format or "brackets"
                    )
                )
            else:
                pairs.extend(_styled_query(key, value, *style))
        return tuple(pairs)

    # --- redirects and bounded reads (the I/O is in the subclasses) ---------------

    def _next_hop(
        self, response: httpx.Response, hops: int, expires: float | None
    ) -> httpx.Request:
        """The request following the redirect `response`, without credentials if it leaves the origin."""
        request = response.request
        if hops >= self._client.max_redirects:
            raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)
        timeout: dict[str, float | None] | None = None
        if expires is not None:
            remaining = expires - time.monotonic()
            if remaining <= 0:
                raise deadline_passed(request)
            timeout = dict.fromkeys(("connect", "read", "write", "pool"), remaining)
        credential_query = [
            (name, request.url.params[name])
            for name in self._credential_params
            if name in request.url.params
        ]
        return redirect_request(
            request,
            response,
            credential_headers=self._credential_headers,
            credential_query=credential_query,
            cookies=self._client.cookies,
            timeout=timeout,
        )

    def _body_reader(
        self, response: httpx.Response, expires: float | None
    ) -> BodyReader | None:
        """A reader for the body of `response`, or None when it is already in memory."""
        if hasattr(response, "_content"):  # e.g. built from bytes by a mock transport
            limit = self._max_response_bytes
            if limit is not None and len(response.content) > limit:
                raise too_large(response, limit)
            return None
        if expires is not None:
            # httpcore reads the read timeout when the body's first read starts:
            # what is left of the deadline bounds each read from here on.
            remaining = max(expires - time.monotonic(), 0.001)
            timeouts = response.request.extensions.get("timeout")
            if isinstance(timeouts, dict):
                response.request.extensions["timeout"] = {**timeouts, "read": remaining}
        return BodyReader(response, self._max_response_bytes, expires)

    # --- retries ----------------------------------------------------------------

    def _retry_delay(
        self, retries_taken: int, response: httpx.Response | None
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when not retrying.

        `response` is None when the attempt failed without one (timeout, reset).
        """
        if retries_taken >= self.max_retries:
            return None
        if response is not None and not _should_retry(response):
            return None
        server_delay = _retry_after(response.headers) if response is not None else None
        if server_delay is not None:
            return server_delay
        backoff = min(
            INITIAL_RETRY_DELAY * 2.0 ** min(retries_taken, 100), MAX_RETRY_DELAY
        )
        # Jitter spreads out clients that failed together, so they do not retry together.
        return backoff * (1 - 0.25 * random.random())

    def _delay_or_raise(
        self,
        retries_taken: int,
        request: httpx.Request,
        failure: httpx.Response | httpx.TransportError,
        error_types: Mapping[str, object] | None = None,
    ) -> float:
        """The wait before retrying a failed attempt; raises the final error if there is no retry."""
        response = failure if isinstance(failure, httpx.Response) else None
        delay = self._retry_delay(retries_taken, response)
        if delay is not None:
            return delay
        if isinstance(failure, httpx.Response):
            raise make_status_error(failure, error_types)
        if isinstance(failure, httpx.TimeoutException):
            raise APITimeoutError(request) from failure
        raise APIConnectionError(request=request) from failure

    # --- responses --------------------------------------------------------------

    def _process_response(
        self, options: RequestOptions, response: httpx.Response
    ) -> Any:
        """Turn a 2xx response into the method's return value."""
        if options.stream:
            return self._stream_class(
                response=response,
                item_type=options.stream_item,
                envelope=options.stream_envelope,
                client=self,
                max_line_bytes=self._max_sse_line_bytes,
                strict=self._strict_responses,
            )
        kind = options.response_kind
        sent = _kind_sent(response)
        if kind == "none":
            # Nothing declared: None for an empty body, else what was sent is kept.
            if not response.content:
                return None
            return response.text if sent == "text" else BinaryResponse(response)
        if sent is not None and sent != kind:
            if sent in options.response_also:
                kind = sent
            elif kind == "json" and not self._strict_responses:
                return self._unlisted(options, response, sent)
        if kind == "json":
            parsed = _parse_json(response, options.cast_to, strict=self._strict_responses)
            if options.pagination is not None:
                return self._page_class(self, options, parsed, response)
            if isinstance(parsed, pydantic.BaseModel):
                # Not a pydantic field: costs nothing per model, and stays out of dumps.
                object.__setattr__(parsed, "_request_id", request_id_of(response.headers))
            return parsed
        if kind == "binary":
            return BinaryResponse(response)
        return response.text

    def _unlisted(self, options: RequestOptions, response: httpx.Response, sent: ResponseKind) -> Any:
        """A JSON operation answered with text or binary: JSON if the body is JSON, else kept as sent."""
        try:
            parsed = _parse_json(response, options.cast_to)
        except APIResponseValidationError:
            return response.text if sent == "text" else BinaryResponse(response)
        if isinstance(parsed, pydantic.BaseModel):
            object.__setattr__(parsed, "_request_id", request_id_of(response.headers))
        return parsed

    def _wrap_response(self, options: RequestOptions, response: httpx.Response, read: Any) -> Any:
        def parse(response: httpx.Response) -> Any:
            return self._process_response(options, response)

        cls = AsyncAPIResponse if isinstance(self, AsyncAPIClient) and read is not None else APIResponse
        return cls(
            response, parse, stream=options.stream, max_bytes=self._max_response_bytes, read=read
        )


class SyncAPIClient(_BaseClient[httpx.Client]):
    _stream_class = Stream
    _page_class = SyncPage

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        api_key: str | None,
        auth: AuthSpec | Sequence[AuthSpec] | None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        user_agent: str,
        validate: bool = True,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_sse_line_bytes: int | None = DEFAULT_MAX_SSE_LINE_BYTES,
        limits: httpx.Limits | None = None,
        strict_responses: bool = False,
        credentials: Mapping[str, object] | None = None,
        security: Requirement | None = None,
        idempotency_header: str | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
            validate=validate,
            max_response_bytes=max_response_bytes,
            max_sse_line_bytes=max_sse_line_bytes,
            strict_responses=strict_responses,
            credentials=credentials,
            security=security,
            idempotency_header=idempotency_header,
        )
        limits = _checked_limits(limits, http_client)
        self._client = http_client or httpx.Client(
            timeout=_to_httpx_timeout(timeout), follow_redirects=True, limits=limits
        )

    def request(self, options: RequestOptions) -> Any:
        """Make the call, retrying as configured; returns the parsed body or a Stream."""
        return self._process_response(options, self._retrying(options, options.stream))

    def _request_response(self, options: RequestOptions, mode: Mode) -> APIResponse[Any]:
        """The call's `APIResponse`: read (`raw`), or with its body unread (`stream`)."""
        response = self._retrying(options, options.stream or mode == "stream")
        # A streamed body (or an event stream's) is read, within the size limit, only when asked.
        return self._wrap_response(options, response, self._read_later)  # type: ignore[no-any-return]

    def _read_later(self, response: httpx.Response) -> None:
        self._read(response, None)

    def _retrying(self, options: RequestOptions, stream: bool) -> httpx.Response:
        """The first successful response, retrying as configured; unread if `stream`."""
        names = self._check(options)
        secrets = _auth.resolve_sync(self, names) if names else ()
        prepared = self._prepare(options, secrets)
        retries_taken = 0
        while True:
            request = self._build_request(prepared)
            failure: httpx.Response | httpx.TransportError
            try:
                response = self._send(request, stream=stream, deadline=prepared.deadline)
            except httpx.TransportError as exc:
                failure = exc
            else:
                if response.is_success:
                    return response
                failure = response
                if response.status_code == 401:
                    self._forget_tokens(names)
            self._sleep(self._delay_or_raise(retries_taken, request, failure, options.error_types))
            retries_taken += 1

    def _send(
        self, request: httpx.Request, *, stream: bool, deadline: float | None = None
    ) -> httpx.Response:
        """Send, following redirects; read (bounded) and close the response unless it is a stream to hand over."""
        expires = None if deadline is None else time.monotonic() + deadline
        client = self._client
        response = client.send(request, stream=True, follow_redirects=False)
        hops = 0
        while response.has_redirect_location and client.follow_redirects:
            next_request = self._next_hop(response, hops, expires)
            self._read(response, expires)
            response = client.send(next_request, stream=True, follow_redirects=False)
            hops += 1
        if not (stream and response.is_success):
            self._read(response, expires)
        return response

    def _read(self, response: httpx.Response, expires: float | None) -> None:
        """Read the whole body within the size limit and the deadline; always closes."""
        try:
            reader = self._body_reader(response, expires)
            if reader is not None:
                for chunk in response.iter_raw() if reader.raw else response.iter_bytes():
                    reader.feed(chunk)
                response._content = reader.finish()
        finally:
            response.close()

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(_BaseClient[httpx.AsyncClient]):
    _stream_class = AsyncStream
    _page_class = AsyncPage

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        api_key: str | None,
        auth: AuthSpec | Sequence[AuthSpec] | None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        user_agent: str,
        validate: bool = True,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_sse_line_bytes: int | None = DEFAULT_MAX_SSE_LINE_BYTES,
        limits: httpx.Limits | None = None,
        strict_responses: bool = False,
        credentials: Mapping[str, object] | None = None,
        security: Requirement | None = None,
        idempotency_header: str | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
            validate=validate,
            max_response_bytes=max_response_bytes,
            max_sse_line_bytes=max_sse_line_bytes,
            strict_responses=strict_responses,
            credentials=credentials,
            security=security,
            idempotency_header=idempotency_header,
        )
        limits = _checked_limits(limits, http_client)
        self._client = http_client or httpx.AsyncClient(
            timeout=_to_httpx_timeout(timeout), follow_redirects=True, limits=limits
        )

    async def request(self, options: RequestOptions) -> Any:
        """Make the call, retrying as configured; returns the parsed body or an AsyncStream."""
        return self._process_response(options, await self._retrying(options, options.stream))

    async def _request_response(self, options: RequestOptions, mode: Mode) -> Any:
        """`raw`: the call's `APIResponse`, read; `stream`: an `AsyncAPIResponse`, unread."""
        if mode == "raw":
            response = await self._retrying(options, options.stream)
            return self._wrap_response(options, response, None)
        response = await self._retrying(options, True)
        return self._wrap_response(options, response, self._read_later)

    async def _read_later(self, response: httpx.Response) -> None:
        await self._read(response, None)

    async def _retrying(self, options: RequestOptions, stream: bool) -> httpx.Response:
        """The first successful response, retrying as configured; unread if `stream`."""
        names = self._check(options)
        secrets = await _auth.resolve_async(self, names) if names else ()
        prepared = self._prepare(options, secrets)
        retries_taken = 0
        while True:
            request = self._build_request(prepared)
            failure: httpx.Response | httpx.TransportError
            try:
                response = await self._send(request, stream=stream, deadline=prepared.deadline)
            except httpx.TransportError as exc:
                failure = exc
            else:
                if response.is_success:
                    return response
                failure = response
                if response.status_code == 401:
                    self._forget_tokens(names)
            await self._sleep(self._delay_or_raise(retries_taken, request, failure, options.error_types))
            retries_taken += 1

    async def _send(
        self, request: httpx.Request, *, stream: bool, deadline: float | None = None
    ) -> httpx.Response:
        """Send, following redirects; read (bounded) and close the response unless it is a stream to hand over."""
        if deadline is None:
            return await self._send_within(request, stream, None)
        try:
            # Unlike the sync client, a task can be cancelled anywhere: the
            # deadline also bounds a server that trickles its headers.
            async with asyncio.timeout(deadline):
                return await self._send_within(
                    request, stream, time.monotonic() + deadline
                )
        except TimeoutError as exc:
            raise deadline_passed(request) from exc

    async def _send_within(
        self, request: httpx.Request, stream: bool, expires: float | None
    ) -> httpx.Response:
        client = self._client
        response = await client.send(request, stream=True, follow_redirects=False)
        hops = 0
        while response.has_redirect_location and client.follow_redirects:
            next_request = self._next_hop(response, hops, expires)
            await self._read(response, expires)
            response = await client.send(
                next_request, stream=True, follow_redirects=False
            )
            hops += 1
        if not (stream and response.is_success):
            await self._read(response, expires)
        return response

    async def _read(self, response: httpx.Response, expires: float | None) -> None:
        """Read the whole body within the size limit and the deadline; always closes."""
        try:
            reader = self._body_reader(response, expires)
            if reader is not None:
                chunks = response.aiter_raw() if reader.raw else response.aiter_bytes()
                async for chunk in chunks:
                    reader.feed(chunk)
                response._content = reader.finish()
        finally:
            await response.aclose()

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        await self.close()


# --- helpers: plain functions, no client state ---------------------------------------


def _is_omitted(value: object) -> bool:
    return value is None or isinstance(value, NotGiven)


def _checked_max_retries(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"max_retries must be a non-negative integer (got {value!r})")
    return value


def _drop_cached_properties(obj: object) -> None:
    for klass in type(obj).__mro__:
        for name, attr in vars(klass).items():
            if isinstance(attr, functools.cached_property):
                vars(obj).pop(attr.attrname or name, None)


def _checked_limits(
    limits: httpx.Limits | None, http_client: object
) -> httpx.Limits:
    if limits is not None and http_client is not None:
        raise ValueError(
            "Pass `limits` to your `http_client` instead: it is only used for the client's own."
        )
    return DEFAULT_CONNECTION_LIMITS if limits is None else limits


def _to_httpx_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)



_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# A whole path segment that is ".", "..", or either with its dots percent-encoded.
_DOT_SEGMENT = re.compile(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)


def _format_path(
    template: str,
    params: Mapping[str, object],
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> str:
    styles = styles or {}
    for name, value in params.items():
        if value is None or value == "":
            raise ValueError(
                f"Expected a non-empty value for `{name}` but received {value!r}"
            )

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params.get(name, NOT_GIVEN)
        if isinstance(value, NotGiven):
            raise ValueError(f"Missing path parameter `{name}` for {template!r}")
        style, explode = styles.get(name, ("simple", False))
        if style in ("label", "matrix"):
            return _styled_path(name, value, style, explode)
        return _simple_value(value, explode=explode, encode=True)

    path = _PLACEHOLDER.sub(substitute, template)
    if params and _DOT_SEGMENT.search(path):
        # "." and ".." (even percent-encoded: proxies decode them) would move the
        # request to another path, so they are refused as the official SDK does.
        raise ValueError(
            f"Path parameters {dict(params)!r} make a dot-segment in {path!r}, which is not allowed"
        )
    return path


def _styles_at(options: RequestOptions, location: str) -> dict[str, tuple[str, bool]]:
    return {
        name: style for (at, name), style in options.styles.items() if at == location
    }


def _items(value: object) -> list[tuple[str, str]] | list[str] | None:
    """A list's items, or an object's (key, value) pairs, as strings; None for a scalar."""
    if isinstance(value, (list, tuple)):
        return [_form_value(item) for item in value if not _is_omitted(item)]
    if isinstance(value, Mapping):
        return [
            (str(key), _form_value(item))
            for key, item in value.items()
            if not _is_omitted(item)
        ]
    return None


def _encoded_parts(value: object, *, explode: bool, encode: bool) -> list[str] | None:
    """A list's items, or an object's `k=v` (exploded) / `k,v` pairs; None for a scalar."""
    items = _items(value)
    if items is None:
        return None

    def enc(text: str) -> str:
        return quote(text, safe="") if encode else text

    parts: list[str] = []
    for item in items:
        if isinstance(item, tuple):
            key, text = enc(item[0]), enc(item[1])
            parts.append(f"{key}={text}" if explode else f"{key},{text}")
        else:
            parts.append(enc(item))
    return parts


def _simple_value(value: object, *, explode: bool, encode: bool = False) -> str:
    """OpenAPI's `simple` style (path and header parameters): `a,b`, `k,v` or `k=v`."""
    parts = _encoded_parts(value, explode=explode, encode=encode)
    if parts is None:
        text = _scalar_str(value)
        return quote(text, safe=_PCHAR_SAFE) if encode else text
    return ",".join(parts)


# What RFC 3986 lets a path segment carry as it is (sub-delims, ":" and "@"; the official SDK's choice):
# `ft:gpt-4o:acme::x1` stays readable; "/", "?", "#", "%" and spaces are always encoded.
_PCHAR_SAFE = "!$&'()*+,;=:@"


def _styled_path(name: str, value: object, style: str, explode: bool) -> str:
    """`label` (`.a.b`) and `matrix` (`;id=a;id=b`) path parameters."""
    parts = _encoded_parts(value, explode=explode, encode=True)
    scalar = quote(_scalar_str(value), safe="")
    if style == "label":
        return "." + (
            scalar if parts is None else ("." if explode else ",").join(parts)
        )
    key = quote(name, safe="")
    if parts is None:
        return f";{key}={scalar}"
    if not explode:
        return f";{key}=" + ",".join(parts)
    if isinstance(value, Mapping):
        return "".join(f";{part}" for part in parts)
    return "".join(f";{key}={part}" for part in parts)


_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _styled_query(
    key: str, value: object, style: str, explode: bool
) -> list[tuple[str, str]]:
    """Query pairs for a parameter with an explicit OpenAPI `style` and `explode`."""
    items = _items(value)
    if items is None:
        return [(key, _scalar_str(value))]
    if style == "deepObject":
        if isinstance(value, Mapping):
            return [
                (name, _scalar_str(leaf))
                for sub, item in value.items()
                for name, leaf in _forms.flatten(f"{key}[{sub}]", item, "repeat", "brackets")
            ]
        return [(key, cast(str, item)) for item in items]
    if explode:
        # Exploded form: an array repeats its name, an object's keys become the names.
        return [item if isinstance(item, tuple) else (key, item) for item in items]
    delimiter = _DELIMITERS.get(style, ",")
    flat = [
        part
        for item in items
        for part in (item if isinstance(item, tuple) else (item,))
    ]
    return [(key, delimiter.join(flat))]


def _encode_cookies(
    cookies: Mapping[str, object], styles: Mapping[str, tuple[str, bool]]
) -> str:
    """A Cookie header value (`form` style): `a=1; b=x,y`, values percent-encoded."""
    pairs: list[str] = []
    for name, value in cookies.items():
        if _is_omitted(value):
            continue
        explode = styles.get(name, ("form", True))[1]
        items = _items(value)
        if items is None:
            pairs.append(f"{name}={_cookie_octets(_scalar_str(value))}")
        elif explode and not isinstance(value, Mapping):
            pairs.extend(f"{name}={_cookie_octets(cast(str, item))}" for item in items)
        elif explode:
            pairs.extend(
                f"{item[0]}={_cookie_octets(item[1])}"
                for item in items
                if isinstance(item, tuple)
            )
        else:
            flat = [
                part
                for item in items
                for part in (item if isinstance(item, tuple) else (item,))
            ]
            pairs.append(f"{name}=" + ",".join(_cookie_octets(part) for part in flat))
    return "; ".join(pairs)


def _cookie_octets(text: str) -> str:
    # RFC 6265 cookie-octets exclude whitespace, DQUOTE, comma, semicolon and backslash.
    return quote(text, safe="!#$&'()*+-./:<=>?@[]^_`{|}~")



def _kind_sent(response: httpx.Response) -> ResponseKind | None:
    """What the server says it sent: "json", "text" or "binary"; None without a content type."""
    media = response.headers.get("content-type")
    if not media:
        return None
    if _forms.is_json_media(media):
        return "json"
    base = media.partition(";")[0].strip().lower()
    if base.startswith("text/") or base in _TEXT_MEDIA:
        return "text"
    return "binary"


def _accept(options: RequestOptions) -> str:
    if options.stream:
        return "text/event-stream"
    if options.response_kind in ("binary", "text") or options.response_also:
        # A JSON-only Accept could make a server refuse (406) a file download.
        return "*/*"
    return "application/json"


def _has_body(options: RequestOptions) -> bool:
    return not isinstance(options.body, NotGiven) or bool(options.extra_body)


def _body_kind(options: RequestOptions, body: object = NOT_GIVEN) -> BodyKind:
    """The kind of body sent: `files_kind` when the spec offers it and a file is among the values."""
    if options.files_kind is not None:
        if isinstance(body, NotGiven):
            body = options.body
        if _forms.has_files(body) or _forms.has_files(options.extra_body):
            return options.files_kind
    return options.body_kind


def _content_type(options: RequestOptions) -> str | None:
    if not _has_body(options):
        return None
    kind = _body_kind(options)
    if kind == "json":
        # The spec's JSON media type (`application/vnd.amadeus+json`, `application/json; charset=utf-8`):
        # a server may route on it. A range (`*/*`) or no type at all is sent as plain JSON.
        media = options.content_type
        return media if media and "*" not in media else "application/json"
    if kind == "multipart":
        return None  # httpx writes it, with the boundary
    if kind == "form":
        return "application/x-www-form-urlencoded"
    if options.content_type is not None:
        return options.content_type
    return (
        "application/octet-stream" if kind == "binary" else "text/plain; charset=utf-8"
    )


def _strip_not_given(value: object) -> object:
    """Drop NOT_GIVEN entries from nested dicts and lists (they mean "not sent")."""
    if isinstance(value, (str, int, float, type(None))):
        return value  # most values are leaves: cheaper to rule out than the Mapping ABC
    if isinstance(value, Mapping):
        return {
            k: _strip_not_given(v)
            for k, v in value.items()
            if not isinstance(v, NotGiven)
        }
    if isinstance(value, list):
        return [_strip_not_given(v) for v in value if not isinstance(v, NotGiven)]
    return value


def _merged_body(options: RequestOptions) -> object:
    body = _strip_not_given(options.body)
    extra = options.extra_body
    if not extra:
        return body
    if isinstance(body, NotGiven):
        body = {}
    if not isinstance(body, Mapping):
        raise TypeError(f"extra_body needs an object body, not {type(body).__name__}")
    merged = {**body, **extra}
    # NOT_GIVEN in extra_body removes a field; None is sent as null.
    return {k: v for k, v in merged.items() if not isinstance(v, NotGiven)}


def _encode_body(
    options: RequestOptions, array_format: str = "repeat", object_format: str | None = None
) -> dict[str, Any]:
    """Keyword arguments for httpx's build_request carrying the body."""
    body = _merged_body(options)
    if isinstance(body, NotGiven):
        return {}
    kind = _body_kind(options, body)
    if kind == "json":
        return {"content": _json_bytes(body)}
    if kind == "multipart":
        data, files = _forms.multipart(
            body, array_format, object_format or "json", options.encoding
        )
        return {"data": data, "files": files or _AlwaysMultipart()}
    if kind == "form":
        fields = _forms.form_fields(
            body, array_format, object_format or "json", options.encoding
        )
        return {"content": urlencode(fields).encode("ascii")}
    if kind == "binary":
        return {"content": _binary(body)}
    return {"content": body.encode("utf-8") if isinstance(body, str) else _binary(body)}


def _binary(body: object) -> bytes:
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if _forms.is_file(body):
        # Read once up front so that a retry re-sends the same bytes; a path is read, not sent.
        return _forms.read_file(body)[1]
    raise TypeError(
        f"Expected bytes or a binary file for the request body, not {type(body).__name__}"
    )


def _form_value(value: object) -> str:
    if isinstance(value, (Mapping, list, tuple, pydantic.BaseModel)):
        return _json_bytes(value).decode("utf-8")
    return _scalar_str(value)


class _AlwaysMultipart(dict[str, Any]):
    """An empty `files` argument that is truthy.

    httpx only uses multipart encoding when `files` is truthy; without this a
    multipart body with no file in it would go out url-encoded.
    """

    def __bool__(self) -> bool:
        return True


def _should_retry(response: httpx.Response) -> bool:
    # A non-standard header some servers use to say explicitly; it wins.
    explicit = response.headers.get("x-should-retry")
    if explicit == "true":
        return True
    if explicit == "false":
        return False
    status = response.status_code
    # 408 request timeout, 409 lock conflict, 429 rate limit, 5xx server trouble.
    return status in (408, 409, 429) or status >= 500


def _retry_after(headers: httpx.Headers) -> float | None:
    """The server-requested delay in seconds, if usable (0 < delay <= MAX_RETRY_AFTER)."""
    delay: float | None = None
    retry_after_ms = headers.get("retry-after-ms")
    retry_after = headers.get("retry-after")
    if retry_after_ms is not None:
        delay = _to_float(retry_after_ms)
        delay = None if delay is None else delay / 1000
    if delay is None and retry_after is not None:
        delay = _to_float(retry_after)
        if delay is None:
            delay = _seconds_until_http_date(retry_after)
    if delay is None or not (0 < delay <= MAX_RETRY_AFTER):  # also rejects NaN
        return None
    return delay


def _to_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _seconds_until_http_date(text: str) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.timestamp() - time.time()


def _parse_json(response: httpx.Response, cast_to: object, *, strict: bool = False) -> Any:
    content = response.content
    if cast_to is None or cast_to is object:
        return None if not content.strip() else _load_json(response)
    adapter = type_adapter(cast_to)
    try:
        # Parsing and validating in one step (in pydantic's core) is much
        # faster than json.loads followed by validate_python.
        return adapter.validate_json(content, context=None if strict else LENIENT)
    except pydantic.ValidationError as exc:
        data = _load_json(response)  # raises if the failure was bad JSON
        if not strict:
            # Lenient: what the server sent is kept where it breaks the schema.
            return construct_unchecked(cast_to, data, exc, lambda v: adapter.validate_python(v, context=LENIENT))
        raise APIResponseValidationError(
            response,
            data,
            message=f"Response does not match the expected schema: {exc}",
        ) from exc


def _load_json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:  # not JSON, or nested too deeply to parse
        raise APIResponseValidationError(
            response, response.text, message=f"Response body is not valid JSON: {exc}"
        ) from exc
