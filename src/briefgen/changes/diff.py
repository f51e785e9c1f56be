"""Word-level differences between two texts, written into the text with marks.

A marked text is the new text with what was inserted between :data:`INS` and
:data:`INS_END`, and what was deleted, where it stood, between :data:`DEL` and
:data:`DEL_END`: private-use characters that no fact text holds (they are taken out of the
texts compared) and that pass through the document templates like any letter. The
renderers turn them into their document's marks (:mod:`briefgen.changes.html`,
:mod:`briefgen.changes.wordml`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher

INS, INS_END, DEL, DEL_END, MOVED, MOVED_END = "\ue000", "\ue001", "\ue002", "\ue003", \
    "\ue004", "\ue005"
# A move in a Word document: where the text was, where it is, each followed by a character
# numbering the move (so that the two ends pair), from FIRST_MOVE on.
MOVE_FROM, MOVE_FROM_END, MOVE_TO, MOVE_TO_END = "\ue006", "\ue007", "\ue008", "\ue009"
FIRST_MOVE = 0xF0000  # supplementary private use area A
MARKS = INS + INS_END + DEL + DEL_END + MOVED + MOVED_END + MOVE_FROM + MOVE_FROM_END + \
    MOVE_TO + MOVE_TO_END
_UNMARK = re.compile(f"[{MARKS}\U000F0000-\U000FFFFD]")
# A word (letters, digits, and what joins them inside a word), a run of spaces, or one
# other character (punctuation).
_TOKEN = re.compile(r"[\w\u00ad\u2019'’-]+|\s+|[^\w\s]", re.UNICODE)
MARK = re.compile(f"[{MARKS}]")


def unmarked(text: str) -> str:
    """``text`` without any mark."""
    return _UNMARK.sub("", text)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def inserted(text: str) -> str:
    """The whole text, inserted."""
    text = unmarked(text)
    return f"{INS}{text}{INS_END}" if text else ""


def deleted(text: str) -> str:
    """The whole text, deleted."""
    text = unmarked(text)
    return f"{DEL}{text}{DEL_END}" if text else ""


def moved(label: str) -> str:
    """A label saying a line moved (drawn as a mark, never inserted text)."""
    return f"{MOVED}{unmarked(label)}{MOVED_END}"


def marked(old: str | None, new: str | None) -> str | None:
    """``new`` with the words changed from ``old`` marked; None when both are None."""
    if old is None and new is None:
        return None
    if old is None:
        return inserted(new or "")
    if new is None:
        return deleted(old)
    before, after = tokens(unmarked(old)), tokens(unmarked(new))
    if before == after:
        return unmarked(new)
    out: list[str] = []
    for change, old_part, new_part in _grouped(before, after):
        if change == "equal":
            out.append(new_part)
            continue
        if old_part:
            out.append(f"{DEL}{old_part}{DEL_END}")
        if new_part:
            out.append(f"{INS}{new_part}{INS_END}")
    return "".join(out)


def _grouped(before: list[str], after: list[str]) -> list[tuple[str, str, str]]:
    """The differences as (``equal`` or ``change``, old text, new text), a change swallowing
    the spaces between it and the next one, so that a phrase rewritten reads as one
    deletion and one insertion rather than word, space, word."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    parts: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(before[i1:i2]), "".join(after[j1:j2])
        if op == "equal":
            parts.append(("equal", old_part, new_part))
        else:
            parts.append(("change", old_part, new_part))
    merged: list[tuple[str, str, str]] = []
    for index, part in enumerate(parts):
        between = part[0] == "equal" and 0 < index < len(parts) - 1 and not part[2].strip()
        if (between or part[0] == "change") and merged and merged[-1][0] == "change":
            last = merged[-1]
            merged[-1] = ("change", last[1] + part[1], last[2] + part[2])
        else:
            merged.append(part)
    return _words_first(merged)


_LEADING_SPACE = re.compile(r"\s+")


def _words_first(parts: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A word inserted or deleted whole reads as the word and the space after it
    (``étendre [rapidement ]la``), not the space before it, when the text allows."""
    for index in range(1, len(parts) - 1):
        change, old, new = parts[index]
        before, after = parts[index - 1], parts[index + 1]
        text = new or old
        space = _LEADING_SPACE.match(text)
        if change != "change" or (old and new) or space is None or \
                before[0] != "equal" or after[0] != "equal" or \
                not after[2].startswith(space.group()):
            continue
        width = len(space.group())
        rotated = text[width:] + space.group()
        parts[index] = ("change", rotated if old else "", rotated if new else "")
        parts[index - 1] = ("equal", before[1] + space.group(), before[2] + space.group())
        parts[index + 1] = ("equal", after[1][width:], after[2][width:])
    return parts


def moved_from(number: int) -> Callable[[str], str]:
    """The whole text, moved away from here (move ``number``)."""
    return lambda text: f"{MOVE_FROM}{chr(FIRST_MOVE + number)}{unmarked(text)}{MOVE_FROM_END}"


def moved_to(number: int) -> Callable[[str], str]:
    """The whole text, moved here (move ``number``)."""
    return lambda text: f"{MOVE_TO}{chr(FIRST_MOVE + number)}{unmarked(text)}{MOVE_TO_END}"


def count(text: str) -> int:
    """How many insertions and deletions a marked text holds."""
    return text.count(INS) + text.count(DEL)


def has_changes(text: str | None) -> bool:
    return bool(text) and bool(MARK.search(text or ""))
