"""The createRun reference page holds every row of seed 002 (``../shared/seeds/002_*.txt``, read at test time).

The seed is a rendered reference page: per location, rows ``name [Type] Yes|No``, then the description,
``Default value: …`` and ``Possible values:`` with one bullet per value. Each row must be in the page's table
for that location, with the same type, required flag, default and possible values, and its description.
The seed names a list field ``name[]``; a wire name that already ends in ``[]`` (``include[]``) it names
``include[][]``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
SECTIONS = ("Path parameters", "Request headers", "Query parameters", "Request body fields")
_ROW = re.compile(r"^(\S+)(?: (String|Integer|Number|Boolean|Array|Object))? (Yes|No)(?: (.+))?$")


@dataclass
class SeedRow:
    section: str
    name: str
    type: str | None
    required: bool
    description: list[str] = field(default_factory=list)
    default: str | None = None
    values: list[str] = field(default_factory=list)


def seed_rows() -> list[SeedRow]:
    found = sorted(SEEDS.glob("002_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("the seed folder ../shared/seeds is not beside the project")
    rows: list[SeedRow] = []
    section = None
    in_values = False
    for raw in found[0].read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line in SECTIONS:
            section, in_values = line, False
            continue
        if line.startswith("How to start integrating"):
            break
        if section is None or not line or line.startswith("Name Type Required"):
            continue
        row = _ROW.match(line)
        if row:
            rows.append(SeedRow(section, row[1], row[2], row[3] == "Yes", [row[4]] if row[4] else []))
            in_values = False
        elif not rows:
            continue
        elif line.startswith("Default value:"):
            rows[-1].default = line.removeprefix("Default value:").strip()
            in_values = False
        elif line == "Possible values:":
            in_values = True
        elif in_values and line.startswith("•"):
            rows[-1].values.append(line.lstrip("• ").strip())
        else:
            rows[-1].description.append(line)
    return rows


def page_tables(text: str) -> dict[str, dict[str, list[str]]]:
    """The page's tables: section title → plain row name → its five cells (variant rows left out)."""
    tables: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = tables.setdefault(line[3:], {})
        elif line.startswith("| ") and current is not None and not line.startswith(("| Name", "| ---")):
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            name = re.fullmatch(r"`([^`]+)`", cells[0])
            if name:  # a variant row reads `name` *when …*: not a row of its own
                current.setdefault(name[1], cells)
    return tables


def plain(text: str) -> str:
    """Markdown as the seed shows it: no links' targets, no emphasis or code marks, one space."""
    text = re.sub(r"\]\([^)]*\)", "", text).replace("[", "").replace("<br>", " ")
    text = re.sub(r"[*`]", "", text)
    return " ".join(text.split())


def code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


@pytest.fixture(scope="module")
def page(create_run_result) -> str:  # type: ignore[no-untyped-def]
    (path,) = [p for p in create_run_result.docs if p.endswith("/create.md")]
    return create_run_result.docs[path]


def test_the_seed_parses_into_its_rows() -> None:
    rows = seed_rows()
    assert len(rows) == 25
    assert {r.section for r in rows} == set(SECTIONS)
    content_type = next(r for r in rows if r.name == "Content-Type")
    assert (content_type.section, content_type.default, content_type.description[0]) == ("Request headers", '"application/json"', "The media type of the request body.")
    effort = next(r for r in rows if r.name == "reasoning_effort")
    assert (effort.type, effort.required, effort.default, effort.values) == ("String", False, '"medium"', ['"medium"', '"low"', '"high"'])


def test_every_seed_row_is_on_the_create_run_page(page: str) -> None:
    tables = page_tables(page)
    missing, wrong = [], []
    for row in seed_rows():
        table = tables.get(row.section, {})
        name = row.name if row.name in table else row.name.removesuffix("[]")
        cells = table.get(name)
        if cells is None:
            missing.append(f"{row.section}: {row.name}")
            continue
        _, type_cell, required, default, description = cells
        if row.type is not None and plain(type_cell).split()[0] != row.type:
            wrong.append(f"{row.name}: type {type_cell!r}, seed {row.type}")
        if (required == "Yes") != row.required:
            wrong.append(f"{row.name}: required {required!r}, seed {row.required}")
        if row.default is not None:
            shown = code_spans(default)
            if not shown or json.loads(shown[0]) != json.loads(row.default):
                wrong.append(f"{row.name}: default {default!r}, seed {row.default}")
        elif default:
            wrong.append(f"{row.name}: default {default!r}, the seed has none")
        if row.values:
            listed = re.search(r"(?:Possible values|Known values|Or one of the values|Or the value|Value)[^:]*: (.*?)\.(?:<br>|$)", description)
            ours = {json.loads(v) for v in code_spans(listed[1])} if listed else set()
            if {json.loads(v) for v in row.values} - ours:
                wrong.append(f"{row.name}: values {sorted(ours)}, seed {row.values}")
        if row.description:
            first = plain(row.description[0])
            if first not in plain(description):
                wrong.append(f"{row.name}: description lacks {first[:60]!r}")
    assert missing == []
    assert wrong == []


def test_the_page_has_the_seed_s_heading_servers_and_tables(page: str) -> None:
    assert "\n`POST /threads/{thread_id}/runs`\n" in page
    assert "## Servers\n\n- `https://api.openai.com/v1`" in page
    assert [line[3:] for line in page.splitlines() if line[3:] in SECTIONS] == list(SECTIONS)
