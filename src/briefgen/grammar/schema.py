"""The grammar file's format, ``templates/grammar/<lang>.yaml`` (see :mod:`briefgen.grammar`)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from briefgen import i18n
from briefgen.model import Language, Strict, Text

FormName = Literal["def", "of", "in", "to"]
ItemForm = Literal["bare", "def", "of", "in", "to"]
Precision = Literal["day", "month", "year"]


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"'{pattern}' is not a regular expression: {error}") from None
    return pattern


def _check_list_pattern(pattern: str) -> str:
    if "{0}" not in pattern or "{1}" not in pattern:
        raise ValueError(f"'{pattern}' must hold {{0}} and {{1}} (CLDR list pattern)")
    return pattern


def _check_code(code: str) -> str:
    if code not in i18n.locale("en").territories:
        raise ValueError(f"'{code}' is not a territory code known to CLDR")
    return code


def _check_suggestion(text: str) -> str:
    if "{name" not in text:
        raise ValueError(f"'{text}' must hold the placeholder, as {{name:of}}")
    return text


Regex = Annotated[str, AfterValidator(_check_regex)]
ListPattern = Annotated[str, AfterValidator(_check_list_pattern)]
Code = Annotated[str, AfterValidator(_check_code)]
Suggestion = Annotated[str, AfterValidator(_check_suggestion)]


class FormRule(Strict):
    """How a form of a list of names is made: which form each name takes, what goes
    before the whole list."""

    each: ItemForm = "bare"
    before: Text = ""


class ListRule(Strict):
    """CLDR list patterns to use instead when the last name matches ``last``."""

    last: Regex
    end: ListPattern
    pair: ListPattern | None = None


class SeamRule(Strict):
    """Where the text before a name meets it: ``que `` + ``Israël`` -> ``qu’Israël``,
    ``ل`` + ``الولايات`` -> ``للولايات``. ``text``: what the text before ends with;
    ``name``: what the name starts with (a lookahead keeps it whole); ``join``: what the
    two matched parts become (``\\1``: the first group of ``text``)."""

    text: Regex
    name: Regex
    join: str


class Words(Strict):
    """A territory's words in each form; ``{name}`` stands for its name. In ``classes:``
    they are patterns shared by many names ("le {name}", "du {name}", "au {name}"); in
    ``words:`` one territory's own ("à la Barbade", or an official ``name:`` where CLDR's
    is not one a ministry writes), over its class's."""

    name: Text | None = Field(None, description="the bare name, when not CLDR's")
    gender: Literal["m", "f", "n"] | None = None
    number: Literal["sg", "pl"] | None = None
    def_: Text | None = Field(None, alias="def")
    of: Text | None = None
    in_: Text | None = Field(None, alias="in")
    to: Text | None = None

    def form(self, form: ItemForm) -> str | None:
        if form == "bare":
            return self.name
        return {"def": self.def_, "of": self.of, "in": self.in_, "to": self.to}[form]


class Lint(Strict):
    """What ``briefgen check`` suggests for a bare ``{countries}`` or ``{subject}``: by the
    word before it (``"de": "{name:of}"``: "de {countries}" should read
    "{countries:of}"), else ``default`` (a sentence start, after a verb)."""

    after: dict[str, Suggestion] = Field(default_factory=dict)
    default: Suggestion = "{name:def}"


class GrammarFile(Strict):
    language: Language
    forms: dict[FormName, FormRule] = Field(default_factory=dict)
    lists: tuple[ListRule, ...] = ()
    contractions: dict[str, str] = Field(default_factory=dict)
    seams: tuple[SeamRule, ...] = ()
    lint: Lint = Field(default_factory=Lint)
    dates: dict[Precision, tuple[str, ...]] = Field(
        default_factory=dict,
        description="the words that go before a date of each precision: day: [le]",
    )
    classes: dict[str, Words] = Field(default_factory=dict)
    after_a_word: dict[str, str] = Field(
        default_factory=dict,
        description="how a name starts once a word precedes it: 'Îles ': 'îles '",
    )
    territories: dict[str, str] = Field(
        default_factory=dict, description="each class, then the codes of its territories")
    words: dict[Code, Words] = Field(default_factory=dict)


def code_problem(code: str) -> str | None:
    try:
        _check_code(code)
    except ValueError as error:
        return str(error)
    return None
