"""Compiled templates are kept in the cache directory, and never outlive their source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import generator.render
from generator.render import Renderer, RenderOptions

from ..conftest import CREATE_RUN, lower_spec


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(generator.render.templates_dir(), copy)
    monkeypatch.setattr(generator.render, "templates_dir", lambda: copy)
    return copy


def _render(cache: Path | None) -> dict[str, str]:
    api = lower_spec(CREATE_RUN).api
    return Renderer(api, RenderOptions(source=CREATE_RUN.name), cache).render()[0]


def test_a_changed_template_is_compiled_again(templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = _render(cache)
    assert any((cache / "templates").iterdir())
    assert _render(cache) == before

    template = templates / "resources_init.py.jinja"
    template.write_text(template.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    after = _render(cache)

    assert after["resources/__init__.py"] == before["resources/__init__.py"] + "# changed\n"
    assert after == _render(None) != before


def test_a_damaged_cache_entry_is_compiled_again(templates: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _render(cache)
    for entry in (cache / "templates").iterdir():
        entry.write_bytes(entry.read_bytes()[:40])
    assert _render(cache) == expected
