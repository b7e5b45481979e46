"""The reference pages: snapshots (createRun, every feature spec), escaping of spec text, and their place in
``generate`` / ``check`` (a folder of their own, owned through its manifest, stale pages fail ``check``).

After an intended change: `.venv/bin/python -m pytest tests/docs --snapshot-update`, then read the diff of
tests/docs/__snapshots__.
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from functools import cache
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from generator import config
from generator.cli import main
from generator.docs.render import DocsOptions, render
from generator.pipeline import generate
from generator.write import MANIFEST
from tests.conftest import ROOT, lower_spec
from tests.features import support


class MarkdownSnapshot(SingleFileSnapshotExtension):
    file_extension = "md"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def snapshot_md(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(MarkdownSnapshot)


@cache
def create_run_docs() -> dict[str, str]:
    (target,) = [t for t in config.load_targets(ROOT / "pyproject.toml") if t.package == "openai_client"]
    return generate(target, cache_dir=None, jobs=1).docs


@cache
def feature_docs(feature: str) -> str:
    """Every page of a feature spec's reference, one after the other, each under its path."""
    spec = support.SPECS / f"{feature}.yaml"
    files = render(lower_spec(spec, package=support.package_of(feature)).api, DocsOptions(source=spec.name))
    return "".join(f"<!-- ===== {path} ===== -->\n{text}\n" for path, text in sorted(files.items()))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page" in metafunc.fixturenames:
        metafunc.parametrize("page", sorted(p for p in create_run_docs() if p != MANIFEST))


def test_create_run_page(page: str, snapshot_md) -> None:  # type: ignore[no-untyped-def]
    assert create_run_docs()[page] == snapshot_md


@pytest.mark.parametrize("feature", support.features())
def test_feature_pages(feature: str, snapshot_md) -> None:  # type: ignore[no-untyped-def]
    assert feature_docs(feature) == snapshot_md


def test_committed_docs_match_the_generator() -> None:
    """generated/openai_client_docs is what `generate` writes: the same check as `generator check`."""
    committed = ROOT / "generated" / "openai_client_docs"
    on_disk = {p.relative_to(committed).as_posix(): p.read_text(encoding="utf-8") for p in committed.rglob("*") if p.is_file()}
    assert on_disk == create_run_docs()


def test_pages_are_deterministic() -> None:
    spec = support.SPECS / "recursive-tree.yaml"
    first = render(lower_spec(spec).api, DocsOptions(source=spec.name))
    again = render(lower_spec(spec).api, DocsOptions(source=spec.name))
    assert first == again and list(first) == sorted(first)


HOSTILE = """
openapi: 3.1.0
info: {title: "Evil <script>alert(1)</script>\\n# heading", version: "1 | 2"}
servers: [{url: "https://api.example.test"}]
paths:
  /x:
    post:
      operationId: postX
      summary: "Sum | mary\\n<img src=x onerror=alert(1)>"
      description: "See [this](javascript:alert(1)) and <iframe src=evil>.\\n\\n| a | b |"
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                "we|ird`name":
                  type: string
                  description: "line one\\nline | two <b>bold</b>\\u202e"
                  enum: ["a|b", "`tick`"]
      responses:
        '204': {description: none}
"""


def test_spec_text_is_escaped(tmp_path: Path) -> None:
    """Pipes, line breaks and HTML in spec strings cannot break a table, add a tag or a script link."""
    spec = tmp_path / "hostile.yaml"
    spec.write_text(HOSTILE, encoding="utf-8")
    files = render(lower_spec(spec).api, DocsOptions(source="evil-->.yaml"))
    (page,) = [text for path, text in files.items() if path.startswith("resources/")]
    for text in files.values():
        assert not re.search(r"<(?!br>|!-- Generated)", _outside_code(text)), "raw HTML reached a page"
        assert "javascript:" not in text.replace("javascript:alert(1)", "") or "](javascript:" not in text
        assert "\u202e" not in text
        assert text.count("-->") == text.count("<!--")
    row = next(line for line in page.splitlines() if "ird" in line)
    assert len(re.split(r"(?<!\\)\|", row)) == 7, row  # five cells: the spec's pipes are escaped
    assert "line one line \\| two &lt;b&gt;bold&lt;/b&gt;\\u202e" in row
    heading = next(line for line in page.splitlines() if line.startswith("# "))
    assert heading == "# Sum \\| mary &lt;img src=x onerror=alert(1)&gt;".replace("\\|", "|")
    assert "](#)" in page and "](javascript:" not in page


# --- generate and check ------------------------------------------------------------------------

SMALL = """
openapi: 3.1.0
info: {title: Small, version: "1"}
servers: [{url: https://api.example.test}]
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
"""


def _project(tmp_path: Path, extra: str = "") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [tool.generator]
            [[tool.generator.targets]]
            spec = "small.yaml"
            out = "out/small_client"
            package = "small_client"
            {extra}
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


