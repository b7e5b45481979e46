"""Typed uses of the generated feature clients: checked by `mypy --strict` together with them, never run.

A line that must NOT type-check carries `# type: ignore[code]`: `--strict` warns about
unused ignores, so if the generated types stopped rejecting it, the mypy run would fail.
"""

from __future__ import annotations

import io

from typing import Any

from feat_binary_responses import APIResponse, AsyncAPIResponse, BinaryResponse
from feat_binary_responses import AsyncClient as AsyncDownloadsClient
from feat_binary_responses import Client as DownloadsClient
from feat_body_required_properties import Client as ContainersClient
from feat_const_31 import Client as ConstClient
from feat_discriminator_mapping import Client as PetsClient
from feat_discriminator_mapping.types import Cat, Dog, PetParam
from feat_enums import Client as EnumsClient
from feat_header_cookie_params import Client as SessionClient
from feat_multipart import Client as FilesClient
from feat_names_keywords import Client as NamesClient
from feat_names_shadow_types import Client as ShadowClient
from feat_names_shadow_types.types import Node, PaymentMethod
from feat_no_security import Client as OpenClient
from feat_nullable_31 import Client as ProfilesClient
from feat_query_styles import Client as ItemsClient
from feat_read_write_only import Client as UsersClient
from feat_recursive_alias import Client as ValuesClient
from feat_recursive_alias.types import Value
from feat_request_response_shared import Client as BooksClient
from feat_request_response_shared.types import Book, BookParam
from feat_sse_stream import Client as StreamClient
from feat_sse_stream import Stream, UnknownEvent
from feat_sse_stream.types import CompletionEvent, DeltaEvent, Reply
from feat_pagination_styles import AsyncClient as AsyncPagedClient
from feat_pagination_styles import AsyncPage, AsyncPaginator, SyncPage
from feat_pagination_styles import Client as PagedClient
from feat_pagination_styles.types import Thing
from feat_webhooks_31 import Client as WebhooksClient
from feat_webhooks_31.types import Order, OrderCreatedEvent


def enums(client: EnumsClient) -> None:
    tasks = client.tasks.list(status="open", priority=2)
    status: str = tasks[0].status  # responses are open: any string is a status
    priority: int = tasks[0].priority
    client.tasks.list(status="archived")  # type: ignore[arg-type]  # requests are closed
    client.tasks.list(priority=9)  # type: ignore[arg-type]
    print(status, priority)


def downloads(client: DownloadsClient) -> None:
    file: BinaryResponse = client.files.content("f")
    file.write_to_file("f.bin")
    document: str | BinaryResponse = client.documents.content("d")
    archive: BinaryResponse | str | None = client.archives.retrieve("a")
    client.files.content("f").decode()  # type: ignore[attr-defined]  # not bytes: a response object
    raw: APIResponse[Any] = client.files.with_raw_response.content("f")
    status: int = raw.status_code
    with client.files.with_streaming_response.content("f") as streamed:
        chunks: list[bytes] = list(streamed.iter_bytes())
    print(document, archive, status, raw.parse(), chunks)


async def async_downloads(client: AsyncDownloadsClient) -> None:
    raw: APIResponse[Any] = await client.files.with_raw_response.content("f")
    async with client.files.with_streaming_response.content("f") as streamed:
        response: AsyncAPIResponse[Any] = streamed
        chunks = [chunk async for chunk in response.iter_bytes()]
    print(raw.headers, chunks, await streamed.parse())


def nullable(client: ProfilesClient) -> None:
    profile = client.profiles.create(nickname=None, age=None, tags=None, color=None, settings=None, score=None)
    nickname: str = profile.nickname  # type: ignore[assignment]  # it may be None
    client.profiles.create(nickname=1, age=None, tags=None, color=None, settings=None, score=None)  # type: ignore[arg-type]
    print(nickname)


def discriminated(client: PetsClient) -> None:
    body: PetParam = {"pet_type": "kitten", "name": "Tom"}
    pet = client.pets.create(body=body)
    if isinstance(pet, Cat):
        indoor: bool | None = pet.indoor
        print(indoor)
    elif isinstance(pet, Dog):
        print(pet.good_boy)
    wrong: PetParam = {"pet_type": "parrot", "name": "Polly"}  # type: ignore[misc, assignment]
    print(wrong)


