"""The ``briefgen`` command: a thin shell over the Python API.

Exit status: 0 success, 1 a validation or build error, 2 a usage error. An exception that
is not one of briefgen's errors is a bug: it is reported in one line as an internal error,
with its traceback only under ``-v``.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from briefgen import i18n
from briefgen.build import BuildResult, build
from briefgen.cache import ParseCache
from briefgen.check import as_github, as_json, as_text, check, failure_report, project_report
from briefgen.errors import BriefgenError, BuildFailed, UsageError, ValidationFailed, excerpt
from briefgen.load import Project, load_project
from briefgen.messages import init_catalog, update_catalogs
from briefgen.progress import progress_display, summary_json
from briefgen.scaffold import init_project, new_pack, write_schemas
from briefgen.version import __version__

project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path(), show_default="current folder", help="The project folder (facts/, packs/).",
)


class _Command(click.Group):
    """The command group, with the one place where any failure becomes one clear line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BriefgenError as error:
            _fail(error)
        except OSError as error:  # the system refused something: not a bug in briefgen
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"error: {where}{error.strerror or error}", err=True)
            sys.exit(1)
        except Exception as error:
            _internal_error(error, bool(ctx.params.get("verbose")))


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


@click.group(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
@click.option("-v", "--verbose", is_flag=True,
              help="Log each step; show the traceback of an internal error.")
def main(verbose: bool) -> None:
    """Build briefing packs (PDF note, DOCX talking points, fact sheet) from fact bases."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command("build")
@click.argument("pack_ids", nargs=-1)
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: <project>/build).")
@click.option("--lang", "languages", multiple=True, help="Only these languages (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Render on this many worker processes.")
@click.option("--force", is_flag=True, help="Render every document, even unchanged ones.")
@click.option("--json", "as_json_summary", is_flag=True,
              help="Print a machine-readable summary of the build on stdout.")
def build_command(pack_ids: tuple[str, ...], project_dir: Path, out: Path | None,
                  languages: tuple[str, ...], jobs: int, force: bool,
                  as_json_summary: bool) -> None:
    """Build PACK_IDS (default: every pack of the project).

    Unchanged documents are kept; a pack with a failed document keeps its previous files.
    """
    project = _load(project_dir)
    display = progress_display(quiet=as_json_summary)
    failure: BuildFailed | None = None
    try:
        with display:
            result = build(project, pack_ids or None, out=out, languages=languages or None,
                           jobs=jobs, force=force, progress=display.update)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    except BuildFailed as failed:
        failure = failed
        result = failed.written if isinstance(failed.written, BuildResult) else BuildResult(())
    if as_json_summary:
        click.echo(summary_json(result, failure))
    else:
        rendered = len(result.rendered)
        folder = _shown(out if out is not None else project.root / "build")
        click.echo(f"{len(result.written)} documents in {folder}/ ({rendered} rendered, "
                   f"{len(result.written) - rendered} up to date)")
    if failure is not None:
        _fail(failure)


@main.command("check")
@click.argument("pack_ids", nargs=-1)
@project_option
@click.option("--format", "output", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True, help="How to print the findings.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Check as of this date (default: today).")
@click.option("--final", is_flag=True,
              help="The packs are about to be sent: a pack still in status: draft is an error.")
def check_command(pack_ids: tuple[str, ...], project_dir: Path, output: str, strict: bool,
                  today: dt.datetime | None, final: bool) -> None:
    """Validate everything and report findings; write nothing.

    Errors exit 1; warnings (unsourced or stale facts, unused sources and facts, past
    meetings, placeholders without data, missing or outdated translations) exit 0, or 1
    with --strict. With --final, a pack still in draft is an error.
    """
    report = check(project_dir, pack_ids or None, today.date() if today else None, final=final)
    if output == "json":
        click.echo(as_json(report))
    elif output == "github":
        click.echo(as_github(report))
    else:
        click.echo(as_text(report, color=sys.stdout.isatty()))
    sys.exit(1 if report.failed(strict) else 0)


@main.command("schema")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("schemas"), show_default=True, help="Folder for the schema files.")
def schema_command(out: Path) -> None:
    """Write JSON Schemas for fact bases and packs (for editors' YAML validation)."""
    for path in write_schemas(out):
        click.echo(f"wrote {_shown(path)}")


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Create a new project in DIRECTORY with a sample fact base and pack."""
    try:
        paths = init_project(directory)
    except BriefgenError as error:
        _fail(error)
    for path in paths:
        click.echo(f"wrote {_shown(path)}")
    click.echo(f"next: briefgen build --project {directory}")


@main.command("new")
@click.argument("pack_id")
@project_option
def new_command(pack_id: str, project_dir: Path) -> None:
    """Create packs/PACK_ID.yaml drawing on the project's fact bases."""
    try:
        path = new_pack(_load(project_dir), pack_id)
    except UsageError as error:
        raise click.BadParameter(str(error), param_hint="PACK_ID") from None
    except BriefgenError as error:
        _fail(error)
    click.echo(f"wrote {_shown(path)}: fill in the meeting, then `briefgen build {pack_id}`")


@main.group("messages")
def messages_group() -> None:
    """The project's own label catalogs (templates/locale/LANG/LC_MESSAGES/messages.po)."""


@messages_group.command("init")
@click.argument("lang")
@project_option
def messages_init_command(lang: str, project_dir: Path) -> None:
    """Create the project's catalog for LANG (e.g. it, pt_BR) from briefgen's labels."""
    if i18n.check_locale(lang):
        raise click.BadParameter(str(i18n.check_locale(lang)), param_hint="LANG")
    try:
        path = init_catalog(project_dir, lang)
    except BriefgenError as error:
        _fail(error)
    click.echo(f"wrote {_shown(path)}: translate each msgstr (Poedit or a text editor), "
               "then `briefgen check` lists what is left")


@messages_group.command("update")
@click.argument("langs", nargs=-1)
@project_option
def messages_update_command(langs: tuple[str, ...], project_dir: Path) -> None:
    """Add the labels of this briefgen version to the project's catalogs (default: all)."""
    try:
        paths = update_catalogs(project_dir, list(langs) or None)
    except BriefgenError as error:
        _fail(error)
    for path in paths:
        click.echo(f"updated {_shown(path)}")


@main.command("watch")
@click.argument("pack_ids", nargs=-1)
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None)
def watch_command(pack_ids: tuple[str, ...], project_dir: Path, out: Path | None) -> None:
    """Rebuild PACK_IDS on every save of a fact base, pack or template; print findings."""
    from watchfiles import watch

    cache = ParseCache.for_project(project_dir)  # kept across saves: one load per save
    _watch_once(project_dir, pack_ids, out, cache)
    folders = [project_dir / name for name in ("facts", "packs", "templates")]
    folders = [folder for folder in folders if folder.is_dir()]
    ready = False
    try:
        # The first (empty) timeout tick means the watcher runs: only then say so.
        for changes in watch(*folders, yield_on_timeout=True, rust_timeout=300):
            if not ready:
                ready = True
                click.echo("watching facts/, packs/ and templates/ (Ctrl-C to stop)")
            if changes:
                _watch_once(project_dir, pack_ids, out, cache)
    except KeyboardInterrupt:
        pass


def _watch_once(project_dir: Path, pack_ids: tuple[str, ...], out: Path | None,
                cache: ParseCache) -> None:
    project: Project | None = None
    try:
        project = load_project(project_dir, cache=cache, jobs=1)  # the watcher has a thread
    except ValidationFailed as failure:
        report = failure_report(failure)
    else:
        report = project_report(project, pack_ids or None)
    if report.findings:
        click.echo(as_text(report, color=sys.stdout.isatty()))
    if report.errors or project is None:
        return
    try:  # the notes first, each document written as soon as it is rendered
        result = build(project, pack_ids or None, out=out, eager=True)
    except BriefgenError as error:
        click.echo(str(error), err=True)
        return
    click.echo(f"built {len(result.written)} documents")


@main.group("translate")
def translate_group() -> None:
    """Translate the fact bases: stamp, export for a translation service, import back."""


base_option = click.option("--base", "base_ids", multiple=True,
                           help="Only this fact base (by id; repeatable). Default: all.")


@translate_group.command("stamp")
@base_option
@project_option
def stamp_command(base_ids: tuple[str, ...], project_dir: Path) -> None:
    """Record every existing translation as made from the current source text."""
    from briefgen import translate

    changes = _translating(lambda: translate.stamp(project_dir, base_ids))
    click.echo(f"stamped {len(changes)} translation(s)")


@translate_group.command("export")
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
    click.echo(f"wrote {_shown(done.path)}: {done.units} text(s) to translate into {lang} "
               f"({done.format}, from {', '.join(done.bases)})")


@translate_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@project_option
def import_command(file: Path, project_dir: Path) -> None:
    """Write the translations in FILE (PO or XLIFF) back into the fact bases."""
    from briefgen import translate

    result = _translating(lambda: translate.import_translations(project_dir, file))
    for change in result.changes:
        click.echo(str(change))
    click.echo(f"{len(result.changes)} translation(s) written in {result.language}; "
               f"{result.unchanged} unchanged, {result.untranslated} untranslated, "
               f"{result.needs_review} still marked for review (not imported)")


T = TypeVar("T")


def _translating(action: Callable[[], T]) -> T:
    from briefgen.translate import TranslateUsageError

    try:
        return action()
    except TranslateUsageError as error:
        raise click.UsageError(str(error)) from None
    except BriefgenError as error:
        _fail(error)


def _load(project_dir: Path) -> Project:
    try:
        return load_project(project_dir)
    except ValidationFailed as failure:
        _fail(failure)


def _fail(error: BriefgenError) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(1)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
