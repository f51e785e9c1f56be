"""`briefgen check`: every finding type, every output format, the exit codes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen
from briefgen.check import Report, as_github, as_json, as_text, check
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    REPO,
    TODAY,
    ProjectFactory,
    load_demo,
)


def codes(report: Report) -> dict[str, list[tuple[int | None, str | None]]]:
    found: dict[str, list[tuple[int | None, str | None]]] = {}
    for f in report.findings:
        if f.code != "no-harfbuzz-subset":
            found.setdefault(f.code, []).append((f.line, f.fact_id))
    return found


def test_clean_project_has_no_findings(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("as_of: 2022-05", "as_of: 2026-10")
    report = check(make_project(facts={"base.yaml": base}), today=TODAY)
    assert codes(report) == {}
    assert not report.failed(strict=True)


def test_stale_respects_precision_and_verified(make_project: ProjectFactory) -> None:
    # as_of 2025-12 counts from 2025-12-31: 337 days before the meeting, within 365.
    base = MINIMAL_BASE.replace("as_of: 2022-05", "as_of: 2025-12").replace(
        "    sources: [s1]\n  - id: f2", "    verified: 2025-11-01\n    sources: [s1]\n  - id: f2")
    report = check(make_project(facts={"base.yaml": base}), today=TODAY)
    assert codes(report) == {"stale": [(9, "f1")]}  # verified 397 days before the meeting
    [finding] = report.findings if len(report.findings) == 1 else [
        f for f in report.findings if f.code == "stale"]
    assert "397 days old" in finding.message and "verified 2025-11-01" in finding.message


def test_one_day_is_a_day(make_project: ProjectFactory) -> None:
    # verified 2026-12-01: two days before the meeting of 2026-12-03, over the limit of 1
    base = MINIMAL_BASE.replace("as_of: 2022-05", "as_of: 2026-12").replace(
        "    sources: [s1]\n  - id: f2", "    verified: 2026-12-01\n    sources: [s1]\n  - id: f2")
    pack = MINIMAL_PACK + "max_age_days: 1\n"
    report = check(make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack}),
                   today=TODAY)
    messages = [f.message for f in report.findings if f.code == "stale"]
    assert messages == ["the fact is 2 days old at the meeting of pack 'meeting' (verified "
                        "2026-12-01; the pack allows 1 day)"]


def test_max_age_days_on_the_pack(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK + "max_age_days: 3000\n"
    report = check(make_project(packs={"meeting.yaml": pack}), today=TODAY)
    assert "stale" not in codes(report)


def test_each_warning_type(make_project: ProjectFactory) -> None:
    base = (MINIMAL_BASE
            .replace("as_of: 2022-05", "as_of: 2026-10")
            .replace("    sources: [s1]\n  - id: f2", "  - id: f2")  # f1 unsourced
            .replace("sources:\n  - {id: s1", "sources:\n  - {id: s0, title: Unused}\n  - {id: s1")
            + "  - id: f3\n    kind: figure\n    tags: [other]\n"
              "    text: {fr: 'En {date}', en: 'In {date}'}\n    sources: [s1]\n")
    pack = MINIMAL_PACK + "tags: []\n"
    report = check(make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack}),
                   today=TODAY)
    found = codes(report)
    assert found.keys() == {"unsourced", "unused-source", "placeholder-without-data"}
    assert found["unsourced"] == [(10, "f1")]
    assert found["unused-source"] == [(7, None)]
    assert found["placeholder-without-data"] == [(22, "f3")]
    assert report.failed(strict=True) and not report.failed(strict=False)


PAST = MINIMAL_PACK.replace("date: 2026-12-03", "date: 2025-04-03\n  end: 2025-04-04")


def test_a_past_meeting_without_a_date_of_issue_is_an_error(
        make_project: ProjectFactory) -> None:
    """Built today, its documents would be dated after the meeting: say what to do."""
    report = check(make_project(packs={"meeting.yaml": PAST}), today=TODAY)
    [finding] = [f for f in report.findings if f.code == "past-meeting"]
    assert (finding.severity, finding.file, finding.line) == ("error", "packs/meeting.yaml", 4)
    assert "2025-04-03 to 2025-04-04" in finding.message
    assert "2026-11-20" in finding.message
    assert finding.hint is not None and "set issued: YYYY-MM-DD" in finding.hint
    assert report.failed()


@pytest.mark.parametrize(("today", "past"), [(dt.date(2025, 4, 3), False),
                                             (dt.date(2025, 4, 4), False),  # its last day
                                             (dt.date(2025, 4, 5), True)])
def test_a_meeting_is_past_after_its_last_day(make_project: ProjectFactory, today: dt.date,
                                              past: bool) -> None:
    report = check(make_project(packs={"meeting.yaml": PAST}), today=today)
    assert ("past-meeting" in codes(report)) is past


def test_a_dated_pack_checks_the_same_on_any_day(make_project: ProjectFactory) -> None:
    root = make_project(packs={"meeting.yaml": PAST + "issued: 2025-03-28\n"})
    days = (dt.date(2025, 3, 1), dt.date(2025, 4, 5), dt.date(2031, 1, 1), dt.date(1999, 1, 1))
    reports = [check(root, today=day) for day in days]
    assert "past-meeting" not in codes(reports[2])
    assert all(report.findings == reports[0].findings for report in reports)


def test_the_demo_checks_the_same_on_any_day() -> None:
    """The demo's packs carry issued:, so it does not age: no past-meeting, ever."""
    project = load_demo()
    reports = [check(project, today=day, final=True)
               for day in (dt.date(2001, 1, 1), TODAY, dt.date(2040, 6, 30))]
    assert "past-meeting" not in codes(reports[2])
    assert all(report.findings == reports[0].findings for report in reports)


