"""Babel: locales, dates at their precision, ranges, lists, territories, numbers, catalogs.

Nothing here reads the process's ``LANG``/``LC_*``: every function takes the locale.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import DateTimeFormat, format_date, format_skeleton, match_skeleton
from babel.dates import parse_pattern as parse_date_pattern
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from briefgen import bidi
from briefgen.dates import PartialDate

RTL_SCRIPTS = {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"}


@lru_cache(maxsize=64)
def locale(tag: str) -> Locale:
    """The Babel locale for a pack language such as ``fr``, ``ar_MA`` or ``en_GB``."""
    return Locale.parse(tag.replace("-", "_"))


def language_name(lang: str) -> str:
    """``German ('de')``: a language as a user reads it."""
    return f"{locale(lang).get_display_name('en')} ('{lang}')"


def check_locale(tag: str) -> str | None:
    """Why ``tag`` is not a usable locale, or None."""
    try:
        locale(tag)
    except (UnknownLocaleError, ValueError):
        return f"'{tag}' is not a language or locale known to CLDR (e.g. fr, en_GB, ar_MA)"
    return None


def fallbacks(tag: str) -> list[str]:
    """``ar_MA`` -> ``['ar_MA', 'ar']``: where to look for a text in that language."""
    return list(_fallbacks(tag))


@lru_cache(maxsize=256)
def _fallbacks(tag: str) -> tuple[str, ...]:
    parts = tag.replace("-", "_").split("_")
    return tuple("_".join(parts[:n]) for n in range(len(parts), 0, -1))


def pick(text: str | Mapping[str, str], tag: str) -> str | None:
    """The text for ``tag`` with CLDR fallback; a plain string is language-neutral."""
    if isinstance(text, str):
        return text
    for candidate in fallbacks(tag):
        if candidate in text:
            return text[candidate]
    return None


def hyphenation_language(tag: str) -> str:
    """The language tag the PDFs hyphenate by: ``tag`` with its likely region when it names
    none (CLDR: ``en`` is ``en-US``), so English breaks "expec-ta-tions" by the American
    dictionary's patterns, not "expect-ations"; ``en_GB`` keeps its own."""
    parsed = locale(tag)
    if parsed.territory or direction(tag) == "rtl":  # (right to left: never hyphenated)
        return tag.replace("_", "-")
    likely = get_global("likely_subtags").get(parsed.language)
    region = Locale.parse(likely).territory if likely else None
    return f"{tag.replace('_', '-')}-{region}" if region else tag.replace("_", "-")


def direction(tag: str) -> str:
    """``rtl`` or ``ltr``, from CLDR's character order for the locale."""
    return "rtl" if locale(tag).character_order == "right-to-left" else "ltr"


# -- Digits ---------------------------------------------------------------------------------

# The zero of each decimal numbering system CLDR makes a locale's default or native one;
# the other nine digits follow it in Unicode (tests check each with unicodedata).
_ZEROS = {
    "latn": 0x30, "arab": 0x660, "arabext": 0x6F0, "nkoo": 0x7C0, "deva": 0x966,
    "beng": 0x9E6, "guru": 0xA66, "gujr": 0xAE6, "orya": 0xB66, "tamldec": 0xBE6,
    "telu": 0xC66, "knda": 0xCE6, "mlym": 0xD66, "thai": 0xE50, "laoo": 0xED0, "tibt": 0xF20,
    "mymr": 0x1040, "khmr": 0x17E0, "mong": 0x1810, "olck": 0x1C50, "vaii": 0xA620,
    "mtei": 0xABF0, "fullwide": 0xFF10, "cakm": 0x11136, "hmnp": 0x1E140, "adlm": 0x1E950,
}
DIGITS = {name: "".join(chr(zero + n) for n in range(10)) for name, zero in _ZEROS.items()}
DIGITS["hanidec"] = "〇一二三四五六七八九"


def numbering_system(tag: str, choice: str | None = None) -> str:
    """The digits a document in ``tag`` prints: the pack's ``numbering:`` choice, else the
    locale's default numbering system (fa: arabext; ar_EG: arab; ar, ar_MA: latn)."""
    system = choice or str(locale(tag).default_numbering_system)
    return system if system in DIGITS else "latn"


def check_numbering(system: str) -> str | None:
    """Why ``system`` is not a numbering system briefgen can print, or None."""
    if system in DIGITS:
        return None
    return f"'{system}' is not a numbering system briefgen knows ({', '.join(sorted(DIGITS))})"


