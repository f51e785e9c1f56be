"""Territory names that fit the sentence: the grammar files, their forms, their errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale

import briefgen
from briefgen import placeholders
from briefgen.context import pack_view
from briefgen.grammar import Grammar, grammar_for
from briefgen.templating import default_templates
from tests.support.pdf import pdftotext, squash
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    REPO,
    ProjectFactory,
    base_in,
    load_demo,
    pack_in,
)

US_NE_IT = ("US", "NE", "IT")


def forms(lang: str, codes: tuple[str, ...], form: str | None) -> str:
    return grammar_for(None, lang).countries(codes, form, lang)


def test_the_shipped_files_are_what_the_script_makes() -> None:
    result = subprocess.run([sys.executable, "scripts/make_grammar.py", "--check"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_french_territory_has_its_forms() -> None:
    french = grammar_for(None, "fr")
    missing = [code for code in Locale("fr").territories if french.entry(code) is None]
    assert not missing
    for code in Locale("fr").territories:
        entry = french.entry(code)
        assert entry is not None and entry.number in ("sg", "pl"), code
        for form in ("def", "of", "in"):
            assert "{name}" in (entry.form(form) or ""), (code, form)
        if entry.def_ != "{name}":  # has an article: its gender shows
            assert entry.gender in ("m", "f"), code


@pytest.mark.parametrize(
    ("code", "definite", "of", "in_"),
    [
        ("MA", "le Maroc", "du Maroc", "au Maroc"),
        ("FR", "la France", "de la France", "en France"),
        ("US", "les États-Unis", "des États-Unis", "aux États-Unis"),
        ("IT", "l’Italie", "de l’Italie", "en Italie"),
        ("IL", "Israël", "d’Israël", "en Israël"),
        ("MG", "Madagascar", "de Madagascar", "à Madagascar"),
        ("NL", "les Pays-Bas", "des Pays-Bas", "aux Pays-Bas"),
        ("IR", "l’Iran", "de l’Iran", "en Iran"),  # masculine, before a vowel: en
        ("HN", "le Honduras", "du Honduras", "au Honduras"),  # h aspiré: no elision
        ("CK", "les îles Cook", "des îles Cook", "aux îles Cook"),
        ("CY", "Chypre", "de Chypre", "à Chypre"),
        ("MX", "le Mexique", "du Mexique", "au Mexique"),  # masculine in -e
        ("BB", "la Barbade", "de la Barbade", "à la Barbade"),
        ("EU", "l’Union européenne", "de l’Union européenne", "dans l’Union européenne"),
    ],
)
def test_well_known_french_cases(code: str, definite: str, of: str, in_: str) -> None:
    assert [forms("fr", (code,), form) for form in ("def", "of", "in")] == [definite, of, in_]


@pytest.mark.parametrize(
    ("lang", "form", "expected"),
    [
        ("fr", None, "États-Unis, Niger et Italie"),
        ("fr", "def", "les États-Unis, le Niger et l’Italie"),
        ("fr", "of", "des États-Unis, du Niger et de l’Italie"),
        ("fr", "in", "aux États-Unis, au Niger et en Italie"),
        ("fr_MA", "of", "des États-Unis, du Niger et de l’Italie"),  # fr_MA reads fr.yaml
        ("en", None, "United States, Niger, and Italy"),
        ("en", "def", "the United States, Niger, and Italy"),
        ("en", "of", "of the United States, Niger, and Italy"),
        ("en", "in", "in the United States, Niger, and Italy"),
        ("en_GB", "def", "the United States, Niger and Italy"),  # en_GB's own list pattern
        ("es", None, "Estados Unidos, Níger e Italia"),  # "y" -> "e" before /i/
        ("es", "of", "de Estados Unidos, Níger e Italia"),
        ("ar", None, "الولايات المتحدة والنيجر وإيطاليا"),  # CLDR's Arabic list pattern
        ("ar", "of", "الولايات المتحدة والنيجر وإيطاليا"),
        ("ar", "in", "في الولايات المتحدة والنيجر وإيطاليا"),
    ],
)
def test_lists_in_each_form(lang: str, form: str | None, expected: str) -> None:
    assert forms(lang, US_NE_IT, form) == expected


def test_english_names_that_take_the() -> None:
    for code, name in [("NL", "the Netherlands"), ("PH", "the Philippines"),
                       ("GB", "the United Kingdom"), ("US", "the United States")]:
        assert forms("en", (code,), "def") == name
    assert forms("en", ("MA",), "def") == "Morocco"
    assert forms("en", ("FR",), "in") == "in France"


def test_spanish_articles_contractions_and_conjunctions() -> None:
    assert forms("es", ("GB", "FR"), "of") == "del Reino Unido y Francia"
    assert forms("es", ("FR", "GB"), "in") == "en Francia y el Reino Unido"
    assert forms("es", ("SV",), "of") == "de El Salvador"  # an article in the name: no fusion
    assert forms("es", ("FR", "IN"), "def") == "Francia y la India"  # "la India": no "e"
    assert forms("es", ("FR", "IE"), None) == "Francia e Irlanda"


def test_a_language_without_a_file_has_bare_names_only() -> None:
    russian = grammar_for(None, "ru")
    assert russian.forms == () and russian.source is None and russian.has_form("bare")
    assert russian.countries(US_NE_IT, None, "ru") == "Соединенные Штаты, Нигер и Италия"


# -- In sentences ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{countries:def} ont signé.", "Les États-Unis, le Niger et l’Italie ont signé."),
        ("Fin. {countries:def} ont signé.", "Fin. Les États-Unis"),
        ("« {countries:def} »", "« Les États-Unis"),
        ("Avec {countries:def}.", "Avec les États-Unis"),
        ("Le Maroc et {subject:def}", "Le Maroc et le Maroc"),
        ("{subject:def} soutient", "Le Maroc soutient"),
    ],
)
def test_a_placeholder_that_opens_a_sentence_is_capitalized(text: str, expected: str) -> None:
    values = {"countries:def": forms("fr", US_NE_IT, "def"), "subject:def": "le Maroc"}
    assert placeholders.fill(text, values).startswith(expected)


def test_demo_note_speaks_like_the_seed(tmp_path: Path) -> None:
    project = load_demo()
    briefgen.build(project, out=tmp_path, issued=ISSUED, languages=["fr", "en"])
    french = squash(pdftotext(tmp_path / "rabat-2026-12" / "fr" / "briefing-note.pdf"))
    assert ("Le Maroc co-préside aux côtés des États-Unis, du Niger et de l’Italie, "
            "l’« Africa Focus Group ». Lancé en 2021") in french
    english = squash(pdftotext(tmp_path / "rabat-2026-12" / "en" / "briefing-note.pdf"))
    assert "alongside the United States, Niger, and Italy. Launched in 2021" in english


def test_subject_forms_in_a_rendered_note(make_project: ProjectFactory, tmp_path: Path) -> None:
    base = MINIMAL_BASE.replace(
        '"Le Maroc soutient la Coalition."', '"{subject:def} soutient la Coalition."').replace(
        '"Morocco supports the Coalition."', '"Support {subject:in}."')
    project = briefgen.load_project(make_project(facts={"base.yaml": base}))
    briefgen.build(project, out=tmp_path, issued=ISSUED)
    assert "Le Maroc soutient la Coalition." in squash(
        pdftotext(tmp_path / "meeting" / "fr" / "briefing-note.pdf"))
    assert "Support in Morocco." in squash(
        pdftotext(tmp_path / "meeting" / "en" / "briefing-note.pdf"))


# -- Errors at load time ---------------------------------------------------------------------

ITALIAN_BASE = MINIMAL_BASE.replace("languages: [fr, en]", "languages: [fr, en, it]").replace(
    "title: {fr: Base de test, en: Test base}", "title: {fr: Base de test, en: Test base, it: T}"
).replace(
    "{id: s1, title: {fr: Source un, en: Source one}",
    "{id: s1, title: {fr: Source un, en: Source one, it: Fonte}",
).replace(
    'en: "Morocco supports the Coalition."}',
    'en: "Morocco supports the Coalition.", it: "Con {subject:of}."}',
).replace(
    'talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the Coalition."}',
    'talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the Coalition.", '
    'it: "Noi."}',
).replace('en: "Meeting on {date}."}', 'en: "Meeting on {date}.", it: "Il {date}."}')


def load_errors(root: Path) -> list[str]:
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    return [str(error) for error in caught.value.errors]


def test_a_form_in_a_language_without_grammar_is_a_located_error(
        make_project: ProjectFactory) -> None:
    errors = load_errors(make_project(facts={"base.yaml": ITALIAN_BASE}))
    assert errors == [
        "facts/base.yaml:11 (fact f1): 'text.it': {subject:of} is not a form in 'it', which "
        "has no grammar file; its forms: {subject} — use {subject}, or add "
        "templates/grammar/it.yaml defining the form (briefgen's own fr.yaml and en.yaml "
        "are models)"
    ]


def test_a_form_the_grammar_file_does_not_define(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace('"Meeting on {date}."', '"Meeting {countries:in} on {date}."')
    grammar = "language: en\nforms:\n  def: {each: def}\n"
    root = make_project(facts={"base.yaml": base}, templates={"grammar/en.yaml": grammar})
    errors = load_errors(root)
    assert errors == [
        "facts/base.yaml:17 (fact f2): 'text.en': {countries:in} is not a form that "
        "templates/grammar/en.yaml defines; its forms: {countries}, {countries:def} — use "
        "{countries}, {countries:def}, or add 'in:' under 'forms:' in templates/grammar/en.yaml"
    ]


def test_a_broken_grammar_file_is_a_located_error(make_project: ProjectFactory) -> None:
    grammar = "language: fr\nforms:\n  gen: {each: def}\nwords:\n  XY: {def: le XY}\n"
    errors = load_errors(make_project(templates={"grammar/fr.yaml": grammar}))
    assert "templates/grammar/fr.yaml:3: 'forms.gen': 'gen' is not allowed" in errors[0] or any(
        "templates/grammar/fr.yaml:3" in error for error in errors), errors
    assert any("templates/grammar/fr.yaml:5" in error and "'XY' is not a territory code"
               in error for error in errors), errors


def test_a_project_grammar_file_overrides_the_shipped_one(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace('"Réunion le {date}."', '"Réunion le {date} {subject:in}."')
    grammar = ("language: fr\nforms:\n  in: {each: in}\nwords:\n"
               '  MA: {in: "au Royaume du Maroc"}\n')
    root = make_project(facts={"base.yaml": base}, templates={"grammar/fr.yaml": grammar})
    view = pack_view(briefgen.load_project(root), "meeting", "fr", ISSUED)
    assert " ".join(view.facts[1].text.split()) == "Réunion le 26 juin 2018 au Royaume du Maroc."
    assert (default_templates() / "grammar" / "en.yaml").is_file()  # en still shipped


def test_the_forms_of_a_grammar() -> None:
    assert grammar_for(None, "fr").forms == ("def", "of", "in", "to")
    assert isinstance(grammar_for(None, "ar_MA"), Grammar)
    assert grammar_for(None, "ar_MA").source == "templates/grammar/ar.yaml (shipped with briefgen)"
    assert MINIMAL_PACK  # the fixtures above build on it


def test_classes_name_known_classes_and_codes_once(make_project: ProjectFactory) -> None:
    grammar = ("language: fr\nforms:\n  def: {each: def}\nclasses:\n"
               '  "le": {def: "le {name}"}\nterritories:\n  "le": MA XY MA\n  "la": FR\n')
    errors = load_errors(make_project(templates={"grammar/fr.yaml": grammar}))
    assert errors == [
        "templates/grammar/fr.yaml:7: 'territories.le': 'MA' is listed in two classes",
        "templates/grammar/fr.yaml:7: 'territories.le': 'XY' is not a territory code known "
        "to CLDR",
        "templates/grammar/fr.yaml:8: 'territories': no class 'la' under 'classes:' (le)",
    ]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("es", "Copreside junto a {countries:def}, {countries:in}.",
         "Copreside junto a Estados Unidos, Níger e Italia, en Estados Unidos, Níger e Italia."),
        ("es", "Fuera {countries:of}.", "Fuera de Estados Unidos, Níger e Italia."),
        ("ar", "يترأس المغرب، إلى جانب {countries:of}، المجموعة.",
         "إلى جانب الولايات المتحدة والنيجر وإيطاليا"),
        ("ar", "اجتماعات {countries:in}.", "اجتماعات في الولايات المتحدة والنيجر وإيطاليا."),
    ],
)
def test_spanish_and_arabic_forms_in_a_rendered_note(make_project: ProjectFactory,
                                                     tmp_path: Path, lang: str, text: str,
                                                     expected: str) -> None:
    base = base_in([lang]).replace('"Morocco co-chairs the group."', f'"{text}"')
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack_in([lang])})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    rendered = squash(pdftotext(tmp_path / "meeting" / lang / "briefing-note.pdf"))
    rendered = rendered.translate({c: None for c in range(0x202A, 0x202F)})
    assert expected.rstrip(".") in rendered


# -- The "to" form, German, seams, official names ----------------------------------------------

@pytest.mark.parametrize(("lang", "codes", "form", "expected"), [
    ("fr", ("US", "MA", "FR", "IT", "CY"), "to",
     "aux États-Unis, au Maroc, à la France, à l’Italie et à Chypre"),
    ("es", ("GB", "FR"), "to", "al Reino Unido y Francia"),
    ("en", ("US", "IT"), "to", "to the United States and Italy"),
    ("ar", ("US", "IT"), "to", "للولايات المتحدة وإيطاليا"),
    ("ar", ("IT", "US"), "to", "لإيطاليا والولايات المتحدة"),
    ("de", ("US", "NL"), "to", "den Vereinigten Staaten und den Niederlanden"),
    ("de", ("CY", "GB"), "of", "Zyperns und des Vereinigten Königreichs"),
    ("de", ("IQ", "CH", "US"), "in", "im Irak, in der Schweiz und in den Vereinigten Staaten"),
    ("de", ("IQ", "CH", "US"), "def", "der Irak, die Schweiz und die Vereinigten Staaten"),
    ("de", ("MV", "CF"), "in", "auf den Malediven und in der Zentralafrikanischen Republik"),
    ("de", ("AE",), "to", "den Vereinigten Arabischen Emiraten"),
    ("fr", ("US", "IT"), "bare", "États-Unis et Italie"),
])
def test_the_forms_each_language_ships(lang: str, codes: tuple[str, ...], form: str,
                                       expected: str) -> None:
    assert forms(lang, codes, form) == expected


@pytest.mark.parametrize(("lang", "before", "codes", "form", "expected"), [
    ("fr", "Nous savons que ", ("IL",), "def", "Nous savons qu’Israël"),
    ("fr", "Nous savons que ", ("HT",), "def", "Nous savons qu’Haïti"),
    ("fr", "le soutien de ", ("IL",), "def", "le soutien d’Israël"),
    ("fr", "le soutien de ", ("US",), "def", "le soutien des États-Unis"),
    ("fr", "le soutien de ", ("MA",), "def", "le soutien du Maroc"),
    ("fr", "le soutien de ", ("FR",), "def", "le soutien de la France"),
    ("fr", "que ", ("HN",), "def", "que le Honduras"),
    ("es", "el apoyo de ", ("GB",), "def", "el apoyo del Reino Unido"),
    ("es", "¿", ("GB",), "def", "¿El Reino Unido"),
    ("es", "¡Gracias, ", ("GB",), "def", "¡Gracias, el Reino Unido"),
    ("ar", "شكرا ل", ("US",), None, "شكرا للولايات المتحدة"),
    ("de", "zu ", ("IQ",), "to", "zum Irak"),
    ("de", "von ", ("GB",), "to", "vom Vereinigten Königreich"),
])
def test_the_words_before_a_name_meet_it(lang: str, before: str, codes: tuple[str, ...],
                                         form: str | None, expected: str) -> None:
    grammar = grammar_for(None, lang)
    text = before + ("{countries:" + form + "}" if form else "{countries}")
    values = {placeholders.Field("countries", form).key: grammar.countries(codes, form, lang)}
    assert placeholders.fill(text, values, grammar.seam) == expected


@pytest.mark.parametrize(("lang", "code", "official", "cldr"), [
    ("en", "CD", "Democratic Republic of the Congo", "Congo - Kinshasa"),
    ("en", "BA", "Bosnia and Herzegovina", "Bosnia & Herzegovina"),
    ("en", "KN", "Saint Kitts and Nevis", "St. Kitts & Nevis"),
    ("en", "HK", "Hong Kong", "Hong Kong SAR China"),
    ("en", "MM", "Myanmar", "Myanmar (Burma)"),
    ("fr", "CD", "République démocratique du Congo", "Congo-Kinshasa"),
    ("fr", "HK", "Hong Kong", "R.A.S. chinoise de Hong Kong"),
    ("es", "CI", "Costa de Marfil", "Côte d’Ivoire"),
    ("ar", "CD", "جمهورية الكونغو الديمقراطية", "الكونغو - كينشاسا"),
    ("de", "CD", "Demokratische Republik Kongo", "Kongo-Kinshasa"),
])
def test_official_short_names_replace_cldrs(lang: str, code: str, official: str,
                                            cldr: str) -> None:
    assert Locale(lang).territories[code] == cldr  # what CLDR says
    assert forms(lang, (code,), None) == official


def test_the_counterpart_line_names_the_country_officially(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK.replace("  place: {fr: Rabat, en: Rabat}\n",
                                "  place: {fr: Rabat, en: Rabat}\n  counterpart: CD\n")
    root = make_project(packs={"meeting.yaml": pack})
    project = briefgen.load_project(root)
    assert pack_view(project, "meeting", "en", ISSUED).counterpart_name == (
        "Democratic Republic of the Congo")
    assert pack_view(project, "meeting", "fr", ISSUED).counterpart_name == (
        "République démocratique du Congo")
