"""Word documents: hostile text for the DOCX engine, a restyled template, and LibreOffice
headless to read a document as a word processor lays it out."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
from pathlib import Path

import docx
import pytest

from tests.support.projects import REPO

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt install libreoffice-writer-nogui",
)

HOSTILE = [  # texts that must come out of a Word document exactly as they went in
    "<b>&",
    "a < b > c",
    "R&D",
    "\"double\" and 'single' quotes, “curly” ‘ones’",
    "</w:t></w:r></w:p><w:p><w:r><w:t>",
    "&amp; &lt; &#123; ]]> <!-- -->",
    "{{ pack }} {% if x %} {_{ }_} {_% %_} {#p #}",
    "Emoji 🇲🇦 👍🏽 and a ZWJ family 👨‍👩‍👧",
    "يدعم المغرب أهداف التحالف الدولي ضد داعش",
    "  leading and trailing spaces  ",
    "a tab\there and a line\nbreak",
]


def restyled_template(marking_in_header: bool = True) -> bytes:
    """The default template as a user would restyle it: a letterhead, a bigger List Number."""
    document = docx.Document(str(REPO / "templates" / "talking-points.docx"))
    document.styles["List Number"].font.size = docx.shared.Pt(14)
    header = document.sections[0].header.paragraphs[0]
    header.insert_paragraph_before("ROYAUME DU MAROC — Ministère des Affaires étrangères")
    if not marking_in_header:
        header.text = "no marking"
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()


def convert_with_libreoffice(files: list[Path], out: Path, profile: Path) -> dict[str, Path]:
    """PDFs of ``files`` by LibreOffice headless, a private profile, failures made loud.
    The files are copied into ``out`` first (named after their folder: fr/talking-points.docx
    -> fr.docx), so LibreOffice never writes beside them."""
    assert SOFFICE is not None
    renamed = []
    for path in files:  # one output name per input: fr/talking-points.docx -> fr.docx
        copy = out / f"{path.parent.name}.docx"
        shutil.copyfile(path, copy)
        renamed.append(copy)
    profile_url = (profile / f"profile-{uuid.uuid4().hex}").as_uri()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile_url}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, renamed)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "could not be loaded" not in log.lower(), log  # exit code 0 even then
    pdfs = {copy.stem: copy.with_suffix(".pdf") for copy in renamed}
    for pdf in pdfs.values():
        assert pdf.is_file() and pdf.stat().st_size > 0, log
    return pdfs
