"""`--out` is replaced only when this generator owns it: nothing there, an empty directory, or a package whose
manifest is valid. Anything else is refused (exit 2, one line naming the path, what is there and what to do) and
left exactly as it was; inside a package, what the manifest does not list is kept; runs into one output take
turns; `check` writes nothing, ever."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import generator.write
from generator.write import MANIFEST, with_manifest, write_tree

from .conftest import CREATE_RUN, ROOT, Run, read_tree, run_cli

PACKAGE = "pkg"

SPEC = """\
openapi: 3.1.0
info: {title: Things, version: "1.0"}
servers: [{url: "https://api.example.com"}]
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
"""


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ownership-cache")


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(cache_dir))


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """A small spec of its own, in a folder of its own (so that no output in tmp_path holds it)."""
    path = tmp_path / "spec-folder" / "things.yaml"
    path.parent.mkdir()
    path.write_text(SPEC, encoding="utf-8")
    return path


def generate(spec: Path, out: Path | str, *extra: str) -> Run:
    return run_cli("generate", str(spec), "--out", str(out), "--package", PACKAGE, "--jobs", "1", "--quiet", *extra)


def check(spec: Path, out: Path | str) -> Run:
    return run_cli("check", str(spec), "--out", str(out), "--package", PACKAGE, "--jobs", "1")


def listing(root: Path) -> dict[str, tuple[str, int, bytes | str | None]]:
    """Every entry under ``root`` (root included): its kind, its mtime and its bytes or link target."""
    entries: dict[str, tuple[str, int, bytes | str | None]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            entries[rel] = ("link", info.st_mtime_ns, os.readlink(path))
        elif path.is_dir():
            entries[rel] = ("dir", info.st_mtime_ns, None)
        else:
            entries[rel] = ("file", info.st_mtime_ns, path.read_bytes())
    return entries


def assert_refused(run: Run, *words: str) -> None:
    assert run.code == 2, run.err
    assert "Traceback" not in run.err
    (line,) = run.err.splitlines()
    assert line.startswith("--out "), line
    assert line.endswith("; nothing was written"), line
    for word in words:
        assert word in line, (word, line)


def user_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "letter.txt").write_text("dear all\n")
    (folder / "photos").mkdir()
    (folder / "photos" / "cat.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".ssh").mkdir()
    (folder / ".ssh" / "id_ed25519").write_text("secret\n")
    return folder


# --- refused, and left exactly as it was ------------------------------------------------------------


def test_a_folder_of_user_files_is_refused(spec: Path, tmp_path: Path) -> None:
    documents = user_files(tmp_path / "Documents")
    before = listing(tmp_path)
    run = generate(spec, documents)
    assert_refused(run, str(documents), "a directory with 3 entries that this generator did not write", f"no {MANIFEST}", "choose an empty or new directory")
    assert listing(tmp_path) == before


def test_a_nonempty_directory_without_a_manifest_is_refused_even_if_it_looks_like_a_package(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "__init__.py").write_text("from .mine import *\n")
    (out / "mine.py").write_text("X = 1\n")
    before = listing(tmp_path)
    assert_refused(generate(spec, out), "a directory with 2 entries that this generator did not write")
    assert listing(tmp_path) == before


def test_the_working_directory_is_refused(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()  # empty: only the rule about `.` refuses it
    monkeypatch.chdir(work)
    before = listing(tmp_path)
    assert_refused(generate(spec, "."), "--out .: the working directory")
    assert listing(tmp_path) == before


def test_the_parent_of_the_working_directory_is_refused(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inner = tmp_path / "project" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "project" / "notes.md").write_text("# notes\n")
    monkeypatch.chdir(inner)
    before = listing(tmp_path)
    assert_refused(generate(spec, ".."), "--out ..: a folder that holds the working directory")
    assert listing(tmp_path) == before


def test_the_folder_of_the_spec_is_refused(spec: Path, tmp_path: Path) -> None:
    before = listing(tmp_path)
    assert_refused(generate(spec, spec.parent), "a folder that holds the spec", str(spec))
    assert listing(tmp_path) == before


def test_an_ancestor_of_the_configuration_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "things.yaml").write_text(SPEC, encoding="utf-8")
    config = project / "pyproject.toml"
    # The spec lives elsewhere: only the configuration is in the folder `out` names.
    config.write_text(f'[[tool.generator.targets]]\nspec = "{tmp_path / "elsewhere.yaml"}"\nout = "."\npackage = "pkg"\n')
    (tmp_path / "elsewhere.yaml").write_text(SPEC, encoding="utf-8")
    before = listing(tmp_path)
    run = run_cli("generate", "--config", str(config), "--jobs", "1", "--quiet")
    assert run.code == 2, run.err
    assert "a folder that holds the configuration" in run.err and str(config) in run.err
    assert listing(tmp_path) == before


def test_a_git_work_tree_root_is_refused(spec: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = listing(tmp_path)
    assert_refused(generate(spec, repo), "the root of a git work tree")
    assert listing(tmp_path) == before


def test_the_home_folder_is_refused(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()  # empty: only the rule about the home folder refuses it
    monkeypatch.setenv("HOME", str(home))
    before = listing(tmp_path)
    assert_refused(generate(spec, home), "the home folder")
    assert listing(tmp_path) == before


def test_a_symlink_to_a_user_folder_is_judged_by_its_target(spec: Path, tmp_path: Path) -> None:
    documents = user_files(tmp_path / "Documents")
    link = tmp_path / "out-link"
    link.symlink_to(documents, target_is_directory=True)
    before = listing(tmp_path)
    assert_refused(generate(spec, link), f"--out {link} (a symlink to {documents})", "did not write")
    assert listing(tmp_path) == before


def test_a_regular_file_is_refused_and_never_renamed(spec: Path, tmp_path: Path) -> None:
    target = tmp_path / "client"
    target.write_text("my notes, not a package\n")
    before = listing(tmp_path)
    assert_refused(generate(spec, target), "a regular file, which is left as it is")
    assert listing(tmp_path) == before


def test_a_directory_with_an_invalid_manifest_is_refused(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "thesis.tex").write_text("\\begin{document}\n")
    (tmp_path / "victim.txt").write_text("outside\n")
    manifest = {"generator": "openapi-client-generator", "manifest_version": 1, "files": {"../victim.txt": "0" * 64}}
    (out / MANIFEST).write_text(json.dumps(manifest))
    before = listing(tmp_path)
    assert_refused(generate(spec, out), f"{MANIFEST} is not a valid manifest", "'../victim.txt'")
    assert listing(tmp_path) == before


def test_a_file_it_did_not_write_where_the_new_package_has_one_is_refused(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    assert generate(spec, out).code == 0
    (out / "types" / "thing.py").unlink()
    manifest = json.loads((out / MANIFEST).read_text())
    del manifest["files"]["types/thing.py"]
    (out / MANIFEST).write_text(json.dumps(manifest))
    (out / "types" / "thing.py").write_text("# mine, written after the generator forgot this path\n")
    before = listing(tmp_path)
    run = generate(spec, out)
    assert run.code == 2, run.err
    assert "types/thing.py" in run.err and "move them away" in run.err
    assert listing(tmp_path) == before


def test_an_unlisted_file_holding_exactly_what_is_generated_there_is_taken_over(spec: Path, tmp_path: Path) -> None:
    # What merging two branches' generated/ gives: a file one branch added, the other branch's manifest.
    out = tmp_path / "pkg"
    assert generate(spec, out).code == 0
    manifest = json.loads((out / MANIFEST).read_text())
    del manifest["files"]["types/thing.py"]
    (out / MANIFEST).write_text(json.dumps(manifest))
    run = generate(spec, out)
    assert run.code == 0, run.err
    assert run.err == ""  # nothing kept or overwritten: the file was already what the generator writes
    assert "types/thing.py" in json.loads((out / MANIFEST).read_text())["files"]


# --- a package it wrote: replaced, keeping what it did not write ------------------------------------


def test_a_package_with_a_valid_manifest_is_replaced_and_lists_every_file_it_generated(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    assert generate(spec, out).code == 0
    spec.write_text(SPEC.replace("Thing", "Gadget"), encoding="utf-8")
    run = generate(spec, out)
    assert run.code == 0, run.err
    assert run.err == ""  # nothing kept, nothing overwritten: nothing to warn about
    tree = read_tree(out)
    assert "types/gadget.py" in tree and "types/thing.py" not in tree
    listed = json.loads(tree.pop(MANIFEST))["files"]
    assert listed == {rel: hashlib.sha256(data).hexdigest() for rel, data in tree.items()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg", "spec-folder"]


def test_files_the_manifest_does_not_list_are_kept_and_reported(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    assert generate(spec, out).code == 0
    (out / "_custom.py").write_text("def helper() -> int:\n    return 1\n")
    (out / "notes").mkdir()
    (out / "notes" / "todo.txt").write_text("ship it\n")
    custom_inode = (out / "_custom.py").stat().st_ino
    kept = {rel: data for rel, data in read_tree(out).items() if rel in ("_custom.py", "notes/todo.txt")}
    run = generate(spec, out)
    assert run.code == 0, run.err
    assert run.err.splitlines() == [f"warning: {out}: kept 2 files this generator did not write: _custom.py, notes/todo.txt"]
    tree = read_tree(out)
    assert {rel: tree[rel] for rel in kept} == kept
    assert (out / "_custom.py").stat().st_ino == custom_inode  # the very file, not a copy
    assert "_custom.py" not in json.loads(tree[MANIFEST])["files"]  # still not the generator's
    # `check` agrees: keeping them is no change.
    run = check(spec, out)
    assert run.code == 0, run.out
    assert run.err.splitlines()[-1] == f"{out} is up to date"
    assert "_custom.py, notes/todo.txt" in run.err


def test_a_generated_file_edited_by_hand_is_overwritten_with_a_warning_naming_it(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    assert generate(spec, out).code == 0
    fresh = read_tree(out)
    (out / "_client.py").write_text(fresh["_client.py"].decode() + "# my fix\n")
    run = generate(spec, out)
    assert run.code == 0, run.err
    assert run.err.splitlines() == [f"warning: {out}: overwrote generated files edited by hand (keep your own code in files of your own, which are kept): _client.py"]
    assert read_tree(out) == fresh


def test_a_generated_file_edited_by_hand_and_no_longer_generated_is_kept(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    assert generate(spec, out).code == 0
    edited = (out / "types" / "thing.py").read_text() + "# my addition\n"
    (out / "types" / "thing.py").write_text(edited)
    spec.write_text(SPEC.replace("Thing", "Gadget"), encoding="utf-8")
    run = generate(spec, out)
    assert run.code == 0, run.err
    assert run.err.splitlines() == [f"warning: {out}: kept generated files edited by hand that are no longer generated: types/thing.py"]
    assert (out / "types" / "thing.py").read_text() == edited
    assert (out / "types" / "gadget.py").exists()


def test_a_symlink_to_a_package_it_wrote_is_written_through_and_stays_a_symlink(spec: Path, tmp_path: Path) -> None:
    real = tmp_path / "real" / "pkg"
    assert generate(spec, real).code == 0
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    spec.write_text(SPEC.replace("Thing", "Gadget"), encoding="utf-8")
    run = generate(spec, link)
    assert run.code == 0, run.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "types" / "gadget.py").exists() and not (real / "types" / "thing.py").exists()
    assert sorted(p.name for p in real.parent.iterdir()) == ["pkg"]


def test_a_package_written_before_manifests_is_recognised_by_its_header_lines(tmp_path: Path) -> None:
    # The package as this generator wrote it before manifests: its header lines, no manifest.
    out = tmp_path / "openai_client"
    run = run_cli("generate", str(CREATE_RUN), "--out", str(out), "--package", "openai_client", "--jobs", "1", "--quiet")
    assert run.code == 0, run.err
    fresh = read_tree(out)
    (out / MANIFEST).unlink()
    (out / "types" / "removed_model.py").write_text("# Generated by the OpenAPI client generator from create_run.yaml. Do not edit by hand.\n")
    (out / "NOTES.md").write_text("mine\n")
    run = run_cli("generate", str(CREATE_RUN), "--out", str(out), "--package", "openai_client", "--jobs", "1", "--quiet")
    assert run.code == 0, run.err
    assert "a package written before manifests" in run.err
    assert "kept 1 file this generator did not write: NOTES.md" in run.err
    assert read_tree(out) == {**fresh, "NOTES.md": b"mine\n"}


# --- runs into one output take turns -------------------------------------------------------------------


def _hold_lock(folder: Path) -> int:
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_run_gives_up_clearly_when_another_holds_the_lock(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "pkg"
    assert generate(spec, out).code == 0
    before = listing(tmp_path)
    monkeypatch.setenv("GENERATOR_LOCK_TIMEOUT", "0.2")
    fd = _hold_lock(tmp_path)
    try:
        run = generate(spec, out, "--no-cache")
    finally:
        os.close(fd)
    assert run.code == 1, run.err
    assert run.err.strip() == (
        f"--out {out}: another run of the generator is writing there (it holds the lock on {tmp_path}) "
        "and did not finish within 0.2 s; nothing was written; run again once it is done"
    )
    assert listing(tmp_path) == before


def test_a_run_waits_for_the_lock_and_then_writes(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "pkg"
    holder = [_hold_lock(tmp_path)]
    waited = []
    real_sleep = generator.write.time.sleep

    def release_while_waiting(seconds: float) -> None:
        # The run is polling for the lock: nothing of the package may have been written yet.
        waited.append(out.exists())
        if holder:
            os.close(holder.pop())
        real_sleep(seconds)

    monkeypatch.setattr(generator.write.time, "sleep", release_while_waiting)
    try:
        run = generate(spec, out)
    finally:
        for fd in holder:
            os.close(fd)
    assert waited and waited[0] is False
    assert run.code == 0, run.err
    assert MANIFEST in read_tree(out)


_WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from generator.write import write_tree
    out, go, me, rounds = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    files = {f"m{i}.py": f"# {me}\\nX = {i}\\n" for i in range(40)}
    files[f"only_{me}.py"] = "\\n"
    while not go.exists():
        time.sleep(0.001)
    failures = 0
    for _ in range(rounds):
        try:
            write_tree(out, files)
        except Exception as exc:
            failures += 1
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(1 if failures else 0)
    """
)


