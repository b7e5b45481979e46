"""_sse.SSEDecoder against the WHATWG event-stream rules, sync and async."""

from __future__ import annotations

import asyncio
import random
import re
from typing import AsyncIterator, Iterable

import pytest

from generator.client.runtime._sse import SSEDecoder, ServerSentEvent


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    return list(SSEDecoder().iter_bytes(iter(chunks)))


def adecode(*chunks: bytes) -> list[ServerSentEvent]:
    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def run() -> list[ServerSentEvent]:
        return [event async for event in SSEDecoder().aiter_bytes(source())]

    return asyncio.run(run())


def summary(
    events: Iterable[ServerSentEvent],
) -> list[tuple[str | None, str, str | None, int | None]]:
    return [(e.event, e.data, e.id, e.retry) for e in events]


SAMPLE = (
    b": a comment\n"
    b"event: greeting\n"
    b"id: 1\n"
    b"retry: 1500\n"
    b'data: {"hello": "w\xc3\xb6rld"}\n'
    b"\n"
    b"data: line one\n"
    b"data: line two\n"
    b"\n"
    b"data\n"
    b"\n"
    b"event: ignored-name\n"
    b"\n"
    b"data:no-space\n"
    b"data:  two spaces\n"
    b"\n"
)

SAMPLE_EVENTS = [
    ("greeting", '{"hello": "wörld"}', "1", 1500),
    (None, "line one\nline two", "1", 1500),
    (None, "", "1", 1500),
    (None, "no-space\n two spaces", "1", 1500),
]


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n", b"\r"])
def test_all_line_endings(line_end: bytes) -> None:
    stream = SAMPLE.replace(b"\n", line_end)
    assert summary(decode(stream)) == SAMPLE_EVENTS
    assert summary(adecode(stream)) == SAMPLE_EVENTS


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n", b"\r"])
def test_every_split_point_gives_the_same_events(line_end: bytes) -> None:
    stream = SAMPLE.replace(b"\n", line_end)
    for cut in range(len(stream) + 1):
        assert summary(decode(stream[:cut], stream[cut:])) == SAMPLE_EVENTS, cut
    # And byte by byte, with empty chunks mixed in.
    bytewise = [stream[i : i + 1] for i in range(len(stream))]
    assert summary(decode(*[c for b in bytewise for c in (b, b"")])) == SAMPLE_EVENTS
    assert summary(adecode(*bytewise)) == SAMPLE_EVENTS


def test_cr_at_chunk_end_then_lf_is_one_line_end() -> None:
    # If the CR and LF were counted separately, the blank line would dispatch
    # "a" early and "b" would be a separate event.
    assert summary(decode(b"data: a\r", b"\ndata: b\r\n\r\n")) == [
        (None, "a\nb", None, None)
    ]
    # ...but CR CR is two line ends, i.e. a blank line.
    assert summary(decode(b"data: a\r", b"\rdata: b\r\r")) == [
        (None, "a", None, None),
        (None, "b", None, None),
    ]
    assert summary(decode(b"data: a\r", b"", b"\n", b"\n")) == [(None, "a", None, None)]


def test_comments_and_unknown_fields_are_ignored() -> None:
    stream = b":comment\n: another\nfoo: bar\ndata: x\nDATA: y\n\n"
    assert summary(decode(stream)) == [(None, "x", None, None)]


def test_blank_line_without_data_dispatches_nothing_but_resets_event_name() -> None:
    stream = b"event: first\n\ndata: payload\n\n"
    assert summary(decode(stream)) == [(None, "payload", None, None)]
    assert decode(b"\n\n\n:keepalive\n\n") == []


def test_id_persists_and_id_with_nul_is_ignored() -> None:
    stream = b"id: 7\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\nid\ndata: d\n\n"
    assert [e.id for e in decode(stream)] == ["7", "7", "7", ""]


