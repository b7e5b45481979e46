"""Formatting generated Python with black: only where it is needed, batched, cached.

The templates write code the way black writes it (quotes, blank lines, brackets,
trailing commas). What they cannot know is where a line too long for the limit
must be split, so black runs on those statements alone: each is put in a bracket
context like the one it stands in, all of them go through black in a few large
batches (one call per width, not one per line: black's per-call cost dominates
small inputs), and the results are spliced back. A test holds this to the
definition: whole-file black changes nothing in any generated file.
``whole_files=True`` runs black on every whole file instead.

The cache (``generator.cache``, namespaces ``client-formatted`` and ``client-fragments``) maps
each rendered file (and black's version and settings) to its formatted text, and each long
statement to black's lines for it, so a run that renders the same text again skips it: after
a one-schema edit only the files that changed are formatted.
"""

from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from generator.cache import Cache, Namespace, fingerprint, source_digest
from generator.client.linesplit import split_element, split_statement

if TYPE_CHECKING:
    import black

_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_MARKER = "# @@generator-fragment"
# Fragments per black call, and fewer than this many are not worth a worker process.
_BATCH = 400
_PARALLEL_MIN = 2000


@dataclass
class FormatStats:
    formatted: int = 0
    cached: int = 0


class FormatError(Exception):
    """black rejected generated code: a bug in a template, never in the user's spec."""


def _mode(line_length: int) -> black.Mode:
    # Imported here: a run whose files all come from the cache never needs black (0.15 s to import).
    import black

    return black.Mode(target_versions={black.TargetVersion.PY311}, line_length=line_length)


def format_source(text: str, line_length: int) -> str:
    """Whole-file black, the definition every other path here must match."""
    import black

    try:
        # fast=True skips black's AST equivalence check; the generated package is
        # imported and type-checked by the tests, which is the stronger check.
        return black.format_file_contents(text, fast=True, mode=_mode(line_length))
    except black.NothingChanged:
        return text


# --- fragments: a long line, wrapped so that black sees it as it stands in the file -------


@dataclass(frozen=True)
class Fragment:
    """``source`` formatted at ``width`` gives the lines that replace a long line (before re-indenting)."""

    kind: str  # "signature-end", "element" or "statement"
    source: str
    width: int
    block: bool = False


@dataclass(frozen=True)
class _Long:
    fragment: Fragment
    indent: int


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _context(lines: list[str], index: int) -> tuple[str, str] | None:
    """Source to put around an element line so black sees the bracket it stands in."""
    indent = _indent(lines[index])
    for j in range(index - 1, -1, -1):
        line = lines[j]
        if not line.strip() or _indent(line) >= indent:
            continue
        opener = line.rstrip()[-1:]
        if opener not in _CLOSERS:
            return None
        if opener == "(" and line.lstrip().startswith(("def ", "async def ")):
            return "def _(\n", "\n): ...\n"
        return ("x = _(\n" if opener == "(" else f"x = {opener}\n"), f"\n{_CLOSERS[opener]}\n"
    return None


def _long_line(lines: list[str], index: int, line_length: int) -> list[str] | _Long:
    """black's lines for a long line when linesplit knows them, else the fragment black is to format."""
    line = lines[index]
    indent, body = _indent(line), line.strip()
    if body.startswith(")"):
        # The end of a signature, `) -> ReturnType:`: black splits the return annotation.
        block = body.endswith(":")
        source = "def _(\n    x,\n" + body + ("\n    pass\n" if block else "\n")
        return _Long(Fragment("signature-end", source, line_length - indent, block), indent)
    if body.endswith(","):
        context = _context(lines, index)
        if context is None:
            raise FormatError(f"line {index + 1}: a long element with no bracket around it")
        head, tail = context
        split = split_element(line, line_length, parameter=head.startswith("def "))
        if split is not None:
            return split
        return _Long(Fragment("element", head + "    " + body + tail, line_length - indent + 4), indent - 4)
    block = body.endswith(":")
    split = None if block else split_statement(line, line_length)
    if split is not None:
        return split
    source = body + ("\n    pass\n" if block else "\n")
    return _Long(Fragment("statement", source, line_length - indent, block), indent)


