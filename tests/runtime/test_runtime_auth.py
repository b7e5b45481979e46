"""The runtime's credential logic and error models, without a generated client."""

from __future__ import annotations

import httpx
import pydantic
import pytest

from generator.client.runtime._auth import (
    AuthArgument,
    AuthSpec,
    MissingCredentialsError,
    OAuth2ClientCredentials,
    choose,
    collect_credentials,
    require_credentials,
)
from generator.client.runtime._base_client import RequestOptions, SyncAPIClient
from generator.client.runtime._errors import make_status_error

KEY = AuthSpec("query", "key", kind="key", scheme="Key")
APP = AuthSpec("header", "X-App", kind="key", scheme="App")
BASIC = AuthSpec("header", "Authorization", kind="basic", scheme="Basic")
OAUTH = AuthSpec("header", "Authorization", "Bearer {key}", kind="oauth2", scheme="OAuth", token_url="/token", scopes=("a", "b"))
SCHEMES = {s.scheme: s for s in (KEY, APP, BASIC, OAUTH)}


def test_choose_takes_the_first_alternative_the_client_can_send_whole() -> None:
    requirement = (("Key", "App"), ("Basic",))
    assert choose(requirement, {"Key": "k", "App": "a", "Basic": ("u", "p")}, SCHEMES) == ("Key", "App")
    assert choose(requirement, {"Key": "k", "Basic": ("u", "p")}, SCHEMES) == ("Basic",)
    assert choose((("Key",), ()), {}, SCHEMES) == ()
    with pytest.raises(MissingCredentialsError, match="Key and App or Basic"):
        choose(requirement, {"Key": "k"}, SCHEMES)


def test_collect_credentials_from_arguments_then_environment() -> None:
    arguments = [
        AuthArgument("api_key", "Key", "token", "P_API_KEY"),
        AuthArgument("username", "Basic", "username", "P_USERNAME"),
        AuthArgument("password", "Basic", "password", "P_PASSWORD"),
        AuthArgument("client_id", "OAuth", "client_id", "P_CLIENT_ID"),
        AuthArgument("client_secret", "OAuth", "client_secret", "P_CLIENT_SECRET"),
    ]
    env = {"P_API_KEY": "env-key", "P_PASSWORD": "env-pass", "P_CLIENT_ID": "id", "P_CLIENT_SECRET": ""}
    found = collect_credentials(list(SCHEMES.values()), arguments, {"username": "u"}, env)
    assert found["Key"] == "env-key" and found["Basic"] == ("u", "env-pass")
    assert "OAuth" not in found  # an empty variable is no secret
    found = collect_credentials(list(SCHEMES.values()), arguments, {"client_secret": "s"}, env)
    oauth = found["OAuth"]
    assert isinstance(oauth, OAuth2ClientCredentials) and (oauth.client_id, oauth.scopes) == ("id", ("a", "b"))


def test_require_credentials_names_arguments_and_variables() -> None:
    arguments = [AuthArgument("api_key", "Key", "token", "P_API_KEY")]
    with pytest.raises(MissingCredentialsError, match="No API key: pass `api_key=` to the client or set the P_API_KEY environment variable"):
        require_credentials((("Key",),), {}, arguments)
    require_credentials((("Key",), ()), {}, arguments)  # an anonymous alternative: no error


def test_cross_origin_redirect_drops_every_query_key_and_header() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.test":
            return httpx.Response(302, headers={"Location": "https://other.test/x?key=k&keep=1"})
        return httpx.Response(200, json={})

    client = SyncAPIClient(
        base_url="https://api.test", api_key=None, auth=[KEY, APP], credentials={"Key": "k", "App": "a"},
        security=(("Key", "App"),), user_agent="t", http_client=httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True),
    )
    client.request(RequestOptions(method="get", path="/x"))
    assert seen[0].url.params["key"] == "k" and seen[0].headers["X-App"] == "a"
    assert "key" not in seen[1].url.params and seen[1].url.params["keep"] == "1" and "X-App" not in seen[1].headers


class NotFound(pydantic.BaseModel):
    message: str


class Problem(pydantic.BaseModel):
    title: str


def test_error_model_by_status_then_range_then_default() -> None:
    types = {"404": NotFound, "4XX": Problem, "default": dict}
    request = httpx.Request("GET", "https://api.test/x")

    def error(status: int, body: object) -> object:
        return make_status_error(httpx.Response(status, json=body, request=request), types).error

    assert isinstance(error(404, {"message": "gone"}), NotFound)
    assert isinstance(error(409, {"title": "Conflict"}), Problem)
    assert error(500, {"any": 1}) == {"any": 1}
    kept = error(404, {"message": 3})  # breaks the schema: built without validation
    assert isinstance(kept, NotFound) and kept.message == 3
    assert make_status_error(httpx.Response(404, json={"message": "x"}, request=request)).error is None
