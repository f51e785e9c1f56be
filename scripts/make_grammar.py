"""Make the grammar files briefgen ships: ``templates/grammar/{fr,en,es,ar}.yaml``.

A maintainer's tool, not a template (it is not shipped). Run it after upgrading Babel
(CLDR may add or rename territories), then read the diff::

    .venv/bin/python scripts/make_grammar.py            # rewrite the four files
    .venv/bin/python scripts/make_grammar.py --check    # exit 1 if a file differs

The rules below derive each form from CLDR's name; the tables after them are the cases
the rules get wrong, found by reading every generated line. Edit the tables, not the
YAML files: ``tests/test_grammar.py`` checks that the files are what this script makes.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

from babel import Locale

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "templates" / "grammar"
APOSTROPHE = "\u2019"  # CLDR's own names write "Côte d’Ivoire"

# -- French -------------------------------------------------------------------------------
# Gender: a name whose first word ends in -e is feminine, any other masculine, except:
FR_MASCULINE = {
    "001",  # le monde
    "BZ", "GB", "KH", "MX", "MZ", "SR", "ZW",  # le Belize, le Royaume-Uni, le Cambodge...
    "IO", "PS", "VA",  # le Territoire britannique..., les Territoires, l'État du Vatican
}
FR_FEMININE = {
    "057", "AS", "BS", "EU", "FJ", "HK", "HT", "KI", "MO", "QO", "SL", "TO", "UN", "WS", "ZZ",
}  # la région micronésienne, les Samoa, l'Union européenne, la R.A.S..., la Sierra Leone
# Plural names: les États-Unis, les Pays-Bas, les Comores, les îles Cook...
FR_PLURAL = {
    "019", "029", "AE", "AS", "BM", "BQ", "BS", "FJ", "KI", "KM", "MV", "NL", "PH", "PS",
    "PW", "QO", "SC", "TF", "TO", "UN", "US", "WS",
}
# Names used without an article: islands, city states, and a few others (à Madagascar, à
# Cuba, d'Israël, à Bahreïn, à Saint-Marin, à La Réunion...).
FR_NO_ARTICLE = {
    "AG", "AI", "AW", "BH", "BL", "CQ", "CU", "CW", "CY", "DG", "DJ", "EA", "GG", "GI", "GU",
    "HT", "IL", "JE", "KN", "LC", "MC", "MF", "MG", "MS", "MT", "MU", "NR", "NU", "OM", "PM",
    "PR", "RE", "SG", "SH", "SM", "ST", "SX", "TA", "TK", "TT", "TV", "TW", "VC", "WF", "XA",
    "XB", "YT",
}
FR_H_ASPIRATED = {"HN", "HU"}  # le Honduras, la Hongrie: no elision
# "in" where the rule (en / au / aux / à) is not what French says:
FR_IN = {
    "BB": "à la Barbade", "DM": "à la Dominique", "GD": "à la Grenade",  # islands: à la
    "IL": "en Israël", "HT": "en Haïti",  # no article, but "en" before the vowel
    "XA": "en pseudo-accents", "XB": "en pseudo-bidi",
}
# Territories one is "dans", not "en" or "au": organisations, zones, long descriptions.
FR_IN_DANS = {"001", "057", "EU", "EZ", "HK", "IO", "MO", "PS", "QO", "TF", "VA", "ZZ"}
# Words that change after an article ("les îles Cook": the island is a common noun).
FR_AFTER_ARTICLE = {"Îles ": "îles ", "Île ": "île ", "Monde": "monde"}


def _starts_with_vowel(name: str) -> bool:
    first = unicodedata.normalize("NFD", name[:1].lower())[:1]
    return first in "aeiou" or (first == "h")


def french(code: str, name: str) -> dict[str, str]:
    """Gender, number and the def / of / in forms of one French territory name."""
    head = name.split(" ")[0].split("-")[0]
    gender = "m" if code in FR_MASCULINE else "f" if code in FR_FEMININE or head.endswith(
        ("e", "es")) else "m"
    number = "pl" if code in FR_PLURAL or name.startswith("Îles ") else "sg"
    noun = name
    for before, after in FR_AFTER_ARTICLE.items():
        if noun.startswith(before):
            noun = after + noun[len(before):]
    elides = _starts_with_vowel(name) and code not in FR_H_ASPIRATED
    # Gender shows only through an article: names used without one do not record it.
    entry = {"number": number} if code in FR_NO_ARTICLE else {"gender": gender, "number": number}
    if code in FR_NO_ARTICLE:
        of = ("d" + APOSTROPHE if elides and not name.startswith("La ") else "de ") + name
        forms = {"def": name, "of": of, "in": "à " + name}
    elif number == "pl":
        forms = {"def": "les " + noun, "of": "des " + noun, "in": "aux " + noun}
    elif elides:
        forms = {"def": "l" + APOSTROPHE + noun, "of": "de l" + APOSTROPHE + noun,
                 "in": "en " + noun}
    elif gender == "f":
        forms = {"def": "la " + noun, "of": "de la " + noun, "in": "en " + noun}
    else:
        forms = {"def": "le " + noun, "of": "du " + noun, "in": "au " + noun}
    if code in FR_IN_DANS:
        forms["in"] = "dans " + forms["def"]
    elif noun.startswith("île "):
        forms["in"] = "sur " + forms["def"]
    forms["in"] = FR_IN.get(code, forms["in"])
    return entry | forms


# -- English ------------------------------------------------------------------------------
# Names that take "the" in running text (the others keep their bare name).
EN_THE = {
    "001", "019", "029", "AE", "AX", "BQ", "BS", "CC", "CF", "CK", "DO", "EU", "EZ", "FK",
    "FO", "GB", "GM", "IC", "IM", "IO", "KM", "KY", "MH", "MP", "MV", "NL", "PH", "PN", "PS",
    "SB", "SC", "TC", "TF", "UM", "UN", "US", "VG", "VI",
}
EN_LOWER = {"Eurozone": "euro area"}  # "the euro area", as the EU writes it


def english(code: str, name: str) -> dict[str, str] | None:
    if code not in EN_THE:
        return None
    return {"def": "the " + EN_LOWER.get(name, name)}


# -- Spanish ------------------------------------------------------------------------------
# Names that take the article in running text (el Reino Unido, los Países Bajos...); the
# others go bare (Estados Unidos, Italia: the RAE accepts both for most countries).
ES_ARTICLE = {
    "001": "el", "057": "la", "029": "el", "AE": "los", "AQ": "la", "AX": "las", "BS": "las",
    "CC": "las", "CD": "la", "CF": "la", "CG": "el", "CK": "las", "DO": "la", "EH": "el",
    "EU": "la", "EZ": "la",
    "FK": "las", "FO": "las", "GB": "el", "GS": "las", "HM": "las", "IC": "las", "IM": "la",
    "IN": "la", "IO": "el", "KY": "las", "LB": "el", "MH": "las", "MP": "las", "NL": "los",
    "PN": "las", "PS": "los", "QO": "los", "SB": "las", "TC": "las", "TF": "los", "UM": "las",
    "UN": "las", "VA": "la", "VG": "las", "VI": "las",
}


def spanish(code: str, name: str) -> dict[str, str] | None:
    article = ES_ARTICLE.get(code)
    if article is None:
        return None
    common = ("Islas ", "Isla ", "Mundo", "Región ")  # common nouns after the article
    noun = name[0].lower() + name[1:] if name.startswith(common) else name
    return {"def": f"{article} {noun}"}


# -- The files ----------------------------------------------------------------------------

HEADER = """\
# {title}: how territory names sit in a sentence, for {{countries:...}} and {{subject:...}}.
# Made by scripts/make_grammar.py from CLDR's names (Babel's data); edit the tables there,
# not this file. A project overrides it with its own templates/grammar/{lang}.yaml.
"""


def _value(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _entries(lang: str, make: Callable[[str, str], dict[str, str] | None]) -> list[str]:
    names = Locale.parse(lang).territories
    lines = []
    for code in sorted(names):
        entry = make(code, str(names[code]))
        if entry is not None:
            fields = ", ".join(f"{key}: {_value(value)}" for key, value in entry.items())
            lines.append(f"  {_value(code)}: {{{fields}}}")
    return lines


def fr_file() -> str:
    return "\n".join([
        HEADER.format(title="French", lang="fr")
        + "# Every territory CLDR names in French: gender (m/f), number (sg/pl) and the forms;\n"
        "# {countries:of} -> \"des États-Unis, du Niger et de l’Italie\".",
        "language: fr",
        "forms:",
        "  def: {each: def}  # les États-Unis, le Niger et l’Italie",
        "  of: {each: of}    # des États-Unis, du Niger et de l’Italie",
        "  in: {each: in}    # aux États-Unis, au Niger et en Italie",
        "territories:",
        *_entries("fr", french),
    ]) + "\n"


def en_file() -> str:
    return "\n".join([
        HEADER.format(title="English", lang="en")
        + "# Only the names that take \"the\" have an entry; the others keep their bare name.",
        "language: en",
        "forms:",
        "  def: {each: def}                # the United States, Niger, and Italy",
        "  of: {before: \"of \", each: def}  # of the United States, Niger, and Italy",
        "  in: {before: \"in \", each: def}  # in the United States, Niger, and Italy",
        "territories:",
        *_entries("en", english),
    ]) + "\n"


def es_file() -> str:
    return "\n".join([
        HEADER.format(title="Spanish", lang="es")
        + "# Only the names used with an article have an entry (el Reino Unido).",
        "language: es",
        "forms:",
        "  def: {each: def}                # el Reino Unido, Níger e Italia",
        "  of: {before: \"de \", each: def}  # del Reino Unido, Níger e Italia",
        "  in: {before: \"en \", each: def}  # en el Reino Unido, Níger e Italia",
        "contractions: {\"de el \": \"del \", \"a el \": \"al \"}",
        "lists:",
        "  # \"y\" becomes \"e\" before the sound /i/ (Níger e Italia), not before \"hie\"",
        "  - {last: \"^(?i:h?[ií])(?![aeoáéó])\", end: \"{0} e {1}\"}",
        "territories:",
        *_entries("es", spanish),
    ]) + "\n"


def ar_file() -> str:
    return "\n".join([
        HEADER.format(title="Arabic", lang="ar")
        + "# CLDR's Arabic names carry their article (الولايات المتحدة); the genitive of\n"
        "# \"aux côtés des ...\" is a construct (إلى جانب الولايات المتحدة), so def and of are\n"
        "# the names; lists are joined with CLDR's Arabic list pattern (والنيجر وإيطاليا).",
        "language: ar",
        "forms:",
        "  def: {each: bare}",
        "  of: {each: bare}",
        "  in: {before: \"في \", each: bare}  # في الولايات المتحدة والنيجر وإيطاليا",
    ]) + "\n"


FILES: dict[str, Callable[[], str]] = {
    "fr": fr_file, "en": en_file, "es": es_file, "ar": ar_file,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file differs")
    args = parser.parse_args()
    differs = []
    for lang, make in FILES.items():
        path = GRAMMAR / f"{lang}.yaml"
        text = make()
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        differs.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in differs:
        print(f"{'differs' if args.check else 'wrote'}: {path.relative_to(ROOT)}")
    return 1 if args.check and differs else 0


if __name__ == "__main__":
    sys.exit(main())
