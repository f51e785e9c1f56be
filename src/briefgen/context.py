"""Select a pack's facts and localize them: :func:`pack_view` makes the view every
document template fills (:mod:`briefgen.views`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from briefgen import (
    clearance,
    grammar,
    i18n,
    memoview,
    photos,
    placeholders,
)
from briefgen.dates import PartialDate
from briefgen.load import Loaded, Project
from briefgen.model import (
    Fact,
    FactBase,
    Pack,
    Person,
    Source,
    is_stale,
    max_age,
    reference_date,
    selected_facts,
)
from briefgen.templating import Templates
from briefgen.views import (
    KIND_GROUP,
    KIND_RANK,
    BaseView,
    FactView,
    PackView,
    PersonEntry,
    Section,
    SourceView,
    Staleness,
)


def pack_view(project: Project, pack_id: str, lang: str, issued: dt.date) -> PackView:
    """Localize pack ``pack_id`` in ``lang`` (in the project's variant of it: ``ar`` in
    ``ar_MA``); the project is already validated."""
    pack = project.packs[pack_id].model
    tag = project.locale(lang)
    every_base = [project.bases[base_id].model for base_id in pack.facts]
    bases = [base for base in every_base if base.facts] or every_base  # the subject's
    meeting = pack.meeting
    names = grammar.grammar_for(project.templates, tag)
    digits = i18n.numbering_system(tag, pack.numbering)
    facts = [
        _fact_view(fact, base, tag, meeting.previous, names, digits)
        for base in bases
        for fact in selected_facts(pack, base)
    ]
    prefixes, levels = memoview.markings(pack, bases, tag, digits)
    if prefixes:
        facts = [_marked(fact, prefixes.get((fact.base_id, fact.id))) for fact in facts]
    sections = _sections(facts, bases, tag, digits)
    theirs, ours = _delegations(project, pack, tag, names, digits)
    facts, sections, (theirs, ours), sources = _number_sources(
        facts, sections, (theirs, ours), digits)
    since = sorted(
        (fact for fact in facts if fact.is_new),
        key=lambda fact: _newest(fact),
        reverse=True,
    )
    as_of = max(base.as_of for base in bases)
    labels = labels_language(project, pack, lang)
    templates = Templates(project.templates)
    people = {person.id: person for base_id in pack.facts
              for person in project.bases[base_id].model.people}
    markers = memoview.letters(templates.translations(labels).gettext)
    cleared = clearance.standing(project, pack, lang)  # void once the content changed
    return PackView(
        id=pack.id,
        lang=lang,
        locale=tag,
        html_lang=tag.replace("_", "-"),
        hyphenation_lang=i18n.hyphenation_language(tag),
        dir=i18n.direction(tag),
        classification=(levels.page(fact.marking_level for fact in facts) if levels
                        else _text(pack.classification, tag, digits=digits)),
        reference=pack.reference,
        status="cleared" if cleared.cleared else "draft",
        drafted_by=(memoview.staff(pack.drafted_by, tag, digits, people)
                    if pack.drafted_by else None),
        clearance=tuple(memoview.staff(entry, tag, digits, people)
                        for entry in cleared.entries),
        title=_text(meeting.title, tag, digits=digits),
        date=meeting.date,
        end=meeting.end,
        date_label=i18n.format_date_range(meeting.date, meeting.end, tag, digits),
        place=_text(meeting.place, tag, digits=digits) if meeting.place else None,
        counterpart=meeting.counterpart,
        counterpart_name=(
            names.name(meeting.counterpart, "bare", tag) if meeting.counterpart else None
        ),
        purpose=_text(pack.purpose, tag, digits=digits) if pack.purpose else None,
        objectives=tuple(_text(objective, tag, digits=digits) for objective in pack.objectives),
        previous=meeting.previous,
        previous_label=(
            i18n.format_day(meeting.previous, tag, digits) if meeting.previous else None
        ),
        issued=issued,
        issued_label=i18n.format_day(issued, tag, digits),
        as_of_label=i18n.format_partial_date(as_of, tag, digits),
        bases=tuple(_base_view(base, tag, names, digits) for base in bases),
        facts=tuple(facts),
        sections=sections,
        since_previous=tuple(since),
        sources=tuple(sources),
        subject_names=names.countries(list(dict.fromkeys(b.subject for b in bases)), None, tag),
        key_messages=memoview.key_messages(sections, digits),
        if_raised=memoview.if_raised(pack, sections, tag, markers),
        meeting_type=meeting.type,
        summary=_text(pack.summary, tag, digits=digits) if pack.summary else None,
        their_objectives=tuple(_text(objective, tag, digits=digits)
                               for objective in pack.their_objectives),
        press_line=_text(pack.press_line, tag, digits=digits) if pack.press_line else None,
        routing=memoview.routing(pack.routing, tag, templates),
        staleness=_staleness(pack, bases, tag, digits),
        counterpart_person=theirs[0] if theirs and pack.counterpart_person else None,
        theirs=theirs,
        ours=ours,
        fact_ids=tuple(f"{fact.base_id}/{fact.id}" for fact in facts) + tuple(
            f"{person.base_id}/{person.id}/{fact.id}"
            for person in (*theirs, *ours) for fact in (*person.career, *person.meetings)
        ),
        labels=labels,
        numbering=digits,
        unbroken=_names_shown(pack, bases, theirs + ours, names, tag),
        markings=levels,
    )


def labels_language(project: Project, pack: Pack, lang: str) -> str:
    """The language whose catalog gives the labels: ``lang``, or the pack's
    ``labels_fallback`` when no catalog has ``lang`` (validation allows nothing else)."""
    if pack.labels_fallback and not Templates(project.templates).has_catalog(lang):
        return pack.labels_fallback
    return lang


Delegations = tuple[tuple["PersonEntry", ...], tuple["PersonEntry", ...]]


def _delegations(project: Project, pack: Pack, lang: str, names: grammar.Grammar,
                 digits: str) -> Delegations:
    """Their delegation (the counterpart first) and ours, localized."""
    people = {
        person.id: (person, loaded)
        for base_id in pack.facts
        for loaded in [project.bases[base_id]]
        for person in loaded.model.people
    }
    theirs = list(pack.participants.theirs)
    if pack.counterpart_person:
        theirs = [pack.counterpart_person] + [p for p in theirs if p != pack.counterpart_person]

    def entries(ids: list[str] | tuple[str, ...]) -> tuple[PersonEntry, ...]:
        return tuple(_person_entry(*people[person_id], project.root, lang, names, digits)
                     for person_id in ids)

    return entries(theirs), entries(pack.participants.ours)


def _person_entry(person: Person, loaded: Loaded[FactBase], root: Path, lang: str,
                  names: grammar.Grammar, digits: str) -> PersonEntry:
    base = loaded.model
    bio = [_fact_view(fact, base, lang, None, names, digits) for fact in person.bio]
    newest_first = sorted(bio, key=lambda fact: fact.date or PartialDate(1), reverse=True)
    photo = photos.embed(photos.resolve(person.photo, loaded.path, root)) if person.photo else None
    return PersonEntry(
        id=person.id,
        base_id=base.id,
        name=memoview.person_name(_text(person.name, lang, digits=digits), lang),
        title=_text(person.title, lang, digits=digits) if person.title else None,
        organization=(
            _text(person.organization, lang, digits=digits) if person.organization else None),
        country_name=names.name(person.country, "bare", lang) if person.country else None,
        photo=photo,
        career=tuple(fact for fact in newest_first if fact.kind != "event"),
        meetings=tuple(fact for fact in newest_first if fact.kind == "event"),
    )


def _marked(fact: FactView, prefix: tuple[str, int] | None) -> FactView:
    """``fact`` with its paragraph's classification prefix and level, if it has one."""
    return replace(fact, marking=prefix[0], marking_level=prefix[1]) if prefix else fact


