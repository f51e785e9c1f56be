"""Make the grammar files briefgen ships: ``templates/grammar/{fr,en,es,ar,de}.yaml``.

A maintainer's tool, not a template (it is not shipped). Run it after upgrading Babel
(CLDR may add or rename territories), then read the diff::

    .venv/bin/python scripts/make_grammar.py            # rewrite the five files
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
    "057", "AS", "BS", "EU", "FJ", "HT", "KI", "QO", "SL", "TO", "UN", "WS", "ZZ",
}  # la région micronésienne, les Samoa, l'Union européenne, la Sierra Leone
# Plural names: les États-Unis, les Pays-Bas, les Comores, les îles Cook...
FR_PLURAL = {
    "019", "029", "AE", "AS", "BM", "BQ", "BS", "FJ", "KI", "KM", "MV", "NL", "PH", "PS",
    "PW", "QO", "SC", "TF", "TO", "UN", "US", "WS",
}
# Names used without an article: islands, city states, and a few others (à Madagascar, à
# Cuba, d'Israël, à Bahreïn, à Saint-Marin, à La Réunion...).
FR_NO_ARTICLE = {
    "AG", "AI", "AW", "BH", "BL", "CQ", "CU", "CW", "CY", "DG", "DJ", "EA", "GG", "GI", "GU",
    "HK", "HT", "IL", "JE", "KN", "LC", "MC", "MF", "MG", "MO", "MS", "MT", "MU", "NR", "NU",
    "OM", "PM",
    "PR", "RE", "SG", "SH", "SM", "ST", "SX", "TA", "TK", "TT", "TV", "TW", "VC", "WF", "XA",
    "XB", "YT",
}
FR_H_ASPIRATED = {"HN", "HU"}  # le Honduras, la Hongrie: no elision
# Territories one is "dans", not "en" or "au": organisations, zones, long descriptions.
FR_IN_DANS = {"001", "057", "EU", "EZ", "IO", "PS", "QO", "TF", "VA", "ZZ"}
FR_IN_A_LA = {"BB", "DM", "GD"}  # islands: à la Barbade, à la Dominique, à la Grenade
FR_IN_EN = {"IL", "HT"}  # no article, but "en" before the vowel: en Israël, en Haïti
# Words that change once a word precedes them ("les îles Cook": "île" is a common noun).
FR_AFTER_A_WORD = {"Îles ": "îles ", "Île ": "île ", "Monde": "monde"}

A = APOSTROPHE
# Each class: the article, gender and number that a name's forms follow, and the forms
# (def, of, in, to: "à" + def).
FR_CLASSES = {
    "le/au": ("m", "sg", "le {name}", "du {name}", "au {name}", "au {name}"),
    "la/en": ("f", "sg", "la {name}", "de la {name}", "en {name}", "à la {name}"),
    f"l{A}/en (m)": ("m", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", "en {name}",
                     f"à l{A}{{name}}"),
    f"l{A}/en (f)": ("f", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", "en {name}",
                     f"à l{A}{{name}}"),
    "les/aux (m)": ("m", "pl", "les {name}", "des {name}", "aux {name}", "aux {name}"),
    "les/aux (f)": ("f", "pl", "les {name}", "des {name}", "aux {name}", "aux {name}"),
    "-/à": (None, "sg", "{name}", "de {name}", "à {name}", "à {name}"),
    f"-/à (d{A})": (None, "sg", "{name}", f"d{A}{{name}}", "à {name}", "à {name}"),
    f"-/en (d{A})": (None, "sg", "{name}", f"d{A}{{name}}", "en {name}", "à {name}"),
    "la/à la": ("f", "sg", "la {name}", "de la {name}", "à la {name}", "à la {name}"),
    f"l{A}/sur (f)": ("f", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", f"sur l{A}{{name}}",
                      f"à l{A}{{name}}"),
    "le/dans": ("m", "sg", "le {name}", "du {name}", "dans le {name}", "au {name}"),
    "la/dans": ("f", "sg", "la {name}", "de la {name}", "dans la {name}", "à la {name}"),
    f"l{A}/dans (m)": ("m", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", f"dans l{A}{{name}}",
                       f"à l{A}{{name}}"),
    f"l{A}/dans (f)": ("f", "sg", f"l{A}{{name}}", f"de l{A}{{name}}", f"dans l{A}{{name}}",
                       f"à l{A}{{name}}"),
    "les/dans (m)": ("m", "pl", "les {name}", "des {name}", "dans les {name}", "aux {name}"),
    "les/dans (f)": ("f", "pl", "les {name}", "des {name}", "dans les {name}", "aux {name}"),
}
# Official short names where CLDR's are not what a ministry writes (the UN's, the
# ministries' own usage); each file's `words:` gives them, and its classes follow them.
FR_NAMES = {"CD": "République démocratique du Congo", "CG": "Congo", "HK": "Hong Kong",
            "MO": "Macao", "MM": "Myanmar"}
FR_VOWEL = "(?=[AEIOUÂÊÎÔÛÉÈËÏÜŒÆaeiouâêîôûéèëïüœæ]|H(?!ond|ong))"
FR_SEAMS = [  # the fact's own words before a name: elision and contraction
    (r"\b([Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu|[DdNnSs])e ", FR_VOWEL, f"\\1{A}"),
    (r"\b([Ll])[ea] ", FR_VOWEL, f"\\1{A}"),
    (r"\b([Dd])e ", "les ", "\\1es "),
    (r"\b([Dd])e ", "le ", "\\1u "),
    (r"\bà ", "les ", "aux "),
    (r"\bà ", "le ", "au "),
]
FR_LINT = {"de": "of", f"d{A}": "of", "d'": "of", "du": "of", "des": "of", "en": "in",
           "au": "in", "aux": "in", "dans": "in", "à": "to", "avec": "def", "pour": "def",
           "par": "def", "entre": "def", "contre": "def", "sans": "def", "vers": "def",
           "envers": "def", "que": "def", f"qu{A}": "def", "qu'": "def", "et": "def"}
FR_DATES = {"day": ["le"], "month": ["en"], "year": ["en"]}


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
EN_THE |= {"CD", "CG"}  # the Democratic Republic of the Congo, the Congo
EN_AFTER_A_WORD = {"Eurozone": "euro area"}  # "the euro area", as the EU writes it
EN_CLASSES = {"the": (None, None, "the {name}", None, None, None)}
EN_NAMES = {"CD": "Democratic Republic of the Congo", "CG": "Congo", "HK": "Hong Kong",
            "MO": "Macao", "MM": "Myanmar", "VC": "Saint Vincent and the Grenadines",
            "ST": "Sao Tome and Principe", "HM": "Heard Island and McDonald Islands",
            "GS": "South Georgia and the South Sandwich Islands"}


def english_name(name: str) -> str:
    """CLDR's English short names, as a ministry writes them: "and", "Saint"."""
    return name.replace(" & ", " and ").replace("St. ", "Saint ")


