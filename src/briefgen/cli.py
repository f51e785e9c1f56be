"""The ``briefgen`` command: a thin shell over the Python API.

Exit status: 0 success, 1 a validation or build error (or warnings under ``--strict``), 2 a
usage error. An exception that is not one of briefgen's errors is a bug: it is reported in
one line as an internal error, with its traceback only under ``-v``.

Every command and group takes ``-q/--quiet`` (only errors) and ``-v/--verbose`` (briefgen's
own steps; ``-vv`` the libraries' too), before or after its name; this module is the only
place logging is configured.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from briefgen import i18n
from briefgen.build import BuildResult, build
from briefgen.check import Report, as_github, as_json, as_text, check
from briefgen.errors import BriefgenError, BuildFailed, UsageError, ValidationFailed, excerpt
from briefgen.load import PROJECT_FOLDERS
from briefgen.messages import init_catalog, update_catalogs
from briefgen.progress import progress_display, summary_json, use_color
from briefgen.project import load_project
from briefgen.scaffold import init_project, new_pack, write_schemas
from briefgen.version import __version__
from briefgen.watching import Watcher, watch_project

VERBOSE = "briefgen.verbose"  # keys of click's context meta, shared by nested commands
QUIET = "briefgen.quiet"
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"

project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path(), show_default="current folder", help="The project folder (facts/, packs/).",
)



def _date(_ctx: click.Context, _param: click.Parameter,
          value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def today_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--today``: the date a command takes as today (default: the day of
    SOURCE_DATE_EPOCH, else the system's; :mod:`briefgen.clock`)."""
    return click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                        callback=_date, metavar="YYYY-MM-DD",
                        help=f"{what} (default: the day of SOURCE_DATE_EPOCH, else today).")


DATES_PACKS = "Date the packs that set no issued: as of this day"


# -- -q / -v on every command --------------------------------------------------------------


def _count_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    ctx.meta[VERBOSE] = ctx.meta.get(VERBOSE, 0) + (value or 0)


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta[QUIET] = ctx.meta.get(QUIET, False) or value


def _configure_logging(ctx: click.Context) -> None:
    """Warnings by default; ``-v`` briefgen's steps (INFO), ``-vv`` everything at DEBUG;
    ``-q`` errors only."""
    verbose, quiet = ctx.meta.get(VERBOSE, 0), ctx.meta.get(QUIET, False)
    if verbose:
        others, ours = (logging.DEBUG, logging.DEBUG) if verbose > 1 else (logging.WARNING,
                                                                           logging.INFO)
    else:
        others = ours = logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=others, format=LOG_FORMAT, force=True)
    logging.getLogger("briefgen").setLevel(ours)


def _verbosity_options() -> list[click.Parameter]:
    return [
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_set_quiet,
                     help="Print only errors."),
        click.Option(["-v", "--verbose"], count=True, expose_value=False,
                     callback=_count_verbose,
                     help="Log briefgen's steps (-vv: the libraries' too); show the "
                          "traceback of an internal error."),
    ]


def _quiet() -> bool:
    return bool(click.get_current_context().meta.get(QUIET))


def _say(text: str) -> None:
    """A line of information: printed unless ``-q``."""
    if not _quiet():
        click.echo(text)


class _Command(click.Command):
    """A command taking -q and -v; logging is configured when it runs (after every option
    of the command line is read, and never for --help)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params += _verbosity_options()

    def invoke(self, ctx: click.Context) -> Any:
        _configure_logging(ctx)
        return super().invoke(ctx)


class _Group(click.Group):
    """A command group whose commands and groups all take -q and -v."""

    command_class = _Command
    group_class = type  # subgroups are _Groups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params += _verbosity_options()


class _Main(_Group):
    """The top group, with the one place where any failure becomes one clear line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except UsageError as error:
            raise click.UsageError(str(error), ctx) from None
        except BriefgenError as error:
            _fail(error)
        except OSError as error:  # the system refused something: not a bug in briefgen
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"error: {where}{error.strerror or error}", err=True)
            sys.exit(1)
        except Exception as error:
            _internal_error(error, bool(ctx.meta.get(VERBOSE)))


def _internal_error(error: Exception, verbose: bool) -> NoReturn:
    if verbose:
        click.echo("".join(traceback.format_exception(error)), err=True, nl=False)
    click.echo(
        f"internal error: {type(error).__name__}: {excerpt(error, 200)}\n"
        f"This is a bug in briefgen {__version__}: please report it with the command you ran"
        + ("." if verbose else " and the traceback `briefgen -v ...` shows."),
        err=True,
    )
    sys.exit(1)


