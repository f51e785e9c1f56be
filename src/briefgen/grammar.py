"""Territory names that fit the sentence: ``{countries:of}`` -> "des États-Unis, du Niger et
de l’Italie", "of the United States, Niger, and Italy".

CLDR gives bare names. How a language puts a name in a sentence is data, in a grammar
file per language, ``templates/grammar/<lang>.yaml``: shipped with briefgen for fr, en,
es and ar, and overridable by a project's own ``templates/grammar/<lang>.yaml`` file by
file, like every template. A file declares its forms and, per territory, the words::

    language: en
    forms:
      def: {each: def}                # each name in its definite form, then the list
      of: {before: "of ", each: def}  # "of " once, before the list of definite forms
      in: {before: "in ", each: def}
    classes:
      the: {def: "the {name}"}         # "{name}": CLDR's name in the pack's locale
    territories:
      the: AE GB NL PH US              # the codes of each class; the others go bare
    words:
      VA: {def: the Holy See}          # a territory's own words (here, every form)

Lists are joined with CLDR's list pattern for the locale, which ``lists:`` may adjust
where the last name asks for it (Spanish "y" becomes "e" before "Italia"); ``contractions``
fuse words at the seam of ``before`` and the first name (Spanish "de el" -> "del").
A form that a language's file does not define is an error at load time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from briefgen import i18n, placeholders
from briefgen.errors import LocatedError, Location, ValidationFailed, display_path
from briefgen.fields import Language, Strict, Text
from briefgen.load import Loaded, load_file
from briefgen.model import FactBase
from briefgen.templating import default_templates

FormName = Literal["def", "of", "in"]
ItemForm = Literal["bare", "def", "of", "in"]


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


ListPattern = Annotated[str, AfterValidator(_check_list_pattern)]


class FormRule(Strict):
    """How a form of a list of names is made: which form each name takes, what goes
    before the whole list."""

    each: ItemForm = "bare"
    before: Text = ""


class ListRule(Strict):
    """CLDR list patterns to use instead when the last name matches ``last``."""

    last: Annotated[str, AfterValidator(_check_regex)]
    end: ListPattern
    pair: ListPattern | None = None


class Words(Strict):
    """A territory's words in each form; ``{name}`` stands for its name. In ``classes:``
    they are patterns shared by many names ("le {name}", "du {name}", "au {name}"); in
    ``words:`` one territory's own ("à la Barbade"), over its class's."""

    name: Text | None = Field(None, description="the bare name, when not CLDR's")
    gender: Literal["m", "f"] | None = None
    number: Literal["sg", "pl"] | None = None
    def_: Text | None = Field(None, alias="def")
    of: Text | None = None
    in_: Text | None = Field(None, alias="in")

    def form(self, form: ItemForm) -> str | None:
        if form == "bare":
            return self.name
        return {"def": self.def_, "of": self.of, "in": self.in_}[form]


Code = Annotated[str, AfterValidator(_check_code)]


class GrammarFile(Strict):
    language: Language
    forms: dict[FormName, FormRule] = Field(default_factory=dict)
    lists: tuple[ListRule, ...] = ()
    contractions: dict[str, str] = Field(default_factory=dict)
    classes: dict[str, Words] = Field(default_factory=dict)
    after_a_word: dict[str, str] = Field(
        default_factory=dict,
        description="how a name starts once a word precedes it: 'Îles ': 'îles '",
    )
    territories: dict[str, str] = Field(
        default_factory=dict, description="each class, then the codes of its territories")
    words: dict[Code, Words] = Field(default_factory=dict)


@dataclass(frozen=True)
class Grammar:
    """The forms of territory names in one language; ``source`` is the file, if any."""

    language: str
    source: str | None = None
    rules: Mapping[str, FormRule] = field(default_factory=dict)
    lists: tuple[ListRule, ...] = ()
    contractions: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, Words] = field(default_factory=dict)  # each code: its own words
    classes: Mapping[str, Words] = field(default_factory=dict)  # each code: its class
    after_a_word: Mapping[str, str] = field(default_factory=dict)

    @property
    def forms(self) -> tuple[str, ...]:
        """The forms this language defines, as ``def``, ``of``, ...; the bare name always."""
        return tuple(self.rules)

    def entry(self, code: str) -> Words | None:
        """What the file says of ``code``: its class, merged under its own words."""
        own, shared = self.words.get(code), self.classes.get(code)
        if own is None or shared is None:
            return own or shared
        return shared.model_copy(update=own.model_dump(exclude_unset=True))

    def name(self, code: str, form: ItemForm, tag: str) -> str:
        """One territory's name in ``form`` (its bare name where the file has no words)."""
        entry = self.entry(code)
        bare = (entry.name if entry else None) or i18n.country_name(code, tag)
        pattern = entry.form(form) if entry and form != "bare" else None
        if pattern is None:
            return bare
        if not pattern.startswith("{name}"):
            for start, replacement in self.after_a_word.items():
                if bare.startswith(start):
                    bare = replacement + bare[len(start):]
        return pattern.replace("{name}", bare)

    def countries(self, codes: Sequence[str], form: str | None, tag: str) -> str:
        """``codes`` as a list in ``form`` (None: bare names), for the locale ``tag``."""
        if not codes:
            return ""
        rule = self.rules[form] if form else FormRule()
        text = rule.before + self.join([self.name(code, rule.each, tag) for code in codes], tag)
        for fused_from, fused_to in self.contractions.items():
            if rule.before and text.startswith(fused_from):
                text = fused_to + text[len(fused_from):]
        return text

    def join(self, names: Sequence[str], tag: str) -> str:
        """CLDR's list pattern for ``tag``, adjusted by the file's ``lists:`` rules."""
        patterns = dict(i18n.locale(tag).list_patterns["standard"])
        for rule in self.lists:
            if names and re.search(rule.last, names[-1]):
                patterns["end"] = rule.end
                patterns["2"] = rule.pair or rule.end
                break
        return join_list(names, patterns)


