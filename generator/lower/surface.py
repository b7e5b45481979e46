"""The client's public surface as a maintainer reviews it: each operation and the call that sends it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import ir


@dataclass(frozen=True)
class Call:
    operation: ir.Operation
    chain: tuple[str, ...]  # resource attribute names from the client down

    @property
    def dotted(self) -> str:
        return ".".join(("client", *self.chain, self.operation.method_name))

    def signature(self) -> str:
        """``client.threads.runs.create(thread_id, *, assistant_id, ...)``: positional path parameters first."""
        positional = [p.name for p in self.operation.path_parameters]
        keywords = [p.name for p in self.operation.parameters if p.location != "path" and p.required]
        optional = [p.name + "=…" for p in self.operation.parameters if p.location != "path" and not p.required]
        rest = keywords + optional
        args = positional + (["*", *rest] if rest else [])
        return f"{self.dotted}({', '.join(args)})"


def calls(api: ir.Api) -> list[Call]:
    """Every operation of the client with its resource chain, in tree order."""
    return list(_walk(api.resources, ()))


def _walk(resources: tuple[ir.Resource, ...], chain: tuple[str, ...]) -> Iterator[Call]:
    for resource in resources:
        here = (*chain, resource.name)
        for operation in resource.operations:
            yield Call(operation, here)
        yield from _walk(resource.children, here)


def report(api: ir.Api) -> str:
    """One line per operation, sorted by call: ``client.a.b.method(args)  GET /a/{id}/b  operationId``."""
    rows = sorted(calls(api), key=lambda c: (c.dotted, c.operation.operation_id))
    width = max((len(c.dotted) for c in rows), default=0)
    lines = []
    for call in rows:
        op = call.operation
        lines.append(f"{call.dotted.ljust(width)}  {op.http_method.upper()} {_printable(op.path)}  ({_printable(op.operation_id)})")
    return "\n".join(lines) + ("\n" if lines else "")


def _printable(text: str) -> str:
    """Spec text as a terminal shows it safely: control and other unprintable characters escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


# --- what `check` tells a maintainer about their users' code ---------------------------------


def _requests_of(out: Path) -> dict[tuple[str, str], str]:
    """(HTTP method, path) → dotted call, read from a generated package on disk; empty when unreadable."""
    found: dict[tuple[str, str], str] = {}
    trees: dict[str, ast.Module | None] = {}

    def tree(relative: str) -> ast.Module | None:
        if relative not in trees:
            try:
                trees[relative] = ast.parse((out / relative).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                trees[relative] = None
        return trees[relative]

    def walk(relative: str, class_name: str, chain: tuple[str, ...], depth: int) -> None:
        module = tree(relative)
        cls = next((n for n in module.body if isinstance(n, ast.ClassDef) and n.name == class_name), None) if module else None
        if cls is None or depth > 64:
            return
        for node in cls.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
            if "property" in decorators:
                target = next((n for n in ast.walk(node) if isinstance(n, ast.ImportFrom) and n.module and n.names), None)
                if target is not None and target.module is not None:
                    child = target.module.lstrip(".").split(".")[-1]
                    walk(f"resources/{child}.py", target.names[0].name, (*chain, node.name), depth + 1)
            elif "overload" not in decorators:
                request = _request_in(node)
                if request is not None:
                    found.setdefault(request, ".".join(("client", *chain, node.name)))

    client = tree("_client.py")
    cls = next((n for n in client.body if isinstance(n, ast.ClassDef) and n.name == "Client"), None) if client else None
    for node in cls.body if cls else ():
        if isinstance(node, ast.FunctionDef) and any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list):
            target = next((n for n in ast.walk(node) if isinstance(n, ast.ImportFrom) and n.module), None)
            if target is not None and target.module is not None and target.names:
                walk(f"resources/{target.module.split('.')[-1]}.py", target.names[0].name, (node.name,), 0)
    return found


def _request_in(function: ast.FunctionDef) -> tuple[str, str] | None:
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "RequestOptions":
            values = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}
            if "method" in values and "path" in values:
                return values["method"], values["path"]
    return None


def changes(out: Path, api: ir.Api) -> list[str]:
    """Methods of the package on disk that the new client renames or removes: breaking changes for its users."""
    before = _requests_of(out)
    after = {(c.operation.http_method, c.operation.path): c.dotted for c in calls(api)}
    lines = []
    for (method, path), old in sorted(before.items(), key=lambda kv: kv[1]):
        new = after.get((method, path))
        where = f"{method.upper()} {_printable(path)}"
        if new is None:
            lines.append(f"removed: {_printable(old)} ({where})")
        elif new != old:
            lines.append(f"renamed: {_printable(old)} -> {new} ({where})")
    return lines
