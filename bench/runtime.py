"""Runtime cost of the generated client against the official `openai` SDK.

Run from the project root:

    .venv/bin/python bench/runtime.py
    .venv/bin/python bench/runtime.py --quick          # fewer, shorter repeats (smoke test)
    BENCH_RUNTIME_CLIENT=/tmp/full/openai_client .venv/bin/python bench/runtime.py   # another generated openai_client

Both clients run in this one process, against in-memory mock transports (no
sockets), on the same request and the same response bytes:

  * `runs.create` (non-streaming): build the request from keyword arguments,
    send it through the transport, parse a fully populated Run JSON into the
    client's model.  Reported as microseconds per call.
  * streaming `runs.create(stream=True)`: a long server-sent-event stream of
    `thread.message.delta` events (plus the usual run/message framing events),
    delivered one network chunk per event, consumed through each client's
    iterator into typed event objects.  Reported as events per second.
  * pagination: `for f in client.files.list(limit=100)` over 10,000 files (100
    pages, `after` the last id while `has_more`), with `files.list` generated for
    this run from the full OpenAI spec (../shared/specs/openai.yaml; skipped
    without it).  Reported as milliseconds per full iteration.
  * import plus first call: in a fresh interpreter for each sample, the time from
    before the first import to the end of the first `runs.create` (the same call).

Ours: `generated/openai_client`, `Client(http_client=httpx.Client(transport=httpx.MockTransport(...)))`.
SDK:  `openai.OpenAI(http_client=httpx2.Client(transport=httpx2.MockTransport(...)))`: this
      SDK version is built on `httpx2` and also accepts a legacy `httpx.Client`; its native
      `httpx2` client is the main comparison, the legacy one is reported as well.

Timed loops use time.perf_counter; each client is warmed up first; the clients
alternate within every repeat so that background load hits both alike; the
reported figure is the median over repeats.  The garbage collector stays ENABLED
(it is part of what a real program pays).
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import subprocess
import tempfile
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent

# Import a copy of generated/openai_client taken now: others may regenerate it while this runs.
_SNAPSHOT = Path(tempfile.mkdtemp(prefix="bench-runtime-"))
atexit.register(shutil.rmtree, _SNAPSHOT, True)
# BENCH_RUNTIME_CLIENT: another generated package named openai_client (e.g. from the full OpenAI spec).
_CLIENT = Path(os.environ.get("BENCH_RUNTIME_CLIENT") or ROOT / "generated" / "openai_client")
shutil.copytree(_CLIENT, _SNAPSHOT / "openai_client", ignore=shutil.ignore_patterns("__pycache__"))
sys.path.insert(0, str(_SNAPSHOT))

import httpx  # noqa: E402
import httpx2  # noqa: E402
import openai  # noqa: E402
import openai_client  # noqa: E402

# The Assistants API is marked deprecated in the SDK; its warning (issued on every
# call either way) would otherwise be printed.
warnings.simplefilter("ignore", DeprecationWarning)

THREAD_ID = "thread_abc"

# --------------------------------------------------------------------------- payloads

FUNCTION_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
TOOLS = [
    {"type": "code_interpreter"},
    {"type": "file_search", "file_search": {"max_num_results": 20, "ranking_options": {"ranker": "auto", "score_threshold": 0.5}}},
    FUNCTION_TOOL,
]
METADATA = {"user_id": "user_8f2a", "session": "sess_20240611_0042", "experiment": "bench-a"}
TRUNCATION = {"type": "last_messages", "last_messages": 12}
RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "forecast",
        "description": "A short forecast.",
        "schema": {
            "type": "object",
            "properties": {"summary": {"type": "string"}, "high_c": {"type": "number"}, "low_c": {"type": "number"}},
            "required": ["summary", "high_c", "low_c"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}

# Arguments of the call, identical for both clients.
CALL_KWARGS: dict[str, Any] = dict(
    assistant_id="asst_abc",
    model="gpt-4o",
    instructions="You are a concise weather assistant. Answer in JSON.",
    additional_instructions="The user prefers metric units.",
    additional_messages=[
        {"role": "user", "content": "What will the weather be like in Paris tomorrow?", "metadata": {"source": "web"}},
    ],
    tools=TOOLS,
    metadata=METADATA,
    temperature=0.5,
    top_p=0.9,
    max_prompt_tokens=20000,
    max_completion_tokens=4000,
    truncation_strategy=TRUNCATION,
    tool_choice={"type": "function", "function": {"name": "get_weather"}},
    parallel_tool_calls=True,
    response_format=RESPONSE_FORMAT,
)

# A completed run as the API returns it: every field populated that a run can carry.
RUN: dict[str, Any] = {
    "id": "run_Qb3m5xV8kR2tYp9LwZc1nH4d",
    "object": "thread.run",
    "created_at": 1718096400,
    "assistant_id": "asst_abc",
    "thread_id": THREAD_ID,
    "status": "completed",
    "started_at": 1718096401,
    "expires_at": None,
    "cancelled_at": None,
    "failed_at": None,
    "completed_at": 1718096409,
    "required_action": None,
    "last_error": None,
    "model": "gpt-4o-2024-08-06",
    "instructions": "You are a concise weather assistant. Answer in JSON. The user prefers metric units.",
    "tools": TOOLS,
    "tool_resources": {},
    "metadata": METADATA,
    "incomplete_details": None,
    "usage": {"prompt_tokens": 1532, "completion_tokens": 187, "total_tokens": 1719},
    "temperature": 0.5,
    "top_p": 0.9,
    "max_prompt_tokens": 20000,
    "max_completion_tokens": 4000,
    "truncation_strategy": TRUNCATION,
    "response_format": RESPONSE_FORMAT,
    "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    "parallel_tool_calls": True,
}
RUN_BYTES = json.dumps(RUN).encode()


def sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def stream_chunks(deltas: int) -> list[bytes]:
    """A run's event stream, one chunk per event, with `deltas` message deltas."""
    queued = {**RUN, "status": "queued", "started_at": None, "completed_at": None, "usage": None}
    running = {**queued, "status": "in_progress", "started_at": 1718096401}
    message = {
        "id": "msg_abc",
        "object": "thread.message",
        "created_at": 1718096402,
        "assistant_id": "asst_abc",
        "thread_id": THREAD_ID,
        "run_id": RUN["id"],
        "status": "in_progress",
        "incomplete_details": None,
        "completed_at": None,
        "incomplete_at": None,
        "role": "assistant",
        "content": [],
        "attachments": [],
        "metadata": {},
    }
    words = ["Tomorrow", " in", " Paris", " expect", " light", " rain", " with", " a", " high", " of", " 19", "°C", "."]
    chunks = [
        sse("thread.run.created", queued),
        sse("thread.run.queued", queued),
        sse("thread.run.in_progress", running),
        sse("thread.message.created", message),
        sse("thread.message.in_progress", message),
    ]
    for i in range(deltas):
        delta = {
            "id": "msg_abc",
            "object": "thread.message.delta",
            "delta": {"content": [{"index": 0, "type": "text", "text": {"value": words[i % len(words)], "annotations": []}}]},
        }
        chunks.append(sse("thread.message.delta", delta))
    done_message = {**message, "status": "completed", "completed_at": 1718096409}
    chunks += [
        sse("thread.message.completed", done_message),
        sse("thread.run.completed", RUN),
        b"event: done\ndata: [DONE]\n\n",
    ]
    return chunks


