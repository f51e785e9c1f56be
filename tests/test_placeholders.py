"""Fact text placeholders are parsed, never evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

import briefgen
from briefgen import placeholders
from tests.support.pdf import pdftotext, squash
from tests.support.projects import ISSUED, ProjectFactory


def test_fill() -> None:
    values = {"date": "26 juin 2018", "countries": "États-Unis, Niger et Italie"}
    assert placeholders.fill("Le {date} avec {countries}.", values) == (
        "Le 26 juin 2018 avec États-Unis, Niger et Italie."
    )


def test_literal_braces() -> None:
    assert placeholders.fill("a {{b}} c", {}) == "a {b} c"


def test_missing_value_stays_visible() -> None:
    assert placeholders.fill("Le {date}.", {"date": None}) == "Le {date}."


@pytest.mark.parametrize(
    "text", ["{datte}", "{date.__class__}", "{date[0]}", "{date!r}", "{date:>10}", "{0}", "{}"]
)
def test_anything_but_a_known_name_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="unknown placeholder"):
        placeholders.parse(text)


@pytest.mark.parametrize("text", ["{date", "date}", "{{ 7*7 }"])
def test_unbalanced_braces(text: str) -> None:
    with pytest.raises(ValueError, match="literal braces"):
        placeholders.parse(text)


def test_jinja_syntax_is_just_text() -> None:
    assert placeholders.fill("{{ 7*7 }}", {}) == "{ 7*7 }"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{countries:gen}", "its forms are {countries}, {countries:def}, {countries:of}"),
        ("{subject:le}", "its forms are {subject}, {subject:def}"),
        ("{date:of}", "{date} has no forms"),
        ("{value:def}", "{value} has no forms"),
        ("{countries!s:of}", "unknown placeholder {countries!s:of}"),
    ],
)
def test_forms_are_parsed_not_formatted(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="unknown placeholder") as caught:
        placeholders.parse(text)
    assert message in str(caught.value)


def test_forms_are_fields_of_their_own() -> None:
    text = "Avec {countries:of} et {countries}, {subject:in}, {countries:of}."
    assert [str(f) for f in placeholders.fields(text)] == [
        "{countries:of}", "{countries}", "{subject:in}"]
    assert placeholders.names(text) == {"countries", "subject"}
    values = {"countries:of": "des États-Unis", "countries": "États-Unis", "subject:in": "au Maroc"}
    assert placeholders.fill(text, values) == (
        "Avec des États-Unis et États-Unis, au Maroc, des États-Unis.")


def test_written_lists_placeholders_without_judging_them() -> None:
    """What an imported translation is compared with its source by, before it is parsed."""
    text = "{{x}} {datte} {countries:of} {date!r:x} {countries:of} {countries}"
    assert placeholders.written(text) == {
        "{datte}": "datte", "{countries:of}": "countries", "{date!r:x}": "date",
        "{countries}": "countries"}
    assert placeholders.written("Réunion le {date}.") == {
        str(f): f.name for f in placeholders.fields("Réunion le {date}.")}
    with pytest.raises(ValueError, match=r"^expected '\}' before end of string$"):
        placeholders.written("{date")


@pytest.mark.parametrize(("text", "value", "filled"), [
    ("Встреча состоялась {date}.", "5 октября 2026 г.", "Встреча состоялась 5 октября 2026 г."),
    ("Встреча {date}. Далее", "5 октября 2026 г.", "Встреча 5 октября 2026 г. Далее"),
    ("Réunion le {date}.", "5 octobre 2026", "Réunion le 5 octobre 2026."),
    ("Avant {date}...", "5 октября 2026 г.", "Avant 5 октября 2026 г...."),
    ("({date}).", "5 октября 2026 г.", "(5 октября 2026 г.)."),
    ("{date}.{date}.", "2026 г.", "2026 г.2026 г."),
])
def test_a_value_ending_with_a_full_stop_takes_no_second_one(text: str, value: str,
                                                             filled: str) -> None:
    """CLDR's Russian and Bulgarian dates end with the abbreviation "г.": the full stop the
    writer types after {date} is not doubled (any value, any language); an ellipsis stays."""
    assert placeholders.fill(text, {"date": value}) == filled


RUSSIAN_BASE = """\
id: base
title: {ru: Тестовая база}
subject: MA
as_of: 2026-10
languages: [ru]
sources:
  - {id: s1, title: {ru: Записка}, publisher: Министерство, date: 2026-10}
facts:
  - id: f1
    kind: event
    date: 2026-10-05
    text: {ru: "Встреча состоялась {date}. Стороны подписали меморандум."}
    talking_point: {ru: "Мы приветствуем встречу {date}."}
    sources: [s1]
"""
RUSSIAN_PACK = """\
id: meeting
meeting: {title: {ru: Тестовая встреча}, date: 2026-12-03}
languages: [ru]
labels_fallback: en
classification: {ru: ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ}
facts: [base]
documents: [briefing-note, talking-points]
"""


def test_a_russian_pack_reads_one_full_stop_after_its_dates(make_project: ProjectFactory,
                                                            tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": RUSSIAN_BASE}, packs={"meeting.yaml": RUSSIAN_PACK})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    note = squash(pdftotext(tmp_path / "meeting" / "ru" / "briefing-note.pdf"))
    points = [squash(p.text.replace("\u202f", " ")) for p in Document(
        str(tmp_path / "meeting" / "ru" / "talking-points.docx")).paragraphs]
    assert "Встреча состоялась 5 октября 2026 г. Стороны подписали меморандум." in note
    assert "Мы приветствуем встречу 5 октября 2026 г." in points
    assert "г.." not in note and not [p for p in points if "г.." in p]
