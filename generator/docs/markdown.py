"""The one way text from a spec becomes part of a generated Markdown page.

Spec strings are untrusted. Whatever they hold, a page keeps its structure and carries no raw HTML:

* :func:`prose` — a description as a block of Markdown: its Markdown is kept (it is the spec's own
  markup), but ``<``, ``>`` and ``&`` become entities, so no tag or comment reaches the page, and a
  link to anything but ``http``, ``https``, ``mailto`` or a relative address loses its target;
* :func:`cell` — the same, on one line, inside a table cell: ``|`` escaped, line breaks as ``<br>``;
* :func:`inline` — one line outside a table (a heading, a list item): line breaks become spaces, and a
  leading ``#``, ``>``, ``-`` and the like cannot start a block;
* :func:`code` — a code span (a name, a path, a value) that no backtick in the text can end early.

Unsafe characters (:mod:`generator.escape`: controls, bidirectional overrides, invisible characters) are
shown as their escape sequence everywhere.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from generator import escape

_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_SAFE_SCHEME = re.compile(r"(?i)(https?|mailto):")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_RELATIVE_LINK = re.compile(r"\]\((/[^)\s]*)\)")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLOCK_START = re.compile(r"^(\s*)([#>+*=-]|\d+[.)])")


def _unsafe(text: str) -> str:
    return escape.escape_unsafe(text, keep_layout=True)


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def _entities_outside_code(text: str) -> str:
    """Entities for ``<``, ``>``, ``&`` outside code spans; inside one, Markdown shows them as text already."""
    out, at = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_entities(text[at : match.start()]))
        out.append(match.group(0))
        at = match.end()
    out.append(_entities(text[at:]))
    return "".join(out)


def _links(text: str, base_url: str | None) -> str:
    if base_url:
        base = base_url.rstrip("/")
        text = _RELATIVE_LINK.sub(lambda m: f"]({base}{m.group(1)})", text)

    def target(match: re.Match[str]) -> str:
        url = match.group(1)
        if _SCHEME.match(url) and not _SAFE_SCHEME.match(url):
            return "](#"  # javascript:, data:, vbscript:… keep the text, lose the target
        return match.group(0)

    return _LINK_TARGET.sub(target, text)


@functools.lru_cache(maxsize=16384)  # the same descriptions and names recur on many pages
def prose(text: str | None, base_url: str | None = None) -> str:
    """A description as Markdown paragraphs."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = _TRAILING_SPACE.sub("", text)
    text = _unsafe(text).replace("\t", "    ")
    return _links(_entities_outside_code(text), base_url)


@functools.lru_cache(maxsize=16384)  # the same descriptions and names recur on many pages
def cell(text: str | None, base_url: str | None = None) -> str:
    """A description inside a table cell: one line, paragraphs apart by ``<br><br>``."""
    body = prose(text, base_url)
    if not body:
        return ""
    paragraphs = [_one_line(part) for part in re.split(r"\n\s*\n", body)]
    return "<br><br>".join(p for p in paragraphs if p).replace("|", "\\|")


_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s")


def _one_line(paragraph: str) -> str:
    """A paragraph on one line; the items of a list each after a ``<br>``."""
    out = ""
    for line in paragraph.split("\n"):
        if not line.strip():
            continue
        if out and _LIST_ITEM.match(line):
            out += "<br>" + line.strip()
        else:
            out += (" " if out else "") + line.strip()
    return out


@functools.lru_cache(maxsize=16384)  # the same descriptions and names recur on many pages
def inline(text: str | None) -> str:
    """One line of prose outside a table (a heading): no line break, nothing that starts a block."""
    if not text:
        return ""
    line = " ".join(_unsafe(text).split())
    line = _entities(line)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


@functools.lru_cache(maxsize=16384)  # the same descriptions and names recur on many pages
def code(text: str, in_table: bool = False) -> str:
    """``text`` as a code span: fenced by more backticks than any run inside it, unsafe characters escaped."""
    text = " ".join(escape.escape_unsafe(text).split("\n")) if text else text
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or not text.strip() else text
    span = f"{fence}{padded}{fence}"
    return span.replace("|", "\\|") if in_table else span


def anchor_text(text: str) -> str:
    """The text of a link to one of our own pages (a type name): escaped so that it stays link text."""
    return re.sub(r"([\\\[\]*_`<>&|])", r"\\\1", escape.escape_unsafe(text))


def fence(text: str, language: str) -> str:
    """``text`` as a fenced code block that no backtick run in it can close; the language a plain word."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    marks = "`" * max(3, longest + 1)
    word = re.sub(r"[^A-Za-z0-9_+-]", "", language)
    return f"{marks}{word}\n{escape.escape_unsafe(text, keep_layout=True).rstrip()}\n{marks}"


def url(text: str | None) -> str:
    """An address from the spec as a link target: ``http(s)`` only (else ""), every other character
    percent-encoded but the URL delimiters, so nothing in it can end the link or the line."""
    if not text or not re.match(r"(?i)https?://", text):
        return ""
    return quote(text, safe="/:?#@!$&'*+,;=%-._~")
