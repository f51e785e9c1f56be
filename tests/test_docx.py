"""The DOCX engine on small templates: text never lost, template checks, located errors,
right to left, reproducible zips, message extraction."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from markupsafe import Markup

import briefgen
from briefgen import docx as engine
from briefgen.errors import RenderError
from briefgen.templating import Templates
from tests.support.office import HOSTILE
from tests.support.projects import ISSUED, REPO


def template_bytes(*paragraphs: str, header: str = "{{ marking }}") -> bytes:
    """A Word template whose body holds ``paragraphs`` and whose header holds ``header``."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.sections[0].header.paragraphs[0].text = header
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{{ marking }}"
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()


def docx_engine(tmp_path: Path, data: bytes, name: str = "t.docx") -> engine.DocxEngine:
    root = tmp_path / "templates"
    root.mkdir(exist_ok=True)
    (root / name).write_bytes(data)
    return engine.DocxEngine(Templates(root))


def texts(document: Any) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


# -- Text is data ---------------------------------------------------------------------------


def test_xml_text_escapes_markup_and_braces() -> None:
    assert engine.xml_text("<b>&{x}") == "&lt;b&gt;&amp;&#123;x&#125;"
    assert engine.xml_text(Markup("R&amp;D <i>")) == "R&amp;D &lt;i&gt;"  # labels are text
    assert engine.xml_text(3) == "3"


@pytest.mark.parametrize("value", HOSTILE)
def test_every_value_comes_back_exactly(tmp_path: Path, value: str) -> None:
    data = template_bytes("before", "{{ value }}", "after")
    document = docx_engine(tmp_path, data).render("t.docx", "en",
                                                  {"value": value, "marking": value})
    assert texts(document) == ["before", value, "after"]
    assert document.sections[0].header.paragraphs[0].text == value
    assert document.tables[0].cell(0, 0).text == value


def test_values_are_never_template_source(tmp_path: Path) -> None:
    data = template_bytes("{{ value }}")
    value = "{{ 7 * 7 }} {% for x in range(3) %}x{% endfor %}"
    document = docx_engine(tmp_path, data).render("t.docx", "en",
                                                  {"value": value, "marking": ""})
    assert texts(document) == [value]


def test_labels_are_translated(tmp_path: Path) -> None:
    data = template_bytes('{{ _("Purpose") }}', '{{ _("Page") }}')
    templates = Templates(tmp_path / "templates")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.docx").write_bytes(data)
    document = engine.DocxEngine(templates).render("t.docx", "fr", {"marking": ""})
    assert texts(document) == ["Objet de l’entretien", "Page"]


def test_word_curly_quotes_in_tags_still_work(tmp_path: Path) -> None:
    data = template_bytes("{{ _(“Purpose”) }}")  # Word's autocorrect typed these
    document = docx_engine(tmp_path, data).render("t.docx", "en", {"marking": ""})
    assert texts(document) == ["Purpose"]


# -- Template errors say where ---------------------------------------------------------------


def test_missing_variable_names_template_part_and_paragraph(tmp_path: Path) -> None:
    data = template_bytes("one", "two", "Title: {{ pack.titel }}")
    with pytest.raises(RenderError) as caught:
        docx_engine(tmp_path, data).render("t.docx", "en", {"pack": {}, "marking": ""})
    message = str(caught.value)
    assert caught.value.file == "templates/t.docx"
    assert "(word/document.xml, paragraph 3)" in message
    assert "titel" in message and '"Title: {{ pack.titel }}"' in message


def test_syntax_error_names_template_part_and_paragraph(tmp_path: Path) -> None:
    data = template_bytes("fine", "{% if %}")
    with pytest.raises(RenderError) as caught:
        docx_engine(tmp_path, data).render("t.docx", "en", {"marking": ""})
    assert caught.value.file == "templates/t.docx"
    assert "(word/document.xml, paragraph 2)" in str(caught.value)


def test_error_in_header_names_the_header(tmp_path: Path) -> None:
    data = template_bytes("fine", header="{{ nothing_here }}")
    with pytest.raises(RenderError) as caught:
        docx_engine(tmp_path, data).render("t.docx", "en", {"marking": ""})
    assert "(word/header1.xml, paragraph 1)" in str(caught.value)
    assert "nothing_here" in str(caught.value)


