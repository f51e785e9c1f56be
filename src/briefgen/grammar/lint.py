"""What a writer is told about a sentence whose names or date will not read right.

A bare ``{countries}`` prints CLDR's bare names: "Nous remercions Italie et États-Unis",
"We thank Italy and United States". Where the language's grammar file has forms, the
word before the placeholder says which the sentence needs (its ``lint:`` table): "de
{countries}" should be ``{countries:of}``, a sentence start or a verb ``{countries:def}``.
``{countries:bare}`` says the bare names are meant (a list heading). A word before
``{date}`` that does not fit the date's precision ("en {date}" with a day) is flagged the
same way, from the file's ``dates:`` table. Each piece of advice shows what the sentence
prints now and what it would print, with the fact's own countries, subject, date and value
(:meth:`briefgen.grammar.Grammar.values`, as the documents print them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from briefgen import placeholders
from briefgen.dates import PartialDate
from briefgen.grammar import Grammar

_LAST_WORD = re.compile(r"(\S*?)(\s*)$")
_LEAD_WORDS = 5  # words shown before the one that matters


@dataclass(frozen=True)
class Advice:
    """One sentence to mend: ``code`` is ``bare-name``, ``wrong-form`` or
    ``date-preposition``."""

    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Sentence:
    """A text to advise on, with what its placeholders stand for."""

    text: str
    tag: str  # the language of the text
    countries: Sequence[str]  # the fact's countries
    subject: str  # the base's subject
    date: PartialDate | None
    value: float | None = None  # the fact's value


def advise(sentence: Sentence, grammar: Grammar) -> Iterator[Advice]:
    """The advice for ``sentence`` in a language of grammar ``grammar``."""
    if "{" not in sentence.text or not grammar.rules:
        return
    try:
        segments = placeholders.parse(sentence.text)
    except ValueError:
        return  # validation reports it
    before = ""
    for literal, field in segments:
        before += literal
        if field is not None and field.name in placeholders.WITH_FORMS:
            yield from _names(before, field, sentence, grammar)
        elif field is not None and field.name == "date" and sentence.date is not None:
            yield from _date(before, sentence, grammar)
        if field is not None:
            before += str(field)


def _names(before: str, field: placeholders.Field, sentence: Sentence,
           grammar: Grammar) -> Iterator[Advice]:
    if field.form == placeholders.BARE:
        return  # asked for on purpose
    word, gap = _word_before(before)
    written = f"{word}{gap}{field}"
    suggested = grammar.lint.after.get(word.lower())
    if suggested is None and field.form is not None:
        return  # a form after a word that does not decide: the writer chose it
    if suggested is None:  # not a word that decides: the definite form, word kept
        suggested = written[:len(word + gap)] + grammar.lint.default
    suggested = suggested.replace("{name", "{" + field.name)
    if _same(written, suggested) or (field.form is None and _reads_bare(suggested, grammar)):
        return
    code = "bare-name" if field.form is None else "wrong-form"
    lead = _lead(before[:len(before) - len(word + gap)])
    now, then = lead + written, lead + suggested
    if field.form is not None and _render(now, sentence, grammar) == \
            _render(then, sentence, grammar):
        return  # another way to write what it prints (English "of {countries:def}")
    yield Advice(
        code,
        f"“{now}” prints “{_render(now, sentence, grammar)}”",
        f"write “{then}” (“{_render(then, sentence, grammar)}”)"
        + (f", or {{{field.name}:bare}} where the bare names are meant"
           if field.form is None else ""),
    )


def _date(before: str, sentence: Sentence, grammar: Grammar) -> Iterator[Advice]:
    assert sentence.date is not None
    word, gap = _word_before(before)
    precision = sentence.date.precision
    fitting = grammar.dates.get(precision, ())
    known = {w for words in grammar.dates.values() for w in words}
    if word.lower() not in known or word.lower() in fitting:
        return
    lead = _lead(before[:len(before) - len(word + gap)])
    now = f"{lead}{word}{gap}{{date}}"
    then = f"{lead}{fitting[0]} {{date}}" if fitting else f"{lead}{{date}}"
    what = {"day": "a day", "month": "a month", "year": "a year"}[precision]
    takes = f"“{fitting[0]}”" if fitting else "no word before it"
    yield Advice(
        "date-preposition",
        f"“{now}” prints “{_render(now, sentence, grammar)}”",
        f"{what} takes {takes}: write “{then}” (“{_render(then, sentence, grammar)}”)",
    )


def _word_before(before: str) -> tuple[str, str]:
    """The word just before a placeholder, and the space between them."""
    found = _LAST_WORD.search(before)
    assert found is not None
    word = found.group(1)
    return word.lstrip("«“\"'(["), found.group(2)


def _lead(text: str) -> str:
    """The few words before, to show the sentence the advice is about."""
    return " ".join(text.split(" ")[-_LEAD_WORDS - 1:])


def _same(written: str, suggested: str) -> bool:
    return " ".join(written.split()) == " ".join(suggested.split())


def _reads_bare(suggested: str, grammar: Grammar) -> bool:
    """Whether the suggested form prints the bare names anyway (Arabic's definite form)."""
    fields = placeholders.fields(suggested)
    if len(fields) != 1 or fields[0].form is None:
        return False
    rule = grammar.rules.get(fields[0].form)
    return rule is not None and rule.each == "bare" and not rule.before


def _render(text: str, sentence: Sentence, grammar: Grammar) -> str:
    """``text`` as the document prints it, with the fact's countries, subject, date and
    value (in the locale's digits and separators)."""
    values = grammar.values([text], sentence.tag, sentence.countries, sentence.subject,
                            sentence.date, sentence.value)
    return placeholders.fill(text, values, grammar.seam)
