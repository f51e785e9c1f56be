"""The grammar lint (``briefgen.grammar.lint``, ``briefgen.check.sentences``): sentences
whose names or date will not read right are found and located, with the form to write;
once mended as told, the documents print what a native reader expects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest

import briefgen
from briefgen.check import check
from briefgen.dates import parse_partial_date
from briefgen.grammar import grammar_for
from briefgen.grammar.lint import Sentence, advise
from briefgen.templating import default_templates
from tests.support.pdf import pdftotext, plain, squash
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    NEW_USER_BASE,
    NEW_USER_FIXES,
    NEW_USER_PACK,
    ProjectFactory,
)


def advice(text: str, lang: str, countries: tuple[str, ...] = ("IT", "US"),
           date: str | None = None) -> list[tuple[str, str, str]]:
    sentence = Sentence(text, lang, countries, "MA",
                        parse_partial_date(date) if date else None)
    return [(a.code, a.message, a.hint) for a in advise(sentence, grammar_for(None, lang))]


def test_a_bare_name_after_a_verb_wants_the_definite_form() -> None:
    assert advice("Nous remercions {countries} pour leur engagement.", "fr") == [(
        "bare-name",
        "“Nous remercions {countries}” prints “Nous remercions Italie et États-Unis”",
        "write “Nous remercions {countries:def}” (“Nous remercions l’Italie et les "
        "États-Unis”), or {countries:bare} where the bare names are meant",
    )]
    assert advice("We thank {countries}.", "en")[0][2].startswith(
        "write “We thank {countries:def}” (“We thank Italy and the United States”)")


@pytest.mark.parametrize(("lang", "text", "suggested", "reads"), [
    ("fr", "aux côtés de {countries}", "aux côtés {countries:of}",
     "aux côtés de l’Italie et des États-Unis"),
    ("en", "on behalf of {countries}", "on behalf {countries:of}",
     "on behalf of Italy and the United States"),
    ("es", "junto a {countries}", "junto {countries:to}", "junto a Italia y Estados Unidos"),
    ("de", "mit {countries}", "mit {countries:to}", "mit Italien und den Vereinigten Staaten"),
    ("ar", "شكرا ل{countries}", "شكرا {countries:to}", "شكرا لإيطاليا والولايات المتحدة"),
])
def test_the_word_before_decides_the_form(lang: str, text: str, suggested: str,
                                          reads: str) -> None:
    [(code, _, hint)] = advice(text, lang)
    assert code == "bare-name"
    assert hint.startswith(f"write “{suggested}” (“{reads}”)")


def test_a_form_after_a_word_that_asks_for_another() -> None:
    [(code, message, hint)] = advice("Le Maroc coopère avec {countries:of}.", "fr")
    assert code == "wrong-form"
    assert message.endswith("prints “Le Maroc coopère avec de l’Italie et des États-Unis”")
    assert hint == ("write “Le Maroc coopère avec {countries:def}” (“Le Maroc coopère avec "
                    "l’Italie et les États-Unis”)")
    assert advice("Le Maroc co-préside aux côtés {countries:of}.", "fr") == []


def test_what_needs_no_advice() -> None:
    assert advice("Liste : {countries:bare}", "fr") == []  # asked for on purpose
    assert advice("نشكر {countries} على دعمهما.", "ar") == []  # Arabic's definite: the names
    assert advice("Мы благодарим {countries}.", "ru") == []  # no grammar file: no forms
    assert advice("Depuis {date}, le Maroc agit.", "fr", date="2026-12-03") == []
    # Another way to write what it prints: "of {countries:def}" is "{countries:of}".
    assert advice("We welcome the commitment of {countries:def}.", "en") == []


@pytest.mark.parametrize(("lang", "text", "date", "hint"), [
    ("fr", "La réunion s'est tenue en {date}.", "2026-12-03",
     "a day takes “le”: write “La réunion s'est tenue le {date}” (“La réunion s'est tenue "
     "le 3 décembre 2026”)"),
    ("fr", "Plan adopté le {date}.", "2026-05",
     "a month takes “en”: write “Plan adopté en {date}” (“Plan adopté en mai 2026”)"),
    ("en", "The meeting was held in {date}.", "2026-12-03",
     "a day takes “on”: write “The meeting was held on {date}” (“The meeting was held on "
     "December 3, 2026”)"),
    ("de", "Das Treffen fand im {date} statt.", "2026-12-03",
     "a day takes “am”: write “Das Treffen fand am {date}” (“Das Treffen fand am 3. Dezember "
     "2026”)"),
])
def test_a_word_before_a_date_that_does_not_fit_its_precision(lang: str, text: str, date: str,
                                                              hint: str) -> None:
    [(code, _, given)] = advice(text, lang, date=date)
    assert (code, given) == ("date-preposition", hint)


def test_check_finds_every_sentence_of_a_new_users_project(
        make_project: ProjectFactory) -> None:
    root = make_project(facts={"partners.yaml": NEW_USER_BASE},
                        packs={"meeting.yaml": NEW_USER_PACK})
    report = check(root, today=ISSUED)
    found = [(f.code, f.file, f.line, f.fact_id, f.message.split(":")[0])
             for f in report.findings if f.code in ("bare-name", "wrong-form",
                                                     "date-preposition")]
    lines = NEW_USER_BASE.splitlines()

    def line(start: str) -> int:
        return next(n for n, text in enumerate(lines, 1) if text.strip().startswith(start))

    expected = {
        ("bare-name", "thanks", "'text.fr'", line('fr: "Nous remercions')),
        ("bare-name", "thanks", "'text.en'", line('en: "We thank')),
        ("bare-name", "thanks", "'text.es'", line('es: "Trabajamos')),
        ("bare-name", "thanks", "'text.de'", line('de: "Wir arbeiten')),
        ("bare-name", "thanks", "'text.ar'", line('ar: "نتوجه')),
        ("bare-name", "thanks", "'talking_point.fr'", line('fr: "Le Maroc agit')),
        ("bare-name", "thanks", "'talking_point.en'", line('en: "Morocco works')),
        ("bare-name", "thanks", "'talking_point.es'", line('es: "Marruecos')),
        ("bare-name", "thanks", "'talking_point.de'", line('de: "Marokko')),
        ("date-preposition", "summit", "'text.fr'", line('fr: "La réunion')),
        ("wrong-form", "summit", "'text.fr'", line('fr: "La réunion')),
        ("date-preposition", "summit", "'text.en'", line('en: "The meeting')),
        ("date-preposition", "summit", "'text.es'", line('es: "La reunión')),
        ("bare-name", "summit", "'text.es'", line('es: "La reunión')),
        ("date-preposition", "summit", "'text.de'", line('de: "Das Treffen')),
        ("bare-name", "ties", "'text.fr'", line('fr: "Il est rappelé')),
        *(("bare-name", "plan", f"'text.{lang}'", line(f'{lang}: "{{subject}}'))
          for lang in ("fr", "en", "es", "de")),
        *(("date-preposition", "plan", f"'text.{lang}'", line(f'{lang}: "{{subject}}'))
          for lang in ("fr", "en", "es", "de")),
    }
    assert {(code, fact, field, number) for code, file, number, fact, field in found} == expected
    assert all(file == "facts/partners.yaml" for _, file, *_ in found)
    assert len(found) == len(expected)  # each sentence once


def test_strict_check_fails_on_them_and_passes_once_mended(
        make_project: ProjectFactory) -> None:
    root = make_project(facts={"partners.yaml": NEW_USER_BASE},
                        packs={"meeting.yaml": NEW_USER_PACK})
    command = [sys.executable, "-m", "briefgen", "check", "--strict", "--project", str(root)]
    failed = subprocess.run(command, capture_output=True, text=True)
    assert failed.returncode == 1
    assert ("facts/partners.yaml" in failed.stdout and "bare-name" in failed.stdout
            and "{countries:def}" in failed.stdout), failed.stdout
    mend(root / "facts" / "partners.yaml")
    passed = subprocess.run(command, capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def mend(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for wrong, right in NEW_USER_FIXES.items():
        assert wrong in text, wrong
        text = text.replace(wrong, right)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def mended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The new user's project, mended as check said, built; its Arabic is Egyptian (a
    right-to-left variant with its own digits)."""
    root = tmp_path_factory.mktemp("new-user")
    for folder, name, text in (("facts", "partners.yaml", NEW_USER_BASE),
                               ("packs", "meeting.yaml", NEW_USER_PACK)):
        (root / folder).mkdir()
        (root / folder / name).write_text(text, encoding="utf-8")
    (root / "briefgen.yaml").write_text("locales: {ar: ar_EG}\n", encoding="utf-8")
    mend(root / "facts" / "partners.yaml")
    result = briefgen.build(root, out=root / "build", issued=ISSUED)
    assert not result.failed
    return root / "build" / "partners-meeting"


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", ["Nous remercions l’Italie et les États-Unis pour leur engagement.",
            "La réunion s’est tenue le 1er décembre 2026 avec le Royaume-Uni et Israël.",
            "Il est rappelé qu’Israël a rétabli ses relations avec le Maroc.",
            "Le Maroc a adopté un plan en mai 2026."]),
    ("en", ["We thank Italy and the United States for their commitment.",
            "The meeting was held on December 1, 2026.",
            "Morocco adopted a plan in May 2026."]),
    ("es", ["Trabajamos con Italia y Estados Unidos en la región.",
            "La reunión se celebró el 1 de diciembre de 2026. ¿El Reino Unido e Israel "
            "apoyarán la iniciativa?",
            "Marruecos adoptó un plan en mayo de 2026."]),
    ("de", ["Wir arbeiten mit Italien und den Vereinigten Staaten zusammen.",
            "Das Treffen fand am 1. Dezember 2026 statt.",
            "Marokko hat im Mai 2026 einen Plan beschlossen."]),
    ("ar", ["نتوجه بالشكر لإيطاليا والولايات المتحدة على التزامهما", "ديسمبر ٢٠٢٦"]),
])
def test_the_mended_note_reads_right(mended: Path, lang: str, expected: list[str]) -> None:
    text = plain(pdftotext(mended / lang / "briefing-note.pdf"))
    for sentence in expected:
        assert squash(sentence) in text.replace("\u202f", " ").replace("\u00a0", " "), sentence
    if lang == "ar":  # ar_EG: one digit system
        assert "2026" not in text


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Le Maroc agit aux côtés de l’Italie et des États-Unis."),
    ("en", "Morocco works alongside Italy and the United States."),
    ("es", "Marruecos actúa junto a Italia y Estados Unidos."),
    ("de", "Marokko handelt gemeinsam mit Italien und den Vereinigten Staaten."),
])
def test_the_mended_talking_points_read_right(mended: Path, lang: str, expected: str) -> None:
    document = docx.Document(str(mended / lang / "talking-points.docx"))
    paragraphs = [p.text.replace("\u202f", " ").replace("\u00a0", " ")
                  for p in document.paragraphs]
    assert any(expected in paragraph for paragraph in paragraphs), paragraphs


