"""Pages of list operations: iterate the items of every page, fetching the next one as needed.

A list method returns a page (`SyncPage`; the async client an `AsyncPaginator`,
awaited for its first `AsyncPage`). The page holds the parsed response, the
request that fetched it and a `Paging` that says how to ask for the next one;
the next request is the same request with only the paging parameter changed.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import httpx
import pydantic
from typing_extensions import Self

from ._types import NotGiven

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient

__all__ = ["AsyncPage", "AsyncPaginator", "PageInfo", "Paging", "SyncPage"]

_T = TypeVar("_T")

Style = Literal["cursor", "offset", "page", "next_url", "link_header", "token"]


@dataclass(frozen=True)
class Paging:
    """How one list operation pages. Paths are wire names, outermost first.

    - `cursor`: `param` = the last item's `item_id`, or the response's `cursor` field;
    - `offset`: `param` = the current offset + the number of items received;
    - `page`: `param` = the current page number + 1 (numbering starts at `start`);
    - `next_url`: the URL in the response's `cursor` field;
    - `link_header`: the URL of the `Link` header's `rel="next"` (RFC 8288);
    - `token`: `param` = the response's `cursor` field.

    Every style stops at an empty page, when `has_more` is false, when the next
    cursor is missing, and (offset, page) when `total` is reached or a page is
    shorter than the `limit` the request asked for.
    """

    style: Style
    items: tuple[str, ...] = ("data",)  # () when the response is the list itself
    param: str | None = None
    cursor: tuple[str, ...] = ()
    has_more: tuple[str, ...] = ()
    total: tuple[str, ...] = ()  # offset: the number of items; page: the number of pages
    item_id: str = "id"
    limit: str | None = None  # offset, page: the page-size parameter; a shorter page is the last
    start: int | None = None  # the first offset (0) or page number (1) when the request sets none


@dataclass(frozen=True)
class PageInfo:
    """What the next request changes: query parameters, or the whole URL."""

    params: Mapping[str, object] | None = None
    url: str | None = None


class _BasePage(Generic[_T]):
    def __init__(
        self,
        client: Any,
        options: RequestOptions,
        body: object,
        response: httpx.Response,
    ) -> None:
        paging = options.pagination
        if not isinstance(paging, Paging):  # pragma: no cover - set by the generated method
            raise TypeError("a page needs request options with a Paging")
        self._client = client
        self._options = options
        self._paging = paging
        self._body = body
        self._headers = response.headers
        self._url = response.request.url

    @property
    def data(self) -> list[_T]:
        """The items of this page (only this one: iterate the page for all of them)."""
        items = _get(self._body, self._paging.items)
        return list(items) if isinstance(items, (list, tuple)) else []

    @property
    def body(self) -> object:
        """The parsed response of this page, with every field it has."""
        return self._body

    def __getattr__(self, name: str) -> Any:
        # The response's other fields (`page.first_id`, `page.object`) read through.
        if name.startswith("_"):
            raise AttributeError(name)
        body = self.__dict__.get("_body")
        if isinstance(body, pydantic.BaseModel):
            try:
                return getattr(body, name)
            except AttributeError:
                pass
        elif isinstance(body, Mapping) and name in body:
            return body[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(data={self.data!r})"

    def has_next_page(self) -> bool:
        """False on an empty page, when the response's `has_more` is false, or when there is no next cursor."""
        if not self.data:
            return False
        paging = self._paging
        if paging.has_more and _get(self._body, paging.has_more) is False:
            return False
        return self.next_page_info() is not None

    def next_page_info(self) -> PageInfo | None:
        """What the request for a next page would change, or None when there is nothing to ask for.

        As in the official SDK, this does not read `has_more`: `has_next_page()` does.
        """
        paging = self._paging
        items = self.data
        style = paging.style
        if style in ("cursor", "token"):
            if paging.cursor:
                value = _get(self._body, paging.cursor)
            elif items:
                value = _get(items[-1], (paging.item_id,))
            else:
                value = None
            if value is None or value == "" or paging.param is None:
                return None
            return PageInfo(params={paging.param: value})
        if style in ("offset", "page"):
            if paging.param is None or not items:
                return None
            first = 1 if style == "page" else 0
            current = self._current(paging.param, first if paging.start is None else paging.start)
            following = current + (len(items) if style == "offset" else 1)
            if paging.limit is not None and len(items) < self._current(paging.limit, 0):
                return None
            total = _get(self._body, paging.total) if paging.total else None
            if isinstance(total, int) and not isinstance(total, bool):
                if (following if style == "offset" else current) >= total:
                    return None
            return PageInfo(params={paging.param: following})
        if style == "next_url":
            url = _get(self._body, paging.cursor)
            return PageInfo(url=url) if isinstance(url, str) and url else None
        url = _link_next(self._headers.get_list("link"))
        return None if url is None else PageInfo(url=url)

    def _current(self, param: str, default: int) -> int:
        options = self._options
        for source in (options.extra_query or {}, options.query):
            value = source.get(param)
            if value is not None and not isinstance(value, NotGiven):
                try:
                    return int(str(value))
                except ValueError:
                    return default
        return default

    def _next_options(self) -> RequestOptions:
        info = self.next_page_info() if self.has_next_page() else None
        if info is None:
            raise RuntimeError(
                "No next page expected; check `.has_next_page()` before calling `.get_next_page()`."
            )
        options = self._options
        extra = dict(options.extra_query or {})
        if info.url is None:
            params = info.params or {}
            # Moved to the end, where the official SDK puts a paging parameter it adds.
            kept = {k: v for k, v in options.query.items() if k not in params}
            for key in params:
                extra.pop(key, None)
            extra.update(params)
            return dataclasses.replace(options, query=kept, extra_query=extra)
        url = self._same_origin(info.url)
        parts = urlsplit(url)
        query: dict[str, object] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            previous = query.get(key)
            if previous is None:
                query[key] = value
            elif isinstance(previous, list):
                previous.append(value)
            else:
                query[key] = [previous, value]
        # The URL's query wins over the first request's, which is kept otherwise.
        extra.update(query)
        bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        return dataclasses.replace(options, url=bare, extra_query=extra)

    def _same_origin(self, url: str) -> str:
        """The absolute next-page URL; refused when it leaves the client's origin (it would get the credentials)."""
        absolute = urljoin(str(self._url), url)
        target = httpx.URL(absolute)
        base = httpx.URL(str(self._client.base_url))
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise ValueError(
                f"The next page's URL {absolute!r} is not on the client's origin {str(base)!r}; not followed"
            )
        return absolute


