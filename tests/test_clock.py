"""Time is an input: one clock read at the edge, documents never dated after their meeting,
and dated packs that build the same on any day."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefgen
from briefgen import cli, clock
from tests.support.pdf import pdftotext, squash
from tests.support.projects import (
    MINIMAL_PACK,
    REPO,
    TODAY,
    TODAY_EPOCH,
    ProjectFactory,
    load_demo,
)

PAST = MINIMAL_PACK.replace("date: 2026-12-03", "date: 2025-04-03\n  end: 2025-04-04")
DATED_PAST = PAST + "issued: 2025-03-28\n"
SOURCE = REPO / "src" / "briefgen"


def files(folder: Path) -> dict[str, str]:
    """Every document of an output folder and its hash (not the lock, nor the caches)."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()
            and not path.name.startswith(".") and ".briefgen-cache" not in path.parts}


# -- The clock ------------------------------------------------------------------------------


def test_the_tests_run_on_a_fixed_day() -> None:
    assert os.environ["SOURCE_DATE_EPOCH"] == TODAY_EPOCH
    assert clock.today() == TODAY


def test_a_given_day_comes_first() -> None:
    assert clock.today(dt.date(2031, 2, 3)) == dt.date(2031, 2, 3)


@pytest.mark.parametrize(("epoch", "day"), [("0", dt.date(1970, 1, 1)),
                                           (" 1780000000 ", dt.date(2026, 5, 28)),
                                           ("1795132799", dt.date(2026, 11, 19))])
def test_source_date_epoch_is_read_in_utc(epoch: str, day: dt.date) -> None:
    assert clock.today(environ={"SOURCE_DATE_EPOCH": epoch}) == day
    assert clock.now(environ={"SOURCE_DATE_EPOCH": epoch}).tzinfo == dt.UTC


@pytest.mark.parametrize("epoch", ["yesterday", "1.5e9", "9" * 30, "2026-12-05"])
def test_a_source_date_epoch_that_is_not_a_time_is_refused(epoch: str) -> None:
    with pytest.raises(briefgen.UsageError, match=r"SOURCE_DATE_EPOCH=.* is not a time"):
        clock.today(environ={"SOURCE_DATE_EPOCH": epoch})


def test_without_source_date_epoch_it_is_the_systems_day() -> None:
    """Under faketime (libfaketime), in a process of its own: the system clock, in UTC."""
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    env["FAKETIME"] = "@2031-02-03 23:30:00"
    env["TZ"] = "Pacific/Auckland"  # already the 4th there: the day is UTC's
    shown = subprocess.run(
        ["faketime", "-f", env["FAKETIME"], sys.executable, "-c",
         "from briefgen import clock; print(clock.today())"],
        env=env, capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "2031-02-03"


CLOCK_READS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"),
               ("datetime", "today")}


def test_no_module_but_the_clock_reads_the_date() -> None:
    """``date.today()`` and ``datetime.now()`` appear in clock.py only. (The parse cache
    prunes by how long ago its files were touched, ``time.time()`` against their mtimes:
    elapsed time on this machine, not a date anything prints.)"""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "clock.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Attribute | ast.Name)):
                owner = (node.func.value.attr if isinstance(node.func.value, ast.Attribute)
                         else node.func.value.id)
                if (owner, node.func.attr) in CLOCK_READS:
                    found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert found == []


# -- Never dated after the meeting ---------------------------------------------------------


def test_a_past_meeting_without_issued_is_refused_and_its_output_kept(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project(packs={"old.yaml": PAST.replace("id: meeting", "id: old"),
                               "new.yaml": MINIMAL_PACK.replace("id: meeting", "id: new")})
    project = briefgen.load_project(root)
    briefgen.build(project, out=tmp_path, today=dt.date(2025, 3, 30))  # before it met
    before = files(tmp_path / "old")
    with pytest.raises(briefgen.BuildFailed) as failed:
        briefgen.build(project, out=tmp_path, today=TODAY, force=True)
    [error] = failed.value.errors
    assert isinstance(error, briefgen.LocatedError)
    assert (error.location.file, error.location.line) == ("packs/old.yaml", 4)
    assert str(error).startswith("packs/old.yaml:4: the meeting (2025-04-03 to 2025-04-04) "
                                 "is past: built today, 2026-11-20,")
    assert error.hint is not None and "set issued: YYYY-MM-DD in the pack" in error.hint
    assert files(tmp_path / "old") == before  # the good output of the old pack, untouched
    written = failed.value.written
    assert isinstance(written, briefgen.BuildResult)
    assert {d.pack_id for d in written.rendered} == {"new"}  # the other pack built


def test_a_date_of_issue_given_after_the_meeting_is_refused(make_project: ProjectFactory,
                                                            tmp_path: Path) -> None:
    project = briefgen.load_project(make_project(packs={"meeting.yaml": DATED_PAST}))
    with pytest.raises(briefgen.BuildFailed, match=r"would be dated 2025-04-05, after the "):
        briefgen.build(project, out=tmp_path, issued=dt.date(2025, 4, 5))


def test_the_cli_says_it_in_one_line(make_project: ProjectFactory) -> None:
    root = make_project(packs={"meeting.yaml": PAST})
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", "-q"], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "1 error in the build:",
        "  packs/meeting.yaml:4: the meeting (2025-04-03 to 2025-04-04) is past: built today, "
        "2026-11-20, its documents would be dated after it, as the pack sets no issued: date "
        "— set issued: YYYY-MM-DD in the pack (the day the brief was issued) to build it as "
        "it was on that day, or move the meeting's date"]
    assert not (root / "build" / "meeting").exists()


