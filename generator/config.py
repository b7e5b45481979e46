"""Generation targets: from ``[tool.generator]`` in pyproject.toml or from the command line."""

from __future__ import annotations

import keyword
import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from generator.diagnostics import Problem, SpecError, kind_of


DEFAULT_MAX_REF_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True)
class Target:
    spec: Path
    out: Path
    package: str
    docs_base_url: str | None = None
    api_key_env: str | None = None
    base_url_env: str | None = None
    default_headers: tuple[tuple[str, str], ...] = ()
    # Credentials' environment variables: `<env_prefix>_<ARGUMENT>` (default prefix: the package
    # name upper-cased), or a variable per constructor argument in `auth_env`.
    env_prefix: str | None = None
    auth_env: tuple[tuple[str, str], ...] = ()
    # Constructor arguments that become headers: (argument, header, env or None).
    client_options: tuple[tuple[str, str, str | None], ...] = ()
    # Headers for the operations under a path prefix: (prefix, header, value).
    path_headers: tuple[tuple[str, str, str], ...] = ()
    # A header carrying a key generated once per call (not for GET), reused by its retries.
    idempotency_header: str | None = None
    operations: tuple[str, ...] = ()
    method_names: tuple[tuple[str, str], ...] = ()
    group_names: tuple[tuple[str, str], ...] = ()
    # [tool.generator.pagination]: operation id (or glob) -> settings (a tuple of pairs) or False (never pages).
    pagination: tuple[tuple[str, Any], ...] = ()
    stream_flag: str = "stream"
    # How arrays and objects without an explicit `style` go into query strings and forms.
    array_format: str | None = None
    object_format: str | None = None
    version: str = "0.1.0"
    line_length: int = 100
    # Folders besides the spec's own that external `$ref`s may read files from (real paths are compared).
    ref_roots: tuple[Path, ...] = ()
    # The largest file an external `$ref` may read, in bytes.
    max_ref_size: int = DEFAULT_MAX_REF_SIZE
    # The try-it page (`tryit.html` in the package) and the operations its gateway may send (empty: all).
    tryit: bool = False
    tryit_operations: tuple[str, ...] = ()
    # The reference pages (Markdown): on for configured targets (`docs = false` turns them off), off for a
    # Target built in code unless asked; written to `docs_out`, by default `<package>_docs` beside `out`.
    docs: bool = False
    docs_out: Path | None = None

    @property
    def docs_folder(self) -> Path:
        """Where the reference pages go: ``docs_out``, or ``<package>_docs`` beside the package."""
        return self.docs_out if self.docs_out is not None else self.out.parent / f"{self.package}_docs"


_KEYS = {f.name for f in fields(Target)}
_TYPES: dict[str, tuple[type, ...]] = {
    "line_length": (int,),
    "default_headers": (dict,),
    "auth_env": (dict,),
    "client_options": (dict,),
    "path_headers": (dict,),
    "method_names": (dict,),
    "group_names": (dict,),
    "pagination": (dict,),
    "operations": (list,),
    "ref_roots": (list,),
    "max_ref_size": (int,),
    "tryit": (bool,),
    "tryit_operations": (list,),
    "docs": (bool,),
}
_TYPE_NAMES: dict[tuple[type, ...], str] = {(str,): "a string", (int,): "an integer", (dict,): "a table", (list,): "a list of strings", (bool,): "true or false"}


