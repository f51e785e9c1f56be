"""A fact base's ``{countries:of}``-like forms checked against each language's grammar."""

from __future__ import annotations

from pathlib import Path

from briefgen import i18n, placeholders
from briefgen.errors import LocatedError, Location, ValidationFailed
from briefgen.grammar import Grammar, grammar_for
from briefgen.load import Loaded
from briefgen.model import FactBase


class Grammars:
    """The grammar of each language, read once; a broken grammar file is reported once."""

    def __init__(self, project_templates: Path) -> None:
        self.templates = project_templates
        self.errors: list[LocatedError] = []
        self._by_tag: dict[str, Grammar | None] = {}

    def get(self, tag: str) -> Grammar | None:
        """The grammar of ``tag``, or None if its file is broken (and reported)."""
        if tag not in self._by_tag:
            try:
                self._by_tag[tag] = grammar_for(self.templates, tag)
            except ValidationFailed as failed:
                self._record(failed.errors)
                self._by_tag[tag] = None
            except LocatedError as error:
                self._record([error])
                self._by_tag[tag] = None
        return self._by_tag[tag]

    def _record(self, errors: list[LocatedError]) -> None:
        self.errors += [error for error in errors if str(error) not in map(str, self.errors)]


def check_forms(loaded: Loaded[FactBase], langs: tuple[str, ...],
                grammars: Grammars) -> list[LocatedError]:
    """Every ``{countries:of}``-like form in the texts that ``langs`` read is one that the
    language's grammar defines."""
    errors: list[LocatedError] = []
    for lang in langs:
        if i18n.check_locale(lang) is not None:
            continue
        candidates = i18n.fallbacks(lang)
        for index, fact in enumerate(loaded.model.facts):
            for field_name in ("text", "talking_point"):
                texts = getattr(fact, field_name) or {}
                key = next((c for c in candidates if c in texts), None)
                if key is None or "{" not in texts[key]:  # no placeholder
                    continue
                errors += _undefined_forms(texts[key], f"{field_name}.{key}", lang,
                                           loaded.fact_location(index, field_name, key),
                                           grammars)
    return errors


def _undefined_forms(text: str, field: str, lang: str, where: Location,
                     grammars: Grammars) -> list[LocatedError]:
    wanted = [f for f in placeholders.fields(text) if f.form]
    if not wanted:
        return []
    found = grammars.get(lang)
    if found is None:
        return []
    missing = [f for f in wanted if f.form and not found.has_form(f.form)]
    if not missing:
        return []
    names = sorted({f.name for f in missing})
    defined = (None, *found.forms)
    existing = ", ".join(str(placeholders.Field(name, form)) for name in names
                         for form in defined)
    shown = ", ".join(str(f) for f in missing)
    verb = "are not forms" if len(missing) > 1 else "is not a form"
    if found.source is None:
        what = f"{verb} in '{lang}', which has no grammar file"
        hint = (f"use {existing}, or add templates/grammar/{lang.split('_')[0]}.yaml "
                "defining the form (briefgen's own fr.yaml and en.yaml are models)")
    else:
        what = f"{verb} that {found.source} defines"
        forms = ", ".join(f"'{f.form}:'" for f in missing)
        hint = f"use {existing}, or add {forms} under 'forms:' in {found.source}"
    return [LocatedError(f"'{field}': {shown} {what}; its forms: {existing}", where, hint)]