def _examples(*lines: str) -> str:
    """An epilog of examples, kept as written by --help (``\\b``)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=_examples(
                 "briefgen init my-briefs && cd my-briefs && briefgen build",
                 "briefgen check --strict --format github",
                 "briefgen build rabat-2026-12 --lang fr --out /tmp/packs",
                 "briefgen -v build        # log each step",
             ) + "\n\n\b\nExit status: 0 success, 1 an error in the project or the build "
                 "(or warnings\nunder --strict), 2 a usage error. NO_COLOR=1 turns colour off; "
                 "SOURCE_DATE_EPOCH\n(or --today) sets today's date: the date of issue of a "
                 "pack without issued:.\nDocumentation: the README and docs/.")
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Build briefing packs (PDF note, DOCX talking points, fact sheet) from fact bases."""


# -- build ---------------------------------------------------------------------------------


@main.command("build", epilog=_examples(
    "briefgen build                              # every pack, into build/",
    "briefgen build rabat-2026-12 --lang fr      # one pack, one language",
    "briefgen build --out /srv/packs -j 2        # elsewhere, on two processes",
    "briefgen build --force                      # render everything again",
    "briefgen build --json > build.json          # a summary for scripts",
    "briefgen build --strict                     # a render warning fails the build",
))
@click.argument("pack_ids", nargs=-1)
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: <project>/build).")
@click.option("--lang", "languages", multiple=True, help="Only these languages (repeatable).")
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


# -- check ---------------------------------------------------------------------------------


