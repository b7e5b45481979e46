"""The client's attribute tree: which resource holds each operation, under which method name.

``/threads/{thread_id}/runs`` → ``client.threads.runs``. On a collection, GET is
``list`` and POST ``create``; on an item (the path ends in a parameter) GET is
``retrieve``, POST/PUT/PATCH ``update`` and DELETE ``delete``; a last segment that
follows an item and leads nowhere further (``.../runs/{run_id}/cancel``) is a verb.
Configuration can name any operation's place outright.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from . import ir
from .naming import NameTable, pascal, snake, words

_COLLECTION = {"get": "list", "post": "create", "put": "update", "patch": "update", "delete": "delete", "head": "head", "options": "options", "trace": "trace"}
_ITEM = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "delete", "head": "head", "options": "options", "trace": "trace"}
# Attributes of the generated clients and resources that a resource must not shadow.
_CLIENT_ATTRIBUTES = frozenset({"request", "close", "with_options", "base_url", "api_key", "timeout", "max_retries"})


@dataclass
class _Node:
    chain: tuple[str, ...]
    operations: list[ir.Operation] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


# First words that make a segment an action even when it ends in "s" (`submit_tool_outputs`).
_VERBS = frozenset({"add", "archive", "cancel", "check", "complete", "compute", "count", "create", "delete", "download", "get", "list", "remove", "run", "search", "send", "set", "start", "stop", "submit", "update", "upload", "validate"})


def _reads_as_verb(segment: str) -> bool:
    """``cancel``, ``content``, ``submit_tool_outputs`` act on an item; ``runs``, ``parts`` are collections of it."""
    parts = words(segment)
    if not parts:
        return False
    return parts[0] in _VERBS or not parts[-1].endswith("s")


def place(operation: ir.Operation, all_paths: dict[str, set[str]]) -> tuple[tuple[str, ...], str]:
    """The resource chain and method name an operation gets by the path conventions."""
    segments = _segments(operation.path)
    literals = [snake(s) for s in segments if not _is_param(s)]
    if not segments:
        return ("root",), snake(operation.operation_id)
    last = segments[-1]
    if _is_param(last):
        return tuple(literals) or ("root",), _ITEM[operation.http_method]
    follows_item = len(segments) > 1 and _is_param(segments[-2])
    prefix = operation.path.rstrip("/") + "/"
    leads_further = any(p.startswith(prefix) for p in all_paths)
    if follows_item and not leads_further and len(all_paths[operation.path]) == 1 and _reads_as_verb(last):
        return tuple(literals[:-1]) or ("root",), snake(last)
    return tuple(literals), _COLLECTION[operation.http_method]


# Decorators a resource class body uses: a child or method of that name would hide them from the rest of the body.
_CLASS_BODY_NAMES = frozenset({"property", "overload"})


def build(operations: list[ir.Operation], overrides: dict[str, str], spec_paths: dict[str, set[str]], type_names: frozenset[str] = frozenset()) -> tuple[ir.Resource, ...]:
    """The resource tree; ``spec_paths`` (every path of the spec with its methods) keeps placement
    the same whether or not ``--operation`` picked a subset."""
    all_paths: dict[str, set[str]] = defaultdict(set, spec_paths)
    for operation in operations:
        all_paths[operation.path].add(operation.http_method)
    placed: list[tuple[tuple[str, ...], str, ir.Operation]] = []
    for operation in operations:
        if operation.operation_id in overrides:
            *parts, method = (snake(part) for part in overrides[operation.operation_id].split("."))
            placed.append((tuple(parts) or ("root",), method, operation))
        else:
            placed.append((*place(operation, all_paths), operation))
    placed = _resolve_collisions(placed)

    root = _Node(())
    for chain, method, operation in placed:
        node = root
        for depth, name in enumerate(chain):
            node = node.children.setdefault(name, _Node(chain[: depth + 1]))
        node.operations.append(replace(operation, method_name=method))

    # `Foo` is taken by a type `Foo`, and also by `AsyncFoo` (the async class would collide).
    class_names = NameTable(type_names | {n[len("Async") :] for n in type_names if n.startswith("Async")}, fold_case=False)
    modules = NameTable(fold_case=True)
    return tuple(_freeze(name, node, class_names, modules) for name, node in _rename_children(root).children.items())


def _resolve_collisions(placed: list[tuple[tuple[str, ...], str, ir.Operation]]) -> list[tuple[tuple[str, ...], str, ir.Operation]]:
    """Two operations in one place: the one with more path parameters keeps the conventional name."""
    groups: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    for index, (chain, method, _) in enumerate(placed):
        groups[(chain, method)].append(index)
    result = list(placed)
    for indices in groups.values():
        if len(indices) < 2:
            continue
        depth = {i: len(placed[i][2].path_parameters) for i in indices}
        deepest = max(depth.values())
        keeper = [i for i in indices if depth[i] == deepest]
        for i in indices:
            if len(keeper) == 1 and i == keeper[0]:
                continue
            chain, _, operation = placed[i]
            result[i] = (chain, snake(operation.operation_id), operation)
    taken: dict[tuple[str, ...], NameTable] = defaultdict(lambda: NameTable(_CLASS_BODY_NAMES))
    return [(chain, taken[chain].claim(method), operation) for chain, method, operation in result]


def _rename_children(node: _Node) -> _Node:
    """A child resource must not hide a method of its parent, nor a client attribute at the top."""
    methods = {op.method_name for op in node.operations}
    taken = methods | _CLASS_BODY_NAMES | (_CLIENT_ATTRIBUTES if not node.chain else set())
    renamed = {}
    for name, sub in node.children.items():
        new = name
        while new in taken:
            new += "_"
        renamed[new] = _rename_children(sub)
    node.children = renamed
    return node


def _freeze(name: str, node: _Node, class_names: NameTable, modules: NameTable) -> ir.Resource:
    class_name = pascal(name)
    if class_name in class_names:
        class_name = pascal("_".join(node.chain))
    if class_name in class_names:
        class_name = pascal(name) + "Resource"
    class_name = class_names.claim(class_name, sep="")
    module = modules.claim("_".join(node.chain))
    return ir.Resource(
        name=name,
        class_name=class_name,
        module=module,
        operations=tuple(node.operations),
        children=tuple(_freeze(child_name, child, class_names, modules) for child_name, child in node.children.items()),
    )
