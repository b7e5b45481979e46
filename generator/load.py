"""Reading a spec: bytes → mapping → validated openapi-pydantic model, with located errors.

Lowering walks the raw mapping (it keeps every keyword, ``$ref`` siblings and
``x-`` extensions, and its paths are the JSON pointers that errors name); the
openapi-pydantic model is the structural check that the mapping is an OpenAPI
document at all. Line numbers are only computed when a problem is reported, by
composing the YAML a second time, so the fast path never pays for them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_pydantic import parse_obj
from pydantic import ValidationError

from .diagnostics import Problem, SpecError, pointer, unescape_pointer_token

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SUPPORTED = re.compile(r"^3\.[01]\.\d+$")
# Errors past this many are summarised: a broken spec can produce thousands.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Document:
    file: str
    raw: dict[str, Any]
    text: str
    version: str

    @property
    def is_31(self) -> bool:
        return self.version.startswith("3.1")


def read(path: Path, display: str | None = None) -> Document:
    file = display or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(file, "", "file not found")]) from None
    except OSError as exc:
        raise SpecError([Problem(file, "", f"cannot read file: {exc.strerror or exc}")]) from None
    return parse(data, file)


def parse(data: bytes, file: str) -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([Problem(file, "", f"not UTF-8 text (byte {exc.start})")]) from None
    if not text.strip():
        raise SpecError([Problem(file, "", "the file is empty", "an OpenAPI 3.0 or 3.1 document was expected")])
    raw = _parse_text(text, file)
    if not isinstance(raw, dict):
        kind = type(raw).__name__ if raw is not None else "null"
        raise SpecError([Problem(file, "", f"the document is a {kind}, not a mapping", "an OpenAPI document is an object with an `openapi` key")])
    version = _check_version(raw, file)
    document = Document(file, raw, text, version)
    _validate_structure(document)
    return document


def _parse_text(text: str, file: str) -> Any:
    try:
        if text.lstrip().startswith(("{", "[")):
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as exc:
        raise SpecError([Problem(file, "", f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise SpecError([Problem(file, "", f"invalid YAML: {message}", line=line, column=column)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(file, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(file, "", "the document is nested too deeply to read")]) from None


def _check_version(raw: dict[str, Any], file: str) -> str:
    if "swagger" in raw:
        raise SpecError([Problem(file, "/swagger", f"Swagger {raw['swagger']} documents are not supported", "convert it to OpenAPI 3 first, e.g. with swagger2openapi")])
    version = raw.get("openapi")
    if version is None:
        raise SpecError([Problem(file, "", "missing `openapi` version field", "add e.g. `openapi: 3.1.0`")])
    if not isinstance(version, str) or not _SUPPORTED.match(version):
        raise SpecError([Problem(file, "/openapi", f"unsupported OpenAPI version {version!r}", "3.0.x and 3.1.x are supported; quote the version so YAML reads it as a string")])
    return version


def _validate_structure(document: Document) -> None:
    try:
        parse_obj(document.raw)
    except ValidationError as exc:
        problems = _translate(document, exc)
        raise SpecError(locate_all(document, problems)) from None
    except RecursionError:
        raise SpecError([Problem(document.file, "", "the document is nested too deeply to validate")]) from None


def _translate(document: Document, exc: ValidationError) -> list[Problem]:
    """Turn pydantic's error locations into JSON pointers into the document.

    pydantic's locations mix keys of the document with the names of union
    branches it tried (``Reference``, ``Schema``…). Walking the document along
    the location keeps only the real keys; of the branch errors, the ones for
    the branch the node plainly is (a ``$ref`` or not) are kept.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in exc.errors():
        tokens, node, branch = [], document.raw, None
        loc = list(error["loc"])[1:]  # the first item is the version tag pydantic dispatched on
        for item in loc:
            if isinstance(node, dict) and item in node:
                tokens.append(item)
                node = node[item]
            elif isinstance(node, list) and isinstance(item, int) and item < len(node):
                tokens.append(item)
                node = node[item]
            elif isinstance(item, str) and item[:1].isupper():
                branch = item
        if branch == "Reference" and not (isinstance(node, dict) and "$ref" in node) and error["type"] == "missing":
            continue
        at = pointer(*tokens)
        if at in seen:
            continue
        seen.add(at)
        missing = error["type"] == "missing"
        field = str(error["loc"][-1])
        message = f"missing required field `{field}`" if missing else error["msg"]
        if error["type"] in {"enum", "literal_error"} and "input" in error:
            message = f"{error['msg']} (got {error['input']!r})"
        problems.append(Problem(document.file, at, message))
    return problems[:MAX_PROBLEMS]


def locate_all(document: Document, problems: list[Problem]) -> list[Problem]:
    """Fill in line and column numbers for ``problems`` from the document's text."""
    if not problems:
        return problems
    try:
        root = yaml.compose(document.text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return problems
    return [_locate(root, problem) for problem in problems]


def _locate(root: yaml.Node | None, problem: Problem) -> Problem:
    if problem.line or root is None:
        return problem
    node = root
    tokens = [unescape_pointer_token(t) for t in problem.pointer.split("/")[1:]]
    for token in tokens:
        child = _child(node, token)
        if child is None:
            break
        node = child
    mark = node.start_mark
    return Problem(problem.file, problem.pointer, problem.message, problem.hint, problem.severity, mark.line + 1, mark.column + 1)


def _child(node: yaml.Node, token: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                return value
    elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        return node.value[int(token)]
    return None