# --------------------------------------------------------------------------- clients


class Handler:
    """The mock server: a Run for a plain call, the event stream for stream=True."""

    def __init__(self, module: Any, chunks: list[bytes]):
        self.module = module  # httpx or httpx2: both have the same Response API
        self.chunks = chunks
        self.last_body: bytes = b""
        self.last_request: Any = None

    def __call__(self, request: Any) -> Any:
        body = request.read()
        self.last_body, self.last_request = body, request
        if b'"stream":true' in body.replace(b" ", b""):
            return self.module.Response(200, headers={"content-type": "text/event-stream"}, content=iter(self.chunks))
        return self.module.Response(200, headers={"content-type": "application/json"}, content=RUN_BYTES)


def make_ours(chunks: list[bytes]) -> tuple[Any, Handler]:
    handler = Handler(httpx, chunks)
    client = openai_client.Client(api_key="sk-x", http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0)
    return client, handler


def make_sdk(chunks: list[bytes], legacy: bool = False) -> tuple[Any, Handler]:
    module = httpx if legacy else httpx2
    handler = Handler(module, chunks)
    client = openai.OpenAI(api_key="sk-x", http_client=module.Client(transport=module.MockTransport(handler)), max_retries=0)
    return client, handler


def call_ours(client: Any) -> Any:
    return client.threads.runs.create(THREAD_ID, **CALL_KWARGS)


