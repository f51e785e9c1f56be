"""Territory names that fit the sentence: ``{countries:of}`` -> "des États-Unis, du Niger et
de l’Italie", "of the United States, Niger, and Italy".

CLDR gives bare names. How a language puts a name in a sentence is data, in a grammar
file per language, ``templates/grammar/<lang>.yaml``: shipped with briefgen for fr, en,
es, ar and de, and overridable by a project's own ``templates/grammar/<lang>.yaml`` file
by file, like every template. A file declares its forms and, per territory, the words::

    language: en
    forms:
      def: {each: def}                # each name in its definite form, then the list
      of: {before: "of ", each: def}  # "of " once, before the list of definite forms
      in: {before: "in ", each: def}
      to: {before: "to ", each: def}
    classes:
      the: {def: "the {name}"}         # "{name}": CLDR's name in the pack's locale
    territories:
      the: AE GB NL PH US              # the codes of each class; the others go bare
    words:
      VA: {def: the Holy See}          # a territory's own words (here, every form)
      BA: {name: Bosnia and Herzegovina}  # the official short name, not CLDR's

Lists are joined with CLDR's list pattern for the locale, which ``lists:`` may adjust
where the last name asks for it (Spanish "y" becomes "e" before "Italia"); ``contractions``
fuse words at the seam of ``before`` and the first name (Spanish "de el" -> "del"), and
``seams`` where the fact's own text meets a name (French "que Israël" -> "qu’Israël").
``lint`` and ``dates`` are what ``briefgen check`` suggests to a writer (:mod:`.lint`).
A form that a language's file does not define is an error at load time (:mod:`.checks`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from briefgen import i18n, placeholders
from briefgen.dates import PartialDate
from briefgen.errors import LocatedError, ValidationFailed, display_path
from briefgen.grammar.schema import (
    FormRule,
    GrammarFile,
    ItemForm,
    Lint,
    ListRule,
    Precision,
    SeamRule,
    Words,
    code_problem,
)
from briefgen.load import load_file
from briefgen.templating import default_templates

__all__ = ["Grammar", "grammar_for", "grammar_path", "join_list"]


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
    seams: tuple[SeamRule, ...] = ()
    lint: Lint = field(default_factory=Lint)
    dates: Mapping[Precision, tuple[str, ...]] = field(default_factory=dict)

    @property
    def forms(self) -> tuple[str, ...]:
        """The forms this language's file defines, as ``def``, ``of``, ...
        (``bare``, the bare names asked for on purpose, needs no file: :meth:`has_form`)."""
        return tuple(self.rules)

    def has_form(self, form: str) -> bool:
        """Whether ``{countries:<form>}`` prints in this language."""
        return form == placeholders.BARE or form in self.rules

    def entry(self, code: str) -> Words | None:
        """What the file says of ``code``: its class, merged under its own words."""
        own, shared = self.words.get(code), self.classes.get(code)
        if own is None or shared is None:
            return own or shared
        return shared.model_copy(update=own.model_dump(exclude_unset=True))

    def name(self, code: str, form: ItemForm, tag: str) -> str:
        """One territory's name in ``form``: its bare name is the file's official one
        where it gives one, else CLDR's."""
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

    def variants(self, code: str, tag: str) -> set[str]:
        """Every way ``code``'s name prints in a list: bare, and as each form's items."""
        forms: set[ItemForm] = {"bare", *(rule.each for rule in self.rules.values())}
        return {self.name(code, each, tag) for each in forms}

    def countries(self, codes: Sequence[str], form: str | None, tag: str) -> str:
        """``codes`` as a list in ``form`` (None or ``bare``: bare names), for ``tag``."""
        if not codes:
            return ""
        rule = self.rules[form] if form and form != placeholders.BARE else FormRule()
        names = [self.name(code, rule.each, tag) for code in codes]
        if not rule.before:
            return self.join(names, tag)
        before, first = self.seam(rule.before, names[0])
        text = before + self.join([first, *names[1:]], tag)
        for fused_from, fused_to in self.contractions.items():
            if text.startswith(fused_from):
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

    def values(self, texts: Sequence[str], tag: str, countries: Sequence[str], subject: str,
               date: PartialDate | None, value: float | None,
               numbering: str | None = None) -> dict[str, str | None]:
        """What each placeholder of a fact's ``texts`` prints in ``tag``, in the form it
        asks for: the one place a fact's placeholders are worked out, for the documents
        (:func:`briefgen.context.pack_view`) and for the lint's previews."""
        values: dict[str, str | None] = {
            "date": i18n.format_partial_date(date, tag, numbering) if date else None,
            "countries": self.countries(countries, None, tag) if countries else None,
            "subject": self.name(subject, "bare", tag),
            "value": i18n.format_number(value, tag, numbering) if value is not None else None,
        }
        for used in {used for text in texts for used in placeholders.fields(text)}:
            codes = countries if used.name == "countries" else (subject,)
            if used.form and codes:
                values[used.key] = self.countries(codes, used.form, tag)
        return values

    def seam(self, before: str, value: str) -> tuple[str, str]:
        """``before`` and ``value`` as they read side by side: the first of the file's
        ``seams`` that matches rewrites both ("que " + "Israël" -> "qu’" + "Israël")."""
        for rule in self.seams:
            ends = re.search(f"(?:{rule.text})$", before)
            starts = re.match(rule.name, value)
            if ends and starts:
                return before[:ends.start()] + ends.expand(rule.join), value[starts.end():]
        return before, value


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
            problem = code_problem(code) or (
                f"'{code}' is listed in two classes" if code in classes else None)
            if problem:
                errors.append(LocatedError(f"'territories.{class_name}': {problem}", where))
            elif class_name in data.classes:
                classes[code] = data.classes[class_name]
    if errors:
        raise ValidationFailed(errors)
    rules = {str(name): rule for name, rule in data.forms.items()}
    return Grammar(data.language, display, rules, data.lists, data.contractions, data.words,
                   classes, data.after_a_word, data.seams, data.lint, data.dates)