EN_LINT = {"of": "of", "in": "in", "to": "to", "with": "def", "for": "def", "by": "def",
           "between": "def", "against": "def", "from": "def", "and": "def", "that": "def"}
EN_DATES = {"day": ["on"], "month": ["in"], "year": ["in"]}


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
    article: (gender, number, f"{article} {{name}}", None, None, None)
    for article, gender, number in (("el", "m", "sg"), ("la", "f", "sg"), ("los", "m", "pl"),
                                    ("las", "f", "pl"))
}


def spanish(code: str, name: str) -> str | None:
    return ES_ARTICLE.get(code)


ES_NAMES = {"CI": "Costa de Marfil", "HK": "Hong Kong", "MO": "Macao", "MM": "Myanmar"}
ES_SEAMS = [(r"\b([Dd]e|[Aa]) ", "el ", "\\1l ")]  # de el -> del, a el -> al
ES_LINT = {"de": "of", "del": "of", "en": "in", "a": "to", "al": "to", "con": "def",
           "para": "def", "por": "def", "entre": "def", "contra": "def", "sin": "def",
           "que": "def", "y": "def"}
ES_DATES = {"day": ["el"], "month": ["en"], "year": ["en"]}

# -- Arabic -------------------------------------------------------------------------------
AR_NAMES = {"CD": "جمهورية الكونغو الديمقراطية", "CG": "الكونغو", "HK": "هونغ كونغ",
            "MO": "ماكاو", "MM": "ميانمار", "TL": "تيمور - ليشتي"}
AR_SEAMS = [("(?:^|(?<=\\s))ل", "ال", "لل")]  # ل + الولايات -> للولايات
AR_LINT = {"في": "in", "ل": "to"}

# -- German -------------------------------------------------------------------------------
# Names with an article (der Irak, die Schweiz, die Vereinigten Staaten); the others are
# neuter and bare (Deutschland, Zypern), their genitive in -s (Zyperns).
DE_MASCULINE = {"IQ", "IR", "LB", "NE", "SD", "SN", "SS", "TD", "YE"}
DE_FEMININE = {"001", "029", "AQ", "CD", "CF", "CG", "CH", "CI", "DO", "EH", "EU", "EZ", "MD",
               "MN", "SK", "TR", "UA", "VA"}
