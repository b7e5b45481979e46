"""Code snippets for an operation: Python with the generated client, curl, and TypeScript with ``fetch``.

Each renderer takes the API and an :class:`~generator.docs.examples.Example` (the arguments) and
gives the snippet's text. Every string from the spec is escaped for the language it lands in
(``escape.literal`` for Python, single quotes for the shell, JSON strings with unsafe characters
escaped for JSON and TypeScript). The API key is read from an environment variable, never written.

``base_url`` replaces the spec's server (the tests point snippets at a local server with it; a
Python snippet then passes ``base_url=`` to the client).
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, quote

from generator import escape, ir
from generator.client.literals import py_literal
from generator.docs.examples import Bytes, Example, Variant, example

Language = Literal["python", "curl", "typescript"]
Kind = Literal["call", "async", "stream", "raw", "errors"]
WIDTH = 88


# --- what every renderer needs --------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    """The one credential the snippets send: a key or token scheme of the API's default requirement."""

    location: str
    name: str
    template: str
    argument: str
    env: str | None


def auth(api: ir.Api) -> Credential | None:
    """The first key or token scheme the API's default requirement names (its first alternative first);
    None when calls need no key (basic-only APIs get none either: snippets carry no password)."""
    by_key = {scheme.key: scheme for scheme in api.security_schemes}
    for alternative in api.security:
        for key in alternative:
            scheme = by_key.get(key)
            if scheme is None or scheme.kind not in ("key", "oauth2"):
                continue
            token = next((a for a in scheme.arguments if a.role == "token"), None)
            if token is not None:
                return Credential(scheme.location, scheme.name, scheme.template, token.name, token.env)
    return None


def api_key_env(api: ir.Api) -> str | None:
    """The environment variable the snippets read the key from: the scheme's (configured, or derived from
    the package name by the client), else ``<PACKAGE>_API_KEY``; None when no key is sent."""
    credential = auth(api)
    if credential is None:
        return None
    if credential.env and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", credential.env):
        return credential.env
    return re.sub(r"\W", "_", api.package).upper() + "_API_KEY"


def call_path(api: ir.Api, operation: ir.Operation) -> tuple[str, ...]:
    """The attributes from the client to the method: ``("threads", "runs", "create")``."""
    for path, op in _operations(api.resources, ()):
        if op is operation or op == operation:
            return path + (op.method_name,)
    raise LookupError(f"{operation.operation_id} is not an operation of {api.package}")


def operations(api: ir.Api) -> Iterator[tuple[tuple[str, ...], ir.Operation]]:
    """Every operation with its call path, in the client's order."""
    for path, op in _operations(api.resources, ()):
        yield path + (op.method_name,), op


def _operations(resources: tuple[ir.Resource, ...], prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], ir.Operation]]:
    for resource in resources:
        here = prefix + (resource.name,)
        for op in resource.operations:
            yield here, op
        yield from _operations(resource.children, here)


def snippets(api: ir.Api, operation: ir.Operation, *, base_url: str | None = None) -> dict[tuple[Language, Variant], str]:
    """The minimal and full snippet of ``operation`` in every language."""
    out: dict[tuple[Language, Variant], str] = {}
    variants: tuple[Variant, ...] = ("minimal", "full")
    for variant in variants:
        ex = example(api, operation, variant)
        out[("python", variant)] = python(api, ex, base_url=base_url)
        out[("curl", variant)] = curl(api, ex, base_url=base_url)
        out[("typescript", variant)] = typescript(api, ex, base_url=base_url)
    return out


# --- Python ---------------------------------------------------------------------------


