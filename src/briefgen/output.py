"""The output folder: refused where it would hold the project's own folders, made, locked,
recovered after a killed build (:func:`previous`), checked for what is in the way
(:func:`check_folders`); and :class:`Packs`, which takes each rendered document and swaps
its pack in whole (:func:`briefgen.fsutil.replace_folder`) with its manifest."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from briefgen import writes
from briefgen.documents import Rendered
from briefgen.errors import BriefgenError, OutputError, RenderError, UsageError, display_path
from briefgen.fsutil import STAGING_PREFIX, check_folder, output_error, recover, replace_folder
from briefgen.jobs import Job, Outcome, Task, WrittenDocument
from briefgen.load import PROJECT_FOLDERS
from briefgen.manifest import MANIFEST, DocumentRecord, Manifest, read_manifest


def previous(out_dir: Path, jobs: list[Job]) -> dict[str, Manifest]:
    """Each pack's manifest from the last build, after undoing what a killed build left."""
    packs = sorted({job.pack_id for job in jobs})
    try:  # one listing of the output folder, not one per pack
        left = {path.name for path in out_dir.iterdir() if path.name.startswith(STAGING_PREFIX)}
    except OSError:
        left = None
    for pack in packs:
        if left is None or any(name.startswith(f"{STAGING_PREFIX}{pack}.") for name in left):
            recover(out_dir / pack)
    return {pack: read_manifest(out_dir / pack) for pack in packs}


def check_out(out_dir: Path, root: Path) -> None:
    """Refuse an output folder that holds, or lies in, the project's own folders: a pack
    folder there could take the place of ``facts/``, and ``templates/`` would change with
    every build."""
    out = out_dir.resolve()
    for name in PROJECT_FOLDERS:
        folder = (root / name).resolve()
        if out == folder or out in folder.parents or folder in out.parents:
            where = "contains" if out in folder.parents else "is inside"
            raise UsageError(
                f"the output folder {shown(out_dir)} {where} the project's {name}/: "
                f"build into a folder of its own, such as {shown(root / 'build')}"
            )


