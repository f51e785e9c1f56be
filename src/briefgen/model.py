"""The fact base and pack contract: validated, frozen types, no I/O.

Pydantic checks the shape of each file (fields, types, dates, codes, text safety);
:mod:`briefgen.validate` checks what spans fields and files (translations,
references, placeholders).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from briefgen import i18n, placeholders
from briefgen.dates import PartialDate, parse_full_date, parse_partial_date

KINDS = ("position", "principle", "membership", "event", "role", "figure")
Kind = Literal["position", "principle", "membership", "event", "role", "figure"]
DocumentName = Literal[
    "briefing-note", "talking-points", "fact-sheet", "briefing-book", "briefing-html"
]
# What a pack builds when it does not list its documents; the others are opted in.
DOCUMENT_NAMES: tuple[DocumentName, ...] = ("briefing-note", "talking-points", "fact-sheet")


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


class SourceStamps(Strict):
    """Which version of the source text each translation of a source's texts was made from."""

    title: Stamps = Field(default_factory=dict)
    place: Stamps = Field(default_factory=dict)


class Source(Strict):
    id: Slug
    title: Text | Localized = Field(
        description="the title; an untitled document gets a description in square brackets, "
        "'[Note on ...]', printed upright"
    )
    publisher: Text | None = None
    date: PDate | None = None
    place: Text | Localized | None = Field(None, description="where the source was issued")
    url: Url | None = None
    translated_from: SourceStamps | None = None


class FactStamps(Strict):
    """Which version of the source text each translation of a fact was made from:
    field -> language -> hash of the source-language text."""

    text: Stamps = Field(default_factory=dict)
    talking_point: Stamps = Field(default_factory=dict)
    if_raised: Stamps = Field(default_factory=dict)
    label: Stamps = Field(default_factory=dict)


class Fact(Strict):
    id: Slug
    kind: Kind
    text: FactText
    date: PDate | None = None
    countries: tuple[Country, ...] = ()
    value: Annotated[int | float, AfterValidator(check_value)] | None = None
    tags: tuple[Text, ...] = ()
    talking_point: FactText | None = None
    if_raised: FactText | None = Field(
        None, description="a defensive line, said only if the counterpart raises the subject"
    )
    label: Localized | None = Field(
        None, description="a short caption (a few words) for the fact sheet's timeline and key "
        "figures"
    )
    section: Slug | None = Field(None, description="the id of one of the base's `sections:`")
    sources: tuple[Slug, ...] = ()
    verified: PDate | None = None
    fact_sheet: bool = Field(True, description="false keeps the fact off the one-page fact sheet")
    translated_from: FactStamps | None = Field(
        None, description="which version of the source text each translation was made from "
        "(written by `briefgen translate stamp` and `import`)"
    )


class BaseStamps(Strict):
    """Which version of the source text each translation of the base's own texts was made
    from."""

    title: Stamps = Field(default_factory=dict)
    place: Stamps = Field(default_factory=dict)
    sections: dict[Slug, Stamps] = Field(default_factory=dict)


class PersonStamps(Strict):
    """Which version of the source text each translation of a person's texts was made from."""

    name: Stamps = Field(default_factory=dict)
    title: Stamps = Field(default_factory=dict)
    organization: Stamps = Field(default_factory=dict)


class Person(Strict):
    """Someone the minister meets, or who goes with the minister: a biography's facts."""

    id: Slug
    name: Text | Localized = Field(description="localized where the script differs")
    title: Text | Localized | None = Field(None, description="the post held, e.g. a minister")
    organization: Text | Localized | None = None
    country: Country | None = None
    photo: Text | None = Field(
        None, description="a PNG or JPEG inside the project, relative to the fact base's "
        "folder (at most 5 MB and 6000 pixels a side; never fetched)"
    )
    bio: tuple[Fact, ...] = Field(
        (), description="dated, sourced facts: posts held (kind role), previous meetings with "
        "us (kind event)"
    )
    verified: PDate | None = None
    translated_from: PersonStamps | None = Field(
        None, description="which version of the source text each translation of the name, "
        "title and organization was made from (written by `briefgen translate`)"
    )


class FactBase(Strict):
    id: Slug
    title: Localized
    subject: Country
    as_of: PDate
    languages: tuple[Language, ...] = Field(min_length=1)
    source_language: Language | None = Field(
        None, description="the language the texts are written in and translated from "
        "(default: the first of `languages`)"
    )
    place: Localized | None = None
    sections: dict[Slug, Localized] = Field(
        default_factory=dict,
        description="headings of the background, id -> localized heading, in reading order",
    )
    translated_from: BaseStamps | None = Field(
        None, description="which version of the source text each translation of the title, "
        "place and headings was made from (written by `briefgen translate`)"
    )
    sources: tuple[Source, ...] = ()
    facts: tuple[Fact, ...] = ()
    people: tuple[Person, ...] = ()

    @model_validator(mode="after")
    def _has_content(self) -> FactBase:
        if not self.facts and not self.people:
            raise ValueError("a fact base needs facts: (or people:)")
        return self