def python(
    api: ir.Api,
    ex: Example,
    *,
    base_url: str | None = None,
    kind: Kind = "call",
    client_options: tuple[tuple[str, Any], ...] = (),
    call_options: tuple[tuple[str, Any], ...] = (),
) -> str:
    """A whole Python program calling the generated client: ``call`` (sync), ``async``,
    ``stream`` (iterating the events; give an Example made with ``stream=True``), ``raw``
    (``with_raw_response``) or ``errors`` (the call in a ``try`` catching the client's errors).
    ``client_options`` are extra keyword arguments of the client (``(("max_retries", 5),)``) and
    ``call_options`` those of a ``with_options(...)`` for this call, written as Python literals."""
    is_async = kind == "async"
    client_class = "AsyncClient" if is_async else "Client"
    imported = ["APIConnectionError", "APIStatusError", client_class, "RateLimitError"] if kind == "errors" else [client_class]
    lines = ["import asyncio"] if is_async else []
    key = api_key_env(api)
    if key is not None:
        lines.append("import os")
    if lines:
        lines.append("")
    lines.append(f"from {api.package} import {', '.join(imported)}")
    lines += ["", ""] if is_async else [""]
    credential = auth(api)
    options = [f"{credential.argument}=os.environ[{py_literal(key)}]"] if credential is not None and key is not None else []
    if base_url is not None:
        options.append(f"base_url={py_literal(base_url)}")
    options += [f"{name}={py_literal(value)}" for name, value in client_options]
    body: list[str] = []
    indent = "        " if is_async else ""
    path = call_path(api, ex.operation)[:-1]
    if call_options:
        options_call = "client.with_options(" + ", ".join(f"{name}={py_literal(value)}" for name, value in call_options) + ")"
        target = ".".join((options_call, *path))
    else:
        target = ".".join(("client", *path))
    method = call_path(api, ex.operation)[-1]
    if kind == "raw":
        target += ".with_raw_response"
    call = _py_call(f"{'await ' if is_async else ''}{target}.{method}", ex, indent)
    result = _result_name(ex.operation)
    if kind == "errors":
        attempt = [f"{result} = {call}", f"print({result})"] if ex.operation.response.kind != "none" else [call]
        body += ["try:", *("    " + line.replace("\n", "\n    ") for line in attempt)]
        body += [
            "except RateLimitError as error:",
            '    print("Rate limited; retry after", error.headers.get("retry-after"))',
            "except APIStatusError as error:",
            "    print(error.status_code, error.message)",
            "except APIConnectionError as error:",
            '    print("The server could not be reached:", error)',
        ]
    elif kind == "raw":
        body += [f"{indent}response = {call}", f"{indent}print(response.status_code, response.headers.get(\"content-type\"))"]
        if ex.operation.response.kind != "none":
            body += [f"{indent}{result} = response.parse()", f"{indent}print({result})"]
    elif ex.streams:
        event = "event.event" if ex.operation.stream and ex.operation.stream.envelope else "event"
        if is_async:
            body += [f"{indent}async with {call} as stream:", f"{indent}    async for event in stream:", f"{indent}        print({event})"]
        else:
            body += [f"with {call} as stream:", "    for event in stream:", f"        print({event})"]
    elif ex.operation.pagination is not None:
        if is_async:
            body += [f"{indent}async for item in {call[len('await '):]}:", f"{indent}    print(item)"]
        else:
            body += [f"for item in {call}:", "    print(item)"]
    elif ex.operation.response.kind == "none":
        body.append(f"{indent}{call}")
    else:
        body += [f"{indent}{result} = {call}", f"{indent}print({result})"]
    if is_async:
        lines.append("async def main() -> None:")
        lines.append(f"    async with {_py_args(client_class, options, '    ')} as client:")
        lines += body
        lines += ["", "", "asyncio.run(main())"]
    else:
        lines.append(f"client = {_py_args(client_class, options, '')}")
        lines += body
    return "\n".join(lines) + "\n"


