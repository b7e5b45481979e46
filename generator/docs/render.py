"""The reference pages' model → Markdown files, through ``templates/docs/`` (one template per kind of page).

Every string from the spec reaches a page through ``markdown.py``; the templates only place cells the
filters here made. Paths of pages are built from final Python names (identifiers), never from spec text.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import posixpath
import re
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from generator import escape, ir
from generator.docs import markdown as md
from generator.docs import snippets
from generator.docs.examples import Variant
from generator.docs.reference import Definitions, Event, OperationPage, Row, TypePage, operation_pages, type_pages, type_path, unwrap


@dataclass(frozen=True)
class DocsOptions:
    source: str  # the spec's file name, for the pages' header comment
    docs_base_url: str | None = None


def templates_dir() -> Path:
    local = Path(__file__).resolve().parent.parent.parent / "templates" / "docs"
    if local.is_dir():
        return local
    return Path(str(importlib_resources.files("generator.templates"))) / "docs"


_PRIMITIVES = {"str": "String", "int": "Integer", "float": "Number", "bool": "Boolean", "bytes": "File", "any": "Any", "none": "Null"}


def _literal_kind(values: tuple[object, ...]) -> str:
    kinds = []
    for v in values:
        kind = "Null" if v is None else "Boolean" if isinstance(v, bool) else "Integer" if isinstance(v, int) else "Number" if isinstance(v, float) else "String"
        if kind not in kinds:
            kinds.append(kind)
    return " or ".join(kinds) or "Any"


def _kind(t: ir.Type) -> str:
    """The first word of a type, without looking inside it (an alias may hold itself)."""
    if isinstance(t, ir.Primitive):
        return _PRIMITIVES[t.kind]
    if isinstance(t, ir.LiteralType):
        return _literal_kind(t.values)
    if isinstance(t, ir.ListType):
        return "Array"
    if isinstance(t, ir.UnionType):
        return "One of"
    return "Object"


class Pages:
    def __init__(self, api: ir.Api, options: DocsOptions):
        self.api = api
        self.options = options
        self.defs = Definitions(api)
        self.here = ""  # the page being written: links are relative to it
        self._links: dict[tuple[str, str], str] = {}
        self._types: dict[tuple[ir.Type, str, bool, str], str] = {}

    # --- cells ----------------------------------------------------------------------------

    def link(self, name: str) -> str:
        folder = posixpath.dirname(self.here)
        key = (folder, name)
        found = self._links.get(key)
        if found is None:
            target = posixpath.relpath(type_path(name), folder or ".")
            found = self._links[key] = f"[{md.anchor_text(name)}]({target})"
        return found

    def type_text(self, t: ir.Type, side: str, links: bool = True) -> str:
        """A type in words: ``String``, ``Array of Object ([Name](…))``, ``One of: String, Array``, ``… or null``."""
        key = (t, side, links, posixpath.dirname(self.here))
        found = self._types.get(key)
        if found is None:
            found = self._types[key] = self._type_text(t, side, links)
        return found

    def _type_text(self, t: ir.Type, side: str, links: bool) -> str:
        if isinstance(t, ir.NullableType):
            return self.type_text(t.inner, side, links) + " or null"
        if isinstance(t, ir.Primitive):
            word = _PRIMITIVES[t.kind]
            return f"{word} ({md.inline(t.format)})" if t.format and t.kind != "bytes" else word
        if isinstance(t, ir.ListType):
            return "Array of " + self.type_text(t.item, side, links)
        if isinstance(t, ir.MapType):
            return "Object (map of " + self.type_text(t.value, side, links) + ")"
        if isinstance(t, ir.LiteralType):
            return _literal_kind(t.values)
        if isinstance(t, ir.UnionType):
            parts = list(dict.fromkeys(self.type_text(v, side, links) for v in t.variants))
            nullable = "Null" in parts
            parts = [p for p in parts if p != "Null"]
            text = parts[0] if len(parts) == 1 else "One of: " + ", ".join(parts)
            return text + (" or null" if nullable else "")
        d = self.defs.get(t.name, side)
        named = self.link(t.name) if links and d is not None else md.anchor_text(t.name)
        if isinstance(d, ir.Alias):
            core, nullable, _ = unwrap(d.type, self.defs, side)
            return f"{_kind(core)} ({named})" + (" or null" if nullable else "")
        return f"Object ({named})"

    def value(self, v: object) -> str:
        return md.code(json.dumps(v, ensure_ascii=False), in_table=True)

    def default(self, text: str | None) -> str:
        if text is None:
            return ""
        try:
            shown = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            shown = text
        return md.code(shown, in_table=True)

    def name_cell(self, row: Row) -> str:
        name = md.code(row.name, in_table=True) if row.name else "(the whole value)"
        if row.name == "[]":
            name = "(the whole value)"
        if row.variant is None:
            return name
        kind, *rest = row.variant
        if kind == "tag":
            label = f"when {md.code(rest[0], in_table=True)} is {md.code(rest[1], in_table=True)}"
        elif kind == "type":
            label = f"when it is {md.anchor_text(rest[0])}"
        elif kind == "array":
            label = "when it is an array"
        elif kind == "object":
            label = "when it is an object"
        else:
            label = f"variant {rest[0]}"
        return f"{name} *{label}*"

    def required_cell(self, row: Row) -> str:
        return "" if row.required is None else "Yes" if row.required else "No"

    def default_cell(self, row: Row) -> str:
        shown = self.default(row.default)
        if shown and row.sent:
            return shown + " (sent by the client)"
        return shown

    def description_cell(self, row: Row, side: str) -> str:
        parts: list[str] = []
        if row.python:
            parts.append(f"Python: {md.code(row.python, in_table=True)}.")
        if row.deprecated:
            parts.append("**Deprecated.**")
        if row.read_only:
            parts.append("Read-only.")
        if row.write_only:
            parts.append("Write-only.")
        text = md.cell(row.description, self.options.docs_base_url)
        if text:
            parts.append(text)
        if row.values:
            if row.item_values:
                head = "Possible values of each item"
            elif row.other_values == "any":
                head = "Known values (or any other)"
            elif row.other_values == "objects":
                head = "Or one of the values" if len(row.values) > 1 else "Or the value"
            else:
                head = "Possible values" if len(row.values) > 1 else "Value"
            parts.append(f"{head}: " + ", ".join(self.value(v) for v in row.values) + ".")
        if row.constraints:
            parts.append(". ".join(md.cell(c) for c in row.constraints) + ".")
        if row.see:
            if row.cut == "recursive":
                parts.append(f"Recursive: its fields are on the page of {self.link(row.see)}.")
            else:
                parts.append(f"Its fields: see {self.link(row.see)}.")
        return "<br><br>".join(parts)

    def row_cells(self, row: Row, side: str) -> tuple[str, str, str, str, str]:
        return (self.name_cell(row), self.type_text(row.type, side), self.required_cell(row), self.default_cell(row), self.description_cell(row, side))

    def event_cells(self, event: Event) -> tuple[str, str, str]:
        name = md.code(event.name, in_table=True) if event.name is not None else ""
        return (name, self.type_text(event.data, "response"), md.cell(event.description, self.options.docs_base_url))

    # --- pages ----------------------------------------------------------------------------

    @functools.cached_property
    def env(self) -> Any:
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir())),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        env.filters.update(
            prose=lambda text: md.prose(text, self.options.docs_base_url),
            inline=md.inline,
            code=md.code,
            fence=md.fence,
            url=md.url,
            cell=lambda text: md.cell(text, self.options.docs_base_url),
            link=self.link,
            first_line=_first_sentence,
        )
        env.globals.update(api=self.api, pages=self, header=_header(self.options.source))
        return env

    def _render(self, template: str, path: str, **context: Any) -> str:
        self.here = path
        text = self.env.get_template(template).render(path=path, **context)
        return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"

    def render(self) -> dict[str, str]:
        ops = operation_pages(self.api, self.defs)
        types = type_pages(self.api, self.defs)
        files: dict[str, str] = {}
        for page in ops:
            page = dataclasses.replace(page, snippets=examples_of(self.api, page.operation))
            files[page.path] = self._render("operation.md.jinja", page.path, page=page)
        for tpage in types:
            files[tpage.path] = self._render("type.md.jinja", tpage.path, page=tpage)
        groups: dict[tuple[str, ...], list[OperationPage]] = {}
        for page in ops:
            groups.setdefault(page.resource, []).append(page)
        files["README.md"] = self._render("index.md.jinja", "README.md", groups=list(groups.items()), types=types)
        return dict(sorted(files.items()))

    def relative(self, path: str) -> str:
        return posixpath.relpath(path, posixpath.dirname(self.here) or ".")

    def alias_text(self, page: TypePage) -> str:
        assert page.alias is not None
        return self.type_text(page.alias, "response")

    def alias_variants(self, page: TypePage) -> list[str]:
        """The members of an alias of a union, each with its link: what the alias page lists."""
        assert page.alias is not None
        core, _, _ = unwrap(page.alias, self.defs, "response")
        if not isinstance(core, ir.UnionType):
            return []
        return [self.type_text(v, "response") for v in core.variants]

    def alias_values(self, page: TypePage) -> str:
        assert page.alias is not None
        core, _, _ = unwrap(page.alias, self.defs, "response")
        if isinstance(core, ir.LiteralType):
            return ", ".join(md.code(json.dumps(v, ensure_ascii=False)) for v in core.values)
        return ""


_TITLES: dict[tuple[snippets.Language, Variant], str] = {
    ("python", "minimal"): "Python, the required arguments",
    ("python", "full"): "Python, with the spec's defaults spelled out",
    ("curl", "minimal"): "curl",
    ("typescript", "minimal"): "TypeScript (fetch)",
}


def examples_of(api: ir.Api, operation: ir.Operation) -> tuple[tuple[str, str, str], ...]:
    """The page's examples: the proven snippets of generator/docs/snippets.py (the same renderer the
    package's README and the tests use), Python in both variants, curl and TypeScript for the minimal one."""
    made = snippets.snippets(api, operation)
    shown = []
    for (language, variant), title in _TITLES.items():
        code = made[(language, variant)]
        if variant == "full" and code == made[(language, "minimal")]:
            continue  # no defaults to spell out: the full snippet would repeat the minimal one
        shown.append((title, {"curl": "sh"}.get(language, language), code))
    return tuple(shown)


def _first_sentence(text: str | None) -> str:
    if not text:
        return ""
    first = text.strip().split("\n\n", 1)[0]
    found = re.match(r"(.+?[.!?])(\s|$)", first, re.DOTALL)
    return md.cell(found.group(1) if found else first)


def _header(source: str) -> str:
    name = escape.comment(source).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-", "&#45;")
    return f"<!-- Generated by the OpenAPI client generator from {name}. Do not edit by hand. -->"


def render(api: ir.Api, options: DocsOptions) -> dict[str, str]:
    """Every page of the reference of ``api``: path (relative to the docs folder) → Markdown."""
    return Pages(api, options).render()
