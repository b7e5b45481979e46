"""Which operations are lists that page, and how: from ``[tool.generator.pagination]``, vendor extensions or the spec's shape.

Detection is deliberately narrow: a GET whose response object has exactly one
array property, recognisable paging fields and the request parameter that goes
with them. Anything else pages only when configured (or a vendor extension says so).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from generator import ir
from generator.diagnostics import Report

STYLES = ("cursor", "offset", "page", "next_url", "link_header", "token")
SETTINGS = ("style", "items", "param", "cursor", "has_more", "total", "item_id", "limit", "start")

_CURSOR_PARAMS = ("after", "starting_after", "cursor", "page_cursor")
_CURSOR_FIELDS = ("next_cursor", "nextCursor", "next_page_cursor")
_LAST_ID_FIELDS = ("last_id", "lastId")
_HAS_MORE = ("has_more", "hasMore", "has_next", "hasNext", "has_next_page", "hasNextPage")
_OFFSET_PARAMS = ("offset", "skip")
_PAGE_PARAMS = ("page", "page_number", "pageNumber")
_LIMIT_PARAMS = ("limit", "per_page", "perPage", "page_size", "pageSize", "size", "count", "top")
_TOTAL_ITEMS = ("total", "total_count", "totalCount", "total_results", "totalResults")
_TOTAL_PAGES = ("total_pages", "totalPages", "page_count", "pageCount", "num_pages")
_NEXT_URLS = ("next", "next_url", "nextUrl", "next_page_url", "nextPageUrl", "nextLink", "next_link")
_TOKENS = (
    ("next_token", "next_token"),
    ("nextToken", "nextToken"),
    ("NextToken", "NextToken"),
    ("next_page_token", "page_token"),
    ("nextPageToken", "pageToken"),
    ("next_page", "page"),
    ("nextPage", "page"),
)


def apply(
    operations: list[ir.Operation],
    types: tuple[ir.NamedDef, ...],
    nodes: Mapping[str, tuple[str, dict[str, Any]]],
    config: Mapping[str, Any],
    report: Report,
) -> list[ir.Operation]:
    """The operations, each list one with its ``pagination``.

    ``nodes``: operation id -> (pointer, raw operation object), for vendor extensions and response headers.
    ``config``: ``[tool.generator.pagination]``, operation id or glob -> settings table or ``false``.
    """
    models = {t.name: t for t in types if isinstance(t, ir.Model)}
    out = []
    for op in operations:
        at, node = nodes.get(op.operation_id, ("", {}))
        settings = _configured(config, op.operation_id)
        if isinstance(settings, tuple):
            settings = dict(settings)
        if settings is False:
            out.append(op)
            continue
        paging: ir.Pagination | None
        if isinstance(settings, Mapping):
            paging = _explicit(op, dict(settings), models, report, at, "[tool.generator.pagination]")
        else:
            extension = _extension(node)
            if extension is False:
                paging = None
            elif isinstance(extension, dict):
                paging = _explicit(op, extension, models, report, at, "the operation's pagination extension", lenient=True)
            else:
                paging = _detect(op, node, models)
        out.append(replace(op, pagination=paging) if paging is not None else op)
    known = {op.operation_id for op in operations}
    for key in sorted(config):
        globbed = any(c in key for c in "*?[")
        if (key not in known and not globbed) or (globbed and not fnmatch.filter(sorted(known), key)):
            report.warn("/paths", f"[tool.generator.pagination]: no operation {key!r}", "keys are operationIds, or globs of them")
    return out


def _configured(config: Mapping[str, Any], operation_id: str) -> Any:
    if operation_id in config:
        return config[operation_id]
    for pattern in sorted(config):
        if any(c in pattern for c in "*?[") and fnmatch.fnmatchcase(operation_id, pattern):
            return config[pattern]
    return None


# --- explicit descriptions: configuration and vendor extensions ------------------------


def _path(value: Any) -> tuple[str, ...]:
    """A path of wire names: a dotted string, a `$.a.b` / `$response.a.b` JSONPath, or a list."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    if not isinstance(value, str) or not value:
        return ()
    text = re.sub(r"^\$(response|request)?\.?", "", value)
    return tuple(part for part in text.split(".") if part)


def _extension(node: Mapping[str, Any]) -> dict[str, Any] | bool | None:
    """Our settings from `x-pagination`, `x-speakeasy-pagination`, `x-fern-pagination` or `x-ms-pageable`;
    False where an extension says the list comes in one page; None where none applies."""
    own = node.get("x-pagination")
    if isinstance(own, Mapping) and own.get("style") in STYLES:
        return {k: own[k] for k in SETTINGS if k in own}
    ms = node.get("x-ms-pageable")
    if isinstance(ms, Mapping):
        link = ms.get("nextLinkName", "nextLink")
        if not isinstance(link, str):
            return False  # nextLinkName: null means one page
        item = ms.get("itemName", "value")
        return {"style": "next_url", "items": [str(item)], "cursor": [link]}
    speakeasy = node.get("x-speakeasy-pagination")
    if isinstance(speakeasy, Mapping):
        return _speakeasy(speakeasy)
    fern = node.get("x-fern-pagination")
    if isinstance(fern, Mapping):
        return _fern(fern)
    return None