@main.command("check", epilog=_examples(
    "briefgen check                              # every fact base and pack",
    "briefgen check rabat-2026-12 --strict       # one pack; warnings fail too",
    "briefgen check --final                      # a draft pack is an error",
    "briefgen check --format json > findings.json",
    "briefgen check --format github              # annotations in a GitHub workflow",
    "briefgen check --format github --repo-root ..",
))
@click.argument("pack_ids", nargs=-1)
@project_option
@click.option("--format", "output", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True, help="How to print the findings.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@today_option("Check as of this day")
@click.option("--final", is_flag=True,
              help="The packs are about to be sent: a pack still in status: draft is an error.")
@click.option("--repo-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="GitHub annotations name files relative to this folder (default: "
                   "$GITHUB_WORKSPACE, else the git repository holding the project).")
def check_command(pack_ids: tuple[str, ...], project_dir: Path, output: str, strict: bool,
                  today: dt.date | None, final: bool, repo_root: Path | None) -> None:
    """Validate everything and report findings; write nothing.

    Errors exit 1; warnings (unsourced or stale facts, unused sources and facts, past
    meetings, placeholders without data, missing or outdated translations) exit 0, or 1
    with --strict. With --final, a pack still in draft is an error. With -q, only what
    fails the check is printed.
    """
    try:
        report = check(project_dir, pack_ids or None, today, final=final)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if output == "json":
        click.echo(as_json(report))
    elif output == "github":
        root = repo_root if repo_root is not None else repository_root(project_dir)
        prefix = os.path.relpath(project_dir.resolve(), root.resolve()) if root else "."
        if text := as_github(report, prefix):
            click.echo(text)
    elif not _quiet():
        click.echo(as_text(report, color=use_color()))
    elif report.failed(strict):  # -q: only what fails the check
        kept = report.findings if strict else tuple(report.errors)
        click.echo(as_text(Report(kept, report.translations), color=use_color()))
    sys.exit(1 if report.failed(strict) else 0)


def repository_root(project_dir: Path) -> Path | None:
    """The folder GitHub names files from: ``$GITHUB_WORKSPACE`` when the project is in it,
    else the nearest folder holding ``.git`` (a folder, or a file in a worktree)."""
    project = project_dir.resolve()
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and project.is_relative_to(Path(workspace).resolve()):
        return Path(workspace).resolve()
    return next((folder for folder in (project, *project.parents)
                 if (folder / ".git").exists()), None)


# -- authoring -----------------------------------------------------------------------------


@main.command("schema", epilog=_examples(
    "briefgen schema                    # schemas/factbase.schema.json, pack.schema.json",
    "briefgen schema --out .vscode/schemas",
))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("schemas"), show_default=True, help="Folder for the schema files.")
def schema_command(out: Path) -> None:
    """Write JSON Schemas for fact bases and packs (for editors' YAML validation)."""
    for path in write_schemas(out):
        _say(f"wrote {_shown(path)}")


@main.command("init", epilog=_examples(
    "briefgen init my-briefs",
    "cd my-briefs && briefgen build",
))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@today_option("The sample's facts are as of this day, its meeting 30 days later")
def init_command(directory: Path, today: dt.date | None) -> None:
    """Create a new project in DIRECTORY with a sample fact base and pack."""
    paths = init_project(directory, today)
    for path in paths:
        _say(f"wrote {_shown(path)}")
    _say(f"next: briefgen build --project {directory}")


@main.command("new", epilog=_examples(
    "briefgen new paris-2027-03          # packs/paris-2027-03.yaml",
    "briefgen new paris-2027-03 --project ../briefs",
))
@click.argument("pack_id")
@project_option
@today_option("The meeting is 30 days after this day")
def new_command(pack_id: str, project_dir: Path, today: dt.date | None) -> None:
    """Create packs/PACK_ID.yaml drawing on the project's fact bases."""
    try:
        path = new_pack(load_project(project_dir), pack_id, today)
    except UsageError as error:
        raise click.BadParameter(str(error), param_hint="PACK_ID") from None
    _say(f"wrote {_shown(path)}: fill in the meeting, then `briefgen build {pack_id}`")


# -- templates -----------------------------------------------------------------------------


@main.group("templates", epilog=_examples(
    "briefgen templates list",
    "briefgen templates export                       # all of them into templates/",
    "briefgen templates export --file css/briefing-note.css",
))
def templates_group() -> None:
    """The default templates, to copy into the project and restyle."""


@templates_group.command("list", epilog=_examples("briefgen templates list",
                                                  "briefgen templates list --all"))
@click.option("--all", "everything", is_flag=True,
              help="Every shipped file (fonts, catalogs, grammar too), not only the "
                   "restylable ones.")
def templates_list_command(everything: bool) -> None:
    """List the default templates a project may copy and restyle."""
    from briefgen.restyle import default_files, restylable_files

    for name in default_files() if everything else restylable_files():
        click.echo(name)


@templates_group.command("export", epilog=_examples(
    "briefgen templates export                          # into ./templates/",
    "briefgen templates export --file css/briefing-note.css",
    "briefgen templates export --file talking-points.docx --project ../briefs",
    "briefgen templates export /tmp/defaults --force    # a scratch copy to compare",
))
@click.argument("directory", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--file", "names", multiple=True,
              help="Only this template, as `briefgen templates list` names it (repeatable).")
@project_option
@click.option("--force", is_flag=True, help="Overwrite the project's own copies.")
def templates_export_command(directory: Path | None, names: tuple[str, ...],
                             project_dir: Path, force: bool) -> None:
    """Copy the default templates (HTML, CSS, the Word template) into DIRECTORY
    (default: the project's templates/), where they override briefgen's, to restyle.

    Copy only what you change: every file you do not copy keeps following briefgen's
    defaults, upgrades included. Your own files are never overwritten without --force.
    """
    from briefgen.restyle import export_templates

    paths = export_templates(directory or project_dir / "templates", names or None,
                             force=force)
    for path in paths:
        _say(f"wrote {_shown(path)}")
    _say("restyle them: the project's copies replace briefgen's on the next build "
         "(delete one to go back to the default)")


# -- messages ------------------------------------------------------------------------------


@main.group("messages", epilog=_examples("briefgen messages init it",
                                         "briefgen messages update"))
def messages_group() -> None:
    """The project's own label catalogs (templates/locale/LANG/LC_MESSAGES/messages.po)."""


@messages_group.command("init", epilog=_examples("briefgen messages init it",
                                                 "briefgen messages init pt_BR --project .."))
@click.argument("lang")
@project_option
def messages_init_command(lang: str, project_dir: Path) -> None:
    """Create the project's catalog for LANG (e.g. it, pt_BR) from briefgen's labels."""
    if i18n.check_locale(lang):
        raise click.BadParameter(str(i18n.check_locale(lang)), param_hint="LANG")
    path = init_catalog(project_dir, lang)
    _say(f"wrote {_shown(path)}: translate each msgstr (Poedit or a text editor), "
         "then `briefgen check` lists what is left")


@messages_group.command("update", epilog=_examples(
    "briefgen messages update            # every catalog of the project",
    "briefgen messages update it es"))
@click.argument("langs", nargs=-1)
@project_option
def messages_update_command(langs: tuple[str, ...], project_dir: Path) -> None:
    """Add the labels of this briefgen version to the project's catalogs (default: all)."""
    for path in update_catalogs(project_dir, list(langs) or None):
        _say(f"updated {_shown(path)}")


# -- watch ---------------------------------------------------------------------------------


@main.command("watch", epilog=_examples(
    "briefgen watch                      # every pack",
    "briefgen watch rabat-2026-12 --out /tmp/preview",
))
@click.argument("pack_ids", nargs=-1)
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: <project>/build).")
@today_option(DATES_PACKS)
def watch_command(pack_ids: tuple[str, ...], project_dir: Path, out: Path | None,
                  today: dt.date | None) -> None:
    """Rebuild PACK_IDS on every save of a fact base, pack or template.

    The first round prints every finding; after that, only what changed: new findings,
    how many were resolved, the documents rendered again.
    """
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


