"""The command line: ``python -m generator generate|check``."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from generator.lower import surface
from generator.config import DEFAULT_MAX_REF_SIZE, Target, load_targets, setting_problems
from generator.diagnostics import Problem, SpecError
from generator.client.format import FormatError
from generator.pipeline import Result, display_path, generate, lower_only
from generator.write import LOCK_TIMEOUT, InterruptedAfterWriting, OutputBusy, OutputRefused, Report, judge, write_tree, compare

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
        cmd.add_argument("--env-prefix", help="prefix of the credentials' environment variables (default: the package name upper-cased)")
        cmd.add_argument("--base-url-env", help="environment variable that overrides the base URL")
        cmd.add_argument("--header", action="append", default=[], metavar="NAME=VALUE", help="a default header (repeatable)")
        cmd.add_argument(
            "--ref-root",
            action="append",
            default=[],
            type=Path,
            metavar="DIR",
            help="a folder besides the spec's own that external $refs may read files from (repeatable; "
            "without it, only files under the spec's folder are read, judged by their real paths)",
        )
        cmd.add_argument(
            "--max-ref-size",
            type=_positive_int,
            default=None,
            metavar="BYTES",
            help=f"the largest file an external $ref may read (default: {DEFAULT_MAX_REF_SIZE:,} bytes)",
        )
        cmd.add_argument("--docs-out", type=Path, help="also write the reference pages (Markdown) into this folder")
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
    gateway = sub.add_parser("gateway", help="serve the try-it page and send its requests with the generated client", description="serve the try-it page and send its requests, with credentials from the environment or a file, to the spec's server only")
    gateway.add_argument("--target", required=True, metavar="NAME", help="the [[tool.generator.targets]] entry, by its package name")
    gateway.add_argument("--config", type=Path, default=Path("pyproject.toml"), help="pyproject.toml with [tool.generator] (default: ./pyproject.toml)")
    gateway.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    gateway.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    gateway.add_argument("--upstream", metavar="URL", help="send to this base URL instead of the spec's server URL")
    gateway.add_argument("--allow-private", action="store_true", help="let the upstream be a loopback or private address (tests, local servers)")
    gateway.add_argument("--operation", action="append", default=[], metavar="ID", help="allow only this operationId (repeatable; default: the target's tryit_operations, else all)")
    gateway.add_argument("--credentials-file", type=Path, metavar="PATH", help="read the API key from this file (default: the target's api_key_env variable)")
    gateway.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN", help="another origin whose pages may use the gateway (CORS; repeatable)")
    gateway.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of bytes") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _ref_settings(args: argparse.Namespace, target: Target | None = None) -> dict[str, object]:
    """``--ref-root`` folders add to the configured ones; ``--max-ref-size`` replaces the configured limit."""
    settings: dict[str, object] = {"ref_roots": (*(target.ref_roots if target else ()), *args.ref_root)}
    if args.max_ref_size is not None:
        settings["max_ref_size"] = args.max_ref_size
    return settings


def _targets(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[Target]:
    if args.spec is None:
        if getattr(args, "out", None) or getattr(args, "package", None) or getattr(args, "docs_out", None):
            parser.error("--out, --package and --docs-out go with a SPEC argument")
        targets = load_targets(args.config)
        if args.operation:
            targets = [Target(**{**t.__dict__, "operations": tuple(args.operation)}) for t in targets]
        return [Target(**{**t.__dict__, **_ref_settings(args, t)}) for t in targets]
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
    target = Target(
        spec=args.spec,
        out=args.out,
        package=args.package,
        operations=tuple(args.operation),
        docs_base_url=args.docs_base_url,
        api_key_env=args.api_key_env,
        env_prefix=args.env_prefix,
        base_url_env=args.base_url_env,
        default_headers=tuple(sorted(headers)),
        docs=args.docs_out is not None,
        docs_out=args.docs_out,
        **_ref_settings(args),  # type: ignore[arg-type]
    )
    for key, message in setting_problems(target):
        option = "header" if key == "default_headers" else key.replace("_", "-")
        parser.error(f"--{option}: {message}")
    return [target]


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


def _gateway(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Lower the target, load its generated package and serve the gateway until interrupted."""
    import logging

    import uvicorn

    from generator.tryit import gateway

    targets = [t for t in load_targets(args.config) if t.package == args.target]
    if not targets:
        parser.error(f"--target {args.target!r}: no [[tool.generator.targets]] entry has that package")
    target = targets[0]
    if args.credentials_file is not None:
        try:
            api_key: str | None = args.credentials_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            parser.error(f"--credentials-file: cannot read {args.credentials_file}: {exc.strerror or exc}")
    else:
        api_key = os.environ.get(target.api_key_env) if target.api_key_env else None
    api, warnings = lower_only(target)
    if not (target.out / "__init__.py").is_file():
        parser.error(f"{display_path(target.out)} holds no generated package: run `python -m generator generate` first")
    module = gateway.load_client(target.out, target.package)
    hosts = (f"{args.host}:{args.port}", f"localhost:{args.port}", f"127.0.0.1:{args.port}")
    settings = gateway.Settings(
        upstream=args.upstream or api.base_url,
        api_key=api_key or None,
        operations=tuple(args.operation) or target.tryit_operations,
        allow_private=args.allow_private,
        allow_origins=tuple(args.allow_origin),
        hosts=hosts,
    )
    try:
        app = gateway.create_app(api, module, settings)
    except ValueError as exc:
        parser.error(f"{exc} (the spec's server URL, or --upstream)")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    print(f"gateway for {target.package} on http://{args.host}:{args.port}/ -> {settings.upstream}" + ("" if api_key else " (no credentials: requests go without a key)"), file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=True, server_header=False)
    return 0


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "names":
        return _names(args, parser)
    if args.command == "gateway":
        return _gateway(args, parser)
    status = 0
    targets = _targets(args, parser)
    lock_timeout = _lock_timeout(parser)
    # Refused before the work, not after it; judged again, under the lock, when writing or comparing.
    for target in targets:
        try:
            for folder in _folders(target):
                judge(folder, _inputs(args, target), _label(args, target, folder))
        except OutputRefused as exc:
            print(f"{exc}; {_refused(args)}", file=sys.stderr)
            return USAGE_ERROR
    cache_dir = _cache_dir(args)
    if cache_dir is not None and any(_within(cache_dir, folder) for target in targets for folder in _folders(target)):
        # `check` writes nothing into a package, and `generate` would carry cache entries into one.
        print(f"note: the cache folder {cache_dir} is inside an output folder; running without a cache", file=sys.stderr)
        cache_dir = None
    # Every target is generated before any is written: one bad spec leaves every package as it was.
    results = []
    for target in targets:
        progress = _Progress(enabled=not args.quiet and sys.stderr.isatty() and not os.environ.get("CI"))
        try:
            result = generate(target, cache_dir=cache_dir, jobs=args.jobs, progress=progress)
        finally:
            progress.clear()
        for warning in _in_file_order(list(result.warnings)):
            print(warning.render(), file=sys.stderr)
        if args.strict and result.warnings:
            print(f"failed: {len(result.warnings)} warning(s) with --strict; nothing was written", file=sys.stderr)
            return 1
        results.append(result)
    written: list[str] = []
    # Each target's package, then its reference pages (a folder of their own, owned the same way).
    outputs = [(result, folder, files) for result in results for folder, files in _outputs(result)]
    for result, folder, files in outputs:
        target = result.target
        package = folder == target.out
        out = display_path(folder)
        if args.command == "check":
            try:
                diff = compare(folder, files, out, protected=_inputs(args, target), lock_timeout=lock_timeout)
            except OutputRefused as exc:
                print(f"{exc}; {_refused(args)}", file=sys.stderr)
                return USAGE_ERROR
            except OutputBusy as exc:
                print(str(exc).replace("; nothing was written", ""), file=sys.stderr)
                return 1
            if not diff.clean:
                sys.stdout.write(_colour(diff.text) if sys.stdout.isatty() else diff.text)
                status = 1
                # Renamed and removed methods break users' code: said apart from the rest of the diff.
                for line in surface.changes(target.out, result.api) if package else ():
                    print(line, file=sys.stderr)
            if diff.kept:
                print(f"note: {out}: {_files(diff.kept)} this generator did not write, which `generate` keeps: {_some(diff.kept)}", file=sys.stderr)
            print(diff.summary(out), file=sys.stderr)
            continue
        try:
            report = write_tree(folder, files, protected=_inputs(args, target), label=_label(args, target, folder), lock_timeout=lock_timeout)
        except OutputRefused as exc:
            print(f"{exc}; {_nothing_else(written)}", file=sys.stderr)
            return USAGE_ERROR
        except OutputBusy as exc:
            print(f"{exc}{_and_written(written)}", file=sys.stderr)
            return 1
        except InterruptedAfterWriting:
            print(f"interrupted after writing {', '.join(written + [out])}; nothing else was written", file=sys.stderr)
            return 130
        except KeyboardInterrupt:
            print(f"interrupted; {_nothing_else(written)}", file=sys.stderr)
            return 130
        except OSError as exc:
            # The package on disk is left as it was; the disk or permissions are at fault, not the spec.
            print(f"{out}: cannot write the package: {exc.strerror or exc}; it was left as it was", file=sys.stderr)
            return 1
        written.append(out)
        _tell(report, out)
        if not args.quiet:
            print(_summary(result, f"generated {out}:") if package else f"generated {out}: {len(files)} reference pages", file=sys.stderr)
    return status


