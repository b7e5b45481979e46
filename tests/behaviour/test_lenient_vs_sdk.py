"""Drifting responses read the same through the generated client as through the official SDK.

The SDK (`openai==3.54.0`) builds responses without validation; ours validates and
keeps what does not validate. For the same drifting body both must give back the
wire data, and the same values where the spec is broken.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

openai = pytest.importorskip("openai")

from openai_client import Client  # noqa: E402

from .support import API_KEY, BASE_URL, Recorder, json_response, sse_event, sse_response  # noqa: E402
from .test_client_lenient import DRIFTS  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    # The SDK's to_dict warns about the values that break the schema; ours does not.
    pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning"),
]


def sdk_run(body: Any) -> Any:
    rec = Recorder(json_response(200, body))
    with openai.OpenAI(api_key=API_KEY, base_url=BASE_URL, max_retries=0, http_client=httpx.Client(transport=rec.transport)) as client:
        return client.beta.threads.runs.create("thread_abc", assistant_id="asst_abc")


def our_run(body: Any) -> Any:
    rec = Recorder(json_response(200, body))
    with Client(api_key=API_KEY, base_url=BASE_URL, max_retries=0, http_client=httpx.Client(transport=rec.transport)) as client:
        return client.threads.runs.create("thread_abc", assistant_id="asst_abc")


def plain(value: Any) -> Any:
    """A value with models turned into their wire dicts, for comparing across the two clients."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_drifting_response_reads_as_the_sdk_reads_it(drift: str) -> None:
    body = DRIFTS[drift]
    ours, sdk = our_run(body), sdk_run(body)
    assert ours.to_dict() == sdk.to_dict() == body
    # Every field of the spec, read as an attribute, holds the same value in both.
    for name in type(ours).model_fields:
        if name in body:
            assert plain(getattr(ours, name)) == plain(getattr(sdk, name)), name


def test_drifting_stream_event_reads_as_the_sdk_reads_it() -> None:
    data = DRIFTS["null_required_string"]
    text = sse_event("thread.run.created", data)

    def events(client: Any, create: Any) -> list[Any]:
        with client, create(client) as stream:
            return [(event.event, event.data.instructions, event.data.to_dict()) for event in stream]

    ours = events(
        Client(api_key=API_KEY, base_url=BASE_URL, http_client=httpx.Client(transport=Recorder(sse_response(text)).transport)),
        lambda c: c.threads.runs.create("thread_abc", assistant_id="asst_abc", stream=True),
    )
    sdk = events(
        openai.OpenAI(api_key=API_KEY, base_url=BASE_URL, http_client=httpx.Client(transport=Recorder(sse_response(text)).transport)),
        lambda c: c.beta.threads.runs.create("thread_abc", assistant_id="asst_abc", stream=True),
    )
    assert ours == sdk == [("thread.run.created", None, data)]