def load_targets(pyproject: Path) -> list[Target]:
    """Every ``[[tool.generator.targets]]``, with ``[tool.generator]`` keys as their defaults."""
    file = str(pyproject)
    try:
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise SpecError([Problem(file, "", "no pyproject.toml here", "run from the project root or pass SPEC --out DIR --package NAME")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([Problem(file, "", f"cannot read file: {getattr(exc, 'strerror', None) or exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        message = str(exc)[: found.start()].strip() if found else str(exc)
        line, column = (int(found[1]), int(found[2])) if found else (1, 1)
        raise SpecError([Problem(file, "", f"invalid TOML: {message}", line=line, column=column)]) from None
    try:
        return _targets(data, pyproject)
    except SpecError as exc:
        raise SpecError([_locate(text, problem) for problem in exc.problems]) from None


def _targets(data: dict[str, Any], pyproject: Path) -> list[Target]:
    file = str(pyproject)
    tool = data.get("tool")
    section = tool.get("generator") if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        raise SpecError([Problem(file, "/tool/generator", "no [tool.generator] section", "add one with [[tool.generator.targets]] entries")])
    defaults = {k: v for k, v in section.items() if k != "targets"}
    targets = section.get("targets", [])
    if not isinstance(targets, list) or not targets:
        raise SpecError([Problem(file, "/tool/generator/targets", "no [[tool.generator.targets]] configured")])
    root = pyproject.parent
    for i, entry in enumerate(targets):
        if not isinstance(entry, dict):
            raise SpecError([Problem(file, f"/tool/generator/targets/{i}", "a target must be a table", "write it as [[tool.generator.targets]]")])
    return [_target({**defaults, **entry}, root, file, f"/tool/generator/targets/{i}") for i, entry in enumerate(targets)]


def _locate(text: str, problem: Problem) -> Problem:
    """A line for a problem in pyproject.toml: the key's line in the target's table, else the table's."""
    lines = text.splitlines()
    tokens = problem.pointer.split("/")[1:]
    start, line = 0, 1
    if tokens[:3] == ["tool", "generator", "targets"] and len(tokens) > 3 and tokens[3].isdigit():
        headers = [i for i, text_line in enumerate(lines) if text_line.strip().replace(" ", "") == "[[tool.generator.targets]]"]
        if int(tokens[3]) < len(headers):
            start = headers[int(tokens[3])]
            line = start + 1
    elif tokens[:2] == ["tool", "generator"]:
        start = next((i for i, text_line in enumerate(lines) if text_line.strip().startswith("[tool.generator")), 0)
        line = start + 1
    key = tokens[-1] if len(tokens) > 4 or (len(tokens) == 3 and tokens[2] != "targets") else None
    if key is not None:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for i in [*range(start, len(lines)), *range(0, start)]:
            if pattern.match(lines[i]):
                line = i + 1
                break
    return Problem(problem.file, problem.pointer, problem.message, problem.hint, problem.severity, line, 1)


def _target(entry: dict[str, Any], root: Path, file: str, at: str) -> Target:
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise SpecError([Problem(file, f"{at}/{unknown[0]}", f"unknown setting {unknown[0]!r}", "known: " + ", ".join(sorted(_KEYS)))])
    for key in ("spec", "out", "package"):
        if not isinstance(entry.get(key), str):
            raise SpecError([Problem(file, f"{at}/{key}", f"`{key}` is required and must be a string")])
    for key, value in entry.items():
        expected = _TYPES.get(key, (str,))
        wrong = not isinstance(value, expected) or isinstance(value, bool) and bool not in expected
        if key in ("operations", "ref_roots", "tryit_operations") and not wrong:
            wrong = not all(isinstance(item, str) for item in value)
        if wrong:
            raise SpecError([Problem(file, f"{at}/{key}", f"`{key}` must be {_TYPE_NAMES[expected]}, not {kind_of(value)}")])
    if "max_ref_size" in entry and entry["max_ref_size"] < 1:
        raise SpecError([Problem(file, f"{at}/max_ref_size", "`max_ref_size` must be a positive number of bytes")])
    values = dict(entry)
    # Relative to the folder of pyproject.toml, as `spec` and `out` are.
    values["ref_roots"] = tuple(root / item for item in entry.get("ref_roots") or ())
    values["spec"] = root / entry["spec"]
    values["out"] = root / entry["out"]
    values["docs"] = entry.get("docs", True)
    values["docs_out"] = root / entry["docs_out"] if "docs_out" in entry else None
    values["default_headers"] = tuple(sorted((str(k), str(v)) for k, v in (entry.get("default_headers") or {}).items()))
    values["method_names"] = tuple(sorted((str(k), str(v)) for k, v in (entry.get("method_names") or {}).items()))
    values["group_names"] = tuple(sorted((str(k), str(v)) for k, v in (entry.get("group_names") or {}).items()))
    values["operations"] = tuple(entry.get("operations") or ())
    values["tryit_operations"] = tuple(entry.get("tryit_operations") or ())
    values["auth_env"] = tuple(sorted((str(k), str(v)) for k, v in (entry.get("auth_env") or {}).items()))
    values["client_options"] = _client_options(entry.get("client_options") or {}, file, f"{at}/client_options")
    values["path_headers"] = _path_headers(entry.get("path_headers") or {}, file, f"{at}/path_headers")
    values["pagination"] = _pagination(entry.get("pagination") or {}, file, f"{at}/pagination")
    target = Target(**values)
    for key, message in setting_problems(target):
        raise SpecError([Problem(file, f"{at}/{key}", message)])
    return target


def _client_options(table: dict[str, Any], file: str, at: str) -> tuple[tuple[str, str, str | None], ...]:
    """``client_options = { organization = { header = "X-Org", env = "ORG_ID" } }`` checked and frozen."""
    out: list[tuple[str, str, str | None]] = []
    for name, settings in sorted(table.items()):
        if not isinstance(settings, dict):
            raise SpecError([Problem(file, at, f"client option {name!r} must be a table like {{ header = \"X-Name\", env = \"VAR\" }}, not {kind_of(settings)}")])
        unknown = sorted(set(settings) - {"header", "env"})
        if unknown:
            raise SpecError([Problem(file, at, f"unknown client option setting {unknown[0]!r}", "known: env, header")])
        for key in ("header", "env"):
            if key in settings and not isinstance(settings[key], str):
                raise SpecError([Problem(file, at, f"`{key}` must be a string, not {kind_of(settings[key])}")])
        if "header" not in settings:
            raise SpecError([Problem(file, at, f"client option {name!r} needs a `header`")])
        out.append((str(name), settings["header"], settings.get("env")))
    return tuple(out)


def _path_headers(table: dict[str, Any], file: str, at: str) -> tuple[tuple[str, str, str], ...]:
    """``path_headers = { "/assistants" = { "OpenAI-Beta" = "assistants=v2" } }`` checked and frozen."""
    out: list[tuple[str, str, str]] = []
    for prefix, headers in sorted(table.items()):
        if not isinstance(headers, dict):
            raise SpecError([Problem(file, at, f"the headers of path prefix {prefix!r} must be a table, not {kind_of(headers)}")])
        if not str(prefix).startswith("/"):
            raise SpecError([Problem(file, at, f"path prefix {prefix!r} does not start with `/`")])
        for name, value in sorted(headers.items()):
            if not isinstance(value, str):
                raise SpecError([Problem(file, at, f"the value of header {name!r} must be a string, not {kind_of(value)}")])
            out.append((str(prefix), str(name), value))
    return tuple(out)


_PAGING_KEYS = {"style": (str,), "items": (str, list), "param": (str,), "cursor": (str, list), "has_more": (str, list), "total": (str, list), "item_id": (str,), "limit": (str,), "start": (int,)}
_PAGING_STYLES = ("cursor", "offset", "page", "next_url", "link_header", "token")


def _pagination(table: dict[str, Any], file: str, at: str) -> tuple[tuple[str, Any], ...]:
    """``[tool.generator.pagination]`` checked and frozen: settings become sorted pairs, lists tuples."""
    out: list[tuple[str, Any]] = []
    for operation, settings in sorted(table.items()):
        where = f"{at}/{operation}"
        if settings is False:
            out.append((operation, False))
            continue
        if not isinstance(settings, dict):
            raise SpecError([Problem(file, where, f"pagination of {operation!r} must be a table or false, not {kind_of(settings)}")])
        for key, value in settings.items():
            expected = _PAGING_KEYS.get(key)
            if expected is None:
                raise SpecError([Problem(file, f"{where}/{key}", f"unknown pagination setting {key!r}", "known: " + ", ".join(_PAGING_KEYS))])
            if not isinstance(value, expected) or isinstance(value, bool) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
                raise SpecError([Problem(file, f"{where}/{key}", f"`{key}` must be {' or '.join({str: 'a string', int: 'an integer', list: 'a list of strings'}[t] for t in expected)}, not {kind_of(value)}")])
        if settings.get("style", "cursor") not in _PAGING_STYLES:
            raise SpecError([Problem(file, f"{where}/style", f"unknown pagination style {settings['style']!r}", "one of: " + ", ".join(_PAGING_STYLES))])
        out.append((operation, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in settings.items()))))
    return tuple(out)


# The runtime's formats (generator/client/runtime/_forms.py).
ARRAY_FORMATS = ("repeat", "brackets", "indices", "comma")
OBJECT_FORMATS = ("brackets", "dots", "json")

# What a setting names must be able to be that thing; its text is escaped wherever it is written anyway.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")  # an HTTP token (RFC 9110)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def setting_problems(target: Target) -> list[tuple[str, str]]:
    """``(setting, message)`` for each setting that cannot be what it names: the package an identifier,
    the variables environment variable names, the headers HTTP header names and values."""
    problems = []
    if not (target.package.isidentifier() and not keyword.iskeyword(target.package)):
        problems.append(("package", f"{target.package!r} is not a valid Python package name"))
    not_env = "is not an environment variable name (letters, digits and _, not starting with a digit)"
    for key in ("api_key_env", "base_url_env", "env_prefix"):
        value = getattr(target, key)
        if value is not None and not _ENV_NAME.match(value):
            problems.append((key, f"{value!r} {not_env}"))
    for argument, env in target.auth_env:
        if not _ENV_NAME.match(env):
            problems.append(("auth_env", f"{env!r} (for {argument!r}) {not_env}"))
    for name, header, option_env in target.client_options:
        if not (name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")):
            problems.append(("client_options", f"{name!r} cannot be a constructor argument (a Python name not starting with _)"))
        elif not _HEADER_NAME.match(header):
            problems.append(("client_options", f"{header!r} (for {name!r}) is not an HTTP header name"))
        elif option_env is not None and not _ENV_NAME.match(option_env):
            problems.append(("client_options", f"{option_env!r} (for {name!r}) {not_env}"))
    if target.idempotency_header is not None and not _HEADER_NAME.match(target.idempotency_header):
        problems.append(("idempotency_header", f"{target.idempotency_header!r} is not an HTTP header name"))
    headers = [("default_headers", n, v) for n, v in target.default_headers]
    headers += [("path_headers", n, v) for _, n, v in target.path_headers]
    for key, name, value in headers:
        if not _HEADER_NAME.match(name):
            problems.append((key, f"{name!r} is not an HTTP header name"))
        elif _CONTROL.search(value):
            problems.append((key, f"the value of header {name!r} holds a control character or line break"))
    if target.docs:
        out, docs = Path(os.path.abspath(target.out)), Path(os.path.abspath(target.docs_folder))
        if out == docs or out in docs.parents or docs in out.parents:
            problems.append(("docs_out", f"the docs folder {target.docs_folder} and the package {target.out} must not hold one another"))
    if target.array_format is not None and target.array_format not in ARRAY_FORMATS:
        problems.append(("array_format", f"unknown array format {target.array_format!r}; one of: {', '.join(ARRAY_FORMATS)}"))
    if target.object_format is not None and target.object_format not in OBJECT_FORMATS:
        problems.append(("object_format", f"unknown object format {target.object_format!r}; one of: {', '.join(OBJECT_FORMATS)}"))
    if _CONTROL.search(target.version) or not target.version.strip():
        problems.append(("version", f"{target.version!r} cannot be a version (it is sent in the User-Agent header)"))
    return problems