class Meeting(Strict):
    title: Localized
    date: Day
    end: Day | None = None
    place: Localized | None = None
    counterpart: Country | None = None
    previous: Day | None = None

    @property
    def last_day(self) -> dt.date:
        """The day the meeting ends (its only day, unless it has an ``end``)."""
        return self.end or self.date


class Staff(Strict):
    """Who drafted a brief, or cleared it."""

    name: Text
    unit: Text | Localized | None = None


class Drafter(Staff):
    contact: Text | None = Field(None, description="a phone number or e-mail address, as text")


Fingerprint = Annotated[
    str, Field(pattern=r"^[0-9a-f]{16}$", description="a hash of the content cleared in a "
               "language (written by `briefgen clear`)")
]


class Clearance(Staff):
    date: Day
    fingerprint: dict[Language, Fingerprint] | None = Field(
        None, description="what was cleared: a hash of the pack's content in each language, "
        "written by `briefgen clear` (a change to the content voids the clearance)"
    )
    commit: Annotated[str, Field(pattern=r"^[0-9a-f]{7,64}$")] | None = Field(
        None, description="the git commit of the content cleared (written by `briefgen clear`)"
    )


class Participants(Strict):
    """The two delegations: ids of people of the pack's fact bases."""

    theirs: tuple[Slug, ...] = ()
    ours: tuple[Slug, ...] = ()


Status = Literal["draft", "cleared"]


class Pack(Strict):
    id: Slug
    meeting: Meeting
    languages: tuple[Language, ...] = Field(min_length=1)
    classification: Localized
    facts: tuple[Slug, ...] = Field(min_length=1, description="ids of the fact bases to draw from")
    reference: Text | None = Field(
        None, description="the document reference printed on every page, e.g. DAAO/2026/0412"
    )
    status: Status = Field("draft", description="draft: watermarked; cleared: clearance line")
    drafted_by: Drafter | None = None
    clearance: tuple[Clearance, ...] = ()
    participants: Participants = Participants()
    counterpart_person: Slug | None = Field(
        None, description="the id of the person the minister meets (first of 'theirs')"
    )
    purpose: Localized | None = None
    objectives: tuple[Localized, ...] = Field(
        (), description="what we want from this meeting, one localized text each"
    )
    tags: tuple[Text, ...] = ()
    documents: tuple[DocumentName, ...] = DOCUMENT_NAMES
    issued: Day | None = Field(None, description="date of issue printed on the documents")
    max_age_days: int | None = Field(
        None, ge=1, description="facts older than this at the meeting are flagged by `check` "
        "(365 when not set) and counted in a notice on the documents (only when set)"
    )
    labels_fallback: Language | None = Field(
        None, description="print the labels (headings...) of a language that has no catalog "
        "in this language instead, e.g. en",
    )
    numbering: Annotated[str, AfterValidator(check_numbering)] | None = Field(
        None, description="the digits of every number: a CLDR numbering system such as latn, "
        "arab or arabext (default: the locale's own)",
    )
    allow_outdated_translations: bool = Field(
        True, description="false: refuse to build while a text the pack shows has an "
        "outdated translation"
    )

    def issue_date(self, today: dt.date) -> dt.date:
        """The date the documents print: the pack's ``issued``, else ``today``."""
        return self.issued or today


# The rules a pack draws its facts by, and how old a fact may be at its meeting: the check,
# the translation status and the documents all go by these.

DEFAULT_MAX_AGE_DAYS = 365  # how old a fact may be at the meeting when a pack sets no limit


def selected_facts(pack: Pack, base: FactBase) -> list[Fact]:
    """The facts of ``base`` that ``pack`` draws: all, or those sharing one of its tags."""
    if not pack.tags:
        return list(base.facts)
    wanted = set(pack.tags)
    return [fact for fact in base.facts if wanted & set(fact.tags)]


def reference_date(item: Fact | Person, base: FactBase) -> PartialDate:
    """The date a fact or a biography was last known true: when verified, else its base's
    ``as_of``."""
    return item.verified or base.as_of


def age_at_meeting(item: Fact | Person, base: FactBase, pack: Pack) -> int:
    """Days from the item's reference date (the last day its precision allows) to the
    pack's meeting: a fact's age is counted up to the meeting, never to today."""
    return (pack.meeting.date - reference_date(item, base).last_day).days


def max_age(pack: Pack) -> int:
    """How old a fact may be at the pack's meeting: its ``max_age_days``, else 365."""
    return pack.max_age_days or DEFAULT_MAX_AGE_DAYS


def is_stale(item: Fact | Person, base: FactBase, pack: Pack) -> bool:
    """Whether the item is older at the meeting than the pack allows."""
    return age_at_meeting(item, base, pack) > max_age(pack)
