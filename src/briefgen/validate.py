"""Checks that span fields and files: translations, references, placeholders."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from briefgen import i18n, translation
from briefgen.errors import LocatedError
from briefgen.model import FactBase, Pack, Person
from briefgen.yamlfile import PathKey

if TYPE_CHECKING:
    from briefgen.load import Loaded, Project


def validate_project(project: Project) -> list[LocatedError]:
    errors: list[LocatedError] = []
    for base in project.bases.values():
        errors += validate_base(base)
    for pack in project.packs.values():
        errors += validate_pack(pack, project)
    return errors


def validate_base(loaded: Loaded[FactBase]) -> list[LocatedError]:
    base = loaded.model
    errors = _check_languages(loaded, base.languages)
    errors += translation.base_errors(loaded)  # a missing translation is a pack's concern
    errors += _check_unique(loaded, "sources", [s.id for s in base.sources])
    errors += _check_unique(loaded, "facts", [f.id for f in base.facts])
    errors += _check_sections(loaded)
    known_sources = {source.id for source in base.sources}
    for index, fact in enumerate(base.facts):
        for ref_index, ref in enumerate(fact.sources):
            if ref not in known_sources:
                listed = ", ".join(sorted(known_sources)) or "none are declared"
                errors.append(
                    LocatedError(
                        f"unknown source '{ref}'",
                        loaded.fact_location(index, "sources", ref_index),
                        f"declare it under 'sources:' at the top of the file ({listed})",
                    )
                )
    return errors


def validate_pack(loaded: Loaded[Pack], project: Project) -> list[LocatedError]:
    pack = loaded.model
    errors = _check_languages(loaded, pack.languages)
    for path, text in _pack_texts(pack):
        errors += _check_translations(loaded, path, text, pack.languages, exact=False)
    meeting = pack.meeting
    if meeting.end and meeting.end < meeting.date:
        errors.append(
            LocatedError("the meeting ends before it starts", loaded.location(("meeting", "end")))
        )
    if meeting.previous and meeting.previous >= meeting.date:
        errors.append(
            LocatedError(
                "the previous meeting is not before this one",
                loaded.location(("meeting", "previous")),
            )
        )
    for index, base_id in enumerate(pack.facts):
        base = project.bases.get(base_id)
        if base is None:
            known = ", ".join(sorted(project.bases)) or "none loaded"
            hint = f"use the id: of a file in facts/ ({known})"
            if project.unloaded:
                hint += f", or fix the errors in {', '.join(project.unloaded)}"
            errors.append(
                LocatedError(
                    f"unknown fact base '{base_id}'", loaded.location(("facts", index)), hint
                )
            )
            continue
        for lang in pack.languages:
            if not any(c in base.model.languages for c in i18n.fallbacks(lang)):
                errors.append(
                    LocatedError(
                        f"language '{lang}' is not among the languages of fact base "
                        f"'{base_id}' ({', '.join(base.model.languages)})",
                        loaded.location(("languages",)),
                        f"add '{lang}' to {base.display} with its translations, "
                        "or remove it from the pack",
                    )
                )
    errors += translation.pack_errors(loaded, project)
    if len(set(pack.documents)) != len(pack.documents):
        errors.append(LocatedError("a document is listed twice", loaded.location(("documents",))))
    errors += _check_apparatus(loaded)
    return errors


def _check_sections(loaded: Loaded[FactBase]) -> list[LocatedError]:
    """Every fact's ``section:`` is one the base declares."""
    declared = loaded.model.sections
    errors = []
    for index, fact in enumerate(loaded.model.facts):
        if fact.section is not None and fact.section not in declared:
            listed = ", ".join(declared) or "none are declared"
            errors.append(
                LocatedError(
                    f"unknown section '{fact.section}'",
                    loaded.fact_location(index, "section"),
                    f"declare it under 'sections:' at the top of the file ({listed})",
                )
            )
    return errors


