"""The client's attribute tree: which resource holds each operation, under which method name.

A path is read the way a developer reads it (the README's "How things are named" says the same):

- What is not a name is set aside: a query string written into the path key (``/responses?beta=true``; the
  request still sends it), a file extension (``{Sid}.json``, ``posts.json``), a version segment that is the
  only version at its place in the spec (``/v1``, ``/2010-04-01``, ``/apis/apps/v1``), and a leading
  ``api``/``apis``/``rest``.
- The literal segments left are the resource chain: ``/threads/{thread_id}/runs`` → ``client.threads.runs``.
  A verb is never a resource: ``/admin/users/list/{flag}`` is ``admin.users.list``, ``/apps/secrets/delete``
  is ``apps.secrets.delete``.
- On an item (the path ends in a parameter) GET is ``retrieve``, POST/PUT/PATCH ``update``, DELETE
  ``delete``. On a collection GET is ``list`` and POST ``create``; a singleton (no item below it, and a GET
  answering an object that is not a page of items, or a singular word: ``/me``, ``/account``) has
  ``retrieve`` and ``update``.
- A last segment that leads nowhere further, has one method and reads as an action (it follows an item and
  is no plural, or it starts with a verb: ``.../runs/{run_id}/cancel``, ``/customers/search``) is a method,
  unless it is a GET answering a page or a DELETE of a noun.
- Two operations on one name: PUT beside PATCH is ``replace``; a collection's beside its item's is
  ``<method>_all``; else the name goes to one the spec or configuration named, then one without a fixed
  query, then one whose path does not end in two parameters, then the one with more path parameters; the
  others are named by their operationId with the resource's words removed. Chains deeper than four
  resources join their tail into the fourth.

The spec names places outright with ``x-speakeasy-group``/``x-speakeasy-name-override`` and
``x-fern-sdk-group-name``/``x-fern-sdk-method-name``; the configuration with ``method_names`` (one
operation) and ``group_names`` (a resource and everything under it), which win over everything else.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator import ir
from generator.diagnostics import Report
from generator.lower.naming import NameTable, module_name, pascal, snake, words

_COLLECTION = {"get": "list", "post": "create", "put": "update", "patch": "update", "delete": "delete", "head": "head", "options": "options", "trace": "trace"}
_ITEM = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "delete", "head": "head", "options": "options", "trace": "trace"}
_SINGLETON = {**_COLLECTION, "get": "retrieve", "post": "update"}
# Attributes of the generated clients and resources that a resource must not shadow.
_CLIENT_ATTRIBUTES = frozenset({"request", "close", "with_options", "base_url", "api_key", "timeout", "max_retries"})
_RESOURCE_ATTRIBUTES = frozenset({"with_raw_response", "with_streaming_response"})
# File extensions written into path segments: `/posts/{id}.json` names `posts`, item `id`.
# A format chosen by a parameter (`/phrases.{content_type}`) is one too; the parameter stays an argument.
_EXTENSION = re.compile(r"\.(json|xml|yaml|yml|csv|txt|html?|pdf|zip|atom|rss|\{[^{}]+\})$", re.IGNORECASE)
# `v1`, `v2beta1`, `v1.1`, `2010-04-01`, `1.0`.
_VERSION = re.compile(r"^(v\d+(\.\d+)*([a-z]+\d*)?|\d{4}-\d{2}-\d{2}|\d+(\.\d+)+)$", re.IGNORECASE)
_BASE_WORDS = frozenset({"api", "apis", "rest"})
# Verbs that are never a resource: a segment that is one of them names the method.
_CRUD_VERBS = frozenset({"list", "get", "create", "delete", "update", "patch", "remove", "add", "set", "fetch", "retrieve", "edit", "destroy", "modify"})
# First words that make a last segment an action (`submit_tool_outputs`, `search`, `cancel`).
_VERBS = _CRUD_VERBS | frozenset(
    "accept activate approve archive assign attach block cancel capture check claim clone close compact complete compute "
    "confirm copy count deactivate deny detach disable dismiss download enable evaluate execute expire export finalize "
    "find follow generate grant hangup import invoke join leave lock mark merge move mute pause pay pin preview publish "
    "refer refresh refund reject release rename reopen reset restart restore resume retry revoke rotate run search send "
    "share start stop submit subscribe sync test transfer trigger unarchive unassign unblock unfollow unlock unmute "
    "unpin unpublish unsubscribe upload validate verify void advance decline deliver fail fund increment present "
    "reply report request resolve respond return reverse settle ship succeed".split()
)
# Words that cannot end or start a method name made from an operationId (`create_thread_and_run`).
_FUNCTION_WORDS = frozenset({"and", "or", "by", "for", "from", "to", "of", "with", "in", "on", "at", "the", "a", "an"})
# Array properties that make an object a page of items (`{"data": [...], "has_more": ...}`).
# ... or an object with an array and a pager's fields (`{"calls": [...], "next_page_uri": ...}`).
# Only fields that say "there is more": `total`, `count` or `links` are amounts and links of anything.
_PAGING = frozenset({"next", "next_page", "next_page_uri", "next_page_url", "next_cursor", "next_token", "next_page_token", "has_more", "page_size", "per_page", "total_count"})
_PAGE_FIELDS = frozenset({"data", "items", "results", "records", "entries", "values", "elements", "objects", "list", "nodes", "edges", "rows", "hits"})


@dataclass
class _Node:
    chain: tuple[str, ...]
    operations: list[ir.Operation] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


@dataclass(frozen=True)
class _Path:
    """A path key as names see it: the segments that name something, parameters as ``None``."""

    segments: tuple[str | None, ...]
    query: str

    @property
    def literals(self) -> tuple[str, ...]:
        return tuple(s for s in self.segments if s is not None)


def _raw_segments(path: str) -> list[str]:
    template = path.partition("?")[0]
    found: list[str] = []
    for s in template.split("/"):
        s = _EXTENSION.sub("", s)
        keyed = _KEYED.match(s)
        found += [keyed.group(1), keyed.group(2)] if keyed else [s] if s else []
    return found


# A segment that names its parameter (`/entries/{word}/regions={region}`): read as `regions/{region}`.
_KEYED = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)=(\{[^{}]+\})$")


def _key(path: str) -> str:
    """A path without its query and file extensions: `/a/{b}.json?x=1` → `/a/{b}`."""
    return "/".join(_EXTENSION.sub("", part) for part in path.partition("?")[0].rstrip("/").split("/"))


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


class _Reader:
    """Reads every path of the spec once; placing an operation then costs its own path's length."""

    def __init__(self, spec_paths: Mapping[str, Iterable[str]]):
        self.methods: dict[str, set[str]] = defaultdict(set)
        # Every proper prefix (`a/b/`) of a path: "leads further" is one lookup, not a scan of every path.
        self.prefixes: set[str] = set()
        # Paths with an item below them (`/pods` beside `/pods/{name}`): collections, never singletons.
        self.item_parents: set[str] = set()
        versions: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for path, methods in spec_paths.items():
            self.add(path, methods)
            raw = _raw_segments(path)
            for i, segment in enumerate(raw):
                if _VERSION.match(segment):
                    versions[tuple(_is_param(s) and "{}" or s.lower() for s in raw[:i])].add(segment.lower())
        # A version is a name only where the spec has two at one place (`autoscaling/v1`, `autoscaling/v2`).
        self.several_versions = frozenset(prefix for prefix, found in versions.items() if len(found) > 1)
        self._read: dict[str, _Path] = {}

    def add(self, path: str, methods: Iterable[str]) -> None:
        self.methods[path].update(methods)
        parts = _key(path).split("/")
        for i in range(1, len(parts)):
            self.prefixes.add("/".join(parts[:i]) + "/")
        if len(parts) > 1 and _is_param(parts[-1]):
            self.item_parents.add("/".join(parts[:-1]))

    def leads_further(self, path: str) -> bool:
        return _key(path) + "/" in self.prefixes

    def read(self, path: str) -> _Path:
        if path not in self._read:
            raw = _raw_segments(path)
            kept: list[str | None] = []
            for i, segment in enumerate(raw):
                if _is_param(segment):
                    kept.append(None)
                elif _VERSION.match(segment) and tuple(_is_param(s) and "{}" or s.lower() for s in raw[:i]) not in self.several_versions:
                    continue
                else:
                    kept.append(segment)
            while len(kept) > 1 and kept[0] is not None and kept[0].lower() in _BASE_WORDS:
                kept.pop(0)
            self._read[path] = _Path(tuple(kept), path.partition("?")[2])
        return self._read[path]