def test_unused_fact(make_project: ProjectFactory) -> None:
    base = (MINIMAL_BASE.replace("as_of: 2022-05", "as_of: 2026-10")
            .replace("    kind: event\n", "    kind: event\n    tags: [other]\n"))
    pack = MINIMAL_PACK + "tags: [main]\n"
    base = base.replace("    kind: position\n", "    kind: position\n    tags: [main]\n")
    report = check(make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack}),
                   today=TODAY)
    assert codes(report) == {"unused-fact": [(15, "f2")]}


def test_loader_errors_are_error_findings(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("kind: event", "kind: meeting")
    report = check(make_project(facts={"base.yaml": base}), today=TODAY)
    assert report.errors[0].file == "facts/base.yaml"
    assert report.errors[0].line == 15 and report.errors[0].fact_id == "f2"
    assert report.failed()


def test_json_is_stable_and_parses(make_project: ProjectFactory) -> None:
    report = check(make_project(), today=TODAY)
    data = json.loads(as_json(report))
    assert data["version"] == 1
    assert data["summary"]["warnings"] == len(report.warnings)
    stale = [f for f in data["findings"] if f["code"] == "stale"]
    assert stale[0] == {
        "severity": "warning", "code": "stale", "message": stale[0]["message"],
        "file": "facts/base.yaml", "line": 9, "fact_id": "f1", "hint": stale[0]["hint"],
        "packs": ["meeting"],
    }


def test_github_annotations(make_project: ProjectFactory) -> None:
    report = check(make_project(), today=TODAY)
    lines = as_github(report).splitlines()
    assert lines[0].startswith("::warning file=facts/base.yaml,line=9,title=stale::[f1] the fact")
    assert all(line.startswith(("::warning ", "::error ")) for line in lines)


def test_text_locates_every_line(make_project: ProjectFactory) -> None:
    """Every finding's line starts with file:line, which editors and terminals link."""
    text = as_text(check(make_project(), today=TODAY))
    *findings, total = text.splitlines()
    assert findings[0].startswith("facts/base.yaml:9: warning [f1] stale: the fact is")
    assert all(line.startswith(("facts/base.yaml:", "packs/meeting.yaml:", "(system): "))
               for line in findings)
    assert total.endswith("warning(s)")


def test_a_fact_too_old_for_several_packs_is_one_finding(
        make_project: ProjectFactory) -> None:
    later = MINIMAL_PACK.replace("id: meeting", "id: later").replace(
        "date: 2026-12-03", "date: 2027-02-03")
    report = check(make_project(packs={"meeting.yaml": MINIMAL_PACK, "later.yaml": later}),
                   today=TODAY)
    stale = [f for f in report.findings if f.code == "stale"]
    assert [(f.fact_id, f.packs) for f in stale] == [
        ("f1", ("later", "meeting")), ("f2", ("later", "meeting"))]
    assert stale[0].message == (
        "the fact is 1709 days old at the meeting of pack 'later', 1647 at 'meeting' (not "
        "verified; its base is as of 2022-05; the packs allow 365 days)")
    one = check(make_project(packs={"meeting.yaml": MINIMAL_PACK, "later.yaml": later}),
                ["meeting"], today=TODAY)
    assert {f.packs for f in one.findings if f.code == "stale"} == {("meeting",)}


def test_a_text_missing_in_several_languages_is_one_finding(
        make_project: ProjectFactory) -> None:
    base = (MINIMAL_BASE.replace("as_of: 2022-05", "as_of: 2026-10")
            .replace("languages: [fr, en]", "languages: [fr, en, ar, es]"))
    report = check(make_project(facts={"base.yaml": base}), today=TODAY)
    missing = [(f.line, f.fact_id, f.message) for f in report.findings
               if f.code == "translation-missing"]
    assert (11, "f1", "'text' has no translation in ar, es") in missing
    assert (12, "f1", "'talking_point' has no translation in ar, es") in missing
    assert len(missing) == len({(line, fact) for line, fact, _ in missing})  # once a text
    assert report.translations["ar"]["missing"] == report.translations["es"]["missing"] > 2


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", "check", "--today", "2026-11-20",
                           *args], cwd=root, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("args", "code"), [((), 0), (("--strict",), 1),
                                            (("--format", "json"), 0),
                                            (("--format", "github", "--strict"), 1)])
