"""The field types every file's shapes are made of: partial dates and days, texts that may
go into a document (no control, bidi or surrogate character), country codes, URLs,
figures in range, placeholders that parse, language codes, slugs; and the strict base
model (no unknown key, frozen). :mod:`briefgen.model` and :mod:`briefgen.memo` build on them."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from briefgen import i18n, placeholders
from briefgen.dates import PartialDate, parse_full_date, parse_partial_date

_DATE_SCHEMA = {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
PDate = Annotated[
    PartialDate,
    BeforeValidator(parse_partial_date),
    PlainSerializer(PartialDate.isoformat, return_type=str),
    WithJsonSchema(_DATE_SCHEMA),
]
Day = Annotated[
    dt.date,
    BeforeValidator(parse_full_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]

# Characters that cannot go into a PDF or DOCX, or that reorder text behind the reader's
# back: C0/C1 controls (tab and newline are fine), lone surrogates, bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_BIDI_CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


# The same characters, for a fast first look (most texts hold none).
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff\ufffe\uffff]")


def forbidden_character(text: str) -> str | None:
    """Describe the first character of ``text`` that may not appear in a document."""
    if FORBIDDEN.search(text) is None:
        return None
    for char in text:
        code = ord(char)
        if char in "\n\t":
            continue
        if char in _BIDI_CONTROLS:
            name = unicodedata.name(char, "bidi control")
            return f"bidi control character U+{code:04X} ({name}), which reorders text"
        if code < 0x20 or 0x7F <= code < 0xA0:
            return f"control character U+{code:04X}"
        if 0xD800 <= code < 0xE000:
            return f"lone surrogate U+{code:04X}"
        if code in (0xFFFE, 0xFFFF):
            return f"non-character U+{code:04X}"
    return None


def check_text(text: str) -> str:
    problem = forbidden_character(text)
    if problem:
        raise ValueError(f"text contains a {problem}; remove it (it was probably pasted)")
    return text


MAX_VALUE = 10**15  # a figure bigger than this is a typo (world GDP is about 10^14 USD)


def check_value(value: float) -> float:
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        raise ValueError(f"{value:g} is out of range: figures go from -10^15 to 10^15")
    return value


def check_url(text: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.IGNORECASE):
        raise ValueError(f"'{text}' is not an http(s) URL")
    return text


# CLDR territories that are not countries: unknown region, outlying Oceania, EU, euro
# area, United Nations, pseudo-locales.
_NOT_COUNTRIES = {"ZZ", "QO", "EU", "EZ", "UN", "XA", "XB"}


def check_country(code: str) -> str:
    from babel import Locale

    if (
        not re.fullmatch(r"[A-Z]{2}", code)
        or code in _NOT_COUNTRIES
        or code not in Locale("en").territories
    ):
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code (e.g. MA, FR, US)")
    return code


def check_placeholders(text: str) -> str:
    placeholders.parse(text)
    return text


def check_numbering(system: str) -> str:
    problem = i18n.check_numbering(system)
    if problem:
        raise ValueError(problem)
    return system


Text = Annotated[str, AfterValidator(check_text)]
Slug = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="lower-case letters, digits, '-'")
]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})*$")]
Localized = dict[Language, Text]
FactText = dict[Language, Annotated[Text, AfterValidator(check_placeholders)]]
Country = Annotated[str, AfterValidator(check_country)]
Url = Annotated[str, AfterValidator(check_url)]
SourceHash = Annotated[
    str, Field(pattern=r"^[0-9a-f]{8}$", description="a short hash of the source text "
               "(written by `briefgen translate`)")
]
Stamps = dict[Language, SourceHash]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