def localize_digits(text: str, system: str) -> str:
    """``text`` with its ASCII digits written in ``system`` (Babel's dates are in latn)."""
    if system == "latn":
        return text
    return text.translate(str.maketrans("0123456789", DIGITS[system]))


_KEPT_AS_TYPED = re.compile(rf"&#?\w+;|{bidi.LATIN_WORD.pattern}")  # or a reference ("&#39;")


def localize_typed_digits(text: str, tag: str, system: str) -> str:
    """``text`` as typed (a fact, a label with its values) with its digits written in
    ``system`` and its "%" the percent sign of ``tag`` in those digits (ar_EG: "٪"), so a
    document has one digit system. A Latin word ("A-12/3", "G7", a URL) keeps its own, as
    does a character reference of escaped text ("&#39;"); "100" in "100 days" does not."""
    if system == "latn":
        return text
    table = str.maketrans("0123456789", DIGITS[system])
    if percent := locale(tag).number_symbols.get(system, {}).get("percentSign"):
        table[ord("%")] = percent
    pieces, position = [], 0
    for kept in _KEPT_AS_TYPED.finditer(text):
        pieces += [text[position:kept.start()].translate(table), kept.group(0)]
        position = kept.end()
    return "".join([*pieces, text[position:].translate(table)])


def counter_style_css(system: str) -> str:
    """CSS that prints page numbers and list markers in ``system``'s digits: the counter
    style ``briefgen-digits`` (the stylesheets write ``counter(page, briefgen-digits)``; an
    undefined style is decimal, so Latin digits need nothing)."""
    if system == "latn":
        return ""
    symbols = " ".join(f'"{digit}"' for digit in DIGITS[system])
    return (f"@counter-style briefgen-digits {{ system: numeric; symbols: {symbols}; }}\n"
            "ol { list-style-type: briefgen-digits; }\n")


# The first day of a month as the language writes it in a date, where CLDR's patterns
# cannot say it (French typography: "1er janvier", "1er–3 mars"; CLDR's "d" prints "1").
_FIRST_DAY = {"fr": "'er'"}


def _first_day(pattern: str, day: int, loc: Locale) -> str:
    """``pattern`` with the day field of the 1st as ``_FIRST_DAY`` writes it."""
    suffix = _FIRST_DAY.get(loc.language) if day == 1 else None
    if suffix is None:
        return pattern
    parts = _QUOTED.split(pattern)
    parts[::2] = [re.sub(r"(?<!d)d(?!d)", "d" + suffix, part) for part in parts[::2]]
    return "".join(parts)


def format_partial_date(value: PartialDate, tag: str, numbering: str | None = None) -> str:
    """A date at its own precision: ``26 juin 2018``, ``1er mai 2022``, ``mai 2022``,
    ``2021``."""
    loc = locale(tag)
    if value.precision == "day":
        day = value.first_day
        pattern = _first_day(str(loc.date_formats["long"].pattern), day.day, loc)
        text = str(format_date(day, pattern, locale=loc))
    else:
        skeleton = "yMMMM" if value.precision == "month" else "y"
        text = str(format_skeleton(skeleton, value.first_day, locale=loc))
    return localize_digits(text, numbering_system(tag, numbering))


def format_day(value: dt.date, tag: str, numbering: str | None = None) -> str:
    return format_partial_date(PartialDate.of(value), tag, numbering)


def format_date_range(start: dt.date, end: dt.date | None, tag: str,
                      numbering: str | None = None) -> str:
    """``3–4 décembre 2026``, ``3–4 de diciembre de 2026``: CLDR's interval format with
    full month names, as the locale writes a full date.

    CLDR's own ``yMMMMd`` interval format where the locale has one (es, bg, pl...); else
    its ``yMMMd`` format with the field widths of the locale's long date (``MMM`` ->
    ``MMMM``, ``dd`` -> ``d``), as CLDR's matching rules allow; where that format writes the
    month as a number but the long date spells it (cs), CLDR's fallback: two long dates.
    """
    if end is None or end == start:
        return format_day(start, tag, numbering)
    system = numbering_system(tag, numbering)
    return localize_digits(_date_range(start, end, tag), system)


