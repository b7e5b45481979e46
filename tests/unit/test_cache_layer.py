"""The one cache layer (``generator.cache.Cache``): what every stage and output keeps its values in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cache import Cache, Namespace, read_entry, write_entry

PAGES = Namespace("test-pages", code=lambda: "code 1")


def _counting(value: bytes | str) -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> bytes | str:
        calls.append(1)
        return value

    return calls, compute


def test_a_value_is_computed_once_and_served_to_the_next_run(tmp_path: Path) -> None:
    calls, compute = _counting("page text")
    first = Cache(tmp_path / "cache")
    assert first.get_or_compute(PAGES, ("page", 1), compute) == "page text"  # type: ignore[arg-type]
    assert first.get_or_compute(PAGES, ("page", 1), compute) == "page text"  # type: ignore[arg-type]
    assert len(calls) == 1
    first.save()
    second = Cache(tmp_path / "cache")
    assert second.get_or_compute(PAGES, ("page", 1), compute) == "page text"  # type: ignore[arg-type]
    assert len(calls) == 1
    assert second.get(PAGES, ("page", 2)) is None


def test_values_come_back_with_their_type(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put(PAGES, "text", "é")
    cache.put(PAGES, "bytes", b"\xff")
    cache.save()
    again = Cache(tmp_path)
    assert again.get(PAGES, "text") == "é" and again.get(PAGES, "bytes") == b"\xff"


def test_the_key_includes_the_code_version(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put(PAGES, ("page",), "made by code 1")
    cache.save()
    edited = Namespace("test-pages", code=lambda: "code 2")  # the same namespace after an edit of its code
    assert Cache(tmp_path).get(edited, ("page",)) is None
    assert Cache(tmp_path).get(PAGES, ("page",)) == "made by code 1"


def test_code_that_cannot_be_named_caches_nothing(tmp_path: Path) -> None:
    unnamed = Namespace("test-unnamed", code=lambda: None)  # e.g. a package that is not installed
    calls, compute = _counting(b"v")
    cache = Cache(tmp_path)
    cache.get_or_compute(unnamed, "k", compute)  # type: ignore[arg-type]
    cache.get_or_compute(unnamed, "k", compute)  # type: ignore[arg-type]
    cache.save()
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []


def test_entries_are_sealed_and_a_damaged_one_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put(PAGES, "k", "good")
    cache.save()
    (file,) = tmp_path.iterdir()
    sealed = file.read_bytes()
    assert read_entry(file) is not None and b"good" in sealed
    file.write_bytes(sealed.replace(b"good", b"evil"))  # altered without resealing
    calls, compute = _counting("recomputed")
    again = Cache(tmp_path)
    assert again.get_or_compute(PAGES, "k", compute) == "recomputed" and calls == [1]  # type: ignore[arg-type]
    again.save()
    assert Cache(tmp_path).get(PAGES, "k") == "recomputed", "the damaged file was replaced by a good one"


def test_a_sealed_file_of_another_kind_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put(PAGES, "k", "v")
    cache.save()
    (file,) = tmp_path.iterdir()
    write_entry(file, b"sealed, but not a namespace's entries")
    assert Cache(tmp_path).get(PAGES, "k") is None


def test_no_folder_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    calls, compute = _counting("v")
    cache = Cache(None)
    assert not cache.enabled
    cache.get_or_compute(PAGES, "k", compute)  # type: ignore[arg-type]
    cache.get_or_compute(PAGES, "k", compute)  # type: ignore[arg-type]
    cache.save()
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    cache = Cache(folder)
    assert not cache.enabled
    cache.put(PAGES, "k", "v")
    cache.save()
    assert list(folder.iterdir()) == []
    assert "no cache is used this run" in capsys.readouterr().err


def test_shards_split_a_namespace_and_each_is_written_only_when_added_to(tmp_path: Path) -> None:
    sharded = Namespace("test-sharded", code=lambda: "c", shards=4)
    cache = Cache(tmp_path)
    for i in range(64):
        cache.put(sharded, i, f"value {i}")
    cache.save()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"test-sharded.{i:02x}.marshal" for i in range(4)]
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    again = Cache(tmp_path)
    assert [again.get(sharded, i) for i in range(64)] == [f"value {i}" for i in range(64)]
    again.put(sharded, 0, "changed")
    again.save()
    changed = [p.name for p in tmp_path.iterdir() if p.stat().st_mtime_ns != before[p.name]]
    assert len(changed) == 1


def test_a_view_is_one_namespace(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    view = cache.view(PAGES)
    view.put(b"\x01" * 16, b"block")
    assert cache.get(PAGES, b"\x01" * 16) == b"block" and view.get(b"\x02" * 16) is None


def test_namespace_names_are_file_names() -> None:
    with pytest.raises(ValueError):
        Namespace("../escape", code=lambda: "c")