class _Shapes:
    """What a GET answers: a page of items, or one object."""

    def __init__(self, types: Iterable[ir.NamedDef]):
        self.by_name = {t.name: t for t in types}

    def _resolve(self, t: ir.Type | None) -> ir.Type | ir.NamedDef | None:
        seen: set[str] = set()
        while True:
            while isinstance(t, ir.NullableType):
                t = t.inner
            if not isinstance(t, ir.NamedType) or t.name in seen or t.name not in self.by_name:
                return t
            seen.add(t.name)
            definition = self.by_name[t.name]
            if isinstance(definition, ir.Alias):
                t = definition.type
                continue
            return definition

    def kind(self, operation: ir.Operation, last_word: str) -> str:
        """``page`` (an array, a map, or an object with an array of items), ``object`` or ``unknown``."""
        target = self._resolve(operation.response.type) if operation.response.kind == "json" else None
        if isinstance(target, (ir.ListType, ir.MapType)):
            return "page"
        if isinstance(target, ir.Model):
            arrays = [f for f in target.fields if isinstance(self._resolve(f.type), ir.ListType)]
            if any(f.wire_name.lower() in _PAGE_FIELDS or snake(f.wire_name).endswith(last_word) for f in arrays):
                return "page"
            if arrays and any(snake(f.wire_name) in _PAGING for f in target.fields):
                return "page"
            return "object"
        return "unknown"


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _reads_as_verb(segment: str) -> bool:
    """``cancel``, ``content``, ``submit_tool_outputs`` act on an item; ``runs``, ``parts`` are collections of it."""
    parts = words(segment)
    if not parts:
        return False
    return parts[0] in _VERBS or not _plural(parts[-1])


