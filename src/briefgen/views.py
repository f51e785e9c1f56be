"""The view every document template fills: one pack in one language, plain, frozen and
already localized (:func:`briefgen.context.pack_view` works it out). Templates only lay
it out; they never format a date or look up a name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from briefgen.dates import PartialDate

# Background sections of the briefing note, in reading order: each kind's group. A fact
# base may name its own sections (`sections:`); each takes the place of its first fact's kind.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("position", ("position",)),
    ("principle", ("principle",)),
    ("membership", ("membership", "role")),
    ("event", ("event",)),
    ("figure", ("figure",)),
)
# How alike (difflib's ratio over words) a talking point and its fact's text are when the
# point repeats the fact: "supports ... on its five axes" and "supports ... at the levels of
# the five axes" are 0.8.
REPEAT_RATIO = 0.7
KIND_RANK = {kind: rank for rank, (_, kinds) in enumerate(SECTIONS) for kind in kinds}
KIND_GROUP = {kind: name for name, kinds in SECTIONS for kind in kinds}


@dataclass(frozen=True)
class SourceView:
    number: int
    id: str
    base_id: str
    title: str
    publisher: str | None
    date_label: str | None
    url: str | None
    place: str | None = None
    label: str = ""  # the number as printed, in the document's digits

    @property
    def is_description(self) -> bool:
        """A bracketed description of an untitled document: printed upright, not as a title."""
        return self.title.startswith("[") and self.title.endswith("]")


@dataclass(frozen=True)
class FactView:
    id: str
    base_id: str
    kind: str
    text: str
    talking_point: str | None
    if_raised: str | None
    label: str | None
    section: str | None
    date: PartialDate | None
    date_label: str | None
    countries: tuple[str, ...]
    countries_label: str | None
    value: float | None
    value_label: str | None
    tags: tuple[str, ...]
    sources: tuple[SourceView, ...]
    verified: PartialDate | None
    is_new: bool
    on_fact_sheet: bool
    names_countries: bool = False  # the text names the countries (a {countries...} placeholder)
    marking: str | None = None  # the paragraph's classification prefix, e.g. "DR"
    marking_level: int | None = None  # its rank in the pack's markings (lowest 0)

    @property
    def source_numbers(self) -> tuple[int, ...]:
        return tuple(source.number for source in self.sources)

    @property
    def source_labels(self) -> tuple[str, ...]:
        """The source numbers as printed, in the document's digits."""
        return tuple(source.label or str(source.number) for source in self.sources)

    @property
    def repeats_talking_point(self) -> bool:
        """Whether the talking point says the fact in nearly the same words (then the
        background refers to the key message instead of printing it twice)."""
        if not self.talking_point:
            return False
        matcher = SequenceMatcher(None, self.text.casefold().split(),
                                  self.talking_point.casefold().split(), autojunk=False)
        return matcher.ratio() >= REPEAT_RATIO

    @property
    def text_shows_date(self) -> bool:
        """Whether the text already says the fact's date (then nothing prints it again)."""
        return self.date_label is not None and " ".join(self.date_label.split()) in " ".join(
            self.text.split())


@dataclass(frozen=True)
class Markings:
    """The classification levels a pack's facts may carry, lowest first: the page marking
    each calls for, and the pack's own level and classification."""

    labels: tuple[str, ...]
    own_level: int | None
    own: str

    def page(self, levels: Iterable[int | None]) -> str:
        """The marking of a page that shows facts of ``levels``: the highest of them when it
        is above the pack's own level, else the pack's classification."""
        top = max((level for level in levels if level is not None), default=None)
        if top is None or (self.own_level is not None and top <= self.own_level):
            return self.own
        return self.labels[top]


@dataclass(frozen=True)
class Section:
    """A group of the background: a kind's group (``title`` None: the template labels it)
    or a section the fact base names (``title`` its localized heading)."""

    kind: str
    facts: tuple[FactView, ...]
    title: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Line:
    """A numbered line of one series: a key message (numbered 1, 2, ... in every document)
    or a line to take if a subject is raised (its own series, lettered A, B, ...: ``label``
    is the marker as printed, in the document's digits or letters). A line the pack's
    ``they_may_raise`` gives has no fact but a ``point``: what they may raise."""

    number: int
    fact: FactView | None
    text: str
    label: str = ""
    point: str | None = None

    @property
    def fact_key(self) -> str:
        return f"{self.fact.base_id}/{self.fact.id}" if self.fact else ""


