"""OpenAPI → IR: the whole lowering stage, from a loaded document to a final ``ir.Api``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import ir
from generator.lower import pagination
from generator.lower import resources
from generator.lower import security
from generator.config import Target
from generator.diagnostics import Problem, Report, SpecError, escape_pointer_token
from generator.load.reader import Document, locate_all
from generator.lower.naming import NameTable, OperationIds, module_name, pascal, snake
from generator.lower.media import media_kind
from generator.lower.operations import HTTP_METHODS, OperationLowerer
from generator.load.refs import Resolver
from generator.lower.schemas import SchemaLowerer, _Def, child

_RESERVED_MODULES = frozenset({"__init__", "_runtime", "types", "resources"})


@dataclass(frozen=True)
class Lowered:
    api: ir.Api
    warnings: tuple[Problem, ...]
    resolver: Resolver


def lower(document: Document, target: Target, spec_path: Path | None = None) -> Lowered:
    report = Report(document.file)
    resolver = Resolver(document, spec_path, report, ref_roots=target.ref_roots, max_ref_size=target.max_ref_size)
    try:
        schemas = SchemaLowerer(resolver, report, NameTable())
        lowerer = OperationLowerer(schemas, report, target)
        operations = lowerer.lower_all()
        webhook_types = _webhook_types(document.raw, schemas, resolver)
    except RecursionError:
        raise SpecError([Problem(document.file, "", "schemas are nested too deeply to lower", line=1, column=1)]) from None
    except SpecError as exc:
        raise SpecError(_locate_elsewhere(report.problems + exc.problems, document, resolver)) from None
    raw_paths = document.raw.get("paths")
    resources.check_configuration(dict(target.method_names), dict(target.group_names), _operation_ids(raw_paths), report)
    if report.errors:
        # Warnings too: the run fails either way, and one run should say everything it found.
        raise SpecError(_locate_elsewhere(report.problems, document, resolver))
    types = _finish_types(schemas.defs.values(), operations, webhook_types)
    schemes, default_security, client_options = security.lower(document.raw, target, report)
    operations = security.apply(operations, lowerer.nodes, schemes, default_security, target, report)
    operations = pagination.apply(operations, types, lowerer.nodes, dict(target.pagination), report)
    if report.errors:
        raise SpecError(_locate_elsewhere(report.problems, document, resolver))
    # Resource modules import the types their methods use: a resource class must not take a type's name.
    type_names = frozenset(name for t in types for name in (t.name, t.param_name))
    tree = resources.build(
        operations,
        dict(target.method_names),
        _spec_paths(document.raw),
        type_names,
        types=types,
        group_names=dict(target.group_names),
        vendor=resources.vendor_names(raw_paths),
        report=report,
    )
    if report.errors:
        raise SpecError(_locate_elsewhere(report.problems, document, resolver))
    raw = document.raw
    info = _object(raw.get("info"))
    api = ir.Api(
        package=target.package,
        title=str(info.get("title") or target.package),
        version=target.version,
        description=info.get("description") if isinstance(info.get("description"), str) else None,
        base_url=_base_url(raw),
        base_url_env=target.base_url_env,
        default_headers=target.default_headers,
        resources=tree,
        types=types,
        array_format=target.array_format,
        object_format=target.object_format,
        security_schemes=schemes,
        security=default_security,
        client_options=client_options,
        idempotency_header=target.idempotency_header,
        anonymous_calls=security.anonymous_calls(default_security, operations),
    )
    return Lowered(api, tuple(_locate_elsewhere(report.warnings, document, resolver)), resolver)


def _locate_elsewhere(problems: list[Problem], document: Document, resolver: Resolver) -> list[Problem]:
    """Line numbers for problems in referenced files; the caller locates the ones in ``document``."""
    out = []
    for problem in problems:
        source = resolver.loaded(problem.file) if problem.file != document.file else None
        out.append(locate_all(source, [problem])[0] if source is not None else problem)
    return out


def _webhook_types(raw: dict[str, Any], schemas: SchemaLowerer, resolver: Resolver) -> list[ir.Type]:
    """The JSON payloads of OpenAPI 3.1 ``webhooks``: types to parse incoming events with, never methods."""
    webhooks = raw.get("webhooks")
    out: list[ir.Type] = []
    for name, item in webhooks.items() if isinstance(webhooks, dict) else ():
        item, item_at = resolver.follow(item, (resolver.root.file, "/webhooks/" + escape_pointer_token(str(name))))
        for method in HTTP_METHODS if isinstance(item, dict) else ():
            if not isinstance(item.get(method), dict) or "requestBody" not in item[method]:
                continue
            body, body_at = resolver.follow(item[method]["requestBody"], child(item_at, method, "requestBody"))
            content = body.get("content") if isinstance(body, dict) else None
            for media, media_node in content.items() if isinstance(content, dict) else ():
                if media_kind(str(media)) == "json" and isinstance(media_node, dict) and "schema" in media_node:
                    hint = pascal(str(name)) + "Webhook"
                    out.append(schemas.lower(media_node["schema"], child(body_at, "content", str(media), "schema"), hint))
                    break
    return out


def _object(value: Any) -> dict[Any, Any]:
    """``value`` if the spec has an object there, else an empty one (lowering reports the wrong kind)."""
    return value if isinstance(value, dict) else {}


def _spec_paths(raw: dict[str, Any]) -> dict[str, set[str]]:
    paths = _object(raw.get("paths"))
    return {str(p): {m for m in HTTP_METHODS if m in item} for p, item in paths.items() if isinstance(item, dict) and not str(p).startswith("x-")}


def _operation_ids(paths: Any) -> list[str]:
    """Every operationId of the spec, whichever operations this run generates, as lowering names them."""
    ids = OperationIds(_object(paths), HTTP_METHODS)
    return [
        ids.of(str(path), method, item[method])
        for path, item in _object(paths).items()
        if isinstance(item, dict) and not str(path).startswith("x-")
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    ]


def _base_url(raw: dict[str, Any]) -> str:
    servers = raw.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = str(servers[0].get("url", ""))
        variables = servers[0].get("variables") or {}
        for name, variable in variables.items() if isinstance(variables, dict) else ():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + str(name) + "}", str(variable["default"]))
        return url.rstrip("/")
    return ""


# --- named types: which side needs them, their param names and their modules -------------


def _edges(definition: _Def, side: str) -> list[str]:
    if definition.kind == "alias":
        return list(ir.names_in(definition.type))
    skip = "read_only" if side == "request" else "write_only"
    out = [n for f in definition.fields if not getattr(f, skip) for n in ir.names_in(f.type)]
    return out + list(ir.names_in(definition.extra))


def _reach(roots: list[str], edges: dict[str, list[str]], by_name: dict[str, _Def], side: str) -> set[str]:
    """Names reachable from ``roots`` on one side; ``edges`` keeps each name's edges for the module graph."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen or name not in by_name:
            continue
        seen.add(name)
        edges[name] = _edges(by_name[name], side)
        stack.extend(edges[name])
    return seen


