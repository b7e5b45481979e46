"""Snippets that are proven to run: for createRun (the configured target) and the feature specs.

Every Python snippet is type-checked with `mypy --strict` against the generated package (one mypy run
for all of them) and executed against a local recording server; every curl snippet is run with curl,
and every TypeScript one type-checked with `tsc` (tests/docs/typescript pins it) and run with node.
Each must send the request the generated client sends for the same example values: method, path,
query, the headers that matter (credential, configured defaults, header parameters, Content-Type,
Cookie) and the body.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from generator import ir
from generator.config import Target, load_targets
from generator.docs import snippets as S
from generator.docs.examples import Example, Values, example
from generator.docs.readme import fenced, readme_blocks
from generator.pipeline import generate
from generator.write import write_tree

from .recording import Recorded, Recorder, recording_server

ROOT = Path(__file__).resolve().parents[2]
FEATURES_DIR = ROOT / "specs" / "features"
TS_PREFIX = Path(__file__).resolve().parent / ".typescript"
TS_INSTALL = "cp tests/docs/typescript/package*.json tests/docs/.typescript/ && npm ci --prefix tests/docs/.typescript"
KEY = "test-key-0123"

# Feature specs whose operations the snippets are proven on: the parameter locations and styles,
# body kinds, defaults, enums, formats, unions, maps, names, escaping, streams and paging.
FEATURES = [
    "code-injection",
    "defaults",
    "discriminator-mapping",
    "enums",
    "form-urlencoded",
    "formats",
    "header-cookie-params",
    "maps-free-form",
    "multipart",
    "names-keywords",
    "nested-arrays",
    "nullable-31",
    "pagination-styles",
    "path-level-params",
    "query-styles",
    "sse-stream",
    "text-plain",
    "unions-31",
]
APIS = ["create_run", *FEATURES]
# Body kinds whose snippets are proven: all of them.
PROVEN_BODIES = {None, "json", "form", "text", "binary", "multipart"}


@dataclass(frozen=True)
class Case:
    api_name: str
    op: ir.Operation
    example: Example
    kind: S.Kind
    index: int
    readme: str = ""  # the README block this case runs, if it is one

    @property
    def stem(self) -> str:
        return f"snippet_{self.api_name.replace('-', '_')}_{self.index}"


@dataclass
class Built:
    name: str
    api: ir.Api
    root: Path  # the folder holding the package
    cases: list[Case] = field(default_factory=list)


@dataclass
class Proof:
    server: Recorder
    work: Path
    apis: dict[str, Built]
    mypy: subprocess.Popen[str]
    tsc: subprocess.Popen[str] | None
    _results: dict[str, tuple[int, str]] = field(default_factory=dict)

    def result(self, which: str) -> tuple[int, str]:
        if which not in self._results:
            process = self.mypy if which == "mypy" else self.tsc
            assert process is not None
            out, _ = process.communicate(timeout=600)
            self._results[which] = (process.returncode, out)
        return self._results[which]


def _tsc() -> Path | None:
    local = TS_PREFIX / "node_modules" / ".bin" / "tsc"
    return local if local.exists() and shutil.which("node") else None


README_KINDS: dict[str, S.Kind] = {"first_call": "call", "async": "async", "errors": "errors", "retries": "call", "timeouts": "call", "raw": "raw", "stream": "stream", "pagination": "call"}


def python_code(built: Built, case: Case, url: str) -> str:
    if case.readme:
        return readme_blocks(built.api, base_url=url)[case.readme].code
    return S.python(built.api, case.example, base_url=url, kind=case.kind)


def _readme_cases(built: Built, start: int) -> list[Case]:
    """The README's Python blocks, each with the Example it was made from."""
    cases = []
    for block_name, block in readme_blocks(built.api).items():
        if block.language != "python":
            continue
        assert block.operation is not None
        variant = "full" if block_name == "first_call" else "minimal"
        ex = example(built.api, block.operation, variant, stream=block_name == "stream")  # type: ignore[arg-type]
        cases.append(Case(built.name, block.operation, ex, README_KINDS[block_name], start + len(cases), block_name))
    return cases


