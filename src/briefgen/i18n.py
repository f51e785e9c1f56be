"""Babel: locales, dates at their precision, ranges, lists, territories, numbers, catalogs.

Nothing here reads the process's ``LANG``/``LC_*``: every function takes the locale.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import DateTimeFormat, format_date, format_skeleton, match_skeleton
from babel.dates import parse_pattern as parse_date_pattern
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from briefgen.model import PartialDate

RTL_SCRIPTS = {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"}


@lru_cache(maxsize=64)
def locale(tag: str) -> Locale:
    """The Babel locale for a pack language such as ``fr``, ``ar_MA`` or ``en_GB``."""
    return Locale.parse(tag.replace("-", "_"))


def check_locale(tag: str) -> str | None:
    """Why ``tag`` is not a usable locale, or None."""
    try:
        locale(tag)
    except (UnknownLocaleError, ValueError):
        return f"'{tag}' is not a language or locale known to CLDR (e.g. fr, en_GB, ar_MA)"
    return None


def fallbacks(tag: str) -> list[str]:
    """``ar_MA`` -> ``['ar_MA', 'ar']``: where to look for a text in that language."""
    parts = tag.replace("-", "_").split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


def pick(text: str | Mapping[str, str], tag: str) -> str | None:
    """The text for ``tag`` with CLDR fallback; a plain string is language-neutral."""
    if isinstance(text, str):
        return text
    for candidate in fallbacks(tag):
        if candidate in text:
            return text[candidate]
    return None


def direction(tag: str) -> str:
    """``rtl`` or ``ltr``, from CLDR's character order for the locale."""
    return "rtl" if locale(tag).character_order == "right-to-left" else "ltr"


# A run of Latin-script words (letters, then letters, digits, spaces, '-', '.', '&', "'"),
# ending on a letter or digit: trailing punctuation stays in the surrounding direction.
_LATIN = r"A-Za-z\u00C0-\u024F"
_LATIN_RUN = re.compile(rf"[{_LATIN}][{_LATIN}0-9 .&'\-]*[{_LATIN}0-9]")
_RTL_CHAR = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
KEEP_TOGETHER = 40  # a Latin insert up to this long is never broken across lines


def isolate_latin(text: str) -> str:
    """In right-to-left text, wrap each Latin insert ("Africa Focus Group") in Unicode
    isolates (FSI ... PDI), so the punctuation around it does not jump, and keep a short
    one on one line (no-break spaces). Text without a right-to-left character is returned
    as it is."""
    if not _RTL_CHAR.search(text):
        return text
    return _LATIN_RUN.sub(lambda match: FSI + _unbroken(match.group(0)) + PDI, text)


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left character (Arabic, Hebrew, ...)."""
    return _RTL_CHAR.search(text) is not None


def _unbroken(insert: str) -> str:
    return insert.replace(" ", "\u00a0") if len(insert) <= KEEP_TOGETHER else insert


def isolate_ltr(text: str) -> str:
    """A left-to-right value (a phone number, an e-mail address) kept in its order inside
    right-to-left text."""
    return LRI + text + PDI


def format_partial_date(value: PartialDate, tag: str) -> str:
    """A date at its own precision: ``26 juin 2018``, ``mai 2022``, ``2021``."""
    loc = locale(tag)
    if value.precision == "day":
        return str(format_date(value.first_day, "long", locale=loc))
    skeleton = "yMMMM" if value.precision == "month" else "y"
    return str(format_skeleton(skeleton, value.first_day, locale=loc))


def format_day(value: dt.date, tag: str) -> str:
    return format_partial_date(PartialDate.of(value), tag)


_SHORT_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def format_date_range(start: dt.date, end: dt.date | None, tag: str) -> str:
    """``3–4 décembre 2026``: CLDR's interval format, months at full width."""
    if end is None or end == start:
        return format_day(start, tag)
    loc = locale(tag)
    skeleton = match_skeleton("yMMMd", loc.interval_formats)
    formats = loc.interval_formats.get(skeleton) if skeleton else None
    start_fmt, end_fmt = DateTimeFormat(start, locale=loc), DateTimeFormat(end, locale=loc)
    for field in ("y", "M", "d"):
        if formats and field in formats and start_fmt.extract(field) != end_fmt.extract(field):
            return "".join(
                parse_date_pattern(_SHORT_MONTH.sub("MMMM", pattern)).apply(instant, loc)
                for pattern, instant in zip(formats[field], (start, end), strict=True)
            )
    return f"{format_day(start, tag)} – {format_day(end, tag)}"


def country_name(code: str, tag: str) -> str:
    return str(locale(tag).territories.get(code, code))


def format_countries(codes: Iterable[str], tag: str) -> str:
    """``États-Unis, Niger et Italie``: territory names joined by the locale's list pattern."""
    names = [country_name(code, tag) for code in codes]
    return str(format_list(names, locale=locale(tag))) if names else ""


def format_number(value: float, tag: str) -> str:
    return str(format_decimal(value, locale=locale(tag)))


def catalog_dir(templates: Path) -> Path:
    return templates / "locale"


def translations(locale_dir: Path, tag: str) -> NullTranslations:
    """Gettext translations for ``tag`` from ``<locale_dir>/<lang>/LC_MESSAGES/messages.po``.

    Catalogs are compiled in memory from the ``.po`` files, so no compiled ``.mo`` can be
    stale; the closest fallback (``ar_MA`` -> ``ar``) is used.
    """
    return _translations(str(locale_dir), tag)


@lru_cache(maxsize=32)
def _translations(locale_dir: str, tag: str) -> NullTranslations:
    for candidate in fallbacks(tag):
        po_path = Path(locale_dir) / candidate / "LC_MESSAGES" / "messages.po"
        if po_path.is_file():
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=candidate)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(buffer)
    return NullTranslations()


def has_catalog(locale_dir: Path, tag: str) -> bool:
    return any(
        (locale_dir / candidate / "LC_MESSAGES" / "messages.po").is_file()
        for candidate in fallbacks(tag)
    )
