"""The one way text from a spec, a file name or the configuration becomes part of generated source.

Every string the generator did not write itself reaches a generated file through one of these:

* :func:`literal` — a Python string literal (the ``pyrepr`` filter, via ``literals.py_literal``);
* :func:`docstring_body` — the inside of a triple-quoted docstring (the ``doc``/``docstring`` filters);
* :func:`comment` — one line after ``#`` (file headers).

In each, the characters of :data:`UNSAFE` are never written as themselves. They are the ones that
could change what the code means or how it reads: C0 and C1 controls (a NUL, ``\\r``, and everything
``str.splitlines`` breaks on: ``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e``, ``\\x85``, U+2028, U+2029),
the bidirectional controls of "Trojan Source" (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C),
invisible format characters (zero-width spaces and joiners, U+FEFF, the tag characters
U+E0000-U+E007F), non-characters and lone surrogates. Where they stand in a literal or a docstring
they become the escape sequence (``\\u2028``) that means the same character, so values are kept
exactly; in a comment the same escape is shown as text. The set is a fixed list rather than
``str.isprintable``, whose answer changes with Python's Unicode version: output must not.
"""

from __future__ import annotations

import json
import re

# Kept as ranges of code points so that the rule reads as data; the pattern is built from them once.
UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F),  # C0 controls, \t \n \r among them (allowed raw only where a context says so)
    (0x007F, 0x009F),  # DEL and C1 controls, U+0085 (NEL) among them
    (0x00AD, 0x00AD),  # soft hyphen (invisible)
    (0x061C, 0x061C),  # ARABIC LETTER MARK (bidi)
    (0x180E, 0x180E),  # MONGOLIAN VOWEL SEPARATOR (invisible)
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; LRM, RLM (bidi)
    (0x2028, 0x202E),  # LINE and PARAGRAPH SEPARATOR; LRE, RLE, PDF, LRO, RLO (bidi)
    (0x2060, 0x2069),  # word joiner, invisible operators; LRI, RLI, FSI, PDI (bidi)
    (0xD800, 0xDFFF),  # surrogates: never valid alone, and not encodable as UTF-8
    (0xFEFF, 0xFEFF),  # zero-width no-break space (BOM)
    (0xFFF9, 0xFFFB),  # interlinear annotation controls
    (0xFFFE, 0xFFFF),  # non-characters
    (0xE0000, 0xE007F),  # tag characters (invisible text)
)



def _pattern(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


_UNSAFE = _pattern(UNSAFE_RANGES)
# Docstrings keep their line breaks and tabs: the C0 range without \t (0x09) and \n (0x0A).
_UNSAFE_EXCEPT_LAYOUT = _pattern(((0x0000, 0x0008), (0x000B, 0x001F), *UNSAFE_RANGES[1:]))
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_unsafe(ch: str) -> bool:
    """Whether ``ch`` is never written raw into generated source."""
    return _UNSAFE.match(ch) is not None


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def escape_sequence(ch: str) -> str:
    """The Python escape sequence for one character: ``\\n``, ``\\x85``, ``\\u2028``, ``\\U000e0001``."""
    named = _NAMED.get(ch)
    if named:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _sub(match: re.Match[str]) -> str:
    return escape_sequence(match.group())


def escape_unsafe(text: str, keep_layout: bool = False) -> str:
    """``text`` with every unsafe character replaced by its escape sequence (as text).

    ``keep_layout`` leaves ``\\n`` and ``\\t`` as they are (docstrings); nothing else is kept.
    Backslashes are not touched: callers that write into a literal double them first.
    """
    pattern = _UNSAFE_EXCEPT_LAYOUT if keep_layout else _UNSAFE
    return pattern.sub(_sub, text) if pattern.search(text) else text


def literal(value: str) -> str:
    """A string literal meaning exactly ``value``: double quotes unless single quotes need fewer
    escapes (black's rule, so formatting has nothing to change); no unsafe character raw."""
    double = escape_unsafe(json.dumps(value, ensure_ascii=False))
    if '"' not in value or value.count('"') <= value.count("'"):
        return double
    # The single-quoted form: quotes swapped, a backslash before every backslash and single quote.
    body = value.replace("\\", "\\\\").replace("'", "\\'")
    single = "'" + escape_unsafe(json.dumps(body, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("\\\\", "\\")) + "'"
    return single if single.count("\\") < double.count("\\") else double


_QUOTE_RUN = re.compile(r'"{3,}')


def docstring_body(text: str) -> str:
    """``text`` as the inside of a ``\"\"\"`` docstring that means it: nothing that ends the string early,
    starts an escape or breaks a line except ``\\n`` (``\\r\\n`` and ``\\r`` become ``\\n``)."""
    text = text.replace("\\", "\\\\")
    text = _QUOTE_RUN.sub(lambda m: '\\"' * len(m.group()), text)
    # A quote just before the closing `"""` would join it; escape it unless it already is.
    backslashes = len(text[:-1]) - len(text[:-1].rstrip("\\"))
    if text.endswith('"') and backslashes % 2 == 0:
        text = text[:-1] + '\\"'
    return escape_unsafe(text, keep_layout=True)


def comment(text: str) -> str:
    """``text`` on one line that is safe after ``#``: every unsafe character shown as its escape."""
    return escape_unsafe(text)
