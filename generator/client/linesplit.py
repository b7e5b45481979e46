"""black's split of one over-long line, for the literals, calls and annotations we generate.

Most of the time black spends on generated code goes to long lines of a small
part of Python: names, strings, numbers, ``=``, ``:``, ``|``, commas and
brackets. The validation rules of an operation (nested dict and list literals
thousands of characters long), signatures' parameters and models' annotated
fields are all made of it. For that part this module applies black's stable
style itself, following black's own procedures (``transform_line``,
``delimiter_split``, ``right_hand_split`` with its trailers to omit and its
optional parentheses, ``can_omit_invisible_parens``, ``_prefer_split_rhs_oop``):

- a line that fits stays as it is;
- a line inside brackets is split at the delimiters of its own level of highest
  priority (commas, then ``|``); commas get a trailing one;
- otherwise it is split at its last bracket pair into head, body and tail; a
  body inside a display (not a call or subscript) that holds commas is always
  exploded, one element a line; the invisible parentheses black puts around an
  annotation or an assigned value are kept or dropped as black decides.

``split_element`` handles elements of calls and displays and a def's
parameters, ``split_statement`` annotated assignments. Both return None for
anything outside the subset or a case whose rules are not reproduced here (any
other token, non-ASCII text, a magic trailing comma, redundant parentheses,
black's "second opinion"), which then goes to black as before. Tests hold them
to black: a property test over random literals and annotations, and every long
line of the full OpenAI spec.
"""
from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator

_TOKEN = re.compile(
    r"""(?P<space>[ ]*)(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<number>-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>[()\[\]{},:=|])
    )""",
    re.X,
)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = frozenset(_OPEN.values())
_OPERATOR_NAMES = frozenset(keyword.kwlist) - {"True", "False", "None"}
_COMMA, _BITOR = 18, 9


class _Unsupported(Exception):
    pass


class _CannotSplit(Exception):
    pass


class _Leaf:
    """One token; brackets know their partner. An invisible paren prints as nothing until made visible."""

    __slots__ = ("prefix", "text", "kind", "partner", "atom", "trailer_close", "invisible", "optional", "pos", "depth")

    def __init__(self, prefix: str, text: str, kind: str):
        self.prefix, self.text, self.kind = prefix, text, kind
        self.partner: _Leaf | None = None
        self.atom = False  # an opening bracket of a display or of invisible parens (not a call or subscript)
        self.trailer_close = False  # a closing `]` of a subscript
        self.invisible = False
        self.optional = False  # black's invisible parentheses, visible or not by now
        self.pos = -1  # index in the whole line; every line black makes of it is a run of these
        self.depth = 0  # brackets (invisible ones too) open before it in the whole line

    @property
    def value(self) -> str:
        return "" if self.invisible else self.text

    @property
    def opening(self) -> bool:
        return self.kind == "op" and self.text in _OPEN

    @property
    def closing(self) -> bool:
        return self.kind == "op" and self.text in _CLOSE


def _tokenize(text: str) -> list[_Leaf]:
    leaves: list[_Leaf] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _Unsupported(text[pos:])
        kind = next(k for k in ("string", "number", "name", "op") if m.group(k) is not None)
        value = m.group(kind)
        if kind == "name" and value in _OPERATOR_NAMES and value != "as":
            raise _Unsupported(value)
        if kind == "string" and leaves and leaves[-1].kind == "string":
            raise _Unsupported("implicit string concatenation")
        leaves.append(_Leaf(m.group("space"), value, kind))
        pos = m.end()
    stack: list[_Leaf] = []
    previous: _Leaf | None = None
    for leaf in leaves:
        if leaf.opening:
            follows_value = previous is not None and (previous.kind != "op" or previous.text in _CLOSE)
            leaf.atom = not follows_value
            if leaf.text == "{" and follows_value:
                raise _Unsupported("brace after a value")
            stack.append(leaf)
        elif leaf.closing:
            if not stack or _OPEN[stack[-1].text] != leaf.text:
                raise _Unsupported("unbalanced brackets")
            opened = stack.pop()
            opened.partner, leaf.partner = leaf, opened
            if previous is not None and previous.text == "," and previous is not opened:
                raise _Unsupported("magic trailing comma")
            leaf.trailer_close = leaf.text == "]" and not opened.atom
        previous = leaf
    if stack:
        raise _Unsupported("unbalanced brackets")
    _number(leaves)
    for leaf in leaves:
        partner = leaf.partner
        if leaf.text == ")" and leaf.closing and partner is not None and partner.atom and not _holds_comma(leaves, partner, leaf):
            raise _Unsupported("parentheses black may treat as redundant")
    return leaves


