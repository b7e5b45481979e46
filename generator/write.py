"""Writing a generated package atomically, and comparing one with what is on disk."""

from __future__ import annotations

import difflib
import os
import posixpath
import shutil
import stat
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
    A file whose bytes are already on disk is hard-linked into the new tree rather
    than written again: most of a regeneration changes few files, and linking leaves
    the old tree as it was, so rolling back is still just deleting the new one.
    """
    root = root.resolve()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.new-", dir=root.parent))
    backup: Path | None = None
    try:
        # mkdtemp makes a private (0700) directory; the package gets the mode any new directory would.
        umask = _umask()
        os.chmod(staging, 0o777 & ~umask)
        _stage(staging, root, files, umask)
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


def _stage(staging: Path, root: Path, files: dict[str, str], umask: int) -> None:
    reuse = _Reuse(root, staging, umask)
    made = {""}
    base = f"{staging}/"  # plain strings: joining Paths for each file cost more than linking it
    for rel, text in files.items():
        # The bytes open(..., encoding="utf-8", newline="\n") would write: nothing to translate.
        data = text.encode("utf-8")
        parent = posixpath.dirname(rel)
        if parent not in made:
            (staging / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        path = base + rel
        if reuse.link(rel, parent, data, path):
            continue
        with open(path, "wb") as handle:
            handle.write(data)


class _Reuse:
    """Hard-links a file of the old tree into the new one when that is indistinguishable from writing it.

    Linked, the new tree shares the file's inode with the old tree and nothing else:
    once the swap deletes the old tree (or a rollback deletes the new one) each inode
    has a single name again, so no edit through another path can reach the package.
    """

    # O_NOFOLLOW: a symlink in the old tree would be linked as a symlink, not as a file.
    # O_NONBLOCK: opening a FIFO someone left at a generated path would wait for a writer.
    # O_BINARY: on Windows, reading in text mode would hide a CRLF the new text lacks.
    _READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

    def __init__(self, root: Path, staging: Path, umask: int):
        self.root = f"{root}/"
        self.enabled = root.is_dir()
        if self.enabled:
            # Whom and with what mode a new file in the staging tree would belong to; a file the
            # user has chmod-ed, or one written by someone else, is written afresh as it is today.
            self.mode = 0o666 & ~umask
            self.uid = os.geteuid() if hasattr(os, "geteuid") else None
            self.gid = os.stat(staging).st_gid
        self.real_dirs: dict[str, bool] = {"": True}

    def link(self, rel: str, parent: str, data: bytes, path: str) -> bool:
        """Whether ``path`` now names the old tree's ``rel`` (in directory ``parent``), whose bytes are ``data``."""
        if not self.enabled or not self._real_dir(parent):
            return False
        old_path = self.root + rel
        try:
            fd = os.open(old_path, self._READ)
        except OSError:
            return False
        try:
            old = os.fstat(fd)
            if not self._reusable(old, len(data)) or os.read(fd, len(data) + 1) != data:
                return False
        except OSError:
            return False
        finally:
            os.close(fd)
        try:
            os.link(old_path, path, follow_symlinks=False)
        except OSError:
            # No hard links here (another device, a filesystem without them, a policy): one
            # failed attempt tells, and the rest of the tree is written without trying.
            self.enabled = False
            return False
        linked = os.lstat(path)
        if (linked.st_dev, linked.st_ino) == (old.st_dev, old.st_ino):
            return True
        os.unlink(path)  # the old file was replaced after it was read: what was compared is not what got linked
        return False

    def _reusable(self, old: os.stat_result, size: int) -> bool:
        return (
            stat.S_ISREG(old.st_mode)
            and old.st_size == size  # a changed file mostly differs in size, and then is not read at all
            and old.st_nlink == 1  # linked elsewhere too (by the user, or a run killed mid-way): editing there would edit the package
            and stat.S_IMODE(old.st_mode) == self.mode
            and (self.uid is None or old.st_uid == self.uid)
            and old.st_gid == self.gid
        )

    def _real_dir(self, rel_dir: str) -> bool:
        # A file reached through a symlinked directory lives outside the old tree and outlives it.
        known = self.real_dirs.get(rel_dir)
        if known is None:
            try:
                is_dir = stat.S_ISDIR(os.lstat(self.root + rel_dir).st_mode)
            except OSError:
                is_dir = False
            known = self.real_dirs[rel_dir] = is_dir and self._real_dir(posixpath.dirname(rel_dir))
        return known


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
