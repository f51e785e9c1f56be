"""The cycle collector around briefgen's work: paused while a project is loaded, and, once a
process has rendered its first document, set aside from what it holds then (its engines,
fonts and templates), so that later collections go through what later renders make only.
Each in a process of its own: the collector's state is the process's."""

from __future__ import annotations

import subprocess
import sys

from tests.support.projects import REPO

RENDER_TWICE = """
import datetime as dt, gc, sys
import briefgen
from briefgen.cache import ParseCache
from briefgen.context import pack_view
from briefgen.workers import render_document
project = briefgen.load_project(sys.argv[1], cache=ParseCache())  # nothing written
view = pack_view(project, "rabat-2026-12", "fr", dt.date(2026, 11, 20))
print(gc.get_freeze_count(), len(gc.get_objects()))
render_document("briefing-note", view, project.templates)
frozen = gc.get_freeze_count()
print(frozen, len(gc.get_objects()))
render_document("fact-sheet", view, project.templates)
print(gc.get_freeze_count() - frozen, len(gc.get_objects()))
"""


def test_a_process_sets_aside_what_it_holds_after_its_first_render() -> None:
    said = subprocess.run([sys.executable, "-c", RENDER_TWICE, str(REPO)], check=True,
                          capture_output=True, text=True).stdout.split("\n")
    (frozen_before, tracked_before), (frozen, tracked), (frozen_later, _) = (
        map(int, line.split()) for line in said[:3])
    assert frozen_before == 0 and tracked_before > 50_000  # the project: all looked at
    assert frozen > tracked_before and tracked < 5_000  # then set aside, once
    assert frozen_later <= 0  # a second render sets nothing more aside (some set aside go)