def _number(leaves: list[_Leaf]) -> list[_Leaf]:
    """Give each leaf its position and bracket depth in the whole line (black's lines are runs of it)."""
    depth = 0
    for pos, leaf in enumerate(leaves):
        leaf.pos = pos
        if leaf.closing:
            depth -= 1
        leaf.depth = depth
        if leaf.opening:
            depth += 1
    return leaves


def _at_level(leaves: list[_Leaf]) -> list[int]:
    """Indices of the leaves standing at the bracket level of a run's first leaf."""
    level = leaves[0].depth
    return [i for i, leaf in enumerate(leaves) if leaf.depth == level]


def _holds_comma(leaves: list[_Leaf], opened: _Leaf, closed: _Leaf) -> bool:
    return any(leaf.text == "," and leaf.kind == "op" and leaf.depth == opened.depth + 1 for leaf in leaves[opened.pos + 1 : closed.pos])


def _wrap(leaves: list[_Leaf], start: int, end: int) -> list[_Leaf]:
    """``leaves`` with invisible parentheses around ``leaves[start:end]``."""
    lpar, rpar = _Leaf(leaves[start].prefix, "(", "op"), _Leaf("", ")", "op")
    lpar.invisible = rpar.invisible = lpar.optional = rpar.optional = True
    lpar.atom = True
    lpar.partner, rpar.partner = rpar, lpar
    leaves[start].prefix = ""
    return leaves[:start] + [lpar] + leaves[start:end] + [rpar] + leaves[end:]


