"""Two views of a pack in one language merged into one redline view: the new view, its
texts marked word by word where they differ from the old one (:mod:`briefgen.changes.diff`),
facts added marked whole, facts removed put back where they stood, marked deleted, and a
fact that moved either labelled as moved (the PDF) or deleted where it stood and inserted
where it stands (the DOCX: tracked changes that, accepted, give the new order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from difflib import SequenceMatcher
from typing import Any, Literal

from briefgen.changes.diff import (
    DEL,
    DEL_END,
    MOVE_FROM,
    MOVE_FROM_END,
    deleted,
    inserted,
    marked,
    moved,
    moved_from,
    moved_to,
    unmarked,
)
from briefgen.views import FactView, Line, PackView, Section

Key = tuple[str, str]
Moves = Literal["label", "tracked"]
_FACT_TEXTS = ("text", "talking_point", "if_raised", "label", "date_label")


@dataclass
class Summary:
    """What changed in the pack's facts in one language, by id."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "moved": self.moved}


def key(fact: FactView) -> Key:
    return (fact.base_id, fact.id)


def line_key(line: Line) -> Key:
    """A numbered line by its fact; a line the pack's ``they_may_raise`` gives (no fact) by
    its point."""
    return key(line.fact) if line.fact else ("pack", line.point or line.text)


def summary(old: PackView, new: PackView) -> Summary:
    before = {key(f): f for f in old.facts}
    after = {key(f): f for f in new.facts}
    result = Summary(
        added=[f.id for k, f in after.items() if k not in before],
        removed=[f.id for k, f in before.items() if k not in after],
        changed=[f.id for k, f in after.items() if k in before and _differs(before[k], f)],
    )
    old_order = [line_key(line) for line in old.key_messages if line_key(line) in after]
    new_order = [line_key(line) for line in new.key_messages if line_key(line) in before]
    result.moved = [after[k].id for k in _moved(old_order, new_order)]
    return result


def _differs(old: FactView, new: FactView) -> bool:
    return any(getattr(old, name) != getattr(new, name) for name in _FACT_TEXTS) or \
        old.source_numbers != new.source_numbers or old.value_label != new.value_label or \
        (old.kind, old.section, old.countries) != (new.kind, new.section, new.countries)


def _moved(old: Sequence[Key], new: Sequence[Key]) -> set[Key]:
    """The keys of ``new`` out of their order in ``old`` (both hold the same keys)."""
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    kept = {k for block in matcher.get_matching_blocks() for k in new[block.b:block.b + block.size]}
    return set(new) - kept