def _names_shown(pack: Pack, bases: list[FactBase], people: tuple[PersonEntry, ...],
                 names: grammar.Grammar, tag: str) -> tuple[str, ...]:
    """Every form of every territory name the pack's documents may print."""
    codes = {code for base in bases for fact in selected_facts(pack, base)
             for code in fact.countries}
    codes |= {base.subject for base in bases}
    if pack.meeting.counterpart:
        codes.add(pack.meeting.counterpart)
    shown = {name for code in codes for name in names.variants(code, tag)}
    shown |= {person.country_name for person in people if person.country_name}
    return tuple(sorted(shown))


def _staleness(pack: Pack, bases: list[FactBase], lang: str, digits: str) -> Staleness | None:
    """The facts older at the meeting than the pack allows (``max_age_days``, else a
    year), whatever the pack's status: the notice follows the facts, as ``check`` does."""
    limit = max_age(pack)
    old = [reference_date(fact, base) for base in bases for fact in selected_facts(pack, base)
           if is_stale(fact, base, pack)]
    if not old:
        return None
    return Staleness(len(old), limit, i18n.format_partial_date(min(old), lang, digits),
                     count_label=i18n.format_number(len(old), lang, digits),
                     max_age_label=i18n.format_number(limit, lang, digits))


def _text(text: str | dict[str, str], lang: str, values: dict[str, str | None] | None = None,
          names: grammar.Grammar | None = None, digits: str = "latn") -> str:
    """:func:`memoview.text`, the words before a placeholder meeting it as ``names``
    says."""
    return memoview.text(text, lang, digits, values, names.seam if names else None)


def _base_view(base: FactBase, lang: str, names: grammar.Grammar, digits: str) -> BaseView:
    return BaseView(
        id=base.id,
        title=_text(base.title, lang, digits=digits),
        subject=base.subject,
        subject_name=names.name(base.subject, "bare", lang),
        as_of=base.as_of,
        as_of_label=i18n.format_partial_date(base.as_of, lang, digits),
        place=_text(base.place, lang, digits=digits) if base.place else None,
    )