def _finish_types(defs: Any, operations: list[ir.Operation], webhook_types: list[ir.Type] | None = None) -> tuple[ir.NamedDef, ...]:
    by_name: dict[str, _Def] = {d.name: d for d in defs}
    request_roots = [n for op in operations for p in op.parameters for n in ir.names_in(p.type)]
    response_roots = [n for op in operations for n in [*ir.names_in(op.response.type), *(ir.names_in(op.stream.item) if op.stream else ())]]
    response_roots += [n for op in operations for _, error in op.errors for n in ir.names_in(error)]
    # What the API sends to webhooks is parsed like a response.
    response_roots += [n for t in webhook_types or () for n in ir.names_in(t)]
    edges: dict[str, dict[str, list[str]]] = {"request": {}, "response": {}}
    in_request = _reach(request_roots, edges["request"], by_name, "request")
    in_response = _reach(response_roots, edges["response"], by_name, "response")

    # An alias that holds no model (an enum, a union of primitives) reads the same on both
    # sides and is shared; anything that reaches a model has a separate request variant.
    pure_memo: dict[str, bool] = {}

    def pure(name: str, stack: frozenset[str] = frozenset()) -> bool:
        if name not in pure_memo:
            definition = by_name[name]
            if definition.kind == "model":
                pure_memo[name] = False
            elif name in stack:
                return True
            else:
                pure_memo[name] = all(pure(n, stack | {name}) for n in ir.names_in(definition.type) if n in by_name)
        return pure_memo[name]

    class_names = NameTable(set(by_name))
    param_names = {}
    for name in sorted(in_request):
        param_names[name] = name if pure(name) else class_names.claim(name + "Param", sep="")

    # Nodes of the module graph: (side, name); a pure alias lives on the "shared" side.
    def node(side: str, name: str) -> tuple[str, str]:
        return ("shared", name) if pure(name) else (side, name)

    graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for side, names in (("response", in_response), ("request", in_request)):
        for name in sorted(names):
            key = node(side, name)
            graph[key] = sorted({node(side, n) for n in edges[side][name] if n in by_name})
    components = _strongly_connected(graph)

    modules = NameTable(_RESERVED_MODULES, fold_case=True)
    module_of: dict[tuple[str, str], str] = {}
    for component in sorted(components, key=lambda c: min(_display(k, param_names) for k in c)):
        first = min(component, key=lambda k: _display(k, param_names))
        module = modules.claim(module_name(snake(_display(first, param_names))))
        for key in component:
            module_of[key] = module

    result: list[ir.NamedDef] = []
    for component in components:  # dependencies before dependants
        for side, name in sorted(component, key=lambda k: _display(k, param_names)):
            result.append(_freeze(by_name[name], side, param_names, module_of, name in in_request, name in in_response))
    return tuple(result)


