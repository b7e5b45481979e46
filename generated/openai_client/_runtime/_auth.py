"""Credentials: the spec's security schemes, which of them a call needs, and OAuth2 tokens.

A client knows its schemes (`AuthSpec`s, keyed by the spec's scheme name), the
credential it has for each, and the default security requirement: alternatives
(OR), each a set of scheme names that must all be sent together (AND).  An
operation may carry its own requirement; an empty alternative means "no
credentials needed".  Before a call is sent the first alternative whose schemes
all have credentials is chosen, and each credential is turned into the text it
sends (a token provider is called, an OAuth2 token fetched or taken from the
cache) once per call: every retry of the call sends the same credentials.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Literal, Mapping, Sequence, Union

import httpx

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = [
    "AuthArgument",
    "AuthSpec",
    "MissingCredentialsError",
    "OAuth2ClientCredentials",
    "Requirement",
    "collect_credentials",
]

# Alternatives, each a tuple of scheme names sent together.
Requirement = Sequence[Sequence[str]]
TokenProvider = Union[Callable[[], str], Callable[[], Awaitable[str]]]
# Refresh a token this long before the server says it expires (or a tenth of its lifetime, if shorter).
REFRESH_MARGIN = 60.0


@dataclass(frozen=True)
class AuthSpec:
    """One security scheme: where its credential goes and how it is written.

    `kind`: "key" (an API key or bearer token; `template` writes it, e.g.
    "Bearer {key}"), "basic" (username and password, base64-encoded after
    "Basic "), or "oauth2" (a bearer token, fetched from `token_url` with the
    client credentials grant when the client has a client id and secret).
    """

    location: Literal["header", "query", "cookie"]
    name: str
    template: str = "{key}"
    kind: Literal["key", "basic", "oauth2"] = "key"
    scheme: str = "default"
    token_url: str | None = None
    scopes: tuple[str, ...] = ()

    def render(self, api_key: str) -> str:
        # Plain replace, not str.format: templates may contain other braces.
        return self.template.replace("{key}", api_key)


@dataclass(frozen=True)
class AuthArgument:
    """A client constructor argument that carries (part of) a scheme's credential.

    `role`: "token" (a key or token, or a callable returning one), "username",
    "password", "client_id" or "client_secret".  `env` is the environment
    variable read when the argument is not given.
    """

    argument: str
    scheme: str
    role: Literal["token", "username", "password", "client_id", "client_secret"]
    env: str | None = None


class MissingCredentialsError(ValueError):
    """A call needs credentials the client does not have (raised before anything is sent)."""


class OAuth2ClientCredentials:
    """An OAuth2 client-credentials token: fetched when first needed, cached, refreshed before expiry.

    One fetch serves every call waiting for it: threads share a lock, tasks of
    one event loop an `asyncio.Lock`.  The token request is sent with the
    client's own HTTP client and timeout, form-encoded, the client id and secret
    in HTTP basic auth (RFC 6749, section 2.3.1).
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: Sequence[str] = (),
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = tuple(scopes)
        self._token: str | None = None
        self._expires_at: float | None = None
        self._lock = threading.Lock()
        self._async_locks: dict[int, asyncio.Lock] = {}

    def _cached(self) -> str | None:
        if self._token is None:
            return None
        if self._expires_at is not None and time.monotonic() >= self._expires_at:
            return None
        return self._token

    def invalidate(self) -> None:
        """Forget the cached token (e.g. after the API answered 401): the next call fetches one."""
        self._token = None
        self._expires_at = None

    def _request(self, client: SyncAPIClient | AsyncAPIClient) -> httpx.Request:
        url = httpx.URL(self.token_url)
        if not url.is_absolute_url:
            url = client.base_url.join(self.token_url)
        data = {"grant_type": "client_credentials"}
        if self.scopes:
            data["scope"] = " ".join(self.scopes)
        pair = f"{self.client_id}:{self.client_secret}".encode("utf-8")
        return client._client.build_request(
            "POST",
            url,
            data=data,
            headers={
                "Accept": "application/json",
                "Authorization": "Basic " + base64.b64encode(pair).decode("ascii"),
                "User-Agent": client._user_agent,
            },
        )

    def _store(self, response: httpx.Response, limit: int | None) -> str:
        from ._errors import APIError, make_status_error
        from ._transfer import too_large

        if limit is not None and len(response.content) > limit:
            raise too_large(response, limit)
        if not response.is_success:
            raise make_status_error(response)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise APIError("The token endpoint sent no access_token.", response.request, body=payload)
        lifetime = payload.get("expires_in")
        self._token = token
        if isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool) and lifetime > 0:
            self._expires_at = time.monotonic() + lifetime - min(REFRESH_MARGIN, lifetime / 10)
        else:
            self._expires_at = None
        return token

    def token(self, client: SyncAPIClient) -> str:
        cached = self._cached()
        if cached is not None:
            return cached
        with self._lock:
            cached = self._cached()  # another thread may have fetched it meanwhile
            if cached is not None:
                return cached
            # Never redirected: the client secret goes to the token URL the spec names, nowhere else.
            response = client._client.send(self._request(client), follow_redirects=False)
            response.read()
            return self._store(response, client._max_response_bytes)

    async def atoken(self, client: AsyncAPIClient) -> str:
        cached = self._cached()
        if cached is not None:
            return cached
        loop = id(asyncio.get_running_loop())
        lock = self._async_locks.setdefault(loop, asyncio.Lock())
        async with lock:
            cached = self._cached()
            if cached is not None:
                return cached
            response = await client._client.send(self._request(client), follow_redirects=False)
            await response.aread()
            return self._store(response, client._max_response_bytes)


