"""The format and render caches only save time: a warm run gives the bytes a cold run gives."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import generate
from tests.conftest import CREATE_RUN, target_for


def test_warm_run_after_an_edit_equals_a_cold_run(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / CREATE_RUN.name  # same file name: it is in every generated header
    spec.parent.mkdir()
    text = CREATE_RUN.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"
    first = generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    assert first.cached == 0

    edited = text.replace("The identifier, which can be referenced in API endpoints.", "The run's identifier (edited).", 1)
    assert edited != text
    spec.write_text(edited, encoding="utf-8")
    warm = generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    cold = generate(target_for(spec, package="pkg"), cache_dir=None, jobs=1)

    assert warm.files == cold.files
    assert "The run's identifier (edited)." in warm.files["types/run_object.py"]
    # Only what the edit touched was formatted again.
    assert warm.formatted <= 3 < warm.cached
