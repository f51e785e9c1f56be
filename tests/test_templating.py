"""Template lookup and rendering (:mod:`briefgen.templating`), called directly: a project's
``templates/`` over the shipped files, file by file; links out of the template folders
refused; catalogs and labels in fr, en and ar; the fingerprint of the template files;
undefined fields and syntax errors located in the template; escaping always on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.errors import RenderError
from briefgen.templating import Templates, default_templates

SHIPPED = default_templates()


def project_templates(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A project's templates/ folder holding ``files``."""
    folder = tmp_path / "project" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


# -- The project's templates over the shipped ones -------------------------------------------


def test_without_a_project_folder_only_the_shipped_templates(tmp_path: Path) -> None:
    assert Templates(None).roots == (SHIPPED.resolve(),)
    assert Templates(tmp_path / "no-such-folder").roots == (SHIPPED.resolve(),)
    folder = project_templates(tmp_path, {})
    assert Templates(folder).roots == (folder.resolve(), SHIPPED.resolve())


def test_a_project_file_replaces_the_shipped_one_of_its_name_only(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"css/fonts.css": "/* mine */\n"})
    templates = Templates(folder)
    assert templates.find("css/fonts.css") == folder.resolve() / "css/fonts.css"
    assert templates.find("css/marking.css") == SHIPPED.resolve() / "css/marking.css"
    assert templates.find("briefing-note.html") == SHIPPED.resolve() / "briefing-note.html"


def test_an_include_finds_each_file_where_it_is(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {
        "css/fonts.css": "/* mine */\n",
        "page.html": "{% include 'css/fonts.css' %}{% include 'css/marking.css' %}"})
    rendered = Templates(folder).render("page.html", "en")
    shipped = (SHIPPED / "css/marking.css").read_text(encoding="utf-8")
    assert rendered == "/* mine */\n" + shipped


def test_a_missing_template(tmp_path: Path) -> None:
    templates = Templates(project_templates(tmp_path, {"page.html": "{% include 'nope.html' %}"}))
    assert templates.locate("nope.html") is None
    with pytest.raises(RenderError, match=r"template file 'nope\.html' not found"):
        templates.find("nope.html")
    with pytest.raises(RenderError, match=r"template 'nope\.html' not found"):
        templates.render("page.html", "en")


def test_a_link_out_of_the_templates_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("OUTSIDE {{ value }}", encoding="utf-8")
    folder = project_templates(tmp_path, {"page.html": "{% include 'evil.html' %}"})
    (folder / "evil.html").symlink_to(outside)
    templates = Templates(folder)
    with pytest.raises(RenderError) as caught:
        templates.locate("evil.html")
    assert (caught.value.message, caught.value.file, caught.value.hint) == (
        "the template file is a link to a file outside the template folder",
        "templates/evil.html", "copy the file there instead of linking it")
    with pytest.raises(RenderError, match="link to a file outside"):
        templates.render("page.html", "en", value="x")  # the loader refuses it too


def test_a_link_into_the_shipped_templates_is_still_a_link_out(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {})
    (folder / "briefing-note.html").symlink_to(SHIPPED / "briefing-note.html")
    with pytest.raises(RenderError, match="link to a file outside the template folder"):
        Templates(folder).find("briefing-note.html")


def test_a_link_inside_the_templates_folder_is_followed(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"shared/part.html": "shared {{ n }}"})
    (folder / "part.html").symlink_to(folder / "shared" / "part.html")
    templates = Templates(folder)
    assert templates.find("part.html") == folder.resolve() / "part.html"
    assert templates.render("part.html", "en", n=1) == "shared 1"


def test_a_folder_where_a_template_should_be(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"page.html/.keep": ""})
    with pytest.raises(RenderError, match="the template file is not a regular file"):
        Templates(folder).find("page.html")


def test_a_template_that_is_not_utf8(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"page.html": b"caf\xe9 {{ n }}"})
    with pytest.raises(RenderError, match="the template is not UTF-8 text"):
        Templates(folder).render("page.html", "en", n=1)


