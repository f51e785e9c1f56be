"""Localized formatting through Babel's CLDR data, never the process locale."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from briefgen import bidi, i18n
from briefgen.dates import PartialDate


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
        (PartialDate(2018, 12, 26), "ar_MA", "26 دجنبر 2018"),  # the Moroccan months
        (PartialDate(2027, 1, 1), "fr", "1er janvier 2027"),
        (PartialDate(2027, 1, 11), "fr", "11 janvier 2027"),
        (PartialDate(2027, 1, 1), "en", "January 1, 2027"),
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
        (dt.date(2027, 3, 1), dt.date(2027, 3, 3), "fr", "1er–3 mars 2027"),
        (dt.date(2027, 2, 27), dt.date(2027, 3, 1), "fr", "27 février – 1er mars 2027"),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 1), "fr",
         "31 décembre 2026 – 1er janvier 2027"),
        (dt.date(2027, 3, 1), dt.date(2027, 3, 3), "en", "March 1 – 3, 2027"),
    ],
)
def test_date_ranges(start: dt.date, end: dt.date | None, lang: str, expected: str) -> None:
    assert i18n.format_date_range(start, end, lang).replace("\u2009", " ") == expected


def test_countries_are_localized_and_listed() -> None:
    assert i18n.country_name("MA", "ar") == "المغرب"


def test_numbers() -> None:
    assert i18n.format_number(12500, "fr") == "12\u202f500"
    assert i18n.format_number(12500, "en") == "12,500"
    assert i18n.format_number(2.5, "fr") == "2,5"


@pytest.mark.parametrize(("tag", "four", "five"), [
    ("es", "4600", "12.500"),          # CLDR's minimumGroupingDigits 2 (and the RAE)
    ("es_MX", "4,600", "12,500"),      # Latin American Spanish: 1, through es_419
    ("pl", "4600", "12\xa0500"),
    ("pt_PT", "4600", "12\xa0500"),
    ("pt_AO", "4600", "12\xa0500"),    # inherits pt_PT
    ("pt", "4.600", "12.500"),
    ("de", "4.600", "12.500"),
    ("en", "4,600", "12,500"),
])
def test_four_digit_numbers_are_grouped_as_the_locale_does(tag: str, four: str,
                                                           five: str) -> None:
    assert i18n.format_number(4600, tag) == four
    assert i18n.format_number(-4600, tag) == "-" + four
    assert i18n.format_number(12500, tag) == five
    # decided on the number as shown, once rounded
    assert i18n.format_number(4599.9996, tag) == four
    assert i18n.format_number(12499.9996, tag) == five
    assert i18n.format_number(9999.9996, tag) == i18n.format_number(10000, tag)


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
    assert bidi.isolate_latin(text) == (
        # two words kept on one line; three may break at their spaces (a hole otherwise)
        "المغرب عضو في (\u2068Small\u00a0Group\u2069)، ويترأس «\u2068Africa Focus Group"
        "\u2069.» "
        "منذ 2021"
    )
    assert bidi.isolate_latin("Africa Focus Group.") == "Africa Focus Group."  # no RTL text


def test_right_to_left_templates_isolate_printed_values() -> None:
    from briefgen.templating import Templates

    env = Templates(None).environment("ar")
    rendered = env.from_string("{{ text }} {{ _('Key messages') }}").render(
        text="عضو في Small Group.")
    assert rendered == "عضو في \u2068Small\u00a0Group\u2069. الرسائل الرئيسية"  # one line
    assert Templates(None).environment("fr").from_string("{{ t }}").render(
        t="عضو في Small Group") == "عضو في Small Group"


# -- Date ranges against Babel's own CLDR data, in 40 locales ---------------------------------

RANGE_LOCALES = [
    "fr", "en", "en_GB", "es", "de", "it", "pt", "pt_PT", "nl", "ru", "uk", "pl", "cs", "bg",
    "ro", "el", "tr", "ar", "he", "fa", "zh", "ja", "ko", "hi", "sv", "da", "fi", "hu", "id",
    "vi", "th", "sr", "hr", "lt", "ca", "nb", "sk", "sl", "et", "lv",
]
RANGES = {
    "within a month": (dt.date(2026, 12, 3), dt.date(2026, 12, 4)),
    "across months": (dt.date(2026, 11, 30), dt.date(2026, 12, 2)),
    "across years": (dt.date(2026, 12, 30), dt.date(2027, 1, 2)),
}


def babel_range(start: dt.date, end: dt.date, tag: str) -> str:
    """What the range should read, from Babel by another road: CLDR's ``yMMMMd`` interval
    where the locale has one; else Babel's ``yMMMd`` interval with each abbreviated month
    name replaced by the long date's full one (and days unpadded like the long date); CLDR's
    fallback (two long dates) where that interval writes the month as a number."""
    from babel import Locale
    from babel.dates import format_date, format_interval

    loc = Locale.parse(tag)
    if "yMMMMd" in loc.interval_formats:
        return str(format_interval(start, end, "yMMMMd", locale=loc))
    text = str(format_interval(start, end, "yMMMd", locale=loc))
    longs = [str(format_date(day, "long", locale=loc)) for day in (start, end)]
    months = loc.months["format"]
    named = not any(char.isdigit() for char in months["wide"][12])
    shown = False
    for day, long in zip((start, end), longs, strict=True):
        short, full = months["abbreviated"][day.month], months["wide"][day.month]
        shown = shown or short in text or full in text
        if named and full in long:
            text = re.sub(re.escape(short) + r"(?!\w)", full, text)
    if named and not shown and any(months["wide"][d.month] in x
                                   for d, x in zip((start, end), longs, strict=True)):
        return str(loc.interval_formats[None]).replace("{0}", longs[0]).replace("{1}", longs[1])
    if not re.search(r"(?<!d)dd(?!d)", str(loc.date_formats["long"].pattern)):
        text = re.sub(r"(?<!\d)0(\d)(?!\d)", r"\1", text)
    return text


@pytest.mark.parametrize("kind", list(RANGES))
@pytest.mark.parametrize("tag", RANGE_LOCALES)
def test_date_ranges_in_many_locales(tag: str, kind: str) -> None:
    start, end = RANGES[kind]
    assert i18n.format_date_range(start, end, tag, "latn") == babel_range(start, end, tag)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es", "3–4 de diciembre de 2026"),  # CLDR's yMMMMd, not "3–4 diciembre 2026"
        ("zh", "2026年12月3日 – 4日"),  # no 十二月 beside 12月
        ("bg", "3 – 4 декември 2026 г."),  # not numeric
        ("it", "3–4 dicembre 2026"),  # days as in the long date, not "03–04"
        ("cs", "3. prosince 2026 – 4. prosince 2026"),  # CLDR's fallback, month spelled
        ("ru", "3—4 декабря 2026 г."),
    ],
)
def test_date_ranges_read_like_the_long_date(tag: str, expected: str) -> None:
    got = i18n.format_date_range(dt.date(2026, 12, 3), dt.date(2026, 12, 4), tag)
    assert got.replace("\u2009", " ").replace("\u202f", " ") == expected
