"""Translation state: which texts of a fact base are missing or outdated in which language.

A fact base is written in its ``source_language`` (default: the first of ``languages``);
its other languages are translations. Each translation records, under ``translated_from:``,
a short hash of the source text it was made from, per field and language::

    translated_from:
      text: {en: 3f2a9c1e, ar: 3f2a9c1e}
      talking_point: {en: 9b1d22e0, ar: 9b1d22e0}

When the source text changes, its hash no longer matches: the translation is *outdated*.
A base without any stamp is not tracked (its translations are taken as current) until
``briefgen translate stamp`` or a first import stamps it; from then on a translation
without a stamp is reported as outdated too.

A text missing in a language is a warning for ``check``; it is an error only where a pack
needs it (a pack language, a fact the pack selects): briefgen never prints one language's
text in another language's document. An outdated translation is a warning, and an error
for a pack that sets ``allow_outdated_translations: false``.

This module owns that state, the findings and errors ``check``, ``validate`` and the build
report from it (:class:`TranslationError`), and imports nothing else of the package: the
workflow (:mod:`briefgen.translation.workflow`) and the exchange files
(:mod:`briefgen.translation.exchange`) are built on it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from briefgen import i18n
from briefgen.errors import LocatedError, Location
from briefgen.load import Loaded, Project
from briefgen.model import Fact, FactBase, Pack, selected_facts
from briefgen.yamlfile import PathKey

HASH_LENGTH = 8
FACT_FIELDS = ("text", "talking_point", "if_raised", "label")
PLACEHOLDER_FIELDS = ("text", "talking_point", "if_raised")  # fields that take {date} etc.
Status = Literal["current", "missing", "outdated", "unstamped"]


class TranslationError(LocatedError):
    """A translation a pack needs is missing or outdated; ``check`` reports it as ``code``."""

    def __init__(self, message: str, location: Location, hint: str | None = None,
                 code: str = "translation-missing") -> None:
        super().__init__(message, location, hint)
        self.code = code
        self.args = (message, location, hint, code)


def source_hash(text: str) -> str:
    """The short hash a translation records of its source text. Whitespace runs count as
    one space, so re-wrapping a folded text in the YAML does not outdate its translations."""
    normalized = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def source_language(base: FactBase) -> str:
    return base.source_language or base.languages[0]


@dataclass(frozen=True)
class Translatable:
    """One localized text of a fact base (a fact's field, a source's title, a heading),
    in every language, with the stamps of its translations."""

    base_id: str
    key: tuple[str, ...]  # ('fact', id, field), ('title',), ('section', id), ('source', id,
    # field), ('person', id, field), ('person', id, 'bio', fact id, field)
    path: PathKey  # where the texts are in the YAML file
    stamp_path: PathKey  # where their stamps are (or go)
    texts: Mapping[str, str]
    stamps: Mapping[str, str]
    fact: Fact | None = None

    @property
    def context(self) -> str:
        """What identifies the text across an export and an import: ``base/fact/id/field``."""
        return "/".join((self.base_id, *self.key))

    @property
    def field(self) -> str:
        """The field as a user names it: ``text``, ``title``, ``sections.principles``."""
        if self.key[0] == "fact":
            return self.key[2]
        if self.key[0] == "person":
            return self.key[-1] if self.is_bio else f"people.{self.key[1]}.{self.key[2]}"
        if self.key[0] == "section":
            return f"sections.{self.key[1]}"
        if self.key[0] == "source":
            return f"sources.{self.key[1]}.{self.key[2]}"
        return self.key[0]

    @property
    def is_bio(self) -> bool:
        """A field of a fact of a person's biography."""
        return self.key[0] == "person" and len(self.key) == 5

    @property
    def takes_placeholders(self) -> bool:
        return (self.key[0] == "fact" or self.is_bio) and self.key[-1] in PLACEHOLDER_FIELDS

    @property
    def fact_id(self) -> str | None:
        if self.key[0] == "fact":
            return self.key[1]
        if self.is_bio:
            return f"{self.key[1]}/{self.key[3]}"
        return self.key[1] if self.key[0] == "person" else None

    def status(self, lang: str, source: str, tracked: bool) -> Status:
        """Whether the ``lang`` translation exists and was made from the current source."""
        if lang not in self.texts:
            return "missing"
        stamp = self.stamps.get(lang)
        if stamp is None:
            return "unstamped" if tracked else "current"
        return "current" if stamp == source_hash(self.texts[source]) else "outdated"


