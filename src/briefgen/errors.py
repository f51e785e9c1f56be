"""Errors a user can act on: each one says where (file, line, fact id) and what to do.

Every error briefgen raises on purpose derives from :class:`BriefgenError`.  Errors in a
fact base or pack are :class:`LocatedError`; the loader and the build collect them and
raise one :class:`ValidationFailed` holding all of them, so a user sees every problem
at once.  All of them pickle, so they cross process pools.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

EXCERPT_LENGTH = 40  # characters of a user's input an error message may quote


class BriefgenError(Exception):
    """Base class of every error briefgen reports to a user (never a bug)."""


class UsageError(BriefgenError):
    """The caller asked for something the project does not have (a pack, a language, an id)."""


@dataclass(frozen=True)
class Location:
    """Where in the user's files a problem is: file, 1-based line, fact id when known."""

    file: str
    line: int | None = None
    fact_id: str | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line:
            text += f":{self.line}"
        if self.fact_id:
            text += f" (fact {self.fact_id})"
        return text


class LocatedError(BriefgenError):
    """One problem at one place in a user's file, with an optional hint on what to do."""

    def __init__(self, message: str, location: Location, hint: str | None = None) -> None:
        super().__init__(message, location, hint)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class ValidationFailed(BriefgenError):
    """Every problem found in a project, reported together. ``loading`` (a
    :class:`briefgen.project.Loading`, when a project was loaded) holds the project as far
    as it loads and which packs the problems stop."""

    def __init__(self, errors: Iterable[LocatedError], loading: object = None) -> None:
        self.errors = sorted(errors, key=_sort_key)
        self.loading = loading
        super().__init__(self.errors)

    def __reduce__(self) -> tuple[type[ValidationFailed], tuple[list[LocatedError]]]:
        return (ValidationFailed, (self.errors,))  # the project stays in its process

    def __str__(self) -> str:
        count = len(self.errors)
        lines = [f"{count} error{'s' if count != 1 else ''} found:"]
        lines += [f"  {error}" for error in self.errors]
        return "\n".join(lines)


class RenderError(BriefgenError):
    """A document could not be rendered (template error, engine failure, does not fit).

    Fields a script can act on, each None where it does not apply:

    - ``location``: the file at fault and its line, a :class:`Location` (a template and the
      line of the mistake in it, a font, the Word template); None when the document itself
      is the problem (it does not fit its page, a character has no font). ``file`` and
      ``line`` are its parts.
    - ``pack``, ``language``, ``document``: which document failed (``document`` is its kind,
      ``briefing-note``); the build sets them on every error it reports.
    - ``output``: that document's path in the output folder,
      ``meeting/fr/briefing-note.pdf``.

    The second argument names where the problem is: a :class:`Location`, or a string (a
    file, or the document being rendered).
    """

    def __init__(self, message: str, where: Location | str | None = None,
                 hint: str | None = None, *, pack: str | None = None,
                 language: str | None = None, document: str | None = None,
                 output: str | None = None) -> None:
        location = Location(where) if isinstance(where, str) else where
        super().__init__(message, location, hint)
        self.message = message
        self.location = location
        self.hint = hint
        self.pack = pack
        self.language = language
        self.document = document
        self.output = output

    @property
    def file(self) -> str | None:
        return self.location.file if self.location else None

    @property
    def line(self) -> int | None:
        return self.location.line if self.location else None

    def in_document(self, pack: str, language: str, document: str,
                    output: str) -> RenderError:
        """This error, marked as one of the document ``output`` (a pack, a language, a
        kind of document); a location that only named that document is dropped."""
        self.pack, self.language, self.document, self.output = pack, language, document, output
        if self.location is not None and self.location.file == output and not self.line:
            self.location = None
            self.args = (self.message, None, self.hint)
        return self

    def __str__(self) -> str:
        where = [str(part) for part in (self.output, self.location) if part]
        text = ": ".join([*where, self.message])
        if self.hint:
            text += f" — {self.hint}"
        return text


class BuildFailed(BriefgenError):
    """Some documents failed to render; nothing of the failed packs was written.

    ``written`` holds what the packs that did render wrote (a ``BuildResult``).
    """

    def __init__(self, errors: Iterable[BriefgenError], written: object = None) -> None:
        self.errors = list(errors)
        self.written = written
        super().__init__(self.errors, written)

    def __str__(self) -> str:
        count = len(self.errors)
        plural = "s" if count != 1 else ""
        if all(isinstance(error, RenderError) for error in self.errors):
            lines = [f"{count} document{plural} failed:"]
        else:
            lines = [f"{count} error{plural} in the build:"]
        lines += [f"  {error}" for error in self.errors]
        return "\n".join(lines)


class OutputError(BriefgenError):
    """The output folder cannot be written as asked: a file or link where a folder must be,
    no permission, a full disk. The previous output is left as it was."""

    def __init__(self, message: str, path: str, hint: str | None = None) -> None:
        super().__init__(message, path, hint)
        self.message = message
        self.path = path
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


ERROR_FIELDS = ("kind", "text", "message", "file", "line", "fact_id", "pack", "language",
                "document", "output", "hint")


def error_record(error: BriefgenError) -> dict[str, object]:
    """``error`` as a JSON-ready mapping with the same keys for every kind of error (None
    where a field does not apply): ``kind`` (validation, render, output, usage, error),
    ``text`` (the line briefgen prints), ``message``, ``file``, ``line``, ``fact_id``,
    ``pack``, ``language``, ``document``, ``output`` and ``hint``."""
    record: dict[str, object] = dict.fromkeys(ERROR_FIELDS)
    record.update(kind="error", text=str(error), message=str(error))
    if isinstance(error, LocatedError):
        where = error.location
        record.update(kind="validation", message=error.message, file=where.file,
                      line=where.line, fact_id=where.fact_id, hint=error.hint)
    elif isinstance(error, RenderError):
        record.update(kind="render", message=error.message, file=error.file, line=error.line,
                      fact_id=error.location.fact_id if error.location else None,
                      pack=error.pack, language=error.language, document=error.document,
                      output=error.output, hint=error.hint)
    elif isinstance(error, OutputError):
        record.update(kind="output", message=error.message, file=error.path, hint=error.hint)
    elif isinstance(error, UsageError):
        record.update(kind="usage")
    return record


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """A short excerpt of a user's input, safe to print: at most ``limit`` characters, and
    every control, format, surrogate or unassigned character written as ``\\uXXXX``.

    An error message quotes no more of a file than this, so a file that is not what it
    should be (a link to a system file, binary data) is not echoed to the terminal or CI log.
    """
    text = str(value)
    shown = "".join(_escaped(char) for char in text[:limit])
    return shown + "…" if len(text) > limit else shown


def _escaped(char: str) -> str:
    category = unicodedata.category(char)
    if not category.startswith("C") and category not in ("Zl", "Zp"):
        return char
    return f"\\u{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08X}"


def each_once(errors: Iterable[LocatedError]) -> list[LocatedError]:
    """``errors`` in the order they are reported (file, line, message), each once (the same
    problem found by two checks)."""
    unique = {(str(error), error.hint): error for error in errors}
    return sorted(unique.values(), key=_sort_key)


def _sort_key(error: LocatedError) -> tuple[str, int, str]:
    where = error.location
    return (where.file, where.line or 0, error.message)


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the user should read it: relative to the project when inside it."""
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)