def collect_credentials(
    schemes: Sequence[AuthSpec],
    arguments: Sequence[AuthArgument],
    values: Mapping[str, object],
    environ: Mapping[str, str],
) -> dict[str, object]:
    """Scheme name -> credential, from the constructor's arguments or else the environment.

    A "key" or OAuth2 token is a string or a callable returning one; "basic" is
    (username, password), set when either is given; an OAuth2 scheme with a
    token URL and both client id and secret gets an `OAuth2ClientCredentials`
    (a token given directly wins).
    """
    by_scheme: dict[str, dict[str, object]] = {}
    for arg in arguments:
        value = values.get(arg.argument)
        if value is None and arg.env is not None:
            value = environ.get(arg.env) or None
        if value is not None:
            by_scheme.setdefault(arg.scheme, {})[arg.role] = value
    out: dict[str, object] = {}
    for scheme in schemes:
        parts = by_scheme.get(scheme.scheme, {})
        if "token" in parts:
            out[scheme.scheme] = parts["token"]
        elif scheme.kind == "basic" and ("username" in parts or "password" in parts):
            out[scheme.scheme] = (str(parts.get("username", "")), str(parts.get("password", "")))
        elif scheme.kind == "oauth2" and scheme.token_url and "client_id" in parts and "client_secret" in parts:
            out[scheme.scheme] = OAuth2ClientCredentials(
                scheme.token_url, str(parts["client_id"]), str(parts["client_secret"]), scheme.scopes
            )
    return out


def choose(
    requirement: Requirement, credentials: Mapping[str, object], schemes: Mapping[str, AuthSpec]
) -> tuple[str, ...]:
    """The first alternative the client can send; raises `MissingCredentialsError` if none."""
    for alternative in requirement:
        if all(name in credentials and name in schemes for name in alternative):
            return tuple(alternative)
    needed = " or ".join(" and ".join(alternative) for alternative in requirement)
    raise MissingCredentialsError(f"No credentials for this call: it needs {needed} (see the client's docstring).")


def resolve_sync(client: SyncAPIClient, names: Sequence[str]) -> list[tuple[AuthSpec, str]]:
    """The text each chosen scheme sends, for a sync client (providers called, tokens fetched)."""
    out = []
    for name in names:
        spec = client._schemes[name]
        credential = client._credentials[name]
        if spec.kind == "basic" and isinstance(credential, tuple):
            out.append((spec, _basic(*credential)))
            continue
        text: object
        if isinstance(credential, OAuth2ClientCredentials):
            text = credential.token(client)
        elif callable(credential):
            text = credential()
            if inspect.isawaitable(text):
                raise TypeError("an async token provider needs the AsyncClient")
        else:
            text = credential
        out.append((spec, spec.render(_checked(text))))
    return out


async def resolve_async(client: AsyncAPIClient, names: Sequence[str]) -> list[tuple[AuthSpec, str]]:
    """As `resolve_sync`, for an async client: a provider may be sync or async."""
    out = []
    for name in names:
        spec = client._schemes[name]
        credential = client._credentials[name]
        if spec.kind == "basic" and isinstance(credential, tuple):
            out.append((spec, _basic(*credential)))
            continue
        text: Any
        if isinstance(credential, OAuth2ClientCredentials):
            text = await credential.atoken(client)
        elif callable(credential):
            text = credential()
            if inspect.isawaitable(text):
                text = await text
        else:
            text = credential
        out.append((spec, spec.render(_checked(text))))
    return out


def _checked(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a credential must be a string (a token provider returned {type(value).__name__})")
    return value


def _basic(username: str, password: str) -> str:
    pair = f"{username}:{password}".encode("utf-8")
    return "Basic " + base64.b64encode(pair).decode("ascii")


def require_credentials(
    security: Requirement, credentials: Mapping[str, object], arguments: Sequence[AuthArgument]
) -> None:
    """Raise `MissingCredentialsError` at construction when no alternative of `security` can be sent."""
    if not security or any(all(name in credentials for name in alt) for alt in security):
        return
    ways = []
    for alternative in security:
        needed = [a for a in arguments if a.scheme in alternative and a.role not in ("client_id", "client_secret")]
        oauth = [a for a in arguments if a.scheme in alternative and a.role in ("client_id", "client_secret")]
        parts = [_argument_text(a) for a in needed]
        if oauth:
            parts = [f"({parts[0]}, or {' and '.join(_argument_text(a) for a in oauth)})"] if parts else parts
        ways.append(" and ".join(parts))
    what = "API key" if len(arguments) == 1 and arguments[0].role == "token" else "credentials"
    raise MissingCredentialsError(f"No {what}: pass " + "; or ".join(ways) + ".")


def _argument_text(argument: AuthArgument) -> str:
    if argument.env is None:
        return f"`{argument.argument}=`"
    return f"`{argument.argument}=` to the client or set the {argument.env} environment variable"


def option_headers(
    options: Sequence[tuple[str, str, str | None]], values: Mapping[str, str | None], environ: Mapping[str, str]
) -> dict[str, str]:
    """The headers of the client options (argument, header, env) that are set, by argument or environment."""
    headers: dict[str, str] = {}
    for argument, header, env in options:
        value: str | None = values.get(argument)
        if value is None and env is not None:
            value = environ.get(env) or None
        if value is not None:
            headers[header] = value
    return headers
