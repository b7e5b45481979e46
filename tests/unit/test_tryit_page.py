"""The try-it page as a file: self-contained, deterministic, spec text only as inert JSON data."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from generator import config
from generator.pipeline import generate
from generator.tryit.page import PAGE_FILE, embed_json, page_data, render_page
from tests.conftest import CREATE_RUN, ROOT, lower_spec

HOSTILE = "</script><script>alert(1)</script><!-- \u2028\u2029 ]]> & <b>"


def _hostile_spec(tmp_path: Path) -> Path:
    text = CREATE_RUN.read_text(encoding="utf-8")
    spec = tmp_path / "hostile.yaml"
    spec.write_text(text.replace("summary: Create a run.", "summary: " + json.dumps(HOSTILE), 1), encoding="utf-8")
    return spec


def test_spec_text_cannot_end_the_data_script_or_open_a_comment(tmp_path: Path) -> None:
    api = lower_spec(_hostile_spec(tmp_path)).api
    html = render_page(api)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
    # The page's own elements only: the meta blob, one per operation and type, and the code.
    assert len(scripts) == 2 + len(page_data(api)[1]) + len(page_data(api)[2])
    assert "<!--" not in html and "\u2028" not in html and "\u2029" not in html
    blobs = [json.loads(s) for s in scripts[:-1]]
    assert any(b.get("summary") == HOSTILE for b in blobs)  # kept exactly, as data


def test_embed_json_escapes_markup_and_line_separators() -> None:
    text = embed_json({"a": "</script><!--\u2028&"})
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"a": "</script><!--\u2028&"}


def test_the_page_loads_nothing_from_anywhere() -> None:
    html = render_page(lower_spec(CREATE_RUN).api)
    assert not re.search(r"""<(script|link|img|iframe)[^>]*\s(src|href)=""", html)
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # and its CSP forbids it


def test_generate_writes_the_page_only_when_configured_and_the_same_bytes_each_time() -> None:
    (target,) = [t for t in config.load_targets(ROOT / "pyproject.toml") if t.spec == CREATE_RUN]
    assert target.tryit
    first = generate(target, cache_dir=None, jobs=1).files
    again = generate(target, cache_dir=None, jobs=1).files
    assert first[PAGE_FILE] == again[PAGE_FILE]
    assert PAGE_FILE in json.loads(first["_generated_files.json"])["files"]  # owned: replaced and removed as generated
    off = generate(replace(target, tryit=False), cache_dir=None, jobs=1).files
    assert PAGE_FILE not in off


def test_rules_are_the_clients(tmp_path: Path) -> None:
    from generator.client.typing_render import TypeWriter

    api = lower_spec(CREATE_RUN).api
    _, blobs, _ = page_data(api)
    (op,) = blobs
    writer = TypeWriter(api)
    ir_params = {p.name: p for p in api.resources[0].children[0].operations[0].parameters}
    for param in op["params"]:
        expected = writer.rule(ir_params[param["name"]].type)
        got = param.get("rule")
        assert (got is None) == (expected is None)
    temperature = next(p for p in op["params"] if p["name"] == "temperature")
    assert temperature["rule"] == {"minimum": 0, "maximum": 2}


def test_the_settings_are_checked(tmp_path: Path) -> None:
    import pytest

    from generator.diagnostics import SpecError

    def load(lines: str) -> config.Target:
        (tmp_path / "pyproject.toml").write_text(f'[tool.generator]\n[[tool.generator.targets]]\nspec = "a.yaml"\nout = "o"\npackage = "p"\n{lines}\n', encoding="utf-8")
        (target,) = config.load_targets(tmp_path / "pyproject.toml")
        return target

    assert load("").tryit is False and load("").tryit_operations == ()
    assert load('tryit = true\ntryit_operations = ["createRun"]').tryit_operations == ("createRun",)
    with pytest.raises(SpecError, match="`tryit` must be true or false, not a string"):
        load('tryit = "yes"')
    with pytest.raises(SpecError, match="`tryit_operations` must be a list of strings"):
        load("tryit_operations = [1]")
