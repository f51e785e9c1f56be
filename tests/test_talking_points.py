"""The DOCX talking points, read as a reader would: python-docx and LibreOffice."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

import briefgen
from briefgen import bidi
from briefgen.context import pack_view
from briefgen.documents import REGISTRY, Engines
from briefgen.templating import Templates
from briefgen.typography import typeset
from tests.support.office import HOSTILE, convert_with_libreoffice, needs_soffice, restyled_template
from tests.support.pdf import pdftotext, squash
from tests.support.projects import ISSUED, MINIMAL_PACK, REPO, ProjectFactory, load_demo

PACK = "rabat-2026-12"


@pytest.fixture(scope="module")
def demo(demo_build: Path) -> dict[str, Path]:
    return {lang: demo_build / PACK / lang / "talking-points.docx" for lang in ("fr", "en", "ar")}


@pytest.fixture(scope="module")
def demo_pdfs(demo: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
              ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    return convert_with_libreoffice(list(demo.values()), out, tmp_path_factory.mktemp("lo"))


def body(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph."""
    document = docx.Document(str(path))
    return [(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs]


def styled(path: Path, style: str) -> list[str]:
    return [text for name, text in body(path) if name == style]


def view(lang: str) -> Any:
    return pack_view(load_demo(), PACK, lang, ISSUED)


# -- What the minister reads -----------------------------------------------------------------


def test_french_talking_points(demo: dict[str, Path]) -> None:
    paragraphs = body(demo["fr"])
    assert paragraphs[:5] == [  # the routing: letterhead, "place, date", addressee, via
        ("Letterhead", "Ministère des Affaires étrangères"),
        ("Letterhead", "Direction des Affaires africaines"),
        ("Place Date", "Rabat, le 20 novembre 2026"),
        ("Routing", "À l’attention de\tMonsieur le Ministre"),
        ("Routing", "Sous couvert de\tMonsieur le Secrétaire général"),
    ]
    assert paragraphs[5:9] == [
        ("Document Type", "Éléments de langage · Projet"),
        ("Apparatus", "Réf. DAAO/2026/0412"),
        ("Title", "Consultations maroco-américaines sur la lutte contre le terrorisme"),
        ("Summary", "Le Maroc et les États-Unis co-président l’Africa Focus Group\u202f: le "
                    "Ministre fait le point sur ses travaux et confirme l’engagement du Maroc "
                    "dans la Coalition, sans nouvel engagement militaire."),
    ]
    table = docx.Document(str(demo["fr"])).tables[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Date", "3–4 décembre 2026"], ["Lieu", "Rabat"],
        ["Interlocuteur", "Jane R. Holloway, Coordinatrice adjointe pour la lutte contre le "
                          "terrorisme, Département d’État (États-Unis)"],
    ]
    assert ("Heading 1", "Objet de l’entretien") in paragraphs
    assert styled(demo["fr"], "Heading 1") == [
        "Objet de l’entretien", "Objectifs", "Leurs objectifs", "Position",
        "Les principes qui ont guidé l’adhésion du Maroc à la Coalition",
        "Participation et rôles", "Événements", "Si le sujet est évoqué",
        "Éléments pour la presse peut être dit publiquement",  # its mark, a run of its own
        "Source",  # the points cite one source: singular (ngettext)
    ]
    assert styled(demo["fr"], "List Bullet")[0].startswith("Faire le point avec la délégation")
    assert styled(demo["fr"], "If Raised") == [
        "B.\tLe Maroc prend part aux réunions de la Coalition et de ses groupes de travail, y "
        "compris au niveau ministériel."
    ]
    colophon = "Établi le 20 novembre 2026. Éléments à jour\u202f: mai 2022."
    assert ("Colophon", colophon) in paragraphs
    assert paragraphs[-1] == (
        "Apparatus",
        "Rédigé par Salma Bennani (Direction des Affaires africaines, +212 537 00 00 00)",
    )
    assert styled(demo["fr"], "Source") == [
        "[1] [Note sur le Maroc et la Coalition mondiale contre Daech], Marrakech, mai 2022."
    ]


def test_one_numbered_point_per_talking_point(demo: dict[str, Path]) -> None:
    for lang, path in demo.items():
        expected = view(lang)
        # in Arabic, the view's text with its Latin runs isolated ("Small Group")
        printed = bidi.isolate_latin if lang == "ar" else str
        points = styled(path, "List Number")
        assert points == [printed(line.text) for line in expected.key_messages], lang
        supports = styled(path, "Supporting Fact")
        assert len(supports) == len(points)
        for line in expected.key_messages:
            assert f"{printed(line.fact.text)}\u00a0[1]" in supports, (lang, line.fact.id)


def test_points_follow_the_background_order(demo: dict[str, Path]) -> None:
    expected = view("fr")
    order = [f.talking_point for s in expected.sections for f in s.facts if f.talking_point]
    assert styled(demo["fr"], "List Number") == order


def test_numbering_is_real_word_numbering(demo: dict[str, Path]) -> None:
    document = docx.Document(str(demo["fr"]))
    style = document.styles["List Number"].element
    num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
    numbering = document.part.numbering_part.element
    abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')[0]
    level = numbering.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl')[0]
    assert level.find(qn("w:numFmt")).get(qn("w:val")) == "decimal"
    for paragraph in document.paragraphs:
        if paragraph.style.name == "List Number":
            assert not paragraph.text[:1].isdigit()  # no typed "1."


def test_english_labels(demo: dict[str, Path]) -> None:
    paragraphs = body(demo["en"])
    assert paragraphs[5] == ("Document Type", "Talking points · Draft")
    assert ("Heading 1", "The principles that guided Morocco’s accession to the Coalition"
            ) in paragraphs
    table = docx.Document(str(demo["en"])).tables[0]
    assert table.rows[0].cells[1].text.replace("\u2009", " ") == "December 3 – 4, 2026"


def test_every_section_is_marked_and_numbered(demo: dict[str, Path]) -> None:
    marks = {"fr": "DIFFUSION RESTREINTE", "en": "RESTRICTED", "ar": "نشر محدود"}
    for lang, path in demo.items():
        document = docx.Document(str(path))
        for section in document.sections:
            assert [p.text for p in section.header.paragraphs] == [marks[lang]]
            footer = [p.text for p in section.footer.paragraphs]
            assert footer[0] == marks[lang]
            reference = "\u2068DAAO/2026/0412\u2069" if lang == "ar" else "DAAO/2026/0412"
            assert footer[1].startswith(f"{reference} · ")  # the reference, not the id
            codes = "".join(section.footer._element.itertext())
            assert " PAGE " in codes and " NUMPAGES " in codes


def test_core_properties(demo: dict[str, Path]) -> None:
    core = docx.Document(str(demo["fr"])).core_properties
    assert core.title == "Consultations maroco-américaines sur la lutte contre le terrorisme"
    assert core.subject == "Éléments de langage\u202f: Maroc"
    assert core.language == "fr"
    assert core.keywords == PACK
    assert core.created.replace(tzinfo=None) == dt.datetime(2026, 11, 20)
    assert core.modified.replace(tzinfo=None) == dt.datetime(2026, 11, 20)
    assert core.author == "" and core.comments == ""
    assert docx.Document(str(demo["ar"])).core_properties.language == "ar-MA"


def test_styles_not_direct_formatting(demo: dict[str, Path]) -> None:
    document = docx.Document(str(demo["fr"]))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            rpr = run._r.rPr
            direct = [c.tag for c in rpr if c.tag != qn("w:rStyle")] if rpr is not None else []
            assert direct == [], (paragraph.text, direct)


def test_manifest_lists_the_facts_and_sources(tmp_path: Path) -> None:
    project = load_demo()
    result = briefgen.build(project, [PACK], out=tmp_path, languages=["fr"], issued=ISSUED)
    [written] = [w for w in result.written if w.document == "talking-points"]
    sections = view("fr").sections
    assert written.facts == tuple(
        f"{f.base_id}/{f.id}" for s in sections for f in s.facts if f.talking_point)
    assert written.sources == ("ma-coalition-daesh/note-2022-05",)
    assert written.pages is None


# -- Reproducible ----------------------------------------------------------------------------


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    project = load_demo()
    first = REGISTRY["talking-points"].render(view("fr"), Engines(Templates(project.templates)))
    second = REGISTRY["talking-points"].render(view("fr"), Engines(Templates(project.templates)))
    assert first.data == second.data
    with zipfile.ZipFile(io.BytesIO(first.data)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# -- The committed template is what the script makes -----------------------------------------


def parts(data: bytes) -> dict[str, bytes]:
    """Every part of a package, XML parts canonicalized (C14N)."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            content = package.read(name)
            if name.endswith((".xml", ".rels")):
                content = etree.tostring(etree.fromstring(content), method="c14n")
            found[name] = content
    return found


def test_committed_template_matches_its_script() -> None:
    script = REPO / "scripts" / "make_talking_points_template.py"
    spec = importlib.util.spec_from_file_location("make_talking_points_template", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = parts(briefgen.docx.to_bytes(module.build()))
    committed = parts((REPO / "templates" / "talking-points.docx").read_bytes())
    assert sorted(made) == sorted(committed)
    for name in made:
        assert made[name] == committed[name], (
            f"{name} differs: run .venv/bin/python {script.relative_to(REPO)}"
        )


# -- Hostile text, right to left, project templates ------------------------------------------


def one_base(langs: list[str], facts: list[dict[str, Any]]) -> str:
    return json.dumps({
        "id": "base", "title": {lang: "Base" for lang in langs}, "subject": "MA",
        "as_of": "2022-05", "languages": langs,
        "sources": [{"id": "s1", "title": {lang: "Source <1> & co" for lang in langs}}],
        "facts": facts,
    }, ensure_ascii=False)


def one_pack(langs: list[str], title: dict[str, str] | None = None) -> str:
    return json.dumps({
        "id": "meeting",
        "meeting": {"title": title or {lang: "Réunion" for lang in langs},
                    "date": "2026-12-03", "place": {lang: "Rabat" for lang in langs}},
        "languages": langs, "classification": {lang: "SECRET" for lang in langs},
        "facts": ["base"], "documents": ["talking-points"],
    }, ensure_ascii=False)


def yaml_text(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")  # fact text: braces are literal


def test_hostile_text_comes_back_exactly(make_project: ProjectFactory, tmp_path: Path) -> None:
    facts = [
        {"id": f"f{number}", "kind": "position", "sources": ["s1"],
         "text": {"fr": yaml_text(f"Fait : {text}"), "en": yaml_text(f"Fact: {text}")},
         "talking_point": {"fr": yaml_text(text), "en": yaml_text(text)}}
        for number, text in enumerate(HOSTILE)
    ]
    title = {"fr": "R&D <b>&", "en": "</w:t></w:r></w:p><w:p>"}
    root = make_project(facts={"base.yaml": one_base(["fr", "en"], facts)},
                        packs={"meeting.yaml": one_pack(["fr", "en"], title)})
    out = tmp_path / "out"
    briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
    for lang in ("fr", "en"):
        path = out / "meeting" / lang / "talking-points.docx"
        # Every character back, quotes and spaces typeset for the language (typography.py).
        assert styled(path, "List Number") == [typeset(text, lang) for text in HOSTILE]
        supports = styled(path, "Supporting Fact")
        prefix = "Fait : " if lang == "fr" else "Fact: "
        assert supports == [typeset(f"{prefix}{text}", lang) + "\u00a0[1]" for text in HOSTILE]
        assert styled(path, "Title") == [title[lang]]
        assert styled(path, "Source")[0].startswith("[1] Source <1> & co")
        # Exactly the intended paragraphs: nothing swallowed, nothing injected.
        assert len(body(path)) == 2 + 1 + 2 * len(HOSTILE) + 2 + 1


def test_arabic_is_right_to_left(make_project: ProjectFactory, tmp_path: Path) -> None:
    facts = [{"id": "f1", "kind": "position", "sources": ["s1"],
              "text": {"fr": "Le Maroc soutient la Coalition.", "ar": "يدعم المغرب التحالف."},
              "talking_point": {"fr": "Nous soutenons la Coalition.",
                                "ar": "نحن ندعم التحالف."}}]
    pack = one_pack(["ar"], {"ar": "اجتماع تجريبي"})
    root = make_project(facts={"base.yaml": one_base(["fr", "ar"], facts)},
                        packs={"meeting.yaml": pack})
    briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    document = docx.Document(str(tmp_path / "out" / "meeting" / "ar" / "talking-points.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "List Number"] == [
        "نحن ندعم التحالف."]
    assert document.paragraphs[0].text == "عناصر الحديث · مسودة"
    stories = [document.element.body, document.sections[0].header._element,
               document.sections[0].footer._element]
    for story in stories:
        for paragraph in story.iter(qn("w:p")):
            assert paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
        for run in story.iter(qn("w:r")):
            assert run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None
    assert document.element.body.find(f".//{qn('w:bidiVisual')}") is not None
    assert document.element.body.find(f"{qn('w:sectPr')}/{qn('w:bidi')}") is not None
    fonts = document.styles.element.find(f".//{qn('w:rPrDefault')}//{qn('w:rFonts')}")
    assert fonts.get(qn("w:cs")) == "Noto Naskh Arabic"  # shipped, embedded


def test_pack_without_talking_points(make_project: ProjectFactory, tmp_path: Path) -> None:
    facts = [{"id": "f1", "kind": "position", "text": {"fr": "Un fait.", "en": "A fact."}}]
    root = make_project(facts={"base.yaml": one_base(["fr", "en"], facts)},
                        packs={"meeting.yaml": one_pack(["fr", "en"])})
    result = briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    path = tmp_path / "out" / "meeting" / "en" / "talking-points.docx"
    assert styled(path, "List Number") == []
    assert "No fact in this pack has a talking point." in [text for _, text in body(path)]
    assert all(doc.facts == () and doc.sources == () for doc in result.written)


def test_a_restyled_project_template_is_followed(make_project: ProjectFactory,
                                                 tmp_path: Path) -> None:
    root = make_project(packs={"meeting.yaml": MINIMAL_PACK.replace(
        "documents: [briefing-note]", "documents: [talking-points]")},
        templates={"talking-points.docx": restyled_template()})
    briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    document = docx.Document(str(tmp_path / "out" / "meeting" / "fr" / "talking-points.docx"))
    assert document.styles["List Number"].font.size == docx.shared.Pt(14)
    assert [p.text for p in document.sections[0].header.paragraphs] == [
        "ROYAUME DU MAROC — Ministère des Affaires étrangères", "DIFFUSION RESTREINTE"]
    assert [p.text for p in document.paragraphs if p.style.name == "List Number"] == [
        "Nous soutenons la Coalition."]


def test_a_template_without_marking_warns(make_project: ProjectFactory) -> None:
    root = make_project(templates={"talking-points.docx": restyled_template(False)})
    project = briefgen.load_project(root)
    rendered = REGISTRY["talking-points"].render(
        pack_view(project, "meeting", "fr", ISSUED), Engines(Templates(project.templates)))
    assert rendered.warnings == [
        "the header of section 1 of talking-points.docx does not show the classification "
        "marking (DIFFUSION RESTREINTE)"
    ]


def test_template_mistake_fails_the_build_with_its_place(make_project: ProjectFactory,
                                                         tmp_path: Path) -> None:
    document = docx.Document(str(REPO / "templates" / "talking-points.docx"))
    [index] = [i for i, p in enumerate(document.paragraphs) if p.text == "{{ pack.title }}"]
    document.paragraphs[index].runs[0].text = "{{ pack.titel }}"
    saved = io.BytesIO()
    document.save(saved)
    root = make_project(packs={"meeting.yaml": MINIMAL_PACK.replace(
        "documents: [briefing-note]", "documents: [talking-points]")},
        templates={"talking-points.docx": saved.getvalue()})
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    message = str(caught.value)
    assert re.search(r"meeting/fr/talking-points\.docx: templates/talking-points\.docx: "
                     r"template error: .* has no attribute 'titel' \(word/document\.xml, "
                     r"paragraph \d+\) — in \"\{\{ pack\.titel \}\}\"", message), message
    assert "titel" in message
    assert not (tmp_path / "out" / "meeting").exists()


def test_hostile_project_template_is_refused(make_project: ProjectFactory,
                                             tmp_path: Path) -> None:
    data = (REPO / "templates" / "talking-points.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/document.xml":
                content = content.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY e "e">]>', 1)
            target.writestr(name, content)
    root = make_project(packs={"meeting.yaml": MINIMAL_PACK.replace(
        "documents: [briefing-note]", "documents: [talking-points]")},
        templates={"talking-points.docx": out.getvalue()})
    with pytest.raises(briefgen.BuildFailed, match=r"templates/talking-points\.docx"):
        briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)


# -- Checked by a real word processor --------------------------------------------------------


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_opens_the_demo(demo_pdfs: dict[str, Path]) -> None:
    french = pdftotext(demo_pdfs["fr"])
    pages = french.split("\f")[:-1]
    assert len(pages) >= 1
    for number, page in enumerate(pages, start=1):
        assert squash(page).count("DIFFUSION RESTREINTE") == 2, f"page {number}"
        assert f"Page {number} / {len(pages)}" in squash(page)
    text = squash(french)
    assert "ÉLÉMENTS DE LANGAGE" in text  # the Document Type style sets capitals
    assert "3–4 décembre 2026" in text
    for number in range(1, len(view("fr").key_messages) + 1):
        assert f"{number}. " in text, number  # Word numbering, laid out by LibreOffice
    assert "1. Le Maroc soutient les objectifs" in text
    english = squash(pdftotext(demo_pdfs["en"]))
    assert "TALKING POINTS" in english and "RESTRICTED" in english
    assert "December 3 – 4, 2026" in english.replace("\u2009", " ")
    assert "1. Morocco supports the objectives" in english
    arabic = squash(pdftotext(demo_pdfs["ar"]))
    assert "نشر محدود" in arabic and "عناصر الحديث" in arabic


def test_the_word_template_is_compiled_once_per_language(demo_project: briefgen.Project) -> None:
    """docxtpl hands Jinja the same XML parts for every document: the second render of a
    language compiles nothing, and gives what a fresh engine gives."""
    engines = Engines(Templates(demo_project.templates))
    fr = pack_view(demo_project, "rabat-2026-12", "fr", ISSUED)
    first = REGISTRY["talking-points"].render(fr, engines).data
    environment = engines.docx.environment("fr")
    compiled = dict(environment._compiled)  # type: ignore[attr-defined]
    assert compiled
    other = pack_view(demo_project, "coalition-ministerial-2027-02", "fr", ISSUED)
    REGISTRY["talking-points"].render(other, engines)
    again = REGISTRY["talking-points"].render(fr, engines).data
    assert environment._compiled == compiled  # type: ignore[attr-defined]
    assert first == again == REGISTRY["talking-points"].render(
        fr, Engines(Templates(demo_project.templates))).data
