"""The memo's parts of a pack's view, localized: who drafted and cleared it (a person of
the fact bases prints in each language's script), where it goes (letterhead, addressee,
routing, place), their side, and the two numbered series every document prints alike:
key messages 1, 2, ... and the lines if raised A, B, ... (the letters are each language's,
from its catalog)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from briefgen import bidi, i18n, photos, placeholders, typography
from briefgen.memo import Clearance, Drafter, Routing
from briefgen.model import FactBase, Pack, Person, selected_facts
from briefgen.templating import Templates
from briefgen.views import FactView, Line, Markings, PersonView, Section
from briefgen.views import Routing as RoutingView


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


# TRANSLATORS: the markers of the lines to take "If raised", in order, separated by spaces
# (the series is apart from the key messages' 1, 2, 3). Arabic: أ ب ج د ...
LETTERS = N_("A B C D E F G H I J K L M N O P Q R S T U V W X Y Z")


def text(value: str | Mapping[str, str], lang: str, digits: str = "latn",
         values: Mapping[str, str | None] | None = None,
         seam: placeholders.Seam | None = None) -> str:
    """A text of the pack or a fact base in ``lang``: picked, its placeholders filled with
    ``values`` (meeting the words before them as ``seam`` says), typeset, its typed digits
    in the document's ``digits``."""
    picked = i18n.pick(value, lang)
    assert picked is not None, "validation guarantees every language"
    if values is not None:
        picked = placeholders.fill(picked, values, seam)
    return i18n.localize_typed_digits(typography.typeset(picked, lang), lang, digits)


def person_name(name: str, lang: str) -> str:
    """A name in a script of the other direction keeps its own (Unicode isolates)."""
    if i18n.direction(lang) == "ltr" and bidi.has_rtl(name):
        return bidi.FSI + name + bidi.PDI
    return name


def letters(gettext: Callable[[str], str]) -> list[str]:
    """The markers of the 'If raised' series in the labels' language."""
    return gettext(LETTERS).split() or LETTERS.split()


def letter(index: int, markers: list[str]) -> str:
    """The marker of the ``index``-th line (0-based): A ... Z, then AA, AB, ..."""
    count = len(markers)
    if index < count:
        return markers[index]
    return letter(index // count - 1, markers) + markers[index % count]


def key_messages(sections: tuple[Section, ...], digits: str) -> tuple[Line, ...]:
    """The facts' talking points in background order, numbered once for every document."""
    facts = [fact for section in sections for fact in section.facts if fact.talking_point]
    return tuple(
        Line(number, fact, fact.talking_point or "",
             i18n.localize_digits(str(number), digits))
        for number, fact in enumerate(facts, start=1)
    )


def if_raised(pack: Pack, sections: tuple[Section, ...], lang: str,
              markers: list[str]) -> tuple[Line, ...]:
    """What they may raise (the pack's points, each with our response), then the facts'
    defensive lines, lettered in one series."""
    raised: list[tuple[str | None, str | None, FactView | None]] = [
        (text(item.point, lang), text(item.response, lang), None)
        for item in pack.they_may_raise]
    raised += [(None, fact.if_raised, fact) for section in sections for fact in section.facts
               if fact.if_raised]
    return tuple(
        Line(index + 1, fact, response or "", letter(index, markers), point)
        for index, (point, response, fact) in enumerate(raised)
    )


Prefixes = dict[tuple[str, str], tuple[str, int]]


def markings(pack: Pack, bases: list[FactBase], lang: str,
             digits: str = "latn") -> tuple[Prefixes, Markings | None]:
    """Each drawn fact's paragraph prefix and level (its marking, else the pack's level),
    and the pack's levels, which give each page its marking (None: the pack marks no
    paragraph, every page prints its classification)."""
    if not pack.markings:
        return {}, None
    rank = {marking.id: index for index, marking in enumerate(pack.markings)}
    prefixes = {}
    for base in bases:
        for fact in selected_facts(pack, base):
            level = fact.marking or pack.marking
            if level is not None:
                prefixes[(base.id, fact.id)] = (text(pack.markings[rank[level]].short, lang),
                                                rank[level])
    levels = Markings(tuple(text(marking.label, lang) for marking in pack.markings),
                      rank[pack.marking] if pack.marking else None,
                      text(pack.classification, lang, digits))
    return prefixes, levels


def staff(entry: Drafter | Clearance, lang: str, digits: str,
          people: Mapping[str, Person]) -> PersonView:
    """A drafter or clearer: a person of the fact bases in their name in ``lang`` (their
    post when no unit is given), or the name as written."""
    person = people.get(entry.person) if entry.person else None
    name = person_name(text(person.name, lang) if person else entry.name or "", lang)
    unit = text(entry.unit, lang, digits) if entry.unit else None
    if unit is None and person is not None:
        unit = ", ".join(text(part, lang, digits) for part in (person.title,
                                                               person.organization)
                         if part) or None
    contact = getattr(entry, "contact", None)
    if contact:
        contact = i18n.localize_typed_digits(contact, lang, digits)
    if contact and i18n.direction(lang) == "rtl":
        contact = bidi.isolate_ltr(contact)
    return PersonView(
        name=name,
        unit=unit,
        contact=contact,
        date_label=(
            i18n.format_day(entry.date, lang, digits) if isinstance(entry, Clearance) else None
        ),
    )


def routing(routing: Routing | None, lang: str, templates: Templates) -> RoutingView | None:
    """The routing block in ``lang``; the letterhead image as a data: URI."""
    if routing is None:
        return None
    image = None
    if routing.letterhead_image:
        found = templates.locate(routing.letterhead_image)
        image = photos.embed(Path(found)) if found else None
    lines = text(routing.letterhead, lang).splitlines() if routing.letterhead else []
    return RoutingView(
        letterhead=tuple(line.strip() for line in lines if line.strip()),
        letterhead_image=image,
        to=text(routing.to, lang) if routing.to else None,
        via=tuple(text(via, lang) for via in routing.via),
        place=text(routing.place, lang) if routing.place else None,
    )
