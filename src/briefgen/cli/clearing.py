"""The commands of the clearance chain: ``clear`` (record a clearance bound to the content
cleared) and ``changes`` (the redline of what changed since a revision)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from briefgen import clock
from briefgen.changes import changes
from briefgen.changes.compare import AUTHOR
from briefgen.clearing import clear
from briefgen.cli.building import out_option
from briefgen.cli.group import (
    _examples,
    _say,
    _shown,
    complete_pack_ids,
    main,
    project_option,
    today_option,
)

# -- clear ---------------------------------------------------------------------------------


@main.command("clear", epilog=_examples(
    'briefgen clear rabat-2026-12 --by "C. Clearer" --unit Cabinet',
    'briefgen clear rabat-2026-12 --by "A. Director" --date 2026-11-28',
))
@click.argument("pack_id", shell_complete=complete_pack_ids)
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


# -- changes -------------------------------------------------------------------------------


@main.command("changes", epilog=_examples(
    "briefgen changes rabat-2026-12                 # since its last clearance",
    "briefgen changes rabat-2026-12 --since HEAD~3 --lang fr",
    "briefgen changes rabat-2026-12 --since v1.0 --json",
))
@click.argument("pack_id", shell_complete=complete_pack_ids)
@click.option("--since", "since", default=None, metavar="REV",
              help="The git revision to compare with: a tag, a commit, HEAD~3 (default: the "
                   "commit recorded at the pack's last clearance).")
@click.option("--lang", "languages", multiple=True, help="Only these languages (repeatable).")
@click.option("--json", "as_json_summary", is_flag=True,
              help="Print what changed (facts added, removed, changed, by id) as JSON.")
@click.option("--author", default=AUTHOR, show_default=True,
              help="The author of the DOCX's tracked changes, as Word's Review pane shows it.")
@project_option
@out_option
@today_option("Date the tracked changes, and the packs that set no issued:, as of this day")
def changes_command(pack_id: str, since: str | None, languages: tuple[str, ...],
                    as_json_summary: bool, author: str, project_dir: Path, out: Path | None,
                    today: dt.date | None) -> None:
    """Write redlines of PACK_ID against an earlier version kept by git: per language,
    briefing-note-changes.pdf (insertions underlined, deletions struck through, change
    bars) and talking-points-changes.docx (Word's own tracked changes, to accept or reject
    one by one), into the pack's output folder."""
    result = changes(project_dir, pack_id, since=since, languages=languages or None,
                     out=out, today=today, author=author)
    if as_json_summary:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    for lang in result.languages:
        facts = lang.facts
        parts = [f"{len(ids)} {what} ({', '.join(ids)})" if ids else f"0 {what}"
                 for what, ids in (("added", facts.added), ("removed", facts.removed),
                                   ("changed", facts.changed), ("moved", facts.moved))]
        _say(f"{lang.lang}: since {result.revision}: facts {', '.join(parts)}")
        _say(f"  wrote {_shown(lang.note)} ({_changes(lang.note_changes)}), "
             f"{_shown(lang.points)} ({_changes(lang.points_changes, 'tracked ')})")


def _changes(count: int, kind: str = "") -> str:
    return f"{count} {kind}change{'' if count == 1 else 's'}"
