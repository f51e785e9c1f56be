"""The memo's parts (briefgen.memo, briefgen.memoview): the bottom line, their side, the
press line, the routing, the drafter as a person, the meeting's type, and the two numbered
series printed alike in the note, the talking points, the book and the HTML brief."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import docx
import pytest

import briefgen
from briefgen.context import pack_view
from briefgen.errors import ValidationFailed
from tests.support.pdf import bbox, pdftotext, squash
from tests.support.projects import ISSUED, MINIMAL_PACK, ProjectFactory

BASE = """\
id: base
title: {fr: Le Maroc et la Coalition, en: Morocco and the Coalition, ar: المغرب والتحالف}
subject: MA
as_of: 2026-11
languages: [fr, en, ar]
facts:
  - id: pos
    kind: position
    text: {fr: Le Maroc soutient la Coalition sur ses cinq axes., en: Morocco supports the
      Coalition on its five axes., ar: يدعم المغرب التحالف في محاوره الخمسة.}
    talking_point: {fr: Le Maroc soutient la Coalition sur ses cinq axes., en: Morocco
      supports the Coalition on its five axes., ar: يدعم المغرب التحالف في محاوره الخمسة.}
  - id: mem
    kind: membership
    text: {fr: "Le Maroc est membre du Small Group depuis 2016, un groupe restreint.",
      en: "Morocco has been a member of the Small Group since 2016, a restricted group.",
      ar: المغرب عضو في المجموعة المصغرة منذ 2016.}
    talking_point: {fr: Nous coordonnons., en: We coordinate., ar: نحن ننسق.}
    if_raised: {fr: Nous restons engagés., en: We remain committed., ar: نبقى ملتزمين.}
people:
  - id: salma
    name: {fr: Salma Bennani, en: Salma Bennani, ar: سلمى بناني}
    title: {fr: Chargée de mission, en: Desk officer, ar: مكلفة بمهمة}
"""

MEMO = """\
languages: [fr, en, ar]
classification: {fr: DIFFUSION RESTREINTE, en: RESTRICTED, ar: نشر محدود}
meeting:
  title: {fr: Réunion de la Coalition, en: Coalition meeting, ar: اجتماع التحالف}
  date: 2026-12-03
  type: multilateral
drafted_by: {person: salma, contact: s@example.org}
summary: {fr: Le Maroc confirme son engagement., en: Morocco confirms its engagement.,
  ar: يؤكد المغرب التزامه.}
their_objectives:
  - {fr: Obtenir un appui., en: Secure support., ar: الحصول على الدعم.}
they_may_raise:
  - point: {fr: Enverrez-vous des forces ?, en: Will you send forces?, ar: هل سترسلون قوات؟}
    response: {fr: "Non, nous formons.", en: "No, we train.", ar: لا، نحن نكوّن.}
press_line: {fr: Le Maroc a réaffirmé son engagement., en: Morocco restated its commitment.,
  ar: جدد المغرب التزامه.}
