"""Shared fixtures: the demo project, small throwaway projects, and document readers."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import briefgen

REPO = Path(__file__).resolve().parents[1]
ISSUED = dt.date(2026, 11, 20)
TODAY = ISSUED  # what the clock says in every test (briefgen.clock): SOURCE_DATE_EPOCH
TODAY_EPOCH = str(int(dt.datetime.combine(TODAY, dt.time(), dt.UTC).timestamp()))

MINIMAL_BASE = """\
id: base
title: {fr: Base de test, en: Test base}
subject: MA
as_of: 2022-05
languages: [fr, en]
sources:
  - {id: s1, title: {fr: Source un, en: Source one}, publisher: Ministère, date: 2022-05}
facts:
  - id: f1
    kind: position
    text: {fr: "Le Maroc soutient la Coalition.", en: "Morocco supports the Coalition."}
    talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the Coalition."}
    sources: [s1]
  - id: f2
    kind: event
    date: 2018-06-26
    text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}
    sources: [s1]
"""

MINIMAL_PACK = """\
id: meeting
meeting:
  title: {fr: Réunion de test, en: Test meeting}
  date: 2026-12-03
  place: {fr: Rabat, en: Rabat}
languages: [fr, en]
classification: {fr: DIFFUSION RESTREINTE, en: RESTRICTED}
facts: [base]
documents: [briefing-note]
"""


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs on the same day, whatever the system clock says: briefgen reads the
    date from SOURCE_DATE_EPOCH (briefgen.clock), here and in the processes tests start."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)


@pytest.fixture(autouse=True)
def _cache_key_of_the_test_run(tmp_path_factory: pytest.TempPathFactory,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The parse cache's signing key in the test run's own folder, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture
def demo_project() -> briefgen.Project:
    """The repository's own demo project (facts/, packs/)."""
    return briefgen.load_project(REPO)


ProjectFactory = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path_factory: pytest.TempPathFactory) -> ProjectFactory:
    """Write a small project: ``make_project(facts={"base.yaml": text}, packs={...})``.

    The project is not under the test's ``tmp_path``, so tests may build into ``tmp_path``
    (briefgen refuses an output folder that contains the project's facts/ or packs/).
    """
    root = tmp_path_factory.mktemp("project")

    def make(
        facts: dict[str, str] | None = None,
        packs: dict[str, str] | None = None,
        templates: dict[str, str | bytes] | None = None,
    ) -> Path:
        for folder, files in (("facts", facts), ("packs", packs)):
            default = {"base.yaml": MINIMAL_BASE} if folder == "facts" else {
                "meeting.yaml": MINIMAL_PACK
            }
            (root / folder).mkdir(parents=True, exist_ok=True)
            for name, text in (files if files is not None else default).items():
                (root / folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
        for name, content in (templates or {}).items():
            path = root / "templates" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def copy_demo(tmp_path: Path) -> Path:
    """A copy of the demo project (facts/, packs/) to change freely."""
    root = tmp_path / "demo"
    for folder in ("facts", "packs"):
        shutil.copytree(REPO / folder, root / folder)
    return root


WATERMARKS = ("PROJET", "DRAFT", "مسودة", "BORRADOR", "ENTWURF")


def pdftotext(path: Path, *, layout: bool = False, watermark: bool = False,
              page: int | None = None) -> str:
    """The text of ``path``. The diagonal draft watermark comes out of pdftotext as lines of
    one or two of its letters between the lines of the page; they are left out unless
    ``watermark`` (``pdftotext -nodiag`` would drop real words after it, a poppler bug)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []),
            *(["-f", str(page), "-l", str(page)] if page else []), str(path), "-"]
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    if watermark or layout:
        return text
    return "\n".join(line for line in text.split("\n") if not _watermark_piece(line))


def _watermark_piece(line: str) -> bool:
    """A line that is one or two letters of a watermark word (``P``, ``RA``)."""
    letters = "".join(line.split())
    return 0 < len(letters) <= 2 and any(all(c in word for c in letters) for word in WATERMARKS)


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    info = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def squash(text: str) -> str:
    """Text with all whitespace runs made one space (PDF line breaks are not content)."""
    return " ".join(text.split())
