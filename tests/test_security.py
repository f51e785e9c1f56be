"""Hostile input: nothing fetched, nothing injected, nothing runs away."""

from __future__ import annotations

import os
import socket
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import briefgen
from briefgen.fields import forbidden_character
from briefgen.pdf import SandboxedFetcher
from briefgen.typography import typeset
from tests.support.pdf import pdftotext, squash
from tests.support.projects import ISSUED, MINIMAL_BASE, MINIMAL_PACK, REPO, ProjectFactory


@pytest.fixture
def roots(tmp_path: Path) -> list[Path]:
    project = tmp_path / "project" / "templates"
    default = tmp_path / "default"
    for root in (project, default):
        (root / "css").mkdir(parents=True)
    (default / "css" / "base.css").write_text("p {}")
    (project / "css" / "own.css").write_text("h1 {}")
    (tmp_path / "secret.txt").write_text("secret")
    (project / "link.css").symlink_to(tmp_path / "secret.txt")
    return [project, default]


def test_fetcher_serves_template_files_with_fallback(roots: list[Path]) -> None:
    fetcher = SandboxedFetcher(roots)
    assert fetcher.fetch((roots[0] / "css/own.css").as_uri()).read() == b"h1 {}"
    # A file the project lacks comes from the defaults, at the same relative path.
    assert fetcher.fetch((roots[0] / "css/base.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file:///dev/zero",
    "http://127.0.0.1:9/x.png",
    "https://example.org/x.png",
    "ftp://example.org/x",
])
def test_fetcher_refuses_the_rest(roots: list[Path], url: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a: opened.append(a))
    fetcher = SandboxedFetcher(roots)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert not opened


def test_fetcher_refuses_symlink_and_traversal_escapes(roots: list[Path]) -> None:
    fetcher = SandboxedFetcher(roots)
    with pytest.raises(ValueError, match="outside the template folders"):
        fetcher.fetch((roots[0] / "link.css").as_uri())
    with pytest.raises(ValueError, match="outside the template folders"):
        fetcher.fetch(roots[0].as_uri() + "/../../secret.txt")


def build_note(root: Path, out: Path) -> str:
    briefgen.build(briefgen.load_project(root), out=out, languages=["en"], issued=ISSUED)
    return squash(pdftotext(out / "meeting" / "en" / "briefing-note.pdf"))


HOSTILE_TEXTS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<style>@import url(http://127.0.0.1:9/x.css)</style>',
    "\" style=\"background: url(file:///etc/passwd)",
    "{{ config }} {{% raw %}} ${{7*7}} <%= 7*7 %> #{{7*7}}",
]


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_hostile_fact_text_is_printed_never_fetched(make_project: ProjectFactory, tmp_path: Path,
                                                   hostile: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import pikepdf

    opened: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a: opened.append(a))
    quoted = hostile.replace("\\", "\\\\").replace('"', '\\"')
    base = MINIMAL_BASE.replace('"Morocco supports the Coalition."', f'"{quoted}"')
    root = make_project(facts={"base.yaml": base})
    text = build_note(root, tmp_path)
    expected = typeset(hostile.replace("{{", "{").replace("}}", "}"), "en")  # curly quotes
    assert squash(expected) in text
    assert not opened
    with pikepdf.open(tmp_path / "meeting/en/briefing-note.pdf") as pdf:
        assert len(pdf.attachments) == 0
    # What a reader sees: PDF text is compressed and encoded, so the bytes prove nothing.
    assert "root:" not in text and "/bin/" not in text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a",
                                 "http://", "not a url"])
def test_source_urls_must_be_http(make_project: ProjectFactory, url: str) -> None:
    base = MINIMAL_BASE.replace("publisher: Ministère,", f"publisher: Ministère, url: '{url}',")
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(make_project(facts={"base.yaml": base}))
    assert "is not an http(s) URL" in str(caught.value)
    assert "facts/base.yaml:7" in str(caught.value)


def test_source_url_is_text_not_a_link(make_project: ProjectFactory, tmp_path: Path) -> None:
    base = MINIMAL_BASE.replace("publisher: Ministère,",
                                "publisher: Ministère, url: 'https://example.org/a?b=1&c=2',")
    text = build_note(make_project(facts={"base.yaml": base}), tmp_path)
    assert "https://example.org/a?b=1&c=2" in text


@pytest.mark.parametrize("template_snippet", [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<img src="http://127.0.0.1:9/tracker.png">',
    '<img src="missing-logo.png">',
])
def test_template_resources_outside_the_sandbox_fail_the_build(
        make_project: ProjectFactory, tmp_path: Path, template_snippet: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a: opened.append(a))
    template = (REPO / "templates/briefing-note.html").read_text().replace(
        "<body class=\"note\">", "<body class=\"note\">" + template_snippet)
    root = make_project(templates={"briefing-note.html": template})
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert "briefing-note.pdf" in str(caught.value)
    assert not opened
    assert not (tmp_path / "meeting").exists()


def test_runaway_document_is_stopped(make_project: ProjectFactory, tmp_path: Path) -> None:
    facts = "".join(
        f"  - id: g{i}\n    kind: position\n    text: {{fr: 'Texte {i} ' , en: '{'Word ' * 60}'}}\n"
        for i in range(1500)
    )
    base = MINIMAL_BASE + facts
    project = briefgen.load_project(make_project(facts={"base.yaml": base}))
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(project, out=tmp_path, languages=["en"], issued=ISSUED, time_limit=1.0)
    assert "rendering took longer than 1 s and was stopped" in str(caught.value)
    assert not (tmp_path / "meeting").exists()