def python_arguments(ex: Example) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The positional and keyword arguments of the Python call, as values (what the tests call the
    client with, to compare its request with the snippets')."""
    named = _multipart(ex)
    positional = tuple(_py_value(a.value, named) for a in ex.arguments if a.parameter in ex.operation.positional_path_parameters)
    keywords = {a.parameter.name: _py_value(a.value, named) for a in ex.arguments if a.parameter not in ex.operation.positional_path_parameters}
    return positional, keywords


def _multipart(ex: Example) -> bool:
    return ex.operation.body is not None and ex.operation.body.kind == "multipart"


def _py_value(value: Any, named: bool) -> Any:
    """A file is its bytes, or in a multipart body ``(filename, bytes)``, as curl's ``-F name=@file`` names it."""
    if isinstance(value, Bytes):
        return (value.filename, value.data) if named else value.data
    if isinstance(value, list):
        return [_py_value(v, named) for v in value]
    if isinstance(value, dict):
        return {k: _py_value(v, named) for k, v in value.items()}
    return value


def _py_call(function: str, ex: Example, indent: str) -> str:
    args = []
    named = _multipart(ex)
    for a in ex.arguments:
        text = _py_source(_py_value(a.value, named), indent + "    ")
        args.append(text if a.parameter in ex.operation.positional_path_parameters else f"{a.parameter.name}={text}")
    return _py_args(function, args, indent)


def _py_args(function: str, args: list[str], indent: str) -> str:
    one_line = f"{function}({', '.join(args)})"
    if len(indent) + len(one_line) + 12 <= WIDTH and "\n" not in one_line:
        return one_line
    inner = indent + "    "
    return function + "(\n" + "".join(f"{inner}{arg},\n" for arg in args) + indent + ")"


def _py_source(value: Any, indent: str) -> str:
    """A value as Python source, on one line when it fits, else one item a line as black writes it."""
    if isinstance(value, bytes):
        return 'b"' + "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else f"\\x{c:02x}" for c in value) + '"'
    if isinstance(value, tuple):
        return "(" + ", ".join(_py_source(v, indent) for v in value) + ")"
    if _has_bytes(value):
        inner = indent + "    "
        if isinstance(value, dict):
            return "{" + ", ".join(f"{py_literal(k)}: {_py_source(v, inner)}" for k, v in value.items()) + "}"
        return "[" + ", ".join(_py_source(v, inner) for v in value) + "]"
    flat = py_literal(value)
    if len(indent) + len(flat) + 30 <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = indent + "    "
    if isinstance(value, dict):
        items = [f"{inner}{py_literal(k)}: {_py_source(v, inner)},\n" for k, v in value.items()]
        return "{\n" + "".join(items) + indent + "}"
    return "[\n" + "".join(f"{inner}{_py_source(v, inner)},\n" for v in value) + indent + "]"


def _has_bytes(value: Any) -> bool:
    if isinstance(value, (bytes, tuple)):
        return True
    if isinstance(value, dict):
        return any(_has_bytes(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_bytes(v) for v in value)
    return False


def _result_name(operation: ir.Operation) -> str:
    """``run`` for an operation answering a ``RunObject``: a response's name, less ``Object`` /
    ``Response``, else ``result``."""
    t = operation.response.type
    while isinstance(t, ir.NullableType):
        t = t.inner
    if isinstance(t, ir.NamedType):
        words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", t.name).lower()
        words = re.sub(r"_(object|response|model|dto|result)$", "", words)
        if re.fullmatch(r"[a-z][a-z0-9_]*", words) and not keyword.iskeyword(words) and words not in {"client", "response", "stream", "item", "event", "asyncio", "os", "print"}:
            return words
    return "result"


# --- the request as it goes on the wire (curl and TypeScript write it out) ------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _items(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return [_scalar(v) for v in value]
    if isinstance(value, dict):
        return [(str(k), _scalar(v)) for k, v in value.items()]
    return None


def wire_path(ex: Example) -> str:
    """The operation's path with its path parameters filled in and percent-encoded, as the client
    sends it."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        try:
            value = ex.value(name, "path")
        except KeyError:
            return match.group(0)
        p = next(a.parameter for a in ex.at("path") if a.parameter.wire_name == name)
        style, explode = p.style or "simple", p.explode
        items = _items(value)
        enc = [quote(i, safe="") if isinstance(i, str) else (f"{quote(i[0], safe='')}={quote(i[1], safe='')}" if explode else f"{quote(i[0], safe='')},{quote(i[1], safe='')}") for i in items] if items is not None else None
        scalar = quote(_scalar(value), safe="")
        if style == "label":
            return "." + (scalar if enc is None else ("." if explode else ",").join(enc))
        if style == "matrix":
            key = quote(name, safe="")
            if enc is None:
                return f";{key}={scalar}"
            return f";{key}=" + ",".join(enc) if not explode else "".join(f";{key}={e}" if not isinstance(value, dict) else f";{e}" for e in enc)
        # A simple-style scalar keeps RFC 3986's pchar (sub-delims, ":" and "@") as the client does.
        return quote(_scalar(value), safe=_PCHAR_SAFE) if enc is None else ",".join(enc)

    # The path's own text percent-encoded as httpx sends it (non-ASCII as upper-case UTF-8 escapes).
    # A `#` starts a fragment (AWS specs' `/#X-Amz-Target=...` keys), which no client sends.
    # A fixed query written into the path key (`/rest?method=flickr.test.echo`) goes as query pairs (wire_query).
    parts = re.split(r"(\{[^{}]+\})", ex.operation.path.split("#", 1)[0].partition("?")[0])
    return "".join(re.sub(r"\{([^{}]+)\}", substitute, part) if i % 2 else quote(part, safe=_PATH_SAFE) for i, part in enumerate(parts))


_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_PCHAR_SAFE = "!$&'()*+,;=:@"  # the runtime's, for a path parameter's value


def wire_query(ex: Example) -> list[tuple[str, str]]:
    """The query pairs (not encoded), as the client sends them: the path key's fixed ones first."""
    fixed = "&".join(pair for pair in ex.operation.path.split("#", 1)[0].partition("?")[2].split("&") if "{" not in pair)
    pairs: list[tuple[str, str]] = parse_qsl(fixed, keep_blank_values=True)  # a `{name}` pair is a parameter's
    for a in ex.at("query"):
        pairs += _query_pairs(a.parameter.wire_name, a.value, a.parameter)
    return pairs


def _query_pairs(key: str, value: Any, p: ir.Parameter | None) -> list[tuple[str, str]]:
    style = p.style if p is not None else None
    explode = p.explode if p is not None else True
    if value is None and p is not None:
        return [(key, "")]
    if style is None or (style == "form" and explode and not isinstance(value, dict)):
        if isinstance(value, list):
            return [(key, _scalar(v)) for v in value]
        if isinstance(value, dict):
            return [pair for sub, v in value.items() for pair in _query_pairs(f"{key}[{sub}]", v, None)]
        return [(key, _scalar(value))]
    items = _items(value)
    if items is None:
        return [(key, _scalar(value))]
    if style == "deepObject":
        if isinstance(value, dict):
            return [pair for sub, v in value.items() for pair in _query_pairs(f"{key}[{sub}]", v, None)]
        return [(key, i) for i in items]
    if explode:
        return [i if isinstance(i, tuple) else (key, i) for i in items]
    delimiter = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
    flat = [part for i in items for part in (i if isinstance(i, tuple) else (i,))]
    return [(key, delimiter.join(flat))]


def wire_headers(api: ir.Api, ex: Example) -> list[tuple[str, str]]:
    """The headers that matter (the configured defaults, header parameters, Content-Type and the
    Cookie header), without the credential."""
    headers = list(api.default_headers) + list(ex.operation.fixed_headers)
    for a in ex.at("header"):
        items = _items(a.value)
        if items is None:
            text = _scalar(a.value)
        else:
            text = ",".join(i if isinstance(i, str) else (f"{i[0]}={i[1]}" if a.parameter.explode else f"{i[0]},{i[1]}") for i in items)
        headers.append((a.parameter.wire_name, text))
    cookies = [f"{a.parameter.wire_name}={quote(_scalar(a.value), safe=_COOKIE_SAFE)}" for a in ex.at("cookie")]
    if cookies:
        headers.append(("Cookie", "; ".join(cookies)))
    body = ex.operation.body
    if body is not None and (has_json_body(ex) or body.kind in ("text", "binary") and ex.at("body")):
        # As the client sends it: a JSON body under a media range (`*/*`) goes as plain JSON.
        json_range = body.kind == "json" and "*" in body.content_type
        headers.append(("Content-Type", "application/json" if json_range else body.content_type))
    return headers


_COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~"
_NO_BODY = object()


def json_body(ex: Example) -> Any:
    """The JSON body the client sends (``_NO_BODY`` for none, or a body that is not JSON)."""
    body = ex.operation.body
    if body is None or body.kind != "json":
        return _NO_BODY
    if body.flattened:
        return {a.parameter.wire_name: a.value for a in ex.at("body")}
    given = ex.at("body")
    return given[0].value if given else _NO_BODY


def has_json_body(ex: Example) -> bool:
    return json_body(ex) is not _NO_BODY


def _url(api: ir.Api, ex: Example, base_url: str | None) -> tuple[str, list[tuple[str, str]]]:
    base = (base_url if base_url is not None else api.base_url).rstrip("/")
    return base + wire_path(ex), wire_query(ex)


def _credential(api: ir.Api) -> tuple[str, str] | None:
    """The auth template split around the key: (before, after)."""
    credential = auth(api)
    if credential is None:
        return None
    before, _, after = credential.template.partition("{key}")
    return before, after


# --- curl -----------------------------------------------------------------------------


def sh_quote(text: str) -> str:
    """A shell word holding ``text`` exactly: single quotes, a quote written as ``'\\''``."""
    return "'" + text.replace("'", "'\\''") + "'"


def _sh_with_key(before: str, variable: str, after: str) -> str:
    """``before$VAR after`` as one shell word, the variable expanded and nothing else: in double
    quotes when nothing else in it is special there, else single-quoted parts around ``"$VAR"``."""
    if not re.search(r'[$`\\"!\n]', before + after):
        return f'"{before}${variable}{after}"'
    parts = [sh_quote(before)] if before else []
    parts.append(f'"${variable}"')
    if after:
        parts.append(sh_quote(after))
    return "".join(parts)


def curl(api: ir.Api, ex: Example, *, base_url: str | None = None) -> str:
    """A curl command sending the request the client sends for ``ex``."""
    url, query = _url(api, ex, base_url)
    key = api_key_env(api)
    credential = _credential(api)
    scheme = auth(api)
    encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
    if scheme is not None and scheme.location == "query" and credential is not None and key is not None:
        prefix = url + "?" + (encoded + "&" if encoded else "") + quote(scheme.name, safe="") + "="
        url_word = _sh_with_key(prefix + credential[0], key, credential[1])
    else:
        url_word = sh_quote(url + ("?" + encoded if encoded else ""))
    method = ex.operation.http_method.upper()
    first = "curl" + (" -N" if ex.streams else "") + ("" if method == "GET" else f" -X {method}") + f" {url_word}"
    options: list[str] = []
    if scheme is not None and credential is not None and key is not None:
        if scheme.location == "header":
            options.append("-H " + _sh_with_key(f"{scheme.name}: {credential[0]}", key, credential[1]))
    cookie_auth = scheme is not None and scheme.location == "cookie" and credential is not None and key is not None
    for name, value in wire_headers(api, ex):
        if name == "Cookie" and cookie_auth:
            continue
        options.append("-H " + sh_quote(f"{name}: {value}"))
    if cookie_auth:
        assert scheme is not None and credential is not None and key is not None
        cookies = [f"{a.parameter.wire_name}={quote(_scalar(a.value), safe=_COOKIE_SAFE)}" for a in ex.at("cookie")]
        # The client sends the credential's cookie first.
        options.append("-b " + _sh_with_key(f"{scheme.name}={credential[0]}", key, credential[1] + "".join(f"; {c}" for c in cookies)))
    body = ex.operation.body
    if has_json_body(ex):
        options.append("-d " + sh_quote(json_text(json_body(ex), indent="  ")))
    elif body is not None and ex.at("body"):
        options += _curl_body(body, ex)
    elif body is not None and body.flattened and body.kind == "multipart":
        # Nothing given: the client still sends its (empty) form, which curl's -F cannot write.
        options += ["-H 'Content-Type: multipart/form-data; boundary=empty'", "--data-binary $'--empty--\\r\\n'"]
    elif body is not None and body.flattened and body.kind == "form":
        options += ["-H 'Content-Type: application/x-www-form-urlencoded'", "-d ''"]
    return " \\\n  ".join([first, *options]) + "\n"


def _curl_body(body: ir.Body, ex: Example) -> list[str]:
    given = ex.at("body")
    if body.kind in ("form", "multipart"):
        fields = given if body.flattened else ()
        flag = "--data-urlencode" if body.kind == "form" else "-F"
        out = []
        values = [(a.parameter.wire_name, a.value) for a in fields]
        if not body.flattened and given and isinstance(given[0].value, dict):
            values = list(given[0].value.items())
        for name, item in _form_items(values):
            if isinstance(item, Bytes):
                out.append(f"{flag} " + sh_quote(f"{name}=@{item.filename}"))
            elif body.kind == "multipart":
                # curl -F reads `@` and `<` at the start as a file; --form-string takes the text as it is.
                out.append("--form-string " + sh_quote(f"{name}={_scalar(item)}"))
            else:
                out.append(f"{flag} " + sh_quote(f"{name}={_scalar(item)}"))
        return out
    value = given[0].value
    if isinstance(value, Bytes):
        return ["--data-binary " + sh_quote("@" + value.filename)]
    return ["--data-binary " + sh_quote(_scalar(value))]


def _form_items(values: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A form's (name, value) pairs, a list's items each under its name; files last, as the client
    (httpx) sends them."""
    pairs = [(name, item) for name, value in values for item in (value if isinstance(value, list) else [value])]
    return [p for p in pairs if not isinstance(p[1], Bytes)] + [p for p in pairs if isinstance(p[1], Bytes)]


# --- JSON and TypeScript --------------------------------------------------------------


def js_string(text: str) -> str:
    """A JSON (and JavaScript) string literal; every character ``escape`` counts unsafe (controls,
    bidi controls, line separators) written as a ``\\u`` escape."""
    out = json.dumps(text, ensure_ascii=False)
    return "".join(_js_escape(ch) if escape.is_unsafe(ch) else ch for ch in out)


def _js_escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(value: Any, indent: str = "  ", level: int = 0) -> str:
    """JSON, indented as ``json.dumps(indent=...)`` writes it, strings through :func:`js_string`."""
    here = indent * level
    inner = indent * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{js_string(str(k))}: {json_text(v, indent, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + here + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + json_text(v, indent, level + 1) for v in value) + "\n" + here + "]"
    if isinstance(value, str):
        return js_string(value)
    if isinstance(value, Bytes):
        return js_string(value.data.decode("latin-1"))
    return json.dumps(value)


def typescript(api: ir.Api, ex: Example, *, base_url: str | None = None) -> str:
    """A TypeScript module (ES2022, top-level await) sending the request with ``fetch``."""
    url, query = _url(api, ex, base_url)
    key = api_key_env(api)
    credential = _credential(api)
    scheme = auth(api)
    lines: list[str] = []
    if key is not None:
        lines += [
            f"const apiKey = process.env[{js_string(key)}];",
            f"if (apiKey === undefined) throw new Error({js_string('Set the ' + key + ' environment variable.')});",
            "",
        ]
    lines.append(f"const url = new URL({js_string(url)});")
    for k, v in query:
        lines.append(f"url.searchParams.append({js_string(k)}, {js_string(v)});")
    headers: list[str] = []
    assert scheme is None or credential is not None
    if scheme is not None and credential is not None and key is not None:
        with_key = " + ".join([*([js_string(credential[0])] if credential[0] else []), "apiKey", *([js_string(credential[1])] if credential[1] else [])])
        if scheme.location == "query":
            lines.append(f"url.searchParams.append({js_string(scheme.name)}, {with_key});")
        elif scheme.location == "header":
            headers.append(f"    {js_string(scheme.name)}: {with_key},")
    cookie_auth = scheme is not None and scheme.location == "cookie" and credential is not None and key is not None
    for name, value in wire_headers(api, ex):
        if name == "Cookie" and cookie_auth:
            continue
        if name == "Content-Type" and ex.operation.body is not None and ex.operation.body.kind in ("multipart", "form"):
            continue  # fetch writes it, with the multipart boundary
        headers.append(f"    {js_string(name)}: {js_string(value)},")
    if cookie_auth:
        assert scheme is not None and credential is not None
        cookies = [f"{a.parameter.wire_name}={quote(_scalar(a.value), safe=_COOKIE_SAFE)}" for a in ex.at("cookie")]
        after = credential[1] + "".join(f"; {c}" for c in cookies)
        headers.append(f"    \"Cookie\": {js_string(scheme.name + '=' + credential[0])} + apiKey{' + ' + js_string(after) if after else ''},")
    lines.append("")
    body_lines = _ts_body(ex)
    lines += body_lines[0]
    lines.append("const response = await fetch(url, {")
    lines.append(f"  method: {js_string(ex.operation.http_method.upper())},")
    if headers:
        lines.append("  headers: {")
        lines += headers
        lines.append("  },")
    if body_lines[1]:
        lines.append(f"  body: {body_lines[1]},")
    lines.append("});")
    lines.append("if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);")
    kind = ex.operation.response.kind
    if ex.streams or kind == "text":
        lines.append("console.log(await response.text());")
    elif kind == "json":
        lines += [f"const {_ts_name(ex.operation)}: unknown = await response.json();", f"console.log({_ts_name(ex.operation)});"]
    elif kind == "binary":
        lines += ["const data = new Uint8Array(await response.arrayBuffer());", "console.log(data.length);"]
    else:
        lines.append("console.log(response.status);")
    return "\n".join(lines) + "\n"


def _ts_name(operation: ir.Operation) -> str:
    words = _result_name(operation).split("_")
    name = words[0] + "".join(w.capitalize() for w in words[1:])
    return name if name not in {"url", "response", "apiKey", "form", "data"} else "result"


def _ts_body(ex: Example) -> tuple[list[str], str | None]:
    body = ex.operation.body
    if has_json_body(ex):
        return [], "JSON.stringify(" + json_text(json_body(ex), "  ", 1) + ")"
    if body is None or not ex.at("body") and not (body.flattened and body.kind in ("form", "multipart")):
        return [], None
    given = ex.at("body")
    if body.kind in ("form", "multipart"):
        values = [(a.parameter.wire_name, a.value) for a in given] if body.flattened else list(given[0].value.items()) if given and isinstance(given[0].value, dict) else []
        make = "new URLSearchParams()" if body.kind == "form" else "new FormData()"
        lines = [f"const form = {make};"]
        for name, item in _form_items(values):
            if isinstance(item, Bytes):
                lines.append(f"form.append({js_string(name)}, new Blob([{js_string(item.data.decode('latin-1'))}]), {js_string(item.filename)});")
            else:
                lines.append(f"form.append({js_string(name)}, {js_string(_scalar(item))});")
        return [*lines, ""], "form"
    value = given[0].value
    if isinstance(value, Bytes):
        return [], f"new Blob([{js_string(value.data.decode('latin-1'))}])"
    return [], js_string(_scalar(value))
