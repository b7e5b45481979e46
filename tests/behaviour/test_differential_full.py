"""Differential test of the client generated from the whole OpenAI spec against `openai==3.54.0`.

The client is generated once per module from `../shared/specs/openai.yaml` (with the OpenAI target's
`array_format = object_format = "brackets"`), into a temporary folder. Each case calls one operation on
both clients over the same kind of `httpx.MockTransport`; the captured requests must agree on method,
percent-encoded path, decoded query (as a multiset: the order of parameters follows each client's own
signature), content type, and body: JSON parsed (int and float kept apart), a url-encoded form as its
pairs, a multipart body as its parts (name, filename, content type, content). Behaviours (pagination sync
and async, raw and streamed responses, binary downloads, errors, event streams) compare every request
and what the caller gets. The deliberate differences are listed in the README ("Differential test").
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl

import httpx
import pytest

from generator.pipeline import generate
from generator.write import write_tree
from tests.conftest import target_for
from tests.multipart_parts import parts_of

openai = pytest.importorskip("openai")

PACKAGE = "openai_diff"
BASE_URL = "https://api.test/v1"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def ours(openai_spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    target = target_for(openai_spec, package=PACKAGE, array_format="brackets", object_format="brackets")
    result = generate(target, cache_dir=None, jobs=1)
    root = tmp_path_factory.mktemp("differential")
    write_tree(root / PACKAGE, result.files)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


# --- what is compared ------------------------------------------------------------------


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def wire(request: httpx.Request) -> dict[str, Any]:
    """The parts of a request that must match, in comparable form."""
    media = request.headers.get("content-type")
    base = media.partition(";")[0].strip().lower() if media else None
    content = request.content
    body: Any
    if not content:
        body = None
    elif base == "application/json":
        body = canonical(json.loads(content))
    elif base == "multipart/form-data":
        body = sorted((p.name, p.filename, p.content_type, p.data) for p in parts_of(request))
    elif base == "application/x-www-form-urlencoded":
        body = sorted(parse_qsl(content.decode(), keep_blank_values=True))
    else:
        body = content
    if body is None:
        # Deliberate (README): without a body we send no Content-Type; the SDK sends application/json.
        base = None
    return {
        "method": request.method,
        "path": request.url.raw_path.split(b"?")[0],
        "query": sorted(request.url.params.multi_items()),
        "content_type": base,
        "body": body,
    }


def differences(mine: httpx.Request, theirs: httpx.Request) -> list[str]:
    a, b = wire(mine), wire(theirs)
    return [f"{key}: ours={a[key]!r} sdk={b[key]!r}" for key in a if a[key] != b[key]]


GENERIC = {"object": "list", "data": [], "has_more": False, "first_id": None, "last_id": None, "id": "x_1", "deleted": True}
EMBEDDINGS = {"object": "list", "model": "m", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "usage": {"prompt_tokens": 1, "total_tokens": 1}}
DOWNLOAD = b"\x00binary\xffcontent"


def answer_json(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=GENERIC, headers={"x-request-id": "req_1"})


def answer_binary(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=DOWNLOAD, headers={"content-type": "application/octet-stream"})


class Recorder:
    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)


def pair(ours: Any, answer: Callable[[httpx.Request], httpx.Response] = answer_json) -> tuple[Any, Any, Recorder, Recorder]:
    mine, theirs = Recorder(answer), Recorder(answer)
    options = dict(api_key="sk-test", base_url=BASE_URL, max_retries=0)
    client = ours.Client(http_client=httpx.Client(transport=httpx.MockTransport(mine)), **options)
    sdk = openai.OpenAI(http_client=httpx.Client(transport=httpx.MockTransport(theirs)), **options)
    return client, sdk, mine, theirs


def async_pair(ours: Any, answer: Callable[[httpx.Request], httpx.Response] = answer_json) -> tuple[Any, Any, Recorder, Recorder]:
    mine, theirs = Recorder(answer), Recorder(answer)
    options = dict(api_key="sk-test", base_url=BASE_URL, max_retries=0)
    client = ours.AsyncClient(http_client=httpx.AsyncClient(transport=httpx.MockTransport(mine)), **options)
    sdk = openai.AsyncOpenAI(http_client=httpx.AsyncClient(transport=httpx.MockTransport(theirs)), **options)
    return client, sdk, mine, theirs


def resolve(root: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        root = getattr(root, part)
    return root


# --- the operation cases ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    ours: str  # our method, client.<ours>
    sdk: str | None = None  # the SDK's, when it lives elsewhere
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    binary: bool = False
    # Our arguments, where our signature differs (the same values on the wire).
    ours_kwargs: dict[str, Any] | None = None
    answer: Callable[[httpx.Request], httpx.Response] | None = None

    @property
    def id(self) -> str:
        return self.ours + ("" if not self.kwargs else "[" + ",".join(sorted(self.kwargs)) + "]")


FILE = ("data.jsonl", b'{"a": 1}\n', "application/jsonl")
PNG = ("image.png", b"\x89PNG\r\n\x1a\nimage", "image/png")
AUDIO = ("speech.mp3", b"ID3audio", "audio/mpeg")
VIDEO = ("clip.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")
TOOLS = [{"type": "code_interpreter"}, {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}]
MESSAGES = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": [{"type": "text", "text": "Hi"}]}]
INPUT_ITEMS = [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}]

CASES = [
    # assistants, threads, messages, runs, steps
    Case("assistants.create", "beta.assistants.create", kwargs={"model": "gpt-4o", "name": "A", "tools": TOOLS, "metadata": {"k": "v"}, "temperature": 1}),
    Case("assistants.retrieve", "beta.assistants.retrieve", ("asst_1",)),
    Case("assistants.update", "beta.assistants.update", ("asst_1",), {"instructions": "Be brief.", "top_p": 0.5}),
    Case("assistants.list", "beta.assistants.list", kwargs={"limit": 5, "order": "asc", "after": "asst_0"}),
    Case("assistants.delete", "beta.assistants.delete", ("asst_1",)),
    Case("threads.create", "beta.threads.create", kwargs={"messages": MESSAGES[:1], "metadata": {"a": "b"}}),
    Case("threads.retrieve", "beta.threads.retrieve", ("thread_1",)),
    Case("threads.update", "beta.threads.update", ("thread_1",), {"metadata": {"x": "y"}}),
    Case("threads.delete", "beta.threads.delete", ("thread_1",)),
    Case("threads.runs.create_and_run", "beta.threads.create_and_run", kwargs={"assistant_id": "asst_1", "thread": {"messages": MESSAGES[:1]}, "max_prompt_tokens": 300}),
    Case("threads.messages.create", "beta.threads.messages.create", ("thread_1",), {"role": "user", "content": "Hi", "attachments": [{"file_id": "f", "tools": [{"type": "file_search"}]}]}),
    Case("threads.messages.retrieve", "beta.threads.messages.retrieve", ("msg_1",), {"thread_id": "thread_1"}),
    Case("threads.messages.update", "beta.threads.messages.update", ("msg_1",), {"thread_id": "thread_1", "metadata": {"k": "v"}}),
    Case("threads.messages.list", "beta.threads.messages.list", ("thread_1",), {"limit": 3, "run_id": "run_1", "order": "desc"}),
    Case("threads.messages.delete", "beta.threads.messages.delete", ("msg_1",), {"thread_id": "thread_1"}),
    Case("threads.runs.create", "beta.threads.runs.create", ("thread_1",), {"assistant_id": "asst_1", "include": ["step_details.tool_calls[*].file_search.results[*].content"], "tools": TOOLS}),
    Case("threads.runs.retrieve", "beta.threads.runs.retrieve", ("run_1",), {"thread_id": "thread_1"}),
    Case("threads.runs.update", "beta.threads.runs.update", ("run_1",), {"thread_id": "thread_1", "metadata": {"k": "v"}}),
    Case("threads.runs.list", "beta.threads.runs.list", ("thread_1",), {"limit": 2, "before": "run_9"}),
    Case("threads.runs.cancel", "beta.threads.runs.cancel", ("run_1",), {"thread_id": "thread_1"}),
    Case("threads.runs.submit_tool_outputs", "beta.threads.runs.submit_tool_outputs", ("run_1",), {"thread_id": "thread_1", "tool_outputs": [{"tool_call_id": "c1", "output": "42"}]}),
    Case("threads.runs.steps.list", "beta.threads.runs.steps.list", ("run_1",), {"thread_id": "thread_1", "include": ["step_details.tool_calls[*].file_search.results[*].content"], "limit": 4}),
    Case("threads.runs.steps.retrieve", "beta.threads.runs.steps.retrieve", ("step_1",), {"thread_id": "thread_1", "run_id": "run_1", "include": ["step_details.tool_calls[*].file_search.results[*].content"]}),
    # audio (multipart uploads with arrays)
    Case("audio.speech.create", kwargs={"model": "gpt-4o-mini-tts", "input": "Hello", "voice": "alloy", "speed": 1.5}, binary=True),
    Case("audio.transcriptions.create", kwargs={"file": AUDIO, "model": "whisper-1", "response_format": "verbose_json", "timestamp_granularities": ["word", "segment"], "temperature": 0.2}),
    Case("audio.transcriptions.create", kwargs={"file": AUDIO, "model": "gpt-4o-transcribe", "include": ["logprobs"], "chunking_strategy": {"type": "server_vad", "threshold": 0.5}}),
    Case("audio.translations.create", kwargs={"file": AUDIO, "model": "whisper-1", "prompt": "Translate"}),
    Case("audio.voice_consents.create", kwargs={"name": "Me", "language": "en", "recording": AUDIO}),
    # batches, files, uploads
    Case("batches.create", kwargs={"input_file_id": "file_1", "endpoint": "/v1/chat/completions", "completion_window": "24h", "metadata": {"k": "v"}}),
    Case("batches.retrieve", args=("batch_1",)),
    Case("batches.cancel", args=("batch_1",)),
    Case("batches.list", kwargs={"limit": 10, "after": "batch_0"}),
    Case("files.create", kwargs={"file": FILE, "purpose": "batch", "expires_after": {"anchor": "created_at", "seconds": 3600}}),
    Case("files.retrieve", args=("file_1",)),
    Case("files.delete", args=("file_1",)),
    Case("files.list", kwargs={"purpose": "assistants", "limit": 20, "order": "asc"}),
    Case("files.content", args=("file_1",), binary=True),
    Case("uploads.create", kwargs={"filename": "big.jsonl", "purpose": "batch", "bytes": 1024, "mime_type": "text/jsonl"}),
    Case("uploads.parts.create", args=("upload_1",), kwargs={"data": ("part", b"chunk-bytes")}),
    Case("uploads.complete", args=("upload_1",), kwargs={"part_ids": ["part_1", "part_2"], "md5": "abc"}),
    Case("uploads.cancel", args=("upload_1",)),
    # chat, completions, embeddings, moderations, models
    Case("chat.completions.create", kwargs={"model": "gpt-4o", "messages": MESSAGES, "temperature": 0.5, "max_tokens": 16, "stop": ["\n"], "logit_bias": {"50256": -100}}),
    Case("chat.completions.retrieve", args=("chatcmpl_1",)),
    Case("chat.completions.update", args=("chatcmpl_1",), kwargs={"metadata": {"k": "v"}}),
    Case("chat.completions.list", kwargs={"model": "gpt-4o", "metadata": {"team": "qa"}, "limit": 3}),
    Case("chat.completions.delete", args=("chatcmpl_1",)),
    Case("chat.completions.messages.list", args=("chatcmpl_1",), kwargs={"limit": 5, "order": "asc"}),
    Case("completions.create", kwargs={"model": "gpt-3.5-turbo-instruct", "prompt": ["a", "b"], "max_tokens": 5, "echo": True}),
    Case("embeddings.create", kwargs={"model": "text-embedding-3-small", "input": ["one", "two"], "dimensions": 256, "encoding_format": "float"}, answer=lambda r: httpx.Response(200, json=EMBEDDINGS)),
    Case("moderations.create", kwargs={"input": "text", "model": "omni-moderation-latest"}),
    Case("models.list"),
    Case("models.retrieve", args=("gpt-4o",)),
    Case("models.delete", args=("ft:gpt-4o:acme::x1",)),
    # containers
    Case("containers.create", kwargs={"name": "box", "file_ids": ["file_1"], "expires_after": {"anchor": "last_active_at", "minutes": 20}}),
    Case("containers.retrieve", args=("cntr_1",)),
    Case("containers.list", kwargs={"limit": 2, "order": "desc"}),
    Case("containers.delete", args=("cntr_1",)),
    Case("containers.files.create", args=("cntr_1",), kwargs={"file": FILE}),
    Case("containers.files.create", args=("cntr_1",), kwargs={"file_id": "file_1"}),
    Case("containers.files.retrieve", args=("cfile_1",), kwargs={"container_id": "cntr_1"}),
    Case("containers.files.list", args=("cntr_1",), kwargs={"limit": 3}),
    Case("containers.files.delete", args=("cfile_1",), kwargs={"container_id": "cntr_1"}),
    Case("containers.files.content", "containers.files.content.retrieve", ("cfile_1",), {"container_id": "cntr_1"}, binary=True),
    # conversations
    Case("conversations.create", kwargs={"items": INPUT_ITEMS, "metadata": {"k": "v"}}),
    Case("conversations.retrieve", args=("conv_1",)),
    Case("conversations.update", args=("conv_1",), kwargs={"metadata": {"k": "w"}}),
    Case("conversations.delete", args=("conv_1",)),
    Case("conversations.items.create", args=("conv_1",), kwargs={"items": INPUT_ITEMS, "include": ["message.output_text.logprobs"]}),
    Case("conversations.items.list", args=("conv_1",), kwargs={"include": ["message.output_text.logprobs", "reasoning.encrypted_content"], "limit": 5}),
    Case("conversations.items.retrieve", args=("item_1",), kwargs={"conversation_id": "conv_1", "include": ["message.output_text.logprobs"]}),
    Case("conversations.items.delete", args=("item_1",), kwargs={"conversation_id": "conv_1"}),
    # evals
    Case("evals.create", kwargs={"name": "e", "data_source_config": {"type": "custom", "item_schema": {"type": "object"}}, "testing_criteria": [{"type": "string_check", "name": "s", "input": "{{a}}", "reference": "b", "operation": "eq"}]}),
    Case("evals.retrieve", args=("eval_1",)),
    Case("evals.update", args=("eval_1",), kwargs={"name": "renamed"}),
    Case("evals.list", kwargs={"limit": 2, "order_by": "updated_at"}),
    Case("evals.delete", args=("eval_1",)),
    Case("evals.runs.list", args=("eval_1",), kwargs={"status": "completed", "limit": 1}),
    Case("evals.runs.retrieve", args=("run_1",), kwargs={"eval_id": "eval_1"}),
    Case("evals.runs.delete", args=("run_1",), kwargs={"eval_id": "eval_1"}),
    Case("evals.runs.output_items.list", args=("run_1",), kwargs={"eval_id": "eval_1", "status": "fail"}),
    Case("evals.runs.output_items.retrieve", args=("oi_1",), kwargs={"eval_id": "eval_1", "run_id": "run_1"}),
    # fine-tuning
    Case("fine_tuning.jobs.create", kwargs={"model": "gpt-4o-mini", "training_file": "file_1", "suffix": "x", "metadata": {"k": "v"}}),
    Case("fine_tuning.jobs.list", kwargs={"limit": 2, "metadata": {"team": "qa", "env": "ci"}}),
    Case("fine_tuning.jobs.retrieve", args=("ftjob_1",)),
    Case("fine_tuning.jobs.cancel", args=("ftjob_1",)),
    Case("fine_tuning.jobs.pause", args=("ftjob_1",)),
    Case("fine_tuning.jobs.resume", args=("ftjob_1",)),
    Case("fine_tuning.jobs.events.list", "fine_tuning.jobs.list_events", ("ftjob_1",), {"limit": 3}),
    Case("fine_tuning.jobs.checkpoints.list", args=("ftjob_1",), kwargs={"limit": 3}),
    Case("fine_tuning.checkpoints.permissions.create", args=("ft:gpt-4o:acme::ckpt",), kwargs={"project_ids": ["proj_1", "proj_2"]}),
    Case("fine_tuning.checkpoints.permissions.delete", args=("perm_1",), kwargs={"fine_tuned_model_checkpoint": "ft:gpt-4o:acme::ckpt"}),
    # images (multipart with files, lists of files)
    Case("images.generations.create", "images.generate", kwargs={"prompt": "a cat", "n": 2, "size": "1024x1024", "quality": "high"}),
    Case("images.edits.create", "images.edit", kwargs={"image": PNG, "prompt": "add a hat", "n": 1, "size": "1024x1024"}),
    Case("images.edits.create", "images.edit", kwargs={"image": [PNG, ("b.png", b"second", "image/png")], "prompt": "merge", "mask": PNG}),
    Case("images.variations.create", "images.create_variation", kwargs={"image": PNG, "n": 2, "response_format": "b64_json"}),
    # responses
    Case("responses.create", kwargs={"model": "gpt-4o", "input": "hi", "include": ["reasoning.encrypted_content"], "metadata": {"k": "v"}, "max_output_tokens": 64}),
    Case("responses.retrieve", args=("resp_1",), kwargs={"include": ["message.output_text.logprobs"], "starting_after": 3}),
    Case("responses.delete", args=("resp_1",)),
    Case("responses.cancel", args=("resp_1",)),
    Case("responses.input_items.list", args=("resp_1",), kwargs={"limit": 3, "include": ["message.output_text.logprobs"]}),
    Case("responses.input_tokens.create", "responses.input_tokens.count", kwargs={"model": "gpt-4o", "input": "hello"}),
    # realtime
    Case("realtime.client_secrets.create", kwargs={"expires_after": {"anchor": "created_at", "seconds": 600}, "session": {"type": "realtime", "model": "gpt-realtime"}}),
    Case("realtime.calls.create", kwargs={"sdp": "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", "session": {"type": "realtime", "model": "gpt-realtime", "instructions": "Hi"}}, answer=lambda r: httpx.Response(201, text="v=0\r\n", headers={"content-type": "application/sdp"})),
    Case("realtime.calls.accept", args=("call_1",), kwargs={"type": "realtime", "model": "gpt-realtime", "instructions": "Be kind"}),
    Case("realtime.calls.hangup", args=("call_1",)),
    Case("realtime.calls.refer", args=("call_1",), kwargs={"target_uri": "tel:+14155550123"}),
    Case("realtime.calls.reject", args=("call_1",), kwargs={"status_code": 486}),
    # vector stores
    Case("vector_stores.create", kwargs={"name": "vs", "file_ids": ["file_1"], "expires_after": {"anchor": "last_active_at", "days": 3}, "metadata": {"k": "v"}}),
    Case("vector_stores.retrieve", args=("vs_1",)),
    Case("vector_stores.update", args=("vs_1",), kwargs={"name": "renamed"}),
    Case("vector_stores.list", kwargs={"limit": 2, "after": "vs_0"}),
    Case("vector_stores.delete", args=("vs_1",)),
    Case("vector_stores.search", args=("vs_1",), kwargs={"query": ["a", "b"], "max_num_results": 5, "filters": {"type": "eq", "key": "k", "value": 3}}),
    Case("vector_stores.files.create", args=("vs_1",), kwargs={"file_id": "file_1", "attributes": {"k": "v", "n": 1.5}}),
    Case("vector_stores.files.retrieve", args=("file_1",), kwargs={"vector_store_id": "vs_1"}),
    Case("vector_stores.files.update", args=("file_1",), kwargs={"vector_store_id": "vs_1", "attributes": {"flag": True}}),
    Case("vector_stores.files.list", args=("vs_1",), kwargs={"filter": "completed", "limit": 10}),
    Case("vector_stores.files.delete", args=("file_1",), kwargs={"vector_store_id": "vs_1"}),
    Case("vector_stores.files.content.list", "vector_stores.files.content", ("file_1",), {"vector_store_id": "vs_1"}),
    # The spec's body is a union (file_ids or files), which we take whole as `body=`; the SDK flattens it.
    Case("vector_stores.file_batches.create", args=("vs_1",), kwargs={"file_ids": ["file_1", "file_2"]}),
    Case("vector_stores.file_batches.retrieve", args=("vsfb_1",), kwargs={"vector_store_id": "vs_1"}),
    Case("vector_stores.file_batches.cancel", args=("vsfb_1",), kwargs={"vector_store_id": "vs_1"}),
    Case("vector_stores.file_batches.files.list", "vector_stores.file_batches.list_files", ("vsfb_1",), {"vector_store_id": "vs_1", "filter": "failed"}),
    # videos
    Case("videos.create", kwargs={"prompt": "a wave", "model": "sora-2", "input_reference": PNG, "seconds": "4"}),
    Case("videos.retrieve", args=("video_1",)),
    Case("videos.list", kwargs={"limit": 2, "order": "asc"}),
    Case("videos.delete", args=("video_1",)),
    Case("videos.remix", args=("video_1",), kwargs={"prompt": "at night"}),
    Case("videos.content", "videos.download_content", ("video_1",), {"variant": "thumbnail"}, binary=True),
    Case("videos.edits.create", "videos.edit", kwargs={"prompt": "brighter", "video": VIDEO}),
    Case("videos.extensions.create", "videos.extend", kwargs={"prompt": "longer", "seconds": "8", "video": VIDEO}),
    Case("audio.voices.create", kwargs={"name": "v", "consent": "cons_1", "audio_sample": AUDIO}),
    Case("videos.characters.create", "videos.create_character", kwargs={"name": "hero", "video": VIDEO}),
    # skills
    Case("skills.create", kwargs={"files": [("SKILL.md", b"# skill", "text/markdown"), ("run.py", b"print(1)", "text/x-python")]}),
    Case("skills.retrieve", args=("skill_1",)),
    Case("skills.list", kwargs={"limit": 2}),
    Case("skills.delete", args=("skill_1",)),
    Case("skills.content", "skills.content.retrieve", ("skill_1",), binary=True),
    Case("skills.versions.create", args=("skill_1",), kwargs={"files": ("bundle.zip", b"PK\x03\x04zip", "application/zip")}),
    Case("skills.versions.list", args=("skill_1",), kwargs={"limit": 1}),
    Case("skills.versions.content", "skills.versions.content.retrieve", ("1",), {"skill_id": "skill_1"}, binary=True),
    # content provenance, chatkit
    Case("content_provenance_checks.create", kwargs={"file": PNG}),
    Case("chatkit.threads.list", "beta.chatkit.threads.list", kwargs={"limit": 2, "user": "u_1"}),
    Case("chatkit.threads.retrieve", "beta.chatkit.threads.retrieve", ("cthr_1",)),
    Case("chatkit.threads.delete", "beta.chatkit.threads.delete", ("cthr_1",)),
    Case("chatkit.sessions.cancel", "beta.chatkit.sessions.cancel", ("cksess_1",)),
]


def call(case: Case, client: Any, sdk: Any) -> tuple[Any, Any]:
    mine = resolve(client, case.ours)(*case.args, **(case.kwargs if case.ours_kwargs is None else case.ours_kwargs))
    theirs = resolve(sdk, case.sdk or case.ours)(*case.args, **case.kwargs)
    return mine, theirs


def test_enough_operations_are_compared() -> None:
    assert len({case.ours for case in CASES}) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_operation_sends_what_the_sdk_sends(ours: Any, case: Case) -> None:
    client, sdk, mine, theirs = pair(ours, case.answer or (answer_binary if case.binary else answer_json))
    got, expected = call(case, client, sdk)
    assert len(mine.requests) == len(theirs.requests) == 1
    assert differences(mine.requests[0], theirs.requests[0]) == []
    if case.binary:
        assert got.content == expected.content == DOWNLOAD


def test_the_comparison_sees_a_difference(ours: Any) -> None:
    """Each compared part, changed on one side, is reported (and only that part)."""
    case = next(c for c in CASES if c.ours == "files.create")
    client, sdk, mine, theirs = pair(ours)
    client.files.create(file=("other.jsonl", FILE[1], FILE[2]), purpose="batch", expires_after={"anchor": "created_at", "seconds": 3600})
    resolve(sdk, case.ours)(**case.kwargs)
    assert [line.split(":")[0] for line in differences(mine.requests[0], theirs.requests[0])] == ["body"]
    client, sdk, mine, theirs = pair(ours)
    client.files.list(purpose="assistants", limit=21, order="asc")
    sdk.files.list(purpose="assistants", limit=20, order="asc")
    assert [line.split(":")[0] for line in differences(mine.requests[0], theirs.requests[0])] == ["query"]
    client, sdk, mine, theirs = pair(ours)
    client.with_options(validate=False).embeddings.create(model="m", input=["one"], dimensions=256.0)
    with pytest.raises(ValueError):  # the SDK wants embeddings in the (generic) answer; the request is sent
        sdk.embeddings.create(model="m", input=["one"], dimensions=256)
    assert [line.split(":")[0] for line in differences(mine.requests[0], theirs.requests[0])] == ["body"]


def test_a_path_given_for_a_file_is_read_and_sent_under_its_name(ours: Any, tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b'{"x": 1}\n')
    client, sdk, mine, theirs = pair(ours)
    client.files.create(file=path, purpose="batch")
    sdk.files.create(file=path, purpose="batch")
    assert differences(mine.requests[0], theirs.requests[0]) == []
    (part,) = [p for p in parts_of(mine.requests[0]) if p.name == "file"]
    assert (part.filename, part.data) == ("notes.jsonl", b'{"x": 1}\n')
    assert str(tmp_path).encode() not in mine.requests[0].content


# --- behaviours -----------------------------------------------------------------------------

PAGES = [{"id": f"file-{n}", "object": "file", "bytes": n, "created_at": n, "filename": f"f{n}", "purpose": "batch", "status": "processed"} for n in range(5)]


def answer_pages(request: httpx.Request) -> httpx.Response:
    after = request.url.params.get("after")
    start = 0 if after is None else [i["id"] for i in PAGES].index(after) + 1
    size = int(request.url.params.get("limit", "20"))
    page = PAGES[start : start + size]
    return httpx.Response(200, json={"object": "list", "data": page, "first_id": page[0]["id"] if page else None, "last_id": page[-1]["id"] if page else None, "has_more": start + size < len(PAGES)})


def all_differences(mine: Recorder, theirs: Recorder) -> list[str]:
    if len(mine.requests) != len(theirs.requests):
        return [f"requests: ours={len(mine.requests)} sdk={len(theirs.requests)}"]
    return [line for a, b in zip(mine.requests, theirs.requests) for line in differences(a, b)]


def test_pagination_sync(ours: Any) -> None:
    client, sdk, mine, theirs = pair(ours, answer_pages)
    got = [f.id for f in client.files.list(limit=2, purpose="batch")]
    expected = [f.id for f in sdk.files.list(limit=2, purpose="batch")]
    assert got == expected == [p["id"] for p in PAGES]
    assert all_differences(mine, theirs) == [] and len(mine.requests) == 3
    pages = [[f.id for f in page.data] for page in client.files.list(limit=2).iter_pages()]
    assert pages == [[f.id for f in page.data] for page in sdk.files.list(limit=2).iter_pages()]
    assert all_differences(mine, theirs) == []


def test_pagination_async(ours: Any) -> None:
    async def run() -> tuple[list[str], list[str], list[str]]:
        client, sdk, mine, theirs = async_pair(ours, answer_pages)
        got = [f.id async for f in client.files.list(limit=2)]
        expected = [f.id async for f in sdk.files.list(limit=2)]
        return got, expected, all_differences(mine, theirs)

    got, expected, found = asyncio.run(run())
    assert got == expected == [p["id"] for p in PAGES] and found == []


def test_raw_and_streamed_responses(ours: Any) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/content"):
            return answer_binary(request)
        return httpx.Response(200, json=PAGES[0], headers={"x-request-id": "req_raw"})

    client, sdk, mine, theirs = pair(ours, answer)
    raw, sdk_raw = client.files.with_raw_response.retrieve("file-0"), sdk.files.with_raw_response.retrieve("file-0")
    assert (raw.status_code, raw.headers["x-request-id"]) == (sdk_raw.status_code, sdk_raw.headers["x-request-id"])
    assert raw.parse().to_dict() == sdk_raw.parse().to_dict() == PAGES[0]
    with client.files.with_streaming_response.content("file-0") as streamed, sdk.files.with_streaming_response.content("file-0") as sdk_streamed:
        assert b"".join(streamed.iter_bytes()) == b"".join(sdk_streamed.iter_bytes()) == DOWNLOAD
    assert all_differences(mine, theirs) == [] and len(mine.requests) == 2


def test_errors(ours: Any) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"message": "No such file", "type": "invalid_request_error", "code": "not_found", "param": None}})

    client, sdk, mine, theirs = pair(ours, answer)
    with pytest.raises(ours.APIStatusError) as caught:
        client.files.retrieve("file-9")
    with pytest.raises(openai.APIStatusError) as sdk_caught:
        sdk.files.retrieve("file-9")
    assert type(caught.value).__name__ == type(sdk_caught.value).__name__ == "NotFoundError"
    assert caught.value.status_code == sdk_caught.value.status_code == 404
    assert all_differences(mine, theirs) == []


def test_event_streams(ours: Any) -> None:
    events = [
        {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1", "object": "response", "created_at": 1, "status": "in_progress", "model": "gpt-4o", "output": []}},
        {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "i", "output_index": 0, "content_index": 0, "delta": "Hi", "logprobs": []},
    ]
    body = b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    client, sdk, mine, theirs = pair(ours, answer)
    with client.responses.create(model="gpt-4o", input="hi", stream=True) as stream:
        got = [(e.type, e.sequence_number) for e in stream]
    with sdk.responses.create(model="gpt-4o", input="hi", stream=True) as sdk_stream:
        expected = [(e.type, e.sequence_number) for e in sdk_stream]
    assert got == expected == [("response.created", 0), ("response.output_text.delta", 1)]
    # Deliberate (README): ours asks for `text/event-stream`, the SDK for JSON; the rest is the same.
    assert all_differences(mine, theirs) == []


def test_deliberate_json_without_a_file_where_the_spec_offers_json(ours: Any) -> None:
    """README, deliberate difference: `videos.create` without a file goes out as JSON, which the spec
    offers beside multipart; the SDK always sends multipart. Everything else about the request is the same."""
    client, sdk, mine, theirs = pair(ours)
    arguments = {"prompt": "a cat", "seconds": "8", "size": "1280x720"}
    client.videos.create(**arguments)
    sdk.videos.create(**arguments)
    a, b = wire(mine.requests[0]), wire(theirs.requests[0])
    assert (a["content_type"], b["content_type"]) == ("application/json", "multipart/form-data")
    assert json.loads(a["body"]) == arguments
    assert b["body"] == sorted((k, None, None, v.encode()) for k, v in arguments.items())
    assert {k: a[k] for k in ("method", "path", "query")} == {k: b[k] for k in ("method", "path", "query")}


def test_async_uploads_and_raw_responses(ours: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    path.write_bytes(b"ID3-async")

    async def run() -> tuple[list[str], Any, Any]:
        client, sdk, mine, theirs = async_pair(ours)
        upload = dict(file=path, model="whisper-1", response_format="verbose_json", timestamp_granularities=["word"])
        await client.audio.transcriptions.create(**upload)
        await sdk.audio.transcriptions.create(**upload)
        raw = await client.files.with_raw_response.list(limit=1)
        sdk_raw = await sdk.files.with_raw_response.list(limit=1)
        return all_differences(mine, theirs), raw.status_code, sdk_raw.status_code

    found, status, sdk_status = asyncio.run(run())
    assert found == [] and status == sdk_status == 200