def test_exit_codes(make_project: ProjectFactory, args: tuple[str, ...], code: int) -> None:
    result = run(make_project(), *args)
    assert result.returncode == code, result.stderr
    if "json" in args:
        json.loads(result.stdout)


def test_demo_names_every_stale_fact(copy_demo: Path) -> None:
    data = json.loads(run(copy_demo, "--format", "json").stdout)
    stale = {f["fact_id"] for f in data["findings"] if f["code"] == "stale"}
    assert {"skhirat-meeting", "africa-focus-group"} <= stale
    assert all(f["line"] for f in data["findings"] if f["code"] == "stale")


def test_ci_example_workflow_gates_and_uploads() -> None:
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load((REPO / "docs/ci-example.yml").read_text())
    steps = workflow["jobs"]["packs"]["steps"]
    commands = " ; ".join(step.get("run", "") for step in steps)
    assert "briefgen check --format github" in commands  # annotations on every push
    assert "briefgen check --strict --final" in commands  # the gate on a release tag
    assert "briefgen build" in commands
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in steps)


def test_timeline_caption_needs_a_short_label(make_project: ProjectFactory) -> None:
    long_text = "Réunion tenue le {date} à Rabat entre les délégations des deux pays."
    base = (MINIMAL_BASE.replace("as_of: 2022-05", "as_of: 2026-10")
            .replace('text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}',
                     f'text: {{fr: "{long_text}", en: "Meeting on {{date}}."}}'))
    report = check(make_project(facts={"base.yaml": base}), today=TODAY)
    assert codes(report) == {"timeline-caption": [(16, "f2")]}
    labelled = base.replace("    date: 2018-06-26\n",
                            "    date: 2018-06-26\n    label: {fr: Réunion de Rabat, en: "
                            "A meeting whose label runs on far too long for the timeline}\n")
    report = check(make_project(facts={"base.yaml": labelled}), today=TODAY)
    [finding] = [f for f in report.findings if f.code == "timeline-caption"]
    assert finding.message == "'label' is longer than 40 characters in en"