def translatables(base: FactBase) -> list[Translatable]:
    """Every localized text of ``base`` (plain, language-neutral strings are left out)."""
    return [*_base_texts(base), *_source_texts(base), *_fact_texts(base), *_people_texts(base)]


def _base_texts(base: FactBase) -> Iterator[Translatable]:
    stamps = base.translated_from
    for name in ("title", "place"):
        texts = getattr(base, name)
        if texts:
            yield Translatable(base.id, (name,), (name,), ("translated_from", name), texts,
                               getattr(stamps, name) if stamps else {})
    for section_id, heading in base.sections.items():
        yield Translatable(
            base.id, ("section", section_id), ("sections", section_id),
            ("translated_from", "sections", section_id), heading,
            stamps.sections.get(section_id, {}) if stamps else {},
        )


def _source_texts(base: FactBase) -> Iterator[Translatable]:
    for index, source in enumerate(base.sources):
        for name in ("title", "place"):
            texts = getattr(source, name)
            if isinstance(texts, dict):
                stamps = source.translated_from
                yield Translatable(
                    base.id, ("source", source.id, name), ("sources", index, name),
                    ("sources", index, "translated_from", name), texts,
                    getattr(stamps, name) if stamps else {},
                )


def _fact_texts(base: FactBase) -> Iterator[Translatable]:
    for index, fact in enumerate(base.facts):
        for name in FACT_FIELDS:
            texts = getattr(fact, name)
            if texts:
                yield Translatable(
                    base.id, ("fact", fact.id, name), ("facts", index, name),
                    ("facts", index, "translated_from", name), texts,
                    getattr(fact.translated_from, name) if fact.translated_from else {},
                    fact,
                )


PERSON_FIELDS = ("name", "title", "organization")


def _people_texts(base: FactBase) -> Iterator[Translatable]:
    for index, person in enumerate(base.people):
        stamps = person.translated_from
        for name in PERSON_FIELDS:
            texts = getattr(person, name)
            if isinstance(texts, dict):
                yield Translatable(
                    base.id, ("person", person.id, name), ("people", index, name),
                    ("people", index, "translated_from", name), texts,
                    getattr(stamps, name) if stamps else {},
                )
        for bio_index, fact in enumerate(person.bio):
            where = ("people", index, "bio", bio_index)
            for name in FACT_FIELDS:
                texts = getattr(fact, name)
                if texts:
                    yield Translatable(
                        base.id, ("person", person.id, "bio", fact.id, name), (*where, name),
                        (*where, "translated_from", name), texts,
                        getattr(fact.translated_from, name) if fact.translated_from else {},
                        fact,
                    )


def is_tracked(base: FactBase) -> bool:
    """Whether any translation of ``base`` is stamped: then every one must be."""
    return any(text.stamps for text in translatables(base))


@dataclass(frozen=True)
class Gap:
    """A translation that is missing, outdated or not stamped."""

    text: Translatable
    lang: str
    status: Status
    source: str  # the base's source language


def gaps(base: FactBase, languages: tuple[str, ...] | None = None) -> list[Gap]:
    """Every translation of ``base`` (in ``languages``, default all) that is not current."""
    source = source_language(base)
    texts = translatables(base)
    tracked = any(text.stamps for text in texts)  # is_tracked, without listing them again
    found = []
    for text in texts:
        if source not in text.texts:
            continue  # reported by validation: nothing to translate from
        for lang in languages or base.languages:
            if lang != source:
                status = text.status(lang, source, tracked)
                if status != "current":
                    found.append(Gap(text, lang, status, source))
    return found


def counts(base: FactBase) -> dict[str, dict[str, int]]:
    """Per language other than the source: how many translations are missing, outdated."""
    source = source_language(base)
    result = {lang: {"missing": 0, "outdated": 0} for lang in base.languages if lang != source}
    for gap in gaps(base):
        result[gap.lang]["missing" if gap.status == "missing" else "outdated"] += 1
    return result