DE_PLURAL = {"AE", "AX", "BS", "CC", "CK", "FK", "FO", "HM", "IC", "KM", "KY", "MH", "MP",
             "MV", "NL", "PH", "PN", "PS", "SB", "SC", "TC", "TF", "UM", "UN", "US", "VG",
             "VI"}
DE_NEUTER = {"GB", "IO", "QO"}  # das Vereinigte Königreich
# Names whose first words are adjectives, declined after the article (der Vereinigten
# Staaten, dem Vereinigten Königreich).
DE_ADJECTIVES = {"AE", "CD", "CF", "DO", "EU", "GB", "IC", "IO", "MP", "PS", "QO", "TF", "UM",
                 "UN", "US", "VG", "VI"}
DE_NAMES = {"CD": "Demokratische Republik Kongo", "CG": "Republik Kongo", "HK": "Hongkong",
            "MO": "Macau", "MM": "Myanmar"}
DE_CLASSES = {
    "-": ("n", "sg", "{name}", "{name}s", "in {name}", "{name}"),
    "- (s)": ("n", "sg", "{name}", f"{{name}}{A}", "in {name}", "{name}"),
    "der/im": ("m", "sg", "der {name}", "des {name}s", "im {name}", "dem {name}"),
    "die/in der": ("f", "sg", "die {name}", "der {name}", "in der {name}", "der {name}"),
    "die/in den": (None, "pl", "die {name}", "der {name}", "in den {name}", "den {name}"),
    "das/im": ("n", "sg", "das {name}", "des {name}s", "im {name}", "dem {name}"),
}
DE_SEAMS = [(r"\b([Zz]u) ", "dem ", "\\1m "), (r"\b([Zz]u) ", "der ", "\\1r "),
            (r"\b([Vv]o)n ", "dem ", "\\1m "), (r"\b([Bb]ei) ", "dem ", "\\1m "),
            (r"\b([Ii])n ", "dem ", "\\1m "), (r"\b([Aa])n ", "dem ", "\\1m ")]
# German prepositions keep their word: "mit {countries}" -> "mit {countries:to}" (dative).
DE_LINT = {"in": "{name:in}", **{word: f"{word} {{name:to}}" for word in (
    "mit", "von", "aus", "zu", "bei", "gegenüber", "nach", "seit")}}
DE_ISLANDS = {"AX", "BS", "CC", "CK", "FK", "FO", "HM", "IC", "KM", "KY", "MH", "MP", "MV",
              "PH", "PN", "SB", "SC", "TC", "UM", "VG", "VI"}  # auf den Malediven
DE_DATES = {"day": ["am"], "month": ["im"], "year": []}


def german(code: str, name: str) -> str:
    if code in DE_MASCULINE:
        return "der/im"
    if code in DE_FEMININE:
        return "die/in der"
    if code in DE_PLURAL:
        return "die/in den"
    if code in DE_NEUTER:
        return "das/im"
    return "- (s)" if name.endswith(("s", "ß", "x", "z")) else "-"


def german_words(code: str, name: str) -> dict[str, str]:
    """The declined forms of a name whose first words are adjectives (weak declension
    after the article; a plural noun takes -n in the dative)."""
    words = name.split(" ")
    head, noun = words[:-1], words[-1]
    if code in DE_NEUTER:  # Vereinigtes Königreich: das Vereinigte, des Vereinigten ...s
        nominative = " ".join([*(w[:-1] if w.endswith("es") else w for w in head), noun])
        oblique = " ".join([*(w[:-1] + "n" if w.endswith("es") else w for w in head), noun])
        if code == "IO":  # Britisches Territorium im Indischen Ozean
            return {"def": "das Britische Territorium im Indischen Ozean",
                    "of": "des Britischen Territoriums im Indischen Ozean",
                    "in": "im Britischen Territorium im Indischen Ozean",
                    "to": "dem Britischen Territorium im Indischen Ozean"}
        return {"def": f"das {nominative}", "of": f"des {oblique}s", "in": f"im {oblique}",
                "to": f"dem {oblique}"}
    declined = " ".join([w + "n" if w.endswith("e") else w for w in head])
    if code in DE_PLURAL:
        dative = noun + ("" if noun.endswith(("n", "s")) else "n")
        both = (declined + " ").lstrip()
        where = "auf" if code in DE_ISLANDS else "in"
        return {"def": f"die {both}{noun}", "of": f"der {both}{noun}",
                "in": f"{where} den {both}{dative}", "to": f"den {both}{dative}"}
    both = (declined + " ").lstrip()  # feminine singular: die Zentralafrikanische Republik
    return {"of": f"der {both}{noun}", "in": f"in der {both}{noun}", "to": f"der {both}{noun}"}