def test_build_today_dates_a_pack_without_issued(make_project: ProjectFactory) -> None:
    root = make_project(packs={"meeting.yaml": PAST})
    result = CliRunner().invoke(cli.main, ["build", "--project", str(root), "--lang", "en",
                                           "--today", "2025-04-01"])
    assert result.exit_code == 0, result.output
    note = squash(pdftotext(root / "build" / "meeting" / "en" / "briefing-note.pdf"))
    assert "Prepared on April 1, 2025." in note


def test_a_dated_pack_builds_as_it_was_byte_for_byte_on_any_day(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    project = briefgen.load_project(make_project(packs={"meeting.yaml": DATED_PAST}))
    outputs = []
    for day in (dt.date(2025, 3, 30), TODAY, dt.date(2039, 12, 31)):
        out = tmp_path / day.isoformat()
        briefgen.build(project, out=out, today=day)
        outputs.append(files(out))
    assert outputs[0] == outputs[1] == outputs[2] and outputs[0]
    note = squash(pdftotext(tmp_path / TODAY.isoformat() / "meeting/en/briefing-note.pdf"))
    assert "Prepared on March 28, 2025." in note


def test_the_demo_is_dated_not_aging(tmp_path: Path) -> None:
    """Every document of the demo, built on two days years apart: the same bytes."""
    project = load_demo()
    first, second = tmp_path / "first", tmp_path / "second"
    briefgen.build(project, out=first, today=dt.date(2026, 11, 1), jobs=2)
    briefgen.build(project, out=second, today=dt.date(2031, 6, 15), jobs=2)
    assert files(first) == files(second)
    assert len(files(first)) == sum(len(p.model.languages) * len(p.model.documents) + 1
                                    for p in project.packs.values())


# -- Watch and serve read the clock at each round -------------------------------------------


def test_watch_dates_by_its_day_and_refuses_a_past_meeting(make_project: ProjectFactory,
                                                           tmp_path: Path) -> None:
    from briefgen.watching import Watcher

    root = make_project(packs={"meeting.yaml": PAST})
    said: list[str] = []
    step = Watcher(root, out=tmp_path, say=said.append).step()
    assert not step.rendered  # the pack is refused: nothing rendered
    assert any(line.startswith("packs/meeting.yaml:4: error past-meeting: the meeting "
                               "(2025-04-03 to 2025-04-04) is past") for line in said), said
    earlier = Watcher(root, out=tmp_path / "earlier", today=dt.date(2025, 4, 2)).step()
    assert [d.path.name for d in earlier.rendered] == ["briefing-note.pdf"] * 2


def test_serve_dates_by_its_day(make_project: ProjectFactory, tmp_path: Path) -> None:
    from briefgen.serve import Preview

    root = make_project(packs={"meeting.yaml": PAST})
    preview = Preview(root, tmp_path)
    for _step in preview.rounds(frozenset()):
        pass
    [failure] = preview.state.page_failures[("meeting", "fr")]
    assert (failure.code, failure.file, failure.line) == ("past-meeting", "packs/meeting.yaml", 4)
    assert [f.code for f in preview.state.findings["meeting"] if f.severity == "error"] == [
        "past-meeting"]
    earlier = Preview(root, tmp_path / "earlier", today=dt.date(2025, 4, 2))
    for _step in earlier.rounds(frozenset()):
        pass
    assert set(earlier.state.pages) == {("meeting", "fr"), ("meeting", "en")}


# -- init and new propose a meeting 30 days ahead ------------------------------------------


def test_init_and_new_go_by_the_clock(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.main, ["init", str(tmp_path / "p"), "-q"])
    assert result.exit_code == 0, result.output
    assert "  date: 2026-12-20\n" in (tmp_path / "p/packs/sample-meeting.yaml").read_text()
    result = CliRunner().invoke(cli.main, ["new", "next", "--project", str(tmp_path / "p"),
                                           "--today", "2027-01-31", "-q"])
    assert result.exit_code == 0, result.output
    assert "  date: 2027-03-02\n" in (tmp_path / "p/packs/next.yaml").read_text()


def test_a_scaffold_checks_clean_of_dates(tmp_path: Path) -> None:
    """A new project meets 30 days ahead: neither past nor stale on the day it is made."""
    shutil.rmtree(tmp_path, ignore_errors=True)
    briefgen_init = CliRunner().invoke(cli.main, ["init", str(tmp_path), "-q"])
    assert briefgen_init.exit_code == 0
    report = briefgen.check(tmp_path)
    assert not {"past-meeting", "stale"} & {f.code for f in report.findings}
