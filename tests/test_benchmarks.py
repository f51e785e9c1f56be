"""The benchmarks' own scripts keep working as briefgen's insides move: ``make bench``'s
baseline (benchmarks/plain.py) asks briefgen for what each document is made from, then
renders it with WeasyPrint and docxtpl alone; run here on a small pack of every kind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.pdf import pdfinfo, pdftotext, squash
from tests.support.projects import ISSUED, MINIMAL_PACK, REPO, ProjectFactory

EVERY_KIND = MINIMAL_PACK.replace(
    "documents: [briefing-note]",
    "documents: [briefing-note, talking-points, fact-sheet, briefing-book, briefing-html]")


def test_the_plain_script_renders_what_briefgen_builds(make_project: ProjectFactory,
                                                       tmp_path: Path) -> None:
    from benchmarks import plain

    root = make_project(packs={"meeting.yaml": EVERY_KIND})
    inputs, out = tmp_path / "inputs.pickle", tmp_path / "plain"
    count = plain.prepare(root, ISSUED, inputs)
    assert count == 10  # five kinds, two languages
    ran = subprocess.run([sys.executable, str(REPO / "benchmarks" / "plain.py"), str(inputs),
                          str(out)], capture_output=True, text=True, check=False, timeout=600)
    assert ran.returncode == 0, ran.stderr
    written = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.*"))
    assert len(written) == count and "meeting/en/briefing-book.pdf" in written
    book = out / "meeting" / "en" / "briefing-book.pdf"
    assert int(pdfinfo(book)["Pages"]) >= 4  # cover, contents, the note, the points, ...
    assert "Talking points" in squash(pdftotext(book))
