"""The code blocks of the generated package's README, built by the snippet renderers.

``readme_blocks`` gives every block the README shows (the tests run each of them, with
``base_url`` pointing at a local server); ``templates/client/README.md.jinja`` places them.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import ir
from generator.docs import snippets as S
from generator.docs.examples import example


@dataclass(frozen=True)
class Block:
    language: str  # the fence's info string: "python", "sh"
    code: str
    operation: ir.Operation | None = None
    call: str = ""  # `client.threads.runs.create`, for the prose around the block


def readme_blocks(api: ir.Api, *, base_url: str | None = None) -> dict[str, Block]:
    """The README's blocks by section: ``first_call``, ``curl``, ``async``, ``errors``, ``retries``,
    ``timeouts``, ``raw``, and, where the API has such operations, ``stream`` and ``pagination``.
    Empty for an API without operations."""
    ops = [(path, op) for path, op in S.operations(api)]
    if not ops:
        return {}
    sendable = [item for item in ops if (item[1].body.kind if item[1].body else None) in (None, "json", "form")]
    path, first = (sendable or ops)[0]
    call = "client." + ".".join(path)
    minimal = example(api, first, "minimal")
    full = example(api, first, "full")
    blocks = {
        "first_call": Block("python", S.python(api, full, base_url=base_url), first, call),
        "curl": Block("sh", S.curl(api, full, base_url=base_url), first, call),
        "async": Block("python", S.python(api, minimal, base_url=base_url, kind="async"), first, call),
        "errors": Block("python", S.python(api, minimal, base_url=base_url, kind="errors"), first, call),
        "retries": Block("python", S.python(api, minimal, base_url=base_url, client_options=(("max_retries", 5),), call_options=(("max_retries", 0),)), first, call),
        "timeouts": Block("python", S.python(api, minimal, base_url=base_url, client_options=(("timeout", 20.0),), call_options=(("timeout", 5.0),)), first, call),
        "raw": Block("python", S.python(api, minimal, base_url=base_url, kind="raw"), first, call),
    }
    streaming = next(((p, op) for p, op in ops if op.stream is not None and op.stream.flag is not None), None)
    if streaming is not None:
        ex = example(api, streaming[1], "minimal", stream=True)
        blocks["stream"] = Block("python", S.python(api, ex, base_url=base_url, kind="stream"), streaming[1], "client." + ".".join(streaming[0]))
    paged = next(((p, op) for p, op in ops if op.pagination is not None), None)
    if paged is not None:
        ex = example(api, paged[1], "minimal")
        blocks["pagination"] = Block("python", S.python(api, ex, base_url=base_url), paged[1], "client." + ".".join(paged[0]))
    return blocks


def fenced(code: str, language: str) -> str:
    """A Markdown code block that ``code`` cannot close: its fence is longer than any run of
    backticks inside."""
    longest = max((len(run) for run in _backtick_runs(code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}"


def _backtick_runs(text: str) -> list[str]:
    runs, current = [], ""
    for ch in text:
        if ch == "`":
            current += ch
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def md_text(text: str | None) -> str:
    """Spec text for Markdown prose: no raw HTML (``&``, ``<``, ``>`` as entities), no control or
    bidi characters, on the lines it had."""
    if not text:
        return ""
    from generator import escape

    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escape.escape_unsafe(safe, keep_layout=True)


def md_line(text: str | None) -> str:
    """Spec text for one line (a heading)."""
    return " ".join(md_text(text).split())