def uploads(client: FilesClient) -> None:
    client.files.create(file=b"bytes", purpose="batch")
    client.files.create(file=io.BytesIO(b"file object"), purpose="assistants")
    client.files.create(file=("a.png", b"\x89PNG", "image/png"), purpose="batch", attachments=[b"1", ("b.txt", b"2")])
    client.files.create(file="a path is not a file", purpose="batch")  # type: ignore[arg-type]


def streams(client: StreamClient) -> None:
    for event in client.completions.create(prompt="hi"):
        if isinstance(event, DeltaEvent):
            delta: str = event.delta
            print(delta)
        elif isinstance(event, UnknownEvent):
            print(event.data)
    reply: Reply = client.chat.create(message="hi")
    stream: Stream[CompletionEvent | UnknownEvent] = client.chat.create(message="hi", stream=True)
    print(reply, stream)


def read_write(client: UsersClient) -> None:
    user = client.users.create(email="a@example.test", password="secret")
    identifier: str = user.id
    client.users.create(id="x", email="a@example.test", password="secret")  # type: ignore[call-arg]
    print(identifier, user.password)  # type: ignore[attr-defined]


def shared(client: BooksClient) -> None:
    book: BookParam = {"title": "Odes", "author": {"name": "Keats"}, "genre": "poetry"}
    books: list[Book] = client.books.create(books=[book])
    print(books[0].author.name)
    incomplete: BookParam = {"title": "No author"}  # type: ignore[typeddict-item]
    print(incomplete)


def constants(client: ConstClient) -> None:
    client.tools.create(type="function", name="f", version=2)
    client.tools.create(type="method", name="f", version=2)  # type: ignore[arg-type]


def names(client: NamesClient) -> None:
    model = client.class_.update("x", class_="c", lambda_=1, self_query="s", timeout_query=3, def_=True, grosse=1)
    print(model.n1st, model.match, model.case)


def styles(client: ItemsClient) -> None:
    client.items.list(ids=[1, 2], tags=("a", "b"), point={"x": 1, "y": 2}, filter={"status": "open"})
    client.items.list(point={"x": 1})  # type: ignore[arg-type]


def headers_and_cookies(client: SessionClient) -> None:
    client.session.retrieve(x_request_id="r", session_id="s", x_feature_flags=["a"], theme="dark")
    client.session.retrieve(x_request_id="r")  # type: ignore[call-arg]


def webhooks(client: WebhooksClient) -> None:
    event = OrderCreatedEvent.model_validate({"type": "order.created", "order": {"id": "o", "total": 1}})
    order: Order = event.order
    print(order.total, client.order_created)  # type: ignore[attr-defined]


def open_api() -> None:
    client = OpenClient()
    pong: bool = client.ping.retrieve().pong
    print(pong)


def pages(client: PagedClient) -> None:
    page: SyncPage[Thing] = client.files.list(limit=2)
    first: list[Thing] = page.data
    ids: list[str] = [thing.id for thing in page]
    following: SyncPage[Thing] = page.get_next_page()
    for each in page.iter_pages():
        more: list[Thing] = each.data
        print(more)
    print(first, ids, following, page.has_next_page(), page.next_page_info(), page.first_id)
    bad: SyncPage[str] = client.files.list()  # type: ignore[assignment]
    print(bad)


async def async_pages(client: AsyncPagedClient) -> None:
    paginator: AsyncPaginator[Thing] = client.files.list(limit=2)
    ids: list[str] = [thing.id async for thing in paginator]
    page: AsyncPage[Thing] = await client.files.list(limit=2)
    following: AsyncPage[Thing] = await page.get_next_page()
    async for each in page.iter_pages():
        print(each.data)
    print(ids, following)


def shadowed_types(client: ShadowClient) -> None:
    order = client.orders.create(status="Open", payment_method={"Kind": "card"})
    method: PaymentMethod | None = order.payment_method
    previous: list[PaymentMethod] | None = order.previous
    client.orders.create(status="Lost")  # type: ignore[arg-type]
    node: Node | None = client.nodes.retrieve().node
    print(method, previous, node)


def required_body_properties(client: ContainersClient) -> None:
    client.containers.create(name="web", image="nginx", labels={"a": "b"})
    client.containers.create(name="web")  # type: ignore[call-arg]
    client.containers.update("c1")


def recursive_alias(client: ValuesClient) -> None:
    item = client.items.update("k", value=[1, ["a", None, {"x": 1}]])
    value: Value | None = item.value
    client.items.update("k", value=[object()])  # type: ignore[list-item]
    print(value)
