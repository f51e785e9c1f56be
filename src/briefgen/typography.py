"""Per-language typography: text stored as typed, printed as a typographer of the language would.

People type straight quotes and plain spaces; the documents print, per language:

- apostrophes: ``'`` within or after a word becomes ``’`` (``l’État``, ``Morocco’s``);
- quotation marks: ``"…"`` becomes the language's own (``« … »`` in French, ``“ … ”`` in
  English, ``„ … “`` in German) and ``'…'`` its inner ones (``“ … ”``, ``‘ … ’``);
- French: a narrow no-break space (U+202F) inside guillemets and before ``; : ! ?`` (only
  before ``:`` in Canadian and Swiss French), and between digit groups typed with a space
  (``12 500``; never across a typed space after a year, ``en 2015 300 soldats``);
- every language: a no-break space between a number and its unit (``12 km``, ``86 %``,
  ``3 millions``) and inside a date (``26 juin``, ``June 26``), with the month names of the
  language from CLDR.

Only the languages in :data:`QUOTES` get the quotation and apostrophe rules: right-to-left
languages (Arabic, Hebrew, ...) keep the quotes they were typed with. URLs and e-mail
addresses inside a text are never changed. Applying :func:`typeset` twice changes nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space
# Outer and inner quotation marks (CLDR's quotationStart/End, alternateQuotationStart/End).
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "fr": ("«", "»", "“", "”"),
    "en": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "pt": ("“", "”", "‘", "’"),
}
FRENCH_SPACED = {"fr": ";:!?", "fr_CA": ":", "fr_CH": ":"}  # punctuation a space precedes
UNITS = (
    "%", "‰", "°C", "°F", "°", "€", "$", "£", "¥", "km²", "m²", "m³", "km", "cm", "mm", "m",
    "kg", "g", "t", "Mt", "ha", "h", "min", "s", "kW", "MW", "GW", "kWh", "MWh", "GWh",
    "million", "millions", "milliard", "milliards", "billion", "billions", "trillion",
    "trillions", "Md", "M", "k",
)
_PROTECTED = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_DECADE = re.compile(r"(?<!\w)'(?=\d\ds?\b)")  # the '90s
_QUOTED = re.compile(r"(?<!\w)'(?=\S)([^'\n]*?)(?<=\S)'(?!\w)")  # a 'quoted' span
_APOSTROPHE = re.compile(r"(?<=\w)'")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")  # l'Afrique, inside a 'quoted' span too
_UNIT = re.compile(
    r"(?<=\d) (" + "|".join(re.escape(unit) for unit in UNITS) + r")(?!\w)"
)


def typeset(text: str, lang: str) -> str:
    """``text`` as ``lang`` prints it (a language such as ``fr`` or a locale, ``fr_CA``)."""
    parts = []
    position = 0
    for match in _PROTECTED.finditer(text):
        parts.append(_typeset_plain(text[position:match.start()], lang))
        parts.append(match.group())
        position = match.end()
    parts.append(_typeset_plain(text[position:], lang))
    return "".join(parts)


def _typeset_plain(text: str, lang: str) -> str:
    language = lang.replace("-", "_").split("_")[0]
    if language in QUOTES:
        text = _quotes(text, *QUOTES[language])
    if language == "fr":
        text = _french_spacing(text, _french_spaced(lang))
    text = _UNIT.sub(lambda match: NBSP + match.group(1), text)
    return _date_spaces(text, lang)


def _quotes(text: str, opening: str, closing: str, inner_opening: str, inner_closing: str
            ) -> str:
    text = _DECADE.sub("’", text)
    text = _INNER_APOSTROPHE.sub("’", text)
    text = _QUOTED.sub(lambda match: inner_opening + match.group(1) + inner_closing, text)
    text = _APOSTROPHE.sub("’", text)
    return _pair(text, '"', (opening, inner_opening), (closing, inner_closing))


def _pair(text: str, straight: str, opening: tuple[str, str], closing: tuple[str, str]
          ) -> str:
    """Each ``straight`` mark opening (at the start, after a space or bracket) or closing;
    a quotation inside a quotation takes the inner marks (« il a parlé de “l’Afrique” »)."""
    out = []
    depth = 0
    for index, char in enumerate(text):
        if char == straight:
            before = text[index - 1] if index else " "
            if before.isspace() or before in "([{—–-/«“‘„‚" + opening[0] + opening[1]:
                char = opening[0] if depth == 0 else opening[1]
                depth += 1
            else:
                char = closing[0] if depth <= 1 else closing[1]
                depth = max(depth - 1, 0)
        out.append(char)
    return "".join(out)


def _french_spaced(lang: str) -> str:
    tag = lang.replace("-", "_")
    return FRENCH_SPACED.get(tag, FRENCH_SPACED["fr"])


def _french_spacing(text: str, spaced: str) -> str:
    """Narrow no-break spaces inside « » and before the high punctuation of ``spaced``."""
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NNBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NNBSP + "»", text)
    marks = re.escape(spaced)
    # Before the first of ``?!`` or ``;``: not after a space or another mark, nor in 10:30.
    pattern = rf"(?<=[^\s{marks}])[ \u00a0\u202f]*(?=[{marks}])(?!:\d)"
    return re.sub(pattern, NNBSP, _DIGIT_GROUPS.sub(_join_groups, text))


# A number typed with spaces between its groups of three (12 500, 1 000 000): its first
# group has one to three digits, so "En 2015 300 soldats" stays two numbers.
_DIGIT_GROUPS = re.compile(r"(?<![\d.,\u202f])\d{1,3}(?: \d{3})+(?![\d])")


def _join_groups(match: re.Match[str]) -> str:
    return match.group().replace(" ", NNBSP)


def _date_spaces(text: str, lang: str) -> str:
    months = _month_pattern(lang)
    if months is None:
        return text
    text = re.sub(rf"(?<!\d)(\d{{1,2}}(?:er)?) ({months})(?!\w)", rf"\1{NBSP}\2", text,
                  flags=re.IGNORECASE)
    return re.sub(rf"(?<!\w)({months}) (\d{{1,4}})(?!\d)", rf"\1{NBSP}\2", text,
                  flags=re.IGNORECASE)


@lru_cache(maxsize=64)
def _month_pattern(lang: str) -> str | None:
    """An alternation of ``lang``'s month names, longest first."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    names = {
        name
        for context in ("format", "stand-alone")
        for width in ("wide",)
        for name in locale.months[context][width].values()
    }
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
