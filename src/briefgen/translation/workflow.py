"""The translation workflow for fact bases: stamp, export, import.

- :func:`stamp` records every existing translation as made from the current source text.
- :func:`export` writes what needs translating into one language (missing and outdated
  texts, or all) as a PO or XLIFF file for a translation service.
- :func:`import_translations` writes a translated file back into the YAML fact bases,
  changing nothing but the translated texts and their stamps. Every unit is checked first
  (known text, unchanged source, placeholders kept, no control or bidi character); one bad
  unit and nothing is written.

Only ``facts/`` is read: a pack that cannot build yet (a translation it needs is missing)
does not stop its translation.

This module owns the commands and the checks of an incoming translation; the safe
write-back into the YAML files is :mod:`briefgen.translation.writeback`'s, which
translations are missing or outdated :mod:`briefgen.translation.state`'s, the PO and XLIFF
files and what they say to the translator :mod:`briefgen.translation.exchange`'s.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from briefgen import clock, i18n, placeholders, writes
from briefgen.errors import BriefgenError, LocatedError, Location, ValidationFailed, display_path
from briefgen.fields import forbidden_character
from briefgen.fsutil import inside
from briefgen.grammar import Grammar, grammar_for
from briefgen.load import PROJECT_FOLDERS, Loaded, load_file, project_limits
from briefgen.model import FactBase
from briefgen.translation import exchange, writeback
from briefgen.translation.exchange import Format, IncomingUnit
from briefgen.translation.state import (
    Translatable,
    is_tracked,
    source_hash,
    source_language,
    translatables,
)
from briefgen.translation.writeback import Edits
from briefgen.validate import validate_base
from briefgen.yamlfile import Limits


class TranslateUsageError(BriefgenError):
    """The command asked for something the fact bases do not have (a base, a language)."""


# Loading --------------------------------------------------------------------------------


def load_bases(root: str | Path, base_ids: Sequence[str] = ()) -> list[Loaded[FactBase]]:
    """The fact bases under ``root/facts`` (those named, or all), validated on their own;
    read as ``check`` reads them (a link to a file inside the project, the project's
    limits)."""
    root = Path(root).resolve()
    errors: list[LocatedError] = []
    limits = project_limits(root, errors)
    bases: dict[str, Loaded[FactBase]] = {}
    for path in sorted([*(root / "facts").glob("*.yaml"), *(root / "facts").glob("*.yml")]):
        try:
            loaded = load_file(path, display_path(path, root), FactBase, root, limits)
        except LocatedError as error:
            errors.append(error)
            continue
        except ValidationFailed as failed:
            errors += failed.errors
            continue
        errors += validate_base(loaded)
        bases[loaded.model.id] = loaded
    unknown = [base_id for base_id in base_ids if base_id not in bases]
    if errors:
        raise ValidationFailed(errors)
    if unknown:
        known = ", ".join(sorted(bases)) or "none"
        raise TranslateUsageError(f"no fact base with id {', '.join(unknown)} (the bases in "
                                  f"facts/: {known})")
    return [bases[i] for i in (base_ids or sorted(bases))]


# Editing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One translation written: its text (``translated``, ``updated``) or only its stamp
    (``stamped``: the text was confirmed as it is)."""

    file: str
    line: int | None
    context: str
    lang: str
    what: Literal["translated", "updated", "stamped"]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.context} [{self.lang}] {self.what}"


def _project(root: str | Path) -> tuple[Path, Limits]:
    """The project folder, resolved, and its limits (``briefgen.yaml``); a write into its
    bases that a stopped command left half done is first finished or undone."""
    project = Path(root).resolve()
    writeback.recover(project)
    return project, project_limits(project)


# Stamp ----------------------------------------------------------------------------------


def stamp(root: str | Path, base_ids: Sequence[str] = ()) -> list[Change]:
    """Record every existing translation in the bases as made from the current source."""
    edits = []
    changes = []
    project, limits = _project(root)
    for loaded in load_bases(project, base_ids):
        edit = Edits(loaded, project, limits)
        source = source_language(loaded.model)
        for text in translatables(loaded.model):
            for lang in text.texts:
                if lang != source and text.stamps.get(lang) != source_hash(text.texts[source]):
                    edit.stamps.append((text, lang))
                    changes.append(_change(loaded, text, lang, "stamped"))
        edits.append(edit)
    writeback.write(edits, project)
    return changes


def _change(loaded: Loaded[FactBase], text: Translatable, lang: str,
            what: Literal["translated", "updated", "stamped"]) -> Change:
    where = loaded.location((*text.path, lang), text.fact_id)
    return Change(where.file, where.line, text.context, lang, what)


# Export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    path: Path
    format: Format
    units: int
    bases: tuple[str, ...]


