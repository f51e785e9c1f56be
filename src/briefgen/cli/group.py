"""The ``briefgen`` group, and what its commands share.

The group :func:`main` and its error policy, the one place where any failure becomes one
clear line. Exit status: 0 success, 1 a validation or build error (or warnings under
``--strict``), 2 a usage error. An exception that is not one of briefgen's errors is a bug: it
is reported in one line as an internal error, with its traceback only under ``-v``.

Every command and group takes ``-q/--quiet`` (only errors) and ``-v/--verbose`` (briefgen's
own steps; ``-vv`` the libraries' too), before or after its name; this module is the only
place logging is configured.

Also the options and helpers the command modules share: ``--project``, ``--today``, printing
a line unless ``-q`` (:func:`_say`), a path as shown (:func:`_shown`), the examples of an
epilog (:func:`_examples`), a briefgen error as exit 1 (:func:`_fail`).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
from click.shell_completion import CompletionItem

from briefgen.errors import BriefgenError, UsageError, ValidationFailed, excerpt
from briefgen.load import Project
from briefgen.project import Loading, load_project
from briefgen.version import __version__

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


# -- shell completion: the project's pack ids and languages -------------------------------


def _completing_project(ctx: click.Context) -> Project | None:
    """The project a command line being completed names (``--project``, else here), as far
    as it loads; None when there is none. Never raises: a shell is asking."""
    root = ctx.params.get("project_dir") or Path()
    try:
        return load_project(root)
    except ValidationFailed as failure:
        return failure.loading.project if isinstance(failure.loading, Loading) else None
    except Exception:
        return None


def complete_pack_ids(ctx: click.Context, _param: click.Parameter,
                      incomplete: str) -> list[CompletionItem]:
    """The project's pack ids that start with ``incomplete``, with their languages."""
    project = _completing_project(ctx)
    if project is None:
        return []
    return [CompletionItem(pack_id, help=", ".join(loaded.model.languages))
            for pack_id, loaded in sorted(project.packs.items())
            if pack_id.startswith(incomplete)]


def complete_languages(ctx: click.Context, _param: click.Parameter,
                       incomplete: str) -> list[CompletionItem]:
    """The languages of the project's packs (those named on the line so far, else all)."""
    project = _completing_project(ctx)
    if project is None:
        return []
    # Before an option still to complete, click leaves the arguments unparsed in ctx.args.
    named = ctx.params.get("pack_ids") or [arg for arg in ctx.args if not arg.startswith("-")]
    packs = [loaded for pack_id, loaded in project.packs.items() if not named or
             pack_id in named]
    languages = sorted({lang for loaded in packs for lang in loaded.model.languages})
    return [CompletionItem(lang) for lang in languages if lang.startswith(incomplete)]


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
        try:
            return super().invoke(ctx)
        except UsageError as error:  # with this command's usage line, not its group's
            raise click.UsageError(str(error), ctx) from None


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
                 "pack without issued:.\nDocumentation: `briefgen docs` (shipped with "
                 "briefgen). Shell completion of\ncommands, pack ids and languages: "
                 "`briefgen docs cli`, \"Shell completion\".")
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Build briefing packs (PDF note, DOCX talking points, fact sheet) from fact bases."""


# -- shared helpers ------------------------------------------------------------------------


def _fail(error: BriefgenError) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(1)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