class _Placer:
    def __init__(self, reader: _Reader, shapes: _Shapes, operations: list[ir.Operation]):
        self.reader = reader
        self.shapes = shapes
        self.gets = {op.path: op for op in operations if op.http_method == "get"}

    def singleton(self, path: str, last: str) -> bool:
        """A literal-ended path that holds one thing: a singular word, or an object that is no page."""
        if _key(path) in self.reader.item_parents:
            return False
        get = self.gets.get(path)
        shape = self.shapes.kind(get, snake(last)) if get is not None else "unknown"
        if shape == "page" or (get is not None and (words(get.operation_id) or [""])[0] == "list"):
            return False
        last_word = (words(last) or [""])[-1]
        return shape == "object" or (get is not None and not _plural(last_word))

    def place(self, operation: ir.Operation) -> tuple[tuple[str, ...], str]:
        """The resource chain and method name an operation gets by the path conventions."""
        read = self.reader.read(operation.path)
        segments = read.segments
        verb_at = next((i for i in range(len(segments) - 1, -1, -1) if segments[i] is not None and snake(segments[i]).rstrip("_") in _CRUD_VERBS), None)  # type: ignore[arg-type]
        if verb_at is not None and all(s is None for s in segments[verb_at + 1 :]) and len(read.literals) > 1:
            # `/apps/secrets/delete`, `/admin/users/list/{flag}`: the verb names the method, never a resource.
            chain = tuple(snake(s) for s in segments[:verb_at] if s is not None and snake(s).rstrip("_") not in _CRUD_VERBS)
            return chain or ("root",), snake(segments[verb_at])  # type: ignore[arg-type]
        literals = tuple(snake(s) for s in read.literals if snake(s).rstrip("_") not in _CRUD_VERBS) or tuple(snake(s) for s in read.literals)
        if not segments:
            return ("root",), snake(operation.operation_id)
        if segments[-1] is None:
            return literals or ("root",), _ITEM[operation.http_method]
        last = segments[-1]
        alone = len(self.reader.methods[operation.path]) == 1 and not self.reader.leads_further(operation.path)
        follows_item = len(segments) > 1 and segments[-2] is None
        last_words = words(last) or [""]
        starts_with_verb = last_words[0] in _VERBS and (len(last_words) == 1 or not _plural(last_words[-1]))
        # A GET that answers a page of items is a collection, whatever its word (`/AvailablePhoneNumbers/{c}/Local`).
        page = operation.http_method == "get" and self.shapes.kind(operation, snake(last)) == "page" and not starts_with_verb
        # DELETE of a thing below an item is that thing's `delete` (`/subscriptions/{id}/discount`).
        noun_delete = operation.http_method == "delete" and not starts_with_verb
        if alone and not page and not noun_delete and len(literals) > 1 and ((follows_item and _reads_as_verb(last)) or starts_with_verb):
            return literals[:-1], snake(last)
        if not literals:
            return ("root",), snake(operation.operation_id)
        if operation.http_method in {"get", "post"} and self.singleton(operation.path, last):
            return literals, _SINGLETON[operation.http_method]
        return literals, _COLLECTION[operation.http_method]


