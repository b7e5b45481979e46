"""YAML parsed block by block, each block's value cached by the hash of its text.

A spec is mostly a few huge mappings (``paths``, ``components/schemas``) whose entries are
written one after another at one indentation, and an edit touches one entry. Cutting the
text at the lines that start those entries, parsing each piece alone and caching its value
by the piece's exact text lets a warm run parse only what changed.

A cut is only made where it provably gives what parsing the whole text gives: every piece
starts with a plain ``key`` line at its siblings' indentation, so no token of the whole
text can span two pieces without the first piece failing to parse alone, and every piece
must parse to a mapping with exactly one key. Anything else (anchors, document markers,
tabs in indentation, other line breaks, a piece that fails…) makes ``parse`` decline, and
the caller parses the whole text as before; that is also what reports errors, located.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any, Protocol, TypeAlias

import yaml


# Blocks this long (about 200 lines) or shorter are parsed whole; longer ones that hold a
# mapping are cut again. Parsing 8 kB takes 4 ms; cutting finer costs warm runs more than it saves.
SPLIT_MIN_CHARS = 8_000
MAX_SPLIT_INDENT = 16
MAX_DEPTH = 6

ALIAS = re.compile(r"(?:^|(?<=[\s\[{,]))\*[^\s,\[\]{}*/]+", re.M)
ANCHOR = re.compile(r"(?:^|(?<=[\s\[{,]))&[^\s,\[\]{}]+", re.M)

# The text is searched with a newline put in front, so that every line starts after a "\n".
_CONTENT = re.compile(r"\n( *)[^ \n\r#]")
_MARKER_LINE = re.compile(r"\n(?:---|\.\.\.|%)")
_TAB_INDENT = re.compile(r"\n *\t")
# A line that is only `key:` (a key without indicators, nothing after the colon) can own a block mapping.
_HEADER = re.compile(r" *[^\s\-?:,\[\]{}#&*!|>%@`][^\n#&*!|>:]*: *\r?\n")
# Characters that, first on a line, make it something other than a plain or quoted key.
_NOT_A_KEY = frozenset("-?:,[]{}#&*!|>%@`\t")
_OTHER_LINE_BREAKS = ("\x85", "\u2028", "\u2029", "\ufeff")


@dataclass
class BlockStats:
    parsed: int = 0
    cached: int = 0
    declined: str | None = None  # why the whole text has to be parsed at once


@dataclass
class Parsed:
    value: dict[Any, Any] | None  # None: declined, parse the whole text
    stats: BlockStats
    # The keys leading to each block's value (from the root) → a digest of the text it was read
    # from: equal digests, equal values.
    digests: dict[tuple[Any, ...], bytes] = field(default_factory=dict)
    # The same keys → where each block's text starts and ends in the text (its key line first).
    spans: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)
    # Whether some mapping repeated a key: a search of the text may then find another block than the one read.
    repeated_keys: bool = False


# Each key of a mapping read in blocks → the digest of its block's text, the same for the
# blocks that one was cut into (empty for a block parsed whole), and the block's span in the text.
_Digests: TypeAlias = "dict[Any, tuple[bytes, _Digests, tuple[int, int]]]"


class Store(Protocol):
    """Where parsed blocks are kept, by the digest of their text: a ``cache.View`` (or a ``cache.CacheFile``)."""

    def get(self, key: bytes, /) -> bytes | str | None: ...

    def put(self, key: bytes, value: bytes, /) -> None: ...


class Declined(Exception):
    """The text cannot be read block by block with the same result as read whole."""


def first_match(pattern: re.Pattern[str], text: str, marker: str) -> re.Match[str] | None:
    """``pattern.search(text)`` for a pattern whose matches start with ``marker``, tried only where it occurs.

    Searching 3 MB for a pattern that starts with a lookbehind takes 0.1 s; most specs hold
    only a few dozen of the marker character.
    """
    at = text.find(marker)
    while at != -1:
        found = pattern.match(text, at)
        if found:
            return found
        at = text.find(marker, at + 1)
    return None


def parse(text: str, loader: type, cache: Store) -> Parsed:
    """What ``yaml.load(text, Loader=loader)`` gives when it is a mapping, read block by block through ``cache``.

    Its value is None (with the reason in the stats) when the blocks cannot be proved to give the same.
    """
    lined = "\n" + text  # every line, the first too, starts after a "\n"
    reader = _Reader(lined, loader, cache)
    try:
        _check_text(lined)
        value, digests = reader.root()
        flat = list(_flatten(digests, ()))
        # Offsets in ``lined`` are one more than in ``text``.
        spans = {path: (begin - 1, end - 1) for path, _, (begin, end) in flat}
        return Parsed(value, reader.stats, {path: digest for path, digest, _ in flat}, spans, reader.repeated_keys)
    except Declined as exc:
        reader.stats.declined = str(exc)
        return Parsed(None, reader.stats)


def _check_text(text: str) -> None:
    """Decline what a cut could change the meaning of, wherever in the text it is."""
    if any(ch in text for ch in _OTHER_LINE_BREAKS):
        raise Declined("a line break other than \\n or \\r\\n")
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        raise Declined("a \\r line break")
    if _MARKER_LINE.search(text):
        raise Declined("a directive or document marker")
    if "\t" in text and _TAB_INDENT.search(text):
        raise Declined("a tab at the start of a line")
    if first_match(ANCHOR, text, "&") or first_match(ALIAS, text, "*"):
        raise Declined("an anchor or alias: their values are shared across blocks")


class _Reader:
    def __init__(self, text: str, loader: type, cache: Store):
        self.text = text  # with a "\n" in front
        self.loader = loader
        self.cache = cache
        self.stats = BlockStats()
        self.repeated_keys = False

    def root(self) -> tuple[dict[Any, Any], _Digests]:
        starts = self._entries(1, len(self.text), parent_indent=-1)
        if not starts:
            raise Declined("the document is not a block mapping")
        if self._indent(starts[0]) != 0:
            raise Declined("the first key is indented")
        return self._mapping(starts, len(self.text), depth=0)

    def _indent(self, start: int) -> int:
        return start - (self.text.rfind("\n", 0, start) + 1)

    def _mapping(self, starts: list[int], end: int, depth: int) -> tuple[dict[Any, Any], _Digests]:
        """The mapping whose entries are the blocks beginning at ``starts``, the last up to ``end``, and their digests."""
        out: dict[Any, Any] = {}
        digests: _Digests = {}
        for begin, stop in zip(starts, [*starts[1:], end]):
            key, value, digest = self._block(begin, stop, depth)
            # As PyYAML builds a mapping: a repeated key keeps its place and takes the last value;
            # the digests of the last block replace those of the first.
            self.repeated_keys = self.repeated_keys or key in out
            out[key] = value
            digests[key] = digest
        return out, digests

    def _block(self, begin: int, end: int, depth: int) -> tuple[Any, Any, tuple[bytes, _Digests, tuple[int, int]]]:
        """The key and value of text[begin:end], and the digest of the text with those of the blocks it was cut into."""
        text = self.text
        header = _HEADER.match(text, begin, end) if depth < MAX_DEPTH and end - begin > SPLIT_MIN_CHARS else None
        if header:
            starts = self._entries(header.end(), end, self._indent(begin))
            if starts:
                key, value, (digest, _, _) = self._parsed(begin, header.end())
                if value is not None:
                    raise Declined(f"the key line at offset {begin} has a value")
                value, inner = self._mapping(starts, end, depth + 1)
                whole = hashlib.blake2b(digest + b"".join(d for d, _, _ in inner.values()), digest_size=16).digest()
                return key, value, (whole, inner, (begin, end))
        return self._parsed(begin, end)

    def _entries(self, begin: int, end: int, parent_indent: int) -> list[int] | None:
        """Where the lines text[begin:end] (a block's body) start entries one indentation deeper than its key.

        None when the body is not a block mapping this can cut (empty, a sequence, indented
        too far); Declined when it is cut but a line breaks the pattern.
        """
        text = self.text
        first = _CONTENT.search(text, begin - 1, end)
        if first is None:
            return None
        indent = len(first.group(1))
        if indent > MAX_SPLIT_INDENT or _line_kind(text, first.end() - 1) != "key":
            if parent_indent < 0:
                raise Declined("the document does not start with a plain key")
            return None
        if indent <= parent_indent:
            return None
        starts = []
        for line in _content_between(parent_indent, indent).finditer(text, begin - 1, end):
            start, content = line.start() + 1, line.end() - 1
            if content - start != indent:
                raise Declined(f"the line at offset {start} is indented less than the entries around it")
            kind = _line_kind(text, content)
            if kind == "item":
                continue  # `key:` then `- item` lines at the key's own indentation: the key's value, in its block
            if kind != "key":
                raise Declined(f"the line at offset {start} is not a plain key")
            # A block keeps its indentation: block scalars' explicit indentation counts from it.
            starts.append(start)
        return starts

    def _parsed(self, begin: int, end: int) -> tuple[Any, Any, tuple[bytes, _Digests, tuple[int, int]]]:
        """The one key and its value that text[begin:end] holds, from the cache or parsed now, and the text's digest."""
        chunk = self.text[begin:end]
        digest = hashlib.blake2b(chunk.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        value = _loaded(self.cache.get(digest))
        if _is_entry(value):
            self.stats.cached += 1
        else:
            value = self._parse(chunk)
            self.stats.parsed += 1
            if not _is_entry(value):
                raise Declined(f"the block at offset {begin} is not one key of a mapping")
            try:
                self.cache.put(digest, marshal.dumps(value))
            except ValueError:
                pass  # nested deeper than marshal writes: parsed again next time
        ((key, value),) = value.items()
        return key, value, (digest, {}, (begin, end))

    def _parse(self, chunk: str) -> Any:
        try:
            return yaml.load(chunk, Loader=self.loader)
        except Exception as exc:  # the whole text gets parsed instead, and its error reported
            raise Declined(f"a block failed to parse alone: {type(exc).__name__}") from None


def _flatten(digests: _Digests, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], bytes, tuple[int, int]]]:
    for key, (digest, inner, span) in digests.items():
        yield (*path, key), digest, span
        yield from _flatten(inner, (*path, key))