# -- Templates are checked before they are opened --------------------------------------------


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for name in source.namelist():
            target.writestr(name, replace.pop(name, source.read(name)))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("declaration", [
    b'<!DOCTYPE w:document [<!ENTITY x "xxxxxxxx">]>',
    b'<!ENTITY x SYSTEM "file:///etc/passwd">',
])
def test_doctype_or_entity_is_refused(tmp_path: Path, declaration: bytes) -> None:
    data = template_bytes("x")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml")
    body = body.replace(b"?>", b"?>" + declaration, 1)
    with pytest.raises(RenderError, match="declares a DOCTYPE or ENTITY") as caught:
        docx_engine(tmp_path, rezip(data, {"word/document.xml": body})).render(
            "t.docx", "en", {}
        )
    assert caught.value.file == "templates/t.docx"
    assert "save the template again" in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8"])
def test_doctype_in_any_encoding_is_refused(tmp_path: Path, encoding: str) -> None:
    """A custom XML part in UTF-16 declaring an external entity (copied into every output
    DOCX before): lxml reads its encoding, so the DOCTYPE cannot hide."""
    bom = "\ufeff" if encoding == "utf-16-le" else ""
    part = (f'{bom}<?xml version="1.0" encoding="{encoding.upper()}"?>'
            '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>').encode(encoding)
    data = rezip(template_bytes("x"), {"customXml/item1.xml": part})
    with pytest.raises(RenderError, match=r"customXml/item1\.xml declares a DOCTYPE or ENTITY"):
        docx_engine(tmp_path, data).render("t.docx", "en", {})


def test_a_part_that_is_not_xml_is_refused(tmp_path: Path) -> None:
    data = rezip(template_bytes("x"), {"word/footnotes.xml": b"<w:footnotes><w:p>"})
    with pytest.raises(RenderError, match=r"word/footnotes\.xml is not well-formed XML"):
        docx_engine(tmp_path, data).render("t.docx", "en", {})


EXTERNAL_IMAGE = (
    b'<Relationship Id="rId99" TargetMode="External" Target="http://127.0.0.1:9/logo.png" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>')
ATTACHED_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
    b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'attachedTemplate" Target="http://example.org/t.dotm" TargetMode="External"/>'
    b'</Relationships>')


def test_external_relationships_are_refused(tmp_path: Path) -> None:
    data = template_bytes("x")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = package.read("word/_rels/document.xml.rels")
    linked = rezip(data, {"word/_rels/document.xml.rels":
                          rels.replace(b"</Relationships>", EXTERNAL_IMAGE + b"</Relationships>")})
    with pytest.raises(RenderError) as caught:
        docx_engine(tmp_path, linked).render("t.docx", "en", {})
    assert str(caught.value).startswith(
        "templates/t.docx: the Word template's part word/_rels/document.xml.rels links to an "
        "external image (http://127.0.0.1:9/logo.png), which Word would fetch")
    attached = rezip(data, {"word/_rels/settings.xml.rels": ATTACHED_TEMPLATE})
    with pytest.raises(RenderError, match="external attachedTemplate"):
        docx_engine(tmp_path, attached).render("t.docx", "en", {})


def test_hyperlinks_are_kept(tmp_path: Path) -> None:
    data = template_bytes("x")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = package.read("word/_rels/document.xml.rels")
    link = EXTERNAL_IMAGE.replace(b"/image", b"/hyperlink").replace(b"logo.png", b"about")
    data = rezip(data, {"word/_rels/document.xml.rels":
                        rels.replace(b"</Relationships>", link + b"</Relationships>")})
    document = docx_engine(tmp_path, data).render("t.docx", "en", {"marking": ""})
    assert "http://127.0.0.1:9/about" in [r.target_ref for r in document.part.rels.values()]


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = rezip(template_bytes("x"), {"word/media/image1.png": bytes(20 * 1024**2)})
    with pytest.raises(RenderError, match="zip bomb"):
        docx_engine(tmp_path, bomb).render("t.docx", "en", {})


def test_oversized_template_is_refused(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # checked_template reads the limit where it is defined, not from briefgen.docx
    monkeypatch.setattr(engine.template, "MAX_TEMPLATE_BYTES", 1024)
    with pytest.raises(RenderError, match="more than"):
        docx_engine(tmp_path, template_bytes("x")).render("t.docx", "en", {})


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken"])
def test_not_a_docx_is_refused(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(RenderError, match=r"not a \.docx file"):
        docx_engine(tmp_path, content).render("t.docx", "en", {})


def test_zip_without_document_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("hello.txt", "hi")
    with pytest.raises(RenderError, match=r"no word/document\.xml"):
        docx_engine(tmp_path, out.getvalue()).render("t.docx", "en", {})


# -- Right to left ---------------------------------------------------------------------------


def test_right_to_left_marks_paragraphs_runs_tables_sections(tmp_path: Path) -> None:
    data = template_bytes("{{ value }}", "second")
    document = docx_engine(tmp_path, data).render("t.docx", "ar",
                                                  {"value": "نص", "marking": "سري"})
    engine.make_right_to_left(document, "ar")
    reread = docx.Document(io.BytesIO(engine.to_bytes(document)))
    body = reread.element.body
    header = reread.sections[0].header._element
    for root in (body, header):
        for paragraph in root.iter(qn("w:p")):
            assert paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
        for run in root.iter(qn("w:r")):
            assert run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None
    assert body.find(f".//{qn('w:tblPr')}/{qn('w:bidiVisual')}") is not None
    assert body.find(f"{qn('w:sectPr')}/{qn('w:bidi')}") is not None
    defaults = reread.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:cs"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:bidi")) == "ar"


