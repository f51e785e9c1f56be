"""The safe write-back of translations into the YAML fact bases.

A base is read again with its round-trip data (:func:`briefgen.yamlfile.read_yaml`); only the
translated texts and their stamps are changed in it (:mod:`briefgen.yamledit`); the text
written must read back as exactly the intended data and still validate; then every base is
replaced together through :mod:`briefgen.writes`, never over a change made on disk since it
was read, with a journal that makes the write all or none even if the process is killed
midway (:mod:`briefgen.writes.journal`: the next translate command finishes or undoes it).
What to write is :mod:`briefgen.translation.workflow`'s.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError

from briefgen import writes, yamledit
from briefgen.errors import BriefgenError, LocatedError, Location
from briefgen.fsutil import file_sha256
from briefgen.load import Loaded
from briefgen.model import (
    BaseStamps,
    Fact,
    FactBase,
    FactStamps,
    Person,
    PersonStamps,
    Source,
    SourceStamps,
)
from briefgen.translation.state import Translatable, source_hash, source_language
from briefgen.validate import validate_base
from briefgen.yamledit import dump_roundtrip
from briefgen.yamlfile import Limits, PathKey, parse_yaml


@dataclass
class Edits:
    """The edits to one base file, applied together to its round-trip data: texts
    (translatable, language, new text) and stamps (translatable, language)."""

    loaded: Loaded[FactBase]
    root: Path  # the project, resolved: the base is read inside it, with its limits
    limits: Limits
    texts: list[tuple[Translatable, str, str]] = field(default_factory=list)  # text, lang, new
    stamps: list[tuple[Translatable, str]] = field(default_factory=list)  # text, lang

    def __bool__(self) -> bool:
        return bool(self.texts or self.stamps)


def write(edits: Sequence[Edits], root: Path) -> None:
    """Apply every base's edits, check each result, then replace the files together; a
    base changed on disk while this ran (an editor's save, another import) is refused,
    and nothing written (:class:`briefgen.writes.Changed`)."""
    files: dict[Path, bytes] = {}
    expected: dict[Path, str | None] = {}
    for edit in edits:
        if edit:
            path = edit.loaded.path  # a link in facts/ is written through (the door)
            expected[path] = file_sha256(path.resolve())  # before it is read
            files[path] = edited(edit).encode("utf-8")
    writes.write(files, within=root, expected=expected, journal=root / JOURNAL)


JOURNAL = "facts"  # the folder of a write's journal (briefgen.writes.journal), beside the bases


def recover(root: Path) -> None:
    """Finish, or undo, what a write into the bases left when its process was killed."""
    writes.recover(root / JOURNAL, within=root)


def edited(edit: Edits) -> str:
    """The base's text with ``edit`` applied, checked (:func:`_verify`)."""
    loaded = edit.loaded
    document = yamledit.read_unchanged(loaded, edit.root, edit.limits)
    expected = copy.deepcopy(document.data)
    base = loaded.model
    source = source_language(base)
    for text, lang, new in edit.texts:
        yamledit.set_text(document.roundtrip, text.path, lang, new, base.languages)
        _node(expected, text.path)[lang] = new
    for text, lang in edit.stamps:
        value = source_hash(text.texts[source])
        yamledit.set_path(document.roundtrip, (*text.stamp_path, lang), value,
                          _stamp_orders(text, base))
        node = expected
        for part in text.stamp_path:
            node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
        node[lang] = value
    output = dump_roundtrip(document.roundtrip, document.text)
    _verify(output, expected, loaded, edit.limits)
    return output


def _node(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _stamp_orders(text: Translatable, base: FactBase) -> list[Sequence[str]]:
    """Where new keys go at each depth of a stamp path: the model's own field order."""
    top, langs = list(FactBase.model_fields), list(base.languages)
    if text.key[0] == "fact":
        return [top, [], list(Fact.model_fields), list(FactStamps.model_fields), langs]
    if text.key[0] == "source":
        return [top, [], list(Source.model_fields), list(SourceStamps.model_fields), langs]
    if text.is_bio:
        return [top, [], list(Person.model_fields), [], list(Fact.model_fields),
                list(FactStamps.model_fields), langs]
    if text.key[0] == "person":
        return [top, [], list(Person.model_fields), list(PersonStamps.model_fields), langs]
    if text.key[0] == "section":
        return [top, list(BaseStamps.model_fields), list(base.sections), langs]
    return [top, list(BaseStamps.model_fields), langs]


def _verify(output: str, expected: Any, loaded: Loaded[FactBase], limits: Limits) -> None:
    """The written text must read back as exactly the intended data, and validate."""
    problem = None
    try:
        reread = parse_yaml(output, loaded.display, limits)
        model = FactBase.model_validate(reread.data)
        errors = validate_base(Loaded(model, loaded.path, loaded.display, reread.lines))
    except (BriefgenError, PydanticError) as error:
        problem, errors = str(error), []
    if problem is None and reread.data != expected:
        problem = "the written YAML does not read back as intended"
    if problem or errors:
        raise LocatedError(
            f"briefgen could not write the change safely ({problem or errors[0]}); nothing "
            "was written", Location(loaded.display), "please report this with the file")
