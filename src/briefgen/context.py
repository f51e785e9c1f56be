"""Select a pack's facts and localize them: the view every document template fills.

A :class:`PackView` is plain, frozen, already-localized data for one pack in one
language. Templates only lay it out; they never format a date or look up a name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from briefgen import grammar, i18n, placeholders
from briefgen.model import Fact, FactBase, Pack, PartialDate, Source
from briefgen.templating import Templates

if TYPE_CHECKING:
    from briefgen.load import Project

# Background sections of the briefing note, in reading order.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("position", ("position",)),
    ("principle", ("principle",)),
    ("membership", ("membership", "role")),
    ("event", ("event",)),
    ("figure", ("figure",)),
)


@dataclass(frozen=True)
class SourceView:
    number: int
    id: str
    base_id: str
    title: str
    publisher: str | None
    date_label: str | None
    url: str | None
    label: str = ""  # the number as printed, in the document's digits


@dataclass(frozen=True)
class FactView:
    id: str
    base_id: str
    kind: str
    text: str
    talking_point: str | None
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

    @property
    def source_numbers(self) -> tuple[int, ...]:
        return tuple(source.number for source in self.sources)

    @property
    def source_labels(self) -> tuple[str, ...]:
        """The source numbers as printed, in the document's digits."""
        return tuple(source.label or str(source.number) for source in self.sources)


@dataclass(frozen=True)
class Section:
    kind: str
    facts: tuple[FactView, ...]


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
    html_lang: str
    dir: str
    classification: str
    title: str
    date: dt.date
    end: dt.date | None
    date_label: str
    place: str | None
    counterpart: str | None
    counterpart_name: str | None
    purpose: str | None
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
    fact_ids: tuple[str, ...] = field(default=())
    labels: str = ""  # the language of the labels: ``lang``, or the pack's labels_fallback
    numbering: str = "latn"  # the digits of every number: a CLDR numbering system

    @property
    def labels_lang(self) -> str:
        return self.labels or self.lang

    @property
    def key_messages(self) -> tuple[FactView, ...]:
        return tuple(fact for fact in self.facts if fact.talking_point)

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(f"{source.base_id}/{source.id}" for source in self.sources)


def selected_facts(pack: Pack, base: FactBase) -> list[Fact]:
    """The facts of ``base`` that ``pack`` draws: all, or those sharing one of its tags."""
    if not pack.tags:
        return list(base.facts)
    wanted = set(pack.tags)
    return [fact for fact in base.facts if wanted & set(fact.tags)]


def pack_view(project: Project, pack_id: str, lang: str, issued: dt.date) -> PackView:
    """Localize pack ``pack_id`` in ``lang``; the project is already validated."""
    pack = project.packs[pack_id].model
    bases = [project.bases[base_id].model for base_id in pack.facts]
    meeting = pack.meeting
    names = grammar.grammar_for(project.templates, lang)
    digits = i18n.numbering_system(lang, pack.numbering)
    facts = [
        _fact_view(fact, base, lang, meeting.previous, names, digits)
        for base in bases
        for fact in selected_facts(pack, base)
    ]
    sections = _sections(facts)
    facts, sections, sources = _number_sources(facts, sections, digits)
    since = sorted(
        (fact for fact in facts if fact.is_new),
        key=lambda fact: _newest(fact),
        reverse=True,
    )
    as_of = max(base.as_of for base in bases)
    return PackView(
        id=pack.id,
        lang=lang,
        html_lang=lang.replace("_", "-"),
        dir=i18n.direction(lang),
        classification=_text(pack.classification, lang),
        title=_text(meeting.title, lang),
        date=meeting.date,
        end=meeting.end,
        date_label=i18n.format_date_range(meeting.date, meeting.end, lang, digits),
        place=_text(meeting.place, lang) if meeting.place else None,
        counterpart=meeting.counterpart,
        counterpart_name=(
            i18n.country_name(meeting.counterpart, lang) if meeting.counterpart else None
        ),
        purpose=_text(pack.purpose, lang) if pack.purpose else None,
        previous=meeting.previous,
        previous_label=(
            i18n.format_day(meeting.previous, lang, digits) if meeting.previous else None
        ),
        issued=issued,
        issued_label=i18n.format_day(issued, lang, digits),
        as_of_label=i18n.format_partial_date(as_of, lang, digits),
        bases=tuple(_base_view(base, lang, digits) for base in bases),
        facts=tuple(facts),
        sections=sections,
        since_previous=tuple(since),
        sources=tuple(sources),
        subject_names=names.countries(list(dict.fromkeys(b.subject for b in bases)), None, lang),
        fact_ids=tuple(f"{fact.base_id}/{fact.id}" for fact in facts),
        labels=labels_language(project, pack, lang),
        numbering=digits,
    )


def labels_language(project: Project, pack: Pack, lang: str) -> str:
    """The language whose catalog gives the labels: ``lang``, or the pack's
    ``labels_fallback`` when no catalog has ``lang`` (validation allows nothing else)."""
    if pack.labels_fallback and not Templates(project.templates).has_catalog(lang):
        return pack.labels_fallback
    return lang