def vendor_names(paths: Any) -> dict[tuple[str, str], tuple[tuple[str, ...] | None, str | None]]:
    """``(path, method)`` → (group, method name) from the spec's Speakeasy and Fern extensions."""
    out: dict[tuple[str, str], tuple[tuple[str, ...] | None, str | None]] = {}
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for method, node in item.items() if isinstance(item, dict) else ():
            if not isinstance(node, dict):
                continue
            group = node.get("x-speakeasy-group", node.get("x-fern-sdk-group-name"))
            if isinstance(group, str):
                group = group.split(".")
            chain = tuple(snake(part) for part in group if isinstance(part, str) and part.strip()) if isinstance(group, list) else ()
            name = node.get("x-speakeasy-name-override", node.get("x-fern-sdk-method-name"))
            name = snake(name) if isinstance(name, str) and name.strip() else None
            if chain or name:
                out[(str(path), str(method))] = (chain or None, name)
    return out


def check_configuration(method_names: Mapping[str, str], group_names: Mapping[str, str], operation_ids: Iterable[str], report: Report) -> None:
    """``method_names`` must name operations that exist, each on a call of its own; ``group_names`` keys
    are dotted resources or path prefixes, values dotted resources."""
    known = set(operation_ids)
    for operation_id in sorted(method_names):
        if operation_id not in known:
            close = sorted(known, key=lambda k: (_distance(k.lower(), operation_id.lower()), k))[:1]
            hint = f"did you mean {close[0]!r}?" if close and _distance(close[0].lower(), operation_id.lower()) <= max(2, len(operation_id) // 4) else "run `python -m generator names SPEC` to see every operationId"
            report.error("/paths", f"`method_names` in [tool.generator] names operationId {operation_id!r}, which no operation has", hint)
    by_name: dict[str, list[str]] = defaultdict(list)
    for operation_id, dotted in sorted(method_names.items()):
        parts = [snake(p) for p in dotted.split(".") if p.strip()]
        if not parts:
            report.error("/paths", f"`method_names` in [tool.generator] gives {operation_id!r} an empty name", "write it as `resource.sub.method`")
            continue
        by_name[".".join(parts)].append(operation_id)
    for dotted, ids in sorted(by_name.items()):
        if len(ids) > 1:
            report.error("/paths", f"`method_names` in [tool.generator] maps {' and '.join(map(repr, ids))} to one name, {dotted!r}", "give each operation a name of its own")
    for key, value in sorted(group_names.items()):
        if not [p for p in value.split(".") if p.strip()] or not key.strip():
            report.error("/paths", f"`group_names` in [tool.generator]: {key!r} = {value!r} needs a resource on both sides", 'e.g. "/responses?beta=true" = "beta.responses" or "threads" = "beta.threads"')


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


class _Groups:
    """``group_names``: a dotted resource, or a path prefix (with its fixed query, if any), renamed."""

    def __init__(self, group_names: Mapping[str, str], reader: _Reader):
        self.by_chain: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.by_path: list[tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]] = []
        self.used: set[str] = set()
        self.keys: dict[object, str] = {}
        for key, value in group_names.items():
            new = tuple(snake(p) for p in value.split(".") if p.strip())
            if key.startswith("/"):
                template, _, query = key.partition("?")
                raw = tuple("{}" if _is_param(s) else s for s in _raw_segments(template))
                read = reader.read(key)
                prefix_chain = tuple(snake(s) for s in read.literals)
                self.by_path.append((raw, query, prefix_chain, new))
                self.keys[(raw, query)] = key
            else:
                chain = tuple(snake(p) for p in key.split(".") if p.strip())
                self.by_chain[chain] = new
                self.keys[chain] = key
        self.by_path.sort(key=lambda entry: -len(entry[0]))

    def apply(self, operation: ir.Operation, chain: tuple[str, ...]) -> tuple[str, ...]:
        template, _, query = operation.path.partition("?")
        raw = tuple("{}" if _is_param(s) else s for s in _raw_segments(template))
        for prefix, key_query, prefix_chain, new in self.by_path:
            if raw[: len(prefix)] == prefix and (not key_query or key_query == query):
                self.used.add(self.keys[(prefix, key_query)])
                rest = chain[len(prefix_chain) :] if chain[: len(prefix_chain)] == prefix_chain else chain
                return new + rest
        for depth in range(len(chain), 0, -1):
            if chain[:depth] in self.by_chain:
                self.used.add(self.keys[chain[:depth]])
                return self.by_chain[chain[:depth]] + chain[depth:]
        return chain

    def unused(self) -> list[str]:
        return sorted(set(self.keys.values()) - self.used)


