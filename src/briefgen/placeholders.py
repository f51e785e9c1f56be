"""Placeholders in fact text: ``{date}``, ``{countries}``, ``{subject}``, ``{value}``.

``{countries}`` and ``{subject}`` also come in grammatical forms named by their role, the
same names in every language: ``{countries:def}`` (definite: "les États-Unis", "the
United States"), ``{countries:of}`` ("des États-Unis", "of the United States") and
``{countries:in}`` ("aux États-Unis", "in the United States") and ``{countries:to}``
("aux États-Unis", "to the United States": French "à", Spanish "a", Arabic "لـ", the German
dative). ``{countries:bare}`` asks for the bare names on purpose (a list heading), where
``{countries}`` is probably a form forgotten (``briefgen check`` says which). Which forms a
language has is its grammar file's business (:mod:`briefgen.grammar`); here a form is only
parsed.

Fact text is data: it is parsed here, never handed to ``str.format`` or to Jinja, so
``{date.__class__}`` or ``{{ 7*7 }}`` can do nothing but fail validation or stay text.
``{{`` and ``}}`` are literal braces. A value that opens a sentence (or follows "¿" or "¡")
is capitalized.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass

PLACEHOLDERS = ("date", "countries", "subject", "value")
FORMS = ("def", "of", "in", "to", "bare")  # grammatical forms, for the names below
BARE = "bare"  # the bare names, asked for on purpose: every language has it
WITH_FORMS = ("countries", "subject")


@dataclass(frozen=True)
class Field:
    """One placeholder: its name and grammatical form (None: the bare value)."""

    name: str
    form: str | None = None

    @property
    def key(self) -> str:
        """``countries`` or ``countries:of``: how the field is written, and its value's key."""
        return f"{self.name}:{self.form}" if self.form else self.name

    def __str__(self) -> str:
        return "{" + self.key + "}"


Segment = tuple[str, Field | None]  # literal text, then a placeholder or None


def parse(text: str) -> list[Segment]:
    """Split ``text`` into literal text and placeholders; ``ValueError`` if malformed."""
    if "{" not in text and "}" not in text:  # most texts: no need to parse them
        return [(text, None)] if text else []
    segments: list[Segment] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(f"{error}; write {{{{ and }}}} for literal braces") from None
    for literal, name, spec, conversion in parsed:
        if name is None:
            segments.append((literal, None))
            continue
        segments.append((literal, _field(name, spec or None, conversion)))
    return segments


def _field(name: str, form: str | None, conversion: str | None) -> Field:
    written = _written(name, form, conversion)
    if name not in PLACEHOLDERS or conversion:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise ValueError(f"unknown placeholder {written}; use one of {known}")
    if form is not None and (name not in WITH_FORMS or form not in FORMS):
        if name not in WITH_FORMS:
            raise ValueError(f"unknown placeholder {written}: {{{name}}} has no forms")
        known = ", ".join("{" + f"{name}:{f}" + "}" for f in FORMS)
        raise ValueError(f"unknown placeholder {written}; its forms are {{{name}}}, {known}")
    return Field(name, form)


def _written(name: str, form: str | None, conversion: str | None) -> str:
    """A placeholder as the text writes it: ``{countries:of}``, ``{date!r}``."""
    return "{" + name + (f"!{conversion}" if conversion else "") + (
        f":{form}" if form else "") + "}"


def written(text: str) -> dict[str, str]:
    """Every placeholder of ``text`` as written, in order, each once, with its name:
    ``{"{countries:of}": "countries"}``. Unlike :func:`parse`, it does not judge them:
    ``{datte}`` and ``{date:short}`` are listed, so that a translation can be compared with
    its source by name before its placeholders are checked. ``ValueError`` (Python's own
    reason, without a hint) if the braces do not parse."""
    found: dict[str, str] = {}
    for _, name, form, conversion in string.Formatter().parse(text):
        if name is not None:
            found.setdefault(_written(name, form or None, conversion), name)
    return found


def fields(text: str) -> list[Field]:
    """The placeholders of ``text``, in order, each once."""
    return list(dict.fromkeys(field for _, field in parse(text) if field))


def names(text: str) -> set[str]:
    return {field.name for field in fields(text)}


# The end of a sentence: text that is empty (but for opening quotes and brackets), or ends
# with terminal punctuation (and closing quotes or brackets), then space.
_SENTENCE_START = re.compile(
    r"(?:(?:^|[.!?…。！？؟।]['\"’”»)\]]*\s+)['\"‘“«(\[\s]*|[¿¡]['\"‘“«(\[]*)$"
)

# How the text before a value and the value meet (elision, contraction: "que " + "Israël"
# -> "qu’" + "Israël"): the two parts, rewritten.
Seam = Callable[[str, str], tuple[str, str]]


def opens_sentence(before: str) -> bool:
    """Whether a value placed after ``before`` opens a sentence."""
    return bool(_SENTENCE_START.search(before))


def fill(text: str, values: Mapping[str, str | None], seam: Seam | None = None) -> str:
    """``text`` with each placeholder replaced by its (already localized) value, looked up
    by :attr:`Field.key`; a value that opens a sentence gets a capital first letter, and a
    full stop typed after a value that ends with one is not doubled. ``seam`` rewrites
    where the text before a value meets it (a language's elisions)."""
    done = ""
    value: str | None = None
    for literal, field in parse(text):
        done += after_value(value, literal)
        value = None
        if not field:
            continue
        value = values.get(field.key)
        if value is None:
            done += str(field)
            continue
        if seam is not None:
            done, value = seam(done, value)
        if opens_sentence(done):
            value = value[:1].upper() + value[1:]
        done += value
    return done


def after_value(value: str | None, literal: str) -> str:
    """The text typed after a value, without its first full stop when the value already
    ends with one: "{date}." with a date that ends with an abbreviation (Russian
    "5 октября 2026 г.", Bulgarian "5.10.2026 г.") or a name that does ("Corp."); a typed
    ellipsis stays."""
    if value and value.endswith(".") and literal.startswith(".") \
            and not literal.startswith(".."):
        return literal[1:]
    return literal
