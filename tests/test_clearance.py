"""Clearance bound to content (briefgen.clearance, briefgen.clearing, check's
clearance-void): `briefgen clear` records what it cleared; a change to what the documents
show voids it — check names the change, the documents are drafts again — until the pack is
cleared anew; what does not change the content (a template) leaves it standing."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

import briefgen
from briefgen import clearance
from briefgen.check import check
from briefgen.model import Clearance
from briefgen.project import load_project
from tests.support.clearing import (
    PACK,
    commit_all,
    edit_after_clearance,
    git,
    init_repository,
    write_water_project,
)
from tests.support.clearing import (
    run_briefgen as run,
)
from tests.support.pdf import pdftotext, squash
from tests.support.projects import ISSUED

VML = "urn:schemas-microsoft-com:vml"
CLEARED_FR = "Validé par C. Clearer (Cabinet) le 20 novembre 2026"


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The water project in a git repository of its own, committed."""
    root = write_water_project(tmp_path_factory.mktemp("water"))
    init_repository(root)
    return root


def cleared(project: Path) -> Path:
    result = run(project, "clear", PACK, "--by", "C. Clearer", "--unit", "Cabinet")
    assert result.returncode == 0, result.stderr
    return project


def note_text(out: Path, lang: str = "fr") -> str:
    return squash(pdftotext(out / PACK / lang / "briefing-note.pdf"))


def word_watermark(out: Path, lang: str) -> list[str]:
    points = docx.Document(str(out / PACK / lang / "talking-points.docx"))
    return [path.get("string") for section in points.sections
            for path in section.header._element.iter(f"{{{VML}}}textpath")
            if path.get("string")]


# -- clear ---------------------------------------------------------------------------------


def test_clear_appends_the_entry_and_keeps_the_file_as_written(project: Path) -> None:
    head = git(project, "rev-parse", "HEAD").strip()
    before = (project / "packs" / "lisbonne.yaml").read_text(encoding="utf-8")
    result = run(project, "clear", PACK, "--by", "C. Clearer", "--unit", "Cabinet")
    assert result.returncode == 0, result.stderr
    assert f"cleared by C. Clearer on 2026-11-20 (fr, en, ar) at commit {head[:10]}" in \
        result.stdout
    after = (project / "packs" / "lisbonne.yaml").read_text(encoding="utf-8")
    # Every line kept as written (comments too), but the status; the entry appended.
    assert after.startswith(before.replace("status: draft", "status: cleared"))
    added = after.removeprefix(before.replace("status: draft", "status: cleared"))
    prints = clearance.fingerprints(load_project(project), load_project(project).packs[PACK]
                                    .model)
    assert added == (
        "clearance:\n- name: C. Clearer\n  unit: Cabinet\n  date: 2026-11-20\n"
        f"  fingerprint: {{fr: {prints['fr']}, en: {prints['en']}, ar: {prints['ar']}}}\n"
        f"  commit: {head}\n")
    pack = load_project(project).packs[PACK].model
    assert pack.status == "cleared"
    assert pack.clearance == (Clearance(name="C. Clearer", unit="Cabinet", date=ISSUED,
                                        fingerprint=prints, commit=head),)


def test_a_second_clearance_is_appended_after_the_first(project: Path) -> None:
    cleared(project)
    result = run(project, "clear", PACK, "--by", "A. Director", "--date", "2026-11-21")
    assert result.returncode == 0, result.stderr
    pack = load_project(project).packs[PACK].model
    assert [(e.name, e.date.isoformat()) for e in pack.clearance] == [
        ("C. Clearer", "2026-11-20"), ("A. Director", "2026-11-21")]
    note = squash(pdftotext(briefgen.build(project, out=project.parent / "out").written[0]
                            .path))
    assert "Validé par C. Clearer (Cabinet) le 20 novembre 2026 · Validé par A. Director " \
           "le 21 novembre 2026" in note


