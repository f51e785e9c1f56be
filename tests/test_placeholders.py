"""Fact text placeholders are parsed, never evaluated."""

from __future__ import annotations

import pytest

from briefgen import placeholders


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
