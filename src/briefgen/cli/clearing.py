"""The commands of the clearance chain: ``clear`` (record a clearance bound to the content
cleared) and ``changes`` (the redline of what changed since a revision)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from briefgen import clock
from briefgen.clearing import clear
from briefgen.cli.group import _examples, _say, _shown, main, project_option

# -- clear ---------------------------------------------------------------------------------


@main.command("clear", epilog=_examples(
    'briefgen clear rabat-2026-12 --by "C. Clearer" --unit Cabinet',
    'briefgen clear rabat-2026-12 --by "A. Director" --date 2026-11-28',
))
@click.argument("pack_id")
@click.option("--by", "name", required=True, help="Who clears the pack (their name).")
@click.option("--unit", default=None, help="Their unit, as printed on the documents.")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD",
              help="The day of the clearance (default: the day of SOURCE_DATE_EPOCH, else "
                   "today).")
@project_option
def clear_command(pack_id: str, name: str, unit: str | None, date: dt.datetime | None,
                  project_dir: Path) -> None:
    """Record that PACK_ID is cleared, bound to its content: a later change to what the
    documents show voids the clearance (check says what changed; the draft watermark comes
    back) until the pack is cleared again."""
    day = clock.today(date.date() if date else None)
    cleared = clear(project_dir, pack_id, name, unit=unit, date=day)
    entry = cleared.entry
    languages = ", ".join(entry.fingerprint or {})
    commit = f" at commit {entry.commit[:10]}" if entry.commit else ""
    _say(f"{_shown(cleared.path)}: cleared by {entry.name} on {day.isoformat()} "
         f"({languages}){commit}")
    if cleared.note:
        click.echo(f"note: {cleared.note}", err=True)
