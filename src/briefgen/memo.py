"""What a ministry's memo carries besides the facts, as the pack declares it: who drafted
and cleared it, where it goes (letterhead, addressee, routing, "place, date"), the kind of
meeting, their side (objectives, what they may raise and our response), the bottom line and
the press line. Validated, frozen shapes; no I/O (:mod:`briefgen.model` holds the pack)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from briefgen.fields import Day, Language, Localized, Slug, Strict, Text

MeetingType = Literal["bilateral", "multilateral", "call", "visit"]
MEETING_TYPES: tuple[MeetingType, ...] = ("bilateral", "multilateral", "call", "visit")

# The bottom line is read first: at most this many lines in the note's summary box.
SUMMARY_MAX_LINES = 4


class Staff(Strict):
    """Who drafted a brief, or cleared it: a ``person`` of the pack's fact bases (their
    name then prints in each document's language), or a ``name``."""

    name: Text | None = Field(None, description="the name as printed in every language")
    person: Slug | None = Field(
        None, description="the id of a person under 'people:' in the pack's fact bases: the "
        "name (and, without a unit, the post) print in each language"
    )
    unit: Text | Localized | None = None

    @model_validator(mode="after")
    def _named(self) -> Staff:
        if (self.name is None) == (self.person is None):
            raise ValueError("give either name: (as printed) or person: (an id under people:)")
        return self


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


class Marking(Strict):
    """A classification level a paragraph may carry: its short prefix ("DR", "SBU") and the
    page marking it calls for ("DIFFUSION RESTREINTE"). A pack lists them lowest first."""

    id: Slug
    short: Localized = Field(description="the paragraph prefix, printed in parentheses")
    label: Localized = Field(description="the page marking, when a fact of this level is shown")


class Raised(Strict):
    """A subject they may raise: the point (a question or a situation) and our response."""

    point: Localized
    response: Localized


class Routing(Strict):
    """Where the note goes, as French administrative notes and UK submissions print it."""

    letterhead: Localized | None = Field(
        None, description="the sender's letterhead (ministry, directorate), one line each"
    )
    letterhead_image: Text | None = Field(
        None, description="a PNG, JPEG or SVG letterhead in the project's templates/ folder "
        "(printed instead of the text)"
    )
    to: Localized | None = Field(None, description="the addressee")
    via: tuple[Localized, ...] = Field(
        (), description="through whom it goes ('sous couvert de'), first to last"
    )
    place: Localized | None = Field(
        None, description="where the note is written: the 'place, date' line"
    )