def _plan(text: str, line_length: int) -> list[str | _Long]:
    """The file as lines that stay and long lines to replace."""
    lines = text.rstrip("\n").split("\n")
    plan: list[str | _Long] = []
    in_string = False
    for index, line in enumerate(lines):
        toggles = line.count('"""') % 2 == 1 if in_string else _opens_triple_quoted(line)
        # black never splits a string, so a one-line docstring of any length stays as it is.
        # Nor can it shorten a line that opens a bracket whose contents already stand one a line.
        if in_string or toggles or len(line) <= line_length or line.lstrip().startswith('"""') or line.endswith(("(", "[", "{")):
            plan.append(line)
            in_string ^= toggles
        else:
            long_line = _long_line(lines, index, line_length)
            if isinstance(long_line, list):
                plan.extend(long_line)
            else:
                plan.append(long_line)
    return plan


# A triple quote, a one-line string literal (which may hold `"""`, as black writes '"""'), or a comment
# (which may hold anything: a header names the spec's file, `a"""b.json`).
_QUOTES = re.compile(r'"""|\'(?:\\.|[^\'\\])*\'|"(?:\\.|[^"\\])*"|#')


def _opens_triple_quoted(line: str) -> bool:
    """Whether a line of code leaves a triple-quoted string open: an odd number of triple quotes outside
    its one-line literals (a spec's triple quote in an enum value is written in single quotes, and opens nothing)
    and its comments. Inside a triple-quoted string only its closing quotes count (`""<>".` in a docstring)."""
    if '"""' not in line:
        return False
    position = 0
    while True:
        match = _QUOTES.search(line, position)
        if match is None or match.group() == "#":
            return False  # the rest is a comment
        position = match.end()
        if match.group() == '"""':
            end = _TRIPLE_QUOTED_REST.match(line, position)
            if end is None:
                return True
            position = end.end()


# The rest of a triple-quoted string up to its closing quotes: escapes, and quotes that close nothing.
_TRIPLE_QUOTED_REST = re.compile(r'(?:\\.|[^"\\]|"(?!""))*"""')


def _extract(fragment: Fragment, formatted: str) -> list[str]:
    """The lines of a formatted fragment that stand for the original line."""
    lines = formatted.strip("\n").split("\n")
    if fragment.kind == "signature-end":
        lines = lines[2:]
    elif fragment.kind == "element":
        lines = lines[1:-1]
    if fragment.block:
        lines = lines[: lines.index("    pass")] if "    pass" in lines else lines[:-1]
    return lines


def _format_batch(batch: tuple[int, list[Fragment]]) -> list[list[str]]:
    """One black call for many fragments of one width, split apart again at marker comments."""
    width, fragments = batch
    source = "".join(f"{_MARKER}\n{fragment.source}" for fragment in fragments)
    try:
        formatted = format_source(source, width)
    except Exception:
        return [_format_single(fragment) for fragment in fragments]
    chunks = formatted.split(_MARKER + "\n")[1:]
    if len(chunks) != len(fragments):
        return [_format_single(fragment) for fragment in fragments]
    return [_extract(fragment, chunk) for fragment, chunk in zip(fragments, chunks)]


def _format_single(fragment: Fragment) -> list[str]:
    try:
        return _extract(fragment, format_source(fragment.source, fragment.width))
    except Exception as exc:
        raise FormatError(f"black could not format generated code {fragment.source!r}: {exc}") from None


def _format_fragments(fragments: set[Fragment], jobs: int) -> dict[Fragment, list[str]]:
    by_width: dict[int, list[Fragment]] = defaultdict(list)
    for fragment in sorted(fragments, key=lambda f: (f.width, f.kind, f.source)):
        by_width[fragment.width].append(fragment)
    batches = [(width, group[i : i + _BATCH]) for width, group in sorted(by_width.items()) for i in range(0, len(group), _BATCH)]
    if jobs > 1 and len(fragments) >= _PARALLEL_MIN and len(batches) > 1:
        from concurrent.futures import ProcessPoolExecutor  # only here: 20 ms of start-up otherwise

        with ProcessPoolExecutor(max_workers=min(jobs, len(batches))) as pool:
            results = list(pool.map(_format_batch, batches))
    else:
        results = [_format_batch(batch) for batch in batches]
    return {fragment: lines for (_, group), formatted in zip(batches, results) for fragment, lines in zip(group, formatted)}


