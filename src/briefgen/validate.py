"""Checks that span fields and files: translations, references, placeholders."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import i18n, photos
from briefgen.apparatus import check_apparatus, check_letterhead, check_markings
from briefgen.cache import clean_entries, known_clean
from briefgen.errors import LocatedError, Location, RenderError, each_once
from briefgen.grammar.checks import Grammars, check_forms
from briefgen.load import Also, Loaded, Project
from briefgen.memo import Staff
from briefgen.model import FactBase, Pack
from briefgen.templating import Templates
from briefgen.translation import state as translation_state
from briefgen.yamlfile import PathKey


@dataclass
class Validated:
    """What validating a project found, by what each problem stops: every pack (the
    templates, a grammar file), a fact base (and so each pack drawing on it), a pack."""

    everywhere: list[LocatedError] = field(default_factory=list)
    bases: dict[str, list[LocatedError]] = field(default_factory=dict)
    packs: dict[str, list[LocatedError]] = field(default_factory=dict)

    def errors(self) -> list[LocatedError]:
        """Every problem once."""
        found = [*self.everywhere, *(e for errors in self.bases.values() for e in errors),
                 *(e for errors in self.packs.values() for e in errors)]
        return each_once(found)


def validate_project(project: Project) -> list[LocatedError]:
    """Every problem in what spans fields and files."""
    return validate_by_pack(project).errors()


def validate_by_pack(project: Project) -> Validated:
    """Every problem in what spans fields and files, by what it stops."""
    found = Validated()
    try:
        Templates(project.templates).locale_dirs  # noqa: B018 - refuses a linked-out catalog
    except RenderError as error:
        found.everywhere.append(LocatedError(error.message, error.location
                                             or Location("templates"), error.hint))
        return found
    grammars = Grammars(project.templates)
    for base_id, base in project.bases.items():
        found.bases[base_id] = _base_errors(base, project, grammars)
    has_catalog = functools.cache(Templates(project.templates).has_catalog)  # once a language
    for pack_id, pack in project.packs.items():
        found.packs[pack_id] = _pack_errors(pack, project, grammars, has_catalog)
    for lang in {lang for pack in project.packs.values() for lang in pack.model.languages}:
        if i18n.check_locale(lang) is None:
            grammars.get(lang)  # documents read every pack language's grammar: check it
    found.everywhere += grammars.errors
    return found


def _base_errors(base: Loaded[FactBase], project: Project,
                 grammars: Grammars) -> list[LocatedError]:
    """A base's own errors; not looked for again in a file found clean before with the same
    grammar forms (a base with photos is checked every time: the photos may change)."""
    errors, key = _base_work(base, project.root, grammars)
    if key is None:
        return errors()
    return known_clean(project.cache, base.entry, f"base-errors\0{base.display}", errors, key)


def while_parsing(root: Path) -> Also:
    """What validation finds in a fact base alone, worked out by the process that parses
    it (:func:`briefgen.load.load_files`): kept in the cache, :func:`validate_by_pack` finds
    it there."""
    grammars = Grammars(root / "templates")

    def entries(loaded: Loaded[FactBase]) -> list[tuple[str, object]]:
        errors, key = _base_work(loaded, root, grammars)
        return [] if key is None else clean_entries(
            loaded.entry, f"base-errors\0{loaded.display}", errors, key)
    return entries


def _base_work(base: Loaded[FactBase], root: Path, grammars: Grammars
               ) -> tuple[Callable[[], list[LocatedError]], str | None]:
    """What finds a base's own errors, and what else they depend on (None: something not
    kept in the cache, its photos)."""
    def errors() -> list[LocatedError]:
        return validate_base(base, root) + check_forms(base, base.model.languages, grammars)

    if any(person.photo for person in base.model.people):
        return errors, None
    forms = [(found.source, found.forms) if (found := grammars.get(lang)) else None
             for lang in base.model.languages if i18n.check_locale(lang) is None]
    return errors, repr(forms)


def _pack_errors(pack: Loaded[Pack], project: Project, grammars: Grammars,
                 has_catalog: Callable[[str], bool]) -> list[LocatedError]:
    """A pack's errors; not looked for again in a pack found clean before with the same
    fact bases, catalogs and grammar forms."""
    def errors() -> list[LocatedError]:
        found = validate_pack(pack, project)
        for base_id in pack.model.facts:
            if base_id in project.bases:
                found += check_forms(project.bases[base_id], pack.model.languages, grammars)
        return found

    bases = [project.bases.get(base_id) for base_id in pack.model.facts]
    if any(base is None or not base.entry for base in bases):
        return errors()
    langs = [lang for lang in (*pack.model.languages, pack.model.labels_fallback)
             if lang and i18n.check_locale(lang) is None]
    key = repr(([(base.display, base.entry) for base in bases if base is not None],
                [(lang, has_catalog(lang)) for lang in langs],
                [(found.source, found.forms) if (found := grammars.get(lang)) else None
                 for lang in pack.model.languages if i18n.check_locale(lang) is None]))
    return known_clean(project.cache, pack.entry, f"pack-errors\0{pack.display}", errors, key)


def validate_base(loaded: Loaded[FactBase], root: Path | None = None) -> list[LocatedError]:
    base = loaded.model
    errors = _check_languages(loaded, base.languages)
    errors += translation_state.base_errors(loaded)  # a missing translation is a pack's concern
    errors += _check_unique(loaded, "sources", [s.id for s in base.sources])
    errors += _check_unique(loaded, "facts", [f.id for f in base.facts])
    errors += _check_sections(loaded)
    errors += _check_people(loaded, root)
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
    errors += _check_tags(loaded, project)
    errors += translation_state.pack_errors(loaded, project)
    if len(set(pack.documents)) != len(pack.documents):
        errors.append(LocatedError("a document is listed twice", loaded.location(("documents",))))
    errors += check_apparatus(loaded)
    errors += check_letterhead(loaded, Templates(project.templates))
    errors += check_markings(loaded, project)
    errors += _check_participants(loaded, project)
    errors += _check_labels(loaded, Templates(project.templates))
    return errors


def _check_participants(loaded: Loaded[Pack], project: Project) -> list[LocatedError]:
    """Participants and the counterpart are people of the pack's fact bases."""
    pack = loaded.model
    known = {
        person.id
        for base_id in pack.facts if base_id in project.bases
        for person in project.bases[base_id].model.people
    }
    named: list[tuple[PathKey, str]] = [
        (("participants", side, index), person_id)
        for side in ("theirs", "ours")
        for index, person_id in enumerate(getattr(pack.participants, side))
    ]
    if pack.counterpart_person:
        named.append((("counterpart_person",), pack.counterpart_person))
    staff: list[tuple[PathKey, Staff]] = [(("drafted_by",), pack.drafted_by)] if (
        pack.drafted_by) else []
    staff += [(("clearance", index), entry) for index, entry in enumerate(pack.clearance)]
    named += [((*path, "person"), entry.person) for path, entry in staff if entry.person]
    errors = []
    for path, person_id in named:
        if person_id not in known:
            listed = ", ".join(sorted(known)) or "none"
            errors.append(LocatedError(
                f"unknown person '{person_id}'", loaded.location(path),
                f"use the id of a person under 'people:' in the pack's fact bases ({listed})"))
    return errors