def _fact_view(fact: Fact, base: FactBase, lang: str, previous: dt.date | None,
               names: grammar.Grammar, digits: str) -> FactView:
    written = [i18n.pick(text, lang) or "" for text in (
        fact.text, fact.talking_point, fact.if_raised, fact.label) if text]
    values = _values(fact, base, lang, names, digits, written)
    return FactView(
        id=fact.id,
        base_id=base.id,
        kind=fact.kind,
        text=_text(fact.text, lang, values, names, digits),
        talking_point=(_text(fact.talking_point, lang, values, names, digits)
                       if fact.talking_point else None),
        if_raised=_text(fact.if_raised, lang, values, names, digits) if fact.if_raised else None,
        label=_text(fact.label, lang, values, names, digits) if fact.label else None,
        section=fact.section,
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
        names_countries="countries" in placeholders.names(written[0]),
    )


def _values(fact: Fact, base: FactBase, lang: str, names: grammar.Grammar, digits: str,
            texts: list[str]) -> dict[str, str | None]:
    """The value of every placeholder the texts use, in its grammatical form."""
    return names.values(texts, lang, fact.countries, base.subject, fact.date, fact.value,
                        digits)


def _source_view(source: Source, base: FactBase, lang: str, digits: str,
                 number: int = 0) -> SourceView:
    return SourceView(
        number=number,
        id=source.id,
        base_id=base.id,
        title=_text(source.title, lang, digits=digits),
        publisher=source.publisher,
        date_label=(
            i18n.format_partial_date(source.date, lang, digits) if source.date else None
        ),
        url=source.url,
        place=_text(source.place, lang, digits=digits) if source.place else None,
    )


def _is_after(fact: Fact, previous: dt.date) -> bool:
    """Dated or verified after the previous meeting, for certain at the date's precision."""
    return any(d is not None and d.first_day > previous for d in (fact.date, fact.verified))


def _newest(fact: FactView) -> dt.date:
    return max(d.first_day for d in (fact.date, fact.verified) if d is not None)


def _sections(facts: list[FactView], bases: list[FactBase], lang: str,
              digits: str) -> tuple[Section, ...]:
    """Group the facts: by the section the base names, else by kind; each group sits where
    the first placed of its facts' kinds does (and is of that kind: a section that opens
    with a figure but holds a position is a position section), after that kind's own
    group, named sections in the base's order; events by date."""
    named = {
        (base.id, section_id): (_text(title, lang, digits=digits), order)
        for base in bases
        for order, (section_id, title) in enumerate(base.sections.items())
    }
    groups: dict[tuple[str, str], list[FactView]] = {}
    for fact in facts:
        key = (fact.base_id, fact.section) if fact.section else ("", KIND_GROUP[fact.kind])
        groups.setdefault(key, []).append(fact)

    def rank(item: tuple[tuple[str, str], list[FactView]]) -> tuple[int, int, int]:
        key, members = item
        kind_rank = min(KIND_RANK[fact.kind] for fact in members)
        return (kind_rank, 0 if key[0] == "" else 1, named.get(key, ("", 0))[1])

    sections = []
    for key, members in sorted(groups.items(), key=rank):
        if all(fact.kind == "event" for fact in members):
            members = sorted(members, key=lambda fact: fact.date or PartialDate(9999))
        kind = KIND_GROUP[min(members, key=lambda fact: KIND_RANK[fact.kind]).kind]
        if key[0]:
            title = named[key][0]
            sections.append(Section(kind, tuple(members), title, key[1]))
        else:
            sections.append(Section(kind, tuple(members)))
    return tuple(sections)


def _number_sources(
    facts: list[FactView], sections: tuple[Section, ...], delegations: Delegations,
    digits: str,
) -> tuple[list[FactView], tuple[Section, ...], Delegations, list[SourceView]]:
    """Number sources in order of first citation in the background, then the biographies;
    renumber the facts."""
    numbers: dict[tuple[str, str], int] = {}
    people = [person for side in delegations for person in side]
    cited = [fact for section in sections for fact in section.facts]
    cited += [fact for person in people for fact in (*person.career, *person.meetings)]
    for fact in cited:
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
        replace(s, facts=tuple(by_id[(f.base_id, f.id)] for f in s.facts)) for s in sections
    )

    def with_bio(person: PersonEntry) -> PersonEntry:
        return replace(person, career=tuple(map(renumbered, person.career)),
                       meetings=tuple(map(renumbered, person.meetings)))

    theirs, ours = (tuple(map(with_bio, side)) for side in delegations)
    every = [*by_id.values(), *(f for p in (*theirs, *ours) for f in (*p.career, *p.meetings))]
    sources = sorted({s.number: s for fact in every for s in fact.sources}.values(),
                     key=lambda s: s.number)
    return [by_id[(f.base_id, f.id)] for f in facts], new_sections, (theirs, ours), sources
