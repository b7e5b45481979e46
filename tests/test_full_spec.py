"""The complete OpenAI spec: every operation generated, every module imports, mypy --strict is clean,
and the output is exactly what black makes of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.client.format import format_source
from generator.lower.operations import HTTP_METHODS
from generator.pipeline import Result, generate
from generator.write import write_tree
from tests.conftest import target_for

PACKAGE = "openai_full"


@pytest.fixture(scope="module")
def full(openai_spec: Path) -> Result:
    return generate(target_for(openai_spec, package=PACKAGE), cache_dir=None, jobs=1)


@pytest.fixture(scope="module")
def written(full: Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("full")
    write_tree(root / PACKAGE, full.files)
    return root


def test_every_operation_is_generated(full: Result, openai_spec: Path) -> None:
    raw = yaml.load(openai_spec.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    in_spec = sum(1 for item in raw["paths"].values() for method in HTTP_METHODS if method in item)
    assert in_spec == 288
    assert full.operation_count == in_spec


def test_webhooks_are_not_operations(full: Result) -> None:
    assert not any("webhook" in path for path in full.files if path.startswith("resources/"))


def test_every_module_imports(written: Path) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {PACKAGE}, {PACKAGE}.types, {PACKAGE}.resources\n"
        "failed = []\n"
        f"for package in ({PACKAGE}.types, {PACKAGE}.resources):\n"
        "    for info in pkgutil.iter_modules(package.__path__):\n"
        "        try:\n"
        "            importlib.import_module(package.__name__ + '.' + info.name)\n"
        "        except Exception as exc:\n"
        "            failed.append(f'{info.name}: {exc!r}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=written, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_importing_the_client_does_not_import_every_model(written: Path) -> None:
    """Resources import no model; a call imports what its response needs, and no request type or stream
    event; the annotations still resolve at run time, for tools that read them."""
    code = (
        "import json, sys, typing\n"
        "import httpx\n"
        f"from {PACKAGE} import Client\n"
        f"def loaded(): return sorted(n for n in sys.modules if n.startswith('{PACKAGE}.types.'))\n"
        "reply = {'id': 'resp_1', 'object': 'response', 'created_at': 1, 'status': 'completed', 'model': 'm',\n"
        "         'output': [], 'tools': [], 'parallel_tool_calls': True, 'tool_choice': 'auto'}\n"
        "http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=reply)))\n"
        "client = Client(api_key='sk-test', http_client=http, max_retries=0)\n"
        "client.threads.runs, client.responses, client.chat.completions\n"
        "touched = loaded()\n"
        "got = client.responses.create(model='m', input='hi')\n"
        "called = loaded()\n"
        "requests = [n for n in called if any(typing.is_typeddict(v) for v in vars(sys.modules[n]).values())]\n"
        "hints = typing.get_type_hints(type(client.responses).create)\n"
        "print(json.dumps({'touched': touched, 'called': called, 'requests': requests, 'type': type(got).__name__,\n"
        "                  'returns': str(hints['return']), 'input': str(hints['input'])}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=written, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["touched"] == []
    assert f"{PACKAGE}.types.response" in seen["called"] and seen["type"] == "Response"
    assert seen["requests"] == [] and not [n for n in seen["called"] if "stream_event" in n]
    assert len(seen["called"]) < 400  # of ~1,900 type modules
    assert seen["returns"].startswith(f"typing.Union[{PACKAGE}.types.response.Response, ")
    assert f"{PACKAGE}.types.easy_input_message_param.EasyInputMessageParam" in seen["input"]


def test_mypy_strict_is_clean(written: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", PACKAGE],
        cwd=written,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-5000:]
    assert "Success: no issues found" in run.stdout


def test_black_changes_nothing(full: Result) -> None:
    # Every resource module, and every fourth type module (all of them take a minute of black).
    paths = sorted(p for p in full.files if p.endswith(".py") and not p.startswith("_runtime/"))
    sample = [p for i, p in enumerate(paths) if not p.startswith("types/") or i % 4 == 0]
    changed = [p for p in sample if format_source(full.files[p], full.target.line_length) != full.files[p]]
    assert changed == []


LENIENT_SCRIPT = '''
import json
import httpx
from openai_full import APIError, APIResponseValidationError, Client

def client(body, status=200, **kw):
    def answer(request):
        if isinstance(body, bytes):
            return httpx.Response(status, content=body, headers={"content-type": "text/event-stream"})
        return httpx.Response(status, json=body)
    http = httpx.Client(transport=httpx.MockTransport(answer))
    return Client(api_key="k", base_url="https://api.test/v1", max_retries=0, http_client=http, **kw)

model = {"id": "gpt-x", "object": "model", "created": 1, "owned_by": None}  # owned_by: a required string
got = client(model).models.retrieve("gpt-x")
assert type(got).__name__ == "Model" and got.owned_by is None and got.to_dict() == model, got
try:
    client(model, strict_responses=True).models.retrieve("gpt-x")
    raise AssertionError("strict_responses=True did not raise")
except APIResponseValidationError:
    pass

events = [
    {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "i", "output_index": 0,
     "content_index": 0, "delta": "Hi", "logprobs": []},
    {"type": "response.brand_new", "sequence_number": 2, "foo": 1},
    {"error": {"message": "Internal failure", "type": "server_error", "code": "oops"}},
]
seen = []
try:
    stream = client(b"".join(b"data: " + json.dumps(e).encode() + b"\\n\\n" for e in events))
    with stream.responses.create(model="gpt", input="hi", stream=True) as events_in:
        for event in events_in:
            seen.append((type(event).__name__, event.type, event.sequence_number))
    raise AssertionError("the error event did not raise")
except APIResponseValidationError as exc:
    raise AssertionError(f"a validation error, not the server's: {exc}")
except APIError as exc:
    assert (exc.message, exc.type, exc.code) == ("Internal failure", "server_error", "oops"), exc
assert seen == [("ResponseTextDeltaEvent", "response.output_text.delta", 1), ("UnknownEvent", "response.brand_new", 2)], seen
print("ok")
'''


def test_lenient_responses_and_stream_errors_on_the_full_api(written: Path) -> None:
    """A null for a required string is kept (strict raises); a data-only `{"error": ...}` event raises
    APIError with the server's message; an unknown Responses event reads `.type` and `.sequence_number`."""
    run = subprocess.run([sys.executable, "-c", LENIENT_SCRIPT], cwd=written, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout[-3000:] + run.stderr[-3000:]


RESPONSES_SCRIPT = '''
import asyncio, json, os, tempfile
import httpx, openai
from openai_full import APIResponse, AsyncClient, BinaryResponse, Client

FILE = {"id": "file-1", "object": "file", "bytes": 12, "created_at": 1, "filename": "a.jsonl",
        "purpose": "batch", "status": "processed"}
DATA = b"line1\\nline2\\x00\\xff"
seen = {"ours": [], "sdk": []}

def answer_for(who):
    def answer(request):
        request.read()
        seen[who].append(request)
        if request.url.path.endswith("/content"):
            return httpx.Response(200, content=DATA, headers={"content-type": "application/octet-stream", "x-request-id": "req_c"})
        return httpx.Response(200, json=FILE, headers={"x-request-id": "req_f", "openai-processing-ms": "7"})
    return answer

def clients():
    options = dict(api_key="k", base_url="https://api.test/v1", max_retries=0)
    ours = Client(http_client=httpx.Client(transport=httpx.MockTransport(answer_for("ours"))), **options)
    sdk = openai.OpenAI(http_client=httpx.Client(transport=httpx.MockTransport(answer_for("sdk"))), **options)
    return ours, sdk

def same_requests():
    a, b = seen["ours"][-1], seen["sdk"][-1]
    assert (a.method, a.url, a.content) == (b.method, b.url, b.content), (a.url, b.url)

ours, sdk = clients()
mine, theirs = ours.files.content("file-1"), sdk.files.content("file-1")
same_requests()
assert isinstance(mine, BinaryResponse), type(mine)
assert (mine.content, mine.text, mine.response.status_code) == (theirs.content, theirs.text, theirs.response.status_code)
assert b"".join(mine.iter_bytes(5)) == b"".join(theirs.iter_bytes(5)) == DATA
with tempfile.TemporaryDirectory() as tmp:
    mine.write_to_file(os.path.join(tmp, "ours")); theirs.write_to_file(os.path.join(tmp, "sdk"))
    assert open(os.path.join(tmp, "ours"), "rb").read() == open(os.path.join(tmp, "sdk"), "rb").read() == DATA

mine, theirs = ours.files.with_raw_response.retrieve("file-1"), sdk.files.with_raw_response.retrieve("file-1")
same_requests()
assert isinstance(mine, APIResponse)
assert (mine.status_code, mine.headers["openai-processing-ms"], mine.request_id) == (theirs.status_code, theirs.headers["openai-processing-ms"], theirs.request_id) == (200, "7", "req_f")
assert mine.http_request.url == theirs.http_request.url
parsed, expected = mine.parse(), theirs.parse()
assert parsed.to_dict() == expected.to_dict() == FILE, (parsed.to_dict(), expected.to_dict())
assert parsed._request_id == expected._request_id == "req_f"

with ours.files.with_streaming_response.content("file-1") as mine:
    with sdk.files.with_streaming_response.content("file-1") as theirs:
        same_requests()
        assert b"".join(mine.iter_bytes()) == b"".join(theirs.iter_bytes()) == DATA

async def main():
    options = dict(api_key="k", base_url="https://api.test/v1", max_retries=0)
    async with AsyncClient(http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer_for("ours"))), **options) as client:
        raw = await client.files.with_raw_response.retrieve("file-1")
        async with client.files.with_streaming_response.content("file-1") as streamed:
            chunks = [chunk async for chunk in streamed.iter_bytes()]
    return raw.parse().to_dict(), b"".join(chunks)

assert asyncio.run(main()) == (FILE, DATA)

# A JSON-declared operation answered with text/plain, and one that declares no content answered with bytes.
def plain(request):
    request.read()
    if "/containers/" in request.url.path:
        return httpx.Response(200, content=DATA, headers={"content-type": "application/octet-stream"})
    return httpx.Response(200, text="hello world")

options = dict(api_key="k", base_url="https://api.test/v1", max_retries=0)
ours = Client(http_client=httpx.Client(transport=httpx.MockTransport(plain)), **options)
sdk = openai.OpenAI(http_client=httpx.Client(transport=httpx.MockTransport(plain)), **options)
upload = dict(file=("a.mp3", b"ID3", "audio/mpeg"), model="whisper-1", response_format="text")
assert ours.audio.transcriptions.create(**upload) == sdk.audio.transcriptions.create(**upload) == "hello world"
mine, theirs = ours.containers.files.content("file-1", container_id="c-1"), sdk.containers.files.content.retrieve("file-1", container_id="c-1")
assert isinstance(mine, BinaryResponse) and mine.content == theirs.content == DATA
print("ok")
'''


PAGINATION_SCRIPT = '''
import asyncio
import httpx
import openai
from openai_full import AsyncClient, Client

ITEMS = {
    "/v1/files": [{"id": f"file-{n}", "object": "file", "bytes": n, "created_at": n, "filename": f"f{n}", "purpose": "assistants", "status": "processed"} for n in range(7)],
    "/v1/vector_stores": [{"id": f"vs_{n}", "object": "vector_store", "created_at": n, "name": "v", "usage_bytes": 0,
        "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0}, "status": "completed", "last_active_at": None, "metadata": None} for n in range(7)],
    "/v1/assistants": [{"id": f"asst_{n}", "object": "assistant", "created_at": n, "name": None, "description": None, "model": "m",
        "instructions": None, "tools": [], "metadata": {}} for n in range(7)],
}

def answer(request):
    items = ITEMS[request.url.path]
    after = request.url.params.get("after")
    start = 0 if after is None else [i["id"] for i in items].index(after) + 1
    size = int(request.url.params.get("limit", "20"))
    page = items[start:start + size]
    return httpx.Response(200, json={"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None, "has_more": start + size < len(items)})

def recorded():
    seen = []
    def transport(request):
        # Sorted: the order of the operation's own parameters follows the spec, not the SDK (not a paging matter).
        seen.append((request.method, request.url.path, sorted(request.url.params.multi_items())))
        return answer(request)
    return seen, httpx.MockTransport(transport)

def ours():
    seen, transport = recorded()
    return seen, Client(api_key="k", base_url="https://api.test/v1", max_retries=0, http_client=httpx.Client(transport=transport))

for name, prefix in (("files", "file-"), ("vector_stores", "vs_"), ("assistants", "asst_")):
    seen, client = ours()
    ids = [item.id for item in getattr(client, name).list(limit=3, order="asc")]
    assert ids == [f"{prefix}{n}" for n in range(7)], (name, ids)
    assert [dict(q).get("after") for _, _, q in seen] == [None, f"{prefix}2", f"{prefix}5"], (name, seen)

# The same requests as the official SDK, for files.list iterated over every page (sync and async).
seen_ours, client = ours()
ours_ids = [f.id for f in client.files.list(limit=2, purpose="assistants", extra_query={"x": "1"})]
seen_sdk, transport = recorded()
sdk = openai.OpenAI(api_key="k", base_url="https://api.test/v1", max_retries=0, http_client=httpx.Client(transport=transport))
sdk_ids = [f.id for f in sdk.files.list(limit=2, purpose="assistants", extra_query={"x": "1"})]
assert ours_ids == sdk_ids and len(seen_ours) == 4, (ours_ids, sdk_ids)
assert seen_ours == seen_sdk, (seen_ours, seen_sdk)
page, sdk_page = client.files.list(limit=2), sdk.files.list(limit=2)
assert page.has_next_page() == sdk_page.has_next_page() and page.next_page_info().params == sdk_page.next_page_info().params
last, sdk_last = list(page.iter_pages())[-1], list(sdk_page.iter_pages())[-1]
assert last.has_next_page() is sdk_last.has_next_page() is False
# Neither reads has_more here: the cursor the next request would carry.
assert last.next_page_info().params == sdk_last.next_page_info().params == {"after": "file-6"}
try:
    last.get_next_page()  # deliberate: the SDK would fetch a page past has_more=false
    raise AssertionError("get_next_page on the last page did not raise")
except RuntimeError:
    pass

async def both():
    out = []
    for make in ("ours", "sdk"):
        seen, transport = recorded()
        http = httpx.AsyncClient(transport=transport)
        if make == "ours":
            client = AsyncClient(api_key="k", base_url="https://api.test/v1", max_retries=0, http_client=http)
        else:
            client = openai.AsyncOpenAI(api_key="k", base_url="https://api.test/v1", max_retries=0, http_client=http)
        direct = [f.id async for f in client.files.list(limit=3)]
        awaited = [f.id async for f in await client.files.list(limit=3)]
        out.append((direct, awaited, seen))
    return out

(o_direct, o_awaited, o_seen), (s_direct, s_awaited, s_seen) = asyncio.run(both())
assert o_direct == o_awaited == s_direct == s_awaited and len(o_direct) == 7
assert o_seen == s_seen, (o_seen, s_seen)
print("ok")
'''


def test_binary_and_raw_responses_match_the_sdk(written: Path) -> None:
    """`files.content` is a binary object like the SDK's; `with_raw_response` and
    `with_streaming_response` send the SDK's request and parse to the same data; a text/plain answer to a JSON
    operation and bytes from one that declares no content are kept as the SDK keeps them (openai==3.54.0)."""
    pytest.importorskip("openai")
    run = subprocess.run([sys.executable, "-c", RESPONSES_SCRIPT], cwd=written, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout[-3000:] + run.stderr[-3000:]


def test_list_operations_paginate_like_the_sdk(written: Path) -> None:
    """files, vector_stores and assistants list every item across pages (`after` the last id while
    `has_more`); files.list sends the SDK's requests (method, path, query), sync and async, and the
    page helpers answer as the SDK's do on the first and the last page."""
    pytest.importorskip("openai")
    run = subprocess.run([sys.executable, "-c", PAGINATION_SCRIPT], cwd=written, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout[-3000:] + run.stderr[-3000:]
