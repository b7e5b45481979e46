"""Generated list methods page: the feature specs `pagination-styles` and `pagination-extensions`."""

from __future__ import annotations

from typing import Any, Callable

import httpx

from . import support
from .support import BASE_URL, MockApi, json_reply, load, query_pairs, run

THINGS = [{"id": f"t{n}", "name": f"n{n}"} for n in range(1, 8)]  # pages of 3, 3, 1


def _chunk(start: int) -> list[dict[str, Any]]:
    return THINGS[start : start + 3]


def _names(items: Any) -> list[str]:
    return [item.id for item in items]


def _serve(handler: Callable[[httpx.Request], Any]) -> MockApi:
    def reply(request: httpx.Request) -> httpx.Response:
        result = handler(request)
        return result if isinstance(result, httpx.Response) else json_reply(result)

    return MockApi(reply)


def _files(request: httpx.Request) -> dict[str, Any]:
    after = request.url.params.get("after")
    start = 0 if after is None else [t["id"] for t in THINGS].index(after) + 1
    page = _chunk(start)
    return {"object": "list", "data": page, "first_id": page[0]["id"], "last_id": page[-1]["id"], "has_more": start + 3 < len(THINGS)}


ALL = [t["id"] for t in THINGS]


def test_cursor_list_iterates_every_page_and_keeps_the_query() -> None:
    api = _serve(_files)
    client = api.client("pagination-styles")
    page = client.files.list(limit=3, purpose="fine-tune", extra_query={"x": "1"})
    assert _names(page.data) == ["t1", "t2", "t3"]
    assert page.first_id == "t1" and page.object == "list"
    assert _names(page) == ALL
    assert [query_pairs(r) for r in api.requests] == [
        [("limit", "3"), ("purpose", "fine-tune"), ("x", "1")],
        [("limit", "3"), ("purpose", "fine-tune"), ("x", "1"), ("after", "t3")],
        [("limit", "3"), ("purpose", "fine-tune"), ("x", "1"), ("after", "t6")],
    ]
    types = load("pagination-styles", "types")
    assert all(isinstance(item, types.Thing) for item in page)


def test_cursor_list_async_with_and_without_await() -> None:
    async def go() -> tuple[list[str], list[str], int]:
        api = _serve(_files)
        client = api.async_client("pagination-styles")
        direct = [item.id async for item in client.files.list(limit=3)]
        first = await client.files.list(limit=3)
        assert first.has_next_page() and _names(first.data) == ["t1", "t2", "t3"]
        pages = [page async for page in first.iter_pages()]
        assert not pages[-1].has_next_page()
        return direct, [i for p in pages for i in _names(p.data)], len(api.requests)

    direct, paged, sent = run(go())
    assert direct == paged == ALL and sent == 6


def test_offset_list_stops_at_total() -> None:
    api = _serve(lambda r: {"results": _chunk(int(r.url.params.get("offset", "0"))), "total": len(THINGS)})
    assert _names(api.client("pagination-styles").users.list(limit=3)) == ALL
    assert [r.url.params.get("offset") for r in api.requests] == [None, "3", "6"]


def test_page_number_list_stops_at_total_pages() -> None:
    api = _serve(lambda r: {"orders": _chunk(3 * (int(r.url.params.get("page", "1")) - 1)), "total_pages": 3})
    assert _names(api.client("pagination-styles").orders.list(per_page=3)) == ALL
    assert [r.url.params.get("page") for r in api.requests] == [None, "2", "3"]


def test_next_url_list_follows_the_body() -> None:
    def handler(request: httpx.Request) -> dict[str, Any]:
        start = int(request.url.params.get("from", "0"))
        return {"events": _chunk(start), "next": f"/events?from={start + 3}" if start + 3 < len(THINGS) else None}

    api = _serve(handler)
    assert _names(api.client("pagination-styles").events.list(kind="k")) == ALL
    assert [str(r.url) for r in api.requests][1:] == [f"{BASE_URL}/events?kind=k&from=3", f"{BASE_URL}/events?kind=k&from=6"]


def test_token_list_sends_the_token_back() -> None:
    def handler(request: httpx.Request) -> dict[str, Any]:
        start = int(request.url.params.get("nextToken", "0"))
        return {"logs": _chunk(start), **({"nextToken": str(start + 3)} if start + 3 < len(THINGS) else {})}

    api = _serve(handler)
    assert _names(api.client("pagination-styles").logs.list()) == ALL
    assert [r.url.params.get("nextToken") for r in api.requests] == [None, "3", "6"]


def test_link_header_list_of_a_bare_array() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        headers = {"Link": f'<{BASE_URL}/repos?page={number + 1}&per_page=3>; rel="next"'} if number < 3 else {}
        return httpx.Response(200, json=_chunk(3 * (number - 1)), headers=headers)

    api = _serve(handler)
    page = api.client("pagination-styles").repos.list(per_page=3)
    assert _names(page) == ALL
    assert [query_pairs(r) for r in api.requests][1:] == [[("per_page", "3"), ("page", "2")], [("per_page", "3"), ("page", "3")]]


def test_a_list_without_paging_fields_is_not_a_page() -> None:
    api = MockApi(json_reply({"data": ["a", "b"]}))
    tags = api.client("pagination-styles").tags.list()
    assert tags.data == ["a", "b"] and type(tags).__name__ != "SyncPage"


def test_x_ms_pageable_next_link() -> None:
    def handler(request: httpx.Request) -> dict[str, Any]:
        start = int(request.url.params.get("skiptoken", "0"))
        following = {"@odata.nextLink": f"{BASE_URL}/widgets?skiptoken={start + 3}"} if start + 3 < len(THINGS) else {}
        return {"value": _chunk(start), **following}

    api = _serve(handler)
    assert _names(api.client("pagination-extensions").widgets.list()) == ALL
    assert len(api.requests) == 3


def test_a_pagination_extension_the_response_does_not_fit_is_a_plain_call_with_a_warning() -> None:
    found = support.corpus().results["pagination-extensions"]
    assert [(w.pointer, w.message) for w in found.warnings] == [(
        "/paths/~1sprockets/get",
        "the operation's pagination extension: listSprockets: 'value' is not an array in the response; generated without paging",
    )]
    api = _serve(lambda r: _chunk(0))
    got = api.client("pagination-extensions").sprockets.list()
    assert isinstance(got, list) and [w.id for w in got] == [t["id"] for t in _chunk(0)] and len(api.requests) == 1


def test_speakeasy_offset_with_nested_results() -> None:
    api = _serve(lambda r: {"payload": {"items": _chunk(int(r.url.params.get("start", "0")))}})
    assert _names(api.client("pagination-extensions").gadgets.list(count=3)) == ALL
    # The third page is shorter than `count`: no fourth request.
    assert [r.url.params.get("start") for r in api.requests] == [None, "3", "6"]


def test_fern_cursor_from_a_nested_field() -> None:
    def handler(request: httpx.Request) -> dict[str, Any]:
        start = int(request.url.params.get("marker", "0"))
        return {"gizmos": _chunk(start), "meta": {"marker": str(start + 3) if start + 3 < len(THINGS) else None}}

    api = _serve(handler)
    assert _names(api.client("pagination-extensions").gizmos.list()) == ALL
    assert [r.url.params.get("marker") for r in api.requests] == [None, "3", "6"]
