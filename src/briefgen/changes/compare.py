"""``briefgen changes``: a pack as it is now against the pack at a git revision, per
language a redline briefing note (PDF) and redline talking points (DOCX with tracked
changes), written into the pack's output folder beside its documents.

The revision is the one asked for, else the commit recorded at the pack's last clearance.
The old version is read with git (:mod:`briefgen.history`), validated like the project,
localized like it (same date of issue, today's templates), and merged with the new one
(:mod:`briefgen.changes.redline`); the documents are rendered by the note's and the talking
points' own renderers and their marks made the document's (:mod:`briefgen.changes.html`,
:mod:`briefgen.changes.wordml`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefgen import clock, history, i18n
from briefgen.changes import html, wordml
from briefgen.changes.redline import Summary, merge, summary
from briefgen.context import pack_view
from briefgen.documents import talking_points
from briefgen.documents.kinds import Engines
from briefgen.errors import BriefgenError, UsageError
from briefgen.fields import forbidden_character
from briefgen.fsutil import file_lock, replace_folder
from briefgen.load import Project
from briefgen.memo import Clearance
from briefgen.output import check_out, make_out, shown
from briefgen.project import load_project
from briefgen.templating import Templates
from briefgen.validate import validate_by_pack
from briefgen.views import PackView

log = logging.getLogger(__name__)

NOTE = "briefing-note-changes.pdf"
POINTS = "talking-points-changes.docx"
AUTHOR = "briefgen"


@dataclass(frozen=True)
class LanguageChanges:
    """One language's redlines: where they are, what changed, how many marks each shows."""

    lang: str
    facts: Summary
    note: Path
    points: Path
    note_changes: int
    points_changes: int

    def as_dict(self) -> dict[str, Any]:
        return {"language": self.lang, **self.facts.as_dict(),
                "files": {"briefing-note-changes": str(self.note),
                          "talking-points-changes": str(self.points)},
                "marks": {"briefing-note-changes": self.note_changes,
                          "talking-points-changes": self.points_changes}}


@dataclass(frozen=True)
class ChangesResult:
    pack_id: str
    revision: history.Revision
    languages: tuple[LanguageChanges, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"pack": self.pack_id, "since": self.revision.name,
                "commit": self.revision.commit,
                "languages": [lang.as_dict() for lang in self.languages]}


def changes(project: Project | str | Path, pack_id: str, *, since: str | None = None,
            languages: Sequence[str] | None = None, out: str | Path | None = None,
            today: dt.date | None = None, author: str = AUTHOR) -> ChangesResult:
    """Write the redlines of ``pack_id`` against revision ``since`` (default: the commit
    of its last clearance) into ``out`` (default ``<project>/build``)/``pack_id``/LANG/.
    Raises :class:`UsageError` for an unknown pack, language or revision, or a pack that
    names no revision to compare with; :class:`BriefgenError` for a project outside git
    or a pack whose old version does not load."""
    if not isinstance(project, Project):
        project = load_project(project)
    if not author.strip() or forbidden_character(author):
        raise UsageError("the author of the tracked changes must be a name, printable")
    loaded = project.packs.get(pack_id)
    if loaded is None:
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {pack_id} (packs in this project: {known})")
    pack = loaded.model
    langs = list(languages or pack.languages)
    unknown = [lang for lang in langs if lang not in pack.languages]
    if unknown:
        raise UsageError(f"the pack {pack_id} has no language {', '.join(unknown)} (its "
                         f"languages: {', '.join(pack.languages)})")
    revision, clearance = _revision(project, pack_id, since)
    old = _old_project(project, pack_id, revision)
    day = clock.today(today)
    issued = pack.issue_date(day)
    out_dir = Path(out) if out is not None else project.root / "build"
    check_out(out_dir, project.root)
    engines = Engines(Templates(project.templates))
    since_day = clearance.date if clearance else history.commit_day(project.root, revision)
    files: dict[Path, bytes] = {}
    results = []
    for lang in langs:
        new_view = pack_view(project, pack_id, lang, issued)
        old_view = pack_view(old, pack_id, lang, issued) if lang in \
            old.packs[pack_id].model.languages else _empty(new_view)
        label = _since(engines, new_view, revision, since_day,
                       clearance.name if clearance else None)
        note, points = _redlines(old_view, new_view, engines, label, author, day)
        files[Path(lang) / NOTE], files[Path(lang) / POINTS] = note[0], points[0]
        results.append(LanguageChanges(
            lang, summary(old_view, new_view), out_dir / pack_id / lang / NOTE,
            out_dir / pack_id / lang / POINTS, note[1], points[1]))
    make_out(out_dir)
    with file_lock(out_dir / ".briefgen.lock", shown(out_dir / ".briefgen.lock")):
        replace_folder(out_dir / pack_id, files, shown(out_dir / pack_id))
    return ChangesResult(pack_id, revision, tuple(results))