def test_clearing_after_the_meeting_is_refused_and_nothing_written(project: Path) -> None:
    before = (project / "packs" / "lisbonne.yaml").read_bytes()
    result = run(project, "clear", PACK, "--by", "C. Clearer", "--date", "2026-12-11")
    assert result.returncode == 2
    assert "cleared on 2026-12-11, after the meeting (2026-12-10)" in result.stderr
    assert "Traceback" not in result.stderr
    assert (project / "packs" / "lisbonne.yaml").read_bytes() == before


def test_an_unknown_pack_is_named(project: Path) -> None:
    result = run(project, "clear", "nope", "--by", "C. Clearer")
    assert result.returncode == 2
    assert "no pack with id nope (packs in this project: lisbonne-2026)" in result.stderr


def test_uncommitted_content_is_cleared_without_a_commit_and_says_so(project: Path) -> None:
    edit_after_clearance(project)  # edited, not committed
    result = run(project, "clear", PACK, "--by", "C. Clearer")
    assert result.returncode == 0, result.stderr
    assert "the content cleared is not committed" in result.stderr
    entry = load_project(project).packs[PACK].model.clearance[-1]
    assert entry.commit is None and entry.fingerprint


def test_a_project_outside_git_is_cleared_without_a_commit(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    root = write_water_project(tmp_path_factory.mktemp("nogit"))
    result = run(root, "clear", PACK, "--by", "C. Clearer")
    assert result.returncode == 0, result.stderr
    assert "the project is not in git" in result.stderr
    entry = load_project(root).packs[PACK].model.clearance[-1]
    assert entry.commit is None
    # The clearance holds, and is voided by an edit all the same (named by language).
    assert not check(root, final=True).errors
    edit_after_clearance(root)
    [void] = [f for f in check(root, final=True).errors if f.code == "clearance-void"]
    assert "its text in fr, en, ar (no commit was recorded at the clearance" in void.message


# -- The clearance holds, then is void -----------------------------------------------------


def test_the_done_when_scenario(project: Path, tmp_path: Path) -> None:
    """Clear; edit a key message's French and Arabic, delete a fact, add one: check --final
    fails naming exactly those changes and the clearance, the documents are drafts again;
    clearing again restores the clearance line."""
    cleared(project)
    commit_all(project, "cleared")
    assert not check(project, final=True).errors
    briefgen.build(project, out=tmp_path / "cleared")
    assert CLEARED_FR in note_text(tmp_path / "cleared")
    assert word_watermark(tmp_path / "cleared", "fr") == []

    edit_after_clearance(project)
    result = run(project, "check", "--final")
    assert result.returncode == 1, result.stdout
    line = next(line for line in result.stdout.splitlines() if "clearance-void" in line)
    assert ("error clearance-void: the content changed since it was cleared by C. Clearer on "
            "2026-11-20: fact dessalement: talking_point.fr, talking_point.ar; "
            "fact fonds-eau added; fact barrages removed — have the changes cleared "
            f"(`briefgen changes {PACK}` shows them), then `briefgen clear {PACK} --by NAME`"
            ) in line
    assert line.startswith("packs/lisbonne.yaml:22: ")  # the line of the clearance entry
    warning = run(project, "check")
    assert warning.returncode == 0 and "warning clearance-void" in warning.stdout

    briefgen.build(project, out=tmp_path / "edited")
    for lang, draft in (("fr", "PROJET"), ("en", "DRAFT"), ("ar", "مسودة")):
        text = squash(pdftotext(tmp_path / "edited" / PACK / lang / "briefing-note.pdf"))
        assert draft in text, lang
        assert "C. Clearer" not in text, lang
        assert word_watermark(tmp_path / "edited", lang) == [draft]

    again = run(project, "clear", PACK, "--by", "C. Clearer", "--unit", "Cabinet")
    assert again.returncode == 0, again.stderr
    assert not check(project, final=True).errors
    briefgen.build(project, out=tmp_path / "again")
    assert CLEARED_FR in note_text(tmp_path / "again")
    assert "PROJET" not in note_text(tmp_path / "again")
    assert word_watermark(tmp_path / "again", "fr") == []


def test_only_the_languages_that_changed_lose_their_clearance(project: Path,
                                                               tmp_path: Path) -> None:
    cleared(project)
    path = project / "facts" / "water.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Dam management relies", "Dam management depends"), encoding="utf-8")
    loaded = load_project(project)
    assert clearance.void_languages(loaded, loaded.packs[PACK].model) == ["en"]
    [void] = [f for f in check(project).warnings if f.code == "clearance-void"]
    assert void.message.endswith(": fact barrages: text.en")
    briefgen.build(project, out=tmp_path)
    assert "Validé par C. Clearer" in note_text(tmp_path, "fr")
    assert "DRAFT" in note_text(tmp_path, "en")