def _build(name: str, work: Path) -> Built:
    if name == "create_run":
        (target,) = [t for t in load_targets(ROOT / "pyproject.toml") if t.spec.name == "create_run.yaml"]
        result = generate(target, cache_dir=None, jobs=1)
        root = work / "create_run"
        write_tree(root / target.package, result.files)
    else:
        package = "doc_" + name.replace("-", "_")
        root = work / name
        target = Target(spec=FEATURES_DIR / f"{name}.yaml", out=root / package, package=package)
        result = generate(target, cache_dir=None, jobs=1)
        write_tree(root / package, result.files)
    built = Built(name, result.api, root)
    index = 0
    for _, op in S.operations(result.api):
        if (op.body.kind if op.body else None) not in PROVEN_BODIES:
            continue
        plans: list[tuple[Example, S.Kind]] = [(example(result.api, op, "minimal"), "call"), (example(result.api, op, "full"), "call")]
        plans += [(example(result.api, op, "full"), "async"), (example(result.api, op, "minimal"), "raw")]
        if op.stream is not None and op.stream.flag is not None:
            plans.append((example(result.api, op, "minimal", stream=True), "stream"))
        for ex, kind in plans:
            built.cases.append(Case(name, op, ex, kind, index))
            index += 1
    built.cases += _readme_cases(built, index)
    return built


