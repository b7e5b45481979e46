"""Security schemes and requirements, client options and per-path headers, from the spec and the configuration.

Every scheme of ``components.securitySchemes`` the client can send becomes a
``SecurityScheme`` with the constructor arguments that carry its credential:

- ``http`` bearer, ``apiKey`` (header, query, cookie), ``openIdConnect``: a token, ``api_key``;
- ``http`` basic: ``username`` and ``password``;
- ``oauth2``: a token, ``access_token``; with a ``clientCredentials`` flow also
  ``client_id`` and ``client_secret``, with which the client fetches tokens itself.

Where two schemes would take one argument name, the first the document requires globally (else
the first declared) keeps it and the others are named after their scheme (``app_id``, ``partner_username``).  Each argument's environment variable is
``auth_env[argument]`` if configured, ``api_key_env`` for ``api_key``, else
``<PREFIX>_<ARGUMENT>`` with ``env_prefix`` (default: the package name) upper-cased.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Literal

from generator import ir
from generator.config import Target
from generator.diagnostics import Report, escape_pointer_token
from generator.lower.naming import NameTable, snake

# Names the generated constructor already uses.
RESERVED = frozenset(
    {
        "self", "base_url", "timeout", "max_retries", "default_headers", "http_client", "validate",
        "max_response_bytes", "max_sse_line_bytes", "limits", "strict_responses", "os", "httpx",
    }
)

Role = Literal["token", "username", "password", "client_id", "client_secret"]
_ROLES: dict[str, tuple[Role, ...]] = {"key": ("token",), "basic": ("username", "password")}


def lower(raw: dict[str, Any], target: Target, report: Report) -> tuple[tuple[ir.SecurityScheme, ...], tuple[tuple[str, ...], ...], tuple[ir.ClientOption, ...]]:
    """The schemes (with their arguments), the default requirement, and the client options."""
    declared = _obj(_obj(raw.get("components")).get("securitySchemes"))
    found: list[tuple[str, dict[str, Any]]] = []
    for key, scheme in declared.items():
        at = "/components/securitySchemes/" + escape_pointer_token(str(key))
        shape = _shape(scheme, at, report)
        if shape is not None:
            found.append((str(key), shape))
    scopes = _scopes_wanted(raw)
    options = target.client_options
    names = NameTable(RESERVED | {name for name, _, _ in options})
    candidates: dict[str, list[str]] = {}
    for key, shape in found:
        for role in _roles(shape):
            candidates.setdefault(_plain_name(shape["kind"], role), []).append(key)
    # Where schemes would share an argument name, the first the document requires globally (else the
    # first declared) keeps it.
    declared_security = raw.get("security")
    declared_security = declared_security if isinstance(declared_security, list) else []
    required_first = [str(k) for item in declared_security if isinstance(item, dict) for k in item]
    keeps = {}
    for plain, keys in candidates.items():
        keeps[plain] = next((k for k in required_first if k in keys), keys[0])
    prefix = (target.env_prefix or target.package).upper()
    configured = dict(target.auth_env)
    if target.api_key_env is not None:
        configured.setdefault("api_key", target.api_key_env)
    schemes = []
    used: set[str] = set()
    for key, shape in found:
        arguments = []
        for role in _roles(shape):
            plain = _plain_name(shape["kind"], role)
            wanted = plain if keeps.get(plain) == key else _scheme_name(key, role)
            name = names.claim(wanted)
            used.add(name)
            env = configured.get(name) or f"{prefix}_{name.upper()}"
            arguments.append(ir.AuthArgument(name, role, env))
        schemes.append(
            ir.SecurityScheme(
                key=key,
                kind=shape["kind"],
                location=shape["location"],
                name=shape["name"],
                template=shape["template"],
                arguments=tuple(arguments),
                token_url=shape.get("token_url"),
                scopes=scopes.get(key, ()),
                description=shape.get("description"),
            )
        )
    for name in sorted(set(configured) - used - {"api_key"}):
        report.warn("/components/securitySchemes", f"`auth_env` in [tool.generator] names {name!r}, which is no credential argument of this client", "known: " + (", ".join(sorted(used)) or "none (the spec declares no security scheme)"))
    known = {s.key for s in schemes}
    default = requirement(raw.get("security"), known, "/security", report) if "security" in raw else None
    if default is None:
        # No requirement declared: any one scheme the client has a credential for, else none.
        default = tuple((s.key,) for s in schemes) + ((),) if schemes else ()
    client_options = tuple(ir.ClientOption(name, header, env) for name, header, env in options)
    return tuple(schemes), default, client_options


def requirement(value: Any, known: set[str], at: str, report: Report) -> tuple[tuple[str, ...], ...]:
    """A ``security`` list as alternatives of scheme names; unknown schemes drop their alternative."""
    if not isinstance(value, list):
        report.warn(at, "`security` must be a list of requirement objects; ignored")
        return ()
    out: list[tuple[str, ...]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            report.warn(f"{at}/{index}", "a security requirement must be an object; ignored")
            continue
        missing = [str(name) for name in item if str(name) not in known]
        if missing:
            report.warn(f"{at}/{index}", f"security requirement names {missing[0]!r}, which is no scheme this client can send; this alternative is left out")
            continue
        alternative = tuple(str(name) for name in item)
        if alternative not in out:
            out.append(alternative)
    return tuple(out)


def apply(operations: list[ir.Operation], nodes: dict[str, tuple[str, dict[str, Any]]], schemes: tuple[ir.SecurityScheme, ...], default: tuple[tuple[str, ...], ...], target: Target, report: Report) -> list[ir.Operation]:
    """Each operation with its own requirement (where it differs from the default) and its path's headers."""
    known = {s.key for s in schemes}
    out = []
    for op in operations:
        at, node = nodes.get(op.operation_id, ("", {}))
        security = None
        if "security" in node:
            own = requirement(node["security"], known, at + "/security", report)
            security = own if own != default else None
        headers: dict[str, str] = {}
        # Longer prefixes last, so that they win.
        for prefix, name, value in sorted(target.path_headers, key=lambda h: len(h[0])):
            if _under(op.path, prefix):
                headers[name] = value
        out.append(dataclasses.replace(op, security=security, fixed_headers=tuple(sorted(headers.items()))))
    return out


