"""Lowering paths and operations: parameters, request bodies, responses and streams."""

from __future__ import annotations

import keyword
import re
from typing import Any

from generator import ir
from generator.config import Target
from generator.diagnostics import Report, SpecError, escape_pointer_token, kind_of
from generator.lower.media import media_kind, preferred
from generator.lower.naming import RESERVED_ARGUMENTS, NameTable, OperationIds, pascal, snake, words
from generator.load.refs import BROKEN, COMPONENT_KINDS, Location
from generator.lower.schemas import SchemaLowerer, child, json_example

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
# OpenAPI: header parameters with these names SHALL be ignored; the client sets them.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_BODY_PREFERENCE = ("json", "multipart", "form", "binary", "text")
# A media type a multipart part may carry as its Content-Type (type/subtype and simple parameters).
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+*-]+(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=[A-Za-z0-9!#$&^_.+-]+)*\Z")


class OperationLowerer:
    def __init__(self, schemas: SchemaLowerer, report: Report, target: Target):
        self.schemas = schemas
        self.resolver = schemas.resolver
        self.report = report
        self.target = target
        self.root = self.resolver.root
        # operation id -> (pointer, raw operation object): what later passes (pagination) read.
        self.nodes: dict[str, tuple[str, dict[str, Any]]] = {}

    def lower_all(self) -> list[ir.Operation]:
        paths = self.root.raw.get("paths")
        if paths is None:
            paths = {}
        if not isinstance(paths, dict):
            self.report.error("/paths", "`paths` must be an object")
            return []
        wanted = set(self.target.operations)
        seen_ids: dict[str, str] = {}
        ids = OperationIds(paths, HTTP_METHODS)
        operations = []
        for path, item in paths.items():
            if str(path).startswith("x-"):
                continue  # a specification extension of the Paths object, not a path
            at: Location = (self.root.file, "/paths/" + escape_pointer_token(str(path)))
            if not str(path).startswith("/"):
                self.report.error(at[1], f"path {str(path)!r} does not start with `/`", "paths are relative to the server URL and start with `/`")
            if isinstance(item, dict) and "$ref" in item:
                item, at = self.resolver.follow(item, at)
            if item is BROKEN or self._wrong_target(paths[path], (self.root.file, "/paths/" + escape_pointer_token(str(path))), at, "pathItems"):
                continue  # reported
            if not isinstance(item, dict):
                self.report.error(at[1], f"a path item must be an object, not {kind_of(item)}", file=at[0])
                continue
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                op_at = child(at, method)
                node = item[method]
                if not isinstance(node, dict):
                    self.report.error(op_at[1], f"an operation must be an object, not {kind_of(node)}", file=at[0])
                    continue
                operation_id = ids.of(str(path), method, node)
                if wanted and operation_id not in wanted:
                    continue
                if operation_id in seen_ids:
                    self.report.error(op_at[1] + "/operationId", f"duplicate operationId {operation_id!r}", f"also used at {seen_ids[operation_id]}", file=at[0])
                    continue
                seen_ids[operation_id] = op_at[1]
                self.nodes[operation_id] = (op_at[1], node)
                operations.append(self._operation(str(path), method, node, item, op_at, at, operation_id))
        missing = sorted(wanted - set(seen_ids))
        for operation_id in missing:
            self.report.error("/paths", f"no operation with operationId {operation_id!r}")
        return operations

    # --- one operation ----------------------------------------------------------------

    def _operation(self, path: str, method: str, node: dict[str, Any], item: dict[str, Any], at: Location, item_at: Location, operation_id: str) -> ir.Operation:
        hint = pascal(operation_id)
        names = NameTable(RESERVED_ARGUMENTS)
        parameters = self._parameters(path, node, item, at, item_at, hint, names)
        body, body_parameters = self._body(node, at, hint, names)
        response, stream = self._responses(node, at, hint, body_parameters)
        response, others = self._statuses(node, at, response)
        errors = self._errors(node, at, hint)
        docs = node.get("externalDocs")
        return ir.Operation(
            operation_id=operation_id,
            method_name="",
            http_method=method,
            path=path,
            summary=_text(node.get("summary")),
            description=_text(node.get("description")),
            parameters=tuple(parameters + body_parameters),
            body=body,
            response=response,
            stream=stream,
            deprecated=node.get("deprecated") is True,
            docs_url=docs.get("url") if isinstance(docs, dict) and isinstance(docs.get("url"), str) else None,
            other_responses=others,
            errors=errors,
        )

    def _statuses(self, node: dict[str, Any], at: Location, response: ir.Response) -> tuple[ir.Response, tuple[ir.OtherResponse, ...]]:
        """The success response's status code and description, and the other responses listed (for the docs).

        Read only: a reference that does not resolve here was reported by ``_responses`` or is left out.
        """
        responses = node.get("responses")
        if not isinstance(responses, dict):
            return response, ()
        codes = sorted((str(c) for c in responses if str(c).startswith("2")), key=lambda c: (c.upper() == "2XX", c))
        success = codes[0] if codes else ("default" if "default" in responses else None)
        found: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        for code, value in responses.items():
            try:
                target, _ = self.resolver._follow(value, child(at, "responses", str(code)))
            except SpecError:
                continue
            if not isinstance(target, dict):
                continue
            content = target.get("content")
            media = tuple(sorted(str(m) for m in content)) if isinstance(content, dict) else ()
            found[str(code)] = (_text(target.get("description")), media)
        if success is not None and success in found:
            response = ir.Response(response.kind, response.type, response.content_type, response.also, success, found[success][0])
        others = tuple(
            ir.OtherResponse(code, description, media)
            for code, (description, media) in sorted(found.items(), key=lambda item: (item[0] == "default", item[0]))
            if code != success and not code.startswith("2")
        )
        return response, others

    def _parameters(self, path: str, node: dict[str, Any], item: dict[str, Any], at: Location, item_at: Location, hint: str, names: NameTable) -> list[ir.Parameter]:
        declared: dict[tuple[str, ir.ParamLocation], tuple[Any, Location]] = {}
        for owner, owner_at in ((item, item_at), (node, at)):
            raw = owner.get("parameters", [])
            if not isinstance(raw, list):
                self.report.error(owner_at[1] + "/parameters", f"`parameters` must be a list, not {kind_of(raw)}", file=owner_at[0])
                continue
            in_this_list: dict[tuple[str, str], str] = {}
            for index, param in enumerate(raw):
                used_at = child(owner_at, "parameters", index)
                param, param_at = self.resolver.follow(param, used_at)
                if param is BROKEN or self._wrong_target(raw[index], used_at, param_at, "parameters"):
                    continue  # reported
                if not isinstance(param, dict) or not isinstance(param.get("name"), str):
                    if param_at != used_at:
                        what = kind_of(param) if not isinstance(param, dict) else "an object with no string `name`"
                        self.report.error(used_at[1] + "/$ref", f"`$ref` {raw[index]['$ref']!r} points to {what}, not to a parameter", file=used_at[0])
                    else:
                        self.report.error(param_at[1], "a parameter needs a string `name`", file=param_at[0])
                    continue
                location = param.get("in")
                if location not in {"path", "query", "header", "cookie"}:
                    self.report.error(param_at[1] + "/in", f"unknown parameter location {location!r}", "one of path, query, header, cookie", file=param_at[0])
                    continue
                key = (param["name"], location)
                if key in in_this_list:
                    self.report.error(used_at[1], f"duplicate {location} parameter {param['name']!r}", f"also declared at {in_this_list[key]}", file=used_at[0])
                    continue
                in_this_list[key] = used_at[1]
                declared[key] = (param, param_at)
        template_part, _, query_part = path.partition("?")
        in_template = _TEMPLATE.findall(template_part)
        # A query string written into the path key with parameters in it (`/uploads?convert={convert}`, invalid
        # but common): each `{name}` there is the query parameter it names, sent under the key it stands for.
        sent_as = {name: key for name, key in query_template(query_part).items() if name not in in_template}
        for name, sent_key in sent_as.items():
            if (name, "query") in declared:
                continue
            if (name, "path") in declared:
                param, param_at = declared.pop((name, "path"))
                self.report.warn(param_at[1] + "/in", f"parameter {name!r} is declared `in: path` but is in the path's query string ({path!r}); sent as query parameter {sent_key!r}", "declare it `in: query` and leave it out of the path key", file=param_at[0])
                declared[(name, "query")] = ({**param, "in": "query", "required": True}, param_at)
            else:
                self.report.warn(at[1], f"{{{name}}} in the path's query string ({path!r}) is not declared; sent as a required string query parameter {sent_key!r}", f"add a parameter with `in: query` and `name: {name}`", file=at[0])
                declared[(name, "query")] = ({"name": name, "in": "query", "required": True, "schema": {"type": "string"}}, at)
        for name in in_template:
            if (name, "path") not in declared:
                self.report.error(at[1], f"path parameter {name!r} is in the path but not declared", f"add a parameter with `in: path` and `name: {name}`", file=at[0])
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        result = []
        ordered = sorted(declared.items(), key=lambda kv: (order[kv[0][1]], in_template.index(kv[0][0]) if kv[0][1] == "path" and kv[0][0] in in_template else 0))
        for (wire, location), (param, param_at) in ordered:
            if location == "path" and wire not in in_template:
                self.report.error(param_at[1], f"path parameter {wire!r} is declared but not in the path {path!r}", file=param_at[0])
                continue
            if location == "header" and wire.lower() in _IGNORED_HEADERS:
                continue
            schema, schema_at = self._parameter_schema(param, param_at)
            target = self.resolver.follow(schema, schema_at)[0] if isinstance(schema, dict) else {}
            target = target if isinstance(target, dict) else {}
            style = param.get("style") if isinstance(param.get("style"), str) else None
            default_style = "simple" if location in {"path", "header"} else "form"
            explode = param.get("explode", (style or default_style) == "form")
            result.append(
                ir.Parameter(
                    name=_claim(names, wire, location),
                    wire_name=sent_as.get(wire, wire) if location == "query" else wire,
                    location=location,
                    type=self.schemas.lower(schema, schema_at, hint + pascal(wire)),
                    required=location == "path" or param.get("required") is True,
                    description=_text(param.get("description")) or self.schemas.description_of(schema, schema_at),
                    default=self.schemas.default_of(schema, schema_at),
                    example=json_example(param) or self.schemas.example_of(schema, schema_at),
                    deprecated=param.get("deprecated") is True,
                    style=style,
                    explode=explode is True,
                )
            )
        return result

    def _parameter_schema(self, param: dict[str, Any], at: Location) -> tuple[Any, Location]:
        if "schema" in param:
            return param["schema"], child(at, "schema")
        content = param.get("content")
        if isinstance(content, dict) and content:
            media = next(iter(content))
            media_node = content[media]
            if isinstance(media_node, dict) and "schema" in media_node:
                return media_node["schema"], child(at, "content", media, "schema")
        return True, child(at, "schema")

    def _body(self, node: dict[str, Any], at: Location, hint: str, names: NameTable) -> tuple[ir.Body | None, list[ir.Parameter]]:
        if "requestBody" not in node:
            return None, []
        body, body_at = self.resolver.follow(node["requestBody"], child(at, "requestBody"))
        if body is BROKEN or self._wrong_target(node["requestBody"], child(at, "requestBody"), body_at, "requestBodies"):
            return None, []  # reported
        if not isinstance(body, dict):
            self.report.error(body_at[1], f"`requestBody` must be an object, not {kind_of(body)}", file=body_at[0])
            return None, []
        content = body.get("content")
        if isinstance(content, dict) and not content and body.get("required") is not True:
            # A leniency: `content: {}` on an optional body says plainly that nothing is sent.
            self.report.warn(body_at[1] + "/content", "`requestBody` lists no media type; the operation sends no body", "remove the `requestBody`, or give its `content` a media type", file=body_at[0])
            return None, []
        if not isinstance(content, dict) or not content:
            self.report.error(body_at[1], "`requestBody` needs a `content` object", file=body_at[0])
            return None, []
        choice = self._choose(content, body_at, _BODY_PREFERENCE, "request body")
        if choice is None:
            return None, []
        media, kind = choice
        files_kind = None
        upload = self._upload_form(content, body_at, media) if kind in {"json", "form"} else None
        if upload is not None:
            # The spec offers a multipart form that uploads files beside JSON (or a url-encoded form): the
            # form's arguments are taken (they accept files); a call with a file among them is sent as the
            # form, one without as JSON when JSON carries every such argument, else always as the form.
            multipart_media, covered = upload
            if covered:
                files_kind = "multipart"
            else:
                media, kind = multipart_media, "multipart"
        source_media = upload[0] if upload is not None else media
        media_node = content[source_media] if isinstance(content[source_media], dict) else {}
        schema, schema_at = media_node.get("schema", True), child(body_at, "content", source_media, "schema")
        encoding = self._encoding(media_node, child(body_at, "content", source_media)) if media_kind(source_media) in {"multipart", "form"} else ()
        required = body.get("required") is True
        target, target_at = self.resolver.follow(schema, schema_at) if isinstance(schema, dict) else (schema, schema_at)
        if isinstance(target, dict) and kind in {"json", "multipart", "form"} and self.schemas.is_model(target, target_at):
            flattened = self._flatten(target, target_at, hint, names, kind)
            return ir.Body(kind, media, required, flattened=True, files_kind=files_kind, encoding=encoding), flattened  # type: ignore[arg-type]
        if kind in {"form", "multipart"} and isinstance(target, dict) and target.get("type") == "string":
            # A form must be an object of fields, but real specs give a string (spoonacular, libretranslate,
            # loket): a url-encoded one is the form already encoded, a multipart one the form's one file.
            if kind == "form":
                self.report.warn(schema_at[1], f"the `{media}` body must be an object; this string is taken as the form already encoded (`a=1&b=2`) and sent as given", "describe the form's fields as an object's properties", file=schema_at[0])
                kind = "text"
            else:
                self.report.warn(schema_at[1], f"the `{media}` body must be an object; this string is sent as the form's one part, named `file`", "describe the form's parts as an object's properties", file=schema_at[0])
                part = ir.Parameter(names.claim("file"), "file", "body", self.schemas.lower(schema, schema_at, hint + "File"), True, description=_text(body.get("description")))
                return ir.Body("multipart", media, True, flattened=True, encoding=encoding), [part]
        param = names.claim("body")
        if kind == "binary":
            body_type: ir.Type = ir.Primitive("bytes", "binary")
        elif kind == "text" and not _is_text_schema(target):
            # A text body is sent as it is given: text, or bytes / a file (`type: object, format: file` in
            # Azure's specs); typed by its schema it could only be a mapping no request can carry.
            body_type = ir.UnionType((ir.Primitive("str"), ir.Primitive("bytes", "binary")))
        else:
            body_type = self.schemas.lower(schema, schema_at, hint + "Body")
        # As for a flattened body: one whose schema requires properties (each of its variants does, for a
        # union) is never valid left out, whatever `requestBody.required` says.
        required = required or (kind in {"json", "multipart", "form"} and self._requires_properties(target, target_at))
        example = json_example(media_node) or self.schemas.example_of(schema, schema_at) if kind in {"json", "text"} else None
        parameter = ir.Parameter(param, "body", "body", body_type, required, description=_text(body.get("description")), example=example)
        return ir.Body(kind, media, required, flattened=False, param=param, encoding=encoding), [parameter]  # type: ignore[arg-type]

    def _upload_form(self, content: dict[str, Any], at: Location, chosen: str) -> tuple[str, bool] | None:
        """The multipart media type offered beside the chosen one whose object schema has a file property,
        and whether the chosen media type's schema has a property of every name the form has."""
        form = next((m for m in content if media_kind(m) == "multipart"), None)
        if form is None or not isinstance(content[form], dict):
            return None
        names = self._object_names(content[form].get("schema"), child(at, "content", form, "schema"), files=True)
        if not names:
            return None
        other = self._object_names(content[chosen].get("schema") if isinstance(content[chosen], dict) else None, child(at, "content", chosen, "schema"), files=False)
        return form, other is not None and names <= other

    def _object_names(self, schema: Any, at: Location, *, files: bool) -> set[str] | None:
        """The property names of an object schema (None if it is none); with ``files``, only when a property
        is a file (``format: binary``, possibly in a list or a union)."""
        if not isinstance(schema, dict):
            return None
        try:
            target, target_at = self.resolver.follow(schema, at)
            if not isinstance(target, dict) or not self.schemas.is_model(target, target_at):
                return None
            obj = self.schemas.collect(target, target_at)
        except SpecError:
            return None  # reported where the body is lowered
        if files and not any(self._is_file(prop, prop_at) for prop, prop_at in obj.properties.values()):
            return None
        return set(obj.properties)

    def _is_file(self, schema: Any, at: Location, depth: int = 0) -> bool:
        if not isinstance(schema, dict) or depth > 8:
            return False
        try:
            node, node_at = self.resolver.follow(schema, at)
        except SpecError:
            return False
        if not isinstance(node, dict):
            return False
        if node.get("type") == "string" and node.get("format") in {"binary", "file"}:
            return True
        if isinstance(node.get("items"), dict) and self._is_file(node["items"], child(node_at, "items"), depth + 1):
            return True
        for key in ("anyOf", "oneOf"):
            variants = node.get(key)
            if isinstance(variants, list) and any(self._is_file(v, child(node_at, key, i), depth + 1) for i, v in enumerate(variants)):
                return True
        return False

    def _encoding(self, media_node: dict[str, Any], at: Location) -> tuple[tuple[str, str | None, str | None, bool | None], ...]:
        """The media type's `encoding`, per property: (name, contentType, style, explode), sorted by name."""
        table = media_node.get("encoding")
        if table is None:
            return ()
        if not isinstance(table, dict):
            self.report.warn(at[1] + "/encoding", f"`encoding` must be an object, not {kind_of(table)}; ignored", file=at[0])
            return ()
        out = []
        for name, entry in sorted(table.items(), key=lambda kv: str(kv[0])):
            if not isinstance(entry, dict):
                self.report.warn(at[1] + "/encoding/" + escape_pointer_token(str(name)), f"an encoding must be an object, not {kind_of(entry)}; ignored", file=at[0])
                continue
            media = entry.get("contentType")
            style = entry.get("style")
            explode = entry.get("explode")
            if style is not None and style not in {"form", "spaceDelimited", "pipeDelimited", "deepObject"}:
                self.report.warn(at[1] + "/encoding/" + escape_pointer_token(str(name)) + "/style", f"unknown style {style!r}; ignored", file=at[0])
                style = None
            # Several types (`image/png, image/jpeg`) say what is accepted; the first is sent.
            media = (media.split(",")[0].strip() or None) if isinstance(media, str) else None
            if media is not None and not _MEDIA_TYPE.match(media):
                self.report.warn(at[1] + "/encoding/" + escape_pointer_token(str(name)) + "/contentType", f"{media!r} is not a media type; ignored", file=at[0])
                media = None
            out.append((str(name), media, style, explode if isinstance(explode, bool) else None))
        return tuple(entry for entry in out if entry[1:] != (None, None, None))

    def _requires_properties(self, target: Any, at: Location, depth: int = 0) -> bool:
        if not isinstance(target, dict) or depth > 8:
            return False
        if isinstance(target.get("required"), list) and target["required"]:
            return True
        variants = target.get("anyOf", target.get("oneOf"))
        if not isinstance(variants, list) or not variants:
            return False
        key = "anyOf" if "anyOf" in target else "oneOf"
        try:
            followed = [self.resolver.follow(v, child(at, key, i)) if isinstance(v, dict) else (v, at) for i, v in enumerate(variants)]
        except SpecError:
            return False  # a broken `$ref`: reported where the body's type is lowered
        return all(self._requires_properties(node, node_at, depth + 1) for node, node_at in followed)

    def _flatten(self, target: dict[str, Any], at: Location, hint: str, names: NameTable, kind: str) -> list[ir.Parameter]:
        obj = self.schemas.collect(target, at)
        model_hint = self.schemas.component_name(at) or hint + "Body"
        parameters = []
        for wire, (schema, schema_at) in obj.properties.items():
            prop = self.resolver.follow(schema, schema_at)[0] if isinstance(schema, dict) else {}
            prop = prop if isinstance(prop, dict) else {}
            source = schema if isinstance(schema, dict) else {}
            if source.get("readOnly") or prop.get("readOnly"):
                continue
            lowered = self.schemas.lower(schema, schema_at, model_hint + pascal(wire))
            parameters.append(
                ir.Parameter(
                    name=_claim(names, wire, "body"),
                    wire_name=wire,
                    location="body",
                    type=lowered,
                    # Whatever `requestBody.required` says: a body without it is not valid, and the
                    # flattened body is always sent (`{}` when it requires nothing and nothing is given).
                    required=wire in obj.required,
                    description=self.schemas.description_of(schema, schema_at),
                    default=self.schemas.default_of(schema, schema_at),
                    example=self.schemas.example_of(schema, schema_at),
                    deprecated=bool(source.get("deprecated") or prop.get("deprecated")),
                )
            )
        return parameters

    def _responses(self, node: dict[str, Any], at: Location, hint: str, body_parameters: list[ir.Parameter]) -> tuple[ir.Response, ir.Stream | None]:
        responses = node.get("responses")
        if responses is None and str(self.root.raw.get("openapi", "")).startswith("3.1"):
            return ir.Response("none", None), None  # optional in 3.1: nothing is documented, nothing parsed
        if not isinstance(responses, dict) or not responses:
            self.report.error(at[1], "the operation has no `responses`", "add at least one response, e.g. `'200': {description: OK}`", file=at[0])
            return ir.Response("none", None), None
        codes = sorted((str(c) for c in responses if str(c).startswith("2")), key=lambda c: (c.upper() == "2XX", c))
        code = codes[0] if codes else ("default" if "default" in responses else None)
        if code is None:
            return ir.Response("none", None), None
        key = code if code in responses else int(code)
        response, response_at = self._follow_response(responses[key], child(at, "responses", code))
        if response is BROKEN:
            return ir.Response("none", None), None
        content = response.get("content") if isinstance(response, dict) else None
        if not isinstance(content, dict) or not content:
            return ir.Response("none", None), None
        kinds = {media: media_kind(media) for media in content}
        stream = None
        stream_media = next((m for m, k in kinds.items() if k == "stream"), None)
        if stream_media is not None:
            stream = self._stream(content[stream_media], child(response_at, "content", stream_media), hint, body_parameters)
        others = {m: k for m, k in kinds.items() if k != "stream"}
        if not others:
            return ir.Response("none", None), stream
        if stream is not None and stream.flag is None:
            # Both a stream and another body, and no boolean body property to choose between them.
            self.report.warn(
                response_at[1] + "/content",
                f"text/event-stream response skipped: no boolean `{self.target.stream_flag}` body property selects it",
                "set `stream_flag` in [tool.generator] to the property that does",
            )
            stream = None
        choice = self._choose(others, response_at, ("json", "binary", "text"), "response")
        if choice is None:
            return ir.Response("none", None), stream
        media, kind = choice
        media_node = content[media] if isinstance(content[media], dict) else {}
        listed = {k for k in others.values() if k in ("json", "binary", "text")}
        if kind == "json":
            schema_at = child(response_at, "content", media, "schema")
            lowered = self.schemas.lower(media_node.get("schema", True), schema_at, hint + "Response")
            if isinstance(lowered, ir.Primitive) and lowered.kind in ("str", "bytes"):
                # A JSON string is how many specs write a download (`/files/{id}/content`):
                # the text or bytes the server sends are taken as such.
                listed |= {"binary", "text"}
            return ir.Response("json", lowered, media, _also(listed, kind)), stream
        return ir.Response(kind, None, media, _also(listed, kind)), stream  # type: ignore[arg-type]

    def _errors(self, node: dict[str, Any], at: Location, hint: str) -> tuple[tuple[str, ir.Type], ...]:
        """The JSON schemas of the 4xx/5xx responses (and ``default`` beside a success), by status."""
        responses = node.get("responses")
        if not isinstance(responses, dict):
            return ()
        has_success = any(str(c).startswith("2") for c in responses)
        out: dict[str, ir.Type] = {}
        for code in responses:
            status = str(code).upper()
            if status == "DEFAULT":
                if not has_success:
                    continue  # then `default` is the success response
                status = "default"
            elif not (len(status) == 3 and status[0] in "45" and (status[1:].isdigit() or status[1:] == "XX")):
                continue
            used_at = child(at, "responses", str(code))
            response, response_at = self._follow_response(responses[code], used_at)
            if response is BROKEN or not isinstance(response, dict):
                continue
            content = response.get("content")
            if not isinstance(content, dict):
                continue
            media = preferred(map(str, content), "json")
            media_node = content[media] if media is not None else None
            if media is None or not isinstance(media_node, dict) or "schema" not in media_node:
                continue
            name = hint + {"default": "Error", "4XX": "ClientError", "5XX": "ServerError"}.get(status, "Error" + status)
            out[status] = self.schemas.lower(media_node["schema"], child(response_at, "content", media, "schema"), name)
        return tuple(sorted(out.items()))

    def _stream(self, media_node: Any, at: Location, hint: str, body_parameters: list[ir.Parameter]) -> ir.Stream:
        schema = media_node.get("schema", True) if isinstance(media_node, dict) else True
        item = self.schemas.lower(schema, child(at, "schema"), hint + "Event")
        flag = next((p.name for p in body_parameters if p.wire_name == self.target.stream_flag and _is_bool(p.type)), None)
        return ir.Stream(item=item, envelope=self._is_envelope(item), flag=flag)

    def _follow_response(self, node: Any, used_at: Location) -> tuple[Any, Location]:
        """A response, through its ``$ref``s; BROKEN when it cannot be read (reported).

        A response ``$ref`` to a schema (``400: {$ref: '#/components/schemas/BadRequest'}``, swaggerhub) means a
        JSON body of that schema: read so, with a warning. Into another section, it is an error.
        """
        response, response_at = self.resolver.follow(node, used_at)
        tokens = response_at[1].split("/")[1:]
        if response is not BROKEN and response_at != used_at and len(tokens) == 3 and tokens[:2] == ["components", "schemas"]:
            self.report.warn(used_at[1] + "/$ref", f"`$ref` {node.get('$ref')!r} points to a schema, not to a response; read as a JSON response of that schema", "write `content: {application/json: {schema: {$ref: ...}}}`", file=used_at[0])
            return {"description": "", "content": {"application/json": {"schema": {"$ref": node["$ref"]}}}}, used_at
        if response is BROKEN or self._wrong_target(node, used_at, response_at, "responses"):
            return BROKEN, used_at
        return response, response_at

    def _wrong_target(self, node: Any, used_at: Location, target_at: Location, expected: str) -> bool:
        """Report a ``$ref`` that points into another section of ``components`` than ``expected``."""
        tokens = target_at[1].split("/")[1:]
        if target_at == used_at or len(tokens) != 3 or tokens[0] != "components" or tokens[1] == expected:
            return False
        ref = node.get("$ref") if isinstance(node, dict) else None
        found = COMPONENT_KINDS.get(tokens[1], f"`components/{tokens[1]}`")
        self.report.error(used_at[1] + "/$ref", f"`$ref` {ref!r} points to {found}, not to {COMPONENT_KINDS[expected]}", file=used_at[0])
        return True

    def _is_envelope(self, item: ir.Type) -> bool:
        """Events whose JSON is ``{"event": ..., "data": ...}``: the SSE event name is the tag."""
        by_name = {d.name: d for d in self.schemas.defs.values()}
        while isinstance(item, ir.NamedType) and by_name[item.name].kind == "alias" and by_name[item.name].type is not None:
            item = by_name[item.name].type  # type: ignore[assignment]
        variants = item.variants if isinstance(item, ir.UnionType) else (item,)
        for variant in variants:
            definition = by_name.get(variant.name) if isinstance(variant, ir.NamedType) else None
            if definition is None or definition.kind != "model" or {f.wire_name for f in definition.fields} != {"event", "data"}:
                return False
        return True

    def _choose(self, content: dict[str, Any], at: Location, preference: tuple[str, ...], what: str) -> tuple[str, str] | None:
        for wanted in preference:
            media = preferred(map(str, content), wanted)
            if media is not None:
                return media, wanted
        self.report.warn(at[1] + "/content", f"cannot generate {what} content type(s) {', '.join(map(repr, content))}; skipped", file=at[0])
        return None




def _also(listed: set[str], kind: str) -> tuple[Any, ...]:
    """The response kinds besides ``kind``, in a fixed order (the output is deterministic)."""
    return tuple(k for k in ("json", "binary", "text") if k in listed and k != kind)


def _is_bool(t: ir.Type) -> bool:
    while isinstance(t, ir.NullableType):
        t = t.inner
    return isinstance(t, ir.Primitive) and t.kind == "bool"


# A comparison written into a parameter's name (Twilio's `StartTime<`, `StartTime>`) is part of the name.
_COMPARISONS = (("<=", "on_or_before"), (">=", "on_or_after"), ("!=", "not"), ("<", "before"), (">", "after"))


def _argument_name(wire: str) -> str:
    for operator, suffix in _COMPARISONS:
        if wire.endswith(operator) and wire[: -len(operator)].strip():
            return snake(wire[: -len(operator)]) + "_" + suffix
    candidate = wire.rstrip("[]")
    usable = candidate.isidentifier() and candidate.isascii() and candidate.islower() and not candidate.startswith("_")
    return candidate if usable and not keyword.iskeyword(candidate) else snake(wire)


def _is_text_schema(target: Any) -> bool:
    """A schema a text body's `str` stands for: a string that is not a file's content."""
    return isinstance(target, dict) and target.get("type") == "string" and target.get("format") not in {"binary", "file"}


def query_template(query: str) -> dict[str, str]:
    """The parameters in a path key's query string, each with the query key it is sent under:
    ``q={query}`` sends ``query`` as ``q``; any other pair holding ``{name}`` (``{search}=1``) sends it as ``name``."""
    found: dict[str, str] = {}
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        whole = re.fullmatch(r"\{([^{}]+)\}", value)
        if whole and "{" not in key and key:
            found.setdefault(whole.group(1), key)
        else:
            for name in _TEMPLATE.findall(pair):
                found.setdefault(name, name)
    return found


def fixed_path(path: str) -> str:
    """The path key as sent: its query string keeps only the pairs with no parameter in them."""
    template, mark, query = path.partition("?")
    kept = "&".join(pair for pair in query.split("&") if pair and "{" not in pair)
    return template + ("?" + kept if kept else "")


def _claim(names: NameTable, wire: str, location: str) -> str:
    """An argument's name; when it is taken (``dryRun`` in the query and the body, a query parameter
    named ``timeout``), the later one says where it goes (``dry_run_body``, ``timeout_query``). Numbers
    only for what even that cannot tell apart (``Foo`` and ``foo`` in one place)."""
    name = _argument_name(wire)
    if name in names:
        name = f"{name}_{location}"
    return names.claim(name)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
