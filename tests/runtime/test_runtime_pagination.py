"""Pages of list operations over httpx.MockTransport: every style, sync and async."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pydantic
import pytest

from generator.client.runtime._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient
from generator.client.runtime._models import BaseModel
from generator.client.runtime._pagination import AsyncPage, AsyncPaginator, Paging, SyncPage

BASE = "https://api.test/v1"
ITEMS = [{"id": f"it_{n}", "n": n} for n in range(1, 8)]  # 7 items: pages of 3, 3, 1


class Item(BaseModel):
    id: str
    n: int


class CursorList(BaseModel):
    data: list[Item]
    has_more: bool | None = None
    first_id: str | None = None
    last_id: str | None = None


class OffsetList(BaseModel):
    results: list[Item]
    total: int | None = None


class UrlList(BaseModel):
    items: list[Item]
    next_url: str | None = pydantic.Field(default=None, alias="next")


class TokenList(BaseModel):
    entries: list[Item]
    next_token: str | None = pydantic.Field(default=None, alias="nextToken")


def _slice(start: int, size: int = 3) -> list[dict[str, Any]]:
    return ITEMS[start : start + size]


def cursor_server(request: httpx.Request) -> httpx.Response:
    after = request.url.params.get("after")
    start = 0 if after is None else next(i for i, item in enumerate(ITEMS) if item["id"] == after) + 1
    page = _slice(start)
    body = {"data": page, "has_more": start + 3 < len(ITEMS), "first_id": page[0]["id"], "last_id": page[-1]["id"]}
    return httpx.Response(200, json=body)


def offset_server(request: httpx.Request) -> httpx.Response:
    offset = int(request.url.params.get("offset", "0"))
    return httpx.Response(200, json={"results": _slice(offset), "total": len(ITEMS)})


def page_server(request: httpx.Request) -> httpx.Response:
    number = int(request.url.params.get("page", "1"))
    return httpx.Response(200, json={"results": _slice((number - 1) * 3)})


def url_server(request: httpx.Request) -> httpx.Response:
    start = int(request.url.params.get("from", "0"))
    following = f"/v1/things?from={start + 3}" if start + 3 < len(ITEMS) else None
    return httpx.Response(200, json={"items": _slice(start), "next": following})


def link_server(request: httpx.Request) -> httpx.Response:
    number = int(request.url.params.get("page", "1"))
    headers = {}
    if number < 3:
        headers["Link"] = f'<{BASE}/things?page={number + 1}>; rel="next", <{BASE}/things?page=3>; rel="last"'
    return httpx.Response(200, json=_slice((number - 1) * 3), headers=headers)


def token_server(request: httpx.Request) -> httpx.Response:
    start = int(request.url.params.get("nextToken", "0"))
    token = str(start + 3) if start + 3 < len(ITEMS) else None
    return httpx.Response(200, json={"entries": _slice(start), "nextToken": token})


STYLES: dict[str, tuple[Callable[[httpx.Request], httpx.Response], Paging, object]] = {
    "cursor": (cursor_server, Paging("cursor", items=("data",), param="after", has_more=("has_more",)), CursorList),
    "offset": (offset_server, Paging("offset", items=("results",), param="offset", total=("total",)), OffsetList),
    "page": (page_server, Paging("page", items=("results",), param="page", limit="limit"), OffsetList),
    "next_url": (url_server, Paging("next_url", items=("items",), cursor=("next",)), UrlList),
    "link_header": (link_server, Paging("link_header", items=()), list[Item]),
    "token": (token_server, Paging("token", items=("entries",), param="nextToken", cursor=("nextToken",)), TokenList),
}


class Recorder:
    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def queries(self) -> list[list[tuple[str, str]]]:
        return [list(r.url.params.multi_items()) for r in self.requests]


def _options(paging: Paging, cast_to: object, **extra: Any) -> RequestOptions:
    return RequestOptions(
        method="get",
        path="/things",
        query={"limit": 3},
        cast_to=cast_to,
        pagination=paging,
        extra_headers={"X-Trace": "t1"},
        **extra,
    )


def _sync(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[SyncAPIClient, Recorder]:
    recorder = Recorder(handler)
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    return SyncAPIClient(base_url=BASE, api_key=None, auth=None, http_client=http, user_agent="t", max_retries=0), recorder


def _async(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[AsyncAPIClient, Recorder]:
    recorder = Recorder(handler)
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return AsyncAPIClient(base_url=BASE, api_key=None, auth=None, http_client=http, user_agent="t", max_retries=0), recorder


@pytest.mark.parametrize("style", sorted(STYLES))
def test_sync_iterates_every_item_across_three_pages(style: str) -> None:
    handler, paging, cast_to = STYLES[style]
    client, recorder = _sync(handler)
    page = client.request(_options(paging, cast_to))
    assert isinstance(page, SyncPage)
    assert [item.n for item in page.data] == [1, 2, 3]  # only this page
    assert [item.n for item in page] == list(range(1, 8))
    assert len(recorder.requests) == 3
    # The first request's query and headers go out with every page; only the paging parameter changes.
    for request in recorder.requests:
        assert request.url.params["limit"] == "3"
        assert request.headers["X-Trace"] == "t1"
        assert request.url.path == "/v1/things"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_async_iterates_every_item_across_three_pages(style: str) -> None:
    handler, paging, cast_to = STYLES[style]

    async def run() -> tuple[list[int], list[int], int]:
        client, recorder = _async(handler)
        options = _options(paging, cast_to)
        direct = [item.n async for item in AsyncPaginator[Item](client, options)]
        page = await AsyncPaginator[Item](client, options)
        assert isinstance(page, AsyncPage)
        awaited = [item.n async for item in page]
        return direct, awaited, len(recorder.requests)

    direct, awaited, sent = asyncio.run(run())
    assert direct == awaited == list(range(1, 8))
    assert sent == 6


def test_cursor_requests_are_after_the_last_id_and_keep_extra_query() -> None:
    client, recorder = _sync(cursor_server)
    page = client.request(_options(STYLES["cursor"][1], CursorList, extra_query={"order": "asc"}))
    assert len(list(page)) == 7
    assert recorder.queries() == [
        [("limit", "3"), ("order", "asc")],
        [("limit", "3"), ("order", "asc"), ("after", "it_3")],
        [("limit", "3"), ("order", "asc"), ("after", "it_6")],
    ]


def test_paging_parameter_in_extra_query_is_replaced_not_repeated() -> None:
    client, recorder = _sync(offset_server)
    page = client.request(_options(STYLES["offset"][1], OffsetList, extra_query={"offset": 0}))
    assert [item.n for item in page] == list(range(1, 8))
    assert [dict(q)["offset"] for q in recorder.queries()] == ["0", "3", "6"]


def test_page_helpers_on_the_last_page() -> None:
    client, recorder = _sync(cursor_server)
    pages = list(client.request(_options(STYLES["cursor"][1], CursorList)).iter_pages())
    assert [len(p.data) for p in pages] == [3, 3, 1]
    first, last = pages[0], pages[-1]
    assert first.has_next_page() and not last.has_next_page()
    info = first.next_page_info()
    assert info is not None and info.params == {"after": "it_3"}
    last_info = last.next_page_info()  # as in the SDK, has_more is read by has_next_page only
    assert last_info is not None and last_info.params == {"after": "it_7"}
    with pytest.raises(RuntimeError, match="has_next_page"):
        last.get_next_page()
    # The response's other fields read through the page.
    assert first.first_id == "it_1" and last.last_id == "it_7" and last.has_more is False
    assert isinstance(first.body, CursorList)
    with pytest.raises(AttributeError):
        first.no_such_field  # noqa: B018
    assert len(recorder.requests) == 3


def test_async_get_next_page_on_the_last_page_raises() -> None:
    async def run() -> None:
        client, _ = _async(cursor_server)
        page: AsyncPage[Item] = await AsyncPaginator[Item](client, _options(STYLES["cursor"][1], CursorList))
        pages = [p async for p in page.iter_pages()]
        assert [len(p.data) for p in pages] == [3, 3, 1]
        second = await page.get_next_page()
        assert [item.n for item in second.data] == [4, 5, 6]
        with pytest.raises(RuntimeError):
            await pages[-1].get_next_page()

    asyncio.run(run())


def test_has_more_false_stops_even_with_a_full_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": _slice(0), "has_more": False})

    client, recorder = _sync(handler)
    assert len(list(client.request(_options(STYLES["cursor"][1], CursorList)))) == 3
    assert len(recorder.requests) == 1


def test_empty_page_stops_every_style() -> None:
    for style, (_, paging, cast_to) in STYLES.items():
        empty: dict[str, Any] | list[Any] = [] if not paging.items else {paging.items[0]: [], "has_more": True, "next": "/v1/x", "nextToken": "t"}
        client, recorder = _sync(lambda request, body=empty: httpx.Response(200, json=body, headers={"Link": '</v1/x>; rel="next"'}))
        page = client.request(_options(paging, cast_to))
        assert list(page) == [] and not page.has_next_page(), style
        assert len(recorder.requests) == 1, style


def test_cursor_from_a_response_field() -> None:
    paging = Paging("cursor", items=("data",), param="after", cursor=("last_id",), has_more=("has_more",))
    client, recorder = _sync(cursor_server)
    assert len(list(client.request(_options(paging, CursorList)))) == 7
    assert [dict(q).get("after") for q in recorder.queries()] == [None, "it_3", "it_6"]


def test_cursor_stops_when_the_last_item_has_no_id() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"n": 1}], "has_more": True})

    client, recorder = _sync(handler)
    page = client.request(_options(Paging("cursor", items=("data",), param="after"), dict[str, Any]))
    assert [item["n"] for item in page] == [1]
    assert len(recorder.requests) == 1


def test_lenient_page_keeps_items_that_break_the_schema() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        if after is None:
            return httpx.Response(200, json={"data": [{"id": "a", "n": None}], "has_more": True})
        return httpx.Response(200, json={"data": [{"id": "b", "n": 2}], "has_more": False})

    client, recorder = _sync(handler)
    items = list(client.request(_options(STYLES["cursor"][1], CursorList)))
    assert [item.id for item in items] == ["a", "b"]
    assert items[0].n is None


def test_next_url_on_another_origin_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": _slice(0), "next": "https://evil.test/v1/things?from=3"})

    client, recorder = _sync(handler)
    page = client.request(_options(STYLES["next_url"][1], UrlList))
    with pytest.raises(ValueError, match="origin"):
        list(page)
    assert len(recorder.requests) == 1


def test_next_url_query_wins_over_the_first_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("from", "0"))
        following = f"{BASE}/things?from={start + 3}&limit=3" if start < 3 else None
        return httpx.Response(200, json={"items": _slice(start), "next": following})

    client, recorder = _sync(handler)
    assert len(list(client.request(_options(STYLES["next_url"][1], UrlList, extra_query={"q": "x"})))) == 6
    assert recorder.queries()[1] == [("limit", "3"), ("q", "x"), ("from", "3")]


def test_link_header_parsing() -> None:
    from generator.client.runtime._pagination import _link_next

    assert _link_next(['<https://a.test/x?page=2>; rel="next", <https://a.test/x?page=9>; rel="last"']) == "https://a.test/x?page=2"
    assert _link_next(['<https://a.test/x?page=1>; rel="prev"', "<https://a.test/x?page=3>; rel=next"]) == "https://a.test/x?page=3"
    assert _link_next(['<https://a.test/y>; title="a, b"; rel="prefetch next"']) == "https://a.test/y"
    assert _link_next(['<https://a.test/x>; rel="last"']) is None
    assert _link_next([]) is None


def test_page_numbers_without_a_limit_stop_at_an_empty_page() -> None:
    client, recorder = _sync(page_server)
    assert len(list(client.request(_options(Paging("page", items=("results",), param="page"), OffsetList)))) == 7
    assert [dict(q).get("page") for q in recorder.queries()] == [None, "2", "3", "4"]


def test_page_total_stops_page_numbers() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json={"results": _slice((number - 1) * 3), "total": 2})

    client, recorder = _sync(handler)
    paging = Paging("page", items=("results",), param="page", total=("total",))
    assert [item.n for item in client.request(_options(paging, OffsetList))] == list(range(1, 7))
    assert len(recorder.requests) == 2


def test_raw_dict_pages() -> None:
    client, recorder = _sync(cursor_server)
    page = client.request(_options(STYLES["cursor"][1], dict[str, Any]))
    assert [item["id"] for item in page] == [item["id"] for item in ITEMS]
    assert page.first_id == "it_1"
    assert json.loads(recorder.requests[0].url.params.get("limit", "0")) == 3
