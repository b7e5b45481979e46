"""black's split of one over-long line inside brackets, for the plain literals and calls we generate.

Most of the time black spends on generated code goes to a few huge lines: the
validation rules of an operation, nested dict and list literals thousands of
characters long. Those lines use a small part of Python (strings, numbers,
names, ``=``, ``:``, commas and brackets), and for that part black's stable
style comes down to three rules, applied again to every line they produce:

- a line that fits stays as it is;
- a line inside brackets with commas at its own level is split after each of
  them, and the last piece gets a trailing comma (``delimiter_split``);
- otherwise the line is split at its last bracket pair into head, body and tail
  (``right_hand_split``); a body inside a collection display (not a call) that
  holds commas is always exploded, one element a line.

``split_element`` applies them to lines that are elements of an enclosing
bracket, the only place the formatter asks it to, and returns None for anything
outside that subset (any other token, non-ASCII text, a magic trailing comma, a
head that would itself be too long), which then goes to black as before. A test
holds it to black on every long line the full OpenAI spec and the feature specs
produce.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""(?P<space>[ ]*)(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<number>-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>[()\[\]{},:=])
    )""",
    re.X,
)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = frozenset(_OPEN.values())
# Names black reads as operators or delimiters: lines holding them are left to black.
_OPERATOR_NAMES = frozenset(keyword.kwlist) - {"True", "False", "None"}


class _Unsupported(Exception):
    pass


def split_element(line: str, line_length: int) -> list[str] | None:
    """The lines black makes of ``line``, an element inside brackets; None when outside the subset."""
    if not line.isascii():
        return None  # black measures East Asian wide characters as two columns
    indent = len(line) - len(line.lstrip(" "))
    try:
        return _Splitter(line.strip(), line_length).lines(indent)
    except _Unsupported:
        return None


class _Splitter:
    """One line's tokens; every line black would make of it is a range of them (plus perhaps a comma)."""

    def __init__(self, text: str, width: int):
        self.width = width
        self.spaces: list[str] = []
        self.texts: list[str] = []
        kinds: list[str] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise _Unsupported(text[pos:])
            kind = next(k for k in ("string", "number", "name", "op") if m.group(k) is not None)
            value = m.group(kind)
            if kind == "name" and value in _OPERATOR_NAMES and value != "as":
                raise _Unsupported(value)
            if kind == "string" and kinds[-1:] == ["string"]:
                raise _Unsupported("implicit string concatenation")
            self.spaces.append(m.group("space"))
            self.texts.append(value)
            kinds.append(kind)
            pos = m.end()
        n = len(self.texts)
        # offsets[i]: width of tokens[:i] written out; depth[i]: brackets open before token i.
        self.offsets = [0] * (n + 1)
        for i in range(n):
            self.offsets[i + 1] = self.offsets[i] + len(self.spaces[i]) + len(self.texts[i])
        self.depth = [0] * n
        self.match = [-1] * n
        self.atom = [False] * n
        stack: list[int] = []
        for i, value in enumerate(self.texts):
            self.depth[i] = len(stack)
            if kinds[i] != "op":
                continue
            if value in _OPEN:
                follows_value = i > 0 and (kinds[i - 1] != "op" or self.texts[i - 1] in _CLOSE)
                if value == "[" and follows_value:
                    raise _Unsupported("subscript")
                self.atom[i] = not (value == "(" and follows_value)
                stack.append(i)
            elif value in _CLOSE:
                if not stack or _OPEN[self.texts[stack[-1]]] != value:
                    raise _Unsupported("unbalanced brackets")
                opened = stack.pop()
                self.depth[i] = len(stack)
                self.match[opened], self.match[i] = i, opened
                if self.texts[i - 1] == "," and i - 1 != opened:
                    raise _Unsupported("magic trailing comma")
                if value == ")" and self.atom[opened] and not self._commas(opened + 1, i):
                    raise _Unsupported("parentheses black may treat as redundant")
        if stack:
            raise _Unsupported("unbalanced brackets")

    def lines(self, indent: int) -> list[str]:
        return self._transform(0, len(self.texts), False, indent, False)

    def _size(self, a: int, b: int, comma: bool) -> int:
        return self.offsets[b] - self.offsets[a] - len(self.spaces[a]) + comma

    def _text(self, a: int, b: int, comma: bool, indent: int) -> str:
        return " " * indent + self.texts[a] + "".join(self.spaces[i] + self.texts[i] for i in range(a + 1, b)) + ("," if comma else "")

    def _commas(self, a: int, b: int) -> list[int]:
        """The commas at the range's own bracket level, but for a trailing one."""
        level = self.depth[a]
        return [i for i in range(a, b - 1) if self.depth[i] == level and self.texts[i] == ","]

    def _transform(self, a: int, b: int, comma: bool, indent: int, explode: bool) -> list[str]:
        if not explode and indent + self._size(a, b, comma) <= self.width:
            return [self._text(a, b, comma, indent)]
        commas = self._commas(a, b)
        if commas:
            return self._delimiter_split(a, b, comma, commas, indent)
        return self._right_hand_split(a, b, comma, indent)

    def _delimiter_split(self, a: int, b: int, comma: bool, commas: list[int], indent: int) -> list[str]:
        out: list[str] = []
        for end in commas:
            out.extend(self._transform(a, end + 1, False, indent, False))
            a = end + 1
        # The last piece gains a trailing comma unless it has one.
        out.extend(self._transform(a, b, comma or self.texts[b - 1] != ",", indent, False))
        return out

    def _right_hand_split(self, a: int, b: int, comma: bool, indent: int) -> list[str]:
        # The last bracket pair with something in it; empty pairs after it stay in the tail.
        close = b - 1
        while close >= a:
            if self.texts[close] in _CLOSE and self.match[close] >= a:
                if self.match[close] < close - 1:
                    break
                close = self.match[close]
            close -= 1
        if close < a:
            return [self._text(a, b, comma, indent)]  # nothing to split at: black leaves the line long
        opening = self.match[close]
        if indent + self._size(a, opening + 1, False) > self.width and any(
            self.texts[i] in _CLOSE and self.depth[i] == self.depth[a] and self.match[i] < i - 1 for i in range(a, opening)
        ):
            # The head is too long and there is another bracket pair black would try instead.
            # With none, black keeps this split, and neither head nor tail can be split again.
            raise _Unsupported("another bracket pair to split at")
        explode = self.atom[opening] and bool(self._commas(opening + 1, close))
        return [
            self._text(a, opening + 1, False, indent),
            *self._transform(opening + 1, close, False, indent + 4, explode),
            self._text(close, b, comma, indent),
        ]
