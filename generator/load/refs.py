"""Resolving ``$ref``s: local pointers and relative files, with cycle detection.

A spec is untrusted input, and an external ``$ref`` is a request to read a file. Only
regular files under the spec's own folder (or a folder the configuration names, as
``ref_roots``) are read, judged by their real paths, so that neither ``../``, an absolute
path nor a symlink leads out; and no more than ``max_ref_size`` bytes of one.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.config import DEFAULT_MAX_REF_SIZE
from generator.diagnostics import Problem, Report, SpecError, kind_of, pointer, unescape_pointer_token
from generator.load.reader import Document, decode

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

    def __init__(
        self,
        root: Document,
        root_path: Path | None,
        report: Report | None = None,
        *,
        ref_roots: tuple[Path, ...] = (),
        max_ref_size: int = DEFAULT_MAX_REF_SIZE,
    ):
        self.root = root
        self.report = report
        self._base = root_path.parent if root_path else Path(".")
        # Where external files may be read from: the spec's folder and the configured ones, as real paths.
        self._roots = tuple(dict.fromkeys(os.path.realpath(folder) for folder in (self._base, *ref_roots)))
        self._max_size = max_ref_size
        self._documents: dict[str, Document] = {root.file: root}
        # Each document's directory: relative references resolve against the file they are in.
        self._dirs: dict[str, Path] = {root.file: self._base}
        self._unreadable: dict[str, list[Problem]] = {}  # files that failed to load, read once
        self._refused: dict[str, tuple[str, str]] = {}  # files not to be read: what each referrer is told

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

    def follow_strict(self, node: Any, at: Location) -> tuple[Any, Location]:
        """``follow`` that raises SpecError for a broken chain, whether or not there is a report:
        for a caller that can do without the target (and warns instead)."""
        return self._follow(node, at)

    def _follow(self, node: Any, at: Location) -> tuple[Any, Location]:
        # The chain in order (to name a cycle), and as a set: a membership test per step keeps
        # a long chain linear (a list made a chain of 24,000 references take seconds).
        chain = [at]
        seen = {at}
        while isinstance(node, dict) and "$ref" in node:
            at = self.target(node["$ref"], at)
            if at in seen:
                # Name the cycle by its own members, so every path into it reports it once.
                cycle = chain[chain.index(at) :] + [at]
                members = " → ".join(ptr or "/" for _, ptr in cycle)
                raise SpecError([Problem(at[0], at[1] + "/$ref", f"`$ref` cycle with no schema in it: {members}")])
            chain.append(at)
            seen.add(at)
            node = self.node(at)
        return node, at

    def _load_external(self, file_part: str, at: Location) -> str:
        relative = unquote(file_part)
        # Messages name the file as the referring file's name plus the relative path, normalised.
        display = posixpath.normpath(posixpath.join(posixpath.dirname(at[0]), relative))
        if display not in self._documents:
            here = at[1] + "/$ref"
            # Judged by its real path: `..`, an absolute path or a symlink on the way may lead anywhere.
            path = Path(os.path.realpath(self._dirs.get(at[0], self._base) / relative))
            if not any(_inside(str(path), root) for root in self._roots):
                raise SpecError([Problem(at[0], here, f"`$ref` to {file_part!r} leads outside the folder of the spec", _outside_hint(self.root.file))])
            try:
                if display in self._unreadable:
                    raise SpecError(self._unreadable[display])
                if display in self._refused:
                    raise _Refused(*self._refused[display])
                self._documents[display] = _read_fragment(_read_confined(path, self._max_size, display), display)
            except (FileNotFoundError, NotADirectoryError):
                raise SpecError([Problem(at[0], here, f"`$ref` to missing file {file_part!r}", f"looked for {display}")]) from None
            except _Refused as exc:
                self._refused[display] = (exc.message, exc.hint)  # read once, refused at every reference
                raise SpecError([Problem(at[0], here, f"`$ref` to {file_part!r}: {exc.message}", exc.hint)]) from None
            except SpecError as exc:
                self._unreadable[display] = exc.problems
                referrer = Problem(at[0], here, f"`$ref` to {file_part!r}: the file cannot be read")
                raise SpecError([referrer, *exc.problems]) from None
            self._dirs[display] = path.parent
        return display


class _Refused(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


# Pseudo-file systems: their "regular files" are made up when read, and their sizes are not what they hold.
_PSEUDO_ROOTS = ("/proc", "/sys")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _outside_hint(spec_file: str) -> str:
    folder = posixpath.dirname(spec_file) or "."
    return (
        f"external `$ref`s may only read files under {folder}; to allow another folder, "
        "add it to `ref_roots` in [tool.generator] or pass --ref-root DIR"
    )


def _read_confined(path: Path, max_size: int, display: str) -> bytes:
    """The bytes of the regular file at ``path`` (a real path), at most ``max_size`` of them.

    Opened without following a symlink and without blocking (a FIFO would wait for a
    writer forever), then judged by what was opened: a regular file, no larger than the
    cap, before reading (its size) and while reading (never more than the cap and one byte).
    Raises _Refused for what is not to be read, FileNotFoundError, or a SpecError for ``display``.
    """
    if any(_inside(str(path), root) for root in _PSEUDO_ROOTS):
        raise _Refused("not a regular file (a pseudo-file of the system)", "refer to a YAML or JSON file")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError as exc:
        raise SpecError([Problem(display, "", f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(f"not a regular file ({_kind_of_file(info.st_mode)})", "refer to a YAML or JSON file")
        if info.st_size > max_size:
            raise _Refused(f"the file is {info.st_size:,} bytes, more than the limit of {max_size:,}", _size_hint())
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= max_size:
            chunk = os.read(fd, min(max_size + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_size:
            raise _Refused(f"the file holds more than the limit of {max_size:,} bytes", _size_hint())
        if size != info.st_size:
            # A pseudo-file (its size says nothing of what it holds) or a file being written meanwhile.
            raise _Refused(f"the file held {size:,} bytes where its size said {info.st_size:,}", "refer to a regular YAML or JSON file that is not being written")
        return b"".join(chunks)
    except OSError as exc:
        raise SpecError([Problem(display, "", f"cannot read file: {exc.strerror or exc}")]) from None
    finally:
        os.close(fd)


def _size_hint() -> str:
    return "raise the limit with `max_ref_size` (bytes) in [tool.generator] or --max-ref-size BYTES"


def _kind_of_file(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def _read_fragment(data: bytes, display: str) -> Document:
    # An external file is a fragment, not a whole OpenAPI document: parse it, don't validate it as one.
    from generator.load.reader import _check_aliases, _check_surrogates, _parse_text, locate_all

    text = decode(data, display)
    raw = _parse_text(text, display) if text.strip() else None
    _check_aliases(raw, text, display)
    _check_surrogates(raw, text, display)
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
