"""Labels in the pack's own language: catalogs shipped and added, no silent English,
plural forms, punctuation from the catalogs."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

import briefgen
from briefgen import i18n, messages
from briefgen.check import check
from briefgen.templating import default_templates
from tests.support.pdf import pdftotext, squash
from tests.support.projects import ISSUED, REPO, ProjectFactory, base_in, pack_in

SHIPPED = default_templates() / "locale"


def project_in(make_project: ProjectFactory, langs: list[str], extra: str = "",
               templates: dict[str, str | bytes] | None = None, **base: object) -> Path:
    return make_project(facts={"base.yaml": base_in(langs, **base)},  # type: ignore[arg-type]
                        packs={"meeting.yaml": pack_in(langs, extra)}, templates=templates)


def note_text(out: Path, lang: str) -> str:
    """The note's text, without the bidi controls pdftotext adds around right-to-left runs."""
    text = squash(pdftotext(out / "meeting" / lang / "briefing-note.pdf"))
    return text.translate({c: None for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]})


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd,
                          capture_output=True, text=True, check=False,
                          env={"SOURCE_DATE_EPOCH": "1780000000", "PATH": "/usr/bin:/bin",
                               # the checkout's code, not an installed copy's
                               **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}})


# -- No silent English ------------------------------------------------------------------------


def test_a_language_without_labels_fails_check_and_build(make_project: ProjectFactory) -> None:
    root = project_in(make_project, ["en", "it"])
    expected = ("packs/meeting.yaml:5: no labels in Italian ('it'): no catalog translates the "
                "headings into it (there are catalogs for ar, de, en, es, fr) — run "
                "`briefgen messages init it` and translate "
                "templates/locale/it/LC_MESSAGES/messages.po, or add `labels_fallback: en` to "
                "the pack to print English labels")
    checked = cli("check", cwd=root)
    assert checked.returncode == 1
    assert "no labels in Italian ('it')" in checked.stdout
    assert "briefgen messages init it" in checked.stdout
    built = cli("build", cwd=root)
    assert built.returncode == 1 and expected in built.stderr
    assert "Traceback" not in built.stderr
    assert not (root / "build" / "meeting").exists()


def test_labels_fallback_builds_in_english_and_check_warns(make_project: ProjectFactory,
                                                           tmp_path: Path) -> None:
    root = project_in(make_project, ["it"], "labels_fallback: en\n")
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    text = note_text(tmp_path, "it")
    assert "BRIEFING NOTE" in text.upper() and "3 dicembre 2026" in text  # English labels,
    report = check(root)  # ... Italian dates
    found = [f for f in report.findings if f.code == "labels-fallback"]
    assert [(f.severity, f.line) for f in found] == [("warning", 5)]
    assert "the labels of Italian ('it') print in English ('en')" in found[0].message
    assert not report.errors and report.failed(strict=True)


def test_labels_fallback_needs_labels_itself(make_project: ProjectFactory) -> None:
    root = project_in(make_project, ["it"], "labels_fallback: pt\n")
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    assert "packs/meeting.yaml:9: 'labels_fallback': there are no labels in Portuguese " \
        "('pt') either" in str(caught.value)


@pytest.mark.parametrize(
    ("lang", "labels", "english"),
    [
        ("de", ["GESPRÄCHSVORLAGE", "KERNBOTSCHAFTEN", "HINTERGRUND", "DATUM",
                "3.–4. Dezember 2026", "Erstellt am 20. November 2026."],
         ["Key messages", "Background", "Prepared on", "Briefing note", "Date"]),
        ("es", ["NOTA INFORMATIVA", "ANTECEDENTES", "FECHA", "ASUNTO",
                "3–4 de diciembre de 2026", "Elaborado el 20 de noviembre de 2026."],
         ["Key messages", "Background", "Prepared on", "Briefing note", "Date"]),
    ],
)
def test_german_and_spanish_notes_speak_their_language(make_project: ProjectFactory,
                                                       tmp_path: Path, lang: str,
                                                       labels: list[str],
                                                       english: list[str]) -> None:
    root = make_project(facts={"base.yaml": base_in([lang])},
                        packs={"meeting.yaml": pack_in([lang], end="2026-12-04")})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    text = note_text(tmp_path, lang)
    for label in labels:
        assert label in text, label
    for word in english:
        assert word.upper() not in text.upper(), word


# -- Project catalogs ---------------------------------------------------------------------------


