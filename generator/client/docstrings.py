"""Docstrings and comments: spec text made safe to put inside Python source, and made useful."""

from __future__ import annotations

import functools
import json
import re

from generator import escape, ir

_RELATIVE_LINK = re.compile(r"\]\((/[^)\s]*)\)")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


@functools.lru_cache(maxsize=8192)  # methods are written twice (sync, async) with the same prose
def docstring_text(text: str | None, docs_base_url: str | None) -> str:
    """Spec prose as the body of a triple-quoted docstring: links absolute, nothing that ends it early."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if docs_base_url:
        base = docs_base_url.rstrip("/")
        text = _RELATIVE_LINK.sub(lambda m: f"]({base}{m.group(1)})", text)
    text = _TRAILING_SPACE.sub("", text)
    return escape.docstring_body(text)


def comment_text(text: str | None) -> str:
    """One line that is safe in a ``#`` comment: runs of spaces kept, every unsafe character escaped."""
    return escape.comment(text or "")


def constraint_notes(t: ir.Type, defs: dict[str, ir.NamedDef]) -> list[str]:
    """Plain-language constraints and possible values of a parameter's type."""
    notes: list[str] = []
    while isinstance(t, ir.NullableType):
        t = t.inner
    if isinstance(t, ir.NamedType) and isinstance(defs.get(t.name), ir.Alias):
        alias = defs[t.name]
        assert isinstance(alias, ir.Alias)
        t = alias.type
        while isinstance(t, ir.NullableType):
            t = t.inner
    if isinstance(t, ir.LiteralType) and len(t.values) > 1:
        notes.append("One of " + ", ".join(f"`{_plain(v)}`" for v in t.values) + ".")
    constraints = getattr(t, "constraints", None)
    if isinstance(constraints, ir.Constraints):
        notes.extend(_constraint_sentences(constraints))
    if isinstance(t, ir.MapType):
        keys = _constraint_sentences(t.key_constraints, subject="keys")
        notes.extend(keys)
        value = t.value
        if isinstance(value, ir.Primitive):
            notes.extend(_constraint_sentences(value.constraints, subject="values"))
    return notes


def _constraint_sentences(c: ir.Constraints, subject: str = "") -> list[str]:
    sentences = _plain_constraint_sentences(c)
    if not subject:
        return sentences
    return [f"{subject.capitalize()}: {s[0].lower()}{s[1:]}" for s in sentences]


def _plain_constraint_sentences(c: ir.Constraints) -> list[str]:
    prefix = ""
    out = []
    low = c.minimum if c.minimum is not None else c.exclusive_minimum
    high = c.maximum if c.maximum is not None else c.exclusive_maximum
    if c.minimum is not None and c.maximum is not None:
        out.append(f"{prefix}Between {_num(c.minimum)} and {_num(c.maximum)}.")
    else:
        if low is not None:
            out.append(f"{prefix}At least {_num(low)}." if c.minimum is not None else f"{prefix}Greater than {_num(low)}.")
        if high is not None:
            out.append(f"{prefix}At most {_num(high)}." if c.maximum is not None else f"{prefix}Less than {_num(high)}.")
    if c.min_length is not None:
        out.append(f"{prefix}At least {c.min_length} characters.")
    if c.max_length is not None:
        out.append(f"{prefix}At most {c.max_length} characters.")
    if c.pattern is not None:
        out.append(f"{prefix}Matches `{c.pattern}`.")
    if c.min_items is not None:
        out.append(f"{prefix}At least {c.min_items} items.")
    if c.max_items is not None:
        out.append(f"{prefix}At most {c.max_items} items.")
    if c.min_properties is not None:
        out.append(f"{prefix}At least {c.min_properties} keys.")
    if c.max_properties is not None:
        out.append(f"{prefix}At most {c.max_properties} keys.")
    return [s[0].upper() + s[1:] for s in out]


def default_note(default_json: str | None) -> str | None:
    if default_json is None:
        return None
    return f"Defaults to `{_plain(json.loads(default_json))}`."


def _plain(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