@dataclass(frozen=True)
class Routing:
    """Where the note goes: the sender's letterhead (lines of text, or an image as a data:
    URI), the addressee, through whom ('sous couvert de'), and the place it is written."""

    letterhead: tuple[str, ...] = ()
    letterhead_image: str | None = None
    to: str | None = None
    via: tuple[str, ...] = ()
    place: str | None = None


@dataclass(frozen=True)
class PersonView:
    name: str
    unit: str | None
    contact: str | None = None
    date_label: str | None = None

    def label(self, separator: str = ", ") -> str:
        """``Name (unit, contact)``, joined with the language's ``separator``."""
        details = separator.join(part for part in (self.unit, self.contact) if part)
        return f"{self.name} ({details})" if details else self.name


@dataclass(frozen=True)
class PersonEntry:
    """Someone of a delegation, localized: name, post, photo, and a short dated biography
    (posts held, then previous meetings with us, newest first), sourced like any fact."""

    id: str
    base_id: str
    name: str
    title: str | None
    organization: str | None
    country_name: str | None
    photo: str | None  # a data: URI of the re-encoded photo
    career: tuple[FactView, ...]
    meetings: tuple[FactView, ...]

    @property
    def has_biography(self) -> bool:
        return bool(self.career or self.meetings or self.photo)

    def post(self, separator: str = ", ") -> str:
        """``title, organization``, as far as known."""
        return separator.join(part for part in (self.title, self.organization) if part)


@dataclass(frozen=True)
class Staleness:
    """Facts older than the pack's ``max_age_days`` at the meeting: how many, the oldest.
    The counts choose the plural forms; their labels print them in the pack's digits."""

    count: int
    max_age_days: int
    oldest_label: str
    count_label: str = ""  # the numbers as printed, in the document's digits
    max_age_label: str = ""


@dataclass(frozen=True)
class BaseView:
    id: str
    title: str
    subject: str
    subject_name: str
    as_of: PartialDate
    as_of_label: str
    place: str | None


@dataclass(frozen=True)
class PackView:
    """One pack in one language, ready to lay out."""

    id: str
    lang: str
    locale: str  # the locale its texts are formatted in: lang, or the project's variant
    html_lang: str
    dir: str
    classification: str
    reference: str | None
    status: str
    drafted_by: PersonView | None
    clearance: tuple[PersonView, ...]
    title: str
    date: dt.date
    end: dt.date | None
    date_label: str
    place: str | None
    counterpart: str | None
    counterpart_name: str | None
    purpose: str | None
    objectives: tuple[str, ...]
    previous: dt.date | None
    previous_label: str | None
    issued: dt.date
    issued_label: str
    as_of_label: str
    bases: tuple[BaseView, ...]
    facts: tuple[FactView, ...]
    sections: tuple[Section, ...]
    since_previous: tuple[FactView, ...]
    sources: tuple[SourceView, ...]
    subject_names: str
    key_messages: tuple[Line, ...] = ()
    if_raised: tuple[Line, ...] = ()
    meeting_type: str = "bilateral"  # bilateral, multilateral, call, visit: the labels follow
    summary: str | None = None
    their_objectives: tuple[str, ...] = ()
    press_line: str | None = None
    routing: Routing | None = None
    counterpart_person: PersonEntry | None = None
    theirs: tuple[PersonEntry, ...] = ()
    staleness: Staleness | None = None
    ours: tuple[PersonEntry, ...] = ()
    fact_ids: tuple[str, ...] = field(default=())
    labels: str = ""  # the language of the labels: ``lang``, or the pack's labels_fallback
    numbering: str = "latn"  # the digits of every number: a CLDR numbering system
    hyphenation_lang: str = ""  # the PDFs' language, its region given (en-US): hyphenation
    unbroken: tuple[str, ...] = ()  # the names a line never breaks inside (linebreaks)
    markings: Markings | None = None  # when the pack marks its facts' paragraphs

    def classification_of(self, facts: Iterable[FactView]) -> str:
        """The page marking of a document that shows only ``facts`` (the fact sheet): the
        highest of theirs, as :attr:`classification` is of every fact the pack draws."""
        if self.markings is None:
            return self.classification
        return self.markings.page(fact.marking_level for fact in facts)

    @property
    def labels_lang(self) -> str:
        return self.labels or self.lang

    @property
    def key_message_numbers(self) -> dict[str, str]:
        """``base/id`` of each fact said as a key message -> its number as printed."""
        return {line.fact_key: line.label or str(line.number) for line in self.key_messages}

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def biographies(self) -> tuple[PersonEntry, ...]:
        """Their delegation's biographies, the counterpart first."""
        return tuple(person for person in self.theirs if person.has_biography)

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(f"{source.base_id}/{source.id}" for source in self.sources)