# -- Catalogs and labels ---------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "has"), [
    ("fr", True), ("en", True), ("ar", True), ("de", True), ("es", True),
    ("ar_MA", True), ("fr_CA", True),  # through their language
    ("it", False), ("pt", False),
])
def test_which_languages_have_a_shipped_catalog(lang: str, has: bool) -> None:
    assert Templates(None).has_catalog(lang) is has


def po(entries: dict[str, str], lang: str) -> str:
    """A catalog of ``entries`` (msgid -> msgstr) for ``lang``."""
    head = (f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n'
            '"Content-Type: text/plain; charset=utf-8\\n"\n')
    return head + "".join(f'\nmsgid "{key}"\nmsgstr "{value}"\n' for key, value in entries.items())


def test_a_project_catalog_gives_a_language_labels(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {
        "locale/it/LC_MESSAGES/messages.po": po({"Key messages": "Messaggi chiave"}, "it"),
        "labels.html": "{{ _('Key messages') }}|{{ _('Background') }}"})
    templates = Templates(folder)
    assert templates.has_catalog("it")
    assert templates.render("labels.html", "it") == "Messaggi chiave|Background"


LABELS = "{{ _('Key messages') }}|{{ _('Background') }}|{{ punct.semicolon }}"


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Messages clés|Éléments de contexte|\u202f; "),
    ("en", "Key messages|Background|; "),
    ("ar", "الرسائل الرئيسية|معطيات أساسية|؛ "),
    ("ar_MA", "الرسائل الرئيسية|معطيات أساسية|؛ "),
])
def test_labels_come_from_the_languages_catalog(tmp_path: Path, lang: str,
                                                expected: str) -> None:
    folder = project_templates(tmp_path, {"labels.html": LABELS})
    assert Templates(folder).render("labels.html", lang) == expected


def test_labels_of_another_language(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"labels.html": LABELS + "|{{ n }}"})
    assert Templates(folder).render("labels.html", "it", labels="en", n="x") == (
        "Key messages|Background|; |x")


def test_a_project_catalog_replaces_the_shipped_labels_entry_by_entry(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {
        "locale/fr/LC_MESSAGES/messages.po": po({"Background": "Contexte"}, "fr"),
        "labels.html": LABELS})
    assert Templates(folder).render("labels.html", "fr") == "Messages clés|Contexte|\u202f; "


def test_an_edited_catalog_gives_new_labels(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {
        "locale/fr/LC_MESSAGES/messages.po": po({"Background": "Contexte"}, "fr"),
        "labels.html": "{{ _('Background') }}"})
    templates = Templates(folder)
    assert templates.render("labels.html", "fr") == "Contexte"
    catalog = folder / "locale/fr/LC_MESSAGES/messages.po"
    catalog.write_text(po({"Background": "Le contexte"}, "fr"), encoding="utf-8")
    assert templates.render("labels.html", "fr") == "Le contexte"


def test_a_labels_variables_are_escaped(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {
        "since.html": "{{ _('Since the previous meeting (%(date)s)', date=date) }}"})
    assert Templates(folder).render("since.html", "fr", date="<b>5 mai</b>") == (
        "Depuis la précédente réunion (&lt;b&gt;5 mai&lt;/b&gt;)")


# -- The fingerprint -------------------------------------------------------------------------


def test_the_fingerprint_is_the_same_until_a_file_changes(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"css/extra.css": "h1 { color: #036 }\n"})
    first = Templates(folder).fingerprint()
    assert Templates(folder).fingerprint() == first
    assert len(first) == 64
    assert Templates(None).fingerprint() != first  # the project's files count


def bump(path: Path, content: str) -> None:
    """Write ``content`` into ``path`` and move its mtime on, as a later save would."""
    stat = path.stat()
    path.write_text(content, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_the_fingerprint_changes_with_a_template_files_content(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"css/extra.css": "h1 { color: #036 }\n"})
    before = Templates(folder).fingerprint()
    bump(folder / "css/extra.css", "h1 { color: #063 }\n")  # the same size
    changed = Templates(folder).fingerprint()
    assert changed != before
    bump(folder / "css/extra.css", "h1 { color: #036 }\n")
    assert Templates(folder).fingerprint() == before  # the content, not the time