def po(lang: str, entries: dict[str, str], fuzzy: tuple[str, ...] = ()) -> str:
    body = "".join(
        ("#, fuzzy\n" if msgid in fuzzy else "") + f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n'
        for msgid, msgstr in entries.items())
    return f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; ' \
        f'charset=utf-8\\n"\n\n{body}'


def test_a_project_catalog_adds_to_the_shipped_ones(make_project: ProjectFactory,
                                                    tmp_path: Path) -> None:
    root = project_in(make_project, ["fr", "ar"], templates={
        "locale/fr/LC_MESSAGES/messages.po": po("fr", {"Key messages": "Messages essentiels"}),
        "locale/it/LC_MESSAGES/messages.po": po("it", {"Key messages": "Messaggi chiave"}),
    })
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    french = note_text(tmp_path, "fr")
    assert "MESSAGES ESSENTIELS" in french  # the project's entry wins ...
    assert "ÉLÉMENTS DE CONTEXTE" in french and "NOTE D’ENTRETIEN" in french  # ... the rest
    assert "الرسائل الرئيسية" in note_text(tmp_path, "ar")  # Arabic untouched by it/fr
    findings = [f.file for f in check(root).findings if f.code.endswith("-labels")]
    assert findings == ["templates/locale/it/LC_MESSAGES/messages.po"]  # fr: nothing missing


def test_a_catalog_edited_between_builds_takes_effect(make_project: ProjectFactory,
                                                      tmp_path: Path) -> None:
    """As under `watch`: the same process builds again after the catalog changed."""
    catalog = "locale/fr/LC_MESSAGES/messages.po"
    root = project_in(make_project, ["fr"],
                      templates={catalog: po("fr", {"Key messages": "Premier libellé"})})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert "PREMIER LIBELLÉ" in note_text(tmp_path, "fr")
    (root / "templates" / catalog).write_text(po("fr", {"Key messages": "Second libellé"}))
    result = briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert len(result.rendered) == 1
    assert "SECOND LIBELLÉ" in note_text(tmp_path, "fr")


def test_messages_init_then_translate(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = project_in(make_project, ["it"])
    result = cli("messages", "init", "it", cwd=root)
    assert result.returncode == 0, result.stderr
    path = root / "templates/locale/it/LC_MESSAGES/messages.po"
    assert "wrote templates/locale/it/LC_MESSAGES/messages.po" in result.stdout
    again = cli("messages", "init", "it", cwd=root)
    assert again.returncode == 1 and "already exists" in again.stderr
    report = check(root)
    untranslated = [f for f in report.findings if f.code == "untranslated-labels"]
    assert len(untranslated) == 1 and untranslated[0].file == str(path.relative_to(root))
    with (REPO / "templates/locale/messages.pot").open("rb") as handle:
        labels = len([message for message in read_po(handle) if message.id])
    assert untranslated[0].message.startswith(f"{labels} untranslated label(s): 'Timeline', ")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="it")
    for message in catalog:
        if message.id:
            plural = isinstance(message.id, tuple)
            message.string = (("It " + message.id[0],) * 3 if plural
                              else "Messaggi chiave" if message.id == "Key messages"
                              else message.id)
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    path.write_bytes(buffer.getvalue())
    assert not [f for f in check(root).findings if f.code.endswith("-labels")]
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert "MESSAGGI CHIAVE" in note_text(tmp_path, "it")


def test_messages_init_copies_what_briefgen_translates(tmp_path: Path) -> None:
    path = messages.init_catalog(tmp_path, "de")
    with path.open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    assert catalog["Key messages"] == "Kernbotschaften"
    assert catalog[("Source", "Sources")] == ("Quelle", "Quellen")


def test_fuzzy_and_missing_labels_are_findings(make_project: ProjectFactory) -> None:
    root = project_in(make_project, ["fr"], templates={"locale/it/LC_MESSAGES/messages.po": po(
        "it", {"Key messages": "Messaggi", "Background": "Contesto"}, fuzzy=("Background",))})
    findings = {f.code: f for f in check(root).findings if f.code.endswith("-labels")}
    assert findings["fuzzy-labels"].message == "1 fuzzy label(s): 'Background'"
    assert findings["fuzzy-labels"].line == 10
    assert "'Timeline'" in findings["untranslated-labels"].message  # absent from the file


