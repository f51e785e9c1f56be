"""The ``docs`` command: briefgen's documentation, shipped in the wheel (the README, the
CHANGELOG, ``docs/``), listed, printed, or its file named to open elsewhere."""

from __future__ import annotations

import sys

import click

from briefgen import handbook
from briefgen.cli.group import _examples, main


def _complete_pages(_ctx: click.Context, _param: click.Parameter,
                    incomplete: str) -> list[str]:
    return [name for name in handbook.pages() if name.startswith(incomplete)]


@main.command("docs", epilog=_examples(
    "briefgen docs                      # the pages, and where they are",
    "briefgen docs cli                  # every command and option",
    "briefgen docs README --path        # its file, to open in a viewer",
))
@click.argument("page", required=False, shell_complete=_complete_pages)
@click.option("--path", "path_only", is_flag=True, help="Print the page's file, not its text.")
def docs_command(page: str | None, path_only: bool) -> None:
    """Show briefgen's documentation (Markdown): the list of pages, or PAGE."""
    pages = handbook.pages()
    if page is None:
        width = max(map(len, pages))
        for name, path in pages.items():
            click.echo(f"{name:<{width}}  {handbook.title(path)}")
        click.echo(f"\n`briefgen docs PAGE` prints one; the files are in "
                   f"{handbook.docs_folder()}")
        return
    found = next((path for name, path in pages.items() if name.lower() == page.lower()), None)
    if found is None:
        raise click.BadParameter(f"no page '{page}': the pages are {', '.join(pages)}",
                                 param_hint="PAGE")
    if path_only:
        click.echo(str(found))
    elif sys.stdout.isatty():
        click.echo_via_pager(found.read_text(encoding="utf-8"))
    else:
        click.echo(found.read_text(encoding="utf-8"), nl=False)