def test_a_grammar_file_the_project_overrides_is_read_again(
        make_project: ProjectFactory) -> None:
    root = make_project(facts={"partners.yaml": NEW_USER_BASE},
                        packs={"meeting.yaml": NEW_USER_PACK})

    def german_hints() -> list[str]:
        return [f.hint or "" for f in check(root, today=ISSUED).findings
                if f.code == "bare-name" and "'text.de': “Wir" in f.message]

    assert [hint.split(" (")[0] for hint in german_hints()] == [
        "write “Wir arbeiten mit {countries:to} zusammen.”"[:-len(" zusammen.”")] + "”"]
    shipped = default_templates() / "grammar" / "de.yaml"
    own = shipped.read_text(encoding="utf-8").replace('"mit": "mit {name:to}", ', "")
    (root / "templates" / "grammar").mkdir(parents=True)
    (root / "templates" / "grammar" / "de.yaml").write_text(own, encoding="utf-8")
    assert [hint.split(" (")[0] for hint in german_hints()] == [
        "write “Wir arbeiten mit {countries:def}”"]  # "mit" no longer decides


VALUED_FACT = """\
  - id: aid
    kind: figure
    value: 12500.5
    countries: [IT, US]
    text: {fr: "Le Maroc a versé {value} euros à {countries}.",
           en: "Morocco gave {value} euros to {countries}."}
    sources: [s1]
"""