def test_a_template_renamed_label_and_a_restyle_leave_the_clearance_standing(
        project: Path, tmp_path: Path) -> None:
    """What the documents look like is not what was cleared: a project template that
    renames a heading and restyles the note keeps the clearance (and the note shows it)."""
    cleared(project)
    templates = project / "templates"
    (templates / "css").mkdir(parents=True)
    shipped = Path(briefgen.__file__).parent.parent.parent / "templates"
    note = (shipped / "_note.html").read_text(encoding="utf-8")
    assert '_("Objectives")' in note
    (templates / "_note.html").write_text(note.replace('_("Objectives")', '"What we want"'),
                                          encoding="utf-8")
    css = (shipped / "css" / "briefing-note.css").read_text(encoding="utf-8")
    (templates / "css" / "briefing-note.css").write_text(css + "\nh1 { color: #800; }\n",
                                                         encoding="utf-8")
    assert not [f for f in check(project, final=True).findings if f.code == "clearance-void"]
    briefgen.build(project, out=tmp_path)
    assert CLEARED_FR in note_text(tmp_path)


def test_a_translation_stamp_is_not_content(project: Path) -> None:
    cleared(project)
    path = project / "facts" / "water.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    sources: [accord-2019]\n",
                                 "    sources: [accord-2019]\n    translated_from: {text: "
                                 "{en: 0123abcd}}\n", 1), encoding="utf-8")
    assert not [f for f in check(project, final=True).findings if f.code == "clearance-void"]


def test_a_clearance_written_by_hand_is_taken_at_its_word(project: Path) -> None:
    """A clearance without a fingerprint (written before `briefgen clear`) stays as it was."""
    path = project / "packs" / "lisbonne.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: cleared")
                    + "clearance:\n  - {name: C. Clearer, date: 2026-11-20}\n", encoding="utf-8")
    edit_after_clearance(project)
    assert not check(project, final=True).errors


def test_content_names_what_the_documents_show(project: Path) -> None:
    """The items the fingerprint covers (the pack, its fact base, facts, cited sources), and
    what it leaves out (how the pack is built and cleared)."""
    loaded = load_project(project)
    items = clearance.content(loaded, loaded.packs[PACK].model, "ar")
    assert sorted(items) == ["base pt-water", "fact barrages", "fact dessalement",
                             "fact reunion-lisbonne", "pack", "source accord-2019",
                             "source communique-2025"]
    assert items["fact dessalement"]["talking_point.ar"].startswith("نرغب في توسيع")
    assert items["pack"]["meeting.title.ar"] == "مباحثات حول المياه مع البرتغال"
    assert not any(key.startswith(("status", "clearance", "documents", "languages"))
                   for key in items["pack"])


def test_a_renamed_file_leaves_the_clearance_standing(project: Path, tmp_path: Path) -> None:
    """The content is the facts, not the files holding them: a fact base renamed (git mv)
    keeps the clearance, and the redline since it shows no change."""
    cleared(project)
    commit_all(project, "cleared")
    git(project, "mv", "facts/water.yaml", "facts/eau.yaml")
    commit_all(project, "renamed")
    assert not [f for f in check(project, final=True).findings if f.code == "clearance-void"]
    result = run(project, "changes", PACK, "--lang", "fr", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "facts 0 added, 0 removed, 0 changed, 0 moved" in result.stdout
    assert "briefing-note-changes.pdf (0 changes)" in result.stdout
    assert "talking-points-changes.docx (0 tracked changes)" in result.stdout
