"""What a build shows while it runs: a progress bar on a terminal, one line per document
otherwise (CI logs), or nothing but a JSON summary."""

from __future__ import annotations

import json
import sys
from types import TracebackType
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from briefgen.build import BuildResult, Progress
    from briefgen.errors import BuildFailed


class Display:
    """Plain lines: ``rendered fr/briefing-note.pdf (0.12 s)`` or ``up to date ...``."""

    def __enter__(self) -> Display:
        return self

    def __exit__(self, kind: type[BaseException] | None = None,
                 value: BaseException | None = None,
                 traceback: TracebackType | None = None) -> None:
        return None

    def update(self, event: Progress) -> None:
        if event.status == "started":
            return
        text = {"done": "rendered", "up-to-date": "up to date", "failed": "FAILED"}[event.status]
        timing = f" ({event.seconds:.2f} s)" if event.status == "done" else ""
        click.echo(f"{text} {event.job}{timing}")


class Quiet(Display):
    def update(self, event: Progress) -> None:
        return None


class Bar(Display):
    """A rich progress bar per build, with the document being rendered."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar: RichProgress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            transient=False,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> Bar:
        self.bar.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None = None,
                 value: BaseException | None = None,
                 traceback: TracebackType | None = None) -> None:
        self.bar.__exit__(kind, value, traceback)

    def update(self, event: Progress) -> None:
        if self.task is None:
            self.task = self.bar.add_task("building", total=event.total)
        if event.status == "started":
            self.bar.update(self.task, description=f"rendering {event.job}")
            return
        if event.status == "failed":
            self.bar.console.print(f"[red]FAILED[/red] {event.job}")
        self.bar.advance(self.task)
        self.bar.update(self.task, description="built")


def progress_display(quiet: bool = False) -> Display:
    if quiet:
        return Quiet()
    return Bar() if sys.stdout.isatty() else Display()


def summary_json(result: BuildResult, failure: BuildFailed | None) -> str:
    return json.dumps(
        {
            "ok": failure is None,
            "documents": [
                {
                    "pack": d.pack_id, "language": d.language, "document": d.document,
                    "path": str(d.path), "sha256": d.sha256, "pages": d.pages,
                    "rendered": d.rendered,
                }
                for d in result.written
            ],
            "errors": [str(error) for error in (failure.errors if failure else [])],
        },
        indent=2, ensure_ascii=False,
    )