# Decorators a resource class body uses: a child or method of that name would hide them from the rest of the body.
_CLASS_BODY_NAMES = frozenset({"property", "overload"})


def build(
    operations: list[ir.Operation],
    overrides: dict[str, str],
    spec_paths: dict[str, set[str]],
    type_names: frozenset[str] = frozenset(),
    *,
    types: Iterable[ir.NamedDef] = (),
    group_names: Mapping[str, str] | None = None,
    vendor: Mapping[tuple[str, str], tuple[tuple[str, ...] | None, str | None]] | None = None,
    report: Report | None = None,
) -> tuple[ir.Resource, ...]:
    """The resource tree; ``spec_paths`` (every path of the spec with its methods) keeps placement
    the same whether or not ``--operation`` picked a subset."""
    reader = _Reader(spec_paths)
    for operation in operations:
        if operation.path not in spec_paths:
            reader.add(operation.path, {operation.http_method})
    placer = _Placer(reader, _Shapes(types), operations)
    groups = _Groups(group_names or {}, reader)
    vendor = vendor or {}
    placed: list[tuple[tuple[str, ...], str, ir.Operation, bool, bool]] = []
    for operation in operations:
        if operation.operation_id in overrides:
            *parts, method = (snake(part) for part in overrides[operation.operation_id].split(".") if part.strip())
            placed.append((tuple(parts) or ("root",), method, operation, True, True))
            continue
        chain, method = placer.place(operation)
        group, name = vendor.get((operation.path, operation.http_method), (None, None))
        renamed = groups.apply(operation, group or chain)
        pinned_chain = group is not None or renamed != chain
        placed.append((renamed or ("root",), name or method, operation, name is not None, pinned_chain))
    placed = _replace_or_update(placed)
    if report is not None:
        for key in groups.unused():
            report.warn("/paths", f"`group_names` in [tool.generator] renames {key!r}, which names no resource or path of the operations generated", "run `python -m generator names SPEC` to see the resources")
    resolved = _resolve_collisions([(_shallow(chain) if not pinned_chain else chain, method, operation, pinned) for chain, method, operation, pinned, pinned_chain in placed])

    root = _Node(())
    for chain, method, operation in resolved:
        node = root
        for depth, name in enumerate(chain):
            node = node.children.setdefault(name, _Node(chain[: depth + 1]))
        node.operations.append(replace(operation, method_name=method))

    # `Foo` is taken by a type `Foo`, and also by `AsyncFoo` (the async class would collide).
    class_names = NameTable(type_names | {n[len("Async") :] for n in type_names if n.startswith("Async")}, fold_case=False)
    modules = NameTable(fold_case=True)
    return tuple(_freeze(name, node, class_names, modules) for name, node in _rename_children(root).children.items())