routing:
  letterhead: {fr: "Ministère des Affaires étrangères\\nDirection A", en: "Ministry of
    Foreign Affairs\\nDirectorate A", ar: "وزارة الشؤون الخارجية\\nالمديرية أ"}
  to: {fr: Monsieur le Ministre, en: The Minister, ar: السيد الوزير}
  via: [{fr: Monsieur le Secrétaire général, en: The Secretary-General, ar: السيد الكاتب العام}]
  place: {fr: Rabat, en: Rabat, ar: الرباط}
documents: [briefing-note, talking-points, briefing-book, briefing-html]
"""


def memo_pack(extra: str = "") -> str:
    kept = [line for line in MINIMAL_PACK.splitlines(keepends=True)
            if not line.startswith(("languages:", "classification:", "documents:", "meeting:",
                                    "  "))]
    return "".join(kept) + MEMO + extra


@pytest.fixture
def project(make_project: ProjectFactory) -> Path:
    return make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": memo_pack()})


def test_the_view_holds_the_memo(project: Path) -> None:
    view = pack_view(briefgen.load_project(project), "meeting", "fr", ISSUED)
    assert view.summary == "Le Maroc confirme son engagement."
    assert view.their_objectives == ("Obtenir un appui.",)
    assert view.press_line == "Le Maroc a réaffirmé son engagement."
    assert view.meeting_type == "multilateral"
    assert view.routing is not None
    assert view.routing.letterhead == ("Ministère des Affaires étrangères", "Direction A")
    assert (view.routing.to, view.routing.via, view.routing.place) == (
        "Monsieur le Ministre", ("Monsieur le Secrétaire général",), "Rabat")
    # Key messages 1, 2; if raised: what they may raise first, then the facts' lines, A, B.
    assert [(line.label, line.text) for line in view.key_messages] == [
        ("1", "Le Maroc soutient la Coalition sur ses cinq axes."), ("2", "Nous coordonnons.")]
    assert [(line.label, line.point, line.text) for line in view.if_raised] == [
        ("A", "Enverrez-vous des forces\u202f?", "Non, nous formons."),
        ("B", None, "Nous restons engagés.")]
    assert view.drafted_by is not None and view.drafted_by.name == "Salma Bennani"
    assert view.drafted_by.unit == "Chargée de mission"  # the person's post: no unit given


def test_arabic_prints_the_arabic_name_and_letters(project: Path) -> None:
    view = pack_view(briefgen.load_project(project), "meeting", "ar", ISSUED)
    assert view.drafted_by is not None and view.drafted_by.name == "سلمى بناني"
    assert [line.label for line in view.if_raised] == ["أ", "ب"]


def test_a_drafter_names_a_known_person(make_project: ProjectFactory) -> None:
    pack = memo_pack().replace("person: salma", "person: nobody")
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    with pytest.raises(ValidationFailed) as failure:
        briefgen.load_project(root)
    assert "unknown person 'nobody'" in str(failure.value)
    assert "drafted_by" not in str(failure.value) or "packs/meeting.yaml" in str(failure.value)


def test_a_drafter_has_a_name_or_a_person_not_both(make_project: ProjectFactory) -> None:
    pack = memo_pack().replace("person: salma", "person: salma, name: S B")
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    with pytest.raises(ValidationFailed) as failure:
        briefgen.load_project(root)
    assert "give either name: (as printed) or person:" in str(failure.value)


def test_each_text_needs_each_language(make_project: ProjectFactory) -> None:
    pack = memo_pack().replace("commitment.,\n  ar: جدد المغرب التزامه.}", "commitment.}")
    assert pack != memo_pack()
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    with pytest.raises(ValidationFailed) as failure:
        briefgen.load_project(root)
    assert "'press_line' has no translation for language ar" in str(failure.value)


def test_a_letterhead_image_must_be_in_the_templates(make_project: ProjectFactory) -> None:
    pack = memo_pack().replace("routing:\n", "routing:\n  letterhead_image: timbre.png\n")
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    with pytest.raises(ValidationFailed) as failure:
        briefgen.load_project(root)
    assert "no letterhead 'timbre.png' in the templates/ folder" in str(failure.value)


def _built(project: Path, out: Path) -> Path:
    briefgen.build(project, out=out, issued=ISSUED)
    return out / "meeting"


def test_every_document_prints_the_memo(project: Path, tmp_path: Path) -> None:
    built = _built(project, tmp_path / "out")
    note = squash(pdftotext(built / "fr/briefing-note.pdf"))
    for expected in ("MINISTÈRE DES AFFAIRES ÉTRANGÈRES", "Rabat, le 20 novembre 2026",
                     "À l’attention de", "Monsieur le Ministre", "Sous couvert de",
                     "Monsieur le Secrétaire général",
                     "NOTE POUR LA RÉUNION",  # the multilateral meeting's name
                     "L’ESSENTIEL Le Maroc confirme son engagement.",
                     "OBJET DE LA RÉUNION" if "OBJET" in note else "LEURS OBJECTIFS",
                     "LEURS OBJECTIFS › Obtenir un appui.",
                     "A. Enverrez-vous des forces ? Non, nous formons.",
                     "B. Nous restons engagés.",
                     "PEUT ÊTRE DIT PUBLIQUEMENT",
                     "Le Maroc a réaffirmé son engagement.",
                     "Rédigé par Salma Bennani (Chargée de mission, s@example.org)"):
        assert expected in note, expected
    assert "Note d’entretien".upper() not in note
    # The letterhead at the start of the first line, "place, date" at its end.
    words = bbox(built / "fr/briefing-note.pdf")
    first = next(w for w in words.words if w.text == "MINISTÈRE")
    year = next(w for w in words.words if w.text == "2026" and abs(w.y0 - first.y0) < 2)
    assert year.x1 > words.width * 0.8 > words.width * 0.2 > first.x0
    # Arabic: the letterhead at the right, "place, date" at the left end of the line.
    arabic = bbox(built / "ar/briefing-note.pdf")
    ministry = next(w for w in arabic.words if w.text[::-1] == "وزارة")
    dated = [w for w in arabic.words if abs(w.y0 - ministry.y0) < 2 and w.x1 < ministry.x0]
    assert ministry.x1 > arabic.width * 0.8, ministry
    assert dated and min(w.x0 for w in dated) < arabic.width * 0.2, dated
    # The summary box comes before everything but the title block.
    assert note.index("L’ESSENTIEL") < note.index("LEURS OBJECTIFS")
    for kind in ("briefing-book.pdf", "briefing.html"):
        path = built / "fr" / kind
        text = squash(pdftotext(path) if kind.endswith(".pdf") else
                      re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
        for expected in ("Le Maroc confirme son engagement.", "Obtenir un appui.",
                         "Enverrez-vous des forces ?", "Le Maroc a réaffirmé son engagement.",
                         "Sous couvert de"):
            assert expected in text, (kind, expected)
    paragraphs = [(p.style.name, p.text) for p in
             docx.Document(str(built / "fr/talking-points.docx")).paragraphs]
    assert ("Summary", "Le Maroc confirme son engagement.") in paragraphs
    assert ("Heading 1", "Leurs objectifs") in paragraphs
    assert ("Raised Point", "A.\tEnverrez-vous des forces\u202f?") in paragraphs
    assert ("Raised Response", "Non, nous formons.") in paragraphs
    assert ("If Raised", "B.\tNous restons engagés.") in paragraphs
    assert ("Press Line", "Le Maroc a réaffirmé son engagement.") in paragraphs
    assert ("Heading 1", "Objet de la réunion") not in paragraphs  # the pack has no purpose
    assert ("Routing", "Sous couvert de\tMonsieur le Secrétaire général") in paragraphs
    arabic = squash(pdftotext(built / "ar/briefing-note.pdf"))
    assert "سلمى بناني" in arabic and "Salma" not in arabic


def test_a_key_message_is_not_repeated_in_the_background(project: Path,
                                                          tmp_path: Path) -> None:
    note = squash(pdftotext(_built(project, tmp_path / "out") / "en/briefing-note.pdf"))
    assert note.count("Morocco supports the Coalition on its five axes.") == 1
    assert "See key message 1" in note
    # A fact its talking point does not repeat keeps its text.
    assert "Morocco has been a member of the Small Group since 2016" in note


def codes(root: Path, final: bool = False) -> list[tuple[str, str, int | None, str]]:
    from briefgen.check import check

    return [(f.code, f.file, f.line, f.message) for f in check(root, final=final).findings
            if f.code not in ("stale", "unused")]


def test_check_final_asks_for_summary_reference_and_drafter(
        make_project: ProjectFactory) -> None:
    bare = MINIMAL_PACK.replace("documents:", "status: cleared\nclearance: [{name: A B, date: "
                                "2026-11-01}]\ndocuments:")
    root = make_project(facts={"base.yaml": BASE.replace("[fr, en, ar]", "[fr, en]")},
                        packs={"meeting.yaml": bare})
    found = {code for code, *_ in codes(root, final=True)}
    assert {"no-summary", "no-reference", "no-drafter"} <= found
    assert not {"no-summary", "no-reference", "no-drafter"} & {c for c, *_ in codes(root)}


def test_check_measures_the_summary_and_the_pages(make_project: ProjectFactory) -> None:
    long = " ".join(["Le Maroc confirme son engagement dans la Coalition."] * 8)
    pack = memo_pack("max_pages: {briefing-note: 1}\n").replace(
        "summary: {fr: Le Maroc confirme son engagement.,", f"summary: {{fr: {long},")
    pack += "objectives:\n" + "".join(
        f"  - {{fr: Objectif {n} {long}, en: Objective {n}., ar: الهدف {n}.}}\n"
        for n in range(12))
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    found = codes(root)
    summary = [f for f in found if f[0] == "long-summary"]
    assert len(summary) == 1 and summary[0][1] == "packs/meeting.yaml"
    assert re.search(r"the summary runs to \d+ lines in the briefing note in fr \(at most 4\)",
                     summary[0][3])
    pages = sorted((f for f in found if f[0] == "too-many-pages"), key=lambda f: "fr" not in f[3])
    assert len(pages) == 3, pages  # one a language
    assert re.match(r"the briefing note in fr runs to [2-9] pages, over max_pages \(1\): cut "
                    r"about [\d.]+ pages?; the longest parts: Objectifs ", pages[0][3]), pages
    assert pages[0][2] == pack.splitlines().index("max_pages: {briefing-note: 1}") + 1


def test_max_pages_counts_pdf_documents(make_project: ProjectFactory) -> None:
    root = make_project(facts={"base.yaml": BASE},
                        packs={"meeting.yaml": memo_pack("max_pages: {talking-points: 2}\n")})
    with pytest.raises(ValidationFailed) as failure:
        briefgen.load_project(root)
    assert "max_pages counts the pages of a PDF document, not of talking-points" in str(
        failure.value)



def test_the_project_sets_max_pages_for_every_pack(make_project: ProjectFactory) -> None:
    objectives = "objectives:\n" + "".join(
        f"  - {{fr: Objectif {n} {'Le Maroc confirme son engagement. ' * 12}, en: O {n}., "
        f"ar: الهدف {n}.}}\n" for n in range(12))
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": memo_pack(objectives)})
    (root / "briefgen.yaml").write_text("locales: {ar: ar_MA}\nmax_pages:\n  briefing-note: 1\n",
                                        encoding="utf-8")
    pages = [f for f in codes(root) if f[0] == "too-many-pages"]
    assert len(pages) == 3 and {f[1:3] for f in pages} == {("briefgen.yaml", 3)}, pages
    assert "over max_pages (1)" in pages[0][3]
    # A pack's own max_pages wins over the project's.
    (root / "packs/meeting.yaml").write_text(
        memo_pack(objectives + "max_pages: {briefing-note: 9}\n"), encoding="utf-8")
    assert not [f for f in codes(root) if f[0] == "too-many-pages"]
    # The project's names a PDF: an error at its line.
    (root / "briefgen.yaml").write_text("max_pages:\n  talking-points: 2\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failure:
        briefgen.load_project(root)
    assert "briefgen.yaml:2" in str(failure.value), str(failure.value)


MARKINGS = """\
markings:
  - {id: np, short: {fr: NP, en: U, ar: غ م}, label: {fr: NON PROTÉGÉ, en: UNCLASSIFIED,
     ar: غير محمي}}
  - {id: dr, short: {fr: DR, en: R, ar: ن م}, label: {fr: DIFFUSION RESTREINTE, en: RESTRICTED,
     ar: نشر محدود}}
marking: np
"""


def marked(make_project: ProjectFactory, fact_marking: str | None) -> Path:
    base = BASE if fact_marking is None else BASE.replace(
        "    if_raised:", f"    marking: {fact_marking}\n    if_raised:")
    pack = memo_pack(MARKINGS).replace(
        "classification: {fr: DIFFUSION RESTREINTE, en: RESTRICTED, ar: نشر محدود}",
        "classification: {fr: NON PROTÉGÉ, en: UNCLASSIFIED, ar: غير محمي}")
    return make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})


def test_the_page_marking_is_the_highest_of_the_facts_shown(make_project: ProjectFactory,
                                                             tmp_path: Path) -> None:
    plain = pack_view(briefgen.load_project(marked(make_project, None)), "meeting", "fr", ISSUED)
    assert plain.classification == "NON PROTÉGÉ"
    assert [fact.marking for fact in plain.facts] == ["NP", "NP"]  # the pack's level
    root = marked(make_project, "dr")
    view = pack_view(briefgen.load_project(root), "meeting", "fr", ISSUED)
    assert view.classification == "DIFFUSION RESTREINTE"
    built = _built(root, tmp_path / "out")
    note = pdftotext(built / "fr/briefing-note.pdf")
    pages = note.split("\f")[:-1]
    assert all(page.count("DIFFUSION RESTREINTE") == 2 for page in pages)  # top and bottom
    text = squash(note)
    assert "1. (NP) Le Maroc soutient la Coalition" in text
    assert "2. (DR) Nous coordonnons." in text
    assert "B. (DR) Nous restons engagés." in text
    assert "– (DR) Le Maroc est membre du Small Group" in text
    paragraphs = [p.text for p in docx.Document(str(built / "fr/talking-points.docx")).paragraphs]
    assert "(DR) Nous coordonnons." in paragraphs
    assert "B.\t(DR) Nous restons engagés." in paragraphs
    header = docx.Document(str(built / "fr/talking-points.docx")).sections[0].header
    assert "DIFFUSION RESTREINTE" in "".join(p.text for p in header.paragraphs)


def test_a_fact_marking_is_one_of_the_packs(make_project: ProjectFactory) -> None:
    with pytest.raises(ValidationFailed) as failure:
        briefgen.load_project(marked(make_project, "secret"))
    assert "facts/base.yaml" in str(failure.value)
    assert "marking 'secret' is not among the markings of pack 'meeting'" in str(failure.value)


def test_english_is_hyphenated_by_its_variants_dictionary(make_project: ProjectFactory,
                                                          tmp_path: Path) -> None:
    import pyphen

    words = "expectations manifestations investigators installation"
    long = " ".join([words] * 12)
    pack = memo_pack(f"purpose: {{fr: Objet., en: {long}., ar: الغرض.}}\n")
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    text = pdftotext(_built(root, tmp_path / "out") / "en/briefing-note.pdf")
    lines = [line.strip().replace("\u2010", "-") for line in text.splitlines()]
    breaks = {(line.split()[-1][:-1], following.split()[0]) for line, following in
              pairwise(lines)
              if line.endswith("-") and following and line.split()[-1][:-1].isalpha()}
    assert breaks, "the justified paragraph hyphenates some of its long words"
    american = pyphen.Pyphen(lang="en_US")
    for head, tail in breaks:
        word = head + tail.rstrip(".")
        assert word in words.split(), (head, tail)
        assert len(head) in american.positions(word), (head, tail)  # "expec-", not "expect-"


def test_point_n_is_point_n_in_every_document(demo_build: Path) -> None:
    """The demo: key messages 1-5 and the lines if raised A, B, the same in the note, the
    Word talking points, the book (its note and its talking points) and the HTML brief."""
    from tests.support.demo import load_demo

    for lang in ("fr", "en"):
        view = pack_view(load_demo(), "rabat-2026-12", lang, ISSUED)
        folder = demo_build / "rabat-2026-12" / lang
        # (a word hyphenated at a line's end is joined again: U+2010 is the layout's hyphen)
        note = squash(pdftotext(folder / "briefing-note.pdf")).replace("\u2010 ", "")
        book = squash(pdftotext(folder / "briefing-book.pdf")).replace("\u2010 ", "")
        html = (folder / "briefing.html").read_text("utf-8")
        html = re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", html)  # a name kept whole
        page = squash(re.sub(r"<[^>]+>", " ", html))
        assert [line.label for line in view.key_messages] == ["1", "2", "3", "4", "5"]
        assert [line.label for line in view.if_raised] == ["A", "B"]
        for line in (*view.key_messages, *view.if_raised):
            said = squash(f"{line.label}. {line.point or line.text}")
            assert said in note, (lang, said)
            assert book.count(said) == 2, (lang, said)  # the note's and the talking points'
            assert said.replace("’", "&#39;") in page or said in page, (lang, said)
        paragraphs = docx.Document(str(folder / "talking-points.docx")).paragraphs
        numbered = [p.text for p in paragraphs if p.style.name == "List Number"]
        assert numbered == [line.text for line in view.key_messages]  # Word's 1-5, one list
        lettered = [p.text.split("\t")[0] for p in paragraphs
                    if p.style.name in ("Raised Point", "If Raised")]
        assert lettered == ["A.", "B."]


def test_the_cleared_coalition_brief_is_a_multilateral_meetings(demo_build: Path) -> None:
    folder = demo_build / "coalition-ministerial-2027-02" / "fr"
    note = squash(pdftotext(folder / "briefing-note.pdf"))
    assert "NOTE POUR LA RÉUNION" in note and "NOTE D’ENTRETIEN" not in note
    assert "OBJET DE LA RÉUNION" in note
    assert "L’ESSENTIEL Le Ministre rappelle l’engagement du Maroc" in note
    assert "datent de plus de 365 jours" in note  # cleared, yet its facts are old
    paragraphs = [(p.style.name, p.text) for p in
                  docx.Document(str(folder / "talking-points.docx")).paragraphs]
    assert ("Heading 1", "Objet de la réunion") in paragraphs
