"""Localized formatting through Babel's CLDR data, never the process locale."""

from __future__ import annotations

import datetime as dt

import pytest

from briefgen import i18n
from briefgen.model import PartialDate


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (PartialDate(2018, 6, 26), "fr", "26 juin 2018"),
        (PartialDate(2019, 11, 5), "en", "November 5, 2019"),
        (PartialDate(2019, 11, 5), "en_GB", "5 November 2019"),
        (PartialDate(2022, 5), "fr", "mai 2022"),
        (PartialDate(2023, 6), "fr", "juin 2023"),
        (PartialDate(2022, 5), "en", "May 2022"),
        (PartialDate(2021), "fr", "2021"),
        (PartialDate(2018, 6, 26), "ar", "26 يونيو 2018"),
    ],
)
def test_dates_keep_their_precision(value: PartialDate, lang: str, expected: str) -> None:
    assert i18n.format_partial_date(value, lang) == expected


@pytest.mark.parametrize(
    ("start", "end", "lang", "expected"),
    [
        (dt.date(2026, 12, 3), dt.date(2026, 12, 4), "fr", "3–4 décembre 2026"),
        (dt.date(2026, 12, 3), dt.date(2026, 12, 4), "en", "December 3 – 4, 2026"),
        (dt.date(2026, 11, 30), dt.date(2026, 12, 2), "fr", "30 novembre – 2 décembre 2026"),
        (dt.date(2026, 12, 3), None, "fr", "3 décembre 2026"),
    ],
)
def test_date_ranges(start: dt.date, end: dt.date | None, lang: str, expected: str) -> None:
    assert i18n.format_date_range(start, end, lang).replace("\u2009", " ") == expected


def test_countries_are_localized_and_listed() -> None:
    assert i18n.format_countries(["US", "NE", "IT"], "fr") == "États-Unis, Niger et Italie"
    assert i18n.format_countries(["US", "NE", "IT"], "en") == "United States, Niger, and Italy"
    assert i18n.country_name("MA", "ar") == "المغرب"


def test_numbers() -> None:
    assert i18n.format_number(12500, "fr") == "12\u202f500"
    assert i18n.format_number(12500, "en") == "12,500"
    assert i18n.format_number(2.5, "fr") == "2,5"


def test_text_fallback_follows_cldr() -> None:
    text = {"fr": "Bonjour", "ar": "مرحبا"}
    assert i18n.pick(text, "ar_MA") == "مرحبا"
    assert i18n.pick(text, "fr_MA") == "Bonjour"
    assert i18n.pick(text, "en") is None
    assert i18n.pick("neutral", "en") == "neutral"


def test_direction() -> None:
    assert i18n.direction("ar") == "rtl"
    assert i18n.direction("ar_MA") == "rtl"
    assert i18n.direction("fr") == "ltr"


def test_process_locale_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert i18n.format_partial_date(PartialDate(2022, 5), "fr") == "mai 2022"
    assert i18n.format_number(12500, "en") == "12,500"


def test_catalogs_translate_labels() -> None:
    from briefgen.templating import default_templates

    locale_dir = default_templates() / "locale"
    assert i18n.translations(locale_dir, "fr").ngettext("Source", "Sources", 2) == "Sources"
    assert i18n.translations(locale_dir, "fr").gettext("Key messages") == "Messages clés"
    assert i18n.translations(locale_dir, "ar_MA").gettext("Key messages") == "الرسائل الرئيسية"


def test_latin_inserts_are_isolated_in_right_to_left_text() -> None:
    text = "المغرب عضو في (Small Group)، ويترأس «Africa Focus Group.» منذ 2021"
    assert i18n.isolate_latin(text) == (
        "المغرب عضو في (\u2068Small Group\u2069)، ويترأس «\u2068Africa Focus Group\u2069.» "
        "منذ 2021"
    )
    assert i18n.isolate_latin("Africa Focus Group.") == "Africa Focus Group."  # no RTL text


def test_right_to_left_templates_isolate_printed_values() -> None:
    from briefgen.templating import Templates

    env = Templates(None).environment("ar")
    rendered = env.from_string("{{ text }} {{ _('Key messages') }}").render(
        text="عضو في Small Group.")
    assert rendered == "عضو في \u2068Small Group\u2069. الرسائل الرئيسية"
    assert Templates(None).environment("fr").from_string("{{ t }}").render(
        t="عضو في Small Group") == "عضو في Small Group"