def _display(key: tuple[str, str], param_names: dict[str, str]) -> str:
    side, name = key
    return param_names[name] if side == "request" else name


def _freeze(definition: _Def, side: str, param_names: dict[str, str], module_of: dict[tuple[str, str], str], in_request: bool, in_response: bool) -> ir.NamedDef:
    name = definition.name
    param_name = param_names.get(name, name)
    response_module = module_of.get(("response", name)) or module_of.get(("shared", name), "")
    request_module = module_of.get(("request", name)) or module_of.get(("shared", name), "")
    common = dict(
        name=name,
        param_name=param_name,
        module=response_module,
        param_module=request_module,
        description=definition.description,
        in_request=in_request and side in {"request", "shared"},
        in_response=in_response and side in {"response", "shared"},
        pointer=definition.location[1],
    )
    if definition.kind == "model":
        return ir.Model(fields=definition.fields, extra=definition.extra, **common)  # type: ignore[arg-type]
    assert definition.type is not None
    return ir.Alias(type=definition.type, **common)  # type: ignore[arg-type]


def _strongly_connected(graph: dict[tuple[str, str], list[tuple[str, str]]]) -> list[list[tuple[str, str]]]:
    """Tarjan's algorithm, iteratively (specs nest deeper than Python's recursion limit).

    Components come out dependencies first, which is the order modules must define them in.
    """
    index: dict[tuple[str, str], int] = {}
    low: dict[tuple[str, str], int] = {}
    on_stack: set[tuple[str, str]] = set()
    stack: list[tuple[str, str]] = []
    components: list[list[tuple[str, str]]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            vertex, position = work.pop()
            if position == 0:
                index[vertex] = low[vertex] = counter
                counter += 1
                stack.append(vertex)
                on_stack.add(vertex)
            edges = graph.get(vertex, [])
            recurse = False
            for i in range(position, len(edges)):
                nxt = edges[i]
                if nxt not in graph:
                    continue
                if nxt not in index:
                    work.append((vertex, i + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[vertex] = min(low[vertex], index[nxt])
            if recurse:
                continue
            if low[vertex] == index[vertex]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == vertex:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[vertex])
    return components
