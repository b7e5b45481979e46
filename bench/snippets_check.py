"""The docs' snippets on one generated corpus package: run, and compared with the client's request.

    python bench/snippets_check.py SPEC PKG_DIR PACKAGE [--ops N] [--mypy]

For the first N operations (client order) of SPEC's client (already generated into PKG_DIR/PACKAGE by
bench/corpus.py), the minimal and full Python and curl snippets are run against a recording server on
127.0.0.1 and each request compared with the one the client sends for the same values (method, path,
query, Content-Type, body); with --mypy, every Python snippet also goes through one `mypy --strict` run.
Prints one JSON object. Its own small server (tests/docs has the full one): bench does not import tests.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.config import Target  # noqa: E402
from generator.docs import snippets as S  # noqa: E402
from generator.docs.examples import example  # noqa: E402
from generator.pipeline import lower_only  # noqa: E402

KEY = "bench-key"


class Server:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() if body else None
                parsed: Any = body
                if body and content_type and content_type.endswith("json"):
                    with contextlib.suppress(ValueError):
                        parsed = json.loads(body)
                elif body and content_type == "application/x-www-form-urlencoded":
                    parsed = sorted(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
                elif content_type == "multipart/form-data":
                    parsed = "multipart"  # boundaries differ; parts are compared in tests/docs
                outer.requests.append({"method": self.command, "path": split.path, "query": sorted(parse_qsl(split.query, keep_blank_values=True)), "content-type": content_type, "body": parsed if isinstance(parsed, (dict, list, str)) else parsed.decode("latin-1")})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"{}")
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def take(self) -> list[dict[str, Any]]:
        taken, self.requests = self.requests, []
        return taken


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("spec", type=Path)
    ap.add_argument("pkg_dir", type=Path)
    ap.add_argument("package")
    ap.add_argument("--ops", type=int, default=10)
    ap.add_argument("--mypy", action="store_true")
    args = ap.parse_args(argv)
    api, _ = lower_only(Target(spec=args.spec, out=args.pkg_dir / args.package, package=args.package))
    sys.path.insert(0, str(args.pkg_dir))
    package = importlib.import_module(args.package)
    key = S.api_key_env(api)
    if key:
        os.environ[key] = KEY
    server = Server()
    work = Path(tempfile.mkdtemp(prefix="snippets-"))
    row: dict[str, Any] = {"snippet_cases": 0, "client_failed": 0, "python_same": 0, "curl_same": 0, "first_difference": ""}
    try:
        files = []
        for index, (path, op) in enumerate(list(S.operations(api))[: args.ops]):
            for variant in ("minimal", "full"):
                ex = example(api, op, variant)  # type: ignore[arg-type]
                server.take()
                try:
                    options: dict[str, Any] = {"base_url": server.url, "max_retries": 0, "validate": True}
                    credential = S.auth(api)
                    if credential is not None:
                        options[credential.argument] = KEY
                    target: Any = package.Client(**options)
                    for name in path:
                        target = getattr(target, name)
                    positional, keywords = S.python_arguments(ex)
                    result = target(*positional, **keywords)
                    if op.pagination is not None:
                        next(iter(result), None)
                except Exception as exc:  # the values the docs chose, refused by the client: counted
                    row["client_failed"] += 1
                    row["first_difference"] = row["first_difference"] or f"{op.operation_id} {variant}: client: {type(exc).__name__}: {str(exc)[:200]}"
                    continue
                expected = server.take()[:1]
                row["snippet_cases"] += 1
                file = work / f"snippet_{index}_{variant}.py"
                file.write_text(S.python(api, ex, base_url=server.url), encoding="utf-8")
                files.append(file)
                try:
                    with contextlib.redirect_stdout(io.StringIO()):
                        runpy.run_path(str(file), run_name="__main__")
                    got = server.take()[:1]
                except Exception as exc:
                    got = [f"{type(exc).__name__}: {str(exc)[:200]}"]
                if got == expected:
                    row["python_same"] += 1
                else:
                    row["first_difference"] = row["first_difference"] or f"{op.operation_id} {variant}: python: {got} != {expected}"
                if shutil.which("curl"):
                    command = S.curl(api, ex, base_url=server.url)
                    done = subprocess.run(["bash", "-c", command], cwd=work, capture_output=True, timeout=60)
                    got = server.take()[:1] if done.returncode == 0 else [done.stderr.decode()[:200]]
                    if got == expected:
                        row["curl_same"] += 1
                    else:
                        row["first_difference"] = row["first_difference"] or f"{op.operation_id} {variant}: curl: {got} != {expected}"
        if args.mypy and files:
            env = dict(os.environ, MYPYPATH=str(args.pkg_dir))
            done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "--no-error-summary", *map(str, files)], cwd=work, env=env, capture_output=True, text=True, timeout=900)
            errors = [line for line in done.stdout.splitlines() if ": error:" in line]
            row["snippets_mypy"] = "clean" if done.returncode == 0 else f"{len(errors)} errors"
            row["snippets_mypy_first"] = errors[0][:300] if errors else ""
    finally:
        server.httpd.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
