"""Sentences whose names or date will not read right: a bare ``{countries}`` where the
sentence needs a form, a form after the wrong word, "en {date}" for a day
(:mod:`briefgen.grammar.lint` gives the advice; here it is located and kept per file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from briefgen.check.report import Finding
from briefgen.grammar import grammar_path
from briefgen.grammar.checks import Grammars
from briefgen.grammar.lint import Sentence, advise
from briefgen.load import Loaded
from briefgen.model import FactBase

FIELDS = ("text", "talking_point", "if_raised", "label")


def grammar_key(loaded: Loaded[FactBase], templates: Path, seen: dict[str, str]) -> str:
    """What the advice on the base depends on besides the base: the grammar files of the
    languages its texts are in (their times and sizes). ``seen``: each language's part,
    kept across the bases of one check."""
    langs = sorted({lang for fact in loaded.model.facts for field in FIELDS
                    for lang in (getattr(fact, field) or {})})
    for lang in langs:
        if lang not in seen:
            found = grammar_path(templates, lang)
            if found is None:
                seen[lang] = ""
                continue
            stat = found[0].stat()
            seen[lang] = f"{found[0]}:{stat.st_mtime_ns}:{stat.st_size}"
    return "\0".join(seen[lang] for lang in langs if seen[lang])


def sentence_findings(loaded: Loaded[FactBase], grammars: Grammars) -> list[Finding]:
    """The advice on every text of the base, by the grammars of the project's templates
    (kept with the base by :mod:`briefgen.check`, worked out again when the base or a
    grammar file it is read with changes)."""
    return list(_advice(loaded, grammars))


def _advice(loaded: Loaded[FactBase], grammars: Grammars) -> Iterator[Finding]:
    base = loaded.model
    for index, fact in enumerate(base.facts):
        for field in FIELDS:
            for lang, text in (getattr(fact, field) or {}).items():
                grammar = grammars.get(lang) if "{" in text else None
                if grammar is None:
                    continue
                sentence = Sentence(text, lang, fact.countries, base.subject, fact.date,
                                    fact.value)
                for advice in advise(sentence, grammar):
                    yield Finding.at("warning", advice.code, f"'{field}.{lang}': "
                                     f"{advice.message}",
                                     loaded.fact_location(index, field, lang), advice.hint)