def _speakeasy(ext: Mapping[str, Any]) -> dict[str, Any] | None:
    inputs = [i for i in ext.get("inputs") or () if isinstance(i, Mapping)]
    raw_outputs = ext.get("outputs")
    outputs: Mapping[str, Any] = raw_outputs if isinstance(raw_outputs, Mapping) else {}
    by_type = {str(i.get("type")): str(i.get("name")) for i in inputs if i.get("in", "parameters") == "parameters"}
    settings: dict[str, Any] = {"items": _path(outputs.get("results"))}
    kind = ext.get("type")
    if kind == "offsetLimit":
        if "page" in by_type:
            settings.update(style="page", param=by_type["page"])
        elif "offset" in by_type:
            settings.update(style="offset", param=by_type["offset"])
        else:
            return None
        if "limit" in by_type:
            settings["limit"] = by_type["limit"]
        if outputs.get("numPages"):
            settings["total"] = _path(outputs["numPages"])
    elif kind == "cursor" and "cursor" in by_type:
        settings.update(style="cursor", param=by_type["cursor"], cursor=_path(outputs.get("nextCursor")))
    elif kind == "url" and outputs.get("nextUrl"):
        settings.update(style="next_url", cursor=_path(outputs["nextUrl"]))
    else:
        return None
    return settings


def _fern(ext: Mapping[str, Any]) -> dict[str, Any] | None:
    settings: dict[str, Any] = {"items": _path(ext.get("results"))}
    if ext.get("cursor") and ext.get("next_cursor"):
        settings.update(style="cursor", param=_path(ext["cursor"])[-1:][0], cursor=_path(ext["next_cursor"]))
    elif ext.get("offset"):
        param = _path(ext["offset"])[-1]
        settings.update(style="page" if "page" in param.lower() else "offset", param=param)
    elif ext.get("next_uri") or ext.get("next"):
        settings.update(style="next_url", cursor=_path(ext.get("next_uri") or ext.get("next")))
    else:
        return None
    if ext.get("has-next-page") or ext.get("has_next_page"):
        settings["has_more"] = _path(ext.get("has-next-page") or ext.get("has_next_page"))
    return settings


def _explicit(
    op: ir.Operation,
    settings: dict[str, Any],
    models: Mapping[str, ir.Model],
    report: Report,
    at: str,
    source: str,
    lenient: bool = False,
) -> ir.Pagination | None:
    """A pagination from settings, completed from what detection would find; reported when it cannot apply.

    ``lenient`` (the spec's own extension, not the configuration): what cannot apply is a warning, and the
    operation is generated as a plain call, returning its response as it is.
    """

    def fail(where: str, message: str, hint: str | None = None) -> None:
        if lenient:
            report.warn(where, message + "; generated without paging", hint)
        else:
            report.error(where, message, hint)
    detected = _detect(op, {}, models)
    style = settings.get("style", detected.style if detected else None)
    if style not in STYLES:
        fail(at, f"{source}: {op.operation_id}: `style` must be one of {', '.join(STYLES)}, not {style!r}")
        return None
    if op.response.kind != "json" or op.response.type is None:
        fail(at, f"{source}: {op.operation_id} has no JSON response to page through")
        return None
    items = _path(settings["items"]) if "items" in settings else (detected.items if detected else ("data",))
    item = _item_type(op.response.type, items, models)
    if item is None:
        where = ".".join(items) or "the response"
        fail(at, f"{source}: {op.operation_id}: {where!r} is not an array in the response", "set `items` to the response property that holds the list")
        return None
    query = {p.wire_name for p in op.parameters if p.location == "query"}
    base = detected if detected is not None and detected.style == style else None
    param = settings.get("param", base.param if base else None)
    if style in ("cursor", "offset", "page", "token") and not isinstance(param, str):
        fail(at, f"{source}: {op.operation_id}: the {style} style needs `param`, the query parameter that asks for the next page")
        return None
    if isinstance(param, str) and param not in query:
        report.warn(at, f"{source}: {op.operation_id}: {param!r} is not one of the operation's query parameters; it is sent anyway")
    limit = settings.get("limit", base.limit if base else None)
    start = settings.get("start", base.start if base else None)
    return ir.Pagination(
        style=style,
        item=item,
        items=items,
        param=param if isinstance(param, str) else None,
        cursor=_path(settings["cursor"]) if "cursor" in settings else (base.cursor if base else ()),
        has_more=_path(settings["has_more"]) if "has_more" in settings else (base.has_more if base else ()),
        total=_path(settings["total"]) if "total" in settings else (base.total if base else ()),
        item_id=str(settings.get("item_id", "id")),
        limit=limit if isinstance(limit, str) else None,
        start=start if isinstance(start, int) and not isinstance(start, bool) else None,
    )


# --- detection from the spec's shape ------------------------------------------------------