class _Engine:
    def __init__(self, width: int):
        self.width = width
        self._delimiters: dict[tuple[int, int, int], dict[int, int]] = {}

    # --- lines ----------------------------------------------------------------------

    def text(self, leaves: list[_Leaf], indent: int) -> str:
        return " " * indent + leaves[0].value + "".join(leaf.prefix + leaf.value for leaf in leaves[1:])

    def fits(self, leaves: list[_Leaf], indent: int) -> bool:
        length = indent + len(leaves[0].value) - self.width
        for leaf in leaves[1:]:
            length += len(leaf.prefix) + len(leaf.value)
            if length > 0:
                return False  # most lines asked about are far too long: stop at the limit
        return length <= 0

    def delimiters(self, leaves: list[_Leaf]) -> dict[int, int]:
        """Split-after priorities at the line's own level (black's BracketTracker, for commas and `|`)."""
        if not leaves:
            return {}
        key = (id(leaves[0]), id(leaves[-1]), len(leaves))
        found = self._delimiters.get(key)
        if found is not None:
            return found
        out: dict[int, int] = {}
        for i in _at_level(leaves):
            leaf = leaves[i]
            if leaf.kind != "op":
                continue
            if leaf.text == ",":
                out[i] = _COMMA
            elif leaf.text == "|" and i > 0:
                out[i - 1] = max(out.get(i - 1, 0), _BITOR)
        self._delimiters[key] = out
        return out

    # --- transform_line ---------------------------------------------------------------

    def transform(self, leaves: list[_Leaf], indent: int, inside: bool, explode: bool, tracked: bool = True) -> list[str]:
        """black's transform_line; ``tracked``: black tracks this line's brackets (not a head or tail)."""
        if not explode and self.fits(leaves, indent):
            return [self.text(leaves, indent)]
        optional = [leaf for leaf in leaves if leaf.optional] if tracked else []
        if inside:
            try:
                return self._run(self.delimiter_split(leaves, indent), leaves)
            except _CannotSplit:
                pass
        try:
            lines = self._run(self.rhs(leaves, indent, inside), leaves)
        except _CannotSplit:
            return [self.text(leaves, indent)]
        if optional and all(leaf.invisible for leaf in optional) and len(lines[0]) > self.width:
            raise _Unsupported("black would ask for a second opinion with the parentheses forced")
        return lines

    def _run(self, produced: list[tuple[list[_Leaf], int, bool, bool, bool]], leaves: list[_Leaf]) -> list[str]:
        out: list[str] = []
        for part, part_indent, part_inside, part_explode, part_tracked in produced:
            if len(part) == len(leaves) and all(a is b for a, b in zip(part, leaves)):
                raise _CannotSplit("unchanged")
            out.extend(self.transform(part, part_indent, part_inside, part_explode, part_tracked))
        return out

    def delimiter_split(self, leaves: list[_Leaf], indent: int) -> list[tuple[list[_Leaf], int, bool, bool, bool]]:
        delims = self.delimiters(leaves[:-1])
        if not delims:
            raise _CannotSplit("no delimiters")
        priority = max(delims.values())
        pieces: list[tuple[list[_Leaf], int, bool, bool, bool]] = []
        start = 0
        for i in sorted(k for k, v in delims.items() if v == priority):
            leaves[start].prefix = ""  # black's dont_increase_indentation
            pieces.append((leaves[start : i + 1], indent, True, False, True))
            start = i + 1
        leaves[start].prefix = ""
        last = leaves[start:]
        if priority == _COMMA and last[-1].text != ",":
            comma = _Leaf("", ",", "op")
            comma.depth = last[0].depth
            last = last + [comma]
        pieces.append((last, indent, True, False, True))
        return pieces

    # --- right_hand_split -------------------------------------------------------------

    def rhs(self, leaves: list[_Leaf], indent: int, inside: bool) -> list[tuple[list[_Leaf], int, bool, bool, bool]]:
        """black's right_hand_split_with_omits: the first split whose head fits, trying trailers in turn."""
        first_lines = None
        for omit in self.trailers_to_omit(leaves, indent):
            if omit:
                target = next((leaf for leaf in reversed(leaves) if leaf.closing and not any(leaf is o for o in omit)), None)
                if target is not None and target.partner is not None and target.partner.value and self._prefix_length(leaves, target.partner, indent) > self.width:
                    continue
            lines = self.maybe_omit(self.first_rhs(leaves, omit), leaves, indent, inside, omit)
            if first_lines is None and not omit:
                first_lines = lines
            if self.fits(lines[0][0], lines[0][1]):
                return lines
        if first_lines is not None:
            return first_lines
        return self.maybe_omit(self.first_rhs(leaves, ()), leaves, indent, inside, ())

    def _prefix_length(self, leaves: list[_Leaf], upto: _Leaf, indent: int) -> int:
        length = indent
        for leaf in leaves:
            if leaf is upto:
                break
            length += len(leaf.prefix) + len(leaf.value)
        return length

    def trailers_to_omit(self, leaves: list[_Leaf], indent: int) -> Iterator[tuple[_Leaf, ...]]:
        """black's generate_trailers_to_omit: ever larger sets of trailing bracket pairs to keep whole."""
        omit: list[_Leaf] = []
        yield ()
        length = indent
        opening: _Leaf | None = None
        closing: _Leaf | None = None
        inner: list[_Leaf] = []
        for index in range(len(leaves) - 1, -1, -1):
            leaf = leaves[index]
            length += len(leaf.prefix) + len(leaf.value)
            if length > self.width:
                break
            if opening is not None:
                if leaf is opening:
                    opening = None
                elif leaf.closing:
                    inner.append(leaf)
            elif leaf.closing:
                previous = leaves[index - 1] if index > 0 else None
                if previous is not None and previous.opening:
                    inner.append(leaf)
                    continue
                if closing is not None:
                    omit.append(closing)
                    omit.extend(inner)
                    inner.clear()
                    yield tuple(omit)
                if leaf.value:
                    opening, closing = leaf.partner, leaf

    def first_rhs(self, leaves: list[_Leaf], omit: tuple[_Leaf, ...]) -> tuple[int, int]:
        """Positions of the opening and closing bracket of the last pair to split at."""
        i = len(leaves) - 1
        while i >= 0:
            leaf = leaves[i]
            if leaf.closing and not any(leaf is o for o in omit):
                opening = leaf.partner.pos - leaves[0].pos if leaf.partner is not None else -1
                if not 0 <= opening < i or leaves[opening] is not leaf.partner:
                    raise _CannotSplit("the opening bracket is on another line")
                if opening < i - 1:
                    return opening, i
                i = opening - 1  # an empty pair stays in the tail
                continue
            i -= 1
        raise _CannotSplit("no brackets")

    def maybe_omit(self, split: tuple[int, int], leaves: list[_Leaf], indent: int, inside: bool, omit: tuple[_Leaf, ...]) -> list[tuple[list[_Leaf], int, bool, bool, bool]]:
        opening_at, closing_at = split
        opening, closing = leaves[opening_at], leaves[closing_at]
        head, body, tail = leaves[: opening_at + 1], leaves[opening_at + 1 : closing_at], leaves[closing_at:]
        if opening.invisible and closing.invisible and self.can_omit_invisible_parens(head, body, indent):
            omit2 = (closing, *omit)
            try:
                oop = self.first_rhs(leaves, omit2)
                if self.prefer_oop(leaves, split, oop, indent):
                    return self.maybe_omit(oop, leaves, indent, inside, omit2)
            except _CannotSplit:
                if len(body) < 2 and not self.fits(body, indent + 4):
                    raise
        opening.invisible = closing.invisible = False
        explode = opening.atom and _COMMA in self.delimiters(body[:-1] if body and body[-1].text == "," else body).values()
        return [(head, indent, False, False, False), (body, indent + 4, True, explode, True), (tail, indent, False, False, False)]

    def can_omit_invisible_parens(self, head: list[_Leaf], body: list[_Leaf], indent: int) -> bool:
        delims = self.delimiters(body)
        if not delims:
            return True
        priority = max(delims.values())
        if sum(1 for v in delims.values() if v == priority) > 1:
            return False
        first, second = body[0], body[1]
        if first.opening and not second.closing:
            if self._can_omit_opening_paren(body, first, indent + 4):
                return True
        penultimate, last = body[-2], body[-1]
        if last.text in (")", "}") or (last.text == "]" and not last.trailer_close):
            if penultimate.opening:
                return False
            if self._can_omit_closing_paren(body, last, indent + 4):
                return True
        return False

    def _can_omit_opening_paren(self, body: list[_Leaf], first: _Leaf, indent: int) -> bool:
        remainder = False
        length = indent
        for leaf in body:
            if leaf.closing and leaf.partner is first:
                remainder = True
            if remainder:
                length += len(leaf.prefix) + len(leaf.value)
                if length > self.width:
                    return False
                if leaf.opening:
                    remainder = False
        return True

    def _can_omit_closing_paren(self, body: list[_Leaf], last: _Leaf, indent: int) -> bool:
        length = indent
        seen_other_brackets = False
        for leaf in body:
            length += len(leaf.prefix) + len(leaf.value)
            if leaf is last.partner:
                if seen_other_brackets or length <= self.width:
                    return True
            elif leaf.opening:
                seen_other_brackets = True
        return False

    def prefer_oop(self, leaves: list[_Leaf], split: tuple[int, int], oop: tuple[int, int], indent: int) -> bool:
        head = leaves[: split[0] + 1]
        oop_head = leaves[: oop[0] + 1]
        if not (len(head) >= 2 and head[-2].text == "=" and head[-2].kind == "op"):
            return True
        if not any(leaf.opening or leaf.closing for leaf in head[:-1]):
            return True
        if len(self.text(head, indent)) > self.width - 1:
            return True
        has_closing_bracket_after_assign = False
        for leaf in reversed(oop_head):
            if leaf.text == "=" and leaf.kind == "op":
                break
            if leaf.closing:
                has_closing_bracket_after_assign = True
                break
        return has_closing_bracket_after_assign or (
            any(leaf.text == "=" and leaf.kind == "op" for leaf in oop_head) and self.fits(oop_head, indent)
        )


