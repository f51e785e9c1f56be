"""The ``translate`` commands: ``stamp`` the existing translations, ``export`` the texts to
translate (PO or XLIFF), ``import`` the translations back into the fact bases.

translate-toolkit (XLIFF) and Babel's PO writer are imported only when a file is written or
read (not for ``briefgen --version``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from briefgen.cli.group import _examples, _say, _shown, main, project_option
from briefgen.translation import workflow

# -- translate -----------------------------------------------------------------------------


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
    changes = _translating(lambda: workflow.stamp(project_dir, base_ids))
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
    done = _translating(lambda: workflow.export(project_dir, lang, out, base_ids=base_ids,
                                                 fmt=fmt, everything=everything))
    if not done.units:
        _say(f"nothing to translate into {lang}: every text is translated and current "
             f"({_shown(done.path)} not written; --all exports every text, to review them)")
        return
    _say(f"wrote {_shown(done.path)}: {done.units} text(s) to translate into {lang} "
         f"({done.format}, from {', '.join(done.bases)})")


@translate_group.command("import", epilog=_examples("briefgen translate import ar.po",
                                                    "briefgen translate import en.xlf"))
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@project_option
def import_command(file: Path, project_dir: Path) -> None:
    """Write the translations in FILE (PO or XLIFF) back into the fact bases."""
    result = _translating(lambda: workflow.import_translations(project_dir, file))
    for change in result.changes:
        _say(str(change))
    _say(f"{len(result.changes)} translation(s) written in {result.language}; "
         f"{result.unchanged} unchanged, {result.untranslated} untranslated, "
         f"{result.needs_review} still marked for review (not imported)")


T = TypeVar("T")


def _translating(action: Callable[[], T]) -> T:
    try:
        return action()
    except workflow.TranslateUsageError as error:
        raise click.UsageError(str(error)) from None