def _splice(plan: list[str | _Long], formatted: dict[Fragment, list[str]]) -> str:
    out: list[str] = []
    for item in plan:
        if isinstance(item, str):
            out.append(item)
        else:
            pad = " " * item.indent
            out.extend(pad + line if line else line for line in formatted[item.fragment])
    return "\n".join(out) + "\n"


def split_long_lines(text: str, line_length: int) -> str:
    """Black's output for a file whose only departure from black's style is lines over the limit."""
    plan = _plan(text, line_length)
    fragments = {item.fragment for item in plan if isinstance(item, _Long)}
    return _splice(plan, _format_fragments(fragments, jobs=1))


# --- many files, with the cache ------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _own_source_hash() -> str:
    """What formatting does is this module's and linesplit's code: a change to either invalidates the cache."""
    return source_digest([Path(__file__), Path(__file__).with_name("linesplit.py")])[:16]


def _format_code() -> str | None:
    black = fingerprint("black")
    return None if black is None else f"{black}\n{_own_source_hash()}"


# Formatted files by their rendered text, and black's lines by the fragment: both depend on black and on this code.
FORMATTED = Namespace("client-formatted", code=_format_code, keep_bytes=48 << 20, shards=16)
FRAGMENTS = Namespace("client-fragments", code=_format_code, keep_bytes=8 << 20, shards=4)


class Formatter:
    def __init__(self, line_length: int, cache: Cache | Path | None = None, jobs: int | None = None, whole_files: bool = False):
        """``cache``: a run's :class:`Cache` (its owner saves it), or a folder (saved after each ``format_all``)."""
        self.line_length = line_length
        self.whole_files = whole_files
        self.cache = Cache.of(cache)
        self._owns_cache = self.cache is not cache
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.stats = FormatStats()
        self._settings = (line_length, "py311", "whole" if whole_files else "split")

    def format_all(self, files: dict[str, str], done: frozenset[str] = frozenset()) -> dict[str, str]:
        """Formatted ``files``; the paths in ``done`` are final already (served from the render cache)."""
        out: dict[str, str] = {}
        todo: dict[str, str] = {}
        for path, text in files.items():
            if path in done:
                out[path] = text
                self.stats.cached += 1
                continue
            if not path.endswith(".py") or path.startswith("_runtime/"):
                out[path] = text  # runtime files are copied exactly as they are tested
                continue
            cached = self.cache.get(FORMATTED, (self._settings, text))
            if isinstance(cached, str):
                out[path] = cached
                self.stats.cached += 1
            else:
                todo[path] = text
        formatted = self._whole(todo) if self.whole_files else self._split(todo)
        for path, text in formatted.items():
            out[path] = text
            self.cache.put(FORMATTED, (self._settings, todo[path]), text)
            self.stats.formatted += 1
        if self._owns_cache:
            self.cache.save()
        return {path: out[path] for path in sorted(out)}

    def _split(self, todo: dict[str, str]) -> dict[str, str]:
        plans = {}
        for path, text in todo.items():
            try:
                plans[path] = _plan(text, self.line_length)
            except FormatError as exc:
                raise FormatError(f"{path}: {exc}") from None
        fragments = {item.fragment for plan in plans.values() for item in plan if isinstance(item, _Long)}
        # A long statement usually outlives an edit of its file (a description changes, the
        # statement does not): each fragment's lines are cached too, so black is rarely started.
        formatted: dict[Fragment, list[str]] = {}
        for fragment in fragments:
            cached = self.cache.get(FRAGMENTS, self._fragment_key(fragment))
            if isinstance(cached, str):
                formatted[fragment] = cached.split("\n")
        missing = fragments - formatted.keys()
        for fragment, lines in _format_fragments(missing, self.jobs).items():
            formatted[fragment] = lines
            self.cache.put(FRAGMENTS, self._fragment_key(fragment), "\n".join(lines))
        return {path: _splice(plan, formatted) for path, plan in plans.items()}

    def _fragment_key(self, fragment: Fragment) -> tuple[object, ...]:
        return (self._settings, fragment.kind, fragment.width, fragment.block, fragment.source)

    def _whole(self, todo: dict[str, str]) -> dict[str, str]:
        out = {}
        for path, text in todo.items():
            try:
                out[path] = format_source(text, self.line_length)
            except Exception as exc:
                raise FormatError(f"{path}: black could not format the generated code: {exc}") from None
        return out
