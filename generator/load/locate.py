"""Line numbers for JSON pointers without composing a whole large YAML document.

Composing OpenAI's 3 MB spec into YAML nodes to number a dozen warnings takes
most of a second. Block-style YAML nests by indentation, so the first few keys
of a pointer (``/components/schemas/RunObject``) can be found by searching the
text at the indentation they must have; only that small block is then composed
to walk the rest of the pointer. Anything unusual returns None and the caller
composes the whole document as before.

JSON is never composed: :func:`locate_json` walks its text once down the reported
pointers, and :func:`deep_json_frames` finds where a document too deep to parse
nests too deeply.
"""

from __future__ import annotations

import bisect
import json
import functools
import re
from collections.abc import Iterator
from typing import Any

import yaml

from generator.diagnostics import unescape_pointer_token

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Keys a search by text can find: plain or quoted, no escapes.
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_./{}\-\[\]*]+$")


def locate(text: str, pointer: str, *, max_block: int = 4_000) -> tuple[int, int] | None:
    """1-based (line, column) of the node at ``pointer``, or None when this shortcut does not apply."""
    tokens = [unescape_pointer_token(t) for t in pointer.split("/")[1:]]
    if not tokens or text.lstrip().startswith(("{", "[")) or "\t" in text[:2000]:
        return None
    start, end, indent, depth = 0, len(text), -1, 0
    # Narrow down by text while the keys are plain and the block is still large.
    while depth < len(tokens) and end - start > max_block and _PLAIN_KEY.match(tokens[depth]):
        found = _find_key(text, start, end, indent, tokens[depth])
        if found is None:
            return None
        start, indent = found
        end = _block_end(text, start, indent)
        depth += 1
    if depth == 0:
        return None
    return _walk_block(text, start, end, indent, tokens[depth - 1 :])


def _find_key(text: str, start: int, end: int, parent_indent: int, key: str) -> tuple[int, int] | None:
    """Start offset and indentation of ``key:`` among the direct children of a block."""
    line_start = text.find("\n", start) + 1 if parent_indent >= 0 else start
    first = _FIRST_CONTENT.search(text, line_start, end)
    if first is None:
        return None
    child_indent = len(first.group(1))
    if child_indent <= parent_indent:
        return None
    pad = " " * child_indent
    best: int | None = None
    if child_indent <= _SHALLOW:
        index = _shallow_keys(text)
        for written in (key, f"'{key}'", f'"{key}"'):
            offsets = index.get((child_indent, written), [])
            i = bisect.bisect_left(offsets, line_start)
            if i < len(offsets) and offsets[i] < end and (best is None or offsets[i] < best):
                best = offsets[i]
        if best is not None:
            return best, child_indent
    for written in (key, f"'{key}'", f'"{key}"'):
        needle = pad + written + ":"
        # `at` is the newline before a candidate line; the block's first line has none of its own.
        at = line_start - 1 if text.startswith(needle, line_start) else text.find("\n" + needle, line_start, end)
        while at >= 0:
            after = at + 1 + len(needle)
            if after >= len(text) or text[after] in " \n":
                if best is None or at + 1 < best:
                    best = at + 1
                break
            at = text.find("\n" + needle, after, end)
    return (best, child_indent) if best is not None else None


_FIRST_CONTENT = re.compile(r"^( *)[^ \n#]", re.M)


_SHALLOW = 8
_SHALLOW_LINE = re.compile(r"^( {0,%d})[^ \n#]" % _SHALLOW, re.M)


@functools.lru_cache(maxsize=4)
def _shallow_lines(text: str) -> tuple[list[int], list[int]]:
    """Offsets and indentation of every line indented at most _SHALLOW: one pass over the text."""
    offsets, indents = [], []
    for match in _SHALLOW_LINE.finditer(text):
        offsets.append(match.start())
        indents.append(len(match.group(1)))
    return offsets, indents