def _refused(args: argparse.Namespace) -> str:
    return "nothing was written" if args.command == "generate" else "`generate` would refuse it, so nothing was compared"


def _inputs(args: argparse.Namespace, target: Target) -> list[tuple[str, Path]]:
    """The run's inputs: no output may replace a folder that holds one."""
    return [("the spec", target.spec), ("the configuration", args.config)]


def _folders(target: Target) -> list[Path]:
    """The folders a target writes: its package and, when on, its reference pages."""
    return [target.out, target.docs_folder] if target.docs else [target.out]


def _outputs(result: Result) -> list[tuple[Path, dict[str, str]]]:
    target = result.target
    return [(target.out, result.files)] + ([(target.docs_folder, result.docs)] if target.docs else [])


def _label(args: argparse.Namespace, target: Target, folder: Path | None = None) -> str:
    # As given, not resolved: a symlinked --out is named, then its target (by write.judge).
    folder = target.out if folder is None else folder
    if args.spec is not None:
        return f"--{'out' if folder == target.out else 'docs-out'} {folder.as_posix()}"
    path = Path(os.path.abspath(folder))
    try:
        shown = path.relative_to(os.path.abspath(Path.cwd())).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{'out' if folder == target.out else 'docs_out'} {shown} ({args.config})"


def _within(path: Path, folder: Path) -> bool:
    real, real_folder = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return real == real_folder or real_folder in real.parents


