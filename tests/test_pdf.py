"""The PDF engine's file identifier: derived from the HTML, written once."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

import briefgen
from briefgen.context import pack_view
from briefgen.documents import Engines, briefing_note
from briefgen.templating import Templates
from tests.support.projects import ISSUED


def test_the_identifier_is_written_once_from_the_html(demo_project: briefgen.Project,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """pydyf would serialize every object a second time to hash them for the /ID."""
    import weasyprint

    identifiers: list[Any] = []
    real = weasyprint.Document.write_pdf

    def write_pdf(self: Any, *args: Any, **options: Any) -> Any:
        identifiers.append(options.get("pdf_identifier"))
        return real(self, *args, **options)

    monkeypatch.setattr(weasyprint.Document, "write_pdf", write_pdf)
    view = pack_view(demo_project, "rabat-2026-12", "fr", ISSUED)
    engines = Engines(Templates(demo_project.templates))
    rendered = briefing_note.render(view, engines)
    assert identifiers == [False]
    html = engines.templates.render(briefing_note.TEMPLATE, "fr", "fr", pack=view)
    expected = hashlib.sha256(html.encode()).hexdigest()[:32]
    path = tmp_path / "note.pdf"
    path.write_bytes(rendered.data)
    with pikepdf.open(path) as pdf:
        assert [str(part) for part in pdf.trailer.ID] == [expected, expected]
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout
