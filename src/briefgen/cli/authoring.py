"""The commands that write a project's sources: ``schema`` (JSON Schemas for editors),
``init`` (a new project), ``new`` (a new pack), ``templates list``/``export`` (the default
templates, to restyle) and ``messages init``/``update`` (the project's label catalogs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from briefgen import i18n
from briefgen.cli.group import _examples, _say, _shown, main, project_option, today_option
from briefgen.errors import UsageError
from briefgen.messages import init_catalog, update_catalogs
from briefgen.project import load_project
from briefgen.restyle import default_files, export_templates, restylable_files
from briefgen.scaffold import init_project, new_pack, write_schemas

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
    "briefgen init                      # here, as `git init` does",
    "briefgen init my-briefs && cd my-briefs && briefgen build",
    "briefgen init --ci                 # with .github/workflows/briefgen.yml",
))
@click.argument("directory", required=False, default=Path(),
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--ci", is_flag=True,
              help="Also write a GitHub Actions workflow that checks and builds the packs "
                   "(.github/workflows/briefgen.yml).")
@today_option("The sample's facts are as of this day, its meeting 30 days later")
def init_command(directory: Path, ci: bool, today: dt.date | None) -> None:
    """Create a new project in DIRECTORY (default: the current folder): a sample fact base
    and pack, JSON Schemas for editors, a .gitignore."""
    paths = init_project(directory, today, ci=ci)
    for path in paths:
        _say(f"wrote {_shown(path)}")
    go = "" if _shown(directory) == "." else f"cd {_shown(directory)} && "
    _say("next: replace the TODO: texts of packs/sample-meeting.yaml (`briefgen check` lists "
         f"them), then `{go}briefgen build`")


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
    "briefgen templates export --all                 # all of them into templates/",
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
    for name in default_files() if everything else restylable_files():
        click.echo(name)


@templates_group.command("export", epilog=_examples(
    "briefgen templates export --file css/briefing-note.css    # into ./templates/",
    "briefgen templates export --file talking-points.docx --project ../briefs",
    "briefgen templates export /tmp/defaults --all --force     # a scratch copy to compare",
))
@click.argument("directory", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--file", "names", multiple=True,
              help="This template, as `briefgen templates list` names it (repeatable).")
@click.option("--all", "everything", is_flag=True,
              help="Every restylable template (each then stops following briefgen's).")
@project_option
@click.option("--force", is_flag=True, help="Overwrite the project's own copies.")
def templates_export_command(directory: Path | None, names: tuple[str, ...],
                             everything: bool, project_dir: Path, force: bool) -> None:
    """Copy default templates (HTML, CSS, the Word template) into DIRECTORY (default: the
    project's templates/), where they override briefgen's, to restyle.

    Copy only what you change (--file NAME): every file you do not copy keeps following
    briefgen's defaults, upgrades included. Your own files are never overwritten without
    --force.
    """
    if not names and not everything:
        raise click.UsageError("name the templates to restyle with --file NAME (`briefgen "
                               "templates list` lists them), or give --all for every one")
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