def _worker_files(me: str) -> dict[str, bytes]:
    files = {f"m{i}.py": f"# {me}\nX = {i}\n" for i in range(40)}
    files[f"only_{me}.py"] = "\n"
    return {rel: text.encode() for rel, text in with_manifest(files).items()}


def test_concurrent_runs_into_one_output_all_succeed_and_leave_nothing_behind(tmp_path: Path) -> None:
    # 2 processes x 200 rounds, started together: without the lock, most such runs saw a FileNotFoundError
    # from a rename and left a .pkg.new-* folder behind.
    site = tmp_path / "site"
    site.mkdir()
    out, go = site / "pkg", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen([sys.executable, "-c", _WORKER, str(out), str(go), me, "200"], env=env, stderr=subprocess.PIPE, text=True)
        for me in ("a", "b")
    ]
    go.touch()
    outcomes = [(w.wait(timeout=300), w.stderr.read() if w.stderr else "") for w in workers]
    assert outcomes == [(0, ""), (0, "")]
    assert sorted(p.name for p in site.iterdir()) == ["pkg"]
    assert read_tree(out) in (_worker_files("a"), _worker_files("b"))


def test_concurrent_generate_commands_into_one_output_both_succeed(spec: Path, tmp_path: Path, cache_dir: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    out = site / "pkg"
    command = [sys.executable, "-m", "generator", "generate", str(spec), "--out", str(out), "--package", PACKAGE, "--jobs", "1", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GENERATOR_CACHE_DIR": str(cache_dir)}
    for _ in range(3):
        runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        assert [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs] == [(0, ""), (0, "")]
        assert sorted(p.name for p in site.iterdir()) == ["pkg"]
    assert check(spec, out).code == 0


_INTERRUPTED = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from generator.write import write_tree
    out = Path(sys.argv[1])
    sets = [{f"m{i}.py": f"# {me}\\nX = {i}\\n" for i in range(200)} for me in ("a", "b")]
    write_tree(out, sets[0])
    try:
        print("ready", flush=True)
        n = 0
        while True:
            n += 1
            write_tree(out, sets[n % 2])
    except KeyboardInterrupt:
        sys.exit(130)
    """
)


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.11, 0.17, 0.23, 0.31, 0.43])
def test_an_interrupt_at_any_moment_leaves_one_whole_package_and_nothing_beside_it(tmp_path: Path, delay: float) -> None:
    site = tmp_path / "site"
    site.mkdir()
    out = site / "pkg"
    worker = subprocess.Popen([sys.executable, "-c", _INTERRUPTED, str(out)], env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
    try:
        worker.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        pass
    worker.send_signal(signal.SIGINT)
    code = worker.wait(timeout=60)
    stderr = worker.stderr.read() if worker.stderr else ""
    assert (code, stderr) == (130, "")
    assert sorted(p.name for p in site.iterdir()) == ["pkg"]
    expected = [{rel: text.encode() for rel, text in with_manifest({f"m{i}.py": f"# {me}\nX = {i}\n" for i in range(200)}).items()} for me in ("a", "b")]
    assert read_tree(out) in expected


def test_ctrl_c_during_the_swap_waits_for_it_and_says_the_package_was_written(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by something else here")
    out = tmp_path / "site" / "pkg"
    assert generate(spec, out).code == 0
    spec.write_text(SPEC.replace("Thing", "Gadget"), encoding="utf-8")
    real_swap = generator.write._swap

    def interrupted_swap(*args: object, **kwargs: bool) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # between the two renames, as far as Python can tell
        real_swap(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.write, "_swap", interrupted_swap)
    run = generate(spec, out)
    assert run.code == 130, run.err
    assert run.err.strip() == f"interrupted after writing {out}; nothing else was written"
    assert (out / "types" / "gadget.py").exists() and not (out / "types" / "thing.py").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["pkg"]


# --- check writes nothing, ever ---------------------------------------------------------------------------


def test_check_of_a_folder_generate_would_refuse_shows_none_of_its_files(spec: Path, tmp_path: Path) -> None:
    documents = user_files(tmp_path / "Documents")
    run = check(spec, documents)
    assert run.code == 2, run.err
    assert run.out == ""
    assert "secret" not in run.err and "dear all" not in run.err
    assert run.err.strip().endswith("did not write (no _generated_files.json); choose an empty or new directory; `generate` would refuse it, so nothing was compared")


@pytest.mark.parametrize("state", ["fresh", "stale", "missing", "cache inside"])
def test_check_writes_nothing(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    out = site / "pkg"
    if state != "missing":
        assert generate(spec, out).code == 0
    if state == "stale":
        (out / "_client.py").write_text("# edited\n")
        (out / "types" / "thing.py").unlink()
    if state == "cache inside":
        # A cache folder of its own, inside the package: a cold run would fill it.
        monkeypatch.setenv("GENERATOR_CACHE_DIR", str(out / ".cache"))
    before = listing(site)
    run = check(spec, out)
    assert run.code == (0 if state in ("fresh", "cache inside") else 1), run.err
    assert listing(site) == before