def _date_range(start: dt.date, end: dt.date, tag: str) -> str:
    loc = locale(tag)
    formats = loc.interval_formats
    exact = "yMMMMd" in formats
    skeleton = "yMMMMd" if exact else match_skeleton("yMMMd", formats)
    patterns = formats.get(skeleton) if skeleton else None
    start_fmt, end_fmt = DateTimeFormat(start, locale=loc), DateTimeFormat(end, locale=loc)
    for field in ("y", "M", "d"):
        if patterns and field in patterns and start_fmt.extract(field) != end_fmt.extract(field):
            pieces = [p if exact else _as_long_date(p, loc) for p in patterns[field]]
            if None in pieces:
                break
            return "".join(
                parse_date_pattern(_first_day(str(piece), instant.day, loc)).apply(instant, loc)
                for piece, instant in zip(pieces, (start, end), strict=True)
            )
    fallback = str(formats.get(None) or "{0} – {1}")
    return fallback.replace("{0}", format_day(start, tag)).replace("{1}", format_day(end, tag))


_QUOTED = re.compile(r"('(?:[^']|'')*')")
_FIELD_RUN = re.compile(r"([MLd])\1*")


def _as_long_date(pattern: str, loc: Locale) -> str | None:
    """``pattern`` with its month and day fields as wide as in the locale's long date
    (abbreviated months spelled out where the long date spells them; zh and ja write 12月
    in both); None if ``pattern`` writes the month as a number and the long date as a
    name."""
    long_date = str(loc.date_formats["long"].pattern)
    widths = {match.group(1): len(match.group(0))
              for part in _QUOTED.split(long_date)[::2] for match in _FIELD_RUN.finditer(part)}
    month = widths.get("M") or widths.get("L") or 0
    if any(char.isdigit() for char in loc.months["format"]["wide"][12]):
        month = min(month, 2)  # ko: the month "names" are numbers (12월), as in "M월"
    day = widths.get("d", 1)
    parts = _QUOTED.split(pattern)
    for index in range(0, len(parts), 2):  # outside quotes only: 'de' is text
        for run in _FIELD_RUN.finditer(parts[index]):
            if run.group(1) in "ML" and len(run.group(0)) < 3 <= month:
                return None
        parts[index] = _FIELD_RUN.sub(lambda run: _widen(run, month, day), parts[index])
    return "".join(parts)


def _widen(run: re.Match[str], month: int, day: int) -> str:
    letter, width = run.group(1), len(run.group(0))
    if letter == "d":
        return letter * day
    return letter * month if width >= 3 and month >= 3 else run.group(0)


def country_name(code: str, tag: str) -> str:
    """CLDR's name of a territory. The documents print a grammar file's name instead where
    it has one (an official short name): :meth:`briefgen.grammar.Grammar.name`."""
    return str(locale(tag).territories.get(code, code))


def format_number(value: float, tag: str, numbering: str | None = None) -> str:
    """``12 500``, ``١٢٬٥٠٠``: the locale's separators and digits, and CLDR's minus sign,
    which in right-to-left locales carries the bidi mark that keeps it before the digits
    (ar: LRM, "‎-1,500" reads -1,500; ar with arab digits: ALM)."""
    loc = locale(tag)
    system = numbering_system(tag, numbering)
    symbols = system if loc.number_symbols.get(system, {}).get("decimal") else "latn"
    text = str(format_decimal(value, locale=loc, numbering_system=symbols))
    if (least := minimum_grouping_digits(loc)) > 1:  # 4600, not 4.600: as rounded and shown
        bare = str(format_decimal(value, locale=loc, numbering_system=symbols,
                                  group_separator=False))
        decimal = loc.number_symbols.get(symbols, {}).get("decimal", ".")
        if sum(char.isdigit() for char in bare.split(decimal)[0]) < 3 + least:
            text = bare
    minus = loc.number_symbols.get(symbols, {}).get("minusSign")
    if value < 0 and minus and text.startswith("-"):
        # CLDR's U+2212 MINUS SIGN (fa, he...) is in no shipped font: the hyphen-minus is.
        text = minus.replace("\u2212", "-") + text[1:]
    return localize_digits(text, system)


# CLDR's minimumGroupingDigits where it is not 1 (Babel does not carry it): how many digits
# a number needs before its first group separator. Spanish writes 4600 and 12.500 (so does
# the RAE), Latin American Spanish 4,600; Polish 4600; European Portuguese 4600.
_MINIMUM_GROUPING_DIGITS = {"es": 2, "es_419": 1, "pl": 2, "pt_PT": 2}


