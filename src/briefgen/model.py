"""The fact base and pack contract: validated, frozen types, no I/O.

Pydantic checks the shape of each file (fields, types, dates, codes, text safety);
:mod:`briefgen.validate` checks what spans fields and files (translations,
references, placeholders).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from briefgen.dates import PartialDate
from briefgen.fields import (
    Country,
    Day,
    FactText,
    Language,
    Localized,
    PDate,
    Slug,
    Stamps,
    Strict,
    Text,
    Url,
    check_numbering,
    check_value,
)
from briefgen.memo import Clearance, Drafter, Marking, MeetingType, Raised, Routing

KINDS = ("position", "principle", "membership", "event", "role", "figure")
Kind = Literal["position", "principle", "membership", "event", "role", "figure"]
DocumentName = Literal[
    "briefing-note", "talking-points", "fact-sheet", "briefing-book", "briefing-html"
]
# The documents whose pages `max_pages` counts: the PDFs laid out by page.
PagedDocument = Literal["briefing-note", "fact-sheet", "briefing-book"]
PAGED: tuple[PagedDocument, ...] = ("briefing-note", "fact-sheet", "briefing-book")
# What a pack builds when it does not list its documents; the others are opted in.
DOCUMENT_NAMES: tuple[DocumentName, ...] = ("briefing-note", "talking-points", "fact-sheet")


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
    label: FactText | None = Field(
        None, description="a short caption (a few words) for the fact sheet's timeline and key "
        "figures; its placeholders print as in the text ({countries}, {date}, {value})"
    )
    section: Slug | None = Field(None, description="the id of one of the base's `sections:`")
    sources: tuple[Slug, ...] = ()
    verified: PDate | None = None
    fact_sheet: bool = Field(True, description="false keeps the fact off the one-page fact sheet")
    marking: Slug | None = Field(
        None, description="the fact's classification: the id of one of the pack's markings:, "
        "printed as a prefix, e.g. (DR); the page marking is the highest shown"
    )
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
    type: MeetingType = Field(
        "bilateral", description="bilateral talks, a multilateral meeting, a call or a visit: "
        "the documents' labels follow it"
    )

    @property
    def last_day(self) -> dt.date:
        """The day the meeting ends (its only day, unless it has an ``end``)."""
        return self.end or self.date


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
    summary: Localized | None = Field(
        None, description="the bottom line, read first: at most four lines, in a box at the "
        "top of the note, the book's cover and the HTML brief"
    )
    purpose: Localized | None = None
    objectives: tuple[Localized, ...] = Field(
        (), description="what we want from this meeting, one localized text each"
    )
    their_objectives: tuple[Localized, ...] = Field(
        (), description="what they want from this meeting, one localized text each"
    )
    they_may_raise: tuple[Raised, ...] = Field(
        (), description="what they may raise (a question or a situation: point) and our "
        "answer (response)"
    )
    press_line: Localized | None = Field(
        None, description="what may be said publicly about the meeting"
    )
    routing: Routing | None = Field(
        None, description="letterhead, addressee, 'sous couvert de' and the 'place, date' line"
    )
    markings: tuple[Marking, ...] = Field(
        (), description="the classification levels the facts may carry (marking:), lowest "
        "first: each fact prints its level's prefix, and the page marking is the highest shown"
    )
    marking: Slug | None = Field(
        None, description="the level of the pack's own classification: (an id of markings:); "
        "a fact above it raises the page marking; a fact without one is printed at it"
    )
    max_pages: dict[DocumentName, Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict, description="the most pages each document may run to, checked "
        "by `briefgen check` (e.g. briefing-note: 2)"
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