def _folders(names: Sequence[str]) -> str:
    """``facts/, packs/ and templates/``"""
    folders = [f"{name}/" for name in names]
    return f"{', '.join(folders[:-1])} and {folders[-1]}"


# -- translate -----------------------------------------------------------------------------


@main.command("serve", epilog=_examples(
    "briefgen serve                      # every pack, http://127.0.0.1:8000/",
    "briefgen serve rabat-2026-12 --port 8080",
))
@click.argument("pack_id", required=False)
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: <project>/build).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets others read the packs.")
@today_option(DATES_PACKS)
def serve_command(pack_id: str | None, project_dir: Path, out: Path | None, port: int,
                  host: str, today: dt.date | None) -> None:
    """Preview the packs in a browser; every save rebuilds them and reloads the page.

    Serves on 127.0.0.1 only, read-only. PACK_ID: only this pack (default: all).
    """
    from briefgen.serve import serve

    try:
        serve(project_dir, pack_id, out=out, host=host, port=port,
              ready=lambda url: click.echo(f"serving {url} (Ctrl-C to stop)"), today=today)
    except UsageError as error:
        raise click.UsageError(str(error)) from None


@main.group("translate", epilog=_examples(
    "briefgen translate stamp",
    "briefgen translate export --lang ar ar.po",
    "briefgen translate import ar.po",
))
def translate_group() -> None:
    """Translate the fact bases: stamp, export for a translation service, import back."""


base_option = click.option("--base", "base_ids", multiple=True,
                           help="Only this fact base (by id; repeatable). Default: all.")


@translate_group.command("stamp", epilog=_examples(
    "briefgen translate stamp                  # every base",
    "briefgen translate stamp --base ma-coalition-daesh"))
@base_option
@project_option
def stamp_command(base_ids: tuple[str, ...], project_dir: Path) -> None:
    """Record every existing translation as made from the current source text."""
    from briefgen import translate

    changes = _translating(lambda: translate.stamp(project_dir, base_ids))
    _say(f"stamped {len(changes)} translation(s)")


@translate_group.command("export", epilog=_examples(
    "briefgen translate export --lang ar ar.po",
    "briefgen translate export --lang en --format xliff en.xlf",
    "briefgen translate export --lang ar --all --base ma-coalition-daesh all-ar.po"))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", required=True, help="The language to translate into.")
@base_option
@project_option
@click.option("--format", "fmt", type=click.Choice(["po", "xliff"]), default=None,
              help="PO or XLIFF 1.2 (default: from OUT's extension, .xlf/.xliff, else PO).")
@click.option("--all", "everything", is_flag=True,
              help="Every text, not only the missing and outdated translations.")
def export_command(out: Path, lang: str, base_ids: tuple[str, ...], project_dir: Path,
                   fmt: str | None, everything: bool) -> None:
    """Write the texts to translate into LANG to OUT (PO or XLIFF)."""
    from briefgen import translate

    done = _translating(lambda: translate.export(project_dir, lang, out, base_ids=base_ids,
                                                 fmt=fmt, everything=everything))
    _say(f"wrote {_shown(done.path)}: {done.units} text(s) to translate into {lang} "
         f"({done.format}, from {', '.join(done.bases)})")


@translate_group.command("import", epilog=_examples("briefgen translate import ar.po",
                                                    "briefgen translate import en.xlf"))
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@project_option
def import_command(file: Path, project_dir: Path) -> None:
    """Write the translations in FILE (PO or XLIFF) back into the fact bases."""
    from briefgen import translate

    result = _translating(lambda: translate.import_translations(project_dir, file))
    for change in result.changes:
        _say(str(change))
    _say(f"{len(result.changes)} translation(s) written in {result.language}; "
         f"{result.unchanged} unchanged, {result.untranslated} untranslated, "
         f"{result.needs_review} still marked for review (not imported)")


T = TypeVar("T")


def _translating(action: Callable[[], T]) -> T:
    from briefgen.translate import TranslateUsageError

    try:
        return action()
    except TranslateUsageError as error:
        raise click.UsageError(str(error)) from None


def _fail(error: BriefgenError) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(1)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
