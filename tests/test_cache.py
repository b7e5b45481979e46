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


def test_an_edit_that_leaves_long_lines_alone_starts_no_black(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """black's lines for each long statement are cached by the statement: editing a docstring needs none."""
    import generator.client.format as format_module

    names = ", ".join(f'"ResourceNumber{i}"' for i in range(8))
    module = '"""{doc}"""\n\n__all__ = [' + names + "]\n"  # a plain assignment: only black splits it
    calls: list[str] = []
    real = format_module.format_source

    def counting(source: str, line_length: int) -> str:
        calls.append(source)
        return real(source, line_length)

    cache = tmp_path / "cache"
    first = format_module.Formatter(100, cache, jobs=1).format_all({"m.py": module.format(doc="A module.")})
    monkeypatch.setattr(format_module, "format_source", counting)
    warm = format_module.Formatter(100, cache, jobs=1).format_all({"m.py": module.format(doc="A module (edited).")})
    assert calls == []
    cold = format_module.Formatter(100, None, jobs=1).format_all({"m.py": module.format(doc="A module (edited).")})
    assert calls, "the module has a line only black can split: the test proves nothing otherwise"
    assert warm == cold and first["m.py"].count("\n") == warm["m.py"].count("\n") > 4


def test_texts_compiled_before_are_not_compiled_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import generator.client.output as output

    compiled: list[str] = []
    real = output.check_compiles

    def recording(files, skip=frozenset(), shown=""):  # type: ignore[no-untyped-def]
        compiled.extend(p for p in files if p.endswith(".py") and p not in skip)
        return real(files, skip, shown)

    monkeypatch.setattr(output, "check_compiles", recording)
    cache = tmp_path / "cache"
    generate(target_for(CREATE_RUN, package="pkg"), cache_dir=cache, jobs=1)
    assert "_runtime/_base_client.py" in compiled and "__init__.py" in compiled
    compiled.clear()
    generate(target_for(CREATE_RUN, package="pkg"), cache_dir=cache, jobs=1)
    assert compiled == [], "every text of an unchanged spec compiled before"
    compiled.clear()
    generate(target_for(CREATE_RUN, package="pkg"), cache_dir=None, jobs=1)
    assert "_runtime/_base_client.py" in compiled, "without a cache everything is compiled"