def anonymous_calls(default: tuple[tuple[str, ...], ...], operations: list[ir.Operation]) -> bool:
    """Whether some call needs no credentials (then the client may be built without any)."""
    requirements = [default] + [op.security for op in operations if op.security is not None]
    return any(not r or () in r for r in requirements)


def _under(path: str, prefix: str) -> bool:
    """``/threads/{id}`` is under ``/threads``, not ``/threadsx`` (a prefix ending in ``/`` matches as it is)."""
    path = path.partition("?")[0]
    if prefix.endswith("/"):
        return path.startswith(prefix)
    return path == prefix or path.startswith(prefix + "/")


def _roles(shape: dict[str, Any]) -> tuple[Role, ...]:
    if shape["kind"] == "oauth2":
        return ("token", "client_id", "client_secret") if shape.get("token_url") else ("token",)
    return _ROLES[shape["kind"]]


def _plain_name(kind: str, role: str) -> str:
    if role == "token":
        return "access_token" if kind == "oauth2" else "api_key"
    return role


def _scheme_name(key: str, role: str) -> str:
    base = snake(key) or "scheme"
    if base.endswith("_auth") and len(base) > len("_auth"):
        base = base[: -len("_auth")]  # AdminApiKeyAuth -> admin_api_key
    if not base.isidentifier() or base[0].isdigit():
        base = "scheme_" + base
    return base if role == "token" else f"{base}_{role}"


def _shape(scheme: Any, at: str, report: Report) -> dict[str, Any] | None:
    """What the runtime needs of a scheme, or None (with a warning) when the client cannot send it."""
    if not isinstance(scheme, dict):
        report.warn(at, "a security scheme must be an object; ignored")
        return None
    if "$ref" in scheme:
        report.warn(at, "a `$ref`'d security scheme is not supported; ignored", "write the scheme in place")
        return None
    kind = scheme.get("type")
    description = scheme.get("description") if isinstance(scheme.get("description"), str) else None
    base = {"location": "header", "name": "Authorization", "description": description}
    if kind == "http":
        name = str(scheme.get("scheme", "")).lower()
        if name == "bearer":
            return {**base, "kind": "key", "template": "Bearer {key}"}
        if name == "basic":
            return {**base, "kind": "basic", "template": "{key}"}
        report.warn(at + "/scheme", f"HTTP authentication scheme {scheme.get('scheme')!r} is not supported; ignored", "bearer and basic are")
        return None
    if kind == "apiKey":
        where, key_name = scheme.get("in"), scheme.get("name")
        name = key_name if isinstance(key_name, str) else ""
        if where not in {"header", "query", "cookie"} or not isinstance(name, str) or not name:
            report.warn(at, "an apiKey scheme needs `in` (header, query or cookie) and a `name`; ignored")
            return None
        if where == "header" and not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            report.warn(at + "/name", f"{name!r} is not an HTTP header name; ignored")
            return None
        return {**base, "kind": "key", "location": where, "name": name, "template": "{key}"}
    if kind == "oauth2":
        flow = _obj(scheme.get("flows")).get("clientCredentials")
        token_url = flow.get("tokenUrl") if isinstance(flow, dict) else None
        return {**base, "kind": "oauth2", "template": "Bearer {key}", "token_url": token_url if isinstance(token_url, str) and token_url else None}
    if kind == "openIdConnect":
        return {**base, "kind": "key", "template": "Bearer {key}"}
    if kind == "mutualTLS":
        report.warn(at, "mutualTLS is not sent by the client itself", "pass an `http_client` configured with the certificate")
        return None
    report.warn(at + "/type", f"unknown security scheme type {kind!r}; ignored")
    return None


def _scopes_wanted(raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The scopes the document's requirements ask of each scheme (requested with a fetched token)."""
    wanted: dict[str, list[str]] = {}
    requirements: list[Any] = list(raw.get("security") or []) if isinstance(raw.get("security"), list) else []
    for path, item in _obj(raw.get("paths")).items():
        if str(path).startswith("x-"):
            continue  # an extension, not a path
        for node in item.values() if isinstance(item, dict) else ():
            if isinstance(node, dict) and isinstance(node.get("security"), list):
                requirements.extend(node["security"])
    for item in requirements:
        for key, scopes in item.items() if isinstance(item, dict) else ():
            for scope in scopes if isinstance(scopes, list) else ():
                if isinstance(scope, str) and scope not in wanted.setdefault(str(key), []):
                    wanted[str(key)].append(scope)
    return {key: tuple(sorted(scopes)) for key, scopes in wanted.items()}


def _obj(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}