def _lock_timeout(parser: argparse.ArgumentParser) -> float:
    raw = os.environ.get("GENERATOR_LOCK_TIMEOUT")
    if raw is None:
        return LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:
        parser.error(f"GENERATOR_LOCK_TIMEOUT={raw!r} is not a number of seconds")
    return value


def _nothing_else(written: list[str]) -> str:
    if not written:
        return "nothing was written"
    return f"{', '.join(written)} written, nothing else"


def _and_written(written: list[str]) -> str:
    return f" ({', '.join(written)} written before it)" if written else ""


def _files(items: list[str]) -> str:
    return f"{len(items)} file{'' if len(items) == 1 else 's'}"


def _some(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def _tell(report: Report, out: str) -> None:
    """One warning line for each kind of thing the write did besides writing generated files."""
    todo = report.plan
    if todo.legacy:
        print(f"note: {out}: a package written before manifests, recognised by its header lines; it now lists its files in its manifest", file=sys.stderr)
    if todo.kept:
        print(f"warning: {out}: kept {_files(todo.kept)} this generator did not write: {_some(todo.kept)}", file=sys.stderr)
    if todo.edited:
        print(f"warning: {out}: overwrote generated files edited by hand (keep your own code in files of your own, which are kept): {_some(todo.edited)}", file=sys.stderr)
    if todo.edited_kept:
        print(f"warning: {out}: kept generated files edited by hand that are no longer generated: {_some(todo.edited_kept)}", file=sys.stderr)


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
