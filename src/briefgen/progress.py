"""What a build shows while it runs: a progress bar on a terminal, one line per document
otherwise (CI logs), or nothing but a JSON summary; and when to use colour."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

import click

from briefgen.errors import BriefgenError, error_record

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from briefgen.jobs import BuildResult, Progress


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


def use_color(stream: TextIO | None = None) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    stream = stream or sys.stdout
    return stream.isatty() and not os.environ.get("NO_COLOR")


def progress_display(quiet: bool = False) -> Display:
    """A bar on a terminal, plain lines otherwise (CI logs), nothing when ``quiet``."""
    if quiet:
        return Quiet()
    return Bar() if sys.stdout.isatty() else Display()


BUILD_JSON_VERSION = 2  # of ``build --json``; a change to its fields changes the number
# 2: "packs" (which were built, which failed: a broken fact base stops only its packs)


def summary_json(result: BuildResult, errors: Sequence[BriefgenError] = (),
                 ok: bool | None = None) -> str:
    """``build --json``: what is in place, its warnings and every error, one shape whether
    the build succeeded or not (see docs/cli.md)."""
    warnings = result.warnings
    return json.dumps(
        {
            "version": BUILD_JSON_VERSION,
            "ok": not errors if ok is None else ok,
            "packs": {"built": list(result.built), "failed": list(result.failed)},
            "summary": {
                "documents": len(result.written), "rendered": len(result.rendered),
                "up_to_date": len(result.written) - len(result.rendered),
                "warnings": len(warnings), "errors": len(errors),
            },
            "documents": [
                {
                    "pack": d.pack_id, "language": d.language, "document": d.document,
                    "path": str(d.path), "sha256": d.sha256, "pages": d.pages,
                    "rendered": d.rendered, "warnings": list(d.warnings),
                }
                for d in result.written
            ],
            "warnings": [
                {"pack": w.pack_id, "language": w.language, "document": w.document,
                 "output": w.output, "message": w.message}
                for w in warnings
            ],
            "errors": [error_record(error) for error in errors],
        },
        indent=2, ensure_ascii=False,
    )