def export(root: str | Path, lang: str, out: str | Path, *, base_ids: Sequence[str] = (),
           fmt: str | None = None, everything: bool = False,
           now: dt.datetime | None = None) -> Exported:
    """Write the texts of the bases that need translating into ``lang`` (missing, outdated,
    not stamped; every text with ``everything``) to ``out`` as PO or XLIFF; a PO file's
    header records ``now`` (default: :func:`briefgen.clock.now`). When there is nothing to
    translate (no text missing or outdated, and not ``everything``), nothing is written:
    the result has no ``units``."""
    out = Path(out)
    root, _ = _project(root)
    _check_export(out, root)
    chosen = exchange.format_for(out, fmt)
    bases = [b for b in load_bases(root, base_ids) if lang in b.model.languages]
    if not bases:
        raise TranslateUsageError(f"no fact base has the language '{lang}' (add it to a "
                                  "base's languages: to translate into it)")
    bases = [b for b in bases if source_language(b.model) != lang]
    if not bases:
        raise TranslateUsageError(f"'{lang}' is the language the fact bases are written in: "
                                  "there is nothing to translate into it")
    names = grammar_for(root / "templates", lang)  # which forms the notes offer
    outgoing = [exchange.outgoing(base, lang, everything, names) for base in bases]
    if not any(file.units for file in outgoing):
        return Exported(out, chosen, 0, ())
    files = [file for file in outgoing if file.units] or outgoing[:1]  # no empty <file>
    ids = tuple(base.model.id for base, file in zip(bases, outgoing, strict=True) if file.units)
    data = exchange.write(files, lang, chosen, ", ".join(ids), now or clock.now())
    writes.write({out: data}, within=out.parent)
    return Exported(out, chosen, sum(len(f.units) for f in files), ids)


def _check_export(out: Path, root: Path) -> None:
    """Refuse to write the exported texts over the project's own files, or over anything
    that is not a regular file (a link, a FIFO, a device, a folder)."""
    for name in PROJECT_FOLDERS:
        if inside(out.parent, root / name) is not None:
            raise TranslateUsageError(
                f"{out} is inside the project's {name}/: write the file to translate "
                "elsewhere (e.g. ar.po in the project's folder)")
    what = _not_a_file(out, missing_ok=True)
    if what:
        raise TranslateUsageError(f"{out} is {what}: give the path of a new file, or of "
                                  "a file to replace")