# -- The files ----------------------------------------------------------------------------

HEADER = """\
# {title}: how territory names sit in a sentence, for {{countries:...}} and {{subject:...}}.
# Made by scripts/make_grammar.py from CLDR's names (Babel's data); edit the tables there,
# not this file. A project overrides it with its own templates/grammar/{lang}.yaml.
"""
Class = tuple[str | None, str | None, str | None, str | None, str | None, str | None]
CODES_PER_LINE = 24
FORM_KEYS = ("def", "of", "in", "to")


def _value(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _mapping(values: Mapping[str, object]) -> str:
    return "{" + ", ".join(f"{_value(k)}: {_value(v) if isinstance(v, str) else _list(v)}"
                           for k, v in values.items()) + "}"


def _list(values: object) -> str:
    assert isinstance(values, list)
    return "[" + ", ".join(_value(v) for v in values) + "]"


def _classes(classes: Mapping[str, Class], after_a_word: Mapping[str, str]) -> list[str]:
    lines = ["classes:  # what the names of each class say in each form; {name}: CLDR's name"]
    for name, (gender, number, *forms) in classes.items():
        fields = [("gender", gender), ("number", number), *zip(FORM_KEYS, forms, strict=True)]
        shown = ", ".join(f"{key}: {_value(value)}" for key, value in fields if value)
        lines.append(f"  {_value(name)}: {{{shown}}}")
    if after_a_word:
        lines.append(f"after_a_word: {_mapping(after_a_word)}  # once a word precedes the name")
    return lines


def _names(lang: str, official: Mapping[str, str],
           rename: Callable[[str], str] = str) -> dict[str, str]:
    """Every territory's bare name: CLDR's, or the official one."""
    return {code: official.get(code, rename(str(name)))
            for code, name in sorted(Locale.parse(lang).territories.items())}


def _territories(names: Mapping[str, str], classes: Mapping[str, Class],
                 classify: Callable[[str, str], str | None]) -> list[str]:
    members: dict[str, list[str]] = {name: [] for name in classes}
    for code, name in names.items():
        found = classify(code, name)
        if found is not None:
            members[found].append(code)
    lines = ["territories:  # the codes of each class"]
    for name, codes in members.items():
        if codes:
            lines.append(f"  {_value(name)}: >-")
            lines += ["    " + " ".join(codes[i:i + CODES_PER_LINE])
                      for i in range(0, len(codes), CODES_PER_LINE)]
    return lines


def _words(lang: str, names: Mapping[str, str],
           own: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """Each territory whose bare name is not CLDR's, or that has forms of its own."""
    cldr = Locale.parse(lang).territories
    entries: dict[str, dict[str, str]] = {}
    for code, name in names.items():
        if name != cldr[code]:
            entries.setdefault(code, {})["name"] = name
    for code, forms in (own or {}).items():
        entries.setdefault(code, {}).update(forms)
    if not entries:
        return []
    return ["words:  # a territory's own words: the official name, where CLDR's is not it",
            *(f"  {code}: {_mapping(entries[code])}" for code in sorted(entries))]


def _suggest(forms: Mapping[str, str]) -> dict[str, str]:
    """The word before a bare name, and what the two should read: a form that holds the
    word ("de": "{name:of}"), or the word and the definite form ("avec": "avec {name:def}")."""
    elided = {f"qu{A}": "que", "qu'": "que"}
    return {word: f"{{name:{form}}}" if form != "def" else
            f"{elided.get(word, word)} {{name:def}}" for word, form in forms.items()}


def _guidance(seams: list[tuple[str, str, str]], lint: Mapping[str, str],
              dates: Mapping[str, list[str]] | None) -> list[str]:
    lines = []
    if seams:
        lines.append("seams:  # the fact's own words before a name: elision, contraction")
        lines += [f"  - {{text: {_value(t)}, name: {_value(n)}, join: {_value(j)}}}"
                  for t, n, j in seams]
    lines.append("lint:  # what `briefgen check` suggests for a bare {countries} or {subject}")
    lines.append("  after: " + _mapping(lint))
    if dates is not None:
        lines.append("dates: " + _mapping(dates) + "  # the words before a date, by precision")
    return lines


def fr_file() -> str:
    names = _names("fr", FR_NAMES)
    return "\n".join([
        HEADER.format(title="French", lang="fr")
        + "# Every territory CLDR names in French is in a class: its article, gender (m/f),\n"
        "# number (sg/pl), elision and preposition (en/au/aux/à/dans).",
        "language: fr",
        "forms:",
        "  def: {each: def}  # les États-Unis, le Niger et l’Italie",
        "  of: {each: of}    # des États-Unis, du Niger et de l’Italie",
        "  in: {each: in}    # aux États-Unis, au Niger et en Italie",
        "  to: {each: to}    # aux États-Unis, au Niger et à l’Italie",
        *_guidance(FR_SEAMS, _suggest(FR_LINT), FR_DATES),
        *_classes(FR_CLASSES, FR_AFTER_A_WORD),
        *_territories(names, FR_CLASSES, french),
        *_words("fr", names),
    ]) + "\n"


def en_file() -> str:
    names = _names("en", EN_NAMES, english_name)
    return "\n".join([
        HEADER.format(title="English", lang="en")
        + "# Only the names that take \"the\" are listed; the others keep their bare name.",
        "language: en",
        "forms:",
        "  def: {each: def}                # the United States, Niger, and Italy",
        "  of: {before: \"of \", each: def}  # of the United States, Niger, and Italy",
        "  in: {before: \"in \", each: def}  # in the United States, Niger, and Italy",
        "  to: {before: \"to \", each: def}  # to the United States, Niger, and Italy",
        *_guidance([], _suggest(EN_LINT), EN_DATES),
        *_classes(EN_CLASSES, EN_AFTER_A_WORD),
        *_territories(names, EN_CLASSES, english),
        *_words("en", names),
    ]) + "\n"


def es_file() -> str:
    names = _names("es", ES_NAMES)
    return "\n".join([
        HEADER.format(title="Spanish", lang="es")
        + "# Only the names used with an article are listed (el Reino Unido).",
        "language: es",
        "forms:",
        "  def: {each: def}                # el Reino Unido, Níger e Italia",
        "  of: {before: \"de \", each: def}  # del Reino Unido, Níger e Italia",
        "  in: {before: \"en \", each: def}  # en el Reino Unido, Níger e Italia",
        "  to: {before: \"a \", each: def}   # al Reino Unido, Níger e Italia",
        "contractions: {\"de el \": \"del \", \"a el \": \"al \"}",
        "lists:",
        "  # \"y\" becomes \"e\" before the sound /i/ (Níger e Italia), not before \"hie\"",
        "  - {last: \"^(?i:h?[ií])(?![aeoáéó])\", end: \"{0} e {1}\"}",
        *_guidance(ES_SEAMS, _suggest(ES_LINT), ES_DATES),
        *_classes(ES_CLASSES, ES_AFTER_A_WORD),
        *_territories(names, ES_CLASSES, spanish),
        *_words("es", names),
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
        "  to: {before: \"ل\", each: bare}    # للولايات المتحدة والنيجر وإيطاليا",
        *_guidance(AR_SEAMS, _suggest(AR_LINT), None),
        *_words("ar", _names("ar", AR_NAMES)),
    ]) + "\n"


def de_file() -> str:
    names = _names("de", DE_NAMES)
    declined = {code: german_words(code, names[code])
                for code in sorted(DE_ADJECTIVES | DE_PLURAL)}
    return "\n".join([
        HEADER.format(title="German", lang="de")
        + "# Every territory is in a class: its article and case endings; nominative (def),\n"
        "# genitive (of), in + dative (in), dative (to: mit {countries:to}).",
        "language: de",
        "forms:",
        "  def: {each: def}  # die Vereinigten Staaten, der Irak und Zypern",
        "  of: {each: of}    # der Vereinigten Staaten, des Iraks und Zyperns",
        "  in: {each: in}    # in den Vereinigten Staaten, im Irak und in Zypern",
        "  to: {each: to}    # den Vereinigten Staaten, dem Irak und Zypern",
        *_guidance(DE_SEAMS, DE_LINT, DE_DATES),
        *_classes(DE_CLASSES, {}),
        *_territories(names, DE_CLASSES, german),
        *_words("de", names, declined),
    ]) + "\n"


FILES: dict[str, Callable[[], str]] = {
    "fr": fr_file, "en": en_file, "es": es_file, "ar": ar_file, "de": de_file,
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
