"""Writing a generated package atomically, and comparing one with what is on disk."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_IGNORED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache"}


def read_tree(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    if not root.is_dir():
        return files
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED_DIRS)
        for name in sorted(filenames):
            if name.endswith(".pyc"):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            try:
                files[rel] = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                files[rel] = "<unreadable>"
    return files


def write_tree(root: Path, files: dict[str, str]) -> None:
    """Replace ``root`` with exactly ``files``: all of them or, on any failure, none of them.

    The new tree is written beside the old one and swapped in with two renames,
    so an interruption leaves either the old package or the new one, never a mix;
    files an earlier run wrote and this one does not are gone with the old tree.
    """
    root = root.resolve()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.new-", dir=root.parent))
    backup: Path | None = None
    try:
        # mkdtemp makes a private (0700) directory; the package gets the mode any new directory would.
        os.chmod(staging, 0o777 & ~_umask())
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        if root.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{root.name}.old-", dir=root.parent))
            backup.rmdir()
            os.rename(root, backup)
        os.rename(staging, root)
    except BaseException:
        if backup is not None and not root.exists():
            os.rename(backup, root)
            backup = None
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@dataclass
class Diff:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.removed)

    def summary(self, root: str) -> str:
        if self.clean:
            return f"{root} is up to date"
        return f"{root} is stale: {len(self.changed)} changed, {len(self.added)} to add, {len(self.removed)} to remove"


def compare(root: Path, files: dict[str, str], label: str) -> Diff:
    """What regenerating ``root`` would change, as a unified diff (``a/`` on disk, ``b/`` generated)."""
    current = read_tree(root)
    diff = Diff()
    label = label.lstrip("/") or "."  # `a/` + an absolute path would read `a//tmp/...`
    chunks: list[str] = []
    for rel in sorted(set(current) | set(files)):
        old, new = current.get(rel), files.get(rel)
        if old == new:
            continue
        if old is None:
            diff.added.append(rel)
        elif new is None:
            diff.removed.append(rel)
        else:
            diff.changed.append(rel)
        chunks.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"a/{label}/{rel}" if old is not None else "/dev/null",
                tofile=f"b/{label}/{rel}" if new is not None else "/dev/null",
            )
        )
    diff.text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in chunks)
    return diff