_SHALLOW_KEY = re.compile(r"^( {0,%d})([^ \n#][^\n]*?):(?=[ \n]|$)" % _SHALLOW, re.M)


@functools.lru_cache(maxsize=4)
def _shallow_keys(text: str) -> dict[tuple[int, str], list[int]]:
    """Where each key written at indentation at most _SHALLOW starts, by (indentation, key as written).

    Looking keys up here instead of searching the text for each warning makes
    locating a dozen warnings in a 3 MB spec a few milliseconds. A key whose
    written form holds ``: `` is not found here; the caller then searches the text.
    """
    index: dict[tuple[int, str], list[int]] = {}
    for match in _SHALLOW_KEY.finditer(text):
        index.setdefault((len(match.group(1)), match.group(2)), []).append(match.start())
    return index


def _block_end(text: str, start: int, indent: int) -> int:
    """Where the block whose key line starts at ``start`` ends: the next line indented no deeper."""
    after = text.find("\n", start)
    if after < 0:
        return len(text)
    if indent <= _SHALLOW:
        offsets, indents = _shallow_lines(text)
        for i in range(bisect.bisect_right(offsets, after), len(offsets)):
            if indents[i] <= indent:
                return offsets[i]
        return len(text)
    pattern = re.compile(r"^ {0,%d}[^ \n#]" % indent, re.M)
    match = pattern.search(text, after + 1)
    return match.start() if match else len(text)


def _walk_block(text: str, start: int, end: int, indent: int, tokens: list[str]) -> tuple[int, int] | None:
    """Compose one block (``key: …``) and follow the remaining tokens inside it."""
    block = "\n".join(line[indent:] for line in text[start:end].split("\n"))
    try:
        root = yaml.compose(block, Loader=_Loader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode) or not root.value:
        return None
    node: yaml.Node = root
    for token in tokens:
        child = _child(node, token)
        if child is None:
            return None
        node = child
    line_offset = text.count("\n", 0, start)
    return line_offset + node.start_mark.line + 1, indent + node.start_mark.column + 1


