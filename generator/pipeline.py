"""The pipeline, end to end: load → lower → each output (the client: render → format), for one target.

One :class:`~generator.cache.Cache` serves the whole run: each stage and output decides what it
keeps in it and under which key; the pipeline only opens it and saves it at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator import ir
from generator.cache import Cache
from generator.config import Target
from generator.diagnostics import Problem, SpecError
from generator.client.output import GeneratedCodeError, check_compiles, client_files
from generator.load.reader import Document, locate_all, read, read_checking_aside
from generator.lower.lowering import lower
from generator.load.refs import Resolver
from generator.client.render import RenderOptions
from generator.docs.render import DocsOptions, render as render_docs
from generator.write import with_manifest

__all__ = ["GeneratedCodeError", "Result", "check_compiles", "display_path", "generate", "lower_only", "with_spec"]


@dataclass(frozen=True)
class Result:
    target: Target
    api: ir.Api
    files: dict[str, str]
    warnings: tuple[Problem, ...]
    formatted: int
    cached: int
    seconds: float
    docs: dict[str, str] = field(default_factory=dict)  # the reference pages, with their manifest (when target.docs)

    @property
    def operation_count(self) -> int:
        return sum(len(r.operations) for r in _walk(self.api.resources))

    @property
    def type_count(self) -> int:
        return len({t.name for t in self.api.types})


def _walk(resources: tuple[ir.Resource, ...]) -> list[ir.Resource]:
    out = []
    for resource in resources:
        out.append(resource)
        out.extend(_walk(resource.children))
    return out


def display_path(path: Path) -> str:
    """A path as messages and generated headers show it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _quiet(stage: str) -> None:
    pass


def generate(target: Target, *, cache_dir: Path | None = None, jobs: int | None = None, progress: Callable[[str], None] = _quiet) -> Result:
    """Everything ``target`` generates, in memory; raises SpecError with located problems.

    ``progress`` is told the name of each stage as it starts (the CLI shows it on a terminal).
    """
    started = time.perf_counter()
    shown = display_path(target.spec)
    cache = Cache(cache_dir)
    progress("reading " + shown)
    try:
        document, check = read_checking_aside(target.spec, shown, cache)
        try:
            result = _generate(target, document, cache, jobs, progress)
        except KeyboardInterrupt:
            check.cancel()
            raise
        except BaseException:
            # A document that is not OpenAPI can make lowering fail in any way: the structural
            # problems are the ones to report, as they were when the check ran first.
            check.wait()
            raise
        check.wait()
    except SpecError:
        cache.save()  # what was read and checked before the problem stays good: the next run is faster
        raise
    cache.save()
    return replace(result, seconds=time.perf_counter() - started)


def lower_only(target: Target) -> tuple[ir.Api, tuple[Problem, ...]]:
    """The IR and located warnings of ``target``, with nothing rendered (``python -m generator names``)."""
    document = read(target.spec, display_path(target.spec))
    try:
        lowered = lower(document, target, target.spec)
    except SpecError as exc:
        raise SpecError(_locate(exc.problems, document, None)) from None
    return lowered.api, tuple(_locate(list(lowered.warnings), document, lowered.resolver))


def _generate(target: Target, document: Document, cache: Cache, jobs: int | None, progress: Callable[[str], None]) -> Result:
    progress("lowering")
    try:
        lowered = lower(document, target, target.spec)
    except SpecError as exc:
        raise SpecError(_locate(exc.problems, document, None)) from None
    warnings = tuple(_locate(list(lowered.warnings), document, lowered.resolver))
    progress("rendering and formatting")
    # Generated files name the spec by file name only: output must not depend on where it ran.
    options = RenderOptions(source=target.spec.name, docs_base_url=target.docs_base_url, line_length=target.line_length)
    client = client_files(lowered.api, options, cache, jobs=jobs, shown=display_path(target.out))
    files = dict(client.files)
    if target.tryit:
        from generator.tryit.page import PAGE_FILE, render_page

        progress("writing the try-it page")
        files[PAGE_FILE] = render_page(lowered.api)
    files = with_manifest(files)  # the package lists what it generated: what `generate` may later replace
    docs: dict[str, str] = {}
    if target.docs:
        progress("rendering the reference pages")
        docs = with_manifest(render_docs(lowered.api, DocsOptions(source=target.spec.name, docs_base_url=target.docs_base_url)))
    return Result(target, lowered.api, files, warnings, client.formatted, client.cached, 0.0, docs)


def _locate(problems: list[Problem], document, resolver: Resolver | None) -> list[Problem]:  # type: ignore[no-untyped-def]
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    out: list[Problem] = []
    for file, group in by_file.items():
        source = document if file == document.file or resolver is None else resolver.document(file)
        out.extend(locate_all(source, group))
    return out


def with_spec(target: Target, spec: Path) -> Target:
    return replace(target, spec=spec)
