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
from collections.abc import Callable, Mapping
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
# Territories one is "dans", not "en" or "au": organisations, zones, long descriptions.
FR_IN_DANS = {"001", "057", "EU", "EZ", "HK", "IO", "MO", "PS", "QO", "TF", "VA", "ZZ"}
FR_IN_A_LA = {"BB", "DM", "GD"}  # islands: à la Barbade, à la Dominique, à la Grenade
FR_IN_EN = {"IL", "HT"}  # no article, but "en" before the vowel: en Israël, en Haïti
# Words that change once a word precedes them ("les îles Cook": "île" is a common noun).
FR_AFTER_A_WORD = {"Îles ": "îles ", "Île ": "île ", "Monde": "monde"}

A = APOSTROPHE
# Each class: the article, gender and number that a name's forms follow, and the forms.
FR_CLASSES = {
    "le/au": ("m", "sg", "le {name}", "du {name}", "au {name}"),
    "la/en": ("f", "sg", "la {name}", "de la {name}", "en {name}"),
    f"l{A}/en (m)": ("m", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", "en {name}"),
    f"l{A}/en (f)": ("f", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", "en {name}"),
    "les/aux (m)": ("m", "pl", "les {name}", "des {name}", "aux {name}"),
    "les/aux (f)": ("f", "pl", "les {name}", "des {name}", "aux {name}"),
    "-/à": (None, "sg", "{name}", "de {name}", "à {name}"),
    f"-/à (d{A})": (None, "sg", "{name}", f"d{A}{{name}}", "à {name}"),
    f"-/en (d{A})": (None, "sg", "{name}", f"d{A}{{name}}", "en {name}"),
    "la/à la": ("f", "sg", "la {name}", "de la {name}", "à la {name}"),
    f"l{A}/sur (f)": ("f", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", f"sur l{A}{{name}}"),
    "le/dans": ("m", "sg", "le {name}", "du {name}", "dans le {name}"),
    "la/dans": ("f", "sg", "la {name}", "de la {name}", "dans la {name}"),
    f"l{A}/dans (m)": ("m", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", f"dans l{A}{{name}}"),
    f"l{A}/dans (f)": ("f", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", f"dans l{A}{{name}}"),
    "les/dans (m)": ("m", "pl", "les {name}", "des {name}", "dans les {name}"),
    "les/dans (f)": ("f", "pl", "les {name}", "des {name}", "dans les {name}"),
}


def _starts_with_vowel(name: str) -> bool:
    first = unicodedata.normalize("NFD", name[:1].lower())[:1]
    return first in "aeiouh"


def french(code: str, name: str) -> str:
    """The class of one French territory name (its article, gender, number, elision and
    "in" preposition)."""
    head = name.split(" ")[0].split("-")[0]
    feminine = code in FR_FEMININE or head.endswith(("e", "es"))
    gender = "m" if code in FR_MASCULINE else "f" if feminine else "m"
    plural = code in FR_PLURAL or name.startswith("Îles ")
    elides = _starts_with_vowel(name) and code not in FR_H_ASPIRATED
    if code in FR_NO_ARTICLE:
        if code in FR_IN_EN:
            return f"-/en (d{A})"
        return f"-/à (d{A})" if elides and not name.startswith("La ") else "-/à"
    if code in FR_IN_A_LA:
        return "la/à la"
    if name.startswith("Île "):
        return f"l{A}/sur (f)"
    where = "dans" if code in FR_IN_DANS else None
    if plural:
        return f"les/{where or 'aux'} ({gender})"
    if elides:
        return f"l{A}/{where or 'en'} ({gender})"
    article = "le" if gender == "m" else "la"
    return f"{article}/{where or ('au' if gender == 'm' else 'en')}"


# -- English ------------------------------------------------------------------------------
# Names that take "the" in running text (the others keep their bare name).
EN_THE = {
    "001", "019", "029", "AE", "AX", "BQ", "BS", "CC", "CF", "CK", "DO", "EU", "EZ", "FK",
    "FO", "GB", "GM", "IC", "IM", "IO", "KM", "KY", "MH", "MP", "MV", "NL", "PH", "PN", "PS",
    "SB", "SC", "TC", "TF", "UM", "UN", "US", "VG", "VI",
}
EN_AFTER_A_WORD = {"Eurozone": "euro area"}  # "the euro area", as the EU writes it
EN_CLASSES = {"the": (None, None, "the {name}", None, None)}


def english(code: str, name: str) -> str | None:
    return "the" if code in EN_THE else None


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
# Common nouns in names, lower case once the article precedes them (las islas Malvinas).
ES_AFTER_A_WORD = {"Islas ": "islas ", "Isla ": "isla ", "Mundo": "mundo",
                   "Región ": "región "}
ES_CLASSES = {
    article: (gender, number, f"{article} {{name}}", None, None)
    for article, gender, number in (("el", "m", "sg"), ("la", "f", "sg"), ("los", "m", "pl"),
                                    ("las", "f", "pl"))
}


def spanish(code: str, name: str) -> str | None:
    return ES_ARTICLE.get(code)


# -- The files ----------------------------------------------------------------------------

HEADER = """\
# {title}: how territory names sit in a sentence, for {{countries:...}} and {{subject:...}}.
# Made by scripts/make_grammar.py from CLDR's names (Babel's data); edit the tables there,
# not this file. A project overrides it with its own templates/grammar/{lang}.yaml.
"""
Class = tuple[str | None, str | None, str | None, str | None, str | None]
CODES_PER_LINE = 24


def _value(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _classes(classes: Mapping[str, Class], after_a_word: Mapping[str, str]) -> list[str]:
    lines = ["classes:  # what the names of each class say in each form; {name}: CLDR's name"]
    for name, (gender, number, definite, of, in_) in classes.items():
        fields = [("gender", gender), ("number", number), ("def", definite), ("of", of),
                  ("in", in_)]
        shown = ", ".join(f"{key}: {_value(value)}" for key, value in fields if value)
        lines.append(f"  {_value(name)}: {{{shown}}}")
    if after_a_word:
        shown = ", ".join(f"{_value(k)}: {_value(v)}" for k, v in after_a_word.items())
        lines.append(f"after_a_word: {{{shown}}}  # once a word precedes the name")
    return lines


def _territories(lang: str, classes: Mapping[str, Class],
                 classify: Callable[[str, str], str | None]) -> list[str]:
    names = Locale.parse(lang).territories
    members: dict[str, list[str]] = {name: [] for name in classes}
    for code in sorted(names):
        found = classify(code, str(names[code]))
        if found is not None:
            members[found].append(code)
    lines = ["territories:  # the codes of each class"]
    for name, codes in members.items():
        if codes:
            lines.append(f"  {_value(name)}: >-")
            lines += ["    " + " ".join(codes[i:i + CODES_PER_LINE])
                      for i in range(0, len(codes), CODES_PER_LINE)]
    return lines


def fr_file() -> str:
    return "\n".join([
        HEADER.format(title="French", lang="fr")
        + "# Every territory CLDR names in French is in a class: its article, gender (m/f),\n"
        "# number (sg/pl), elision and preposition (en/au/aux/à/dans).",
        "language: fr",
        "forms:",
        "  def: {each: def}  # les États-Unis, le Niger et l’Italie",
        "  of: {each: of}    # des États-Unis, du Niger et de l’Italie",
        "  in: {each: in}    # aux États-Unis, au Niger et en Italie",
        *_classes(FR_CLASSES, FR_AFTER_A_WORD),
        *_territories("fr", FR_CLASSES, french),
    ]) + "\n"


def en_file() -> str:
    return "\n".join([
        HEADER.format(title="English", lang="en")
        + "# Only the names that take \"the\" are listed; the others keep their bare name.",
        "language: en",
        "forms:",
        "  def: {each: def}                # the United States, Niger, and Italy",
        "  of: {before: \"of \", each: def}  # of the United States, Niger, and Italy",
        "  in: {before: \"in \", each: def}  # in the United States, Niger, and Italy",
        *_classes(EN_CLASSES, EN_AFTER_A_WORD),
        *_territories("en", EN_CLASSES, english),
    ]) + "\n"


def es_file() -> str:
    return "\n".join([
        HEADER.format(title="Spanish", lang="es")
        + "# Only the names used with an article are listed (el Reino Unido).",
        "language: es",
        "forms:",
        "  def: {each: def}                # el Reino Unido, Níger e Italia",
        "  of: {before: \"de \", each: def}  # del Reino Unido, Níger e Italia",
        "  in: {before: \"en \", each: def}  # en el Reino Unido, Níger e Italia",
        "contractions: {\"de el \": \"del \", \"a el \": \"al \"}",
        "lists:",
        "  # \"y\" becomes \"e\" before the sound /i/ (Níger e Italia), not before \"hie\"",
        "  - {last: \"^(?i:h?[ií])(?![aeoáéó])\", end: \"{0} e {1}\"}",
        *_classes(ES_CLASSES, ES_AFTER_A_WORD),
        *_territories("es", ES_CLASSES, spanish),
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