def test_retry_needs_ascii_digits() -> None:
    for bad in (
        b"retry: 12a\n",
        b"retry: -5\n",
        b"retry: 1.5\n",
        b"retry:\n",
        b"retry: \xd9\xa3\n",
    ):
        assert decode(bad + b"data: x\n\n")[0].retry is None, bad
    assert decode(b"retry: 250\ndata: x\n\n")[0].retry == 250


def test_bom_is_skipped_once_even_split() -> None:
    bom = b"\xef\xbb\xbf"
    assert summary(decode(bom + b"data: x\n\n")) == [(None, "x", None, None)]
    assert summary(decode(b"\xef", b"\xbb", b"\xbfdata: x\n\n")) == [
        (None, "x", None, None)
    ]
    # Only a BOM at the very start is skipped: a second one makes the field
    # name "\ufeffdata", which is unknown and ignored.
    assert decode(bom + bom + b"data: x\n\n") == []
    # Bytes that merely start like a BOM are kept (here they spoil the field name).
    assert decode(b"\xef", b"data: x\n\n") == []
    assert summary(decode(b"\xef", b"\n", b"data: x\n\n")) == [(None, "x", None, None)]
    assert decode(b"\xef") == []


def test_incomplete_event_at_end_is_discarded() -> None:
    assert summary(decode(b"data: a\n\ndata: b\n")) == [(None, "a", None, None)]
    assert summary(decode(b"data: a\n\ndata: b")) == [(None, "a", None, None)]
    assert summary(adecode(b"data: a\n\ndata: b\n")) == [(None, "a", None, None)]


def test_utf8_split_inside_a_character_and_invalid_bytes() -> None:
    text = "data: héllo €\n\n".encode()
    for cut in range(len(text)):
        assert decode(text[:cut], text[cut:])[0].data == "héllo €"
    assert decode(b"data: \xff\n\n")[0].data == "\ufffd"


def test_json_helper() -> None:
    assert decode(b'data: {"a": [1, 2]}\n\n')[0].json() == {"a": [1, 2]}


def test_decoder_is_reusable_across_streams() -> None:
    decoder = SSEDecoder()
    # The first stream ends mid-event; nothing of it may leak into the second.
    assert list(decoder.iter_bytes(iter([b"event: x\ndata: partial"]))) == []
    assert summary(decoder.iter_bytes(iter([b"data: fresh\n\n"]))) == [
        (None, "fresh", None, None)
    ]


# --- differential test against a literal, character-by-character reading of the spec ---


def reference_decode(
    stream: bytes,
) -> list[tuple[str | None, str, str | None, int | None]]:
    text = stream.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = re.split(r"\r\n|\r|\n", text)
    lines.pop()  # the text after the last line end is not a complete line
    events: list[tuple[str | None, str, str | None, int | None]] = []
    data, event, last_id, retry = "", "", None, None
    for line in lines:
        if line == "":
            if data:
                events.append(
                    (
                        event or None,
                        data[:-1] if data.endswith("\n") else data,
                        last_id,
                        retry,
                    )
                )
            data, event = "", ""
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            name, value = line.split(":", 1)
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""
        if name == "event":
            event = value
        elif name == "data":
            data += value + "\n"
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    return events


def random_stream(rng: random.Random) -> bytes:
    pieces = [
        b"data",
        b"data:",
        b"data: ",
        b"event: e",
        b"id: 3",
        b"id",
        b"retry: 9",
        b"retry: x",
        b": c",
        b"",
        b"x",
        b" y",
        b"\xc3\xa9",
        b"\x00",
        b"\r",
        b"\n",
        b"\r\n",
        b"\n\n",
        b"\r\r",
    ]
    return b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))


def test_matches_reference_on_random_streams_and_random_chunking() -> None:
    rng = random.Random(1234)
    for _ in range(3000):
        stream = random_stream(rng)
        expected = reference_decode(stream)
        cuts = sorted(
            rng.sample(range(len(stream) + 1), min(len(stream) + 1, rng.randint(0, 5)))
        )
        chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)])]
        assert summary(decode(*chunks)) == expected, (stream, chunks)