def test_messages_update_adds_new_labels(tmp_path: Path) -> None:
    path = messages.init_catalog(tmp_path, "it")
    text = path.read_text()
    path.write_text(text.replace('msgid "Timeline"\nmsgstr ""\n', ""))
    assert 'msgid "Timeline"' not in path.read_text()
    result = cli("messages", "update", "--project", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'msgid "Timeline"' in path.read_text()
    missing = cli("messages", "update", "pt", "--project", str(tmp_path), cwd=tmp_path)
    assert missing.returncode == 1 and "briefgen messages init pt" in missing.stderr


# -- Plurals ------------------------------------------------------------------------------------


def test_arabic_has_six_plural_forms() -> None:
    arabic = i18n.translations(SHIPPED, "ar")
    counts = [0, 1, 2, 3, 11, 100]
    assert [arabic.ngettext("Source", "Sources", n) for n in counts] == [
        "المصادر", "المصدر", "المصدران", "المصادر", "المصادر", "المصادر"]
    assert [arabic.plural(n) for n in counts] == [0, 1, 2, 3, 4, 5]  # type: ignore[attr-defined]
    assert [arabic.ngettext("Partner", "Partners", n) for n in (1, 2, 5)] == [
        "الشريك", "الشريكان", "الشركاء"]


@pytest.mark.parametrize(("sources", "heading"), [(1, "المصدر"), (2, "المصدران"),
                                                  (3, "المصادر")])
def test_arabic_heading_agrees_with_the_count(make_project: ProjectFactory, tmp_path: Path,
                                              sources: int, heading: str) -> None:
    root = project_in(make_project, ["ar"], sources=sources)
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    text = note_text(tmp_path, "ar")
    others = {"المصدر", "المصدران", "المصادر"} - {heading}
    assert heading in text.split()
    assert not others & set(text.split()), text


@pytest.mark.parametrize(("countries", "tag"), [("[US]", "PARTENAIRE "),
                                                ("[US, NE]", "PARTENAIRES ")])
def test_partners_tag_is_singular_or_plural(make_project: ProjectFactory, tmp_path: Path,
                                            countries: str, tag: str) -> None:
    root = make_project(
        facts={"base.yaml": base_in(["fr"], countries=countries).replace("kind: role",
                                                                          "kind: membership")},
        packs={"meeting.yaml": pack_in(["fr"], documents="[fact-sheet]")})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    text = squash(pdftotext(tmp_path / "meeting" / "fr" / "fact-sheet.pdf"))
    assert tag + "États-Unis" in text


# -- Punctuation --------------------------------------------------------------------------------


def test_arabic_joins_with_arabic_punctuation(make_project: ProjectFactory,
                                              tmp_path: Path) -> None:
    root = project_in(make_project, ["ar"], sources=2)
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    text = note_text(tmp_path, "ar")
    # pdftotext gives the Latin runs of a right-to-left line in visual order: "Source 1،
    # Ministry، مايو 2022." reads " ،Ministry ،Source 1 .1 مايو .2022"
    assert "،Ministry ،Source 1" in text and "]2 ،1[" in text
    assert "," not in text and ";" not in text


def test_a_date_ending_in_a_period_takes_no_second_one(make_project: ProjectFactory,
                                                       tmp_path: Path) -> None:
    root = project_in(make_project, ["ru"], "labels_fallback: en\n")
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    text = note_text(tmp_path, "ru")
    assert "Ministry, май 2022 г. " in text + " "
    assert "Prepared on 20 ноября 2026 г. Facts as of май 2022 г." in text
    assert "г.." not in text


def test_punctuation_helper() -> None:
    punct = i18n.Punctuation.of(i18n.translations(SHIPPED, "ar"))
    assert (punct.comma, punct.semicolon, punct.stop) == ("، ", "؛ ", ".")
    assert punct.end("май 2022 г.") == "" and punct.end("mai 2022") == "."
    assert i18n.one_full_stop("2022 г.. Next... end..") == "2022 г. Next... end."


def test_a_new_catalogs_header_has_no_template_placeholders(tmp_path: Path) -> None:
    path = messages.init_catalog(tmp_path, "it")
    text = path.read_text(encoding="utf-8")
    for placeholder in ("FIRST AUTHOR", "EMAIL@ADDRESS", "FULL NAME", "LL@li.org",
                        "briefgen VERSION"):
        assert placeholder not in text, placeholder
    assert f'"Project-Id-Version: briefgen {briefgen.__version__}\\n"' in text
    assert text.startswith("# briefgen's labels in it, for this project.\n")
