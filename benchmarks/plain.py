"""The plain script a cold build is measured against: WeasyPrint and docxtpl, nothing else.

:func:`prepare` asks briefgen once (in the benchmark's process, not timed) for what each
document of a build is made from: the final HTML and stylesheets of each PDF (the fact
sheet at the step briefgen's fit chose), the Word template and the context of each DOCX
(briefgen's view objects, pickled: unpickling them imports their briefgen modules, about
0.1 s), the HTML brief's bytes; and pickles them. Run as a script, this module renders them
the plainest way a developer would: one ``HTML(...).write_pdf()`` per PDF, one
``DocxTemplate.render()`` + ``save()`` per DOCX, one FontConfiguration and one Jinja
environment per language for the whole run; no checks, no font embedding, no manifest.
The HTML brief is written as it is (briefgen makes it without WeasyPrint or docxtpl).

    python benchmarks/plain.py INPUTS.pickle OUT_FOLDER

:func:`rows` (benchmarks/run.py) times a cold ``briefgen build`` of the demo (a new output
folder: no manifest, no parse cache) and this script on the same documents, in interleaved
pairs, each a new process; ``python benchmarks/plain.py`` alone prints them. Target (issue
31): the build within 1.25x the script.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def prepare(root: Path, issued: dt.date, target: Path) -> int:
    """Pickle the inputs of every document ``briefgen build`` makes of the project at
    ``root`` into ``target``; the number of documents."""
    import briefgen
    from briefgen import i18n
    from briefgen.context import pack_view
    from briefgen.documents import briefing_book, briefing_note, fact_sheet, talking_points
    from briefgen.jobs import plan
    from briefgen.workers import engines_for, render_document

    project = briefgen.load_project(root)
    engines = engines_for(project.templates)
    templates = engines.templates
    base = templates.roots[0].as_uri() + "/"
    items: list[tuple[Any, ...]] = []
    for job in plan(project):
        view = pack_view(project, job.pack_id, job.lang, issued)
        out = f"{job.pack_id}/{job.lang}/{job.document}"
        numbering = _counter_style(view)
        if job.document == "briefing-note":
            html = templates.render(briefing_note.TEMPLATE, view.lang, view.labels_lang,
                                    pack=view)
            css = [str(templates.find(s)) for s in briefing_note.STYLESHEETS]
            items.append(("pdf", out + ".pdf", html, base, css, numbering))
        elif job.document == "fact-sheet":
            name = f"{view.id}/{view.lang}/fact-sheet.pdf"
            _, fit, html = fact_sheet.fitted(view, engines, name)
            assert fit.step is not None
            step = fact_sheet.STEPS[fit.step].css()
            css = [str(templates.find(s)) for s in fact_sheet.STYLESHEETS]
            items.append(("pdf", out + ".pdf", html, base, css, step + numbering))
        elif job.document == "briefing-book":
            # A plain script's book: its own pages, the note's and the sheet's HTML, each
            # laid out, their pages put together (Document.copy) and written once.
            _, note_html, note = briefing_note.layout(view, engines)
            name = f"{view.id}/{view.lang}/fact-sheet.pdf"
            _, fit, sheet_html = fact_sheet.fitted(view, engines, name)
            assert fit.step is not None
            own_html, _, _ = briefing_book._own_pages(  # its HTML, as the book makes it
                view, engines, out, len(note.pages), {}, None)
            parts = [(own_html, [str(templates.find(s)) for s in briefing_book.STYLESHEETS],
                      numbering),
                     (note_html, [str(templates.find(s)) for s in briefing_note.STYLESHEETS],
                      numbering),
                     (sheet_html, [str(templates.find(s)) for s in fact_sheet.STYLESHEETS],
                      fact_sheet.STEPS[fit.step].css() + numbering)]
            items.append(("book", out + ".pdf", parts, base))
        elif job.document == "talking-points":
            translations = templates.translations(view.labels_lang)
            groups = talking_points.talking_points(view, translations.gettext)
            points = [point for group in groups for point in group.points]
            context = {"pack": view, "groups": groups,
                       "sources": talking_points.cited_sources(points),
                       "punct": i18n.Punctuation.of(translations)}
            items.append(("docx", out + ".docx", str(templates.find(talking_points.TEMPLATE)),
                          context, [str(d) for d in templates.locale_dirs],
                          view.labels_lang))
        else:
            rendered, _ = render_document(job.document, view, project.templates)
            items.append(("bytes", f"{out}.html", rendered.data))
    target.write_bytes(pickle.dumps(items))
    return len(items)


def _counter_style(view: Any) -> str:
    from briefgen import i18n

    return str(i18n.counter_style_css(view.numbering))


REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build" / "bench"
ISSUED = dt.date(2026, 11, 20)
ENV = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1795000000",
       "HOME": os.environ.get("HOME", "/root")}
PAIRS = 5


def timed_process(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` (a new process, with its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True,
                   env={**ENV, "PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def cold_pairs(pairs: int = PAIRS) -> tuple[int, list[tuple[float, float]],
                                            list[tuple[float, float]]]:
    """The number of documents; (wall, CPU) of each cold build and of each plain run."""
    inputs = OUT / "plain" / "inputs.pickle"
    inputs.parent.mkdir(parents=True, exist_ok=True)
    count = prepare(REPO, ISSUED, inputs)
    ours, plain = [], []
    for _ in range(pairs):  # interleaved: both see the same machine
        for folder in ("cold", "plain-out"):
            shutil.rmtree(OUT / "plain" / folder, ignore_errors=True)
        ours.append(timed_process([sys.executable, "-m", "briefgen", "build", "--project",
                                   str(REPO), "--out", str(OUT / "plain" / "cold")]))
        plain.append(timed_process([sys.executable, __file__, str(inputs),
                                    str(OUT / "plain" / "plain-out")]))
    return count, ours, plain


def rows() -> list[tuple[str, str, str, bool | None]]:
    count, ours, plain = cold_pairs()
    wall = statistics.median(w for w, _ in ours), statistics.median(w for w, _ in plain)
    cpu = statistics.median(c for _, c in ours), statistics.median(c for _, c in plain)
    ratio = wall[0] / wall[1]
    return [(f"cold demo build ({count} documents, CLI, new output folder) vs a plain "
             f"WeasyPrint + docxtpl script on the same documents ({len(ours)} interleaved "
             "pairs, medians)",
             f"{wall[0]:.2f} s vs {wall[1]:.2f} s = {ratio:.2f}x (CPU {cpu[0]:.2f} s vs "
             f"{cpu[1]:.2f} s = {cpu[0] / cpu[1]:.2f}x)", "<= 1.25x (was 1.85x)",
             ratio <= 1.25)]


def main(inputs: Path, out: Path) -> None:
    import jinja2
    import weasyprint
    from babel.support import Translations
    from docxtpl import DocxTemplate

    font_config = weasyprint.text.fonts.FontConfiguration()
    sheets: dict[str, weasyprint.CSS] = {}
    environments: dict[str, jinja2.Environment] = {}

    def _lay_out(html: str, base: str, css: list[str], extra: str) -> Any:
        for path in css:
            if path not in sheets:
                sheets[path] = weasyprint.CSS(filename=path, font_config=font_config)
        stylesheets = [sheets[path] for path in css]
        stylesheets.append(weasyprint.CSS(string=extra, font_config=font_config))
        return weasyprint.HTML(string=html, base_url=base).render(
            stylesheets=stylesheets, font_config=font_config)
    for item in pickle.loads(inputs.read_bytes()):  # noqa: S301 - our own file
        target = out / item[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        if item[0] == "pdf":
            _, _, html, base, css, extra = item
            _lay_out(html, base, css, extra).write_pdf(target)
        elif item[0] == "book":
            _, _, parts, base = item
            documents = [_lay_out(html, base, css, extra) for html, css, extra in parts]
            documents[0].copy([page for document in documents for page in document.pages]
                              ).write_pdf(target)
        elif item[0] == "docx":
            _, _, template, context, locale_dirs, lang = item
            if lang not in environments:
                env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
                translations = Translations.load(locale_dirs[-1], [lang])
                env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
                environments[lang] = env
            document = DocxTemplate(template)
            document.render(context, environments[lang], autoescape=True)
            document.save(target)
        else:
            target.write_bytes(item[2])


if __name__ == "__main__":
    if len(sys.argv) == 3:
        main(Path(sys.argv[1]), Path(sys.argv[2]))
    else:
        sys.path.insert(0, str(REPO))
        for measure, value, target, met in rows():
            print(f"| {measure} | {value} | {target} | {'yes' if met else 'NO'} |")
