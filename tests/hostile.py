"""Generating a client from a hostile spec, importing every module of it and calling every method.

Payloads try to run code when the generated package is imported or used: create the file
``CANARY`` in the working directory, or set ``builtins.PWNED``. :func:`assert_nothing_ran` checks
that neither happened. Used by tests/errors/test_escaping.py and tests/properties/test_hostile_strings.py.
"""

from __future__ import annotations

import builtins
import importlib
import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from generator import ir
from generator.config import Target
from generator.escape import has_unsafe
from generator.pipeline import Result, generate

CANARY = "CANARY"
# Each tries to end the string, comment or docstring it stands in and run code.
PAYLOADS = (
    '"""+str(open("CANARY","w").close())+"""',
    "'''+str(open('CANARY','w').close())+'''",
    '"+str(open("CANARY","w").close())+"',
    "'+str(open('CANARY','w').close())+'",
    '\nimport builtins; builtins.PWNED = 1\n',
    '\r__import__("builtins").PWNED = 1\r',
    '\u2028__import__("builtins").PWNED = 1\u2029',
    '\x85__import__("builtins").PWNED = 1\x0b',
    '\x0c\x1c\x1d\x1e__import__("builtins").PWNED = 1',
    '\\',
    '\\"""',
    '\\\n__import__("builtins").PWNED = 1',
    '{{ 7*7 }}{% raw %}{# x #}',
    '\u202e"""\u2066 __import__("builtins").PWNED = 1 \u2069\u202c',
    '\u200e\u200f\u061c\u202a\u202b\u202d\u2067\u2068',
    '\x00\x07\x1b[2J\x7f\x9b',
    '\ufeff\u200b\u200d\U000e0041',
    '`'*3 + ' ]) } # ',
)


@dataclass
class Built:
    result: Result
    root: Path
    package: str
    modules: dict[str, ModuleType] = field(default_factory=dict)


_counter = itertools.count()


def build(spec: dict[str, Any], tmp: Path, *, file_name: str = "api.json", **settings: Any) -> Built:
    """Generate ``spec`` (written to ``tmp/file_name``) with ``settings`` for the Target, write it
    under ``tmp/pkgs``, and import every module of it (in this process, under a unique name)."""
    package = f"hostile_{next(_counter)}"
    spec_path = tmp / file_name
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    root = tmp / "pkgs"
    target = Target(spec=spec_path, out=root / package, package=package, **settings)
    result = generate(target, cache_dir=None, jobs=1)
    for path, text in result.files.items():
        out = root / package / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    built = Built(result, root, package)
    sys.path.insert(0, str(root))
    try:
        for path in sorted(result.files):
            if path.endswith(".py"):
                module = package + "." + path[: -len(".py")].replace("/", ".")
                built.modules[path] = importlib.import_module(module.removesuffix(".__init__"))
    finally:
        sys.path.remove(str(root))
    return built


def forget(built: Built) -> None:
    for name in [m for m in sys.modules if m == built.package or m.startswith(built.package + ".")]:
        del sys.modules[name]


def assert_nothing_ran(cwd: Path) -> None:
    assert not (cwd / CANARY).exists(), "a payload ran: it created CANARY"
    assert not hasattr(builtins, "PWNED"), "a payload ran: it set builtins.PWNED"


def assert_no_unsafe_characters(built: Built) -> None:
    """No control, line-separator, bidi or invisible character is written raw into any generated module."""
    for path, text in built.result.files.items():
        if path.endswith(".py") and not path.startswith("_runtime/"):
            raw = [f"U+{ord(c):04X}" for line in text.split("\n") for c in line if has_unsafe(c) and c != "\t"]
            assert not raw, f"{path}: raw {sorted(set(raw))}"


def resources(api: ir.Api) -> list[tuple[tuple[str, ...], ir.Resource]]:
    out = []

    def walk(chain: tuple[str, ...], items: tuple[ir.Resource, ...]) -> None:
        for resource in items:
            out.append(((*chain, resource.name), resource))
            walk((*chain, resource.name), resource.children)

    walk((), api.resources)
    return out


def call_every_method(built: Built, reply: Any = None, **client_settings: Any) -> list[httpx.Request]:
    """Every operation called once with its required arguments ("x", or a listed value) over
    httpx.MockTransport; the requests sent."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return httpx.Response(200, json=reply if reply is not None else {})

    package = built.modules["__init__.py"]
    http = httpx.Client(transport=httpx.MockTransport(answer))
    settings = {"api_key": "k", "max_retries": 0, **client_settings}
    client = package.Client(http_client=http, **settings)
    for chain, resource in resources(built.result.api):
        target = client
        for name in chain:
            target = getattr(target, name)
        for op in resource.operations:
            method = getattr(target, op.method_name)
            path_args = [_value_for(p.type) for p in op.path_parameters]
            kwargs = {p.name: _value_for(p.type) for p in op.parameters if p.required and p.location != "path"}
            method(*path_args, **kwargs)
    return sent


def _value_for(t: ir.Type) -> Any:
    while isinstance(t, ir.NullableType):
        t = t.inner
    if isinstance(t, ir.LiteralType) and t.values:
        return t.values[0]
    if isinstance(t, ir.Primitive) and t.kind == "int":
        return 1
    return "x"
