"""Compiled templates are kept beside the templates (never in the cache directory), and never outlive their source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import generator.client.render
from generator.client.render import Renderer, RenderOptions

from ..conftest import CREATE_RUN, lower_spec


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(generator.client.render.templates_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(generator.client.render, "templates_dir", lambda: copy)
    # As Python's own bytecode, compiled templates are written unless PYTHONDONTWRITEBYTECODE says not to.
    monkeypatch.setattr(generator.client.render.sys, "dont_write_bytecode", False)
    return copy


def _render(cache: Path | None) -> dict[str, str]:
    api = lower_spec(CREATE_RUN).api
    return Renderer(api, RenderOptions(source=CREATE_RUN.name), cache).render()[0]


def test_a_changed_template_is_compiled_again(templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = _render(cache)
    assert any((templates / "__pycache__").iterdir()) and not (cache / "templates").exists()
    assert _render(cache) == before

    template = templates / "resources_init.py.jinja"
    template.write_text(template.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    after = _render(cache)

    assert after["resources/__init__.py"] == before["resources/__init__.py"] + "# changed\n"
    assert after == _render(None) != before


def test_a_damaged_cache_entry_is_compiled_again(templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _render(cache)
    for entry in (templates / "__pycache__").iterdir():
        entry.write_bytes(entry.read_bytes()[:40])
    assert _render(cache) == expected


def test_without_a_usable_templates_folder_they_are_compiled_in_memory(templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Compiled templates are code: the cache folder never holds them (issue 10, finding 5).
    monkeypatch.setattr(generator.client.render.sys, "dont_write_bytecode", True)
    cache = tmp_path / "cache"
    expected = _render(None)
    assert not (templates / "__pycache__").exists()
    assert _render(cache) == expected
    assert not (cache / "templates").exists()


def test_a_templates_folder_others_can_write_is_not_used(templates: Path, tmp_path: Path) -> None:
    beside = templates / "__pycache__"
    beside.mkdir()
    beside.chmod(0o777)
    expected = _render(None)
    assert _render(tmp_path / "cache") == expected
    assert list(beside.iterdir()) == []