def _redlines(old: PackView, new: PackView, engines: Engines, since: str, author: str,
              day: dt.date) -> tuple[tuple[bytes, int], tuple[bytes, int]]:
    """The redline note and talking points of one language, each with its number of
    changes."""
    moved = _moved_label(engines, new)
    note, note_count = html.render(merge(old, new, "label", moved), engines, since)
    points = talking_points.render(merge(old, new, "tracked", moved), engines)
    tracked, counts = wordml.track(points.data, author,
                                   dt.datetime.combine(day, dt.time(), dt.UTC))
    return (note.data, note_count), (tracked, counts["changes"])


def _revision(project: Project, pack_id: str,
              since: str | None) -> tuple[history.Revision, Clearance | None]:
    """The revision asked for, else that of the pack's last clearance (and who cleared)."""
    if since is not None:
        return history.resolve(project.root, since), None
    history.require_git(project.root)
    pack = project.packs[pack_id].model
    for entry in reversed(pack.clearance):
        if entry.commit:
            revision = history.resolve(project.root, entry.commit)
            name = f"the clearance by {entry.name or entry.person} on {entry.date.isoformat()}"
            return history.Revision(revision.commit, name), entry
    raise UsageError(f"the pack {pack_id} records no cleared commit to compare with: give "
                     "--since REV (a tag, a commit or HEAD~N), or clear it with "
                     "`briefgen clear` in a git repository")


def _old_project(project: Project, pack_id: str, revision: history.Revision) -> Project:
    old, problems = history.project_at(project, revision)
    loaded = old.packs.get(pack_id)
    if loaded is None:
        raise UsageError(f"the pack {pack_id} is not in the project at {revision}: give "
                         "--since a revision that has it")
    missing = [base for base in loaded.model.facts if base not in old.bases]
    validated = validate_by_pack(old)
    errors = [*validated.everywhere, *validated.packs.get(pack_id, []),
              *(e for base in loaded.model.facts for e in validated.bases.get(base, []))]
    if missing or errors:
        first = problems[0] if problems and missing else (errors[0] if errors else None)
        detail = f": {first}" if first else f" (no fact base {', '.join(missing)})"
        raise BriefgenError(f"the pack {pack_id} does not load as it was at {revision}"
                            f"{detail}; compare with another revision (--since)")
    return old


def _empty(view: PackView) -> PackView:
    """The view of a language the old pack did not have: nothing in it."""
    return replace(view, purpose=None, objectives=(), facts=(), sections=(),
                   since_previous=(), key_messages=(), if_raised=())


def _moved_label(engines: Engines, view: PackView) -> Any:
    gettext = engines.templates.translations(view.labels_lang).gettext

    def label(number: int | None) -> str:
        if number is None:
            return str(gettext("moved"))
        digits = i18n.localize_digits(str(number), view.numbering)
        return str(gettext("moved, was %(number)s") % {"number": digits})

    return label


def _since(engines: Engines, view: PackView, revision: history.Revision,
           day: dt.date | None, cleared_by: str | None) -> str:
    """``the clearance by X on 20 November 2026`` or ``HEAD~1 (3f2a1b0, 19 November
    2026)``, in the labels' language."""
    gettext = engines.templates.translations(view.labels_lang).gettext
    date = i18n.format_day(day, view.locale, view.numbering) if day else ""
    if cleared_by:
        return str(gettext("the clearance by %(person)s (%(date)s)")
                   % {"person": cleared_by, "date": date})
    short = revision.commit[:7]
    if revision.name.startswith(short):
        return f"{short} ({date})" if date else short
    return f"{revision.name} ({short}{', ' if date else ''}{date})"