def _annotation_end(leaves: list[_Leaf], start: int) -> int:
    """Where an annotation starting at ``start`` ends: the `=` or `,` at its level, or the end."""
    for i in _at_level(leaves[start:]):
        leaf = leaves[start + i]
        if leaf.kind == "op" and leaf.text in ("=", ","):
            return start + i
    return len(leaves)


def _is_atom(leaves: list[_Leaf], start: int, end: int) -> bool:
    return leaves[start].opening and leaves[start].partner is leaves[end - 1]


def _has_bitor(leaves: list[_Leaf], start: int, end: int) -> bool:
    return any(leaves[start + i].text == "|" for i in _at_level(leaves[start:end]))


def split_element(line: str, line_length: int, *, parameter: bool = False) -> list[str] | None:
    """The lines black makes of ``line``, an element inside brackets (a def's parameter with ``parameter``)."""
    return _split(line, line_length, _parameter if parameter else _plain_element, inside=True)


def split_statement(line: str, line_length: int) -> list[str] | None:
    """The lines black makes of ``line``, an annotated assignment ``name: annotation [= value]``."""
    return _split(line, line_length, _annotated_assignment, inside=False)


def _split(line: str, line_length: int, prepare: Callable[[list[_Leaf]], list[_Leaf]], *, inside: bool) -> list[str] | None:
    if not line.isascii():
        return None  # black measures East Asian wide characters as two columns
    indent = len(line) - len(line.lstrip(" "))
    try:
        leaves = _number(prepare(_tokenize(line.strip())))
        return _Engine(line_length).transform(leaves, indent, inside, False)
    except _Unsupported:
        return None


