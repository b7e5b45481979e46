"""Server-sent events decoder following the WHATWG "event stream interpretation".

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

Speed matters here (every streamed token passes through it), so the decoder
works on bytes with bytes methods: line ends are normalised per chunk with
`replace`, lines are cut with one `split`, and text is decoded once per field
(data lines are joined and decoded once per event).  UTF-8 decoding per field
is equivalent to decoding the stream, because line ends are ASCII and so never
split a multi-byte character.
"""

from __future__ import annotations

import json
from typing import Any, AsyncIterator, Iterator

__all__ = ["SSEDecoder", "SSETooLargeError", "ServerSentEvent"]

_BOM = b"\xef\xbb\xbf"
_LF = 10
_CR = 13
_COLON = 58


class ServerSentEvent:
    """One dispatched event.

    `id` is the stream's last event ID when the event was dispatched (it carries
    over from earlier events, as the spec says); `retry` is the reconnection
    time most recently set by a valid `retry` field, or None.
    """

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self,
        event: str | None = None,
        data: str = "",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry

    def json(self) -> Any:
        return json.loads(self.data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.event, self.data, self.id, self.retry) == (
            other.event,
            other.data,
            other.id,
            other.retry,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, "
            f"id={self.id!r}, retry={self.retry!r})"
        )


class SSETooLargeError(ValueError):
    """A line, or the data of one event, is longer than the decoder's limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"a server-sent event line or event is larger than {limit} bytes")
        self.limit = limit


class SSEDecoder:
    """Turns a stream of byte chunks into ServerSentEvents.

    The decoder itself holds no state: each `iter_bytes`/`aiter_bytes` call
    parses its own stream, so one decoder may serve many streams.  With
    `max_bytes`, a line longer than that, or an event whose data lines add up
    to more, raises `SSETooLargeError` instead of growing without bound.
    """

    def __init__(self, max_bytes: int | None = None) -> None:
        self._max = max_bytes

    def iter_bytes(self, chunks: Iterator[bytes]) -> Iterator[ServerSentEvent]:
        parser = _Parser(self._max)
        for chunk in chunks:
            events = parser.feed(chunk)
            if events:
                yield from events
        # End of stream: an unterminated line or an event without its blank
        # line is incomplete and is discarded, as the spec requires.

    async def aiter_bytes(
        self, chunks: AsyncIterator[bytes]
    ) -> AsyncIterator[ServerSentEvent]:
        parser = _Parser(self._max)
        async for chunk in chunks:
            for event in parser.feed(chunk):
                yield event


class _Parser:
    """State of one stream: the unfinished line and the event being built."""

    __slots__ = (
        "_at_start",
        "_data",
        "_data_size",
        "_event",
        "_last_id",
        "_max",
        "_pending",
        "_pending_size",
        "_retry",
        "_skip_lf",
    )

    def __init__(self, max_bytes: int | None = None) -> None:
        # No limit is the same as a limit no stream reaches; one comparison then serves both.
        self._max = max_bytes if max_bytes is not None else 1 << 62
        self._pending: list[bytes] = []  # pieces of the line not yet terminated
        self._pending_size = 0
        self._data_size = 0  # bytes in the data lines of the event being built
        self._skip_lf = (
            False  # last chunk ended in CR: a leading LF completes that CRLF
        )
        self._at_start = True  # a BOM may still have to be skipped
        self._data: list[bytes] = []
        self._event: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume one chunk; return the events it completed."""
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
        if self._at_start:
            chunk = self._strip_bom(chunk)
            if self._at_start:
                return []
        if b"\r" in chunk:
            # A CR ending this chunk already ends a line; remember it so that
            # an LF starting the next chunk is not taken for a second line end.
            self._skip_lf = chunk[-1] == _CR
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = chunk.split(b"\n")
        tail = lines.pop()
        if not lines:  # no line end in this chunk
            if tail:
                self._pending.append(tail)
                self._pending_size += len(tail)
                if self._pending_size > self._max:
                    raise SSETooLargeError(self._max)
            return []
        if self._pending:
            self._pending.append(lines[0])
            lines[0] = b"".join(self._pending)
            self._pending = []
        if len(chunk) + self._pending_size > self._max and any(
            len(line) > self._max for line in lines
        ):
            raise SSETooLargeError(self._max)
        self._pending_size = len(tail)
        if tail:
            # Kept as a list of pieces so a long line arriving in many small
            # chunks is joined once, not re-copied per chunk.
            self._pending.append(tail)
            if self._pending_size > self._max:
                raise SSETooLargeError(self._max)
        return self._process(lines)

    def _strip_bom(self, chunk: bytes) -> bytes:
        head = b"".join(self._pending) + chunk if self._pending else chunk
        if len(head) < len(_BOM) and _BOM.startswith(head):
            self._pending = [head] if head else []  # too short to tell yet
            return b""
        self._pending = []
        self._at_start = False
        return head[len(_BOM) :] if head.startswith(_BOM) else head

    def _process(self, lines: list[bytes]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        data = self._data
        size = self._data_size
        for line in lines:
            if not line:
                size = 0
                if data:
                    events.append(
                        ServerSentEvent(
                            self._event,
                            b"\n".join(data).decode("utf-8", "replace"),
                            self._last_id,
                            self._retry,
                        )
                    )
                    data = self._data = []
                # Even without data, the blank line ends the event: its name goes.
                self._event = None
            elif line.startswith(b"data:"):
                # The hot path: most lines of real streams are data lines.
                value = line[6:] if line.startswith(b"data: ") else line[5:]
                data.append(value)
                size += len(value)
                if size > self._max:
                    raise SSETooLargeError(self._max)
            elif line[0] != _COLON:  # lines starting with ":" are comments
                if self._field(line):
                    size += len(data[-1])
                    if size > self._max:
                        raise SSETooLargeError(self._max)
        self._data_size = size
        return events

    def _field(self, line: bytes) -> bool:
        """Apply one non-`data:` field line; True when it added a data line."""
        name, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if name == b"event":
            self._event = value.decode("utf-8", "replace") or None
        elif name == b"data":
            self._data.append(value)
            return True
        elif name == b"id":
            if b"\0" not in value:
                self._last_id = value.decode("utf-8", "replace")
        elif name == b"retry":
            if value.isdigit():  # bytes.isdigit() accepts ASCII digits only
                self._retry = int(value)
        # Any other field name is ignored, as the spec requires.
        return False