def _check_people(loaded: Loaded[FactBase], root: Path | None) -> list[LocatedError]:
    """People's ids are unique, their biographies cite known sources, their photos are
    images inside the project."""
    base = loaded.model
    errors = _check_unique(loaded, "people", [person.id for person in base.people])
    known_sources = {source.id for source in base.sources}
    for index, person in enumerate(base.people):
        where: PathKey = ("people", index)
        bio_ids = [fact.id for fact in person.bio]
        for bio_index, fact_id in enumerate(bio_ids):
            if fact_id in bio_ids[:bio_index]:
                errors.append(LocatedError(
                    f"duplicate id '{fact_id}' in the biography of '{person.id}'",
                    loaded.location((*where, "bio", bio_index), fact_id),
                    "give each one its own id"))
        for bio_index, fact in enumerate(person.bio):
            for ref_index, ref in enumerate(fact.sources):
                if ref not in known_sources:
                    listed = ", ".join(sorted(known_sources)) or "none are declared"
                    errors.append(LocatedError(
                        f"unknown source '{ref}'",
                        loaded.location((*where, "bio", bio_index, "sources", ref_index),
                                        fact.id),
                        f"declare it under 'sources:' at the top of the file ({listed})"))
        if person.photo is not None and root is not None:
            try:
                photos.check(photos.resolve(person.photo, loaded.path, root))
            except photos.PhotoError as problem:
                errors.append(LocatedError(
                    f"photo '{person.photo}' of '{person.id}': {problem}",
                    loaded.location((*where, "photo")),
                    "use a PNG or JPEG file inside the project, named relative to this "
                    "file's folder"))
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


