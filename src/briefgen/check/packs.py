"""What a careful editor flags in a pack: texts left to fill, a date of issue after the
meeting, stale facts and biographies, labels printed in another language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

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
from briefgen.validate import language_name
from briefgen.yamlfile import walk_strings


def _unfilled(loaded: Loaded[Pack]) -> Iterator[Finding]:
    """Texts ``briefgen new`` wrote for a person to replace (``TODO: ...``), still there."""
    for path, text in walk_strings(loaded.model.model_dump(mode="json")):
        if UNFILLED.match(text):
            field = ".".join(str(part) for part in path)
            yield Finding.at("warning", "unfilled",
                             f"'{field}' still holds the placeholder '{excerpt(text)}'",
                             loaded.location(path), "replace it with the real text")


def pack_findings(loaded: Loaded[Pack], project: Project, today: dt.date) -> Iterator[Finding]:
    pack = loaded.model
    yield from _unfilled(loaded)
    if dated_after := check_issue_date(loaded, pack.issue_date(today)):
        yield from_error(dated_after)
    for base_id in pack.facts:
        base = project.bases[base_id]
        selected = {fact.id for fact in selected_facts(pack, base.model)}
        for index, fact in enumerate(base.model.facts):
            if fact.id in selected:
                yield from _stale(fact, index, base, loaded)
        yield from _stale_biographies(base, loaded)


def _stale_biographies(base: Loaded[FactBase], pack: Loaded[Pack]) -> Iterator[Finding]:
    """A participant's biography last checked longer ago than the pack allows."""
    participants = pack.model.participants
    named = {*participants.theirs, *participants.ours, pack.model.counterpart_person}
    for index, person in enumerate(base.model.people):
        if person.id not in named or not person.bio or not is_stale(person, base.model,
                                                                   pack.model):
            continue
        yield Finding.at(
            "warning", "stale-biography",
            f"the biography of '{person.id}' is {_age(person, base, pack)}",
            base.location(("people", index), person.id),
            "check it again and set verified: YYYY-MM-DD on the person",
        )


def _stale(fact: Fact, index: int, base: Loaded[FactBase],
           pack: Loaded[Pack]) -> Iterator[Finding]:
    if is_stale(fact, base.model, pack.model):
        yield Finding.at(
            "warning", "stale", f"the fact is {_age(fact, base, pack)}",
            base.fact_location(index),
            "check it again and set verified: YYYY-MM-DD, or raise max_age_days on the pack",
        )


def _age(item: Fact | Person, base: Loaded[FactBase], pack: Loaded[Pack]) -> str:
    """``400 days old at the meeting of pack 'p' (verified 2025-11-01; the pack allows 365
    days)``."""
    what = "verified" if item.verified else "not verified; its base is as of"
    return (f"{age_at_meeting(item, base.model, pack.model)} days old at the meeting of pack "
            f"'{pack.model.id}' ({what} {reference_date(item, base.model).isoformat()}; the "
            f"pack allows {max_age(pack.model)} days)")


def labels_fallback(loaded: Loaded[Pack], project: Project) -> Iterator[Finding]:
    pack = loaded.model
    templates = Templates(project.templates)
    for index, lang in enumerate(pack.languages):
        if pack.labels_fallback and not templates.has_catalog(lang):
            yield Finding.at(
                "warning", "labels-fallback",
                f"the labels of {language_name(lang)} print in "
                f"{language_name(pack.labels_fallback)} (labels_fallback)",
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

