"""Hostile strings in every field of a spec stay data on the reference pages: tables keep their cells,
no raw HTML or unsafe character reaches a page (the same strings and spec as tests/properties/test_hostile_strings.py)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import given, note
from hypothesis import strategies as st

from generator.diagnostics import SpecError
from generator.docs.render import DocsOptions, render
from generator.escape import has_unsafe
from tests.conftest import lower_spec
from tests.docs.test_pages import _outside_code
from tests.properties.test_hostile_strings import FIELDS, HOSTILE, SETTINGS, _spec


def _cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line)) - 2


@SETTINGS
@given(st.fixed_dictionaries({name: HOSTILE for name in FIELDS}))
def test_hostile_strings_stay_data_on_the_pages(strings: dict[str, str]) -> None:
    note(repr(strings))
    with tempfile.TemporaryDirectory(prefix="hostile-docs-") as tmp:
        spec = Path(tmp) / "hostile.json"
        spec.write_text(json.dumps(_spec(strings)), encoding="utf-8")
        try:
            api = lower_spec(spec).api
        except SpecError:
            return  # refused with a located error: tests/properties covers that
        files = render(api, DocsOptions(source=strings["title"] + ".json", docs_base_url="https://docs.example.test"))
    for path, text in files.items():
        assert not has_unsafe(text.replace("\n", "")), path
        assert not re.search(r"<(?!br>|!-- Generated)", _outside_code(text)), path
        assert text.splitlines()[0].endswith(". Do not edit by hand. -->") and text.count("-->") == 1, path
        width = None
        for line in text.splitlines():
            if not line.startswith("| "):
                width = None
                continue
            width = _cells(line) if width is None else width
            assert _cells(line) == width, (path, line)