@pytest.mark.parametrize(("lang", "prints"), [
    ("fr", "“Maroc a versé 12\u202f500,5 euros à Italie et États-Unis”"),
    ("en", "“Morocco gave 12,500.5 euros to Italy and United States”"),
])
def test_the_preview_shows_the_facts_value_as_the_documents_print_it(
        make_project: ProjectFactory, tmp_path: Path, lang: str, prints: str) -> None:
    """Issue 27: ``{value}`` in a sentence the lint quotes is the fact's number in the
    locale's digits and separators, as the note prints it, not the placeholder."""
    root = make_project(facts={"base.yaml": MINIMAL_BASE + VALUED_FACT},
                        packs={"meeting.yaml": MINIMAL_PACK})
    [finding] = [f for f in check(root, today=ISSUED).findings
                 if f.fact_id == "aid" and f.message.startswith(f"'text.{lang}'")]
    assert finding.code == "bare-name"
    assert finding.message.endswith(f"prints {prints}")
    assert "{value}" not in finding.message.split(" prints ")[1]
    number = prints.split(" ")[3] if lang == "fr" else prints.split(" ")[2]
    assert f"{number} euros" in (finding.hint or "")
    briefgen.build(root, out=tmp_path, languages=[lang], today=ISSUED)
    note = pdftotext(tmp_path / "meeting" / lang / "briefing-note.pdf")
    assert squash(f"{number} euros") in squash(note)  # PDF text has no narrow space
