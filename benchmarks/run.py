"""briefgen's benchmarks: `make bench`. Every figure is a ratio measured in one run.

Writes a Markdown table to stdout and to build/bench/results.md. Targets (issue #6):
overhead vs bare engines <= 1.10; no-change rebuild <= 0.15 of a cold build;
--jobs 2 >= 1.7x --jobs 1 on 40 packs; RSS growth over 500 documents < 50 MB.
"""

from __future__ import annotations

import datetime as dt
import gc
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import briefgen
from briefgen.build import plan
from briefgen.context import pack_view
from briefgen.documents import REGISTRY
from briefgen.workers import engines_for, render_document

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build" / "bench"
ISSUED = dt.date(2026, 11, 20)
BRIEFGEN = [sys.executable, "-m", "briefgen"]


def timed(function: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*BRIEFGEN, *args], check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1795000000"})
    return time.perf_counter() - started


def per_document(project: briefgen.Project) -> list[tuple[str, float]]:
    rows = []
    for job in plan(project, ["rabat-2026-12"], ["fr"]):
        view = pack_view(project, job.pack_id, job.lang, ISSUED)
        render_document(job.document, view, project.templates)  # warm
        seconds = timed(lambda j=job, v=view: render_document(j.document, v, project.templates),
                        15)
        rows.append((job.document, seconds))
    return rows


def bare_engine_ratio(project: briefgen.Project) -> tuple[float, float]:
    """briefgen's briefing note vs WeasyPrint alone on the same HTML, with best practice."""
    import weasyprint

    from briefgen.documents import briefing_note

    view = pack_view(project, "rabat-2026-12", "fr", ISSUED)
    engines = engines_for(project.templates)
    templates = engines.templates
    html = templates.render(briefing_note.TEMPLATE, "fr", pack=view)
    font_config = engines.pdf.font_config
    sheets = [engines.pdf.stylesheet(templates.find(s)) for s in briefing_note.STYLESHEETS]
    fetcher = weasyprint.urls.URLFetcher()
    base = templates.roots[0].as_uri() + "/"

    def bare() -> bytes:
        return bytes(weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
            font_config=font_config, stylesheets=sheets, pdf_tags=True))

    def ours() -> object:
        return render_document("briefing-note", view, project.templates)

    bare()
    ours()
    bare_s, ours_s = [], []
    for _ in range(15):  # interleaved, so both see the same machine
        bare_s.append(timed(bare, 1))
        ours_s.append(timed(ours, 1))
    return statistics.median(bare_s), statistics.median(ours_s)


def rebuild_ratio() -> tuple[float, float]:
    out = OUT / "demo"
    shutil.rmtree(out, ignore_errors=True)
    cold = min(
        run("build", "--project", str(REPO), "--out", str(out), "--force") for _ in range(3)
    )
    warm = min(run("build", "--project", str(REPO), "--out", str(out)) for _ in range(3))
    return cold, warm


def many_packs(count: int) -> Path:
    root = OUT / "many"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(REPO / "facts", root / "facts")
    (root / "packs").mkdir(parents=True)
    pack = (REPO / "packs" / "rabat-2026-12.yaml").read_text()
    for index in range(count):
        text = pack.replace("id: rabat-2026-12", f"id: pack-{index:03d}")
        (root / "packs" / f"pack-{index:03d}.yaml").write_text(text)
    return root


def jobs_ratio(root: Path) -> tuple[float, float]:
    one = run("build", "--project", str(root), "--out", str(OUT / "j1"), "--force", "-j", "1")
    two = run("build", "--project", str(root), "--out", str(OUT / "j2"), "--force", "-j", "2")
    return one, two


def rss_mb() -> float:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_growth(project: briefgen.Project, documents: int) -> tuple[float, float]:
    jobs = plan(project, ["rabat-2026-12"])
    views = {(j.pack_id, j.lang): pack_view(project, j.pack_id, j.lang, ISSUED) for j in jobs}
    for job in jobs * 3:  # warm every engine and cache
        render_document(job.document, views[(job.pack_id, job.lang)], project.templates)
    gc.collect()
    start = rss_mb()
    for index in range(documents):
        job = jobs[index % len(jobs)]
        render_document(job.document, views[(job.pack_id, job.lang)], project.templates)
    gc.collect()
    return start, rss_mb()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    project = briefgen.load_project(REPO)
    lines = ["| measure | value | target | ok |", "|---|---|---|---|"]

    def row(measure: str, value: str, target: str = "", ok: bool | None = None) -> None:
        mark = "" if ok is None else ("yes" if ok else "NO")
        lines.append(f"| {measure} | {value} | {target} | {mark} |")
        print(lines[-1], flush=True)

    print("\n".join(lines), flush=True)
    for document, seconds in per_document(project):
        row(f"render {document} (fr, in process, median)", f"{seconds * 1000:.0f} ms")
    bare, ours = bare_engine_ratio(project)
    row("briefing note: bare WeasyPrint vs briefgen",
        f"{bare * 1000:.0f} ms vs {ours * 1000:.0f} ms = {ours / bare:.2f}", "<= 1.10",
        ours / bare <= 1.10)
    cold, warm = rebuild_ratio()
    count = len(plan(project, ["rabat-2026-12"]))
    row(f"demo pack ({count} documents): cold build vs no-change rebuild (CLI, start-up incl.)",
        f"{cold:.2f} s vs {warm:.2f} s = {warm / cold:.2f}", "<= 0.15", warm / cold <= 0.15)
    root = many_packs(40)
    one, two = jobs_ratio(root)
    docs = len(plan(briefgen.load_project(root)))
    row(f"40 packs ({docs} documents): --jobs 1 vs --jobs 2",
        f"{one:.1f} s vs {two:.1f} s = {one / two:.2f}x", ">= 1.7x", one / two >= 1.7)
    start, end = memory_growth(project, 500)
    row("RSS over 500 documents in one process",
        f"{start:.0f} MB -> {end:.0f} MB (+{end - start:.1f} MB)", "< 50 MB", end - start < 50)
    kinds = ", ".join(sorted(REGISTRY))
    footer = f"\nbriefgen {briefgen.__version__}; document kinds: {kinds}; {dt.date.today()}\n"
    (OUT / "results.md").write_text("\n".join(lines) + "\n" + footer)
    print(footer)


if __name__ == "__main__":
    main()
