"""Errors a script can act on: structured fields, one line each, and they pickle."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import briefgen
from briefgen.errors import Location, OutputError, RenderError, error_record
from tests.support.projects import ISSUED, REPO, ProjectFactory

NOTE = (REPO / "templates" / "briefing-note.html").read_text(encoding="utf-8")
BODY_LINE = NOTE.split("\n").index(next(line for line in NOTE.split("\n") if "<body" in line)) + 1


def broken_note(make_project: ProjectFactory, mistake: str) -> Path:
    """A project whose own briefing-note template has ``mistake`` on its <body> line."""
    return make_project(templates={"briefing-note.html": NOTE.replace("<body", mistake + "<body",
                                                                      1)})


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_mistake_names_the_template_line_and_each_document(
        make_project: ProjectFactory, tmp_path: Path, jobs: int) -> None:
    root = broken_note(make_project, "{{ pack.titel }}")
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, jobs=jobs)
    errors = caught.value.errors
    assert all(isinstance(error, RenderError) for error in errors)
    fields = [(e.pack, e.language, e.document, e.output, e.file, e.line) for e in errors]
    assert sorted(fields) == [
        ("meeting", lang, "briefing-note", f"meeting/{lang}/briefing-note.pdf",
         "templates/briefing-note.html", BODY_LINE) for lang in ("en", "fr")]
    lines = sorted(str(error) for error in errors)
    assert lines[0] != lines[1]  # two languages, two different lines
    assert lines[1].startswith(f"meeting/fr/briefing-note.pdf: templates/briefing-note.html:"
                               f"{BODY_LINE}: template error: ")
    assert "titel" in lines[1]


def test_a_template_syntax_error_carries_a_location(make_project: ProjectFactory,
                                                    tmp_path: Path) -> None:
    root = broken_note(make_project, "{% if %}")
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), ["meeting"], out=tmp_path, issued=ISSUED,
                       languages=["en"])
    [error] = caught.value.errors
    assert isinstance(error, RenderError)
    assert error.location == Location("templates/briefing-note.html", BODY_LINE)
    assert str(error).startswith(f"meeting/en/briefing-note.pdf: templates/briefing-note.html:"
                                 f"{BODY_LINE}: template syntax error: ")


def test_a_document_level_error_has_no_file() -> None:
    error = RenderError("does not fit one page", "meeting/fr/fact-sheet.pdf", "shorten it")
    error.in_document("meeting", "fr", "fact-sheet", "meeting/fr/fact-sheet.pdf")
    assert (error.file, error.line, error.language) == (None, None, "fr")
    assert str(error) == "meeting/fr/fact-sheet.pdf: does not fit one page — shorten it"


def test_render_errors_pickle_with_every_field() -> None:
    error = RenderError("template error: x", Location("templates/a.html", 3), "fix it")
    error.in_document("meeting", "ar", "briefing-note", "meeting/ar/briefing-note.pdf")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert vars(copy) == vars(error)
    assert str(copy) == str(error) == ("meeting/ar/briefing-note.pdf: templates/a.html:3: "
                                       "template error: x — fix it")


def test_error_records_have_one_shape() -> None:
    render = RenderError("m", Location("templates/a.html", 3))
    render.in_document("p", "fr", "briefing-note", "p/fr/briefing-note.pdf")
    records = [error_record(render), error_record(OutputError("is a link", "build/p", "remove")),
               error_record(briefgen.UsageError("no pack with id x")),
               error_record(briefgen.LocatedError("bad", Location("facts/a.yaml", 2, "f1")))]
    assert len({tuple(record) for record in records}) == 1
    assert records[0] | {} == {
        "kind": "render", "text": "p/fr/briefing-note.pdf: templates/a.html:3: m", "message": "m",
        "file": "templates/a.html", "line": 3, "fact_id": None, "pack": "p", "language": "fr",
        "document": "briefing-note", "output": "p/fr/briefing-note.pdf", "hint": None}
    assert [r["kind"] for r in records] == ["render", "output", "usage", "validation"]
    assert records[3]["fact_id"] == "f1" and records[1]["file"] == "build/p"
