"""Lowering security schemes and requirements: kinds, argument names, variables, per-operation requirements."""

from __future__ import annotations

from pathlib import Path

from generator import ir
from tests.conftest import lower_spec

SPEC = Path(__file__).resolve().parents[2] / "specs" / "features" / "security-schemes.yaml"


def _ops(api: ir.Api) -> dict[str, ir.Operation]:
    out: dict[str, ir.Operation] = {}
    stack = list(api.resources)
    while stack:
        resource = stack.pop()
        out.update({op.operation_id: op for op in resource.operations})
        stack.extend(resource.children)
    return out


def test_every_scheme_kind_with_its_arguments_and_variables() -> None:
    api = lower_spec(SPEC, package="sec_client").api
    schemes = {s.key: s for s in api.security_schemes}
    assert {k: (s.kind, s.location, s.name) for k, s in schemes.items()} == {
        "bearerAuth": ("key", "header", "Authorization"),
        "basicAuth": ("basic", "header", "Authorization"),
        "queryKey": ("key", "query", "api_key"),
        "cookieKey": ("key", "cookie", "sid"),
        "appId": ("key", "header", "X-App-Id"),
        "oauth": ("oauth2", "header", "Authorization"),
    }
    # The first globally required scheme keeps `api_key`; the others are named after themselves.
    assert [(a.name, a.env) for a in schemes["bearerAuth"].arguments] == [("api_key", "SEC_CLIENT_API_KEY")]
    assert [a.name for a in schemes["queryKey"].arguments] == ["query_key"]
    assert [a.role for a in schemes["basicAuth"].arguments] == ["username", "password"]
    assert [a.name for a in schemes["oauth"].arguments] == ["access_token", "client_id", "client_secret"]
    assert schemes["oauth"].token_url == "/oauth/token" and schemes["oauth"].scopes == ("things.read",)
    assert api.security == (("bearerAuth",), ("basicAuth",))


def test_env_prefix_and_auth_env() -> None:
    api = lower_spec(SPEC, package="sec_client", env_prefix="ACME", auth_env=(("username", "ACME_SID"),)).api
    envs = {a.name: a.env for s in api.security_schemes for a in s.arguments}
    assert envs["username"] == "ACME_SID" and envs["password"] == "ACME_PASSWORD"


def test_per_operation_requirements() -> None:
    api = lower_spec(SPEC).api
    ops = _ops(api)
    assert ops["getDefault"].security is None
    assert ops["getPublic"].security == ()
    assert ops["getBoth"].security == (("queryKey", "appId"), ("oauth",))
    assert api.anonymous_calls  # getPublic


def test_path_headers_match_whole_segments() -> None:
    api = lower_spec(SPEC, path_headers=(("/beta", "X-Beta", "v1"), ("/bet", "X-No", "1"))).api
    ops = _ops(api)
    assert ops["createThing"].fixed_headers == (("X-Beta", "v1"),)
    assert ops["getDefault"].fixed_headers == ()


# --- [tool.generator] settings -------------------------------------------------------------

import pytest  # noqa: E402

from generator import config  # noqa: E402
from generator.diagnostics import SpecError  # noqa: E402


def _load(tmp_path: Path, settings: str) -> list[config.Target]:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.generator]\n[[tool.generator.targets]]\nspec = "s.yaml"\nout = "o"\npackage = "p"\n' + settings, encoding="utf-8"
    )
    return config.load_targets(tmp_path / "pyproject.toml")


def test_client_options_path_headers_and_idempotency_are_read(tmp_path: Path) -> None:
    (target,) = _load(
        tmp_path,
        'client_options = { organization = { header = "X-Org", env = "ORG" }, team = { header = "X-Team" } }\n'
        'path_headers = { "/beta" = { "X-Beta" = "v1" } }\nidempotency_header = "Idempotency-Key"\n'
        'env_prefix = "ACME"\nauth_env = { api_key = "ACME_TOKEN" }\n',
    )
    assert target.client_options == (("organization", "X-Org", "ORG"), ("team", "X-Team", None))
    assert target.path_headers == (("/beta", "X-Beta", "v1"),)
    assert target.idempotency_header == "Idempotency-Key"
    assert (target.env_prefix, target.auth_env) == ("ACME", (("api_key", "ACME_TOKEN"),))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('client_options = { organization = { env = "ORG" } }', "needs a `header`"),
        ('client_options = { organization = { header = "X Org" } }', "is not an HTTP header name"),
        ('client_options = { "not-a-name" = { header = "X-Org" } }', "cannot be a constructor argument"),
        ('client_options = { organization = { header = "X-Org", env = "A-B" } }', "is not an environment variable name"),
        ('path_headers = { "beta" = { "X-Beta" = "v1" } }', "does not start with `/`"),
        ('path_headers = { "/beta" = { "X-Beta" = "v1\\nX: y" } }', "control character"),
        ('idempotency_header = "Idem Key"', "is not an HTTP header name"),
        ('auth_env = { api_key = "K\\"+x" }', "is not an environment variable name"),
        ('env_prefix = "1X"', "is not an environment variable name"),
    ],
)
def test_bad_settings_are_located_errors(tmp_path: Path, settings: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        _load(tmp_path, settings + "\n")
    (problem,) = info.value.problems
    assert message in problem.message and problem.line == 6


def test_auth_env_naming_no_argument_is_a_warning() -> None:
    lowered = lower_spec(SPEC, auth_env=(("api_kee", "X"),))
    assert any("api_kee" in w.message for w in lowered.warnings)
