"""A fact sheet that cannot fit: one fact holds a word of 10,000 letters without a space.

The sheet's stylesheet breaks such a word anywhere, and WeasyPrint lays each of its lines out
with the whole rest of the word: the fit search took two layouts, about 55 s of CPU, before
saying that the sheet does not fit. A word that would fill more than the page even at the
smallest type is now refused before the search, after one layout without it.

Run alone (``python benchmarks/long_word.py``) or from benchmarks/run.py through
:func:`rows`. Target: one layout.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # for tests/support/projects.py

from tests.support.projects import MINIMAL_BASE, MINIMAL_PACK, write_project  # noqa: E402

import briefgen  # noqa: E402
from briefgen.context import pack_view  # noqa: E402
from briefgen.documents import Engines, fact_sheet  # noqa: E402
from briefgen.templating import Templates  # noqa: E402

OUT = REPO / "build" / "bench"
ISSUED = dt.date(2026, 11, 20)
WORD = "x" * 10_000


def refusal() -> tuple[int, float]:
    """The layouts made and the CPU seconds taken until the sheet is refused."""
    from briefgen.pdf import PdfEngine

    root = write_project(OUT / "long-word", MINIMAL_BASE.replace(
        "Morocco supports the Coalition.", f"Morocco {WORD} supports."),
        MINIMAL_PACK.replace("[briefing-note]", "[fact-sheet]"))
    project = briefgen.load_project(root)
    engines = Engines(Templates(project.templates))
    assert engines.pdf  # the engine is made before the clock starts, as in a build
    layouts = 0
    original = PdfEngine.layout

    def counted(self: PdfEngine, *args: Any, **kwargs: Any) -> Any:
        nonlocal layouts
        layouts += 1
        return original(self, *args, **kwargs)

    PdfEngine.layout = counted  # type: ignore[method-assign]
    started = time.process_time()
    try:
        fact_sheet.render(pack_view(project, "meeting", "en", ISSUED), engines)
    except briefgen.RenderError:
        return layouts, time.process_time() - started
    finally:
        PdfEngine.layout = original  # type: ignore[method-assign]
    raise AssertionError("the sheet with a word of 10,000 letters was not refused")


def rows() -> list[tuple[str, str, str, bool]]:
    layouts, seconds = refusal()
    return [("fact sheet with a word of 10,000 letters (fills more than the page): refused "
             "after", f"{layouts} layout(s), {seconds:.2f} s CPU",
             "1 layout (was 2, 55 s CPU)", layouts <= 1)]


if __name__ == "__main__":
    for measure, value, target, met in rows():
        print(f"{measure}: {value} (target {target}: {'met' if met else 'NOT met'})")