def test_the_fingerprint_changes_when_a_file_comes_or_goes(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"css/extra.css": "h1 {}\n"})
    before = Templates(folder).fingerprint()
    (folder / "css/more.css").write_text("p {}\n", encoding="utf-8")
    added = Templates(folder).fingerprint()
    assert added != before
    (folder / "css/more.css").rename(folder / "css/other.css")  # a name is an input too
    assert Templates(folder).fingerprint() not in (before, added)
    (folder / "css/other.css").unlink()
    assert Templates(folder).fingerprint() == before


def test_what_documents_never_read_is_not_in_the_fingerprint(tmp_path: Path) -> None:
    outside = tmp_path / "outside.css"
    outside.write_text("p {}\n", encoding="utf-8")
    folder = project_templates(tmp_path, {"css/extra.css": "h1 {}\n"})
    (folder / "css/linked.css").symlink_to(outside)
    before = Templates(folder).fingerprint()
    (folder / ".page.html.swp").write_text("editor state", encoding="utf-8")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.pyc").write_bytes(b"\0")
    bump(outside, "p { color: red }\n")  # a link out is never read
    (tmp_path / "project" / "notes.txt").write_text("beside templates/", encoding="utf-8")
    assert Templates(folder).fingerprint() == before


# -- Mistakes in a template, and escaping ----------------------------------------------------


def test_a_misspelled_field_names_the_template_and_line(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {
        "page.html": "<h1>{{ pack.title }}</h1>\n<p>\n{{ pack.titel }}\n</p>\n"})
    with pytest.raises(RenderError) as caught:
        Templates(folder).render("page.html", "en", pack={"title": "T"})
    error = caught.value
    assert error.message.startswith("template error: ") and "titel" in error.message
    assert (error.file, error.line) == ("templates/page.html", 3)


def test_an_undefined_name_is_an_error_not_an_empty_text(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"page.html": "a\n{{ nothing }}b\n"})
    with pytest.raises(RenderError) as caught:
        Templates(folder).render("page.html", "en")
    assert "'nothing' is undefined" in caught.value.message
    assert (caught.value.file, caught.value.line) == ("templates/page.html", 2)


def test_a_mistake_in_an_included_template_names_that_one(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {
        "page.html": "{% include 'part.html' %}\n", "part.html": "ok\nok\n{{ x.y }}\n"})
    with pytest.raises(RenderError) as caught:
        Templates(folder).render("page.html", "en", x={})
    assert (caught.value.file, caught.value.line) == ("templates/part.html", 3)


def test_a_syntax_error_names_the_template_and_line(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"page.html": "one\ntwo\n{% if %}\n{% endif %}\n"})
    with pytest.raises(RenderError) as caught:
        Templates(folder).render("page.html", "en")
    assert caught.value.message.startswith("template syntax error: ")
    assert (caught.value.file, caught.value.line) == ("templates/page.html", 3)


def test_a_shipped_template_is_named_by_its_full_path(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {})
    templates = Templates(folder)
    assert templates.display(str(folder / "page.html")) == "templates/page.html"
    assert templates.display(str(SHIPPED / "_note.html")) == str(SHIPPED / "_note.html")


HOSTILE = "<script>alert('x')</script> & \"co\""
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;co&#34;"


@pytest.mark.parametrize("name", ["page.html", "page.txt", "page.css", "page"])
def test_printed_values_are_always_escaped(tmp_path: Path, name: str) -> None:
    """Whatever the file's extension: escaping is not guessed from it."""
    folder = project_templates(tmp_path, {name: "<p>{{ fact.text }}</p>"})
    rendered = Templates(folder).render(name, "fr", fact={"text": HOSTILE})
    assert rendered == f"<p>{ESCAPED}</p>"


def test_escaping_holds_in_every_language(tmp_path: Path) -> None:
    folder = project_templates(tmp_path, {"page.html": "{{ text }}"})
    rendered = Templates(folder).render("page.html", "ar", text="عضو <b>x</b> & y")
    assert "<b>" not in rendered and "&lt;b&gt;" in rendered and "&amp;" in rendered
