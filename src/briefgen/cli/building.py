"""The commands that build packs: ``build`` (once), ``watch`` (on every save) and
``serve`` (a preview in a browser, rebuilt on every save).

watchfiles (``watch``) and the web server (``serve``: uvicorn, starlette) are imported only
when their command runs, not for ``briefgen --version``: the loop imports watchfiles when it
starts, and ``serve`` is imported by its command."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from briefgen.build import BuildResult, build
from briefgen.cli.group import (
    DATES_PACKS,
    _examples,
    _fail,
    _quiet,
    _say,
    _shown,
    complete_languages,
    complete_pack_ids,
    main,
    project_option,
    today_option,
)
from briefgen.errors import BriefgenError, BuildFailed, UsageError, ValidationFailed
from briefgen.load import PROJECT_FOLDERS, not_a_project
from briefgen.output import refuse_out
from briefgen.progress import progress_display, summary_json
from briefgen.project import refuse_unknown_packs
from briefgen.watching import Watcher, watch_project

out_option = click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                          default=None, help="Output folder (default: <project>/build).")

# -- build ---------------------------------------------------------------------------------


@main.command("build", epilog=_examples(
    "briefgen build                              # every pack, into build/",
    "briefgen build rabat-2026-12 --lang fr      # one pack, one language",
    "briefgen build --out /srv/packs -j 2        # elsewhere, on two processes",
    "briefgen build --force                      # render everything again",
    "briefgen build --json > build.json          # a summary for scripts",
    "briefgen build --strict                     # a render warning fails the build",
))
@click.argument("pack_ids", nargs=-1, shell_complete=complete_pack_ids)
@project_option
@out_option
@click.option("--lang", "languages", multiple=True, shell_complete=complete_languages,
              help="Only these languages (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Render on this many worker processes.")
@click.option("--force", is_flag=True, help="Render every document, even unchanged ones.")
@click.option("--strict", is_flag=True,
              help="A render warning fails its document (exit 1; its pack keeps its "
                   "previous files).")
@click.option("--json", "as_json_summary", is_flag=True,
              help="Print a machine-readable summary on stdout (version 1), on failure too.")
@today_option(DATES_PACKS)
def build_command(pack_ids: tuple[str, ...], project_dir: Path, out: Path | None,
                  languages: tuple[str, ...], jobs: int, force: bool, strict: bool,
                  as_json_summary: bool, today: dt.date | None) -> None:
    """Build PACK_IDS (default: every pack of the project).

    Unchanged documents are kept; a pack with a failed document keeps its previous files.
    Render warnings are printed (and listed in --json); --strict fails on them.
    """
    display = progress_display(quiet=as_json_summary or _quiet())
    result, failure = BuildResult(()), None
    try:
        with display:
            result = build(project_dir, pack_ids or None, out=out,
                           languages=languages or None, jobs=jobs, force=force,
                           progress=display.update, strict=strict, today=today)
    except BriefgenError as error:
        failure = error
        if isinstance(error, BuildFailed) and isinstance(error.written, BuildResult):
            result = error.written
    errors = _errors(failure)
    if as_json_summary:
        click.echo(summary_json(result, errors))
    else:
        _report_build(result, out if out is not None else project_dir / "build", errors)
    if isinstance(failure, UsageError):
        raise click.UsageError(str(failure))
    if failure is not None:
        _fail(failure)


def _errors(failure: BriefgenError | None) -> list[BriefgenError]:
    """Every error a failure holds, one by one."""
    if isinstance(failure, ValidationFailed | BuildFailed):
        return list(failure.errors)
    return [failure] if failure is not None else []


def _report_build(result: BuildResult, out: Path, errors: Sequence[BriefgenError]) -> None:
    if not _quiet():
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
    if result.written or not errors:
        rendered, warned = len(result.rendered), len(result.warnings)
        _say(f"{len(result.written)} documents in {_shown(out)}/ ({rendered} rendered, "
             f"{len(result.written) - rendered} up to date"
             + (f", {warned} warning{'s' if warned != 1 else ''})" if warned else ")"))
    if result.failed and result.written:
        _say(f"not built (previous files kept): {', '.join(result.failed)}; see below")


# -- watch ---------------------------------------------------------------------------------


@main.command("watch", epilog=_examples(
    "briefgen watch                      # every pack",
    "briefgen watch rabat-2026-12 --out /tmp/preview",
))
@click.argument("pack_ids", nargs=-1, shell_complete=complete_pack_ids)
@project_option
@out_option
@today_option(DATES_PACKS)
def watch_command(pack_ids: tuple[str, ...], project_dir: Path, out: Path | None,
                  today: dt.date | None) -> None:
    """Rebuild PACK_IDS on every save of a fact base, pack or template.

    The first round prints every finding; after that, only what changed: new findings,
    how many were resolved, the documents rendered again.
    """
    _require_project(project_dir, out)
    refuse_unknown_packs(project_dir, pack_ids)
    watcher = Watcher(project_dir, pack_ids or None, out, say=_say, today=today)
    rounds = 0

    def step(_saved: frozenset[Path]) -> None:
        # A round: the watcher says its lines itself. The loop watches the folders from
        # before the first round; as always, this says so once that round is over.
        nonlocal rounds
        watcher.step()
        rounds += 1
        if rounds == 1:
            _say(f"watching {_folders(PROJECT_FOLDERS)} (Ctrl-C to stop)")

    stop = threading.Event()
    try:
        # step: how long the folders must stay quiet before a save is taken (watchfiles'
        # 50 ms by default): an editor's save is one burst of events, microseconds apart;
        # a save seen half-written is reported, then built again at its next event.
        # debounce is watchfiles' default; rust_timeout, how often the idle watcher ticks.
        watch_project(project_dir, step, stop, step_ms=5, debounce_ms=1600,
                      rust_timeout_ms=300)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()  # the loop's watching thread ends too


def _require_project(project_dir: Path, out: Path | None) -> None:
    """``watch`` and ``serve`` start only in a project (there is nothing to watch else),
    and refuse an output folder as ``build`` does."""
    if (wrong_folder := not_a_project(project_dir)) is not None:
        _fail(wrong_folder)
    if out is not None:
        refuse_out(out, project_dir)


def _folders(names: Sequence[str]) -> str:
    """``facts/, packs/ and templates/``"""
    folders = [f"{name}/" for name in names]
    return f"{', '.join(folders[:-1])} and {folders[-1]}"


# -- serve ---------------------------------------------------------------------------------


@main.command("serve", epilog=_examples(
    "briefgen serve                      # every pack, http://127.0.0.1:8000/",
    "briefgen serve --open               # and open it in the web browser",
    "briefgen serve rabat-2026-12 --port 8080",
))
@click.argument("pack_id", required=False, shell_complete=complete_pack_ids)
@project_option
@out_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the preview in the default web browser once it is served ($BROWSER "
                   "names another).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (one of this machine's, not 0.0.0.0). Anything but "
                   "loopback lets others read the packs.")
@today_option(DATES_PACKS)
def serve_command(pack_id: str | None, project_dir: Path, out: Path | None, port: int,
                  open_browser: bool, host: str, today: dt.date | None) -> None:
    """Preview the packs in a browser; every save rebuilds them and reloads the page.

    Serves on 127.0.0.1 only, read-only. PACK_ID: only this pack (default: all). Prints a
    line for each rebuild and for each new error.
    """
    from briefgen.serve import serve

    _require_project(project_dir, out)
    quiet = _quiet()  # read here: serve says its lines from its own threads

    def say(line: str) -> None:
        if not quiet:
            click.echo(line)

    def ready(url: str) -> None:
        click.echo(f"serving {url} (Ctrl-C to stop)")
        if open_browser:  # the pack's page, with PACK_ID
            # A browser for the terminal would hold the server's thread: its own thread.
            threading.Thread(target=_open_browser, args=(url, say), daemon=True).start()

    try:
        serve(project_dir, pack_id, out=out, host=host, port=port, ready=ready, today=today,
              say=say)
    except UsageError as error:
        raise click.UsageError(str(error)) from None


def _open_browser(url: str, say: Callable[[str], None]) -> None:
    """Open ``url`` in the default browser (Python's :mod:`webbrowser`: ``$BROWSER``, else
    the desktop's); say so when there is none (a server without a desktop)."""
    import webbrowser

    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        say(f"no web browser to open here: open {url} in one")
