"""The try-it page: one self-contained HTML file, built from the IR alone.

The page carries the API as JSON data, never as code: a small index (resources and operations) that
is parsed at load, and one ``<script type="application/json">`` blob per operation and per named type,
parsed only when an operation is opened. Types arrive resolved (the IR's), so the browser looks names
up and never resolves a ``$ref``. Validation rules are the client's very rules (the runtime's
``check``), so the page, the gateway and the client report the same problems in the same words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from generator import escape, ir
from generator.client.typing_render import TypeWriter
from generator.docs import snippets as docs_snippets

PAGE_FILE = "tryit.html"


def templates_dir() -> Path:
    installed = Path(__file__).resolve().parent.parent / "templates" / "tryit"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent.parent / "templates" / "tryit"


def embed_json(value: object) -> str:
    """JSON that can stand inside a ``<script>`` element whatever its strings hold.

    ``ensure_ascii`` writes U+2028/U+2029 and every other non-ASCII character as ``\\uXXXX``; ``<``,
    ``>`` and ``&`` are escaped too, so no ``</script>``, ``<!--`` or ``]]>`` can appear in the text.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _constraints(c: ir.Constraints) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (
        ("minimum", c.minimum), ("maximum", c.maximum), ("exclusiveMinimum", c.exclusive_minimum),
        ("exclusiveMaximum", c.exclusive_maximum), ("multipleOf", c.multiple_of), ("minLength", c.min_length),
        ("maxLength", c.max_length), ("pattern", c.pattern), ("minItems", c.min_items), ("maxItems", c.max_items),
        ("minProperties", c.min_properties), ("maxProperties", c.max_properties),
    ):
        if value is not None:
            out[key] = value
    if c.unique_items:
        out["uniqueItems"] = True
    return out


def type_data(t: ir.Type) -> dict[str, Any]:
    """An IR type as the page reads it: ``k`` is its kind; named types stay names (``ref``)."""
    if isinstance(t, ir.Primitive):
        out: dict[str, Any] = {"k": t.kind}
        if t.format:
            out["format"] = t.format
        if not t.constraints.empty:
            out["c"] = _constraints(t.constraints)
        return out
    if isinstance(t, ir.ListType):
        out = {"k": "list", "item": type_data(t.item)}
        if not t.constraints.empty:
            out["c"] = _constraints(t.constraints)
        return out
    if isinstance(t, ir.MapType):
        out = {"k": "map", "value": type_data(t.value)}
        if not t.constraints.empty:
            out["c"] = _constraints(t.constraints)
        if not t.key_constraints.empty:
            out["kc"] = _constraints(t.key_constraints)
        return out
    if isinstance(t, ir.LiteralType):
        return {"k": "enum", "values": list(t.values)}
    if isinstance(t, ir.UnionType):
        out = {"k": "union", "variants": [type_data(v) for v in t.variants]}
        if t.discriminator:
            out["disc"] = t.discriminator
        return out
    if isinstance(t, ir.NullableType):
        return {"k": "nullable", "inner": type_data(t.inner)}
    return {"k": "ref", "name": t.name}


def _def_data(d: ir.NamedDef) -> dict[str, Any]:
    if isinstance(d, ir.Model):
        fields = []
        for f in d.fields:
            if f.read_only:
                continue  # never sent: not a form field
            entry: dict[str, Any] = {"wire": f.wire_name, "type": type_data(f.type), "required": f.required}
            if f.description:
                entry["doc"] = f.description
            if f.default is not None:
                entry["default"] = f.default
            fields.append(entry)
        return {"k": "model", "name": d.name, "doc": d.description, "fields": fields}
    return {"k": "alias", "name": d.name, "doc": d.description, "type": type_data(d.type)}


def _with_reprs(rule: Any) -> Any:
    """The rule, where a float bound reads differently in Python than in JavaScript (``2.0`` against
    ``2``), with the Python spelling beside it under ``$repr``: messages quote bounds as the client does."""
    if isinstance(rule, dict):
        out = {k: _with_reprs(v) for k, v in rule.items()}
        reprs = {k: repr(v) for k, v in rule.items() if isinstance(v, float) and v.is_integer()}
        if reprs:
            out["$repr"] = reprs
        return out
    if isinstance(rule, list):
        return [_with_reprs(v) for v in rule]
    return rule


def _resources(resources: tuple[ir.Resource, ...], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], ir.Operation]]:
    out = []
    for resource in resources:
        here = (*prefix, resource.name)
        for op in resource.operations:
            out.append((here, op))
        out.extend(_resources(resource.children, here))
    return out


def operations(api: ir.Api) -> list[tuple[tuple[str, ...], ir.Operation]]:
    """Every operation with its resource path (``("threads", "runs")``), in the client's order."""
    return _resources(api.resources)