def refuse_out(out_dir: Path, root: Path) -> None:
    """What ``watch`` and ``serve`` check before they start, as ``build`` does: an output
    folder in the project's own folders, or where a file is, is a usage error (exit 2, like
    every refusal of ``--out``); what the system refuses is found when writing."""
    check_out(out_dir, root)
    for folder in (out_dir, *out_dir.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise _in_a_files_place(out_dir)
            return


def _in_a_files_place(out_dir: Path) -> UsageError:
    return UsageError(f"{shown(out_dir)} is a file, or a path through a file, where the output "
                      "folder must be: choose another --out")


def make_out(out_dir: Path) -> None:
    """The output folder, made if need be; one that cannot be written is refused before
    anything is rendered."""
    try:
        writes.make_folder(out_dir, within=out_dir)
    except (FileExistsError, NotADirectoryError):
        raise _in_a_files_place(out_dir) from None
    except OSError as error:
        raise output_error(error, shown(out_dir), "cannot make the output folder") from None
    read_only = bool(os.statvfs(out_dir).f_flag & os.ST_RDONLY)
    if read_only or not os.access(out_dir, os.W_OK):
        code = errno.EROFS if read_only else errno.EACCES
        raise output_error(OSError(code, os.strerror(code)), shown(out_dir),
                           "cannot write the output folder")


def shown(path: Path) -> str:
    """A path as the user typed it or relative to the current folder."""
    return display_path(path.absolute(), Path.cwd()) if path.is_absolute() else str(path)


def check_folders(out_dir: Path, jobs: list[Job]) -> dict[str, BriefgenError]:
    """Packs whose folder cannot be written (a link, a folder in a file's place): found
    before anything is rendered."""
    blocked: dict[str, BriefgenError] = {}
    for pack_id in sorted({job.pack_id for job in jobs}):
        files = [Path(MANIFEST), *(job.relative_path().relative_to(pack_id)
                                   for job in jobs if job.pack_id == pack_id)]
        try:
            check_folder(out_dir / pack_id, files, shown(out_dir / pack_id))
        except OutputError as error:
            blocked[pack_id] = error
    return blocked


def refused(job: Job, warnings: Sequence[str]) -> list[BriefgenError]:
    """Under ``strict``, the warnings a document was rendered with (now or before), as
    errors: its pack keeps its previous files."""
    return [RenderError(f"{warning} (a warning; strict makes it an error)", None,
                        "fix what it says, or build without --strict",
                        pack=job.pack_id, language=job.lang, document=job.document,
                        output=str(job)) for warning in warnings]


class Packs:
    """The packs being built, their documents taken as each language's are worked out
    (:meth:`add`); each pack is swapped in as soon as its last document is in (with
    ``eager``, at each document); then its documents are let go of."""

    def __init__(self, out_dir: Path, previous: dict[str, Manifest], eager: bool,
                 keys: dict[tuple[str, str], str | None], strict: bool = False) -> None:
        self.out_dir = out_dir
        self.strict = strict
        self.keys = keys
        self.previous = dict(previous)
        self.eager = eager
        self.errors: list[BriefgenError] = []
        self.failed: set[str] = set()
        self.fresh: dict[Job, DocumentRecord | None] = {}
        self.tasks: dict[str, list[Task]] = {}
        self.pending: dict[str, set[Job]] = {}
        self.done: dict[str, dict[Job, DocumentRecord]] = {}
        self.waiting: dict[str, dict[Job, bytes]] = {}
        self.complete: dict[str, list[tuple[Job, DocumentRecord, bool]]] = {}

    def add(self, tasks: list[Task], fresh: dict[Job, DocumentRecord | None],
            force: bool) -> list[Task]:
        """Take a pack's documents in one language, with the record of each that is up to
        date; return those to render."""
        stale = []
        for task in tasks:
            pack_id, job = task.job.pack_id, task.job
            self.tasks.setdefault(pack_id, []).append(task)
            self.pending.setdefault(pack_id, set())
            self.done.setdefault(pack_id, {})
            self.waiting.setdefault(pack_id, {})
            kept = self.fresh[job] = fresh[job]
            if force or kept is None:
                self.pending[pack_id].add(job)
                stale.append(task)
            elif self.strict and kept.warnings:  # kept from before: its warnings count now
                self._fail(pack_id, refused(job, kept.warnings))
        return stale

    def settled(self) -> None:
        """Every document is known: a pack with none to render gets its manifest, if that
        changed."""
        for pack_id, pending in self.pending.items():
            if not pending and pack_id not in self.failed:
                self._write(pack_id, {})

    def finished(self, task: Task, outcome: Outcome) -> None:
        """Take a document's outcome; write its pack if it is the last (or ``eager``)."""
        pack_id, job = task.job.pack_id, task.job
        self.pending[pack_id].discard(job)
        if isinstance(outcome, BriefgenError):
            self._fail(pack_id, [outcome])
        elif self.strict and outcome.warnings:
            self._fail(pack_id, refused(job, outcome.warnings))
        elif self.eager:
            self.done[pack_id][job] = document_record(task, outcome, None)
            self._write(pack_id, {job: outcome.data})
        elif pack_id not in self.failed:
            self.done[pack_id][job] = document_record(task, outcome, None)
            self.waiting[pack_id][job] = outcome.data
            if not self.pending[pack_id]:
                self._write(pack_id, self.waiting[pack_id])
        if not self.pending[pack_id]:
            self.waiting[pack_id] = {}

    def _fail(self, pack_id: str, errors: list[BriefgenError]) -> None:
        self.errors += errors
        self.failed.add(pack_id)
        self.waiting[pack_id].clear()

    def _write(self, pack_id: str, new: dict[Job, bytes]) -> None:
        """Swap the pack in with the ``new`` documents and the records of those rendered so
        far and those up to date; a pack whose files and manifest are unchanged is left
        alone."""
        done = self.done[pack_id]
        records = []
        complete: dict[str, bool] = {}  # each language: all its documents in place
        for task in self.tasks[pack_id]:
            record = done.get(task.job) or self.fresh[task.job]
            if record is not None:
                records.append((task.job, record, task.job in done))
            complete[task.job.lang] = complete.get(task.job.lang, True) and record is not None
        inputs = {lang: self.keys.get((pack_id, lang)) if whole else None
                  for lang, whole in complete.items()}
        manifest = self.previous[pack_id].updated(
            pack_id, [record for _, record, _ in records], inputs)
        files = {job.relative_path().relative_to(pack_id): data for job, data in new.items()}
        if files or manifest != self.previous[pack_id]:
            try:
                replace_folder(self.out_dir / pack_id,
                               {**files, Path(MANIFEST): manifest.to_bytes()},
                               shown(self.out_dir / pack_id))
            except OutputError as error:
                self.errors.append(error)
                self.failed.add(pack_id)
                return
            self.previous[pack_id] = manifest
        if len(records) == len(self.tasks[pack_id]):
            self.complete[pack_id] = records

    def written(self) -> tuple[WrittenDocument, ...]:
        """What is in place, in the order of the plan."""
        return tuple(written_document(self.out_dir, job, record, rendered)
                     for pack_id in self.tasks if pack_id not in self.failed
                     for job, record, rendered in self.complete.get(pack_id, ()))


def document_record(task: Task, rendered: Rendered | None,
            kept: DocumentRecord | None) -> DocumentRecord:
    if rendered is None:
        assert kept is not None
        return kept
    job = task.job
    return DocumentRecord(
        path=str(job.relative_path().relative_to(job.pack_id)),
        document=job.document,
        language=job.lang,
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        pages=rendered.pages,
        input_hash=task.fingerprint,
        facts=rendered.facts,
        sources=rendered.sources,
        warnings=tuple(rendered.warnings),
        hint=rendered.hint,
    )


def written_document(out_dir: Path, job: Job, record: DocumentRecord,
                     rendered: bool) -> WrittenDocument:
    return WrittenDocument(
        pack_id=job.pack_id, language=job.lang, document=job.document,
        path=out_dir / job.relative_path(), pages=record.pages, sha256=record.sha256,
        facts=record.facts, sources=record.sources, rendered=rendered,
        warnings=record.warnings,
    )
