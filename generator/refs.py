"""Resolving ``$ref``s: local pointers and relative files, with cycle detection."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .diagnostics import Problem, SpecError, pointer, unescape_pointer_token
from .load import Document, read

# A location in some document: (file as displayed, JSON pointer).
Location = tuple[str, str]


class Resolver:
    def __init__(self, root: Document, root_path: Path | None):
        self.root = root
        self._base = root_path.parent if root_path else Path(".")
        self._documents: dict[str, Document] = {root.file: root}

    def document(self, file: str) -> Document:
        return self._documents[file]

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
        if file_part:
            file = self._load_external(file_part, at)
        target = (file, fragment)
        if fragment and not fragment.startswith("/"):
            raise SpecError([Problem(at[0], at[1] + "/$ref", f"unsupported `$ref` {ref!r}", "only JSON pointers (`#/...`) are supported")])
        if self.node(target) is _MISSING:
            raise SpecError([Problem(at[0], at[1] + "/$ref", f"`$ref` {ref!r} points to nothing", _closest_hint(self._documents[file].raw, fragment))])
        return target

    def follow(self, node: Any, at: Location) -> tuple[Any, Location]:
        """Follow a chain of ``$ref``s until a node that is not a pure reference."""
        seen = [at]
        while isinstance(node, dict) and "$ref" in node:
            at = self.target(node["$ref"], at)
            if at in seen:
                chain = " → ".join(ptr or "/" for _, ptr in seen + [at])
                raise SpecError([Problem(seen[0][0], seen[0][1], f"`$ref` cycle with no schema in it: {chain}")])
            seen.append(at)
            node = self.node(at)
        return node, at

    def _load_external(self, file_part: str, at: Location) -> str:
        path = (self._base / unquote(file_part)).resolve()
        display = str(Path(unquote(file_part)))
        if display not in self._documents:
            if not path.is_file():
                raise SpecError([Problem(at[0], at[1] + "/$ref", f"`$ref` to missing file {file_part!r}")])
            self._documents[display] = _read_fragment(path, display)
        return display


def _read_fragment(path: Path, display: str) -> Document:
    # An external file is a fragment, not a whole OpenAPI document: parse it, don't validate it as one.
    from .load import _parse_text

    text = path.read_text(encoding="utf-8-sig")
    raw = _parse_text(text, display)
    return Document(display, raw if isinstance(raw, dict) else {}, text, "")


def _closest_hint(raw: dict[str, Any], fragment: str) -> str | None:
    parent_ptr, _, name = fragment.rpartition("/")
    node: Any = raw
    for token in parent_ptr.split("/")[1:]:
        node = node.get(unescape_pointer_token(token)) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return None
    import difflib

    close = difflib.get_close_matches(unescape_pointer_token(name), [str(k) for k in node], n=1)
    return f"did you mean {pointer(*[unescape_pointer_token(t) for t in parent_ptr.split('/')[1:]], close[0])!r}?" if close else None


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
