"""The intermediate representation: the API described in Python terms.

This is the contract between lowering and rendering. Everything here is final:
every ``$ref`` is resolved, every name is a valid, unique Python identifier, and
templates read nothing else. The dataclasses are frozen and hold tuples so that
an ``Api`` can be hashed, compared and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias, Union



@dataclass(frozen=True)
class Constraints:
    """Validation keywords that a value must satisfy, as the spec states them."""

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    min_properties: int | None = None
    max_properties: int | None = None

    @property
    def empty(self) -> bool:
        return self == _NO_CONSTRAINTS


_NO_CONSTRAINTS = Constraints()


# --- types -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Primitive:
    """``str``, ``int``, ``float``, ``bool``, ``bytes`` (binary), ``any`` or ``none``."""

    kind: Literal["str", "int", "float", "bool", "bytes", "any", "none"]
    format: str | None = None
    constraints: Constraints = _NO_CONSTRAINTS


@dataclass(frozen=True)
class ListType:
    item: Type
    constraints: Constraints = _NO_CONSTRAINTS


@dataclass(frozen=True)
class MapType:
    """An object whose keys are free: ``additionalProperties`` or a free-form object."""

    value: Type
    key_constraints: Constraints = _NO_CONSTRAINTS
    constraints: Constraints = _NO_CONSTRAINTS


@dataclass(frozen=True)
class LiteralType:
    """An enum or a const. ``open`` enums also accept unknown values when parsing responses."""

    values: tuple[str | int | float | bool | None, ...]
    open: bool = False


@dataclass(frozen=True)
class UnionType:
    variants: tuple[Type, ...]
    discriminator: str | None = None


@dataclass(frozen=True)
class NullableType:
    inner: Type


@dataclass(frozen=True)
class NamedType:
    """A reference to a named type (a model or an alias) by its final name."""

    name: str


Type: TypeAlias = Union[Primitive, ListType, MapType, LiteralType, UnionType, NullableType, NamedType]


def names_in(t: Type | None) -> tuple[str, ...]:
    """The named types ``t`` refers to directly, each once, in order of appearance."""
    out: dict[str, None] = {}
    stack: list[Type | None] = [t]
    while stack:
        current = stack.pop()
        if isinstance(current, NamedType):
            out.setdefault(current.name)
        elif isinstance(current, ListType):
            stack.append(current.item)
        elif isinstance(current, MapType):
            stack.append(current.value)
        elif isinstance(current, UnionType):
            stack.extend(reversed(current.variants))
        elif isinstance(current, NullableType):
            stack.append(current.inner)
    return tuple(out)


# --- named types -----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    wire_name: str
    type: Type
    required: bool
    description: str | None = None
    default: str | None = None  # the spec's default as JSON text
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    example: str | None = None  # the spec's example (`example`, or the first of `examples`) as JSON text


@dataclass(frozen=True)
class Model:
    """An object schema with known properties.

    ``name`` is the response model's class name and ``param_name`` the request
    TypedDict's; ``module`` and ``param_module`` are the modules (under ``types``)
    that hold them. ``in_request``/``in_response`` say which of the two is needed.
    """

    name: str
    param_name: str
    module: str
    param_module: str
    fields: tuple[Field, ...]
    description: str | None = None
    extra: Type | None = None
    in_request: bool = False
    in_response: bool = False
    pointer: str = ""


@dataclass(frozen=True)
class Alias:
    """A named non-object schema (a union, an enum, a list…) rendered as a type alias."""

    name: str
    param_name: str
    module: str
    param_module: str
    type: Type
    description: str | None = None
    in_request: bool = False
    in_response: bool = False
    pointer: str = ""


NamedDef: TypeAlias = Union[Model, Alias]


# --- operations ------------------------------------------------------------------------


ParamLocation = Literal["path", "query", "header", "cookie", "body"]


@dataclass(frozen=True)
class Parameter:
    name: str
    wire_name: str
    location: ParamLocation
    type: Type
    required: bool
    description: str | None = None
    default: str | None = None  # the spec's default as JSON text
    deprecated: bool = False
    style: str | None = None
    explode: bool = True
    example: str | None = None  # the spec's example (the parameter's, else its schema's) as JSON text


@dataclass(frozen=True)
class Body:
    """How the request body is sent.

    ``flattened`` bodies are objects whose properties became keyword arguments
    (the ``Parameter``s with location ``body``); otherwise the whole body is the
    single parameter named ``param``.
    """

    kind: Literal["json", "multipart", "form", "binary", "text"]
    content_type: str
    required: bool
    flattened: bool
    param: str | None = None
    # The kind sent instead when a file is among the arguments (the spec offers a multipart form too).
    files_kind: Literal["multipart"] | None = None
    # The spec's `encoding` of a form or multipart body: (property, contentType, style, explode).
    encoding: tuple[tuple[str, str | None, str | None, bool | None], ...] = ()


@dataclass(frozen=True)
class Stream:
    """A ``text/event-stream`` response and the boolean body field that asks for it."""

    item: Type
    envelope: bool
    flag: str | None


@dataclass(frozen=True)
class Response:
    """The success response, as ``kind`` (the preferred of the spec's media types) and ``also``:
    the other kinds it lists, which the client returns when the server sends one of them."""

    kind: Literal["json", "binary", "text", "none"]
    type: Type | None
    content_type: str | None = None
    also: tuple[Literal["json", "binary", "text"], ...] = ()
    status: str | None = None  # the spec's status code for it (`200`, `2XX`, `default`), for the docs
    description: str | None = None


@dataclass(frozen=True)
class OtherResponse:
    """A response the spec lists besides the success one (an error), for the docs: its schema is not lowered."""

    status: str
    description: str | None
    content_types: tuple[str, ...] = ()


PageStyle = Literal["cursor", "offset", "page", "next_url", "link_header", "token"]


@dataclass(frozen=True)
class Pagination:
    """How a list operation pages (the runtime's ``Paging``, plus the item type).

    Paths are wire names, outermost first; ``items == ()`` when the response is the list.
    ``param`` and ``limit`` are query parameters' wire names.
    """

    style: PageStyle
    item: Type
    items: tuple[str, ...]
    param: str | None = None
    cursor: tuple[str, ...] = ()
    has_more: tuple[str, ...] = ()
    total: tuple[str, ...] = ()
    item_id: str = "id"
    limit: str | None = None
    start: int | None = None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method_name: str
    http_method: str
    path: str
    summary: str | None
    description: str | None
    parameters: tuple[Parameter, ...]
    body: Body | None
    response: Response
    stream: Stream | None = None
    deprecated: bool = False
    docs_url: str | None = None
    pagination: Pagination | None = None
    other_responses: tuple[OtherResponse, ...] = ()
    # The operation's own security requirement where it differs from the API's default.
    security: tuple[tuple[str, ...], ...] | None = None
    # Headers the configuration sets for this operation's path prefix.
    fixed_headers: tuple[tuple[str, str], ...] = ()
    # The JSON error models the spec declares, by status ("404", "4XX", "default").
    errors: tuple[tuple[str, Type], ...] = ()

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def positional_path_parameters(self) -> tuple[Parameter, ...]:
        """The path parameter taken positionally: the last in the path, as the official SDKs do."""
        ordered = self._path_order()
        return ordered[-1:]

    @property
    def keyword_path_parameters(self) -> tuple[Parameter, ...]:
        """The other path parameters, taken as (required) keywords, in path order."""
        return self._path_order()[:-1]

    def _path_order(self) -> tuple[Parameter, ...]:
        def position(p: Parameter) -> int:
            at = self.path.find("{" + p.wire_name + "}")
            return at if at >= 0 else len(self.path)

        return tuple(sorted(self.path_parameters, key=position))


@dataclass(frozen=True)
class Resource:
    """A node of the client's attribute tree: ``client.<name>.<child>…``."""

    name: str
    class_name: str
    module: str
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...] = ()


@dataclass(frozen=True)
class AuthArgument:
    """A client constructor argument carrying (part of) a scheme's credential, and its variable."""

    name: str
    role: Literal["token", "username", "password", "client_id", "client_secret"]
    env: str | None


@dataclass(frozen=True)
class SecurityScheme:
    """One of the spec's ``securitySchemes``, as the runtime's ``AuthSpec`` sends it.

    ``kind``: ``key`` (API key or bearer token; ``template`` writes it), ``basic``
    (username and password), ``oauth2`` (a bearer token, fetched from ``token_url``
    with the client credentials grant where the spec has that flow).
    """

    key: str
    kind: Literal["key", "basic", "oauth2"]
    location: Literal["header", "query", "cookie"]
    name: str
    template: str
    arguments: tuple[AuthArgument, ...]
    token_url: str | None = None
    scopes: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class ClientOption:
    """A constructor argument sent as a header on every request (``[tool.generator] client_options``)."""

    name: str
    header: str
    env: str | None


@dataclass(frozen=True)
class Api:
    package: str
    title: str
    version: str
    description: str | None
    base_url: str
    base_url_env: str | None
    default_headers: tuple[tuple[str, str], ...]
    resources: tuple[Resource, ...]
    types: tuple[NamedDef, ...] = field(default=())
    # How arrays and objects without an explicit `style` go into query strings and forms (the runtime's
    # _forms); None keeps the runtime's defaults (arrays repeated; objects `o[k]` in a query, JSON in a form).
    array_format: str | None = None
    object_format: str | None = None
    security_schemes: tuple[SecurityScheme, ...] = ()
    # The default requirement: alternatives (OR), each the schemes sent together (AND).
    security: tuple[tuple[str, ...], ...] = ()
    client_options: tuple[ClientOption, ...] = ()
    idempotency_header: str | None = None
    # Some call needs no credentials: the client may then be built without any.
    anonymous_calls: bool = True