def _child(node: yaml.Node, token: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                return value  # type: ignore[no-any-return]
    elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        return node.value[int(token)]  # type: ignore[no-any-return]
    return None




# -- Locating by PyYAML's token scanner -------------------------------------------------------------
# The scanner is iterative: it reads JSON and YAML of any depth, where composing (and libyaml's parser
# from PyYAML 6.0.4, past 1000 levels) gives up. It is slow (pure Python), so it serves only when
# the faster ways fail.


def scan_values(text: str) -> Iterator[tuple[list[list[Any]], tuple[int, int]]]:
    """Each value of ``text`` as it starts: the open collections around it and its 1-based (line, column).

    Each frame is ``[kind, key or index, line, column]``, kind ``map``, ``seq`` or ``bare`` (a block sequence
    written at its key's indentation); the frame list is live, read it before the next step. Stops quietly
    where the text stops being YAML.
    """
    frames: list[list[Any]] = []
    expect_key = False
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            mark = (token.start_mark.line + 1, token.start_mark.column + 1)
            if isinstance(token, (yaml.BlockMappingStartToken, yaml.FlowMappingStartToken)):
                yield frames, mark
                frames.append(["map", "", *mark])
            elif isinstance(token, (yaml.BlockSequenceStartToken, yaml.FlowSequenceStartToken)):
                yield frames, mark
                frames.append(["seq", -1 if isinstance(token, yaml.BlockSequenceStartToken) else 0, *mark])
            elif isinstance(token, yaml.BlockEntryToken):
                if frames and frames[-1][0] == "map":
                    yield frames, mark
                    frames.append(["bare", -1, *mark])
                if frames:
                    frames[-1][1] += 1
            elif isinstance(token, yaml.FlowEntryToken):
                if frames and frames[-1][0] == "seq":
                    frames[-1][1] += 1
            elif isinstance(token, yaml.KeyToken):
                if frames and frames[-1][0] == "bare":
                    frames.pop()
                expect_key = True
            elif isinstance(token, (yaml.ScalarToken, yaml.AliasToken)):
                if expect_key and frames and frames[-1][0] == "map":
                    frames[-1][1] = token.value
                    expect_key = False
                else:
                    yield frames, mark
            elif isinstance(token, (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)):
                if isinstance(token, yaml.BlockEndToken) and frames and frames[-1][0] == "bare":
                    frames.pop()
                if frames:
                    frames.pop()
    except yaml.YAMLError:
        return


def locate_by_scanning(text: str, pointers: list[str]) -> dict[str, tuple[int, int]]:
    """(line, column) of each pointer found in ``text``, in one scan; a pointer not found is left out."""
    wanted = {tuple(unescape_pointer_token(t) for t in p.split("/")[1:]): p for p in pointers}
    lengths = {len(path) for path in wanted}
    found: dict[str, tuple[int, int]] = {}
    for frames, mark in scan_values(text):
        if len(frames) in lengths:
            p = wanted.get(tuple(str(frame[1]) for frame in frames))
            if p is not None and p not in found:
                found[p] = mark
                if len(found) == len(wanted):
                    break
    return found


# -- Locating in JSON text --------------------------------------------------------------------------
# A JSON document needs no YAML composer to be located in. One pass down the text follows only the
# keys that some reported pointer names; every other value is skipped by the C-speed decoder. Results
# are those composing the document gives: the start of the deepest node a pointer reaches (the first
# of duplicate keys, as composing finds it), 1-based line and column in characters, lines broken as
# YAML breaks them.

_WS = re.compile(r"[ \t\n\r]*")
_YAML_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_decoder = json.JSONDecoder()
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def _skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


class _Trie(dict):  # type: ignore[type-arg]
    """Children by token; ``at`` is the offset of the node once reached."""

    at: int | None = None


class _AllReached(Exception):
    """Every node of the trie has its offset: the rest of the text need not be read."""


class _Count:
    def __init__(self, left: int):
        self.left = left


def locate_json(text: str, pointers: list[str]) -> dict[str, tuple[int, int]]:
    """(line, column) of each pointer in the JSON ``text``, in one pass; as composing the text as YAML gives.

    A pointer whose tokens stop matching gets the deepest node it reaches, as composing does. Text
    that stops being JSON where a pointer leads leaves out the pointers not reached by then.
    """
    offsets = json_offsets(text, pointers)
    marks = _marks(text, sorted(set(offsets.values())))
    return {p: marks[at] for p, at in offsets.items()}


def json_offsets(text: str, pointers: list[str]) -> dict[str, int]:
    """Where the node each pointer leads to starts in the JSON ``text`` (see :func:`locate_json`)."""
    root = _Trie()
    nodes = 1
    for p in pointers:
        node = root
        for token in p.split("/")[1:]:
            child = node.get(unescape_pointer_token(token))
            if child is None:
                child = node[unescape_pointer_token(token)] = _Trie()
                nodes += 1
            node = child
    start = _skip_ws(text, 0)
    try:
        _walk_json(text, start, root, _Count(nodes))
    except (_AllReached, ValueError, RecursionError, IndexError):
        pass  # what was reached so far stands; once every node is reached, the rest is not read
    offsets: dict[str, int] = {}
    for p in pointers:
        here: _Trie | None = root
        at = root.at
        for token in p.split("/")[1:]:
            here = here.get(unescape_pointer_token(token)) if here is not None else None
            if here is None or here.at is None:
                break
            at = here.at
        if at is not None:
            offsets[p] = at
    return offsets


def json_marks(text: str, offsets: list[int]) -> dict[int, tuple[int, int]]:
    """1-based (line, column) of each offset of the JSON ``text``, as :func:`locate_json` gives them."""
    return _marks(text, sorted(set(offsets)))


def _walk_json(text: str, pos: int, node: _Trie, count: _Count) -> int:
    """Record where the value at ``pos`` starts in ``node`` and walk into the children ``node`` names; the end offset."""
    node.at = pos
    count.left -= 1
    if count.left == 0:
        raise _AllReached
    if not node:
        return _decoder.raw_decode(text, pos)[1]
    first = text[pos]
    if first == "{":
        pos = _skip_ws(text, pos + 1)
        if text[pos] == "}":
            return pos + 1
        while True:
            if text[pos] != '"':
                raise ValueError("a key was expected")
            key, pos = _scanstring(text, pos + 1, True)
            pos = _skip_ws(text, pos)
            if text[pos] != ":":
                raise ValueError("':' was expected")
            pos = _skip_ws(text, pos + 1)
            child = node.get(key)
            if child is not None and child.at is None:
                pos = _walk_json(text, pos, child, count)
            else:  # not wanted, or a later duplicate (composing finds the first)
                pos = _decoder.raw_decode(text, pos)[1]
            pos = _skip_ws(text, pos)
            if text[pos] == "}":
                return pos + 1
            if text[pos] != ",":
                raise ValueError("',' or '}' was expected")
            pos = _skip_ws(text, pos + 1)
    if first == "[":
        pos = _skip_ws(text, pos + 1)
        if text[pos] == "]":
            return pos + 1
        wanted = {int(t): child for t, child in node.items() if t.isascii() and t.isdigit()}
        index = 0
        while True:
            child = wanted.get(index)
            pos = _walk_json(text, pos, child, count) if child is not None else _decoder.raw_decode(text, pos)[1]
            pos = _skip_ws(text, pos)
            if text[pos] == "]":
                return pos + 1
            if text[pos] != ",":
                raise ValueError("',' or ']' was expected")
            pos = _skip_ws(text, pos + 1)
            index += 1
    return _decoder.raw_decode(text, pos)[1]


def _marks(text: str, offsets: list[int]) -> dict[int, tuple[int, int]]:
    """1-based (line, column) of each of the sorted ``offsets``, counting the text once up to the last."""
    marks: dict[int, tuple[int, int]] = {}
    if not offsets:
        return marks
    plain = not any(c in text for c in "\r\x85\u2028\u2029")
    line, line_start, done = 1, 0, 0
    for at in offsets:
        if plain:
            line += text.count("\n", done, at)
            found = text.rfind("\n", done, at)
            if found >= 0:
                line_start = found + 1
        else:
            for brk in _YAML_BREAKS.finditer(text, done, at):
                line, line_start = line + 1, brk.end()
        done = at
        marks[at] = (line, at - line_start + 1)
    return marks


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]|[^\s\[\]{},:"]+')


def deep_json_frames(text: str, depth: int) -> list[list[Any]] | None:
    """The open collections around the first value of the JSON ``text`` inside ``depth`` of them, or None.

    Frames as :func:`scan_values` gives them (``[kind, key or index, line, column]``) at that value, found by a
    regular expression over the text rather than PyYAML's pure-Python scanner: for a document too deep to
    parse, seconds instead of minutes on a large one. Keys are read as JSON reads them.
    """
    stack: list[list[Any]] = []
    expect_key = False
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == "{" or first == "[":
            if len(stack) >= depth:
                break
            stack.append(["map", "", match.start()] if first == "{" else ["seq", 0, match.start()])
            expect_key = first == "{"
        elif first == "}" or first == "]":
            if not stack:
                return None
            stack.pop()
            expect_key = False
        elif first == ",":
            if stack and stack[-1][0] == "seq":
                stack[-1][1] += 1
            else:
                expect_key = True
        elif first == ":":
            expect_key = False
        elif expect_key and stack and stack[-1][0] == "map":
            try:
                stack[-1][1] = json.loads(token) if first == '"' else token
            except ValueError:
                return None
            expect_key = False
        elif len(stack) >= depth:
            break
    else:
        return None
    marks = _marks(text, [frame[2] for frame in stack])
    return [[kind, key, *marks[at]] for kind, key, at in stack]