def test_a_tag_no_fact_carries_is_an_error(make_project: ProjectFactory, tmp_path: Path) -> None:
    base = MINIMAL_BASE.replace("    kind: position\n", "    kind: position\n    tags: [africa]\n")
    root = make_project(facts={"base.yaml": base},
                        packs={"meeting.yaml": MINIMAL_PACK + "tags: [africa, afrika]\n"})
    report = briefgen.check(root, today=TODAY)
    [error] = report.errors
    assert (error.file, error.line, error.message) == (
        "packs/meeting.yaml", 10, "no fact carries the tag 'afrika'")
    assert error.hint == "use one of the tags of fact bases base: africa"
    with pytest.raises(briefgen.ValidationFailed):  # and the build refuses it too
        briefgen.load_project(root)


def test_scaffold_placeholders_are_reported_until_replaced(tmp_path: Path) -> None:
    from briefgen.scaffold import init_project, new_pack

    init_project(tmp_path, today=TODAY)
    path = new_pack(briefgen.load_project(tmp_path), "next", today=TODAY)
    report = briefgen.check(tmp_path, ["next"], today=TODAY)
    unfilled = [f for f in report.findings if f.code == "unfilled"]
    assert [(f.line, f.message) for f in unfilled] == [
        (4, "'meeting.title' still holds the placeholder 'TODO: TITLE OF THE MEETING' in en, "
            "fr"),
        (6, "'meeting.place' still holds the placeholder 'TODO: PLACE' in en, fr"),
        (7, "'purpose' still holds the placeholder 'TODO: WHY THE MINISTER MEETS' in en, fr"),
        (9, "'classification' still holds the placeholder 'TODO: CLASSIFICATION, E.G. "
            "RESTRICTED' in en, fr")]
    assert report.failed(strict=True)
    text = path.read_text()
    for old, new in [("TODO: TITLE OF THE MEETING", "Joint commission"),
                     ("TODO: PLACE", "Rabat"), ("TODO: WHY THE MINISTER MEETS", "To agree"),
                     ("TODO: CLASSIFICATION, E.G. RESTRICTED", "RESTRICTED")]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    report = briefgen.check(tmp_path, ["next"], today=TODAY)
    assert not [f for f in report.findings if f.code == "unfilled"]


# -- Kept with each base, worked out side by side ------------------------------------------


def _many_bases_project(make_project: ProjectFactory) -> Path:
    from benchmarks.synthetic import base_text

    facts = {f"base-{i:04d}.yaml": base_text(i, 12) for i in range(20)}
    return make_project(facts=facts, packs={"meeting.yaml": MINIMAL_PACK.replace(
        "facts: [base]", "facts: [base-0000]")})


def _forks_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Work spread over two cores as in the CLI; the list of how many items each
    ``processes.fork_map`` call was given."""
    from briefgen import processes

    counts: list[int] = []
    real = processes.fork_map

    def counted(function: object, count: int, jobs: int) -> object:
        counts.append(count)
        return real(function, count, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(processes, "fork_map", counted)
    monkeypatch.setattr(processes, "may_spread", lambda: True)
    monkeypatch.setattr(processes, "cores", lambda: 2)
    return counts


def test_a_second_check_reads_every_result_back_and_writes_nothing(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check of an unchanged project works nothing out again: each base's findings come
    back from the cache (they once could not: a finding's class had moved)."""
    from briefgen import cache as cache_module
    from briefgen.cache import ParseCache

    root = _many_bases_project(make_project)
    (root / "build").mkdir()
    first = check(briefgen.load_project(root, cache=ParseCache.for_project(root)),
                  today=TODAY)
    written: list[Path] = []
    monkeypatch.setattr(cache_module.writes, "write",
                        lambda files, **options: written.extend(files))
    cache = ParseCache.for_project(root)
    second = check(briefgen.load_project(root, cache=cache), today=TODAY)
    assert second == first and len(first.findings) > 20
    assert cache.misses == 0 and written == []


