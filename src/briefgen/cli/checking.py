"""The ``check`` command: validate a project, print its findings (text, JSON or GitHub
annotations), write nothing; and :func:`repository_root`, the folder GitHub annotations name
files from."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from briefgen.check import Report, as_github, as_json, as_text, check
from briefgen.cli.group import (
    _examples,
    _quiet,
    complete_pack_ids,
    main,
    project_option,
    today_option,
)
from briefgen.errors import UsageError
from briefgen.progress import use_color

# -- check ---------------------------------------------------------------------------------


@main.command("check", epilog=_examples(
    "briefgen check                              # every fact base and pack",
    "briefgen check rabat-2026-12 --strict       # one pack; warnings fail too",
    "briefgen check --final                      # a draft pack is an error",
    "briefgen check --format json > findings.json",
    "briefgen check --format github              # annotations in a GitHub workflow",
    "briefgen check --format github --repo-root ..",
))
@click.argument("pack_ids", nargs=-1, shell_complete=complete_pack_ids)
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
