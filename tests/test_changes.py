"""The redline (briefgen.changes, briefgen.history): `briefgen changes` against the commit
of the last clearance or any revision; the DOCX carries Word's own tracked changes holding
exactly the changed words (its XML, and LibreOffice's count), the PDF shows new words
underlined and old ones struck, change bars on the side the text starts from; a revision
that does not exist and a project outside git get a clear message."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from briefgen.changes.diff import DEL, DEL_END, INS, INS_END, marked
from tests.support.clearing import (
    NEW_AR,
    NEW_FR,
    OLD_AR,
    OLD_FR,
    PACK,
    commit_all,
    edit_after_clearance,
    git,
    init_repository,
    run_briefgen,
    write_water_project,
)
from tests.support.office import SOFFICE, needs_soffice
from tests.support.pdf import pdftotext, squash
from tests.support.projects import ISSUED, ProjectFactory

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def redlined(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The water project cleared, committed, then edited; its redlines since the
    clearance in build/; and what `changes` printed."""
    root = write_water_project(tmp_path_factory.mktemp("water"))
    init_repository(root)
    result = run_briefgen(root, "clear", PACK, "--by", "C. Clearer", "--unit", "Cabinet")
    assert result.returncode == 0, result.stderr
    commit_all(root, "cleared")
    edit_after_clearance(root)
    out = tmp_path_factory.mktemp("out")
    result = run_briefgen(root, "changes", PACK, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return root, out / PACK, result.stdout


def tracked(docx: Path, author: str = "briefgen") -> list[tuple[str, str]]:
    """Each w:ins, w:del, w:moveFrom and w:moveTo of the body that holds runs: its kind
    and text, in order."""
    from lxml import etree

    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    found = []
    for element in root.iter(f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"):
        if element.getparent().tag == f"{W}rPr":
            continue  # a paragraph mark inserted or deleted with its text
        assert element.get(f"{W}author") == author
        assert element.get(f"{W}date") == "2026-11-20T00:00:00Z"
        text = "".join(t.text or "" for t in element.iter(f"{W}t", f"{W}delText"))
        found.append((element.tag.removeprefix(W), text))
    return found


# -- Word-level differences ------------------------------------------------------------------


def test_a_changed_word_is_marked_not_the_sentence() -> None:
    assert marked("aux régions du sud.", "aux provinces du sud.") == \
        f"aux {DEL}régions{DEL_END}{INS}provinces{INS_END} du sud."
    assert marked("étendre la coopération", "étendre rapidement la coopération") == \
        f"étendre {INS}rapidement {INS_END}la coopération"
    assert marked("a b c d", "a x y d") == f"a {DEL}b c{DEL_END}{INS}x y{INS_END} d"
    assert marked(None, "new") == f"{INS}new{INS_END}"
    assert marked("old", None) == f"{DEL}old{DEL_END}"
    assert marked("same", "same") == "same"
    assert marked(f"a {INS}b", f"a {DEL}c") == f"a {DEL}b{DEL_END}{INS}c{INS_END}"  # pasted


def test_a_mark_pasted_into_any_text_opens_no_change(make_project: ProjectFactory) -> None:
    from dataclasses import replace

    from briefgen.changes.redline import merge
    from briefgen.context import pack_view
    from briefgen.project import load_project

    project = load_project(make_project())
    view = pack_view(project, "meeting", "en", ISSUED)
    pasted = replace(view, classification=f"RESTRICTED{INS}", reference=f"{DEL}X")
    merged = merge(pasted, pasted, "label", str)
    assert (merged.classification, merged.reference) == ("RESTRICTED", "X")


# -- The DOCX: tracked changes ---------------------------------------------------------------


def test_the_docx_tracks_exactly_the_changed_words(redlined: tuple[Path, Path, str]) -> None:
    _, pack, _ = redlined
    fund_point = "Nous saluons la création du fonds commun pour l’eau."
    assert tracked(pack / "fr" / "talking-points-changes.docx") == [
        ("ins", "rapidement "),
        ("del", "régions"),
        ("ins", "provinces"),
        ("del", "Nous proposons un groupe de travail conjoint sur les barrages."),
        ("del", "La gestion des barrages repose sur un échange régulier de données "
                "hydrologiques."),
        ("ins", fund_point),
        ("ins", "Le fonds commun pour l’eau atteint 40\u202f000\u202f000 euros."),
    ]
    arabic = tracked(pack / "ar" / "talking-points-changes.docx")
    assert arabic[:3] == [("ins", "بسرعة "), ("del", "المناطق"), ("ins", "الأقاليم")]
    english = tracked(pack / "en" / "talking-points-changes.docx")
    assert [kind for kind, _ in english] == ["del", "del", "ins", "ins"]  # no word changed
    assert OLD_FR not in NEW_FR and OLD_AR not in NEW_AR


def test_the_docx_reads_as_the_new_text_once_its_changes_are_accepted(
        redlined: tuple[Path, Path, str]) -> None:
    """Accepting every change (dropping w:del, unwrapping w:ins) gives the new text;
    rejecting them all gives the old."""
    import docx

    _, pack, _ = redlined
    with zipfile.ZipFile(pack / "fr" / "talking-points-changes.docx") as package:
        xml = package.read("word/document.xml").decode()
    accepted = re.sub(r"<w:del\b[^>]*>.*?</w:del>", "", xml, flags=re.S)
    accepted_text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", accepted))
    assert NEW_FR.replace("'", "’") in accepted_text
    assert "barrages" not in accepted_text
    rejected = re.sub(r"<w:ins\b[^>]*>.*?</w:ins>", "", xml, flags=re.S)
    rejected_text = "".join(re.findall(r"<w:(?:t|delText)(?: [^>]*)?>([^<]*)</w:(?:t|delText)>",
                                       rejected))
    assert OLD_FR in rejected_text and "fonds commun" not in rejected_text
    docx.Document(str(pack / "fr" / "talking-points-changes.docx"))  # python-docx opens it


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_counts_the_same_changes(redlined: tuple[Path, Path, str],
                                             tmp_path: Path) -> None:
    _, pack, printed = redlined
    copies = []
    for lang in ("fr", "ar"):
        copy = tmp_path / f"{lang}.docx"
        shutil.copyfile(pack / lang / "talking-points-changes.docx", copy)
        copies.append(copy)
    assert SOFFICE is not None
    profile = (tmp_path / f"profile-{uuid.uuid4().hex}").as_uri()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "fodt", "--outdir", str(tmp_path), *map(str, copies)],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    for lang in ("fr", "ar"):
        flat = (tmp_path / f"{lang}.fodt").read_text(encoding="utf-8")
        regions = re.findall(r"<text:changed-region\b.*?</text:changed-region>", flat, re.S)
        kinds = ["ins" if "<text:insertion" in r else "del" for r in regions]
        # The two paragraphs of the dams' point are one deletion, the fund's one insertion.
        assert kinds == ["ins", "del", "ins", "del", "ins"], lang
        assert all("<dc:creator>briefgen</dc:creator>" in r for r in regions)
        assert re.search(rf"talking-points-changes\.docx \({len(regions)} tracked changes\)",
                         printed.split(f"{lang}: since")[1]), printed


# -- The PDF ---------------------------------------------------------------------------------


def test_the_pdf_shows_new_and_struck_words_and_says_how_many(
        redlined: tuple[Path, Path, str]) -> None:
    _, pack, printed = redlined
    text = squash(pdftotext(pack / "fr" / "briefing-note-changes.pdf"))
    assert ("7 modifications depuis la validation par C. Clearer (20 novembre 2026) ; ajouté · "
            "supprimé · ligne modifiée") in text
    assert ("1. Nous souhaitons étendre rapidement la coopération sur le dessalement aux "
            "régionsprovinces du sud.") in text  # the struck word, then the new one
    assert "Nous proposons un groupe de travail conjoint sur les barrages. 2. Nous saluons" \
        in text  # the deleted message takes no number: the others keep theirs
    assert "Le fonds commun pour l’eau atteint 40 000 000 euros." in text
    arabic = squash(pdftotext(pack / "ar" / "briefing-note-changes.pdf"))
    assert "بسرعة" in arabic and "المناطق" in arabic and "الأقاليم" in arabic
    assert "briefing-note-changes.pdf (7 changes)" in printed


def bar_columns(pdf: Path) -> list[float]:
    """Where the change bars' colour is on the first page, as shares of its width."""
    with tempfile.TemporaryDirectory(prefix="bars-") as folder:
        png = Path(folder) / "page"
        subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-singlefile", "-png",
                        str(pdf), str(png)], check=True)
        with Image.open(f"{png}.png") as opened:
            image = opened.convert("RGB")
    width, height = image.size
    pixels = image.load()
    columns = {x for x in range(width) for y in range(height)
               if (lambda p: abs(p[0] - 0xC2) < 30 and p[1] < 70 and abs(p[2] - 0x5B) < 40)(
                   pixels[x, y])}
    return sorted(x / width for x in columns)