class SyncPage(_BasePage[_T]):
    """One page of a list; iterating it yields the items of this page and of all the following ones."""

    _client: SyncAPIClient

    def __iter__(self) -> Iterator[_T]:
        for page in self.iter_pages():
            yield from page.data

    def iter_pages(self) -> Iterator[Self]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def get_next_page(self) -> Self:
        """The next page; raises RuntimeError on the last one."""
        page: Self = self._client.request(self._next_options())
        return page


class AsyncPage(_BasePage[_T]):
    """One page of a list; `async for` yields the items of this page and of all the following ones."""

    _client: AsyncAPIClient

    async def __aiter__(self) -> AsyncIterator[_T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    async def iter_pages(self) -> AsyncIterator[Self]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def get_next_page(self) -> Self:
        """The next page; raises RuntimeError on the last one."""
        page: Self = await self._client.request(self._next_options())
        return page


class AsyncPaginator(Generic[_T]):
    """What an async list method returns: `await` it for the first page, or `async for` its items."""

    def __init__(self, client: AsyncAPIClient, options: RequestOptions) -> None:
        self._client = client
        self._options = options

    def __await__(self) -> Generator[Any, None, AsyncPage[_T]]:
        return self._first().__await__()

    async def _first(self) -> AsyncPage[_T]:
        page: AsyncPage[_T] = await self._client.request(self._options)
        return page

    async def __aiter__(self) -> AsyncIterator[_T]:
        page = await self._first()
        async for item in page:
            yield item


def _get(value: object, path: tuple[str, ...]) -> object:
    """The value at `path` (wire names) in a parsed response: a model, a mapping or a list."""
    for name in path:
        if isinstance(value, pydantic.BaseModel):
            attribute = _attribute_names(type(value)).get(name)
            if attribute is not None:
                value = getattr(value, attribute, None)
            else:
                extra = value.model_extra or {}
                value = extra.get(name, value.__dict__.get(name))
        elif isinstance(value, Mapping):
            value = value.get(name)
        else:
            return None
    return value


@functools.lru_cache(maxsize=512)
def _attribute_names(cls: type[pydantic.BaseModel]) -> dict[str, str]:
    """A model's attribute names by wire name."""
    return {(info.alias or name): name for name, info in cls.model_fields.items()}


_LINK = re.compile(r'<([^>]*)>((?:\s*;[^;,"]*(?:"[^"]*"[^;,"]*)*)*)')
_PARAM = re.compile(r';\s*([^\s=;,]+)\s*=\s*(?:"([^"]*)"|([^\s;,]+))')


def _link_next(values: list[str]) -> str | None:
    """The target of the first `rel="next"` link in Link header values (RFC 8288)."""
    for value in values:
        for match in _LINK.finditer(value):
            for param in _PARAM.finditer(match.group(2)):
                if param.group(1).lower() != "rel":
                    continue
                rels = (param.group(2) if param.group(2) is not None else param.group(3)).lower().split()
                if "next" in rels:
                    return match.group(1).strip()
    return None