def describe(gap: Gap) -> tuple[str, str]:
    """What a finding says about ``gap``, and what to do."""
    field, lang, source = gap.text.field, gap.lang, gap.source
    export = f"`briefgen translate export --lang {lang}` and `import`"
    if gap.status == "missing":
        return f"'{field}' has no {lang} translation", f"translate it ({export})"
    if gap.status == "outdated":
        return (f"'{field}': the {lang} translation is outdated (the {source} text changed "
                "since it was translated)",
                f"update it ({export}: the old translation comes as a hint)")
    return (f"'{field}': the {lang} translation is not stamped, so briefgen cannot tell "
            f"which {source} text it translates",
            f"check it, then `briefgen translate stamp --base {gap.text.base_id}`, or {export}")


def gap_location(loaded: Loaded[FactBase], gap: Gap) -> Location:
    path = gap.text.path if gap.status == "missing" else (*gap.text.path, gap.lang)
    return loaded.location(path, gap.text.fact_id)


# Validation ------------------------------------------------------------------------------


def base_errors(loaded: Loaded[FactBase]) -> list[LocatedError]:
    """The source language is one of the base's; every text exists in it; stamps name
    languages that are translations."""
    base = loaded.model
    source = source_language(base)
    errors: list[LocatedError] = []
    if source not in base.languages:
        errors.append(LocatedError(
            f"the source language '{source}' is not one of the base's languages "
            f"({', '.join(base.languages)})", loaded.location(("source_language",)),
            "add it to languages: or name one of them"))
        return errors
    for text in translatables(base):
        if source not in text.texts:
            errors.append(LocatedError(
                f"'{text.field}' has no {source} text, and {source} is the language the base "
                "is written in", loaded.location(text.path, text.fact_id),
                f"add {source}: ... (the other languages are translated from it)"))
        for lang in text.stamps:
            if lang == source or lang not in base.languages:
                errors.append(LocatedError(
                    f"'translated_from': '{lang}' is not a language translated from {source}",
                    loaded.location((*text.stamp_path, lang), text.fact_id),
                    "remove it: stamps are written by `briefgen translate`"))
    return errors


def pack_errors(loaded: Loaded[Pack], project: Project) -> list[LocatedError]:
    """Every text the pack shows exists in each pack language; with
    ``allow_outdated_translations: false``, none of them is outdated."""
    pack = loaded.model
    errors: list[LocatedError] = []
    for base_id in pack.facts:
        base = project.bases.get(base_id)
        if base is None:
            continue  # reported by validate_pack
        for lang in pack.languages:
            if any(c in base.model.languages for c in i18n.fallbacks(lang)):
                errors += _needed(base, pack, lang)
    return errors


def _needed(base: Loaded[FactBase], pack: Pack, lang: str) -> list[LocatedError]:
    source = source_language(base.model)
    tracked = is_tracked(base.model)
    errors: list[LocatedError] = []
    for text in needed_texts(pack, base.model):
        if source not in text.texts:
            continue  # the base's own error
        picked = next((c for c in i18n.fallbacks(lang) if c in text.texts), None)
        if picked is None:
            errors.append(TranslationError(
                f"'{text.field}' has no translation for language {lang}, which pack "
                f"'{pack.id}' needs", base.location(text.path, text.fact_id),
                f"translate it (`briefgen translate export --lang {lang}`, then `import`), "
                "or leave the language or the fact out of the pack"))
        elif (not pack.allow_outdated_translations and picked != source
              and text.status(picked, source, tracked) != "current"):
            errors.append(TranslationError(
                f"'{text.field}': the {picked} translation is outdated, and pack '{pack.id}' "
                "sets allow_outdated_translations: false", base.location(
                    (*text.path, picked), text.fact_id),
                f"update it (`briefgen translate export --lang {picked}`, then `import`)",
                code="translation-outdated"))
    return errors


def needed_texts(pack: Pack, base: FactBase) -> list[Translatable]:
    """The texts of ``base`` that the pack's documents show: the base's title, place and
    headings, the selected facts, the people the pack names and the sources they cite."""
    facts = {fact.id for fact in selected_facts(pack, base)}
    named = {*pack.participants.theirs, *pack.participants.ours, pack.counterpart_person}
    cited = {ref for fact in base.facts if fact.id in facts for ref in fact.sources}
    cited |= {ref for person in base.people if person.id in named
              for fact in person.bio for ref in fact.sources}
    kept = []
    for text in translatables(base):
        kind, *rest = text.key
        if ((kind == "fact" and rest[0] not in facts)
                or (kind == "source" and rest[0] not in cited)
                or (kind == "person" and rest[0] not in named)):
            continue
        kept.append(text)
    return kept