def test_yaml_bombs_and_tags(make_project: ProjectFactory) -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{','.join(['*' + previous] * 9)}]\n"
    root = make_project(facts={"base.yaml": MINIMAL_BASE + bomb})
    with pytest.raises(briefgen.ValidationFailed, match="aliases expand to more than"):
        briefgen.load_project(root)


safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"),
                           blacklist_characters="\u2028\u2029"),
    min_size=1, max_size=40,
).filter(lambda t: t.strip() and forbidden_character(t) is None)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=safe_text)
def test_any_text_comes_out_exactly_or_fails_located(tmp_path_factory: pytest.TempPathFactory,
                                                      text: str) -> None:
    """Arbitrary Unicode fact text: the PDF shows it, or the build fails with a located error."""
    root = tmp_path_factory.mktemp("p")
    (root / "facts").mkdir()
    (root / "packs").mkdir()
    escaped = text.replace("{", "{{").replace("}", "}}")
    yaml_text = escaped.replace("\\", "\\\\").replace('"', '\\"')
    (root / "facts/base.yaml").write_text(MINIMAL_BASE.replace(
        '"Morocco supports the Coalition."', f'"{yaml_text}"'), encoding="utf-8")
    (root / "packs/meeting.yaml").write_text(MINIMAL_PACK, encoding="utf-8")
    try:
        project = briefgen.load_project(root)
        briefgen.build(project, out=root / "out", languages=["en"], issued=ISSUED)
    except briefgen.ValidationFailed as failure:
        assert all(e.location.line for e in failure.errors), failure
        return
    except briefgen.BuildFailed as failure:
        assert "no font has a glyph" in str(failure), failure
        return
    extracted = pdftotext(root / "out/meeting/en/briefing-note.pdf")
    # Every character comes out (as many times as it went in). Order is not compared: a
    # PDF's text layer holds mixed-direction text (Latin digits beside Arabic punctuation)
    # in visual order, which pdftotext does not always put back; order is asserted on
    # ordinary text elsewhere. Quotes and apostrophes come out typographic (typography.py).
    shown = typeset(text, "en")
    assert not Counter(_normalized(shown)) - Counter(_normalized(extracted))


def _normalized(text: str) -> str:
    """Text as a reader sees it: NFKC (pdftotext decomposes ligatures and compatibility
    forms), without whitespace and without invisible format characters (soft hyphen,
    zero-width joiners), which a PDF shows by not showing them.

    Combining marks are compared apart from their base: a mark from a script the shipped
    fonts lack, on a base from another font (e.g. "0" + U+A8E0), is drawn from a system
    font but WeasyPrint 70 writes no text for it (a known gap, noted on issue #8).
    """
    import unicodedata

    visible = unicodedata.normalize("NFKC", "".join(
        c for c in text if unicodedata.category(c) != "Cf"))
    return "".join(c for c in visible if not unicodedata.category(c).startswith("M")
                   and not c.isspace())


def test_no_environment_leaks_into_documents(make_project: ProjectFactory, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "tok-123456")
    text = build_note(make_project(), tmp_path)
    assert "tok-123456" not in text
    assert os.environ["SECRET_TOKEN"]


def test_template_links_out_of_templates_are_refused(make_project: ProjectFactory,
                                                    tmp_path: Path) -> None:
    """The Jinja loader and the file lookup stay inside templates/, as the fetcher does."""
    outside = tmp_path / "outside.html"
    outside.write_text("<html lang=en><body>OUTSIDE-TEMPLATE {{ pack.title }}</body></html>")
    root = make_project()
    (root / "templates").mkdir()
    (root / "templates" / "briefing-note.html").symlink_to(outside)
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    assert str(caught.value.errors[0]) == (
        "meeting/fr/briefing-note.pdf: templates/briefing-note.html: the template file is a "
        "link to a file outside the template folder — copy the file there instead of linking "
        "it")
    assert not (tmp_path / "out" / "meeting").exists()


def test_template_links_inside_templates_are_followed(make_project: ProjectFactory,
                                                     tmp_path: Path) -> None:
    template = (REPO / "templates/briefing-note.html").read_text().replace(
        "<body class=\"note\">", "<body class=\"note\"><p>OWN-TEMPLATE</p>")
    root = make_project(templates={"mine/note.html": template})
    (root / "templates" / "briefing-note.html").symlink_to(root / "templates/mine/note.html")
    assert "OWN-TEMPLATE" in build_note(root, tmp_path)


def test_css_font_face_outside_the_templates_is_a_render_error(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    css = (REPO / "templates/css/briefing-note.css").read_text()
    css += "\n@font-face { font-family: Leak; src: url(../../../etc/passwd) }\n"
    root = make_project(templates={"css/briefing-note.css": css})
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    message = str(caught.value.errors[0])
    assert message.startswith(f"meeting/fr/briefing-note.pdf: "
                              f"{root / 'templates/css/briefing-note.css'}: a resource could "
                              "not be loaded: refused to load file:///")
    assert "outside the template folders" in message
    assert not (tmp_path / "meeting").exists()


def test_a_catalog_folder_linked_out_of_templates_is_refused(make_project: ProjectFactory,
                                                            tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "locale"
    outside.mkdir(parents=True)
    root = make_project(templates={"css/.keep": ""})
    (root / "templates" / "locale").symlink_to(outside)
    with pytest.raises(briefgen.ValidationFailed) as caught:  # refused when loading
        briefgen.load_project(root)
    assert str(caught.value.errors[0]).startswith(
        "templates/locale: the template folder is a link to a folder outside the template "
        "folder")