def test_right_to_left_keeps_schema_order() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("x", style="List Number")
    paragraph.alignment = 1
    paragraph.runs[0].bold = True
    paragraph.runs[0].font.size = 240000
    engine.make_right_to_left(document, "ar")
    ppr = [child.tag for child in paragraph._p.pPr]
    assert ppr == [qn("w:pStyle"), qn("w:bidi"), qn("w:jc")]
    rpr = [child.tag for child in paragraph.runs[0]._r.rPr]
    assert rpr == [qn("w:b"), qn("w:bCs"), qn("w:sz"), qn("w:szCs"), qn("w:rtl")]


# -- Properties and reproducible packages -----------------------------------------------------


def test_properties_come_from_the_pack_never_the_clock() -> None:
    document = docx.Document()
    engine.set_properties(document, engine.Properties(
        "Title", "Subject", "fr", "pack-id", dt.date(2026, 11, 20)))
    core = docx.Document(io.BytesIO(engine.to_bytes(document))).core_properties
    assert (core.title, core.subject, core.language, core.keywords) == (
        "Title", "Subject", "fr", "pack-id")
    midnight = dt.datetime(2026, 11, 20)
    assert core.created.replace(tzinfo=None) == midnight
    assert core.modified.replace(tzinfo=None) == midnight
    assert core.last_modified_by == "briefgen"


def test_packages_are_byte_reproducible() -> None:
    first = engine.to_bytes(docx.Document())
    second = engine.to_bytes(docx.Document())
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        entries = package.infolist()
    assert entries[0].filename == "[Content_Types].xml"
    assert [e.filename for e in entries[1:]] == sorted(e.filename for e in entries[1:])
    assert {e.date_time for e in entries} == {(1980, 1, 1, 0, 0, 0)}


# -- Message extraction and lazy imports ------------------------------------------------------


def test_extractor_finds_labels_in_docxtpl_tags() -> None:
    data = template_bytes('{%p if x %}', '{{ _("Purpose") }} and {{ _(“Page”) }}',
                          "{%p endif %}", header='{{ _("Sources") }}')
    found = list(engine.extract_docx(io.BytesIO(data), ["_", "gettext"], [], {}))
    assert [message for _, _, message, _ in found] == ["Purpose", "Page", "Sources"]


def test_extractor_reads_the_default_template() -> None:
    with (REPO / "templates" / "talking-points.docx").open("rb") as handle:
        found = {message for _, _, message, _ in
                 engine.extract_docx(handle, ["_", "gettext", "ngettext"], [], {})}
    assert {"Talking points", "Purpose", "Page", "Date", ("Source", "Sources", None)} <= found


def test_importing_briefgen_does_not_load_word_libraries() -> None:
    code = ("import sys, briefgen, briefgen.docx, briefgen.documents.talking_points; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'docxtpl')))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=REPO).stdout
    assert out.strip() == "[]"


def test_the_talking_points_are_zipped_once(demo_project: briefgen.Project,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx's parts, fonts embedded, zipped in a fixed order: one zip, not three."""
    import zipfile

    from briefgen.context import pack_view
    from briefgen.documents import Engines, talking_points
    from briefgen.templating import Templates

    written: list[str] = []
    real = zipfile.ZipFile

    class Counted(real):  # type: ignore[misc, valid-type]
        def __init__(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> None:
            if mode != "r":
                written.append(mode)
            super().__init__(file, mode, *args, **kwargs)

    view = pack_view(demo_project, "rabat-2026-12", "ar", ISSUED)
    engines = Engines(Templates(demo_project.templates))
    monkeypatch.setattr(zipfile, "ZipFile", Counted)
    rendered = talking_points.render(view, engines)
    monkeypatch.undo()
    assert written == ["w"]
    with zipfile.ZipFile(io.BytesIO(rendered.data)) as package:
        names = package.namelist()
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    assert any(name.startswith("word/fonts/briefgen-font") for name in names)
