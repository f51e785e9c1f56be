"""``briefgen watch``: check and build again on every save, and say only what changed.

A :class:`Watcher` remembers what it reported last time: each :meth:`Watcher.step` reports
the findings and build errors that are new, how many went away, and the documents that were
rendered again (none, when a save changed nothing a document shows). :func:`watch_folders`
is the loop, over any ``changes`` iterator (watchfiles' in the command).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import clock
from briefgen.build import BuildResult, Progress, WrittenDocument, build
from briefgen.check import Finding, Report, check, failure_report
from briefgen.errors import BriefgenError, BuildFailed, ValidationFailed
from briefgen.load import Project
from briefgen.project import Reloader


@dataclass(frozen=True)
class Step:
    """What one round of check-and-build found, compared with the round before."""

    report: Report
    new_findings: tuple[Finding, ...]
    gone_findings: int
    rendered: tuple[WrittenDocument, ...]  # rendered this round
    documents: int  # in place after this round
    new_errors: tuple[str, ...]  # build errors not reported the round before
    still_errors: int  # build errors reported before too
    gone_errors: int
    built: bool  # False: the check found errors, nothing was built

    def lines(self) -> list[str]:
        """The step as a person reads it: only what changed."""
        return [*self.check_lines(), *self.build_lines()]

    def check_lines(self) -> list[str]:
        """What the check found that is new, and what it resolved."""
        lines = [_finding_line(finding) for finding in self.new_findings]
        if self.gone_findings:
            lines.append(f"{self.gone_findings} finding(s) resolved")
        if self.new_findings or self.gone_findings:
            lines.append(f"now {len(self.report.errors)} error(s), "
                         f"{len(self.report.warnings)} warning(s)")
        if not self.built:
            lines.append("not built: fix the errors above")
        return lines

    def build_lines(self, each: bool = True) -> list[str]:
        """What the build did: new build errors, the documents rendered (``each``: a line
        for each of them, else only how many), how many are up to date."""
        if not self.built:
            return []
        lines = list(self.new_errors)
        if self.still_errors:
            lines.append(f"{self.still_errors} build error(s) as before")
        if self.gone_errors:
            lines.append(f"{self.gone_errors} build error(s) fixed")
        if each:
            lines += [f"rendered {document.pack_id}/{document.language}/{document.path.name}"
                      for document in self.rendered]
        if self.rendered:
            lines.append(f"{len(self.rendered)} document(s) rendered, "
                         f"{self.documents - len(self.rendered)} up to date")
        if not self.rendered and not self.new_errors and not self.still_errors:
            lines.append(f"no document changed ({self.documents} up to date)")
        return lines


def _finding_line(f: Finding) -> str:
    where = f.file + (f":{f.line}" if f.line else "")
    fact = f" [{f.fact_id}]" if f.fact_id else ""
    hint = f" — {f.hint}" if f.hint else ""
    return f"{where}: {f.severity}{fact} {f.code}: {f.message}{hint}"


@dataclass
class Watcher:
    """Checks and builds the project at ``root``, remembering the last round. Each round
    loads the project once (through a parse cache kept across rounds: only the saved
    files are read again), checks it and builds it eagerly: the briefing notes first, each
    document in place as soon as it is rendered."""

    root: Path
    pack_ids: Sequence[str] | None = None
    out: Path | None = None
    # Each line as soon as it is known (the check's findings, then each document as it is
    # in place, then how many); :meth:`Step.lines` holds them all either way.
    say: Callable[[str], None] | None = None
    today: dt.date | None = None  # the date packs without issued: print; None: the clock's
    _findings: frozenset[Finding] = field(default_factory=frozenset)
    _errors: tuple[str, ...] = ()
    _reloader: Reloader | None = None

    def step(self) -> Step:
        with _collector_held_off() as progress:
            return self._step(progress)

    def _step(self, progress: Callable[[Progress], None]) -> Step:
        self._reloader = self._reloader or Reloader(self.root)
        day = clock.today(self.today)  # read at each round: a watch may run past midnight
        project: Project | None = None
        try:
            project = self._reloader.load()
        except ValidationFailed as failure:
            report = failure_report(failure)
        else:
            report = check(project, self.pack_ids, day)
        findings = frozenset(report.findings)
        new = tuple(f for f in report.findings if f not in self._findings)
        gone = len(self._findings - findings)
        self._findings = findings
        checked = Step(report, new, gone, (), 0, (), 0, 0,
                       built=not report.errors and project is not None)
        self._say(checked.check_lines())
        if project is None or not checked.built:
            return checked

        def rendered(event: Progress) -> None:
            progress(event)
            if event.status == "done":
                self._say([f"rendered {event.job} ({event.seconds:.2f} s)"])

        result, errors = self._build(project, day, rendered)
        fresh = tuple(e for e in errors if e not in self._errors)
        still = sum(1 for e in errors if e in self._errors)
        fixed = sum(1 for e in self._errors if e not in errors)
        self._errors = errors
        step = Step(report, new, gone, result.rendered, len(result.written), fresh, still,
                    fixed, built=True)
        self._say(step.build_lines(each=False))
        return step

    def _say(self, lines: list[str]) -> None:
        if self.say is not None:
            for line in lines:
                self.say(line)

    def _build(self, project: Project, day: dt.date,
               progress: Callable[[Progress], None]) -> tuple[BuildResult, tuple[str, ...]]:
        try:
            return build(project, self.pack_ids, out=self.out, eager=True, today=day,
                         progress=progress), ()
        except BuildFailed as failed:
            written = failed.written if isinstance(failed.written, BuildResult) else None
            return written or BuildResult(()), tuple(str(e) for e in failed.errors)
        except BriefgenError as error:
            return BuildResult(()), (str(error),)


@contextmanager
def _collector_held_off() -> Iterator[Callable[[Progress], None]]:
    """Python's cyclic garbage collector held off from the start of a round until its first
    document is rendered (the briefing note a writer waits for): a full collection of the
    last round's documents takes 70-90 ms on the demo, and must not delay it. The build's
    progress callback is yielded; the collector runs again after, as it was."""
    enabled = gc.isenabled()
    gc.disable()

    def progress(step: Progress) -> None:
        if enabled and step.status in ("done", "failed"):
            gc.enable()

    try:
        yield progress
    finally:
        if enabled:
            gc.enable()


def watch_folders(watcher: Watcher, changes: Iterable[object],
                  report: Callable[[Step], None] = lambda _step: None,
                  ready: Callable[[], None] = lambda: None) -> None:
    """One step at once, then one per item of ``changes`` that is not empty (an empty item
    is the watcher's first idle tick: ``ready`` is called then); ``report`` is given each
    step once it is over (a watcher with ``say`` has said its lines as it went)."""
    report(watcher.step())
    said_ready = False
    for change in changes:
        if not said_ready:
            said_ready = True
            ready()
        if change:
            report(watcher.step())