def test_change_bars_stand_in_the_margin_the_text_starts_from(
        redlined: tuple[Path, Path, str]) -> None:
    _, pack, _ = redlined
    french = bar_columns(pack / "fr" / "briefing-note-changes.pdf")
    arabic = bar_columns(pack / "ar" / "briefing-note-changes.pdf")
    assert french and arabic
    # The legend's sample bar sits in the text; the change bars in the margin (22 mm of 210).
    assert any(x < 0.1 for x in french) and not any(x > 0.9 for x in french)
    assert any(x > 0.9 for x in arabic) and not any(x < 0.1 for x in arabic)


# -- What changed, as data -------------------------------------------------------------------


def test_changes_json_lists_the_facts_by_id(redlined: tuple[Path, Path, str],
                                           tmp_path: Path) -> None:
    root, _, printed = redlined
    assert "fr: since the clearance by C. Clearer on 2026-11-20" in printed
    assert "facts 1 added (fonds-eau), 1 removed (barrages), 1 changed (dessalement)" in printed
    result = run_briefgen(root, "changes", PACK, "--json", "--lang", "ar", "--out",
                          str(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    drafted = git(root, "rev-parse", "HEAD~1").strip()  # the content cleared, not the clearance
    assert summary["pack"] == PACK and summary["commit"] == drafted
    [arabic] = summary["languages"]
    assert arabic["language"] == "ar"
    assert (arabic["added"], arabic["removed"], arabic["changed"], arabic["moved"]) == (
        ["fonds-eau"], ["barrages"], ["dessalement"], [])
    assert arabic["marks"] == {"briefing-note-changes": 7, "talking-points-changes": 5}
    assert sorted(p.name for p in (tmp_path / PACK / "ar").iterdir()) == [
        "briefing-note-changes.pdf", "talking-points-changes.docx"]


def test_a_moved_key_message_is_shown_as_moved(tmp_path_factory: pytest.TempPathFactory,
                                               tmp_path: Path) -> None:
    root = write_water_project(tmp_path_factory.mktemp("moved"))
    init_repository(root)
    path = root / "facts" / "water.yaml"
    text = path.read_text(encoding="utf-8")
    first = text[text.index("  - id: dessalement"):text.index("  - id: barrages")]
    second = text[text.index("  - id: barrages"):text.index("  - id: reunion-lisbonne")]
    path.write_text(text.replace(first + second, second + first.replace(
        "kind: position", "kind: principle")), encoding="utf-8")
    result = run_briefgen(root, "changes", PACK, "--since", "HEAD", "--lang", "fr", "--json",
                          "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    [french] = json.loads(result.stdout)["languages"]
    assert french["moved"] and not french["added"] and not french["removed"]
    text = squash(pdftotext(tmp_path / PACK / "fr" / "briefing-note-changes.pdf"))
    assert "déplacé, ex-" in text
    # In Word, a move is Word's own: moved from where it stood, to where it stands, the two
    # ends paired by their ranges' name.
    points = tmp_path / PACK / "fr" / "talking-points-changes.docx"
    moved = tracked(points)
    assert [kind for kind, _ in moved] == ["moveFrom", "moveFrom", "moveTo", "moveTo"]
    assert moved[0][1] == moved[2][1] == "Nous souhaitons étendre la coopération sur le " \
        "dessalement aux régions du sud."
    with zipfile.ZipFile(points) as package:
        xml = package.read("word/document.xml").decode()
    names = re.findall(r'<w:(moveFrom|moveTo)RangeStart [^>]*w:name="([^"]+)"', xml)
    assert names == [("moveFrom", "move1"), ("moveTo", "move1")]
    assert xml.count("RangeEnd ") == 2


def test_the_tracked_changes_carry_the_author_asked_for(redlined: tuple[Path, Path, str],
                                                         tmp_path: Path) -> None:
    root, _, _ = redlined
    result = run_briefgen(root, "changes", PACK, "--lang", "en", "--author", "Desk Officer",
                          "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert len(tracked(tmp_path / PACK / "en" / "talking-points-changes.docx",
                       "Desk Officer")) == 4
    refused = run_briefgen(root, "changes", PACK, "--author", " ", "--out", str(tmp_path))
    assert refused.returncode == 2 and "must be a name" in refused.stderr


# -- What is refused -------------------------------------------------------------------------


def test_a_revision_that_does_not_exist_is_named(redlined: tuple[Path, Path, str],
                                                 tmp_path: Path) -> None:
    root, _, _ = redlined
    for revision in ("v9.9", "HEAD~40", "-x"):
        result = run_briefgen(root, "changes", PACK, "--since", revision, "--out",
                              str(tmp_path))
        assert result.returncode == 2, result.stdout
        assert "Traceback" not in result.stderr
        assert (f"no revision '{revision}' in the repository" in result.stderr
                or f"'{revision}' is not a revision" in result.stderr), result.stderr
    assert not (tmp_path / PACK).exists()


def test_a_project_outside_git_is_told_what_to_do(tmp_path_factory: pytest.TempPathFactory,
                                                  tmp_path: Path) -> None:
    root = write_water_project(tmp_path_factory.mktemp("nogit"))
    result = run_briefgen(root, "changes", PACK, "--since", "HEAD", "--out", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "is not in a git repository" in result.stderr
    assert "run `git init`, then `git add` and `git commit` the project" in result.stderr
    assert not (tmp_path / PACK).exists()



def test_the_revision_is_read_with_the_projects_language_variants(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    """Nothing changed since HEAD: nothing is marked, though Arabic is written as ar_MA
    (Latin digits, where ar writes Arabic-Indic ones): the old version is read with the
    project's settings too."""
    root = write_water_project(tmp_path_factory.mktemp("variant"))
    (root / "briefgen.yaml").write_text("locales: {ar: ar_MA}\n", encoding="utf-8")
    init_repository(root)
    result = run_briefgen(root, "changes", PACK, "--since", "HEAD", "--json", "--lang", "ar",
                          "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    [arabic] = json.loads(result.stdout)["languages"]
    assert (arabic["added"], arabic["removed"], arabic["changed"], arabic["moved"]) == (
        [], [], [], [])
    assert not any(arabic["marks"].values()), arabic["marks"]

def test_a_pack_never_cleared_needs_a_revision(tmp_path_factory: pytest.TempPathFactory
                                               ) -> None:
    root = write_water_project(tmp_path_factory.mktemp("draft"))
    init_repository(root)
    result = run_briefgen(root, "changes", PACK)
    assert result.returncode == 2
    assert "records no cleared commit to compare with: give --since REV" in result.stderr


def test_a_pack_not_in_the_revision_is_named(tmp_path_factory: pytest.TempPathFactory
                                            ) -> None:
    root = write_water_project(tmp_path_factory.mktemp("late"))
    (root / "packs" / "lisbonne.yaml").rename(root / "lisbonne.yaml")
    init_repository(root)
    (root / "lisbonne.yaml").rename(root / "packs" / "lisbonne.yaml")
    result = run_briefgen(root, "changes", PACK, "--since", "HEAD")
    assert result.returncode == 2
    assert f"the pack {PACK} is not in the project at HEAD" in result.stderr