def call_sdk(client: Any) -> Any:
    return client.beta.threads.runs.create(THREAD_ID, **CALL_KWARGS)


def stream_ours(client: Any) -> int:
    n = 0
    for event in client.threads.runs.create(THREAD_ID, stream=True, **CALL_KWARGS):
        n += 1
        last = event
    assert type(last).__name__ == "RunStreamEventThreadRunCompleted", type(last)
    return n


def stream_sdk(client: Any) -> int:
    n = 0
    for event in client.beta.threads.runs.create(THREAD_ID, stream=True, **CALL_KWARGS):
        n += 1
        last = event
    assert last.event == "thread.run.completed", last
    return n


def raw_ours(client: Any) -> Any:
    response = client.threads.runs.with_raw_response.create(THREAD_ID, **CALL_KWARGS)
    assert response.headers["content-type"] == "application/json"
    return response.parse()


def raw_sdk(client: Any) -> Any:
    response = client.beta.threads.runs.with_raw_response.create(THREAD_ID, **CALL_KWARGS)
    assert response.headers["content-type"] == "application/json"
    return response.parse()


# --------------------------------------------------------------------------- checks


def check(subjects: dict[str, tuple[Any, Handler, Callable, Callable]], deltas: int) -> list[str]:
    """Same request on the wire, same run parsed, every event typed: else the timings mean nothing."""
    notes = []
    bodies = {}
    for name, (client, handler, call, stream) in subjects.items():
        run = call(client)
        assert run.id == RUN["id"] and run.usage.total_tokens == 1719 and run.metadata["user_id"] == "user_8f2a", name
        assert run.tools[2].function.name == "get_weather" and run.truncation_strategy.last_messages == 12, name
        assert handler.last_request.url.path == f"/v1/threads/{THREAD_ID}/runs", (name, handler.last_request.url)
        bodies[name] = json.loads(handler.last_body)
        seen: dict[str, int] = {}
        for event in (client.threads.runs.create if name == "ours" else client.beta.threads.runs.create)(THREAD_ID, stream=True, **CALL_KWARGS):
            kind = type(event).__name__
            seen[kind] = seen.get(kind, 0) + 1
            if event.event == "thread.message.delta":
                assert event.data.delta.content[0].text.value, name
        delta_types = [k for k, v in seen.items() if v == deltas]
        assert delta_types and "dict" not in seen and "UnknownEvent" not in seen, (name, seen)
        notes.append(f"{name}: {sum(seen.values())} events as {len(seen)} typed classes, deltas as {delta_types[0]}")
    reference = bodies["ours"]
    for name, body in bodies.items():
        if body != reference:
            diff = sorted(k for k in set(body) | set(reference) if body.get(k) != reference.get(k))
            notes.append(f"request body of {name} differs from ours in: {', '.join(diff)}")
    if all(body == reference for body in bodies.values()):
        notes.append("request bodies: identical JSON for all clients")
    return notes


# --------------------------------------------------------------------------- timing


def per_call(fn: Callable[[Any], Any], client: Any, calls: int) -> tuple[float, float]:
    """(wall s, this process's CPU s) per call."""
    cpu, started = time.process_time(), time.perf_counter()
    for _ in range(calls):
        fn(client)
    return (time.perf_counter() - started) / calls, (time.process_time() - cpu) / calls


def events_per_second(fn: Callable[[Any], int], client: Any) -> tuple[float, float]:
    """(events per wall s, events per CPU s of this process)."""
    cpu, started = time.process_time(), time.perf_counter()
    n = fn(client)
    return n / (time.perf_counter() - started), n / (time.process_time() - cpu)


# --------------------------------------------------------------------------- pagination

OPENAI_SPEC = ROOT.parent / "shared" / "specs" / "openai.yaml"