# Resources below this depth are joined into one name: `repos.branches.protection.restrictions_apps`.
_MAX_DEPTH = 4


def _shallow(chain: tuple[str, ...]) -> tuple[str, ...]:
    if len(chain) <= _MAX_DEPTH:
        return chain
    return (*chain[: _MAX_DEPTH - 1], "_".join(chain[_MAX_DEPTH - 1 :]))


def _replace_or_update(placed: list[tuple[tuple[str, ...], str, ir.Operation, bool, bool]]) -> list[tuple[tuple[str, ...], str, ir.Operation, bool, bool]]:
    """PUT and PATCH on one path: PUT replaces (``replace``), PATCH updates (``update``)."""
    by_path: dict[str, set[str]] = defaultdict(set)
    for chain, method, operation, pinned, _ in placed:
        if method == "update" and not pinned:
            by_path[operation.path].add(operation.http_method)
    both = {path for path, methods in by_path.items() if {"put", "patch"} <= methods}
    return [
        (chain, "replace" if operation.path in both and operation.http_method == "put" and method == "update" and not pinned else method, operation, pinned, pinned_chain)
        for chain, method, operation, pinned, pinned_chain in placed
    ]


def method_from_operation_id(operation_id: str, chain: tuple[str, ...]) -> str:
    """``adminListUsers`` on ``admin.users`` → ``list``: the operationId without the resource's words."""
    # A tag before a slash groups, it does not name (GitHub's `issues/list-comments-for-repo`).
    own = words(operation_id.rsplit("/", 1)[-1]) or words(operation_id)
    taken = {w for name in chain for part in name.split("_") for w in (part, part + "s", part[:-1] if part.endswith("s") else part)}
    # What follows a function word qualifies and stays whole: `createThreadAndRun` → `create_and_run`,
    # `list-comments-for-repo` → `list_for_repo`.
    cut = next((i for i, w in enumerate(own) if w in _FUNCTION_WORDS), len(own))
    head = [w for w in own[:cut] if w not in taken]
    if not head:
        return snake(operation_id)
    return snake("_".join(head + own[cut:]))


