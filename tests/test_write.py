"""write_tree reuses the files a regeneration leaves unchanged (hard links) without giving up what writing them guaranteed."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

import generator.write
from generator.write import with_manifest, write_tree

FILES = {
    "__init__.py": "from .a import A\n",
    "a.py": "class A: ...\n",
    "b.py": "class B: ...\n",
    "types/__init__.py": "",
    "types/c.py": "# é — ünïcode\nC = 1\n",
    "py.typed": "",
}


def _ino(path: Path) -> int:
    return path.lstat().st_ino


def _snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.lstat().st_ino, p.lstat().st_nlink) for p in sorted(root.rglob("*")) if p.is_file()}


def _contents(root: Path) -> dict[str, bytes]:
    return {rel: data for rel, (data, _, _) in _snapshot(root).items()}


def _expected(files: dict[str, str]) -> dict[str, bytes]:
    # Every package carries its manifest beside the files it was given.
    return {rel: text.encode("utf-8") for rel, text in sorted(with_manifest(files).items())}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    write_tree(root, FILES)
    return root


def test_a_regeneration_keeps_unchanged_files_and_rewrites_the_changed_one(root: Path) -> None:
    before = _snapshot(root)
    files = {**FILES, "a.py": "class A:\n    x: int\n"}
    write_tree(root, files)
    after = _snapshot(root)
    assert _contents(root) == _expected(files)
    for rel in FILES.keys() - {"a.py"}:
        assert after[rel][1] == before[rel][1], rel
    assert after["a.py"][1] != before["a.py"][1]
    # Once the old tree is gone, no file of the package has a second name anywhere.
    assert {links for _, _, links in after.values()} == {1}
    assert sorted(p.name for p in root.parent.iterdir()) == ["pkg"]


def test_a_changed_file_of_the_same_size_is_written_not_linked(root: Path) -> None:
    old = _ino(root / "b.py")
    files = {**FILES, "b.py": FILES["b.py"].replace("B", "D")}
    assert len(files["b.py"]) == len(FILES["b.py"])
    write_tree(root, files)
    assert (root / "b.py").read_bytes() == b"class D: ...\n"
    assert _ino(root / "b.py") != old


def test_files_added_and_removed_between_runs(root: Path) -> None:
    files = {k: v for k, v in FILES.items() if k != "b.py"}
    files["types/d.py"] = "D = 2\n"
    inode = _ino(root / "a.py")
    write_tree(root, files)
    assert _contents(root) == _expected(files)
    assert _ino(root / "a.py") == inode


def test_the_bytes_written_are_utf8_with_newlines_untranslated(tmp_path: Path) -> None:
    files = {"x.py": "a = 'é'\r\nb = '\\n'\n", "y.txt": "no newline at the end"}
    write_tree(tmp_path / "pkg", files)
    write_tree(tmp_path / "pkg", files)  # linked this time: the same bytes
    assert _contents(tmp_path / "pkg") == _expected(files)


def test_without_hard_links_the_tree_is_written_and_linking_is_tried_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(root)
    attempts = []

    def no_links(src: str, dst: str, **kwargs: object) -> None:
        attempts.append(dst)
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(generator.write.os, "link", no_links)
    files = {**FILES, "a.py": "A = 0\n"}
    write_tree(root, files)
    assert _contents(root) == _expected(files)
    after = _snapshot(root)
    assert all(after[rel][1] != before[rel][1] for rel in after)
    assert len(attempts) == 1


def test_an_interruption_while_staging_leaves_the_old_tree_as_it_was(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(root)
    real_link = os.link
    calls = []

    def interrupted(src: str, dst: str, **kwargs: bool) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_link(src, dst, **kwargs)

    monkeypatch.setattr(generator.write.os, "link", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_tree(root, {**FILES, "a.py": "A = 0\n"})
    assert _snapshot(root) == before  # same bytes, same inodes, and a single link each again
    assert sorted(p.name for p in root.parent.iterdir()) == ["pkg"]


def test_a_file_the_user_made_executable_gets_default_permissions_again(root: Path) -> None:
    os.chmod(root / "a.py", 0o755)
    inode = _ino(root / "a.py")
    write_tree(root, FILES)
    assert stat.S_IMODE((root / "a.py").stat().st_mode) == 0o666 & ~_umask()
    assert _ino(root / "a.py") != inode


def test_a_file_hard_linked_elsewhere_is_not_shared_with_the_new_tree(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.py"
    os.link(root / "a.py", elsewhere)
    write_tree(root, FILES)
    elsewhere.write_text("edited elsewhere\n")
    assert (root / "a.py").read_text() == FILES["a.py"]


def test_a_symlink_in_the_old_tree_becomes_a_regular_file(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.py"
    target.write_text(FILES["a.py"])
    (root / "a.py").unlink()
    (root / "a.py").symlink_to(target)
    write_tree(root, FILES)
    assert not (root / "a.py").is_symlink()
    assert _ino(root / "a.py") != _ino(target)
    assert _contents(root) == _expected(FILES)


def test_a_file_reached_through_a_symlinked_directory_is_not_linked(root: Path, tmp_path: Path) -> None:
    # The file outside outlives the old tree: sharing its inode would let edits there reach the package.
    outside = tmp_path / "outside"
    (root / "types").rename(outside)
    (root / "types").symlink_to(outside, target_is_directory=True)
    write_tree(root, FILES)
    assert not (root / "types").is_symlink()
    assert _ino(root / "types" / "c.py") != _ino(outside / "c.py")
    (outside / "c.py").write_text("edited outside\n")
    assert _contents(root) == _expected(FILES)


def test_a_file_replaced_by_a_directory_or_the_reverse(root: Path) -> None:
    files = {k: v for k, v in FILES.items() if not k.startswith("types/")}
    files["types"] = "now a file\n"
    write_tree(root, files)
    assert _contents(root) == _expected(files)
    write_tree(root, FILES)
    assert _contents(root) == _expected(FILES)


def test_directories_get_the_mode_of_any_new_directory(root: Path) -> None:
    expected = 0o777 & ~_umask()
    write_tree(root, {**FILES, "a.py": "changed\n"})
    assert stat.S_IMODE(root.stat().st_mode) == expected
    assert stat.S_IMODE((root / "types").stat().st_mode) == expected


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_at_a_generated_path_is_replaced_without_waiting_for_a_writer(root: Path) -> None:
    (root / "a.py").unlink()
    os.mkfifo(root / "a.py")
    done = threading.Thread(target=write_tree, args=(root, FILES), daemon=True)
    done.start()
    done.join(10)
    if done.is_alive():
        with open(root / "a.py", "w"):  # let it go before failing
            pass
    assert not done.is_alive()
    assert _contents(root) == _expected(FILES)