def page_bodies(total: int, size: int) -> dict[str | None, bytes]:
    """The files.list response for each `after` value: `total` files in pages of `size`."""
    files = [
        {"id": f"file-{n:05d}", "object": "file", "bytes": 1000 + n, "created_at": 1_700_000_000 + n,
         "filename": f"data-{n}.jsonl", "purpose": "fine-tune", "status": "processed", "expires_at": None}
        for n in range(total)
    ]
    bodies: dict[str | None, bytes] = {}
    for start in range(0, total, size):
        page = files[start : start + size]
        after = None if start == 0 else files[start - 1]["id"]
        body = {"object": "list", "data": page, "first_id": page[0]["id"], "last_id": page[-1]["id"], "has_more": start + size < total}
        bodies[after] = json.dumps(body).encode()
    return bodies


def pagination_clients(total: int, size: int) -> dict[str, tuple[Any, list[int]]] | None:
    if not OPENAI_SPEC.is_file():
        return None
    sys.path.insert(0, str(ROOT))
    from generator.config import Target
    from generator.pipeline import generate
    from generator.write import write_tree

    out = _SNAPSHOT / "openai_pages"
    result = generate(Target(spec=OPENAI_SPEC, out=out, package="openai_pages", operations=("listFiles",)), cache_dir=None, jobs=1)
    write_tree(out, result.files)
    import openai_pages  # type: ignore[import-not-found]

    bodies = page_bodies(total, size)

    def handler_for(module: Any) -> tuple[Callable[[Any], Any], list[int]]:
        sent = [0]

        def handler(request: Any) -> Any:
            sent[0] += 1
            body = bodies[request.url.params.get("after")]
            return module.Response(200, headers={"content-type": "application/json"}, content=body)

        return handler, sent

    handler, ours_sent = handler_for(httpx)
    ours = openai_pages.Client(api_key="sk-x", http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0)
    handler, sdk_sent = handler_for(httpx2)
    sdk = openai.OpenAI(api_key="sk-x", http_client=httpx2.Client(transport=httpx2.MockTransport(handler)), max_retries=0)
    return {"ours": (ours, ours_sent), "openai SDK (httpx2.Client)": (sdk, sdk_sent)}


def iterate_files(client: Any, size: int) -> list[str]:
    return [f.id for f in client.files.list(limit=size)]


