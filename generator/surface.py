"""The client's public surface as a maintainer reviews it: each operation and the call that sends it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import ir


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
