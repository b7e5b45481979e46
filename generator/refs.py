"""Resolving ``$ref``s: local pointers and relative files, with cycle detection."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .diagnostics import Problem, Report, SpecError, kind_of, pointer, unescape_pointer_token
from .load import Document, decode, read

_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# What each section of `components` holds, as problems name it.
COMPONENT_KINDS = {
    "schemas": "a schema",
    "parameters": "a parameter",
    "responses": "a response",
    "requestBodies": "a request body",
    "headers": "a header",
    "examples": "an example",
    "securitySchemes": "a security scheme",
    "links": "a link",
    "callbacks": "a callback",
    "pathItems": "a path item",
}

# A location in some document: (file as displayed, JSON pointer).
Location = tuple[str, str]


class Resolver:
    """Resolves ``$ref``s. With a ``report``, a broken reference is reported there and
    :meth:`follow` returns :data:`BROKEN`, so one run finds every broken reference;
    without one, it raises SpecError."""

    def __init__(self, root: Document, root_path: Path | None, report: Report | None = None):
        self.root = root
        self.report = report
        self._base = root_path.parent if root_path else Path(".")
        self._documents: dict[str, Document] = {root.file: root}
        # Each document's directory: relative references resolve against the file they are in.
        self._dirs: dict[str, Path] = {root.file: self._base}
        self._unreadable: dict[str, list[Problem]] = {}  # files that failed to load, read once

    def document(self, file: str) -> Document:
        return self._documents[file]

    def loaded(self, file: str) -> Document | None:
        return self._documents.get(file)

    def node(self, location: Location) -> Any:
        file, ptr = location
        node: Any = self._documents[file].raw
        for token in ptr.split("/")[1:]:
            token = unescape_pointer_token(unquote(token))
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return _MISSING
        return node

    def target(self, ref: object, at: Location) -> Location:
        """Where ``ref`` (found at ``at``) points to; raises SpecError when it points nowhere."""
        if not isinstance(ref, str):
            raise SpecError([Problem(at[0], at[1] + "/$ref", "`$ref` must be a string")])
        file_part, _, fragment = ref.partition("#")
        file = at[0]
        if _REMOTE.match(file_part) and not re.match(r"^[A-Za-z]:[\\/]", file_part):
            raise SpecError([Problem(at[0], at[1] + "/$ref", f"remote `$ref` {ref!r} is not supported", "download the document and refer to it by a relative path")])
        if file_part:
            file = self._load_external(file_part, at)
        target = (file, fragment)
        if fragment and not fragment.startswith("/"):
            raise SpecError([Problem(at[0], at[1] + "/$ref", f"unsupported `$ref` {ref!r}", "only JSON pointers (`#/...`) are supported")])
        if self.node(target) is _MISSING:
            raise SpecError([Problem(at[0], at[1] + "/$ref", f"`$ref` {ref!r} points to nothing", _closest_hint(self._documents[file].raw, fragment, file_part))])
        return target

    def follow(self, node: Any, at: Location) -> tuple[Any, Location]:
        """Follow a chain of ``$ref``s until a node that is not a pure reference.

        A broken chain raises SpecError, or with a report is reported and gives ``(BROKEN, at)``.
        """
        if self.report is None:
            return self._follow(node, at)
        try:
            return self._follow(node, at)
        except SpecError as exc:
            for problem in exc.problems:
                self.report.add(problem)
            return BROKEN, at

    def _follow(self, node: Any, at: Location) -> tuple[Any, Location]:
        seen = [at]
        while isinstance(node, dict) and "$ref" in node:
            at = self.target(node["$ref"], at)
            if at in seen:
                # Name the cycle by its own members, so every path into it reports it once.
                cycle = seen[seen.index(at) :] + [at]
                chain = " → ".join(ptr or "/" for _, ptr in cycle)
                raise SpecError([Problem(at[0], at[1] + "/$ref", f"`$ref` cycle with no schema in it: {chain}")])
            seen.append(at)
            node = self.node(at)
        return node, at

    def _load_external(self, file_part: str, at: Location) -> str:
        relative = unquote(file_part)
        directory = self._dirs.get(at[0], self._base)
        path = (directory / relative).resolve()
        # Messages name the file as the referring file's name plus the relative path, normalised.
        display = posixpath.normpath(posixpath.join(posixpath.dirname(at[0]), relative))
        if display not in self._documents:
            if not path.is_file():
                raise SpecError([Problem(at[0], at[1] + "/$ref", f"`$ref` to missing file {file_part!r}", f"looked for {display}")])
            try:
                if display in self._unreadable:
                    raise SpecError(self._unreadable[display])
                self._documents[display] = _read_fragment(path, display)
            except SpecError as exc:
                self._unreadable[display] = exc.problems
                referrer = Problem(at[0], at[1] + "/$ref", f"`$ref` to {file_part!r}: the file cannot be read")
                raise SpecError([referrer, *exc.problems]) from None
            self._dirs[display] = path.parent
        return display


def _read_fragment(path: Path, display: str) -> Document:
    # An external file is a fragment, not a whole OpenAPI document: parse it, don't validate it as one.
    from .load import _check_aliases, _parse_text, locate_all

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError([Problem(display, "", f"cannot read file: {exc.strerror or exc}")]) from None
    text = decode(data, display)
    raw = _parse_text(text, display) if text.strip() else None
    _check_aliases(raw, text, display)
    if not isinstance(raw, dict):
        # A `$ref` into it can only point at something inside an object.
        document = Document(display, {}, text, "")
        problem = Problem(display, "", f"a referenced file must hold an object, not {kind_of(raw)}" if raw is not None else "the referenced file is empty")
        raise SpecError(locate_all(document, [problem]) if text.strip() else [Problem(display, "", problem.message, line=1, column=1)])
    return Document(display, raw, text, "")


def _closest_hint(raw: dict[str, Any], fragment: str, file_part: str = "") -> str | None:
    parent_ptr, _, name = fragment.rpartition("/")
    node: Any = raw
    for token in parent_ptr.split("/")[1:]:
        node = node.get(unescape_pointer_token(token)) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return None
    import difflib

    close = difflib.get_close_matches(unescape_pointer_token(name), [str(k) for k in node], n=1)
    # Written as a `$ref` value, ready to paste.
    return f"did you mean {file_part + '#' + pointer(*[unescape_pointer_token(t) for t in parent_ptr.split('/')[1:]], close[0])!r}?" if close else None


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


class _Broken:
    def __repr__(self) -> str:
        return "<broken $ref>"


# What follow() gives for a reference it reported as broken: nothing to lower, nothing more to say.
BROKEN: Any = _Broken()