def _plain_element(leaves: list[_Leaf]) -> list[_Leaf]:
    if any(leaf.text == "|" for leaf in leaves):
        raise _Unsupported("an operator outside annotations")
    return leaves


def _parameter(leaves: list[_Leaf]) -> list[_Leaf]:
    """A parameter as black sees it: a `|` annotation stands in invisible parentheses."""
    if len(leaves) < 3 or leaves[0].kind != "name" or leaves[1].text != ":":
        raise _Unsupported("not an annotated parameter")
    end = _annotation_end(leaves, 2)
    if _is_atom(leaves, 2, end):
        raise _Unsupported("a parenthesized annotation")
    if end < len(leaves) and leaves[end].text == "=" and any(leaf.text == "|" for leaf in leaves[end:]):
        raise _Unsupported("an operator in a default")
    return _wrap(leaves, 2, end) if _has_bitor(leaves, 2, end) else leaves


def _annotated_assignment(leaves: list[_Leaf]) -> list[_Leaf]:
    """``name: annotation [= value]`` as black sees it: annotation and value in invisible parentheses."""
    if len(leaves) < 3 or leaves[0].kind != "name" or leaves[1].text != ":":
        raise _Unsupported("not an annotated assignment")
    end = _annotation_end(leaves, 2)
    if end < len(leaves) and leaves[end].text != "=":
        raise _Unsupported("a tuple")
    display = end + 2 < len(leaves) - 1 and _is_atom(leaves, end + 1, len(leaves)) and leaves[end + 1].text in ("{", "[")
    if display and not _is_atom(leaves, 2, end) and not _has_bitor(leaves, 2, end):
        # A non-empty dict or list display as the value, the annotation without `|` (the rule constants of
        # `_rules.py`): black omits the optional parentheses around the value and splits at its own brackets,
        # as the engine does with no parentheses there.
        value = leaves[end + 1 :]
        if any(value[i].text in ("=", ":") and value[i].kind == "op" for i in _at_level(value)):
            raise _Unsupported("chained assignment")
        return _wrap(leaves, 2, end)
    if _is_atom(leaves, 2, end) or (end < len(leaves) and (end + 1 == len(leaves) or _is_atom(leaves, end + 1, len(leaves)))):
        raise _Unsupported("parentheses or a display black may treat specially")
    value = leaves[end + 1 :]
    if value and any(value[i].text in ("=", ":") and value[i].kind == "op" for i in _at_level(value)):
        raise _Unsupported("chained assignment")
    if end < len(leaves):
        leaves = _wrap(leaves, end + 1, len(leaves))
    return _wrap(leaves, 2, end)
