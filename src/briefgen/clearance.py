"""Clearance bound to content: what a pack shows in a language, as data, and its fingerprint.

A clearance entry written by ``briefgen clear`` records a fingerprint of the pack's content
in each language (:func:`fingerprints`): the texts, dates, sources and people the documents
show, as the fact bases and the pack hold them, never the rendered bytes, so a new briefgen
or a restyled template leaves it standing. A clearance holds in a language while its
fingerprint is the content's (:func:`standing`): the documents print it, and stop printing
it (the draft watermark comes back) as soon as the content changes. :func:`differences`
names what changed between two versions of the content, item by item and field by field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from briefgen import i18n
from briefgen.load import Project
from briefgen.memo import Clearance
from briefgen.model import FactBase, Pack, selected_facts

# item ("pack", "fact skhirat-meeting", "source un-2254") -> field path ("text.fr") -> value
Content = dict[str, dict[str, Any]]

# What of a pack is not its content: how it is built, checked and cleared, and what it draws
# (the facts drawn are content of their own).
_PACK_APPARATUS = {"id", "status", "clearance", "documents", "allow_outdated_translations",
                   "max_age_days", "labels_fallback", "numbering", "languages", "facts", "tags"}
_NOT_SHOWN = {"translated_from", "tags"}  # a fact's, source's or person's
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]{2,8})*")


def content(project: Project, pack: Pack, lang: str) -> Content:
    """What ``pack`` shows in ``lang``: its own texts and dates, then each fact base's title
    and headings, the facts it draws, the sources they cite and the people it names."""
    items: Content = {"pack": _flat(pack.model_dump(mode="json", exclude=_PACK_APPARATUS),
                                    lang)}
    named = {*pack.participants.theirs, *pack.participants.ours, pack.counterpart_person}
    for base_id in pack.facts:
        loaded = project.bases.get(base_id)
        if loaded is None:
            continue
        base = loaded.model
        items[_key(items, "base", base.id)] = _flat(base.model_dump(
            mode="json", include={"title", "subject", "as_of", "place", "sections"}), lang)
        cited: set[str] = set()
        for fact in selected_facts(pack, base):
            items[_key(items, "fact", fact.id)] = _flat(
                fact.model_dump(mode="json", exclude=_NOT_SHOWN), lang)
            cited.update(fact.sources)
        for person in base.people:
            if person.id not in named:
                continue
            items[_key(items, "person", person.id)] = _flat(
                person.model_dump(mode="json", exclude={*_NOT_SHOWN, "bio"}), lang)
            for fact in person.bio:
                items[_key(items, "fact", f"{person.id}/{fact.id}")] = _flat(
                    fact.model_dump(mode="json", exclude=_NOT_SHOWN), lang)
                cited.update(fact.sources)
        _add_sources(items, base, cited, lang)
    return items


def _add_sources(items: Content, base: FactBase, cited: set[str], lang: str) -> None:
    for source in base.sources:
        if source.id in cited:
            items[_key(items, "source", source.id)] = _flat(
                source.model_dump(mode="json", exclude=_NOT_SHOWN), lang)


def _key(items: Content, kind: str, item_id: str) -> str:
    """``kind id``, unique in ``items`` (a second base with the same id gets a number)."""
    key, n = f"{kind} {item_id}", 2
    while key in items:
        key, n = f"{kind} {item_id} ({n})", n + 1
    return key


def _flat(data: Any, lang: str) -> dict[str, Any]:
    """``data`` as field paths and values, each localized text picked in ``lang`` (its path
    ends with the language: ``text.fr``); fields not set are left out."""
    out: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            if value and all(isinstance(v, str) for v in value.values()) and all(
                    _LANGUAGE.fullmatch(k) for k in value):
                out[f"{path}.{lang}" if path else lang] = i18n.pick(value, lang)
                return
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            if all(not isinstance(v, Mapping | list | tuple) for v in value):
                out[path] = list(value)
                return
            for index, inner in enumerate(value):
                walk(inner, f"{path}.{index}")
        elif value is not None:
            out[path] = value

    walk(data, "")
    return out


def fingerprint(items: Content) -> str:
    """A short hash of the content (16 hex digits)."""
    text = json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def fingerprints(project: Project, pack: Pack) -> dict[str, str]:
    """The fingerprint of the pack's content in each of its languages."""
    return {lang: fingerprint(content(project, pack, lang)) for lang in pack.languages}


@dataclass(frozen=True)
class Standing:
    """A pack's clearance in one language: whether it holds, and the entries to print."""

    cleared: bool
    entries: tuple[Clearance, ...]


def standing(project: Project, pack: Pack, lang: str) -> Standing:
    """Whether the pack is cleared in ``lang``: it says ``status: cleared`` and its last
    clearance cleared this content (an entry that records no fingerprint, written by hand,
    is taken at its word). The entries printed are those that cleared this content."""
    if pack.status != "cleared" or not pack.clearance:
        return Standing(False, pack.clearance)
    if all(entry.fingerprint is None for entry in pack.clearance):
        return Standing(True, pack.clearance)
    current = fingerprint(content(project, pack, lang))
    holding = tuple(entry for entry in pack.clearance
                    if entry.fingerprint is None or entry.fingerprint.get(lang) == current)
    if not holding or holding[-1] is not pack.clearance[-1]:
        return Standing(False, ())
    return Standing(True, holding)


def void_languages(project: Project, pack: Pack) -> list[str]:
    """The languages in which the pack says it is cleared but its content changed since."""
    if pack.status != "cleared" or not pack.clearance or pack.clearance[-1].fingerprint is None:
        return []
    return [lang for lang in pack.languages if not standing(project, pack, lang).cleared]


@dataclass(frozen=True)
class Difference:
    """One item of the content added, removed, or changed in these fields."""

    item: str
    change: str  # "added", "removed", "changed"
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.change == "changed":
            return f"{self.item}: {', '.join(self.fields)}"
        return f"{self.item} {self.change}"


def differences(old: Mapping[str, Content], new: Mapping[str, Content]) -> list[Difference]:
    """What changed from ``old`` to ``new`` (each: language -> content), over every
    language of either: items added or removed, and the fields changed in the others (a
    localized field once per language: ``text.fr``, ``text.ar``)."""
    languages = [*new, *(lang for lang in old if lang not in new)]
    changed: dict[str, dict[str, None]] = {}
    added: dict[str, None] = {}
    removed: dict[str, None] = {}
    for lang in languages:
        before, after = old.get(lang, {}), new.get(lang, {})
        for item in after:
            if item not in before:
                added[item] = None
        for item in before:
            if item not in after:
                removed[item] = None
            elif before[item] != after[item]:
                fields = changed.setdefault(item, {})
                fields.update(dict.fromkeys(_changed_fields(before[item], after[item])))
    result = [Difference(item, "changed", tuple(fields)) for item, fields in changed.items()]
    result += [Difference(item, "added") for item in added]
    result += [Difference(item, "removed") for item in removed]
    return result


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> Iterable[str]:
    for path in [*after, *(p for p in before if p not in after)]:
        if before.get(path) != after.get(path):
            yield path


def describe(changes: list[Difference]) -> str:
    """``fact a: text.fr, talking_point.fr; fact b added``."""
    return "; ".join(str(change) for change in changes)