def _run(project: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main([*args, "--no-cache", "--quiet", "--config", str(project / "pyproject.toml")])


def test_generate_writes_the_docs_beside_the_package_and_check_finds_them_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    assert _run(project, "generate", monkeypatch=monkeypatch) == 0
    docs = project / "out" / "small_client_docs"
    assert (docs / "README.md").is_file() and (docs / "resources" / "items" / "list.md").is_file() and (docs / MANIFEST).is_file()
    assert "Between 1 and 100" in (docs / "resources" / "items" / "list.md").read_text(encoding="utf-8")
    assert _run(project, "check", monkeypatch=monkeypatch) == 0
    (docs / "README.md").write_text("edited\n", encoding="utf-8")
    (docs / "mine.md").write_text("my own notes\n", encoding="utf-8")
    assert _run(project, "check", monkeypatch=monkeypatch) == 1
    assert _run(project, "generate", monkeypatch=monkeypatch) == 0
    assert (docs / "mine.md").read_text(encoding="utf-8") == "my own notes\n"  # never deletes what it did not write
    assert _run(project, "check", monkeypatch=monkeypatch) == 0


def test_docs_out_and_docs_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, 'docs_out = "reference"')
    assert _run(project, "generate", monkeypatch=monkeypatch) == 0
    assert (project / "reference" / "README.md").is_file() and not (project / "out" / "small_client_docs").exists()
    (target,) = config.load_targets(_project(tmp_path / "off", "docs = false") / "pyproject.toml")
    assert target.docs is False
    assert generate(target, cache_dir=None, jobs=1).docs == {}


def test_docs_folder_that_holds_someone_elses_files_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    theirs = project / "out" / "small_client_docs"
    theirs.mkdir(parents=True)
    (theirs / "notes.md").write_text("not ours\n", encoding="utf-8")
    assert _run(project, "generate", monkeypatch=monkeypatch) == 2
    assert [p.name for p in theirs.iterdir()] == ["notes.md"]
    assert not (project / "out" / "small_client").exists()  # refused before anything was written


@pytest.mark.parametrize(("setting", "message"), [("docs = 1", "`docs` must be true or false"), ('docs_out = "out/small_client/docs"', "must not hold one another")])
def test_bad_docs_settings(tmp_path: Path, setting: str, message: str) -> None:
    project = _project(tmp_path, setting)
    with pytest.raises(Exception) as caught:
        config.load_targets(project / "pyproject.toml")
    assert message in str(getattr(caught.value, "problems", [caught.value])[0])


def _outside_code(text: str) -> str:
    """The text outside fenced blocks and code spans (where Markdown shows `<` as itself)."""
    text = re.sub(r"^(`{3,})[^\n]*\n.*?\n\1$", "", text, flags=re.S | re.M)
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", text)


def _broken_links(files: dict[str, str]) -> list[str]:
    broken = []
    for path, text in files.items():
        for target in re.findall(r"\]\(([^)#:\s]+\.md)\)", text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if resolved not in files:
                broken.append(f"{path} -> {target}")
    return broken


def test_every_link_between_pages_resolves() -> None:
    assert _broken_links(create_run_docs()) == []
    assert all(_broken_links(render(lower_spec(support.SPECS / f"{f}.yaml").api, DocsOptions(source="s.yaml"))) == [] for f in support.features())


def test_full_openai_spec_pages(openai_spec: Path) -> None:
    """Every operation of the whole OpenAI spec has its page; tables stay bounded; links resolve; no raw HTML."""
    api = lower_spec(openai_spec).api
    files = render(api, DocsOptions(source=openai_spec.name, docs_base_url="https://platform.openai.com"))
    operations = sum(1 for page in files if page.startswith("resources/"))
    assert operations == 288
    assert _broken_links(files) == []
    for path, text in files.items():
        assert not re.search(r"<(?!br>|!-- Generated)", _outside_code(text)), path
        rows = sum(1 for line in text.splitlines() if line.startswith("| `"))
        assert rows < 3000, (path, rows)


def test_snippets_given_to_a_page_are_fenced_safely() -> None:
    """The merge point for code snippets: a page's `snippets` are shown as fenced blocks that their text cannot close."""
    import dataclasses

    from generator.docs import reference
    from generator.docs.render import Pages

    spec = support.SPECS / "defaults.yaml"
    pages = Pages(lower_spec(spec).api, DocsOptions(source=spec.name))
    (page,) = reference.operation_pages(pages.api, pages.defs)
    code = 'print("```")\n```\nnot code'
    page = dataclasses.replace(page, snippets=(("Python <b>", "py thon!", code),))
    text = pages._render("operation.md.jinja", page.path, page=page)
    assert "## Examples\n\nPython &lt;b&gt;:\n\n````python\n" + code + "\n````" in text


def test_the_examples_on_a_page_are_the_proven_snippets() -> None:
    """Every code block under "Examples" is one of generator/docs/snippets.py's snippets for that operation,
    the ones tests/docs/test_snippets_proven.py runs; the Python one with the defaults is seed 000's call."""
    from generator.docs import snippets

    (target,) = [t for t in config.load_targets(ROOT / "pyproject.toml") if t.package == "openai_client"]
    api = generate(target, cache_dir=None, jobs=1).api
    ((path, op),) = list(snippets.operations(api))
    page = create_run_docs()["resources/" + "/".join(path) + ".md"]
    examples = page.split("## Examples", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^(`{3,})\w*\n(.*?)\n\1$", examples, flags=re.S | re.M)
    made = snippets.snippets(api, op)
    wanted = [made[("python", "minimal")], made[("python", "full")], made[("curl", "minimal")], made[("typescript", "minimal")]]
    assert [code for _, code in blocks] == [code.rstrip("\n") for code in wanted]
    for argument in ('reasoning_effort="medium"', "temperature=1", "top_p=1", "parallel_tool_calls=True"):
        assert argument in blocks[1][1]
