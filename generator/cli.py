"""The command line: ``python -m generator generate|check``."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from . import surface
from .config import Target, load_targets
from .diagnostics import Problem, SpecError
from .format import FormatError
from .pipeline import Result, display_path, generate, lower_only
from .write import compare, write_tree

USAGE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Generate typed Python API clients from OpenAPI documents.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("generate", "write the client package(s)"), ("check", "exit 1 with a diff when the package on disk is stale")):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("spec", nargs="?", type=Path, help="an OpenAPI 3.0/3.1 document; without it, every [tool.generator] target in pyproject.toml")
        cmd.add_argument("--out", type=Path, help="output directory (the package itself)")
        cmd.add_argument("--package", help="the package's import name")
        cmd.add_argument("--operation", action="append", default=[], metavar="ID", help="generate only this operationId (repeatable)")
        cmd.add_argument("--docs-base-url", help="make relative Markdown links in descriptions absolute against this URL")
        cmd.add_argument("--api-key-env", help="environment variable the client reads its API key from")
        cmd.add_argument("--base-url-env", help="environment variable that overrides the base URL")
        cmd.add_argument("--header", action="append", default=[], metavar="NAME=VALUE", help="a default header (repeatable)")
        cmd.add_argument("--config", type=Path, default=Path("pyproject.toml"), help="pyproject.toml with [tool.generator] (default: ./pyproject.toml)")
        cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
        cmd.add_argument("--no-cache", action="store_true", help="use and keep no cache (parsed YAML, validation, compiled templates, rendered and formatted files)")
        cmd.add_argument("--jobs", type=int, default=None, help="processes for formatting (default: all cores)")
        cmd.add_argument("--quiet", action="store_true", help="print only problems")
        cmd.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    names = sub.add_parser("names", help="print each operation's Python call (client.resource.method) and change nothing", description="print each operation's Python call and change nothing")
    names.add_argument("spec", nargs="?", type=Path, help="an OpenAPI 3.0/3.1 document; without it, every [tool.generator] target in pyproject.toml")
    names.add_argument("--operation", action="append", default=[], metavar="ID", help="only this operationId (repeatable)")
    names.add_argument("--config", type=Path, default=Path("pyproject.toml"), help="pyproject.toml with [tool.generator] (default: ./pyproject.toml)")
    names.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    return parser


def _targets(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[Target]:
    if args.spec is None:
        if getattr(args, "out", None) or getattr(args, "package", None):
            parser.error("--out and --package go with a SPEC argument")
        targets = load_targets(args.config)
        if args.operation:
            targets = [Target(**{**t.__dict__, "operations": tuple(args.operation)}) for t in targets]
        return targets
    if args.command == "names":
        return [Target(spec=args.spec, out=Path("unused"), package="client", operations=tuple(args.operation))]
    if not args.out or not args.package:
        parser.error("a SPEC needs --out DIR and --package NAME")
    if not args.package.isidentifier():
        parser.error(f"--package {args.package!r} is not a valid Python package name")
    headers = []
    for item in args.header:
        name, sep, value = item.partition("=")
        if not sep or not name:
            parser.error(f"--header {item!r} is not NAME=VALUE")
        headers.append((name, value))
    return [
        Target(
            spec=args.spec,
            out=args.out,
            package=args.package,
            operations=tuple(args.operation),
            docs_base_url=args.docs_base_url,
            api_key_env=args.api_key_env,
            base_url_env=args.base_url_env,
            default_headers=tuple(sorted(headers)),
        )
    ]


def _cache_dir(args: argparse.Namespace) -> Path | None:
    if args.no_cache:
        return None
    configured = os.environ.get("GENERATOR_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "openapi-client-generator"


def _summary(result: Result, verb: str) -> str:
    return (
        f"{verb} {result.target.package}: {result.operation_count} operations, {result.type_count} types, "
        f"{len(result.files)} files ({result.formatted} formatted, {result.cached} from cache), "
        f"{len(result.warnings)} warnings in {result.seconds:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(args, parser)
    except SpecError as exc:
        for problem in _in_file_order(exc.problems):
            print(problem.render(), file=sys.stderr)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        print(f"failed: {errors} error(s); nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    except FormatError as exc:
        print(f"internal error: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # a bug of ours; the user still gets one line, not a traceback
        if args.debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback; please report it)", file=sys.stderr)
        return 3


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Files in the order their first problem was found; within a file, by line and column."""
    files = list(dict.fromkeys(p.file for p in problems))
    return sorted(problems, key=lambda p: (files.index(p.file), p.line, p.column))


def _names(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Lower each target (nothing is rendered or written) and print its surface."""
    for target in _targets(args, parser):
        api, warnings = lower_only(target)
        for warning in _in_file_order(list(warnings)):
            print(warning.render(), file=sys.stderr)
        sys.stdout.write(surface.report(api))
    return 0


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "names":
        return _names(args, parser)
    status = 0
    # Every target is generated before any is written: one bad spec leaves every package as it was.
    results = []
    for target in _targets(args, parser):
        progress = _Progress(enabled=not args.quiet and sys.stderr.isatty() and not os.environ.get("CI"))
        try:
            result = generate(target, cache_dir=_cache_dir(args), jobs=args.jobs, progress=progress)
        finally:
            progress.clear()
        for warning in _in_file_order(list(result.warnings)):
            print(warning.render(), file=sys.stderr)
        if args.strict and result.warnings:
            print(f"failed: {len(result.warnings)} warning(s) with --strict; nothing was written", file=sys.stderr)
            return 1
        results.append(result)
    for result in results:
        target = result.target
        out = display_path(target.out)
        if args.command == "check":
            diff = compare(target.out, result.files, out)
            if not diff.clean:
                sys.stdout.write(_colour(diff.text) if sys.stdout.isatty() else diff.text)
                status = 1
                # Renamed and removed methods break users' code: said apart from the rest of the diff.
                for line in surface.changes(target.out, result.api):
                    print(line, file=sys.stderr)
            print(diff.summary(out), file=sys.stderr)
            continue
        try:
            write_tree(target.out, result.files)
        except OSError as exc:
            # The package on disk is left as it was; the disk or permissions are at fault, not the spec.
            print(f"{out}: cannot write the package: {exc.strerror or exc}; it was left as it was", file=sys.stderr)
            return 1
        if not args.quiet:
            print(_summary(result, f"generated {out}:"), file=sys.stderr)
    return status


class _Progress:
    """One self-erasing status line on a terminal, shown only once a run has taken a second."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, stage: str) -> None:
        if self.enabled and time.monotonic() - self.started >= 1.0:
            sys.stderr.write(f"\r\033[K{stage}…")
            sys.stderr.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _colour(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            lines.append(f"\033[1m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("+"):
            lines.append(f"\033[32m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("-"):
            lines.append(f"\033[31m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("@@"):
            lines.append(f"\033[36m{line.rstrip(chr(10))}\033[0m\n")
        else:
            lines.append(line)
    return "".join(lines)
