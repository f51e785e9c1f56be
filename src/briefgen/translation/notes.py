"""What an exported unit says to the translator (PO ``#.`` comments, XLIFF ``<note>``):
what the text is and where it prints; the placeholders to keep and what each stands for in
this fact, as printed in the target language (how many countries, the number, the date),
so that the words around them agree; the forms the target language's names take, and no
other; a caption's limit in characters; why a starting point needs checking."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefgen import i18n, placeholders
from briefgen.documents.fact_sheet import CAPTION_CHARACTERS
from briefgen.grammar import Grammar
from briefgen.model import Fact, FactBase
from briefgen.translation.state import Translatable

_FIELD_NOTES = {
    "text": "the fact as the background of the briefing note states it",
    "talking_point": "a line the minister says (a key message)",
    "if_raised": "a defensive line, said only if the counterpart raises the subject",
    "label": "a caption of a few words (timeline, key figures): keep it short",
    "title": "the title of the fact base",
    "place": "a place name",
    "section": "a heading of the background",
}
_PERSON_NOTES = {
    "name": "their name, as written in the target script",
    "title": "the post they hold",
    "organization": "the organization they work for",
}
_PLACEHOLDER_NOTES = {
    "date": "the fact's date", "countries": "the list of the fact's countries",
    "subject": "the country the base is about", "value": "the fact's number",
}


@dataclass(frozen=True)
class Target:
    """The language translated into, as the notes speak of it: its grammar, the base."""

    lang: str
    names: Grammar
    base: FactBase

    @property
    def language(self) -> str:
        return i18n.locale(self.lang).get_display_name("en") or self.lang


def notes(text: Translatable, source: str, state: str,
          fields: Sequence[placeholders.Field], target: Target) -> Iterable[str]:
    """What the unit says to the translator: what the text is, the placeholders to keep
    (``fields``, those of the source text) and what they stand for, what to agree, the
    caption's limit, why a starting point needs checking."""
    kind = text.key[0]
    if kind in ("fact", "person") and text.fact is not None:
        fact = text.fact
        dated = f", dated {fact.date.isoformat()}" if fact.date else ""
        whose = f" of the biography of {text.key[1]}" if text.is_bio else ""
        yield f"Fact {fact.id}{whose} ({fact.kind}{dated}): {_FIELD_NOTES[text.key[-1]]}."
    elif kind == "person":
        yield f"Person {text.key[1]}: {_PERSON_NOTES[text.key[2]]}."
    elif kind == "source":
        what = "title" if text.key[2] == "title" else "place of publication"
        yield f"Source {text.key[1]}: its {what}, as cited in the list of sources."
    else:
        yield f"{_FIELD_NOTES[kind].capitalize()}."
    yield from _caption_notes(text, source)
    if fields:
        meant = "; ".join(f"{f}: {_PLACEHOLDER_NOTES.get(f.name, 'filled in by briefgen')}"
                          for f in fields)
        yield (f"Keep every placeholder ({meant}); briefgen fills them in the translated "
               "language. Write {{ and }} for a literal brace.")
        yield from _value_notes(fields, text.fact, target)
        yield from _form_notes(fields, target)
    if state == "outdated":
        yield (f"The {source} text changed since the previous translation, given as a "
               "starting point: check it against the new text.")
    elif state == "unstamped":
        yield (f"The existing translation is not stamped: check it against the {source} "
               "text.")


def caption_limit(text: Translatable) -> int | None:
    """The most characters a translation of ``text`` may have: a dated fact's label, its
    caption on the fact sheet's timeline (longer, ``check`` warns)."""
    fact = text.fact
    if fact is None or text.is_bio or not fact.date or not fact.fact_sheet:
        return None
    return CAPTION_CHARACTERS if text.key[-1] == "label" else None


def _caption_notes(text: Translatable, source: str) -> Iterable[str]:
    """The limit of a timeline caption: a label's, or a short text that is its own."""
    fact, length = text.fact, len(text.texts[source])
    if caption_limit(text):
        yield (f"At most {CAPTION_CHARACTERS} characters (the {source} text has {length}): "
               "a caption on the fact sheet's timeline.")
    elif fact is not None and fact.date and fact.fact_sheet and not text.is_bio \
            and text.key[-1] == "text" and fact.label is None and length <= CAPTION_CHARACTERS:
        yield (f"This text is also its caption on the fact sheet's timeline while it is at "
               f"most {CAPTION_CHARACTERS} characters long (the {source} text has {length}).")


def _value_notes(fields: Sequence[placeholders.Field], fact: Fact | None,
                 target: Target) -> Iterable[str]:
    """What each placeholder stands for in this fact, as printed in the target language:
    what the words around it agree with (how many countries, the number)."""
    lang, names = target.lang, target.names
    for name in dict.fromkeys(field.name for field in fields):
        if name == "countries" and fact is not None and fact.countries:
            count = len(fact.countries)
            yield (f"{{countries}} stands for {count} "
                   f"{'country' if count == 1 else 'countries (a plural)'}: "
                   f"{names.countries(fact.countries, None, lang)} "
                   f"({', '.join(fact.countries)}).")
        elif name == "subject":
            yield (f"{{subject}} stands for {names.name(target.base.subject, 'bare', lang)} "
                   f"({target.base.subject}).")
        elif name == "value" and fact is not None and fact.value is not None:
            yield (f"{{value}} is printed “{i18n.format_number(fact.value, lang)}” in "
                   f"{target.language}: make the words that count with it agree.")
        elif name == "date" and fact is not None and fact.date is not None:
            yield (f"{{date}} is printed “{i18n.format_partial_date(fact.date, lang)}” in "
                   f"{target.language} (a {fact.date.precision}): choose the preposition that "
                   "fits it.")


def _form_notes(fields: Sequence[placeholders.Field], target: Target) -> Iterable[str]:
    """The forms the target language's names take, and only those."""
    named = list(dict.fromkeys(f.name for f in fields if f.name in placeholders.WITH_FORMS))
    if not named:
        return
    forms = target.names.forms
    written = ", ".join(str(placeholders.Field(name, form))
                        for name in named for form in (None, *forms))
    if forms:
        yield (f"In {target.language} these are written {written}: the form after the "
               "colon may change to suit your sentence (def: with the article, of: after "
               "'of', in: after 'in'); no other form.")
    else:
        yield (f"{target.language} has no forms of names in briefgen: write {written} "
               "without a colon and a form.")