@pytest.fixture(scope="module")
def proof() -> Iterator[Proof]:
    work = Path(tempfile.mkdtemp(prefix="snippets-proven-"))
    with recording_server() as server:
        apis = {name: _build(name, work) for name in APIS}
        snippets_dir = work / "python"
        snippets_dir.mkdir()
        ts_dir = work / "ts"
        ts_dir.mkdir()
        for built in apis.values():
            for case in built.cases:
                (snippets_dir / f"{case.stem}.py").write_text(python_code(built, case, server.url), encoding="utf-8")
                if (case.kind == "call" or case.kind == "stream") and not case.readme:
                    (ts_dir / f"{case.stem}.mts").write_text(S.typescript(built.api, case.example, base_url=server.url), encoding="utf-8")
        digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
        env = {**os.environ, "MYPYPATH": os.pathsep.join(str(b.root) for b in apis.values())}
        mypy = subprocess.Popen(
            [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "--cache-dir", str(Path(tempfile.gettempdir()) / f"snippets-mypy-{digest}"), "."],
            cwd=snippets_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        tsc = None
        compiler = _tsc()
        if compiler is not None:
            (ts_dir / "tsconfig.json").write_text(json.dumps({
                "compilerOptions": {
                    "strict": True, "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
                    "types": ["node"], "typeRoots": [str(TS_PREFIX / "node_modules" / "@types")], "outDir": "out", "skipLibCheck": True,
                },
                "include": ["*.mts"],
            }), encoding="utf-8")
            tsc = subprocess.Popen([str(compiler), "-p", "."], cwd=ts_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        found = Proof(server, work, apis, mypy, tsc)
        try:
            yield found
        finally:
            for process in (mypy, tsc):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.communicate()
            shutil.rmtree(work, ignore_errors=True)


# --- what each side sends, compared ---------------------------------------------------------


def reply_for(api: ir.Api, ex: Example, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    op = ex.operation
    if status != 200:
        return status, {"Content-Type": "application/json", "retry-after-ms": "1"}, b'{"error": {"message": "slow down"}}'
    if ex.streams:
        return 200, {"Content-Type": "text/event-stream"}, b""
    response = op.response
    if response.kind == "none":
        return 200, {}, b""
    if response.kind == "binary":
        return 200, {"Content-Type": response.content_type or "application/octet-stream"}, b"\x00\x01data"
    if response.kind == "text":
        return 200, {"Content-Type": "text/plain"}, b"some text"
    value: Any = Values(api).build(response.type) if response.type is not None else {}
    if op.pagination is not None:  # one page, and the last
        if not op.pagination.items:
            value = []
        else:
            at = value if isinstance(value, dict) else {}
            value = at
            for key in op.pagination.items[:-1]:
                at = at.setdefault(key, {}) if isinstance(at.get(key, {}), dict) else {}
            at[op.pagination.items[-1]] = []
            for path in (op.pagination.has_more, op.pagination.cursor):
                if len(path) == 1 and path[0] in value:
                    value[path[0]] = False if path == op.pagination.has_more else None
    return 200, {"Content-Type": "application/json"}, json.dumps(value).encode()


def seen(api: ir.Api, ex: Example, request: Recorded) -> dict[str, Any]:
    """The parts of a request that must agree."""
    op = ex.operation
    names = {name.lower() for name, _ in api.default_headers}
    names |= {name.lower() for name, _ in op.fixed_headers}
    names |= {p.wire_name.lower() for p in op.parameters if p.location == "header"}
    credential = S.auth(api)
    if credential is not None and credential.location == "header":
        names.add(credential.name.lower())
    if credential is not None and credential.location == "cookie" or any(p.location == "cookie" for p in op.parameters):
        names.add("cookie")
    headers = {name: request.header(name) for name in sorted(names)}
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    body: Any = request.body
    if request.body and content_type.endswith("json"):
        body = json.loads(request.body)
    elif content_type == "multipart/form-data":
        body = multipart_parts(request)
    elif content_type == "application/x-www-form-urlencoded":
        from urllib.parse import parse_qsl

        body = sorted(parse_qsl(request.body.decode(), keep_blank_values=True))
    return {
        "method": request.method,
        "path": request.path,
        "query": sorted(request.query),
        "headers": headers,
        "content-type": content_type if request.body else None,
        "body": body,
    }


def multipart_parts(request: Recorded) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, content) of each part, in order."""
    import email.parser
    import email.policy

    head = b"Content-Type: " + (request.header("content-type") or "").encode() + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        parts.append((str(part.get_param("name", header="content-disposition")), part.get_filename(), payload if isinstance(payload, bytes) else b""))
    return parts


def client_request(proof: Proof, built: Built, ex: Example) -> dict[str, Any]:
    """What the generated client sends for ``ex``, called in-process with the same values."""
    if str(built.root) not in sys.path:
        sys.path.insert(0, str(built.root))
    import importlib

    package = importlib.import_module(built.api.package)
    options: dict[str, Any] = {"base_url": proof.server.url, "max_retries": 0}
    credential = S.auth(built.api)
    if credential is not None:
        options[credential.argument] = KEY
    proof.server.answer = lambda request: reply_for(built.api, ex)
    proof.server.take()
    with package.Client(**options) as client:
        target: Any = client
        path = S.call_path(built.api, ex.operation)
        for name in path:
            target = getattr(target, name)
        args, kwargs = S.python_arguments(ex)
        result = target(*args, **kwargs)
        if ex.streams:
            with result as stream:
                for _ in stream:
                    pass
        elif ex.operation.pagination is not None:
            list(result)
    (request,) = proof.server.take()
    return seen(built.api, ex, request)


def env_for(api: ir.Api) -> dict[str, str]:
    key = S.api_key_env(api)
    return {key: KEY} if key else {}


def sent(proof: Proof, built: Built, ex: Example, run: Any, status: int = 200, count: int = 1) -> dict[str, Any]:
    proof.server.answer = lambda request: reply_for(built.api, ex, status)
    proof.server.take()
    run()
    requests = proof.server.take()
    assert len(requests) == count, requests
    found = [seen(built.api, ex, r) for r in requests]
    assert all(f == found[0] for f in found), found  # a retry sends the same request
    return found[0]


# --- the tests ------------------------------------------------------------------------------


def test_python_snippets_pass_mypy_strict(proof: Proof) -> None:
    status, output = proof.result("mypy")
    count = sum(len(b.cases) for b in proof.apis.values())
    assert count > 80
    assert status == 0, output


def test_typescript_snippets_pass_tsc(proof: Proof) -> None:
    if proof.tsc is None:
        if os.environ.get("CI"):
            pytest.fail(f"tsc is not installed: {TS_INSTALL}")
        pytest.skip(f"tsc is not installed here: {TS_INSTALL}")
    status, output = proof.result("tsc")
    assert status == 0, output


@pytest.mark.parametrize("name", APIS)
def test_python_snippets_send_the_clients_request(proof: Proof, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    built = proof.apis[name]
    assert built.cases
    for key, value in env_for(built.api).items():
        monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(str(built.root))
    for case in built.cases:
        expected = client_request(proof, built, case.example)
        file = proof.work / "python" / f"{case.stem}.py"
        output = io.StringIO()

        def run() -> None:
            with contextlib.redirect_stdout(output):
                runpy.run_path(str(file), run_name="__main__")

        if case.kind == "errors":
            # Answered 429 each time: retried twice (the client's default), then caught as the snippet says.
            assert sent(proof, built, case.example, run, status=429, count=3) == expected, file.read_text()
            assert output.getvalue().startswith("Rate limited; retry after"), output.getvalue()
        else:
            assert sent(proof, built, case.example, run) == expected, f"{case.kind} {case.example.variant}:\n{file.read_text()}"


@pytest.mark.parametrize("name", APIS)
def test_curl_snippets_send_the_clients_request(proof: Proof, name: str, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed here")
    built = proof.apis[name]
    (tmp_path / "example.bin").write_bytes(b"example")
    cases = [(case.example, S.curl(built.api, case.example, base_url=proof.server.url)) for case in built.cases if case.kind in ("call", "stream") and not case.readme]
    readme = readme_blocks(built.api, base_url=proof.server.url)["curl"]
    assert readme.operation is not None
    cases.append((example(built.api, readme.operation, "full"), readme.code))
    for ex, command in cases:
        expected = client_request(proof, built, ex)

        def run() -> None:
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env={**os.environ, **env_for(built.api)}, capture_output=True, timeout=60)
            assert done.returncode == 0, done.stderr

        assert sent(proof, built, ex, run) == expected, command


@pytest.mark.parametrize("name", APIS)
def test_typescript_snippets_send_the_clients_request(proof: Proof, name: str) -> None:
    if proof.tsc is None:
        if os.environ.get("CI"):
            pytest.fail(f"tsc is not installed: {TS_INSTALL}")
        pytest.skip(f"tsc is not installed here: {TS_INSTALL}")
    status, output = proof.result("tsc")
    assert status == 0, output
    built = proof.apis[name]
    for case in built.cases:
        if case.kind not in ("call", "stream") or case.readme:
            continue
        expected = client_request(proof, built, case.example)
        compiled = proof.work / "ts" / "out" / f"{case.stem}.mjs"

        def run() -> None:
            done = subprocess.run(["node", str(compiled)], env={**os.environ, **env_for(built.api)}, capture_output=True, timeout=60, text=True)
            assert done.returncode == 0, done.stderr

        assert sent(proof, built, case.example, run) == expected, (proof.work / "ts" / f"{case.stem}.mts").read_text()


@pytest.mark.parametrize("name", APIS)
def test_the_packages_readme_shows_only_proven_blocks(proof: Proof, name: str) -> None:
    """Every code block of the generated README.md is one the tests above run (or the install line)."""
    built = proof.apis[name]
    text = (built.root / built.api.package / "README.md").read_text(encoding="utf-8")
    blocks = readme_blocks(built.api)
    assert {"first_call", "curl", "async", "errors", "retries", "timeouts", "raw"} <= set(blocks)
    for block in blocks.values():
        assert fenced(block.code, block.language) in text
    assert text.count("\n```") == 2 * (len(blocks) + 1)  # and no other block (the +1: the install line)
    assert {case.readme for case in built.cases if case.readme} == {n for n, b in blocks.items() if b.language == "python"}
