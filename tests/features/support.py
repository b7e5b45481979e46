"""Generating the feature corpus once per session, and helpers for driving the generated clients.

Every spec in ``specs/features/`` is generated in-process (``generator.pipeline.generate``)
into one temporary directory as the package ``feat_<spec name>``; that directory is put on
``sys.path`` so that tests import the packages as a user would. ``mypy --strict`` is started
over all of them (and ``typed_usage.py``) as soon as they are written, in one background
process, and the test that checks it collects its result last.
"""

from __future__ import annotations

import asyncio
import email.parser
import hashlib
import email.policy
import importlib
import shutil
import subprocess
import sys
import tempfile
import time
import typing
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx

from generator.config import Target
from generator.pipeline import Result, generate
from generator.write import write_tree

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs" / "features"
HERE = Path(__file__).resolve().parent
BASE_URL = "https://api.example.test"

T = TypeVar("T")


def package_of(feature: str) -> str:
    return "feat_" + feature.replace("-", "_")


@dataclass
class Corpus:
    root: Path
    results: dict[str, Result]
    seconds: float
    mypy: subprocess.Popen[str] | None = None
    _mypy_output: tuple[int, str] | None = field(default=None, repr=False)

    def files(self, feature: str) -> dict[str, str]:
        return self.results[feature].files

    def mypy_result(self) -> tuple[int, str]:
        """(exit status, output) of the one `mypy --strict` run over every generated package."""
        if self._mypy_output is None:
            assert self.mypy is not None
            out, _ = self.mypy.communicate(timeout=300)
            self._mypy_output = (self.mypy.returncode, out)
        return self._mypy_output


def features() -> list[str]:
    return sorted(p.stem for p in SPECS.glob("*.yaml"))


@cache
def corpus() -> Corpus:
    """Generate, write and start type-checking every feature; once per session."""
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="feature-clients-"))
    results: dict[str, Result] = {}
    for feature in features():
        package = package_of(feature)
        target = Target(spec=SPECS / f"{feature}.yaml", out=root / package, package=package)
        results[feature] = generate(target, cache_dir=None, jobs=1)
        write_tree(root / package, results[feature].files)
    shutil.copy(HERE / "typed_usage.py", root / "typed_usage.py")
    sys.path.insert(0, str(root))
    found = Corpus(root, results, time.perf_counter() - started)
    found.mypy = subprocess.Popen(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "--cache-dir", str(mypy_cache_dir()), *sorted(package_of(f) for f in results), "typed_usage.py"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return found


def mypy_cache_dir() -> Path:
    """A cache kept between sessions: mypy checks file hashes, so the fresh copies each run
    writes (37 identical runtimes among them) cost a hash, not a re-check, once warm."""
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"feature-clients-mypy-{digest}"


def cleanup() -> None:
    if corpus.cache_info().currsize == 0:
        return
    found = corpus()
    if found.mypy is not None and found.mypy.poll() is None:
        found.mypy.kill()
        found.mypy.communicate()
    if str(found.root) in sys.path:
        sys.path.remove(str(found.root))
    shutil.rmtree(found.root, ignore_errors=True)


def load(feature: str, module: str = "") -> ModuleType:
    corpus()
    return importlib.import_module(package_of(feature) + (f".{module}" if module else ""))


# --- a mock API -------------------------------------------------------------------------


Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


class MockApi:
    """Records every request; answers with the given replies in turn (the last one repeats)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [httpx.Response(200, json={})]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if callable(reply):
            return reply(request)
        # A fresh response each time: httpx binds a response's stream to the request it answered.
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def client(self, feature: str, **kwargs: Any) -> Any:
        package = load(feature)
        http = httpx.Client(transport=httpx.MockTransport(self))
        return package.Client(http_client=http, max_retries=0, **kwargs)

    def async_client(self, feature: str, **kwargs: Any) -> Any:
        package = load(feature)
        http = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return package.AsyncClient(http_client=http, max_retries=0, **kwargs)


def json_reply(data: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=data)


def sse_reply(*events: tuple[str | None, str]) -> httpx.Response:
    """A text/event-stream body from (event name or None, data) pairs."""
    chunks = []
    for name, data in events:
        lines = ([f"event: {name}"] if name else []) + [f"data: {line}" for line in data.split("\n")]
        chunks.append("\n".join(lines) + "\n\n")
    return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, content="".join(chunks).encode())


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


# --- reading requests back ----------------------------------------------------------------


def query_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)


def raw_path(request: httpx.Request) -> str:
    """The path exactly as sent (percent-encoding kept), without the query."""
    return urlsplit(str(request.url)).path


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def multipart_parts(request: httpx.Request) -> list[Part]:
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary="), content_type
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.content)
    parts = []
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition", "")
        parts.append(
            Part(
                name=str(part.get_param("name", header="content-disposition")),
                filename=part.get_filename(),
                content_type=part.get("Content-Type") if "filename" in disposition else None,
                data=part.get_payload(decode=True) or b"",
            )
        )
    return parts


def parts_named(request: httpx.Request, name: str) -> list[Part]:
    return [p for p in multipart_parts(request) if p.name == name]


def required_keys(typed_dict: type) -> set[str]:
    """Keys marked `Required[...]` (`__required_keys__` cannot see them in string annotations)."""
    hints = typing.get_type_hints(typed_dict, include_extras=True)
    return {key for key, hint in hints.items() if typing.get_origin(hint) is typing.Required}


def walk(files: dict[str, str]) -> Iterator[str]:
    yield from (p for p in sorted(files) if p.endswith(".py") and not p.startswith("_runtime/"))