def _text(text: str | dict[str, str], lang: str) -> str:
    value = i18n.pick(text, lang)
    assert value is not None, "validation guarantees every language"
    return value


def _base_view(base: FactBase, lang: str, digits: str) -> BaseView:
    return BaseView(
        id=base.id,
        title=_text(base.title, lang),
        subject=base.subject,
        subject_name=i18n.country_name(base.subject, lang),
        as_of=base.as_of,
        as_of_label=i18n.format_partial_date(base.as_of, lang, digits),
        place=_text(base.place, lang) if base.place else None,
    )


def _fact_view(fact: Fact, base: FactBase, lang: str, previous: dt.date | None,
               names: grammar.Grammar, digits: str) -> FactView:
    text = _text(fact.text, lang)
    talking_point = _text(fact.talking_point, lang) if fact.talking_point else None
    values = _values(fact, base, lang, names, digits, [text, talking_point or ""])
    return FactView(
        id=fact.id,
        base_id=base.id,
        kind=fact.kind,
        text=placeholders.fill(text, values),
        talking_point=placeholders.fill(talking_point, values) if talking_point else None,
        date=fact.date,
        date_label=values["date"],
        countries=fact.countries,
        countries_label=values["countries"],
        value=fact.value,
        value_label=values["value"],
        tags=fact.tags,
        sources=tuple(
            _source_view(source, base, lang, digits)
            for ref in fact.sources for source in base.sources
            if source.id == ref
        ),
        verified=fact.verified,
        is_new=previous is not None and _is_after(fact, previous),
        on_fact_sheet=fact.fact_sheet,
        names_countries="countries" in placeholders.names(text),
    )


def _values(fact: Fact, base: FactBase, lang: str, names: grammar.Grammar, digits: str,
            texts: list[str]) -> dict[str, str | None]:
    """The value of every placeholder the texts use, in its grammatical form."""
    values: dict[str, str | None] = {
        "date": i18n.format_partial_date(fact.date, lang, digits) if fact.date else None,
        "countries": names.countries(fact.countries, None, lang) if fact.countries else None,
        "subject": names.name(base.subject, "bare", lang),
        "value": (
            i18n.format_number(fact.value, lang, digits) if fact.value is not None else None
        ),
    }
    for used in {used for text in texts for used in placeholders.fields(text)}:
        codes = fact.countries if used.name == "countries" else (base.subject,)
        if used.form and codes:
            values[used.key] = names.countries(codes, used.form, lang)
    return values


def _source_view(source: Source, base: FactBase, lang: str, digits: str,
                 number: int = 0) -> SourceView:
    return SourceView(
        number=number,
        id=source.id,
        base_id=base.id,
        title=_text(source.title, lang),
        publisher=source.publisher,
        date_label=(
            i18n.format_partial_date(source.date, lang, digits) if source.date else None
        ),
        url=source.url,
    )


def _is_after(fact: Fact, previous: dt.date) -> bool:
    """Dated or verified after the previous meeting, for certain at the date's precision."""
    return any(d is not None and d.first_day > previous for d in (fact.date, fact.verified))


def _newest(fact: FactView) -> dt.date:
    return max(d.first_day for d in (fact.date, fact.verified) if d is not None)


def _sections(facts: list[FactView]) -> tuple[Section, ...]:
    sections = []
    for name, kinds in SECTIONS:
        members = [fact for fact in facts if fact.kind in kinds]
        if name == "event":
            members.sort(key=lambda fact: fact.date or PartialDate(9999))
        if members:
            sections.append(Section(name, tuple(members)))
    return tuple(sections)


def _number_sources(
    facts: list[FactView], sections: tuple[Section, ...], digits: str
) -> tuple[list[FactView], tuple[Section, ...], list[SourceView]]:
    """Number sources in order of first citation in the background, renumber the facts."""
    numbers: dict[tuple[str, str], int] = {}
    for section in sections:
        for fact in section.facts:
            for source in fact.sources:
                numbers.setdefault((source.base_id, source.id), len(numbers) + 1)

    def renumbered(fact: FactView) -> FactView:
        refs = tuple(
            replace(source, number=number, label=i18n.localize_digits(str(number), digits))
            for source in fact.sources
            if (number := numbers[(source.base_id, source.id)])
        )
        return replace(fact, sources=tuple(sorted(refs, key=lambda s: s.number)))

    by_id = {(fact.base_id, fact.id): renumbered(fact) for fact in facts}
    new_sections = tuple(
        Section(s.kind, tuple(by_id[(f.base_id, f.id)] for f in s.facts)) for s in sections
    )
    sources = sorted(
        {s.number: s for fact in by_id.values() for s in fact.sources}.values(),
        key=lambda s: s.number,
    )
    return [by_id[(f.base_id, f.id)] for f in facts], new_sections, sources