def _check_apparatus(loaded: Loaded[Pack]) -> list[LocatedError]:
    """Status, clearance and dates of issue make sense for the meeting."""
    pack = loaded.model
    last_day = pack.meeting.end or pack.meeting.date
    errors = []
    if pack.status == "cleared" and not pack.clearance:
        errors.append(
            LocatedError(
                "the pack is 'cleared' but names no clearance",
                loaded.location(("status",)),
                "add clearance: [{name: ..., unit: ..., date: YYYY-MM-DD}], "
                "or set status: draft",
            )
        )
    for index, entry in enumerate(pack.clearance):
        if entry.date > last_day:
            errors.append(
                LocatedError(
                    f"cleared on {entry.date.isoformat()}, after the meeting "
                    f"({last_day.isoformat()})",
                    loaded.location(("clearance", index, "date")),
                    "a brief is cleared before the meeting: check the date",
                )
            )
    if pack.issued and pack.issued > last_day:
        errors.append(
            LocatedError(
                f"issued on {pack.issued.isoformat()}, after the meeting "
                f"({last_day.isoformat()})",
                loaded.location(("issued",)),
                "a brief is issued before the meeting: check the date",
            )
        )
    return errors


def _check_languages(loaded: Loaded[FactBase] | Loaded[Pack], langs: tuple[str, ...]) -> list[
    LocatedError
]:
    errors = []
    for index, lang in enumerate(langs):
        problem = i18n.check_locale(lang)
        if problem:
            errors.append(LocatedError(problem, loaded.location(("languages", index))))
    if len(set(langs)) != len(langs):
        errors.append(LocatedError("a language is listed twice", loaded.location(("languages",))))
    return errors


def _check_translations(
    loaded: Loaded[FactBase] | Loaded[Pack],
    path: PathKey,
    text: str | Mapping[str, str],
    langs: tuple[str, ...],
    *,
    exact: bool,
) -> list[LocatedError]:
    if isinstance(text, str):
        return []
    missing = [
        lang
        for lang in langs
        if i18n.check_locale(lang) is None
        and (lang not in text if exact else i18n.pick(text, lang) is None)
    ]
    if not missing:
        return []
    fact_id = None
    model = loaded.model
    if isinstance(model, FactBase) and len(path) > 1 and path[0] == "facts":
        assert isinstance(path[1], int)
        fact_id = model.facts[path[1]].id
    shown = path[2:] if fact_id else path
    field = ".".join(str(p) for p in shown if not isinstance(p, int))
    plural = "s" if len(missing) > 1 else ""
    return [
        LocatedError(
            f"'{field}' has no translation for language{plural} {', '.join(missing)}",
            loaded.location(path, fact_id),
            f"add {', '.join(m + ': ...' for m in missing)} (every text needs each language "
            "in 'languages:')",
        )
    ]


def _pack_texts(pack: Pack) -> Iterator[tuple[PathKey, Mapping[str, str]]]:
    yield ("meeting", "title"), pack.meeting.title
    if pack.meeting.place:
        yield ("meeting", "place"), pack.meeting.place
    yield ("classification",), pack.classification
    if pack.purpose:
        yield ("purpose",), pack.purpose
    for index, objective in enumerate(pack.objectives):
        yield ("objectives", index), objective
    people: list[tuple[PathKey, Person]] = [(("drafted_by",), pack.drafted_by)] if (
        pack.drafted_by) else []
    people += [(("clearance", index), entry) for index, entry in enumerate(pack.clearance)]
    for path, person in people:
        if isinstance(person.unit, dict):
            yield (*path, "unit"), person.unit


def _check_unique(loaded: Loaded[FactBase], field: str, ids: list[str]) -> list[LocatedError]:
    errors = []
    seen: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if item_id in seen:
            fact_id = item_id if field == "facts" else None
            first_line = loaded.location((field, seen[item_id])).line
            errors.append(
                LocatedError(
                    f"duplicate {field[:-1]} id '{item_id}' (first used on line {first_line})",
                    loaded.location((field, index), fact_id),
                    "give each one its own id",
                )
            )
        else:
            seen[item_id] = index
    return errors