def minimum_grouping_digits(loc: Locale) -> int:
    """CLDR's minimumGroupingDigits of ``loc``, through its parent locales (es_MX: es_419)."""
    parents = get_global("parent_exceptions")
    ident = str(loc)
    while ident:
        if ident in _MINIMUM_GROUPING_DIGITS:
            return _MINIMUM_GROUPING_DIGITS[ident]
        ident = parents.get(ident) or ident.rpartition("_")[0]
    return 1


def catalog_dir(templates: Path) -> Path:
    return templates / "locale"


LocaleDirs = Path | Sequence[Path]


def catalog_paths(locale_dirs: LocaleDirs, tag: str, domain: str = "messages") -> list[Path]:
    """The catalogs that give ``tag`` its labels, the one that wins first: for each
    fallback (``ar_MA``, then ``ar``), the project's catalog, then briefgen's. ``domain``:
    ``messages``, the documents' labels, or ``preview``, those of ``serve``'s pages."""
    dirs = [locale_dirs] if isinstance(locale_dirs, Path) else list(locale_dirs)
    return [
        path
        for candidate in fallbacks(tag)
        for directory in dirs
        if (path := directory / candidate / "LC_MESSAGES" / f"{domain}.po").is_file()
    ]


def has_catalog(locale_dirs: LocaleDirs, tag: str) -> bool:
    return bool(catalog_paths(locale_dirs, tag))


CatalogKey = tuple[tuple[str, int, int], ...]


def catalog_key(locale_dirs: LocaleDirs, tag: str, domain: str = "messages") -> CatalogKey:
    """What the labels of ``tag`` are made of: each catalog's path, mtime and size. A
    catalog edited (say while ``watch`` runs) gives a new key, so new labels."""
    key = []
    for path in catalog_paths(locale_dirs, tag, domain):
        stat = path.stat()
        key.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(key)


def translations(locale_dirs: LocaleDirs, tag: str,
                 domain: str = "messages") -> NullTranslations:
    """Gettext translations for ``tag``, merged from every catalog of
    :func:`catalog_paths`: a project's catalog adds to briefgen's, entry by entry.

    Catalogs are compiled in memory from the ``.po`` files, so no compiled ``.mo`` can be
    stale; the result is cached by :func:`catalog_key`.
    """
    key = catalog_key(locale_dirs, tag, domain)
    return _merged(key) if key else NullTranslations()


@lru_cache(maxsize=32)
def _merged(key: CatalogKey) -> Translations:
    catalogs = [_read_po(Path(path)) for path, _, _ in key]
    winners: dict[object, Message] = {}
    for catalog in reversed(catalogs):  # the least specific first: later ones win
        for message in catalog:
            if message.id and is_translated(message):
                winners[(message.id, message.context)] = message
    merged = Catalog(locale=catalogs[0].locale, domain="messages")
    for message in winners.values():
        merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer)


def _read_po(path: Path) -> Catalog:
    language = path.parents[1].name
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def is_translated(message: Message) -> bool:
    """Whether a catalog entry has a translation to use (every plural form, not fuzzy)."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and bool(strings) and all(strings)


# -- Punctuation the templates join with ---------------------------------------------------

_TERMINAL = (".", "!", "?", "…", "。", "！", "？", "؟", "।", "։", "።")
_DOUBLED_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


@dataclass(frozen=True)
class Punctuation:
    """The separators and full stop of a language's labels (Arabic "، " and "؛ "), from its
    catalog: they are labels like any other."""

    comma: str = ", "
    semicolon: str = "; "
    stop: str = "."

    @classmethod
    def of(cls, translations: NullTranslations) -> Punctuation:
        # TRANSLATORS: the separator between the parts of a citation or a list of numbers
        comma = translations.pgettext("punctuation", ", ")
        # TRANSLATORS: the separator between items that may hold commas (titles)
        semicolon = translations.pgettext("punctuation", "; ")
        # TRANSLATORS: the full stop that ends a citation
        stop = translations.pgettext("punctuation", ".")
        return cls(str(comma), str(semicolon), str(stop))

    def end(self, text: str | None) -> str:
        """The full stop after ``text``, or nothing when it already ends a sentence
        ("май 2022 г." takes no second period)."""
        return "" if (text or "").rstrip().endswith(_TERMINAL) else self.stop

    def join(self, items: Iterable[object], separator: str | None = None) -> str:
        return (self.comma if separator is None else separator).join(map(str, items))


def one_full_stop(text: str) -> str:
    """``text`` with a doubled full stop made single (an ellipsis stays)."""
    return _DOUBLED_STOP.sub(".", text)
