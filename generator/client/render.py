"""IR → file texts, through the Jinja templates in ``templates/``.

This module decides which files exist and what each template gets; how things
are written is up to the templates and the filters registered here.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import ir
from generator.client import docstrings as docs
from generator.cache import read_entry, source_digest, write_entry
from generator.client.literals import py_literal, py_str
from generator.lower.operations import fixed_path
from generator.client.typing_render import RuleRef, TypeWriter, rule_constant, rule_refs, rule_source
from generator.docs import readme, snippets

if TYPE_CHECKING:
    import jinja2

# How templates are compiled: part of every compiled template's cache key, since jinja keys only by name and source.
_ENV_SETTINGS: dict[str, Any] = dict(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)

RUNTIME_FILES = ("__init__.py", "_auth.py", "_base_client.py", "_errors.py", "_forms.py", "_models.py", "_pagination.py", "_response.py", "_sse.py", "_streaming.py", "_transfer.py", "_types.py", "_validation.py")


def _py_tuple(value: object) -> str:
    """Lists and tuples, nested, as tuple literals; anything else as `py_literal` writes it."""
    if isinstance(value, (list, tuple)):
        items = [_py_tuple(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return py_literal(value)


def _auth_doc(pair: tuple[ir.SecurityScheme, ir.AuthArgument]) -> str:
    """Plain text on one constructor argument of a security scheme (escaped by the `doc` filter after)."""
    scheme, argument = pair
    where = {"header": "header", "query": "query parameter", "cookie": "cookie"}[scheme.location]
    if argument.role == "token":
        what = {"key": "The key or token", "oauth2": "An OAuth2 access token"}.get(scheme.kind, "The token")
        text = f"{what} of the `{scheme.key}` scheme, sent in the {where} `{scheme.name}`"
        if scheme.template != "{key}":
            text += " as `" + scheme.template.replace("{key}", "<token>") + "`"
        text += "; or a callable returning one, called before each call (a token provider)."
    elif argument.role in ("username", "password"):
        text = f"The {argument.role} of the `{scheme.key}` scheme (HTTP basic, sent in `Authorization`)."
    else:
        text = (
            f"The OAuth2 client {argument.role.removeprefix('client_').replace('_', ' ')} of the `{scheme.key}` scheme: with both, "
            f"the client fetches a token from `{scheme.token_url}` (client credentials), caches it and fetches another before it expires."
        )
    if argument.env is not None:
        text += f" Defaults to the `{argument.env}` environment variable."
    return text


def templates_dir() -> Path:
    # A checkout keeps templates/ beside generator/; an installed package carries them as generator.templates.
    local = Path(__file__).resolve().parent.parent.parent / "templates" / "client"
    if local.is_dir():
        return local
    return Path(str(importlib_resources.files("generator.templates"))) / "client"


def runtime_dir() -> Path:
    return Path(__file__).resolve().parent / "runtime"


@dataclass(frozen=True)
class Entry:
    """One named type as one module writes it: a response model, a request TypedDict or an alias."""

    definition: ir.NamedDef
    side: str

    @property
    def kind(self) -> str:
        return "model" if isinstance(self.definition, ir.Model) else "alias"

    @property
    def class_name(self) -> str:
        return self.definition.param_name if self.side == "request" else self.definition.name


@dataclass(frozen=True)
class TypesModule:
    name: str
    side: str
    entries: tuple[Entry, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]
    forward: frozenset[str]
    # Types a model's field shares a name with: written `_Name`, an alias of the module-level name
    # (`imported_aliases` after the imports, `local_aliases` after the type's own definition).
    imported_aliases: tuple[str, ...] = ()
    local_aliases: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RenderOptions:
    source: str
    docs_base_url: str | None = None
    line_length: int = 100


class Renderer:
    def __init__(self, api: ir.Api, options: RenderOptions, cache_dir: Path | None = None):
        """``cache_dir`` is not read here: compiled templates are code, and nothing executable is loaded from a cache folder."""
        self.api = api
        self.options = options
        self.types = TypeWriter(api)
        self.cache_dir = cache_dir
        self._digests: dict[str, str] = {}
        self._def_digests: dict[int, str] = {}
        self._resource_digests: dict[int, str] = {}
        self._deps: dict[str, list[str]] = {}
        self._refs: dict[tuple[int, str | None], list[str]] = {}
        # Per parameter type (a method is written sync and async): (type, rule, its source, shares rules).
        self._rules: dict[int, tuple[ir.Type, dict[str, Any] | RuleRef | None, str | None, bool]] = {}
        # Per definition, not per field: a class's fields are written one by one (20,000 in one spec).
        self._shadowed: dict[int, tuple[ir.NamedDef, frozenset[str]]] = {}
        self._shadowed_keys: dict[int, tuple[ir.NamedDef, frozenset[str]]] = {}
        self._shadowed_members: dict[int, tuple[ir.Resource, dict[int, frozenset[str]]]] = {}
        # The files the last ``render`` took as ``known`` gave them, not rendered again.
        self.served: set[str] = set()

    def _compiled_templates_dir(self) -> Path | None:
        """Beside the templates, as Python keeps its own bytecode in ``__pycache__``; None: compile in memory.

        Compiled templates are the generator's code, not a result of any spec, so they are
        kept there whatever ``--no-cache`` says (jinja recompiles a template whose source
        changed). They are code that runs: they are never kept in the cache folder, and
        the folder beside the templates is used only when it is as trusted as the templates
        (owned by this user or by the templates' owner, and writable by no one else).
        Where it cannot be, each run compiles the templates it uses in memory (~0.1 s).
        """
        if sys.dont_write_bytecode:
            return None
        templates = templates_dir()
        beside = templates / "__pycache__"
        try:
            beside.mkdir(mode=0o755, exist_ok=True)
            info, owner = os.lstat(beside), os.stat(templates).st_uid
        except OSError:
            return None
        trusted_owner = info.st_uid in {owner, os.geteuid()} if hasattr(os, "geteuid") else True
        if not stat.S_ISDIR(info.st_mode) or not trusted_owner or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        return beside

    @functools.cached_property
    def env(self) -> jinja2.Environment:
        # Built on first use: a run whose files all come from the render cache never imports jinja2.
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir())),
            undefined=jinja2.StrictUndefined,
            bytecode_cache=_bytecode_cache(compiled) if (compiled := self._compiled_templates_dir()) else None,
            **_ENV_SETTINGS,
        )
        env.filters.update(
            annotation=self.types.annotation,
            doc=lambda text: docs.docstring_text(text, self.options.docs_base_url),
            docstring=self._docstring,
            comment=docs.comment_text,
            pyrepr=py_literal,
            rule=self._rule,
            shares_rules=self._shares_rules,
            param_doc=self._param_doc,
            field_doc=_field_doc,
            uses=_uses,
            unhide_builtins=_unhide_builtins,
            is_identifier=_is_plain_identifier,
            uses_types=self._uses_types,
            types_alias=_types_alias,
            quote_forward=_quote_forward,
            unshadow=self._unshadow,
            unshadow_members=self._unshadow_members,
            import_line=lambda item: self._from_import("." + item[0], list(item[1])),
            from_import=self._from_import,
            format_as=lambda name: f"{name} as {name}",
            quote_all=py_str,
            paging=_paging,
            fixed_path=fixed_path,
            auth_doc=_auth_doc,
            option_tuple=lambda o: (o.name, o.header, o.env),
            pytuple=_py_tuple,
            headers_dict=lambda pairs: py_literal(dict(pairs)),
            auth_arguments=lambda api: [a for s in api.security_schemes for a in s.arguments],
            md_text=readme.md_text,
            md_line=readme.md_line,
            fenced=readme.fenced,
        )
        env.tests["in_code"] = lambda name, code: _uses(code, name)
        env.tests["is_identifier"] = _is_plain_identifier
        env.globals.update(api=self.api, source=self.options.source, writer=self.types)
        return env

    # --- the files ----------------------------------------------------------------------

    def render(self, known: Callable[[str], str | None] = lambda key: None, *, keyed: bool = True) -> tuple[dict[str, str], dict[str, str]]:
        """Every file's text, and a content key for each type module rendered here.

        Not ``keyed`` (no cache to keep the results in), the keys are left empty: computing them
        costs a repr of every operation and type, a sixth of rendering GitHub's spec.

        ``known(key)`` may return the final (formatted) text a type module had the last time it
        was rendered from the same inputs; such modules are not rendered again, and come back
        as they were given. A type module's text depends only on its own definitions and on how
        the types it refers to are written, which is what its key is a hash of.
        """
        files: dict[str, str] = {}
        keys: dict[str, str] = {}
        self.served = set()
        for name in RUNTIME_FILES:
            files[f"_runtime/{name}"] = (runtime_dir() / name).read_text(encoding="utf-8")
        resources = list(_walk(self.api.resources))
        modules = self._types_modules()
        files["__init__.py"] = self._template("package_init.py.jinja")
        files["_client.py"] = self._template("client.py.jinja")
        files["py.typed"] = ""
        # The package's README: its code blocks are the docs' snippets (proven in tests/docs).
        files["README.md"] = self._template("README.md.jinja", blocks=readme.readme_blocks(self.api), key_env=snippets.api_key_env(self.api))
        files["resources/__init__.py"] = self._template("resources_init.py.jinja", resources=resources)
        for resource in resources:
            path = f"resources/{resource.module}.py"
            key = self._resource_key(resource) if keyed else ""
            final = known(key) if keyed else None
            if final is not None:
                files[path] = final
                self.served.add(path)
            else:
                files[path] = self._template("resource.py.jinja", resource=resource)
                keys[path] = key
        shared = self._shared_rules()
        if shared:
            # Each named type's rule once; methods refer to the constants (written by name only).
            key = self._rules_key(shared) if keyed else ""
            final = known(key) if keyed else None
            if final is not None:
                files["_rules.py"] = final
                self.served.add("_rules.py")
            else:
                files["_rules.py"] = self._template("rules.py.jinja", rules=shared, forward=[name for name, _, declared in shared if declared])
                keys["_rules.py"] = key
        files["types/__init__.py"] = self._template("types_init.py.jinja", modules=modules)
        for module in modules:
            path = f"types/{module.name}.py"
            template = "params.py.jinja" if module.side == "request" else "models.py.jinja"
            key = self._module_key(module, template) if keyed else ""
            final = known(key) if keyed else None
            if final is not None:
                files[path] = final
                self.served.add(path)
            else:
                files[path] = self._template(template, module=module)
                keys[path] = key
        return files, keys

    def _resource_key(self, resource: ir.Resource) -> str:
        """A resource module reads its operations and, through annotations, validation rules and
        docstrings, any type they reach: the key covers all of those."""
        roots: list[str] = []
        for op in resource.operations:
            for t in [p.type for p in op.parameters] + [op.response.type, op.stream.item if op.stream else None, op.pagination.item if op.pagination else None] + [e for _, e in op.errors]:
                roots.extend(ir.names_in(t))
        reached: set[str] = set()
        while roots:
            name = roots.pop()
            if name not in reached:
                reached.add(name)
                roots.extend(self._depends_on(name))
        digests = [self._digest(name) for name in sorted(reached)]
        payload = repr((self._salt, "resource", self.options, self._resource_digest(resource), digests))
        return hashlib.sha256(payload.encode()).hexdigest()

    def _shared_rules(self) -> list[tuple[str, str, bool]]:
        """The rules module's constants, in order: ``(constant, source, declared before)``.

        Only the rules the operations reach, each after those it refers to; a constant that is
        referred to before it is written (a recursive type) is declared empty first and filled
        where it comes. Roots and references are taken in order of appearance, so the order is
        the same on every run.
        """
        bodies = self.types.shared_rules()
        roots = [name for resource in _walk(self.api.resources) for op in resource.operations for p in op.parameters for name in rule_refs(self._rule_entry(p.type)[1])]
        order: list[str] = []
        placed: set[str] = set()
        for root in roots:
            if root in placed:
                continue
            # Depth first, iteratively (schemas nest deeper than Python's recursion limit allows):
            # a name is written after its references, which are written in order of appearance.
            placed.add(root)
            stack = [(root, iter(list(dict.fromkeys(rule_refs(bodies[root])))))]
            while stack:
                name, refs = stack[-1]
                for ref in refs:
                    if ref not in placed:
                        placed.add(ref)
                        stack.append((ref, iter(list(dict.fromkeys(rule_refs(bodies[ref]))))))
                        break
                else:
                    stack.pop()
                    order.append(name)
        position = {name: i for i, name in enumerate(order)}
        forward = {ref for name in order for ref in rule_refs(bodies[name]) if position[ref] >= position[name]}
        return [(rule_constant(name), rule_source(bodies[name], ""), name in forward) for name in order]

    def _rules_key(self, shared: list[tuple[str, str, bool]]) -> str:
        """The rules module's text is its constants' sources: the key is a hash of them (cheap
        next to formatting the module, which is what the cache saves)."""
        payload = repr((self._salt, "rules", self.options, shared))
        return hashlib.sha256(payload.encode()).hexdigest()

    def _resource_digest(self, resource: ir.Resource) -> str:
        # Children by digest, each computed once: a nested resource is serialised once, not once per ancestor.
        digest = self._resource_digests.get(id(resource))
        if digest is None:
            children = [self._resource_digest(child) for child in resource.children]
            payload = repr((resource.name, resource.class_name, resource.module, resource.operations, children))
            digest = self._resource_digests[id(resource)] = hashlib.sha256(payload.encode()).hexdigest()
        return digest

    def _depends_on(self, name: str) -> list[str]:
        deps = self._deps.get(name)
        if deps is None:
            # Only names that are defined: a type reached only through a field its side leaves out
            # (a readOnly property of a request-only model) is not generated, and not depended on.
            deps = self._deps[name] = [n for n in self._refers_to(self.types.defs[name], side=None) if n in self.types.defs]
        return deps

    def _digest(self, name: str) -> str:
        """A name's definitions, on both sides when it has two."""
        digest = self._digests.get(name)
        if digest is None:
            both_sides = [self._def_digest(d) for d in self._by_name[name]]
            digest = self._digests[name] = hashlib.sha256(repr(both_sides).encode()).hexdigest()
        return digest

    def _def_digest(self, definition: ir.NamedDef) -> str:
        # By identity: hashing a frozen definition would walk all of it, as repr does, every time.
        digest = self._def_digests.get(id(definition))
        if digest is None:
            digest = self._def_digests[id(definition)] = hashlib.sha256(repr(definition).encode()).hexdigest()
        return digest

    @functools.cached_property
    def _by_name(self) -> dict[str, list[ir.NamedDef]]:
        """Each name's definitions: two for a model used in requests and in responses."""
        grouped: dict[str, list[ir.NamedDef]] = {}
        for definition in self.api.types:
            grouped.setdefault(definition.name, []).append(definition)
        return grouped

    def _module_key(self, module: TypesModule, template: str) -> str:
        referenced = sorted({name for entry in module.entries for name in self._referenced(entry)})
        seen = [(name, self.types.written_as(name)) for name in referenced]
        entries = [(entry.side, self._def_digest(entry.definition)) for entry in module.entries]
        # Sorted: a frozenset's repr follows the hash seed, and the key must not.
        own = (module.name, module.side, entries, module.imports, sorted(module.forward), module.imported_aliases, sorted(module.local_aliases))
        payload = repr((self._salt, template, self.options, own, seen))
        return hashlib.sha256(payload.encode()).hexdigest()

    @functools.cached_property
    def _salt(self) -> str:
        """The templates' and filters' own source: any change to them changes every key."""
        here = Path(__file__).resolve().parent
        filters = [here / name for name in ("render.py", "typing_render.py", "docstrings.py", "literals.py")] + [here.parent / "escape.py"]
        return source_digest(sorted(templates_dir().glob("*.jinja")) + filters)

    def _template(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def _types_modules(self) -> list[TypesModule]:
        grouped: dict[str, list[Entry]] = {}
        for definition in self.api.types:
            if isinstance(definition, ir.Alias) and definition.module == definition.param_module:
                side = "request" if definition.in_request else "response"
                grouped.setdefault(definition.module, []).append(Entry(definition, side))
                continue
            if definition.in_response:
                grouped.setdefault(definition.module, []).append(Entry(definition, "response"))
            if definition.in_request:
                grouped.setdefault(definition.param_module, []).append(Entry(definition, "request"))
        modules = []
        for name in sorted(grouped):
            entries = tuple(grouped[name])
            side = "request" if all(e.side == "request" for e in entries) else "response"
            aliased = sorted({n for e in entries if e.side == "response" and e.kind == "model" for n in self._shadowed_names(e.definition) - _BUILTIN_TYPES})
            local = frozenset(e.class_name for e in entries) & set(aliased)
            imported = tuple(n for n in aliased if n not in local)
            modules.append(TypesModule(name, side, entries, self._module_imports(name, entries), _forward_names(entries, self.types), imported, local))
        return modules

    def _shadowed_names(self, definition: ir.NamedDef) -> frozenset[str]:
        """Names a response model's annotations use that one of its fields also has.

        Annotations are evaluated in the class body, where a field with a default (``PaymentMethod:
        PaymentMethod | None = None``) has already replaced the module's name with its value.
        """
        found = self._shadowed.get(id(definition))
        if found is None or found[0] is not definition:
            names: frozenset[str] = frozenset()
            if isinstance(definition, ir.Model):
                fields = {f.name for f in definition.fields if not f.write_only}
                used = {self.types.defs[n].name for f in definition.fields if not f.write_only for n in self.types.names_in(f.type)}
                names = frozenset(fields & (used | _BUILTIN_TYPES))
            found = self._shadowed[id(definition)] = (definition, names)
        return found[1]

    def _unshadow_members(self, annotation: str, resource: ir.Resource, op: ir.Operation) -> str:
        """A method's return annotation, where the members defined before it in its class body (its
        children, then the methods before it: `list`) hide builtin types from mypy."""
        found = self._shadowed_members.get(id(resource))
        if found is None or found[0] is not resource:
            before: dict[int, frozenset[str]] = {}
            taken = set(_BUILTIN_TYPES.intersection(c.name for c in resource.children))
            for earlier in resource.operations:
                before[id(earlier)] = frozenset(taken)
                if earlier.method_name in _BUILTIN_TYPES:
                    taken.add(earlier.method_name)
            found = self._shadowed_members[id(resource)] = (resource, before)
        return _unshadow(annotation, found[1].get(id(op), frozenset()))

    def _unshadow(self, annotation: str, definition: ir.NamedDef, builtins_only: bool = False) -> str:
        """The filter: ``builtins_only`` for a TypedDict, whose keys hide only builtin types (mypy reads
        its annotations in the class body; nothing is assigned there at run time)."""
        if not builtins_only:
            return _unshadow(annotation, self._shadowed_names(definition))
        found = self._shadowed_keys.get(id(definition))
        if found is None or found[0] is not definition:
            found = self._shadowed_keys[id(definition)] = (definition, _shadowed_builtins(definition))
        return _unshadow(annotation, found[1])

    def _module_imports(self, module: str, entries: tuple[Entry, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        needed: dict[str, set[str]] = {}
        for entry in entries:
            for name in self._referenced(entry):
                target, written = self._location(name, entry.side)
                if target != module:
                    needed.setdefault(target, set()).add(written)
        return tuple((target, tuple(sorted(names))) for target, names in sorted(needed.items()))

    def _referenced(self, entry: Entry) -> list[str]:
        # Asked for by the module's imports and again by its key.
        key = (id(entry.definition), entry.side)
        names = self._refs.get(key)
        if names is None:
            names = self._refs[key] = self._refers_to(entry.definition, entry.side)
        return names

    def _refers_to(self, definition: ir.NamedDef, side: str | None) -> list[str]:
        """Named types a definition refers to; on one side, without the fields that side leaves out."""
        if isinstance(definition, ir.Alias):
            return self.types.names_in(definition.type)
        skip = {"request": "read_only", "response": "write_only"}.get(side or "")
        out = [n for f in definition.fields if not (skip and getattr(f, skip)) for n in self.types.names_in(f.type)]
        return out + self.types.names_in(definition.extra)

    def _location(self, name: str, side: str) -> tuple[str, str]:
        definition = self.types.defs[name]
        if side == "request":
            return definition.param_module, definition.param_name
        return definition.module, definition.name

    def _uses_types(self, resource: ir.Resource) -> bool:
        """Whether a resource module's operations name any generated type (it then imports ``types``)."""
        for op in resource.operations:
            sides = [p.type for p in op.parameters] + [op.response.type, *(error for _, error in op.errors)]
            sides += [op.pagination.item] if op.pagination else []
            sides += [op.stream.item] if op.stream else []
            if any(ir.names_in(t) for t in sides):
                return True
        return False

    # --- filters ------------------------------------------------------------------------

    def _from_import(self, module: str, names: list[str], indent: int = 0) -> str:
        """A from-import as black writes it: on one line when it fits, else one name a line."""
        line = f"from {module} import {', '.join(names)}"
        if indent + len(line) <= self.options.line_length:
            return line
        pad = " " * indent
        return f"from {module} import (\n" + "".join(f"{pad}    {name},\n" for name in names) + f"{pad})"

    def _docstring(self, text: str | None, indent: str) -> str:
        """A docstring on the lines after the statement it documents: "" or a newline and the string.

        A filter, not a macro: it is written for nearly every field, and a Jinja macro call costs
        many times what this does.
        """
        if not text:
            return ""
        body = docs.docstring_text(text, self.options.docs_base_url)
        if "\n" in body:
            return f'\n{indent}"""{_indent_rest(body, len(indent))}\n{indent}"""'
        return f'\n{indent}"""{body}"""'

    def _rule(self, t: ir.Type) -> str | None:
        """A parameter's rule as source, each named type's rule ``_rules.Constant`` in the rules module.

        Parameter names never start with ``_`` (``lower/operations.py``), so a method's
        ``from .. import _rules`` hides no argument.
        """
        return self._rule_entry(t)[2]

    def _shares_rules(self, t: ir.Type) -> bool:
        """Whether a parameter's rule refers to the rules module (the method imports it then)."""
        return self._rule_entry(t)[3]

    def _rule_entry(self, t: ir.Type) -> tuple[ir.Type, dict[str, Any] | RuleRef | None, str | None, bool]:
        found = self._rules.get(id(t))
        if found is None or found[0] is not t:
            rule = self.types.shared_rule(t)
            shares = rule is not None and next(iter(rule_refs(rule)), None) is not None
            found = self._rules[id(t)] = (t, rule, rule_source(rule, "_rules") if rule else None, shares)
        return found

    def _param_doc(self, param: ir.Parameter | ir.Field) -> str:
        """A parameter's or field's documentation, as plain text (the ``doc`` filter escapes it)."""
        parts = [param.description or ""]
        parts += docs.constraint_notes(param.type, self.types.defs)
        note = docs.default_note(param.default)
        if note:
            parts.append(note)
        if param.deprecated:
            parts.append("Deprecated.")
        return "\n\n".join(p for p in parts if p)


def _bytecode_cache(directory: Path) -> jinja2.BytecodeCache:
    """Compiled templates on disk, so that a run compiles only the templates that changed.

    jinja checks each entry against its template's source checksum (and the Python version);
    the file name adds jinja's version and the environment's settings, which jinja does not check.
    """
    import jinja2

    salt = hashlib.sha256(repr((jinja2.__version__, sorted(_ENV_SETTINGS.items()))).encode()).hexdigest()[:16]

    class _Cache(jinja2.BytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            # Sealed as cache entries are: a truncated or damaged file (or a FIFO, a symlink) is recompiled.
            data = read_entry(directory / f"{salt}-{bucket.key}")
            if data is None:
                return
            try:
                bucket.bytecode_from_string(data)  # resets the bucket when the entry is stale
            except Exception:  # noqa: BLE001 - a damaged entry is recompiled, not reported
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            write_entry(directory / f"{salt}-{bucket.key}", bucket.bytecode_to_string())

    return _Cache()


def _field_doc(f: ir.Field) -> str:
    """A response field's documentation: what it means (constraints are the server's business)."""
    return "\n\n".join(p for p in (f.description or "", "Deprecated." if f.deprecated else "") if p)


def _indent_rest(text: str, width: int) -> str:
    """Jinja's ``indent`` filter: every line but the first, blank lines left blank."""
    lines = (text + "\n").splitlines()
    first = lines.pop(0)
    if not lines:
        return first
    return first + "\n" + "\n".join(" " * width + line if line else line for line in lines)


def _forward_names(entries: tuple[Entry, ...], writer: TypeWriter) -> frozenset[str]:
    """Names an alias in this module uses before the module defines them (cycles only)."""
    defined: set[str] = set()
    forward: set[str] = set()
    local = {e.class_name for e in entries}
    for entry in entries:
        if isinstance(entry.definition, ir.Alias):
            for name in writer.names_in(entry.definition.type):
                definition = writer.defs[name]
                written = definition.param_name if entry.side == "request" else definition.name
                if written in local and written not in defined:
                    forward.add(written)
        defined.add(entry.class_name)
    return frozenset(forward)


def _walk(resources: tuple[ir.Resource, ...]) -> Any:
    for resource in resources:
        yield resource
        yield from _walk(resource.children)


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _unhide_builtins(expression: str, op: ir.Operation) -> str:
    """A type expression written in ``op``'s method body, with ``builtins.X`` for each builtin type one
    of the method's parameters hides (sinao's query parameter ``object``); as ``_unshadow`` does for a
    class's fields, string literals (``Literal["object"]``) left as they are."""
    return _unshadow(expression, _BUILTIN_TYPES.intersection(p.name for p in op.parameters))


@functools.lru_cache(maxsize=256)
def _use_of(name: str) -> re.Pattern[str]:
    """``name`` as a whole identifier that is not an attribute (``x.name``)."""
    return re.compile(r"(?<![\w.])" + re.escape(name) + r"(?!\w)")


def _uses(text: str, name: str) -> bool:
    """Whether ``text`` (generated code) uses the bare name ``name``, e.g. to decide an import."""
    if not _IDENTIFIER.fullmatch(name):
        return False  # only identifiers are ever used
    # A substring test rules out most names; the pattern then looks only for this one name.
    return name in text and _use_of(name).search(text) is not None


def _types_alias(resource: ir.Resource) -> str:
    """The name a resource module gives the types package: ``types``, unless a parameter, method or
    child resource of that module is named so (it would hide the package in a method or class body)."""
    taken = {p.name for op in resource.operations for p in op.parameters}
    taken.update(op.method_name for op in resource.operations)
    taken.update(child.name for child in resource.children)
    return "_types" if "types" in taken else "types"


def _quote_forward(text: str, forward: frozenset[str]) -> str:
    """Quote names an alias uses before its module defines them (mutually recursive types)."""
    for name in sorted(forward):
        text = re.sub(rf"(?<![\w.\"']){re.escape(name)}\b", py_str(name), text)
    return text


_BUILTIN_TYPES = frozenset({"object", "str", "int", "float", "bool", "bytes", "list", "dict"})
_STRING_LITERAL = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')")


_NAME_USE = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def _shadowed_builtins(definition: ir.NamedDef) -> frozenset[str]:
    """Builtin types a TypedDict's keys are named like (its keys are wire names)."""
    if not isinstance(definition, ir.Model):
        return frozenset()
    return _BUILTIN_TYPES.intersection(f.wire_name for f in definition.fields if not f.read_only)


def _unshadow(annotation: str, shadowed: frozenset[str]) -> str:
    """Names a class's own fields shadow, written so that they still mean the module's name.

    ``builtins.object`` for a builtin type, ``_Name`` (the module's alias) for a generated type.
    One pass over the annotation, whatever the number of fields: each name is looked up in a set.
    """
    if not shadowed:
        return annotation

    def fix(match: re.Match[str]) -> str:
        name = match.group(0)
        if name not in shadowed:
            return name
        return "builtins." + name if name in _BUILTIN_TYPES else "_" + name

    parts = _STRING_LITERAL.split(annotation)
    return "".join(part if i % 2 else _NAME_USE.sub(fix, part) for i, part in enumerate(parts))


def _is_keyword(name: str) -> bool:
    import keyword

    return keyword.iskeyword(name)


def _is_plain_identifier(name: str) -> bool:
    """Whether ``name`` can be written as itself where Python reads an identifier, and mean itself:
    not a keyword, and unchanged by the NFKC normalisation Python applies to identifiers ("ﬁ" is "fi")."""
    return name.isidentifier() and not _is_keyword(name) and unicodedata.normalize("NFKC", name) == name


def render(api: ir.Api, options: RenderOptions) -> dict[str, str]:
    return Renderer(api, options).render()[0]


def _paging(paging: ir.Pagination) -> str:
    """The runtime ``Paging(...)`` for an operation, every string from the spec written as a literal."""
    defaults = ir.Pagination(style=paging.style, item=paging.item, items=("data",))
    args = [py_str(paging.style)]
    for name in ("items", "param", "cursor", "has_more", "total", "item_id", "limit", "start"):
        value = getattr(paging, name)
        if value == getattr(defaults, name):
            continue
        if isinstance(value, tuple):
            text = "(" + ", ".join(py_str(v) for v in value) + ("," if len(value) == 1 else "") + ")"
        elif isinstance(value, str):
            text = py_str(value)
        else:
            text = repr(value)
        args.append(f"{name}={text}")
    return "Paging(" + ", ".join(args) + ")"