def _check_tags(loaded: Loaded[Pack], project: Project) -> list[LocatedError]:
    """A pack's tag that no fact of its bases carries is a typo: it would select nothing."""
    bases = [project.bases[base_id] for base_id in loaded.model.facts if base_id in project.bases]
    if len(bases) < len(loaded.model.facts):
        return []  # an unknown base is reported already
    existing = {tag for base in bases for fact in base.model.facts for tag in fact.tags}
    listed = ", ".join(sorted(existing)) or "none"
    return [
        LocatedError(f"no fact carries the tag '{tag}'", loaded.location(("tags", index)),
                     f"use one of the tags of fact bases {', '.join(loaded.model.facts)}: "
                     f"{listed}")
        for index, tag in enumerate(loaded.model.tags) if tag not in existing
    ]


def _check_labels(loaded: Loaded[Pack], templates: Templates) -> list[LocatedError]:
    """Every pack language has labels: a catalog (briefgen's or the project's), or the
    pack's ``labels_fallback``; never English headings beside a German date, silently."""
    pack = loaded.model
    errors = []
    fallback = pack.labels_fallback
    if fallback and i18n.check_locale(fallback) is None and not templates.has_catalog(fallback):
        errors.append(LocatedError(
            f"'labels_fallback': there are no labels in {i18n.language_name(fallback)} either",
            loaded.location(("labels_fallback",)),
            f"use a language with a catalog ({', '.join(templates.catalog_languages())})",
        ))
    if fallback:
        return errors
    for index, lang in enumerate(pack.languages):
        if i18n.check_locale(lang) is None and not templates.has_catalog(lang):
            errors.append(LocatedError(
                f"no labels in {i18n.language_name(lang)}: no catalog translates the headings "
                f"into it (there are catalogs for {', '.join(templates.catalog_languages())})",
                loaded.location(("languages", index)),
                f"run `briefgen messages init {lang}` and translate "
                f"templates/locale/{lang}/LC_MESSAGES/messages.po, or add "
                "`labels_fallback: en` to the pack to print English labels",
            ))
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
    fact_id = _item_id(loaded.model, path)
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


def _item_id(model: FactBase | Pack, path: PathKey) -> str | None:
    """The fact (or person, person/fact) a path into a fact base is about."""
    if not isinstance(model, FactBase) or len(path) < 2 or not isinstance(path[1], int):
        return None
    if path[0] == "facts":
        return model.facts[path[1]].id
    if path[0] == "people":
        person = model.people[path[1]]
        if len(path) > 3 and path[2] == "bio" and isinstance(path[3], int):
            return f"{person.id}/{person.bio[path[3]].id}"
        return person.id
    return None


def _pack_texts(pack: Pack) -> Iterator[tuple[PathKey, Mapping[str, str]]]:
    yield ("meeting", "title"), pack.meeting.title
    if pack.meeting.place:
        yield ("meeting", "place"), pack.meeting.place
    yield ("classification",), pack.classification
    for name in ("summary", "purpose", "press_line"):
        if text := getattr(pack, name):
            yield (name,), text
    for name in ("objectives", "their_objectives"):
        for index, objective in enumerate(getattr(pack, name)):
            yield (name, index), objective
    for index, raised in enumerate(pack.they_may_raise):
        yield ("they_may_raise", index, "point"), raised.point
        yield ("they_may_raise", index, "response"), raised.response
    yield from _routing_texts(pack)
    for index, marking in enumerate(pack.markings):
        yield ("markings", index, "short"), marking.short
        yield ("markings", index, "label"), marking.label
    people: list[tuple[PathKey, Staff]] = [(("drafted_by",), pack.drafted_by)] if (
        pack.drafted_by) else []
    people += [(("clearance", index), entry) for index, entry in enumerate(pack.clearance)]
    for path, person in people:
        if isinstance(person.unit, dict):
            yield (*path, "unit"), person.unit


def _routing_texts(pack: Pack) -> Iterator[tuple[PathKey, Mapping[str, str]]]:
    routing = pack.routing
    if routing is None:
        return
    for name in ("letterhead", "to", "place"):
        if text := getattr(routing, name):
            yield ("routing", name), text
    for index, via in enumerate(routing.via):
        yield ("routing", "via", index), via


_ITEMS = {"sources": "source", "facts": "fact", "people": "person"}  # what a field lists


def _check_unique(loaded: Loaded[FactBase], field: str, ids: list[str]) -> list[LocatedError]:
    errors = []
    seen: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if item_id in seen:
            fact_id = item_id if field == "facts" else None
            first_line = loaded.location((field, seen[item_id])).line
            errors.append(
                LocatedError(
                    f"duplicate {_ITEMS[field]} id '{item_id}' (first used on line "
                    f"{first_line})",
                    loaded.location((field, index), fact_id),
                    "give each one its own id",
                )
            )
        else:
            seen[item_id] = index
    return errors