def join_list(names: Sequence[str], patterns: Mapping[str, str]) -> str:
    """CLDR's list algorithm (as Babel's ``format_list``) over explicit patterns."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return patterns["2"].format(*names)
    text = patterns["start"].format(names[0], names[1])
    for name in names[2:-1]:
        text = patterns["middle"].format(text, name)
    return patterns["end"].format(text, names[-1])


# -- Finding and reading the files ---------------------------------------------------------


def grammar_path(project_templates: Path | None, tag: str) -> tuple[Path, Path] | None:
    """The grammar file for ``tag`` (``fr_MA`` -> ``fr``): the project's, else briefgen's,
    and the templates folder it is in."""
    roots = [project_templates] if project_templates is not None else []
    roots.append(default_templates())
    for candidate in i18n.fallbacks(tag):
        for root in roots:
            path = root / "grammar" / f"{candidate}.yaml"
            if path.is_file():
                return path, root
    return None


def grammar_for(project_templates: Path | None, tag: str) -> Grammar:
    """The grammar of ``tag``; a language without a file has bare names only.

    Raises :class:`~briefgen.errors.ValidationFailed` or
    :class:`~briefgen.errors.LocatedError` for a broken file.
    """
    found = grammar_path(project_templates, tag)
    if found is None:
        return Grammar(tag)
    path, root = found
    stat = path.stat()
    return _read(str(path), display_name(path, root, project_templates), stat.st_mtime_ns,
                 stat.st_size)


def display_name(path: Path, root: Path, project_templates: Path | None) -> str:
    if project_templates is not None and root == project_templates:
        return display_path(path, project_templates.parent)
    return f"{display_path(path, root.parent)} (shipped with briefgen)"


@lru_cache(maxsize=64)
def _read(path: str, display: str, mtime_ns: int, size: int) -> Grammar:
    """A grammar file, parsed and validated once per version of the file."""
    loaded = load_file(Path(path), display, GrammarFile)
    data = loaded.model
    classes: dict[str, Words] = {}
    errors = []
    for class_name, codes in data.territories.items():
        where = loaded.location(("territories", class_name))
        if class_name not in data.classes:
            known = ", ".join(data.classes) or "none"
            errors.append(LocatedError(f"'territories': no class '{class_name}' under "
                                       f"'classes:' ({known})", where))
        for code in codes.split():
            problem = _code_problem(code) or (
                f"'{code}' is listed in two classes" if code in classes else None)
            if problem:
                errors.append(LocatedError(f"'territories.{class_name}': {problem}", where))
            elif class_name in data.classes:
                classes[code] = data.classes[class_name]
    if errors:
        raise ValidationFailed(errors)
    rules = {str(name): rule for name, rule in data.forms.items()}
    return Grammar(data.language, display, rules, data.lists, data.contractions, data.words,
                   classes, data.after_a_word)


def _code_problem(code: str) -> str | None:
    try:
        _check_code(code)
    except ValueError as error:
        return str(error)
    return None


# -- Checking a fact base's forms against the grammars ----------------------------------


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
    missing = [f for f in wanted if f.form not in found.forms]
    if not missing:
        return []
    names = sorted({f.name for f in missing})
    existing = ", ".join(
        str(placeholders.Field(name, form)) for name in names for form in (None, *found.forms)
    )
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