def _resolve_collisions(placed: list[tuple[tuple[str, ...], str, ir.Operation, bool]]) -> list[tuple[tuple[str, ...], str, ir.Operation]]:
    """Two operations on one name: a pinned one keeps it, else one without a fixed query, else the one
    with more path parameters; the others are named from their operationIds."""
    groups: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    for index, (chain, method, _, _) in enumerate(placed):
        groups[(chain, method)].append(index)
    result = [(chain, method, operation) for chain, method, operation, _ in placed]
    kept: set[int] = set()
    pinned_names: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for chain, method, _, pinned in placed:
        if pinned:
            pinned_names[chain].add(method)
    for indices in groups.values():
        if len(indices) < 2:
            continue

        def rank(i: int) -> tuple[bool, bool, bool, bool, int]:
            operation = placed[i][2]
            last_two = _key(operation.path).split("/")[-2:]
            extension = _EXTENSION.search(operation.path.partition("?")[0].rstrip("/")) is not None
            return (placed[i][3], "?" not in operation.path, not extension, not all(_is_param(s) for s in last_two), len(operation.path_parameters))

        best = max(rank(i) for i in indices)
        keeper = [i for i in indices if rank(i) == best]
        for i in indices:
            if len(keeper) == 1 and i == keeper[0]:
                kept.add(i)
                continue
            chain, contested, operation = result[i]
            template = operation.path.partition("?")[0].rstrip("/")
            if len(keeper) == 1 and _is_item_of(placed[keeper[0]][2].path.partition("?")[0].rstrip("/"), template):
                # The collection of the item that keeps the name: `DELETE /pods` beside `DELETE /pods/{name}`.
                result[i] = (chain, contested + "_all", operation)
                continue
            extension = _EXTENSION.search(template)
            if extension and all(_key(placed[k][2].path) == _key(operation.path) for k in keeper):
                # The same path in another format (`/invoice.pdf` beside `/invoice.html`): the format names it.
                result[i] = (chain, f"{contested}_{snake(extension.group(1))}", operation)
                continue
            name = method_from_operation_id(operation.operation_id, chain)
            result[i] = (chain, name if name != contested else snake(operation.operation_id), operation)
        # Losers whose shortened operationIds still meet (`getFoo`, `GetFOO`): their whole operationIds.
        short = Counter(result[i][1] for i in indices if i not in kept)
        for i in indices:
            chain, name, operation = result[i]
            if i not in kept and short[name] > 1 and not name.endswith("_all"):
                result[i] = (chain, snake(operation.operation_id), operation)
    # Numbering is the last resort, for names the operationIds cannot tell apart either; pinned and
    # conventional names are claimed first.
    taken: dict[tuple[str, ...], NameTable] = defaultdict(lambda: NameTable(_CLASS_BODY_NAMES))
    order = sorted(range(len(result)), key=lambda i: (not placed[i][3], i not in kept and len(groups[placed[i][:2]]) > 1))
    final: dict[int, tuple[tuple[str, ...], str, ir.Operation]] = {}
    for i in order:
        chain, method, operation = result[i]
        final[i] = (chain, taken[chain].claim(method), operation)
    return [final[i] for i in range(len(result))]


def _is_item_of(item: str, collection: str) -> bool:
    """``/pods/{name}`` is an item of ``/pods``."""
    last = item[len(collection) + 1 :]
    return item.startswith(collection + "/") and _is_param(last) and "/" not in last


def _rename_children(node: _Node) -> _Node:
    """A child resource must not hide a method of its parent, nor a client attribute at the top, nor
    `with_raw_response` / `with_streaming_response` below it (a trailing `_` is added)."""
    methods = {op.method_name for op in node.operations}
    taken = methods | _CLASS_BODY_NAMES | (_CLIENT_ATTRIBUTES if not node.chain else _RESOURCE_ATTRIBUTES)
    renamed = {}
    for name, sub in node.children.items():
        new = name
        while new in taken or new in renamed:
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
    module = modules.claim(module_name("_".join(node.chain)))
    return ir.Resource(
        name=name,
        class_name=class_name,
        module=module,
        operations=tuple(node.operations),
        children=tuple(_freeze(child_name, child, class_names, modules) for child_name, child in node.children.items()),
    )

