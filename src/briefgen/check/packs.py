"""What a careful editor flags in a pack: texts left to fill, a date of issue after the
meeting, stale facts and biographies, labels printed in another language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from briefgen import i18n
from briefgen.apparatus import check_issue_date
from briefgen.check.report import Finding, from_error
from briefgen.errors import display_path, excerpt
from briefgen.load import Loaded, Project
from briefgen.messages import unfinished_catalogs
from briefgen.model import (
    Fact,
    FactBase,
    Pack,
    Person,
    age_at_meeting,
    is_stale,
    max_age,
    reference_date,
    selected_facts,
)
from briefgen.scaffold import UNFILLED
from briefgen.templating import Templates
from briefgen.yamlfile import walk_strings


def _unfilled(loaded: Loaded[Pack]) -> Iterator[Finding]:
    """Texts ``init`` and ``new`` wrote for a person to replace (``TODO: ...``), still
    there: one finding a field, naming the languages it is left in."""
    left: dict[tuple[str | int, ...], dict[str, str]] = {}
    for path, text in walk_strings(loaded.model.model_dump(mode="json")):
        if UNFILLED.match(text):
            field, lang = (path[:-1], str(path[-1])) if _localized(path, loaded.model) else (
                tuple(path), "")
            left.setdefault(field, {})[lang] = text
    for field, texts in left.items():
        langs = [lang for lang in texts if lang]
        name = ".".join(str(part) for part in field)
        where = loaded.location(field + ((langs[0],) if langs else ()))
        shown = excerpt(next(iter(texts.values())))
        yield Finding.at("warning", "unfilled",
                         f"'{name}' still holds the placeholder '{shown}'"
                         + (f" in {', '.join(langs)}" if langs else ""),
                         where, "replace it with the real text")


def _localized(path: tuple[str | int, ...], pack: Pack) -> bool:
    """Whether ``path`` ends at one language's text of a localized field."""
    return len(path) > 1 and isinstance(path[-1], str) and path[-1] in pack.languages


def pack_findings(loaded: Loaded[Pack], project: Project, today: dt.date) -> Iterator[Finding]:
    """What a pack's own file holds: texts to fill, a date of issue after its meeting."""
    yield from _unfilled(loaded)
    if dated_after := check_issue_date(loaded, loaded.model.issue_date(today)):
        yield from_error(dated_after)


def stale_findings(packs: Sequence[Loaded[Pack]], project: Project) -> Iterator[Finding]:
    """Facts and biographies older at a meeting than its pack allows: one finding each,
    naming every pack it is too old for."""
    for base in project.bases.values():
        drawing = [pack for pack in packs if base.model.id in pack.model.facts]
        if not drawing:
            continue
        selected = {pack.model.id: {fact.id for fact in selected_facts(pack.model, base.model)}
                    for pack in drawing}
        for index, fact in enumerate(base.model.facts):
            too_old = [pack for pack in drawing if fact.id in selected[pack.model.id]
                       and is_stale(fact, base.model, pack.model)]
            if too_old:
                yield Finding.at(
                    "warning", "stale", f"the fact is {_age(fact, base, too_old)}",
                    base.fact_location(index),
                    "check it again and set verified: YYYY-MM-DD, or raise max_age_days on "
                    "the pack", packs=_ids(too_old))
        yield from _stale_biographies(base, drawing)


def _stale_biographies(base: Loaded[FactBase],
                       packs: Sequence[Loaded[Pack]]) -> Iterator[Finding]:
    """A participant's biography last checked longer ago than a pack naming them allows."""
    for index, person in enumerate(base.model.people):
        too_old = [pack for pack in packs if person.id in _named(pack.model) and person.bio
                   and is_stale(person, base.model, pack.model)]
        if too_old:
            yield Finding.at(
                "warning", "stale-biography",
                f"the biography of '{person.id}' is {_age(person, base, too_old)}",
                base.location(("people", index), person.id),
                "check it again and set verified: YYYY-MM-DD on the person",
                packs=_ids(too_old))


def _named(pack: Pack) -> set[str | None]:
    participants = pack.participants
    return {*participants.theirs, *participants.ours, pack.counterpart_person}


def _ids(packs: Sequence[Loaded[Pack]]) -> tuple[str, ...]:
    return tuple(pack.model.id for pack in packs)


def _age(item: Fact | Person, base: Loaded[FactBase], packs: Sequence[Loaded[Pack]]) -> str:
    """``400 days old at the meeting of pack 'p' (verified 2025-11-01; the pack allows 365
    days)``; for several packs, ``400 days old at the meeting of pack 'a', 330 at 'b'
    (verified 2025-11-01; the packs allow 365 days)``."""
    what = "verified" if item.verified else "not verified; its base is as of"
    ages = [(pack.model.id, age_at_meeting(item, base.model, pack.model), max_age(pack.model))
            for pack in packs]
    shown = ", ".join(f"{age} at '{pack_id}'" for pack_id, age, _ in ages[1:])
    limits = {limit for *_, limit in ages}
    allows = (f"the pack allows {_days(ages[0][2])}" if len(ages) == 1 else
              f"the packs allow {_days(ages[0][2])}" if len(limits) == 1 else
              "they allow " + ", ".join(f"{_days(limit)} at '{pack_id}'"
                                        for pack_id, _, limit in ages))
    return (f"{_days(ages[0][1])} old at the meeting of pack '{ages[0][0]}'"
            + (f", {shown}" if shown else "")
            + f" ({what} {reference_date(item, base.model).isoformat()}; {allows})")


def labels_fallback(loaded: Loaded[Pack], project: Project) -> Iterator[Finding]:
    pack = loaded.model
    templates = Templates(project.templates)
    for index, lang in enumerate(pack.languages):
        if pack.labels_fallback and not templates.has_catalog(lang):
            yield Finding.at(
                "warning", "labels-fallback",
                f"the labels of {i18n.language_name(lang)} print in "
                f"{i18n.language_name(pack.labels_fallback)} (labels_fallback)",
                loaded.location(("languages", index)),
                f"run `briefgen messages init {lang}` and translate the catalog it writes",
            )


def unfinished_catalog_findings(project: Project) -> Iterator[Finding]:
    for unfinished in unfinished_catalogs(project.templates):
        where = display_path(unfinished.path, project.root)
        for what, labels in (("untranslated", unfinished.untranslated),
                             ("fuzzy", unfinished.fuzzy)):
            if labels:
                shown = ", ".join(labels[:8]) + (f" and {len(labels) - 8} more"
                                                 if len(labels) > 8 else "")
                yield Finding(
                    "warning", f"{what}-labels", f"{len(labels)} {what} label(s): {shown}",
                    where, unfinished.line,
                    hint="translate them (and remove the 'fuzzy' flags) with a PO editor "
                    "such as Poedit, or a text editor; they print in English meanwhile",
                )


def _days(count: int) -> str:
    """``1 day``, ``400 days``."""
    return f"{count} day" if count == 1 else f"{count} days"