def test_a_large_project_is_checked_on_every_core_to_the_same_result(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import processes
    from briefgen.cache import ParseCache

    root = _many_bases_project(make_project)
    spread = _forks_counted(monkeypatch)
    side_by_side = check(briefgen.load_project(root, cache=ParseCache(), jobs=1), today=TODAY)
    assert spread == [20]
    monkeypatch.setattr(processes, "cores", lambda: 1)
    one_by_one = check(briefgen.load_project(root, cache=ParseCache(), jobs=1), today=TODAY)
    assert spread == [20]
    assert side_by_side == one_by_one
    assert {f.code for f in one_by_one.findings} >= {"unused-fact", "timeline-caption"}


def test_a_first_check_works_each_base_out_in_the_process_that_parses_it(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A project checked from its folder for the first time: the processes that parse its
    bases work out, each base once, what validation and ``check`` find in it alone; the
    check forks no other processes for them, and finds what a check of the loaded project
    finds."""
    import os

    from briefgen import load, validate
    from briefgen.cache import ParseCache

    check_module = sys.modules["briefgen.check"]
    root = _many_bases_project(make_project)
    (root / "build").mkdir()  # where the cache is kept
    expected = check(briefgen.load_project(root, cache=ParseCache(), jobs=1), today=TODAY)
    log = tmp_path / "pids"

    def logged(name: str, real: object) -> object:
        def call(*args: object) -> object:
            with log.open("a") as out:  # appends of a line: whole, from any process
                out.write(f"{name} {os.getpid()}\n")
            return real(*args)  # type: ignore[operator]
        return call

    monkeypatch.setattr(validate, "validate_base", logged("valid", validate.validate_base))
    monkeypatch.setattr(check_module, "_work_out", logged("check", check_module._work_out))
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)
    forks = _forks_counted(monkeypatch)
    first = check(root, today=TODAY)
    assert first == expected
    assert forks == [21]  # the 20 bases and the pack parsed; nothing else forked
    calls = [line.split() for line in log.read_text().splitlines()]
    for name in ("valid", "check"):
        pids = [int(pid) for what, pid in calls if what == name]
        assert len(pids) == 20 and os.getpid() not in pids, name
    log.unlink()
    assert check(root, today=TODAY) == expected  # then read back: nothing worked out again
    assert not log.exists() and forks == [21]


def test_a_label_prints_its_placeholders_and_is_checked_as_a_text(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """A timeline caption written with the fact's placeholders prints them filled, in the
    form asked; a bare name in it is flagged as in a text; an unknown one is refused."""
    from tests.support.pdf import pdftotext, squash

    dated = "    date: 2018-06-26\n    countries: [MR]\n"
    base = MINIMAL_BASE.replace("    date: 2018-06-26\n", dated + (
        "    label: {fr: \"Accord avec {countries:def}\", en: \"Agreement with {countries}\"}\n"))
    pack = MINIMAL_PACK.replace("documents: [briefing-note]", "documents: [fact-sheet]")
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})
    report = check(root, today=TODAY)
    assert [(f.code, f.line, f.message.split(":")[0]) for f in report.findings
            if f.code == "bare-name"] == [("bare-name", 18, "'label.en'")]
    briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    sheet = squash(pdftotext(tmp_path / "out" / "meeting" / "fr" / "fact-sheet.pdf"))
    assert "Accord avec la Mauritanie" in sheet and "{countries" not in sheet
    unknown = base.replace("{countries:def}", "{pays}")
    with pytest.raises(briefgen.ValidationFailed) as failed:
        briefgen.load_project(make_project(facts={"base.yaml": unknown}))
    assert str(failed.value.errors[0]).startswith(
        "facts/base.yaml:18 (fact f2): 'label.fr': unknown placeholder {pays}")