def _unwrap(t: ir.Type | None) -> ir.Type | None:
    while isinstance(t, ir.NullableType):
        t = t.inner
    return t


def _item_type(t: ir.Type, items: tuple[str, ...], models: Mapping[str, ir.Model]) -> ir.Type | None:
    current: ir.Type | None = t
    for name in items:
        current = _unwrap(current)
        model = models.get(current.name) if isinstance(current, ir.NamedType) else None
        field = next((f for f in model.fields if f.wire_name == name), None) if model else None
        if field is None:
            return None
        current = field.type
    current = _unwrap(current)
    return current.item if isinstance(current, ir.ListType) else None


def _first(names: tuple[str, ...], present: Any) -> str | None:
    return next((n for n in names if n in present), None)


def _detect(op: ir.Operation, node: Mapping[str, Any], models: Mapping[str, ir.Model]) -> ir.Pagination | None:
    if op.http_method != "get" or op.response.kind != "json" or op.stream is not None:
        return None
    query = {p.wire_name: p for p in op.parameters if p.location == "query"}
    response = _unwrap(op.response.type)
    if isinstance(response, ir.ListType):
        if _declares_link_header(node):
            return ir.Pagination("link_header", item=response.item, items=())
        return None
    model = models.get(response.name) if isinstance(response, ir.NamedType) else None
    if model is None:
        return None
    arrays = [f for f in model.fields if isinstance(_unwrap(f.type), ir.ListType)]
    if len(arrays) != 1:
        return None
    items_field = arrays[0]
    item = _unwrap(items_field.type)
    assert isinstance(item, ir.ListType)
    fields = {f.wire_name: f for f in model.fields}
    items = (items_field.wire_name,)
    has_more = _first(_HAS_MORE, fields)
    limit = _first(_LIMIT_PARAMS, query)
    common: dict[str, Any] = {"item": item.item, "items": items, "has_more": (has_more,) if has_more else ()}

    cursor_param = _first(_CURSOR_PARAMS, query)
    next_cursor = _first(_CURSOR_FIELDS, fields)
    last_id = _first(_LAST_ID_FIELDS, fields)
    if cursor_param and (has_more or next_cursor or last_id):
        if next_cursor:
            return ir.Pagination("cursor", param=cursor_param, cursor=(next_cursor,), **common)
        if _has_id(item.item, models) or not last_id:
            return ir.Pagination("cursor", param=cursor_param, **common)
        return ir.Pagination("cursor", param=cursor_param, cursor=(last_id,), **common)
    # A token the response names and the request sends back (`next_page` -> `page`: a cursor, not a number).
    for field_name, param in _TOKENS:
        wanted = field_name if field_name in query else param
        if field_name in fields and wanted in query and _is_str(fields[field_name].type) and _is_str(query[wanted].type):
            return ir.Pagination("token", param=wanted, cursor=(field_name,), **common)
    offset = _first(_OFFSET_PARAMS, query)
    if offset and limit:
        total = _first(_TOTAL_ITEMS, fields)
        return ir.Pagination("offset", param=offset, limit=limit, total=(total,) if total else (), **common)
    page = _first(_PAGE_PARAMS, query)
    if page and _is_int(query[page].type) and (limit or _first(_TOTAL_PAGES, fields) or has_more):
        total = _first(_TOTAL_PAGES, fields)
        return ir.Pagination("page", param=page, limit=limit, total=(total,) if total else (), **common)
    next_url = _first(_NEXT_URLS, fields)
    if next_url and _is_str(fields[next_url].type):
        return ir.Pagination("next_url", cursor=(next_url,), **common)
    links = fields.get("links") or fields.get("_links")
    links_model = _unwrap(links.type) if links else None
    if links and isinstance(links_model, ir.NamedType) and links_model.name in models:
        nested = {f.wire_name: f for f in models[links_model.name].fields}
        if "next" in nested and _is_str(nested["next"].type):
            return ir.Pagination("next_url", cursor=(links.wire_name, "next"), **common)
    if _declares_link_header(node):
        return ir.Pagination("link_header", **common)
    return None


def _has_id(t: ir.Type, models: Mapping[str, ir.Model]) -> bool:
    inner = _unwrap(t)
    model = models.get(inner.name) if isinstance(inner, ir.NamedType) else None
    return model is not None and any(f.wire_name == "id" for f in model.fields)


def _is_int(t: ir.Type) -> bool:
    inner = _unwrap(t)
    return isinstance(inner, ir.Primitive) and inner.kind == "int"


def _is_str(t: ir.Type) -> bool:
    inner = _unwrap(t)
    return isinstance(inner, ir.Primitive) and inner.kind == "str"


def _declares_link_header(node: Mapping[str, Any]) -> bool:
    responses = node.get("responses")
    if not isinstance(responses, Mapping):
        return False
    for code, response in responses.items():
        if str(code).startswith("2") and isinstance(response, Mapping):
            headers = response.get("headers")
            if isinstance(headers, Mapping) and any(str(name).lower() == "link" for name in headers):
                return True
    return False
