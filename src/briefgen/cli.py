"""The ``briefgen`` command: a thin shell over the Python API.

Exit status: 0 success, 1 a validation or build error, 2 a usage error.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import NoReturn

import click

from briefgen import __version__
from briefgen.build import BuildResult, UsageError, build
from briefgen.errors import BriefgenError, BuildFailed, ValidationFailed
from briefgen.load import Project, load_project

project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path(), show_default="current folder", help="The project folder (facts/, packs/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
@click.option("-v", "--verbose", is_flag=True, help="Log each step.")
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
def build_command(pack_ids: tuple[str, ...], project_dir: Path, out: Path | None,
                  languages: tuple[str, ...]) -> None:
    """Build PACK_IDS (default: every pack of the project)."""
    project = _load(project_dir)
    try:
        result = build(project, pack_ids or None, out=out, languages=languages or None)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    except BuildFailed as failure:
        written = failure.written.written if isinstance(failure.written, BuildResult) else ()
        for document in written:
            click.echo(f"wrote {_shown(document.path)}")
        _fail(failure)
    for document in result.written:
        click.echo(f"wrote {_shown(document.path)}")


@main.command("check")
@project_option
def check_command(project_dir: Path) -> None:
    """Validate every fact base and pack; write nothing."""
    project = _load(project_dir)
    click.echo(f"ok: {len(project.bases)} fact bases, {len(project.packs)} packs")


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