def scrubbed(value: Any) -> Any:
    """``value`` (a view, or anything in one) with no mark in any of its texts: a text that
    held one (pasted from somewhere) must not open a change of its own."""
    if isinstance(value, str):
        return unmarked(value)
    if isinstance(value, tuple):
        return tuple(scrubbed(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: scrubbed(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value


def merge(old: PackView, new: PackView, moves: Moves,
          moved_label: Callable[[int | None], str]) -> PackView:
    """The redline view of ``new`` against ``old``. ``moved_label(number)`` is the label of
    a key message that moved (its old number, if it had one)."""
    old, new = scrubbed(old), scrubbed(new)
    old_facts = {key(f): f for f in old.facts}
    new_facts = {key(f): f for f in new.facts}
    old_numbers = {line_key(line): line.number for line in old.key_messages}
    order_old = [line_key(line) for line in old.key_messages if line_key(line) in new_facts]
    order_new = [line_key(line) for line in new.key_messages if line_key(line) in old_facts]
    shifted = _moved(order_old, order_new)

    def label(fact: FactView) -> FactView:
        if moves != "label" or key(fact) not in shifted:
            return fact
        tag = moved(moved_label(old_numbers.get(key(fact)))) + " "
        return replace(fact, talking_point=tag + fact.talking_point if fact.talking_point
                       else fact.talking_point)

    def both(k: Key) -> FactView:
        return label(_marked_fact(old_facts[k], new_facts[k]))

    sections = _sections(old.sections, new.sections, old_facts, new_facts, moves, both)
    return replace(
        new,
        title=marked(old.title, new.title) or "",
        purpose=marked(old.purpose, new.purpose),
        objectives=_objectives(old.objectives, new.objectives),
        place=marked(old.place, new.place),
        date_label=marked(old.date_label, new.date_label) or "",
        sections=sections,
        facts=tuple(f for s in sections for f in s.facts),
        since_previous=tuple(both(key(f)) if key(f) in old_facts else _whole(f, inserted)
                             for f in new.since_previous),
        key_messages=_series(sections, "talking_point", new.key_messages, old.key_messages),
        if_raised=_series(sections, "if_raised", new.if_raised, old.if_raised),
    )


def _marked_fact(old: FactView, new: FactView) -> FactView:
    changes: dict[str, Any] = {name: marked(getattr(old, name), getattr(new, name))
                               for name in _FACT_TEXTS}
    return replace(new, **changes)


def _whole(fact: FactView, how: Callable[[str], str]) -> FactView:
    changes: dict[str, Any] = {name: how(value) for name in _FACT_TEXTS
                               if (value := getattr(fact, name)) is not None}
    return replace(fact, **changes)


def _section_key(section: Section) -> tuple[str, str]:
    return (section.id or "", section.kind if not section.id else "")


def _sections(old: tuple[Section, ...], new: tuple[Section, ...], old_facts: dict[Key, FactView],
              new_facts: dict[Key, FactView], moves: Moves,
              both: Callable[[Key], FactView]) -> tuple[Section, ...]:
    move_ids: dict[Key, int] = {}
    old_by_key = {_section_key(s): s for s in old}
    new_keys = {_section_key(s) for s in new}
    result: list[Section] = []
    for section in new:
        before = old_by_key.get(_section_key(section))
        facts = _aligned(before.facts if before else (), section.facts, old_facts, new_facts,
                         moves, both, move_ids)
        title = marked(before.title, section.title) if before else section.title
        result.append(replace(section, facts=tuple(facts), title=title))
    for index, section in enumerate(old):  # a section gone whole: back where it stood
        if _section_key(section) in new_keys:
            continue
        facts = _aligned(section.facts, (), old_facts, new_facts, moves, both, move_ids)
        if facts:
            gone = replace(section, facts=tuple(facts),
                           title=deleted(section.title) if section.title else None)
            result.insert(_after(old, index, result), gone)
    return tuple(result)


def _after(old: Sequence[Section], index: int, result: list[Section]) -> int:
    """Where a section that stood at ``old[index]`` goes in ``result``: after the last
    section before it that is still there."""
    placed = [_section_key(s) for s in result]
    for before in reversed(old[:index]):
        if _section_key(before) in placed:
            return placed.index(_section_key(before)) + 1
    return 0


def _aligned(old: Sequence[FactView], new: Sequence[FactView], old_facts: dict[Key, FactView],
             new_facts: dict[Key, FactView], moves: Moves,
             both: Callable[[Key], FactView], move_ids: dict[Key, int]) -> list[FactView]:
    """A section's facts, old and new merged in order (``move_ids`` numbers the moves)."""
    matcher = SequenceMatcher(None, [key(f) for f in old], [key(f) for f in new],
                              autojunk=False)
    out: list[FactView] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [both(key(f)) for f in new[j1:j2]]
            continue
        for fact in old[i1:i2]:  # there before, not here now
            if key(fact) not in new_facts:
                out.append(_whole(fact, deleted))
            elif moves == "tracked":  # moved away from here (the old text)
                out.append(_whole(fact, moved_from(move_ids.setdefault(key(fact),
                                                                       len(move_ids)))))
        for fact in new[j1:j2]:  # here now, not here before
            if key(fact) not in old_facts:
                out.append(_whole(fact, inserted))
            elif moves == "tracked":  # moved here (the new text)
                out.append(_whole(fact, moved_to(move_ids.setdefault(key(fact),
                                                                     len(move_ids)))))
            else:
                out.append(both(key(fact)))
    return out


def _series(sections: tuple[Section, ...], name: str, new: tuple[Line, ...],
            old: tuple[Line, ...]) -> tuple[Line, ...]:
    """The numbered lines of the merged sections: the new numbers and markers, a line
    removed (or moved away) its old ones."""
    numbers = {line_key(line): (line.number, line.label) for line in new}
    old_numbers = {line_key(line): (line.number, line.label) for line in old}
    lines = []
    last = (0, "")
    for section in sections:
        for fact in section.facts:
            text = getattr(fact, name)
            if not text:
                continue
            removed = not unmarked(text) or _is_all_deleted(text)
            number, label = (old_numbers if removed else numbers).get(key(fact), last)
            last = (number, label) if not removed else last
            lines.append(Line(number, fact, text, label))
    return tuple(lines)


def _is_all_deleted(text: str) -> bool:
    """Whether the whole text is deleted, or moved away."""
    stripped = text.strip()
    return any(stripped.startswith(start) and stripped.endswith(end) and
               stripped.count(start) == 1
               for start, end in ((DEL, DEL_END), (MOVE_FROM, MOVE_FROM_END)))


def _objectives(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += new[j1:j2]
        elif op == "replace" and i2 - i1 == j2 - j1:
            out += [marked(a, b) or "" for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            out += [deleted(text) for text in old[i1:i2]]
            out += [inserted(text) for text in new[j1:j2]]
    return tuple(out)