def bench_pagination(repeats: int, total: int, size: int = 100) -> None:
    subjects = pagination_clients(total, size)
    if subjects is None:
        print(f"\n== pagination: skipped ({OPENAI_SPEC} not found) ==")
        return
    expected = [f"file-{n:05d}" for n in range(total)]
    for name, (client, sent) in subjects.items():
        assert iterate_files(client, size) == expected, name  # also the warm-up
        assert sent[0] == -(-total // size), (name, sent[0])
        sent[0] = 0
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in subjects}
    for r in range(repeats):
        order = list(subjects) if r % 2 == 0 else list(reversed(subjects))
        for name in order:
            times[name].append(per_call(lambda c: iterate_files(c, size), subjects[name][0], 1))
    pages = -(-total // size)
    print(f"\n== pagination: `for f in files.list(limit={size})` over {total:,} files ({pages} pages), {repeats} repeats ==")
    header = f"{'client':<34} {'median ms':>9} {'min ms':>7} {'max ms':>7} {'cpu ms':>7}   {'ours/this: median':>17} {'min':>6} {'cpu':>6}"
    print(header)
    print("-" * len(header))
    ours = times["ours"]
    o_med, o_min, o_cpu = statistics.median(w for w, _ in ours), min(w for w, _ in ours), statistics.median(c for _, c in ours)
    for name, values in times.items():
        med, lo, hi = statistics.median(w for w, _ in values), min(w for w, _ in values), max(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        ratios = ("-", "-", "-") if name == "ours" else (f"{o_med / med:.2f}x", f"{o_min / lo:.2f}x", f"{o_cpu / cpu:.2f}x")
        print(f"{name:<34} {med * 1e3:>9.1f} {lo * 1e3:>7.1f} {hi * 1e3:>7.1f} {cpu * 1e3:>7.1f}   {ratios[0]:>17} {ratios[1]:>6} {ratios[2]:>6}")


# --------------------------------------------------------------------------- import plus first call
# A fresh interpreter for each sample: the time from before the first import to the end of the first
# runs.create (imports, the client, the resource, the request and the parsed Run), as a script pays it.

FIRST_CALL = r"""
import sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import json, warnings
warnings.simplefilter("ignore", DeprecationWarning)
kwargs = json.loads(sys.argv[3]); run = sys.argv[4].encode()
if sys.argv[2] == "ours":
    import httpx
    import openai_client
    transport = httpx.MockTransport(lambda request: httpx.Response(200, headers={"content-type": "application/json"}, content=run))
    client = openai_client.Client(api_key="sk-x", http_client=httpx.Client(transport=transport), max_retries=0)
    if sys.argv[5] == "responses":
        result = client.responses.create(**kwargs)
    else:
        result = client.threads.runs.create("thread_abc", **kwargs)
else:
    import httpx2
    import openai
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, headers={"content-type": "application/json"}, content=run))
    client = openai.OpenAI(api_key="sk-x", http_client=httpx2.Client(transport=transport), max_retries=0)
    if sys.argv[5] == "responses":
        result = client.responses.create(**kwargs)
    else:
        result = client.beta.threads.runs.create("thread_abc", **kwargs)
assert result.id == json.loads(run)["id"], result
print(time.perf_counter() - started)
"""


# `--first-call responses`: `responses.create(model=..., input=...)` answered with a small completed Response
# (the full OpenAI spec's client only: BENCH_RUNTIME_CLIENT): a resource with a large model graph behind it.
RESPONSE = {
    "id": "resp_abc", "object": "response", "created_at": 1_700_000_000, "status": "completed", "model": "gpt-4o",
    "output": [{"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                "content": [{"type": "output_text", "text": "Hello.", "annotations": []}]}],
    "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "error": None, "incomplete_details": None,
    "instructions": None, "metadata": {}, "temperature": 1.0, "top_p": 1.0,
    "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5,
              "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}},
}
RESPONSE_KWARGS = {"model": "gpt-4o", "input": "Say hello."}


def first_call_times(repeats: int, call: str = "runs") -> dict[str, list[float]]:
    """Seconds from the first import to the end of the first call, in fresh processes, ours and the SDK's alternating."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # bytecode cached, as usual
    if call == "responses":
        args = [json.dumps(RESPONSE_KWARGS), json.dumps(RESPONSE), call]
    else:
        args = [json.dumps(CALL_KWARGS), RUN_BYTES.decode(), call]
    times: dict[str, list[float]] = {"ours": [], "sdk": []}
    for r in range(repeats + 1):
        for who in ("ours", "sdk") if r % 2 == 0 else ("sdk", "ours"):
            done = subprocess.run([sys.executable, "-c", FIRST_CALL, str(_SNAPSHOT), who, *args], capture_output=True, text=True, env=env, timeout=120)
            if done.returncode != 0:
                raise SystemExit(f"first call ({who}) failed: {done.stderr.strip().splitlines()[-1:]}")
            if r:  # the first round writes the bytecode of the copied client and is not timed
                times[who].append(float(done.stdout.strip().splitlines()[-1]))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run: a smoke test, not numbers to quote")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats of each measurement (default 9; quick 3)")
    parser.add_argument("--calls", type=int, default=None, help="runs.create calls per repeat (default 400; quick 50)")
    parser.add_argument("--events", type=int, default=None, help="message deltas in the long stream (default 20000; quick 2000)")
    parser.add_argument("--items", type=int, default=None, help="files iterated across pages of 100 (default 10000; quick 2000)")
    parser.add_argument("--first-call-only", action="store_true", help="only import plus first call (fresh processes)")
    parser.add_argument(
        "--first-call", choices=("runs", "responses"), default="runs",
        help="the first call timed by --first-call-only: runs.create (default) or responses.create (full spec's client)",
    )
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 9)
    if args.first_call_only:
        first = first_call_times(repeats, args.first_call)
        for who, values in first.items():
            print(f"{who:<5} import plus first {args.first_call}.create: median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f}, {repeats} fresh processes)")
        print(f"ours/SDK = {statistics.median(first['ours']) / statistics.median(first['sdk']):.2f}x; ours: {_CLIENT}")
        return 0
    calls = args.calls or (50 if args.quick else 400)
    deltas = args.events or (2000 if args.quick else 20000)

    chunks = stream_chunks(deltas)
    subjects: dict[str, tuple[Any, Handler, Callable, Callable]] = {}
    client, handler = make_ours(chunks)
    subjects["ours"] = (client, handler, call_ours, stream_ours)
    client, handler = make_sdk(chunks)
    subjects["openai SDK (httpx2.Client)"] = (client, handler, call_sdk, stream_sdk)
    client, handler = make_sdk(chunks, legacy=True)
    subjects["openai SDK (legacy httpx.Client)"] = (client, handler, call_sdk, stream_sdk)

    print("bench/runtime.py: generated client vs the official openai SDK, in one process over mock transports")
    print(
        f"  openai {openai.__version__}, httpx {httpx.__version__}, httpx2 {httpx2.__version__}, pydantic "
        f"{__import__('pydantic').VERSION}, Python {sys.version.split()[0]}; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f} at start (other processes may share the cores)"
    )
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip() or "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "generated/openai_client"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    if os.environ.get("BENCH_RUNTIME_CLIENT"):
        print(f"  ours: {_CLIENT} (BENCH_RUNTIME_CLIENT) copied at start")
    else:
        print(f"  ours: generated/openai_client (the createRun spec) copied at start (git {head}{' + uncommitted changes' if dirty else ', clean'})")
    print(f"  GC enabled during timed loops; clients alternate within each repeat; medians of {repeats} repeats")
    print(f"  Run JSON {len(RUN_BYTES)} bytes; stream {len(chunks)} events ({deltas} thread.message.delta), {sum(map(len, chunks)) / 1e6:.1f} MB, one chunk per event")
    for note in check(subjects, deltas):
        print(f"  check: {note}")

    # Warm-up: imports, pydantic validators, lazy resources, the transport.
    for client, _, call, stream in subjects.values():
        for _ in range(max(20, calls // 4)):
            call(client)
        stream(client)

    per_call_times: dict[str, list[tuple[float, float]]] = {name: [] for name in subjects}
    for r in range(repeats):
        order = list(subjects) if r % 2 == 0 else list(reversed(subjects))
        for name in order:
            client, _, call, _ = subjects[name]
            per_call_times[name].append(per_call(call, client, calls))
    rates: dict[str, list[tuple[float, float]]] = {name: [] for name in subjects}
    for r in range(repeats):
        order = list(subjects) if r % 2 == 0 else list(reversed(subjects))
        for name in order:
            client, _, _, stream = subjects[name]
            rates[name].append(events_per_second(stream, client))

    sdk_name = "openai SDK (httpx2.Client)"
    raw_calls = {"ours": raw_ours, sdk_name: raw_sdk, "openai SDK (legacy httpx.Client)": raw_sdk}
    for name, (client, _, _, _) in subjects.items():
        assert raw_calls[name](client).id == RUN["id"], name
    raw_times: dict[str, list[tuple[float, float]]] = {name: [] for name in subjects}
    for r in range(repeats):
        for name in list(subjects) if r % 2 == 0 else list(reversed(subjects)):
            raw_times[name].append(per_call(raw_calls[name], subjects[name][0], calls))

    def stats(values: list[tuple[float, float]]) -> tuple[float, float, float, float]:
        wall = [w for w, _ in values]
        return statistics.median(wall), min(wall), max(wall), statistics.median(c for _, c in values)

    sdk = "openai SDK (httpx2.Client)"
    print(f"\n== runs.create: time per call (build + send + parse Run), {calls} calls x {repeats} repeats ==")
    header = f"{'client':<34} {'median us':>9} {'min us':>7} {'max us':>7} {'cpu us':>7}   {'ours/this: median':>17} {'min':>6} {'cpu':>6}"
    print(header)
    print("-" * len(header))
    ours_call = stats(per_call_times["ours"])
    for name, values in per_call_times.items():
        med, lo, hi, cpu = stats(values)
        ratios = ("-", "-", "-") if name == "ours" else (f"{ours_call[0] / med:.2f}x", f"{ours_call[1] / lo:.2f}x", f"{ours_call[3] / cpu:.2f}x")
        print(f"{name:<34} {med * 1e6:>9.0f} {lo * 1e6:>7.0f} {hi * 1e6:>7.0f} {cpu * 1e6:>7.0f}   {ratios[0]:>17} {ratios[1]:>6} {ratios[2]:>6}")

    print(f"\n== streaming runs.create(stream=True): events parsed per second, {len(chunks)} events x {repeats} repeats ==")
    header = f"{'client':<34} {'median ev/s':>11} {'min ev/s':>9} {'max ev/s':>9} {'per cpu s':>9}   {'ours/this: median':>17} {'max':>6} {'cpu':>6}"
    print(header)
    print("-" * len(header))
    ours_rate = stats(rates["ours"])
    for name, values in rates.items():
        med, lo, hi, cpu = stats(values)
        ratios = ("-", "-", "-") if name == "ours" else (f"{ours_rate[0] / med:.2f}x", f"{ours_rate[2] / hi:.2f}x", f"{ours_rate[3] / cpu:.2f}x")
        print(f"{name:<34} {med:>11,.0f} {lo:>9,.0f} {hi:>9,.0f} {cpu:>9,.0f}   {ratios[0]:>17} {ratios[1]:>6} {ratios[2]:>6}")

    print(f"\n== runs.with_raw_response.create(...).parse(): time per call, {calls} calls x {repeats} repeats ==")
    header = f"{'client':<34} {'median us':>9} {'min us':>7} {'max us':>7} {'cpu us':>7}   {'ours/this: median':>17} {'min':>6} {'cpu':>6}"
    print(header)
    print("-" * len(header))
    ours_raw = stats(raw_times["ours"])
    for name, values in raw_times.items():
        med, lo, hi, cpu = stats(values)
        ratios = ("-", "-", "-") if name == "ours" else (f"{ours_raw[0] / med:.2f}x", f"{ours_raw[1] / lo:.2f}x", f"{ours_raw[3] / cpu:.2f}x")
        print(f"{name:<34} {med * 1e6:>9.0f} {lo * 1e6:>7.0f} {hi * 1e6:>7.0f} {cpu * 1e6:>7.0f}   {ratios[0]:>17} {ratios[1]:>6} {ratios[2]:>6}")
    bench_pagination(repeats, args.items or (2000 if args.quick else 10000))
    first = first_call_times(repeats)
    ours_first, sdk_first = statistics.median(first["ours"]), statistics.median(first["sdk"])
    print(f"\n== import plus first runs.create, in a fresh process each, {repeats} repeats ==")
    print(f"{'client':<34} {'median s':>9} {'min s':>7} {'max s':>7}   {'ours/this':>9}")
    for name, values in (("ours", first["ours"]), (sdk, first["sdk"])):
        ratio = "-" if name == "ours" else f"{ours_first / statistics.median(values):.2f}x"
        print(f"{name:<34} {statistics.median(values):>9.3f} {min(values):>7.3f} {max(values):>7.3f}   {ratio:>9}")

    sdk_call, sdk_rate = stats(per_call_times[sdk]), stats(rates[sdk])
    sdk_raw = stats(raw_times[sdk_name])
    print("\n== summary (ours vs the SDK on its native httpx2.Client) ==")
    print(
        f"  runs.create: ours {ours_call[0] * 1e6:.0f} us vs SDK {sdk_call[0] * 1e6:.0f} us per call (median wall): "
        f"ours/SDK = {ours_call[0] / sdk_call[0]:.2f}x time; best runs {ours_call[1] / sdk_call[1]:.2f}x; CPU time {ours_call[3] / sdk_call[3]:.2f}x"
    )
    print(
        f"  streaming:   ours {ours_rate[0]:,.0f} vs SDK {sdk_rate[0]:,.0f} events/s (median wall): "
        f"ours/SDK = {ours_rate[0] / sdk_rate[0]:.2f}x throughput; best runs {ours_rate[2] / sdk_rate[2]:.2f}x; per CPU s {ours_rate[3] / sdk_rate[3]:.2f}x"
    )
    print(
        f"  raw response: ours {ours_raw[0] * 1e6:.0f} us vs SDK {sdk_raw[0] * 1e6:.0f} us per call (median wall): "
        f"ours/SDK = {ours_raw[0] / sdk_raw[0]:.2f}x time; CPU time {ours_raw[3] / sdk_raw[3]:.2f}x"
    )
    print(f"  first call:  ours {ours_first:.3f} s vs SDK {sdk_first:.3f} s from the first import to the first Run (median): ours/SDK = {ours_first / sdk_first:.2f}x")
    print(f"  load average at end {os.getloadavg()[0]:.2f}")
    print("  notes: time ratios below 1 = ours faster; throughput ratios above 1 = ours faster. 'cpu' = this process's")
    print("  CPU time (time.process_time), which other processes on the 2 cores disturb less than wall time; 'min'/'max'")
    print("  = the best repeat of each. Ours validates arguments against the spec's constraints before sending")
    print("  (validate=True, the default); retries are off on all clients.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
