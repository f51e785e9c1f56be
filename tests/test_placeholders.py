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
