"""One broken fact base blocks only its own packs: the others are built (`build`, `watch`),
every problem is reported with its file and line, and the command exits 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen
from briefgen.project import load
from tests.support.projects import ISSUED, MINIMAL_BASE, MINIMAL_PACK, ProjectFactory

OTHER_BASE = MINIMAL_BASE.replace("id: base", "id: other")
BROKEN = OTHER_BASE.replace("    kind: event\n", "    kind: meeting\n")  # not a kind
BROKEN_LINE = BROKEN.split("\n").index("    kind: meeting") + 1
PACKS = {
    "a.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-a"),
    "b.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-b"),
    "c.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-c").replace(
        "facts: [base]", "facts: [other]"),
}


def three_packs(make_project: ProjectFactory, other: str = BROKEN) -> Path:
    return make_project(facts={"base.yaml": MINIMAL_BASE, "other.yaml": other}, packs=PACKS)


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=root,
                          capture_output=True, text=True, check=False)


def built_packs(out: Path) -> list[str]:
    return sorted(path.name for path in out.iterdir()
                  if (path / "manifest.json").is_file()) if out.is_dir() else []


def test_loading_says_which_packs_each_problem_stops(make_project: ProjectFactory) -> None:
    loading = load(three_packs(make_project))
    assert loading.buildable() == ["pack-a", "pack-b"]
    assert list(loading.blocked) == ["pack-c"]
    # the base's own error, and the pack's: it names a base that did not load
    assert [(e.location.file, e.location.line) for e in loading.blocked["pack-c"]] == [
        ("facts/other.yaml", BROKEN_LINE), ("packs/c.yaml", 8)]
    assert "fix the errors in facts/other.yaml" in (loading.blocked["pack-c"][1].hint or "")
    assert loading.errors_of(["pack-a"]) == []
    assert [str(e) for e in loading.errors_of(None)] == [str(e) for e in loading.errors]
    with pytest.raises(briefgen.ValidationFailed) as strict:
        briefgen.load_project(loading.project.root)
    assert [str(e) for e in strict.value.errors] == [str(e) for e in loading.errors]


def test_build_builds_the_packs_nothing_stops(make_project: ProjectFactory,
                                              tmp_path: Path) -> None:
    root = three_packs(make_project, OTHER_BASE)
    briefgen.build(root, out=tmp_path, issued=ISSUED)  # all three, while the base was good
    kept = (tmp_path / "pack-c" / "fr" / "briefing-note.pdf").read_bytes()
    (root / "facts" / "other.yaml").write_text(BROKEN)
    (root / "facts" / "base.yaml").write_text(
        MINIMAL_BASE.replace("Le Maroc soutient", "Le Maroc appuie"))
    with pytest.raises(briefgen.BuildFailed) as failed:
        briefgen.build(root, out=tmp_path, issued=ISSUED)
    assert [(e.location.file, e.location.line) for e in failed.value.errors
            if isinstance(e, briefgen.LocatedError)] == [("facts/other.yaml", BROKEN_LINE),
                                                         ("packs/c.yaml", 8)]
    result = failed.value.written
    assert isinstance(result, briefgen.BuildResult)
    assert result.built == ("pack-a", "pack-b") and result.failed == ("pack-c",)
    assert {d.pack_id for d in result.rendered} == {"pack-a", "pack-b"}  # rebuilt: base changed
    assert (tmp_path / "pack-c" / "fr" / "briefing-note.pdf").read_bytes() == kept


def test_a_build_of_clean_packs_only_succeeds(make_project: ProjectFactory,
                                             tmp_path: Path) -> None:
    result = briefgen.build(three_packs(make_project), ["pack-a"], out=tmp_path,
                            issued=ISSUED)
    assert result.built == ("pack-a",) and result.failed == ()
    with pytest.raises(briefgen.ValidationFailed) as stopped:  # nothing asked can be built
        briefgen.build(three_packs(make_project), ["pack-c"], out=tmp_path, issued=ISSUED)
    assert [e.location.file for e in stopped.value.errors] == ["facts/other.yaml",
                                                               "packs/c.yaml"]


def test_the_command_builds_the_others_and_exits_1(make_project: ProjectFactory) -> None:
    root = three_packs(make_project)
    result = run(root, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"facts/other.yaml:{BROKEN_LINE}" in result.stderr
    assert "not built (previous files kept): pack-c" in result.stdout
    assert built_packs(root / "build") == ["pack-a", "pack-b"]
    summary = json.loads(run(root, "build", "--json").stdout)
    assert summary["version"] == 2 and summary["ok"] is False
    assert summary["packs"] == {"built": ["pack-a", "pack-b"], "failed": ["pack-c"]}
    assert [(e["file"], e["line"]) for e in summary["errors"]] == [
        ("facts/other.yaml", BROKEN_LINE), ("packs/c.yaml", 8)]
    assert run(root, "build", "pack-a", "-q").returncode == 0


def test_a_pack_file_that_does_not_load_stops_only_itself(make_project: ProjectFactory) -> None:
    root = make_project(packs={**PACKS, "c.yaml": "id: pack-c\nmeeting: [unclosed\n"})
    result = run(root, "build", "-q")
    assert result.returncode == 1
    assert "packs/c.yaml:3: while parsing a flow sequence" in result.stderr
    assert built_packs(root / "build") == ["pack-a", "pack-b"]


def test_a_missing_translation_stops_only_the_pack_that_needs_it(
        make_project: ProjectFactory) -> None:
    english_only = MINIMAL_BASE.replace("id: base", "id: other").replace(
        "languages: [fr, en]", "languages: [fr, en, es]")
    spanish = PACKS["c.yaml"].replace("languages: [fr, en]", "languages: [es]").replace(
        "{fr: Réunion de test, en: Test meeting}", "{es: Reunión}").replace(
        "{fr: Rabat, en: Rabat}", "{es: Rabat}").replace(
        "{fr: DIFFUSION RESTREINTE, en: RESTRICTED}", "{es: RESTRINGIDO}")
    root = make_project(facts={"base.yaml": MINIMAL_BASE, "other.yaml": english_only},
                        packs={**PACKS, "c.yaml": spanish})
    loading = load(root)
    assert loading.buildable() == ["pack-a", "pack-b"]
    assert {e.location.file for e in loading.blocked["pack-c"]} == {"facts/other.yaml"}


def test_a_template_error_stops_every_pack(make_project: ProjectFactory) -> None:
    root = make_project(facts={"base.yaml": MINIMAL_BASE, "other.yaml": OTHER_BASE},
                        packs=PACKS, templates={"grammar/fr.yaml": "language: [not a grammar"})
    loading = load(root)
    assert loading.everywhere and loading.buildable() == []
    result = run(root, "build", "-q")
    assert result.returncode == 1 and not (root / "build" / "pack-a").exists()


def test_watch_builds_the_others_and_says_which_are_not(make_project: ProjectFactory,
                                                        tmp_path: Path) -> None:
    from briefgen.watching import Watcher

    said: list[str] = []
    step = Watcher(three_packs(make_project), out=tmp_path, say=said.append).step()
    assert step.built and step.stopped == ("pack-c",)
    assert {d.pack_id for d in step.rendered} == {"pack-a", "pack-b"}
    assert any(line.startswith(f"facts/other.yaml:{BROKEN_LINE}: error") for line in said)
    assert "not built: pack-c (fix the errors above; the other packs are)" in said