def _not_a_file(path: Path, missing_ok: bool = False) -> str | None:
    """What ``path`` is if it is not a regular file (a link, a FIFO, a device, a folder),
    told without opening it; None for a regular file."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        if missing_ok:
            return None
        raise TranslateUsageError(f"{path}: no such file") from None
    except OSError as error:
        raise TranslateUsageError(f"{path}: {error.strerror}") from None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file (a FIFO, a device or a socket)"


# Import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    changes: tuple[Change, ...]
    language: str
    unchanged: int  # translated units identical to what the base has
    untranslated: int  # units with an empty target
    needs_review: int  # units still marked fuzzy / needing review: not imported


def import_translations(root: str | Path, path: str | Path) -> Imported:
    """Write the translations of a PO or XLIFF file back into the fact bases.

    Raises :class:`ValidationFailed` listing every refused unit (nothing is written then).
    """
    path = Path(path)
    what = _not_a_file(path)
    if what:
        raise TranslateUsageError(f"{path} is {what}: give the path of the PO or XLIFF file "
                                  "itself")
    incoming = exchange.read(path, str(path))
    project, limits = _project(root)
    bases = {loaded.model.id: loaded for loaded in load_bases(project)}
    errors: list[LocatedError] = []
    if not incoming.language:
        raise ValidationFailed([LocatedError(
            "the file does not say which language it is in", Location(str(path)),
            "a PO file needs a Language: header, an XLIFF file one target-language")])
    names = (grammar_for(project / "templates", incoming.language)
             if i18n.check_locale(incoming.language) is None else Grammar(incoming.language))
    edits = {base_id: Edits(loaded, project, limits) for base_id, loaded in bases.items()}
    changes: list[Change] = []
    counts = {"unchanged": 0, "untranslated": 0, "needs_review": 0}
    seen: set[str] = set()
    for unit in incoming.units:
        if not unit.target.strip():
            counts["untranslated"] += 1
            continue
        if unit.needs_review:
            counts["needs_review"] += 1
            continue
        try:
            change = _take(unit, incoming.language, names, bases, edits, seen)
        except LocatedError as error:
            errors.append(error)
            continue
        if change is None:
            counts["unchanged"] += 1
        else:
            changes.append(change)
    if errors:
        raise ValidationFailed(errors)
    for edit in edits.values():
        if edit and not is_tracked(edit.loaded.model):
            changes += _start_tracking(edit)
    writeback.write(list(edits.values()), project)
    return Imported(tuple(changes), incoming.language, **counts)


def _take(unit: IncomingUnit, lang: str, names: Grammar, bases: dict[str, Loaded[FactBase]],
          edits: dict[str, Edits], seen: set[str]) -> Change | None:
    """Check one unit and queue its edit; None when the base already has it, current."""
    text, loaded = _resolve(unit, bases)
    base = loaded.model
    source = source_language(base)
    where = unit.where

    def refuse(message: str, hint: str | None = None) -> LocatedError:
        return LocatedError(f"{unit.context}: {message}",
                            Location(where.file, where.line, text.fact_id), hint)

    if lang == source or lang not in base.languages:
        raise refuse(f"'{lang}' is not a language base {base.id} is translated into "
                     f"({', '.join(lang for lang in base.languages if lang != source)})")
    if unit.context in seen:
        raise refuse("the file translates this text twice", "keep one of the two units")
    seen.add(unit.context)
    if source_hash(unit.source) != source_hash(text.texts[source]):
        raise refuse(f"the {source} text changed since this file was exported",
                     f"export again (`briefgen translate export --lang {lang}`): the new "
                     "text comes with this translation as a hint")
    target = unit.target.strip()
    problem = _text_problem(target, text.texts[source], text.takes_placeholders) or (
        _form_problem(target, names) if text.takes_placeholders else None)
    if problem:
        raise refuse(problem)
    target = _ending_as(text.texts.get(lang), target)
    current = text.stamps.get(lang) == source_hash(text.texts[source])
    if text.texts.get(lang) == target and (current or not is_tracked(base)):
        return None
    edit = edits[base.id]
    what: Literal["translated", "updated", "stamped"] = "stamped"
    if text.texts.get(lang) != target:
        edit.texts.append((text, lang, target))
        what = "updated" if lang in text.texts else "translated"
    edit.stamps.append((text, lang))
    return _change(loaded, text, lang, what)


def _ending_as(old: str | None, new: str) -> str:
    """``new`` (stripped) as it replaces ``old``: ``old`` itself when only the whitespace
    around them differs (a ``|`` or ``>`` text ends with a line break, which the import
    drops); else ending with ``old``'s final line break, if it has one (the block keeps
    its ending: ``|`` does not become ``|-``)."""
    if old is None:
        return new
    if old.strip() == new:
        return old
    return new + "\n" if old.endswith("\n") else new


def _start_tracking(edit: Edits) -> list[Change]:
    """A base nobody stamped yet takes its translations as current: stamp them all as the
    import stamps its first ones, so that they stay current."""
    loaded = edit.loaded
    source = source_language(loaded.model)
    queued = {(text.context, lang) for text, lang in edit.stamps}
    changes = []
    for text in translatables(loaded.model):
        for lang in text.texts:
            if lang != source and (text.context, lang) not in queued:
                edit.stamps.append((text, lang))
                changes.append(_change(loaded, text, lang, "stamped"))
    return changes


def _resolve(unit: IncomingUnit,
             bases: dict[str, Loaded[FactBase]]) -> tuple[Translatable, Loaded[FactBase]]:
    base_id = unit.context.partition("/")[0]
    loaded = bases.get(base_id)
    if loaded is not None:
        for text in translatables(loaded.model):
            if text.context == unit.context:
                return text, loaded
    what = f"no fact base '{base_id}' in facts/" if loaded is None else "no such text"
    raise LocatedError(f"{unit.context}: {what}", unit.where,
                       "was it renamed or removed since the export? Export again")


def _text_problem(target: str, source: str, takes_placeholders: bool) -> str | None:
    """Why ``target`` cannot stand for ``source`` in a fact base, or None."""
    problem = forbidden_character(target)
    if problem:
        return f"the translation contains a {problem}; remove it"
    if not takes_placeholders:
        return None
    try:  # as written, known or not: a misspelt name is told as such, not as unknown
        wanted, found = placeholders.written(source), placeholders.written(target)
    except ValueError as error:
        return f"the translation's braces do not parse: {error}; write {{{{ and }}}} for " \
               "a literal brace"
    # A placeholder's grammatical form (after ':') may change with the language: French
    # "aux côtés {countries:of}", English "alongside {countries:def}". Its name may not.
    dropped = [field for field, name in wanted.items() if name not in found.values()]
    added = [field for field, name in found.items() if name not in wanted.values()]
    if dropped and added:
        return f"the translation has {', '.join(added)} where the source has " \
               f"{', '.join(dropped)}; keep the placeholders as written"
    if dropped:
        return f"the translation drops the placeholder{'s' * (len(dropped) > 1)} " \
               f"{', '.join(dropped)}; keep it as written"
    if added:
        return f"the translation adds the placeholder{'s' * (len(added) > 1)} " \
               f"{', '.join(added)}, which the source does not have"
    try:
        placeholders.parse(target)
    except ValueError as error:
        return f"the translation's placeholders do not parse: {error}"
    return None


def _form_problem(target: str, names: Grammar) -> str | None:
    """A form (``{countries:of}``) the translated language's grammar does not define, which
    ``check`` and ``build`` would refuse: refused here, with the forms it has."""
    undefined = [f for f in placeholders.fields(target) if f.form and not names.has_form(f.form)]
    if not undefined:
        return None
    language = i18n.locale(names.language).get_display_name("en") if \
        i18n.check_locale(names.language) is None else names.language
    shown = ", ".join(map(str, undefined))
    usable = ", ".join(str(placeholders.Field(name, form))
                       for name in dict.fromkeys(f.name for f in undefined)
                       for form in (None, *names.forms))
    if names.source is None:
        return (f"the translation writes {shown}, but names take no forms in {language} "
                f"(no grammar file for it): write {usable}")
    return (f"the translation writes {shown}, a form {names.source} does not define for "
            f"{language}: write {usable}")
