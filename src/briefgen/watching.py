"""``briefgen watch``: check and build again on every save, and say only what changed; and
the one loop on a project's folders, which ``briefgen watch`` and ``briefgen serve`` both run.

A :class:`Watcher` remembers what it reported last time: each :meth:`Watcher.step` reports
the findings and build errors that are new, how many went away, and the documents that were
rendered again (none, when a save changed nothing a document shows). :func:`watch_project`
is the loop, over watchfiles: it calls a *builder* once, then after every batch of saves
under the project's folders (:data:`briefgen.load.PROJECT_FOLDERS`). ``watch``'s builder
runs :meth:`Watcher.step`; ``serve``'s is :meth:`briefgen.serve.Preview.rounds`.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import clock
from briefgen.build import BuildResult, Progress, WrittenDocument, build
from briefgen.check import Finding, Report, check, failure_report
from briefgen.check.output import finding_line
from briefgen.errors import BriefgenError, BuildFailed, UsageError, ValidationFailed
from briefgen.load import PROJECT_FOLDERS, Project
from briefgen.project import Reloader

log = logging.getLogger(__name__)

Builder = Callable[[frozenset[Path]], Iterable[object] | None]


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
    built: bool  # False: the check found errors that stop every pack, nothing was built
    stopped: tuple[str, ...] = ()  # the packs not built: an error in their files

    def lines(self) -> list[str]:
        """The step as a person reads it: only what changed."""
        return [*self.check_lines(), *self.build_lines()]

    def check_lines(self) -> list[str]:
        """What the check found that is new, and what it resolved."""
        lines = [finding_line(finding) for finding in self.new_findings]
        if self.gone_findings:
            lines.append(f"{self.gone_findings} finding(s) resolved")
        if self.new_findings or self.gone_findings:
            lines.append(f"now {len(self.report.errors)} error(s), "
                         f"{len(self.report.warnings)} warning(s)")
        if not self.built:
            lines.append("not built: fix the errors above")
        elif self.stopped:
            lines.append(f"not built: {', '.join(self.stopped)} (fix the errors above; the "
                         "other packs are)")
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
        try:
            loading = self._reloader.loading()
        except ValidationFailed as failure:  # the project folder is gone
            return self._checked(failure_report(failure), built=False)
        if loading.errors:
            # A problem stops only the packs it concerns: the others are built.
            report = failure_report(ValidationFailed(loading.errors))
            pack_ids: Sequence[str] | None = loading.buildable(self.pack_ids)
            stopped = tuple(loading.stopped(self.pack_ids))
        else:
            try:
                report = check(loading.project, self.pack_ids, day, layout=False)
            except UsageError as error:  # the pack watched is gone (renamed, removed)
                unknown = Finding("error", "unknown-pack", str(error), "packs",
                                  hint="watch the pack by its new id")
                return self._checked(Report((unknown,)), built=False)
            pack_ids, stopped = self.pack_ids, ()
        checked = self._checked(report, built=pack_ids != [], stopped=stopped)
        if not checked.built:
            return checked
        new, gone = checked.new_findings, checked.gone_findings
        project = loading.project

        def rendered(event: Progress) -> None:
            progress(event)
            if event.status == "done":
                self._say([f"rendered {event.job} ({event.seconds:.2f} s)"])

        result, errors = self._build(project, pack_ids, day, rendered)
        fresh = tuple(e for e in errors if e not in self._errors)
        still = sum(1 for e in errors if e in self._errors)
        fixed = sum(1 for e in self._errors if e not in errors)
        self._errors = errors
        step = Step(report, new, gone, result.rendered, len(result.written), fresh, still,
                    fixed, built=True, stopped=stopped)
        self._say(step.build_lines(each=False))
        return step

    def _checked(self, report: Report, built: bool, stopped: tuple[str, ...] = ()) -> Step:
        """The check's part of a round, said: what it found that is new, what went away."""
        findings = frozenset(report.findings)
        new = tuple(f for f in report.findings if f not in self._findings)
        gone = len(self._findings - findings)
        self._findings = findings
        checked = Step(report, new, gone, (), 0, (), 0, 0, built=built, stopped=stopped)
        self._say(checked.check_lines())
        return checked

    def _say(self, lines: list[str]) -> None:
        if self.say is not None:
            for line in lines:
                self.say(line)

    def _build(self, project: Project, pack_ids: Sequence[str] | None, day: dt.date,
               progress: Callable[[Progress], None]) -> tuple[BuildResult, tuple[str, ...]]:
        try:
            return build(project, pack_ids, out=self.out, eager=True, today=day,
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


# -- The loop ----------------------------------------------------------------------------


def watch_project(root: Path, builder: Builder, stop: threading.Event, *,
                  ready: Callable[[], None] = lambda: None, step_ms: int = 10,
                  debounce_ms: int = 1000, rust_timeout_ms: int = 100) -> None:
    """Call ``builder`` with no paths, then with the paths saved since, until ``stop``.

    ``ready`` is called once the folders are watched, before the first call. Saves are
    gathered until ``step_ms`` milliseconds pass without one (or ``debounce_ms`` pass in
    all); the watching thread ticks every ``rust_timeout_ms`` when nothing is saved, its
    first tick saying it runs (watchfiles' ``step``, ``debounce`` and ``rust_timeout``:
    each command its own; the defaults are serve's). While the builder runs, new
    saves wait: at its next step (each item it yields) the builder is abandoned and called
    again with them; it must carry over what it left undone. An exception in the builder
    (a bug) is logged and the loop goes on. ``stop`` ends it at once, without waiting on a
    timeout. Run on the main thread (``watch``), Ctrl-C ends it too, in the builder or
    while it waits (KeyboardInterrupt): its caller then sets ``stop``, which ends the
    watching thread.
    """
    from watchfiles import Change, DefaultFilter, watch

    # The folders there are when it starts; the project itself if there are none yet.
    root = root.resolve()
    folders = [root / name for name in PROJECT_FOLDERS if (root / name).is_dir()] or [root]
    saved: queue.SimpleQueue[set[Path]] = queue.SimpleQueue()
    watching = threading.Event()
    editors = DefaultFilter()  # editors' swap and backup files, .git, caches

    def project_file(change: Change, path: str) -> bool:
        # As reported (a folder may be a link within the project) or as it resolves.
        places = {Path(path), Path(path).resolve()}
        return editors(change, path) and any(place.is_relative_to(root / name)
                                             for place in places for name in PROJECT_FOLDERS)

    def listen() -> None:
        # The first (empty) timeout tick means the watcher runs.
        for changes in watch(*folders, watch_filter=project_file, stop_event=stop,
                             step=step_ms, debounce=debounce_ms, yield_on_timeout=True,
                             rust_timeout=rust_timeout_ms):
            watching.set()
            if changes:
                saved.put({Path(path) for _change, path in changes})
        saved.put(set())  # stopped: wakes the loop at once (it sees ``stop``)

    listener = threading.Thread(target=listen, name="briefgen-watch", daemon=True)
    listener.start()
    watching.wait(timeout=10)
    ready()
    changed: frozenset[Path] = frozenset()
    while not stop.is_set():
        try:
            for _step in builder(changed) or ():
                if not saved.empty() or stop.is_set():
                    break
        except Exception:
            log.exception("internal error while rebuilding (a bug in briefgen: please report it)")
        changed = _next_saves(saved, stop)
    listener.join(timeout=2)


def _next_saves(saved: queue.SimpleQueue[set[Path]], stop: threading.Event) -> frozenset[Path]:
    """Every path saved, once at least one is: waits for the first, takes all that wait."""
    paths: set[Path] = set()
    while not paths and not stop.is_set():
        with suppress(queue.Empty):
            paths |= saved.get(timeout=0.2)
    while not saved.empty():
        paths |= saved.get_nowait()
    return frozenset(paths)