def _line_kind(text: str, start: int) -> str:
    """What the line whose content starts at ``start`` begins: a `key`, a sequence `item`, or `other` syntax."""
    first = text[start]
    if first == "-" and text[start + 1 : start + 2] in ("", " ", "\n", "\r"):
        return "item"
    if first in _NOT_A_KEY or text.startswith("<<", start):
        return "other"  # a merge key would merge into the mapping around it, not just hold a value
    return "key"


def _is_entry(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1


def _loaded(data: bytes | str | None) -> Any:
    if not isinstance(data, bytes):
        return None
    try:
        return marshal.loads(data)
    except Exception:  # a damaged entry: parse the block again
        return None


_CONTENT_BETWEEN: dict[tuple[int, int], re.Pattern[str]] = {}


def _content_between(parent_indent: int, indent: int) -> re.Pattern[str]:
    """Lines indented more than ``parent_indent`` and at most ``indent`` spaces that hold more than a comment."""
    key = (parent_indent, indent)
    if key not in _CONTENT_BETWEEN:
        # Spelled with the fixed part first: three times faster than `( {0,indent})` over megabytes.
        fixed, optional = parent_indent + 1, indent - parent_indent - 1
        _CONTENT_BETWEEN[key] = re.compile(r"\n" + " " * fixed + (" {0,%d}" % optional if optional else "") + r"[^ \n\r#]")
    return _CONTENT_BETWEEN[key]


def has_aliases(text: str) -> bool:
    """Whether YAML anchors and aliases may share values in ``text`` (a value read once, used many times)."""
    return bool(first_match(ANCHOR, text, "&") and first_match(ALIAS, text, "*"))