def page_data(api: ir.Api) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """``(meta, operation blobs, type blobs)``: what the page embeds."""
    writer = TypeWriter(api)
    type_index: dict[str, int] = {}
    defs: list[dict[str, Any]] = []
    for d in api.types:
        if d.name not in type_index:
            type_index[d.name] = len(defs)
            defs.append(_def_data(d))
    index = []
    blobs = []
    call_paths = {id(op): path for path, op in docs_snippets.operations(api)}
    for number, (where, op) in enumerate(operations(api)):
        index.append({"id": op.operation_id, "res": ".".join(where), "m": op.method_name, "http": op.http_method.upper(), "path": op.path, "summary": op.summary or ""})
        params = []
        positional = {p.name for p in op.positional_path_parameters}
        for p in op.parameters:
            entry: dict[str, Any] = {"name": p.name, "wire": p.wire_name, "in": p.location, "required": p.required, "type": type_data(p.type)}
            if p.name in positional:
                entry["positional"] = True
            if p.description:
                entry["doc"] = p.description
            if p.default is not None:
                entry["default"] = p.default
            if p.deprecated:
                entry["deprecated"] = True
            if p.style is not None:
                entry["style"] = p.style
            if not p.explode:
                entry["explode"] = False
            rule = writer.rule(p.type)
            if rule:
                entry["rule"] = _with_reprs(rule)
            params.append(entry)
        blob: dict[str, Any] = {
            "id": op.operation_id, "n": number, "call": ".".join((*where, op.method_name)), "http": op.http_method.upper(),
            "path": op.path, "summary": op.summary, "doc": op.description, "params": params, "docs_url": op.docs_url,
            "deprecated": op.deprecated,
        }
        if op.body is not None:
            blob["body"] = {"kind": op.body.kind, "type": op.body.content_type, "required": op.body.required, "flattened": op.body.flattened, "param": op.body.param}
        if op.stream is not None:
            blob["stream"] = {"flag": op.stream.flag}
        blob["headers"] = [list(h) for h in op.fixed_headers]
        blob["snip"] = _snippet_facts(call_paths[id(op)], op)
        blobs.append(blob)
    meta = {
        "doc": f"{api.package}:{api.title}",
        "title": api.title,
        "version": api.version,
        "package": api.package,
        "base_url": api.base_url,
        "auth": _credential(api),
        "headers": [list(h) for h in api.default_headers],
        "types": type_index,
        "ops": index,
        "snip": _api_snippet_facts(api),
    }
    return meta, blobs, defs


# The page's snippets are the docs' snippets (generator/docs/snippets.py) written again in JavaScript,
# since they are rebuilt on every keystroke. Everything the docs renderer derives from the IR (the
# call path, the result's name, the environment variable, the credential's template) is computed here
# by the docs renderer's own functions, so the page only lays out the values the form holds.


def _api_snippet_facts(api: ir.Api) -> dict[str, Any]:
    credential = docs_snippets.auth(api)
    split = docs_snippets._credential(api)
    return {
        "package": api.package,
        "base_url": api.base_url,
        "key": docs_snippets.api_key_env(api),
        "cred": None if credential is None or split is None else {
            "in": credential.location, "name": credential.name, "argument": credential.argument,
            "before": split[0], "after": split[1],
        },
        "width": docs_snippets.WIDTH,
        "unsafe": [list(r) for r in escape.UNSAFE_RANGES],
    }


def _snippet_facts(path: tuple[str, ...], op: ir.Operation) -> dict[str, Any]:
    """``path``: the docs' call path of ``op`` (``snippets.operations``)."""
    ordered = [*op.positional_path_parameters, *op.keyword_path_parameters]
    ordered += [p for p in op.parameters if p.location != "path"]
    position = {id(p): i for i, p in enumerate(op.parameters)}
    facts: dict[str, Any] = {
        "target": ".".join(("client", *path[:-1])),
        "method": path[-1],
        "order": [position[id(p)] for p in ordered],  # indices into the blob's params
        "result": docs_snippets._result_name(op),
        "ts": docs_snippets._ts_name(op),
        "response": op.response.kind,
        "paginated": op.pagination is not None,
    }
    if op.stream is not None:
        facts["stream"] = {"flag": op.stream.flag, "envelope": bool(op.stream.envelope)}
    return facts


def _credential(api: ir.Api) -> dict[str, Any] | None:
    """The one credential the page asks for: the docs snippets' (the first key or token scheme of the API's
    default requirement)."""
    credential = docs_snippets.auth(api)
    if credential is None:
        return None
    return {"in": credential.location, "name": credential.name, "template": credential.template, "env": credential.env}


def render_page(api: ir.Api) -> str:
    """The page's HTML: deterministic, no request to any other origin, spec text only as JSON data."""
    meta, blobs, defs = page_data(api)
    folder = templates_dir()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True)
    env.filters["embed"] = lambda value: jinja2.utils.markupsafe.Markup(embed_json(value))
    template = env.get_template("page.html.jinja")
    return template.render(
        title=f"{api.title} {api.version}".strip(),
        meta=meta,
        operations=blobs,
        types=defs,
        script=jinja2.utils.markupsafe.Markup(_asset(folder / "tryit.js")),
        style=jinja2.utils.markupsafe.Markup(_asset(folder / "tryit.css")),
    )


def _asset(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{path.name} must not hold a closing script or style tag")
    return text
