"""`briefgen translate`: stamp, export (PO, XLIFF 1.2) and import, on the demo and on small
projects; the exchange files checked by the tools translators use (msgfmt, pofilter, the
XLIFF 1.2 schema) and the YAML changed in the translated lines only."""

from __future__ import annotations

import difflib
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po, write_po
from lxml import etree

import briefgen
from briefgen.check import check
from briefgen.translation.state import source_hash, translatables
from briefgen.translation.workflow import export, import_translations, load_bases, stamp
from tests.support.projects import (
    MINIMAL_BASE,
    MINIMAL_PACK,
    REPO,
    ProjectFactory,
    load_demo,
    replace_once,
    write_project,
)

BASE = "facts/ma-coalition-daesh.yaml"
FACT = "principle-domestic-terrorism"
OLD_FR = "La nécessité de prévenir et de lutter contre les manifestations du terrorisme domestique."
NEW_FR = "La nécessité de prévenir et de combattre toutes les manifestations du terrorisme " \
         "domestique."
NEW = {"en": "The need to prevent and combat all manifestations of domestic terrorism.",
       "ar": "ضرورة الوقاية من جميع مظاهر الإرهاب الداخلي ومكافحتها."}
XLIFF_SCHEMAS = Path("/usr/share/php/Symfony/Component/Translation/Resources/schemas")
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
# pofilter's checks that a translation keeps what the software needs (placeholders, escapes,
# whitespace, markup); its style checks (capitals, punctuation) do not apply to Arabic.
POFILTER_CHECKS = ("pythonbraceformat", "variables", "printf", "escapes", "newlines", "tabs",
                   "startwhitespace", "endwhitespace", "untranslated", "blank", "isfuzzy",
                   "xmltags", "urls", "emails")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def fill_po(path: Path, translations: dict[str, str]) -> None:
    """What a translator does: fill each msgstr (by context), clear the fuzzy flag."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and message.context in translations:
            message.string = translations[message.context]
            message.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    path.write_bytes(buffer.getvalue())


def po_units(path: Path) -> dict[str, tuple[str, str, bool, list[str]]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.context): (m.id, m.string, m.fuzzy, list(m.auto_comments))
            for m in catalog if m.id}


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stderr, result.stderr


def pofilter_failures(path: Path, tmp_path: Path) -> str:
    """pofilter writes the units that fail a check; nothing when none does.

    A placeholder's grammatical form may change with the language (French
    ``{countries:of}``, English ``{countries:def}``); pofilter's pythonbraceformat check
    reads the form as a format spec and reports the change. Such a report, and only such a
    report (the same placeholder names on both sides), is not a failure."""
    out = tmp_path / f"{path.stem}-pofilter.po"
    tests = [arg for name in POFILTER_CHECKS for arg in ("-t", name)]
    subprocess.run([str(Path(sys.executable).parent / "pofilter"), "--progress=none", *tests,
                    str(path), str(out)], check=True, capture_output=True)
    if not out.exists():
        return ""
    with out.open("rb") as handle:
        failing = [unit for unit in read_po(handle) if unit.id and not _only_a_form_change(unit)]
    return "\n".join(f"{unit.context}: {unit.user_comments}" for unit in failing)


_FORM_REPORT = re.compile(r"pythonbraceformat: Unknown named placeholders in translation: "
                          r"(.*), Named placeholders absent in translation: (.*)")


def _only_a_form_change(unit: Any) -> bool:
    reports = [c.removeprefix("(pofilter) ") for c in unit.user_comments if "(pofilter)" in c]
    matches = [_FORM_REPORT.fullmatch(report) for report in reports]
    return bool(matches) and all(
        match and _names(match[1]) == _names(match[2]) for match in matches)


def _names(fields: str) -> set[str]:
    return {field.strip(" {}").partition(":")[0] for field in fields.split(", ")}


def xliff_schema() -> etree.XMLSchema:
    """OASIS's XLIFF 1.2 strict schema as Debian's php-symfony-translation ships it, with its
    import of xml.xsd pointed at the local copy (no network)."""
    strict = XLIFF_SCHEMAS / "xliff-core-1.2-strict.xsd"
    assert strict.is_file(), "install php-symfony-translation (make test does it)"
    tree = etree.parse(str(strict))
    for element in tree.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        element.set("schemaLocation", str(XLIFF_SCHEMAS / "xml.xsd"))
    return etree.XMLSchema(tree)


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a diff removes (``-``) and adds (``+``); difflib's "popular line" heuristic
    is off, as ``sources: [note-2022-05]`` repeats through the demo."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [line for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
            for line in [*(f"-{x}" for x in old[i1:i2]), *(f"+{x}" for x in new[j1:j2])]]


@pytest.fixture
def edited_demo(copy_demo: Path) -> Path:
    """The demo with one French fact edited."""
    replace_once(copy_demo / BASE, OLD_FR, NEW_FR)
    return copy_demo


def test_demo_edit_export_po_import_restores_a_clean_check(edited_demo: Path,
                                                          tmp_path: Path) -> None:
    base = edited_demo / BASE
    outdated = [(f.code, f.line, f.fact_id, f.message) for f in check(edited_demo).findings
                if f.code.startswith("translation")]
    lines = {lang: _line(base, f"{lang}: ") for lang in ("en", "ar")}
    assert outdated == [
        ("translation-outdated", lines[lang], FACT, f"'text': the {lang} translation is "
         "outdated (the fr text changed since it was translated)") for lang in ("en", "ar")]
    edited = base.read_text(encoding="utf-8")
    context = f"ma-coalition-daesh/fact/{FACT}/text"
    for lang in ("en", "ar"):
        po = tmp_path / f"{lang}.po"
        result = run("translate", "export", "--lang", lang, str(po), cwd=edited_demo)
        assert result.returncode == 0, result.stderr
        assert f"1 text(s) to translate into {lang} (po, from ma-coalition-daesh)" in \
            result.stdout
        msgfmt_check(po)
        [(unit_context, (source, hint, fuzzy, notes))] = po_units(po).items()
        old = load_demo().bases["ma-coalition-daesh"].model.facts
        previous = next(f for f in old if f.id == FACT).text[lang]
        assert (unit_context, source, hint, fuzzy) == (context, NEW_FR, previous, True)
        comment = " ".join(notes)  # Babel wraps the #. lines
        assert comment.startswith(f"Fact {FACT} (principle): the fact as the background")
        assert "The fr text changed since the previous translation" in comment
        fill_po(po, {context: NEW[lang]})
        assert pofilter_failures(po, tmp_path) == ""
        msgfmt_check(po)
        result = run("translate", "import", str(po), cwd=edited_demo)
        assert result.returncode == 0, result.stderr
        assert f"{BASE}:{lines[lang]}: {context} [{lang}] updated" in result.stdout
    assert not [f for f in check(edited_demo).findings if f.code.startswith("translation")]
    translated = [f"-      en: {_old('en')}", f"-      ar: {_old('ar')}",
                  f"+      en: {NEW['en']}", f"+      ar: {NEW['ar']}",
                  f"-      text: {{en: {source_hash(OLD_FR)}, ar: {source_hash(OLD_FR)}}}",
                  f"+      text: {{en: {source_hash(NEW_FR)}, ar: {source_hash(NEW_FR)}}}"]
    after = base.read_text(encoding="utf-8")
    assert sorted(changed_lines(edited, after)) == sorted(translated)
    original = (REPO / BASE).read_text(encoding="utf-8")
    assert sorted(changed_lines(original, after)) == sorted(
        [f"-      fr: {OLD_FR}", f"+      fr: {NEW_FR}", *translated])


def _line(path: Path, prefix: str) -> int:
    """The line of the fact's ``prefix`` (``en: ``) text in the demo base."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {FACT}")
    return next(n for n, line in enumerate(lines[start:], start + 1)
                if line.strip().startswith(prefix))


def _old(lang: str) -> str:
    old = load_demo().bases["ma-coalition-daesh"].model.facts
    return next(f for f in old if f.id == FACT).text[lang]


def test_demo_xliff_is_schema_valid_and_imports(edited_demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "ar.xlf"
    done = export(edited_demo, "ar", out)
    assert (done.format, done.units) == ("xliff", 1)
    document = etree.parse(str(out))
    schema = xliff_schema()
    assert schema.validate(document), schema.error_log
    [file] = document.getroot().iter(f"{XLIFF}file")
    assert (file.get("original"), file.get("source-language"), file.get("target-language")) \
        == (BASE, "fr", "ar")
    [unit] = document.getroot().iter(f"{XLIFF}trans-unit")
    target = unit.find(f"{XLIFF}target")
    assert unit.get("id") == f"ma-coalition-daesh/fact/{FACT}/text"
    assert unit.findtext(f"{XLIFF}source") == NEW_FR
    assert (target.text, target.get("state")) == (_old("ar"), "needs-review-translation")
    assert any("changed since the previous translation" in (note.text or "")
               for note in unit.iter(f"{XLIFF}note"))
    # Not yet reviewed: nothing is imported.
    assert import_translations(edited_demo, out).needs_review == 1
    target.text, target.attrib["state"] = NEW["ar"], "translated"
    document.write(str(out), xml_declaration=True, encoding="UTF-8")
    assert schema.validate(etree.parse(str(out)))
    result = import_translations(edited_demo, out)
    assert [(c.context, c.lang, c.what) for c in result.changes] == [
        (f"ma-coalition-daesh/fact/{FACT}/text", "ar", "updated")]
    assert [f.message for f in check(edited_demo).findings if f.code.startswith("translation")
            ] == ["'text': the en translation is outdated (the fr text changed since it was "
                  "translated)"]


def test_the_whole_demo_exports_valid_and_reimports_unchanged(copy_demo: Path,
                                                              tmp_path: Path) -> None:
    before = (copy_demo / BASE).read_bytes()
    for lang in ("en", "ar"):
        po, xlf = tmp_path / f"{lang}.po", tmp_path / f"{lang}.xlf"
        every = sum(len(translatables(base.model)) for base in load_bases(copy_demo))
        assert export(copy_demo, lang, po, everything=True).units == every
        assert export(copy_demo, lang, xlf, everything=True).units == every
        msgfmt_check(po)
        assert pofilter_failures(po, tmp_path) == ""
        assert xliff_schema().validate(etree.parse(str(xlf)))
        units = po_units(po)
        assert units["ma-coalition-daesh/fact/skhirat-meeting/text"][0].startswith(
            "Le Maroc a organisé, le {date} à Skhirat")
        comment = " ".join(units["ma-coalition-daesh/fact/africa-focus-group/text"][3])
        assert "Keep every placeholder ({countries:of}: the list of the " \
               "fact's countries; {date}: the fact's date)" in comment
        for exchange in (po, xlf):
            result = import_translations(copy_demo, exchange)
            assert (len(result.changes), result.unchanged) == (0, every)
    assert (copy_demo / BASE).read_bytes() == before


def test_po_flags_placeholders_for_msgfmt(copy_demo: Path, tmp_path: Path) -> None:
    po = tmp_path / "en.po"
    export(copy_demo, "en", po, everything=True)
    text = po.read_text(encoding="utf-8")
    assert '#, python-brace-format\nmsgctxt "ma-coalition-daesh/fact/skhirat-meeting/text"' \
        in text
    context = "ma-coalition-daesh/fact/skhirat-meeting/talking_point"
    fill_po(po, {context: "Morocco hosted the meeting in Skhirat."})
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1 and "'date' doesn't exist in 'msgstr'" in result.stderr
    assert "pythonbraceformat" in pofilter_failures(po, tmp_path)


def test_braces_where_no_placeholder_goes_are_text(make_project: ProjectFactory,
                                                   tmp_path: Path) -> None:
    """Only fact texts take placeholders: the braces of a title are its own text, not read
    as placeholders (a lone one stopped the export with a traceback)."""
    root = make_project(facts={"base.yaml": MINIMAL_BASE.replace(
        "title: {fr: Base de test,", 'title: {fr: "Base {A}",').replace(
        "title: {fr: Source un,", 'title: {fr: "Source {",')})
    po, xlf = tmp_path / "en.po", tmp_path / "en.xlf"
    assert export(root, "en", po, everything=True).units == 5
    assert export(root, "en", xlf, everything=True).units == 5
    units = po_units(po)
    for context, source in (("base/title", "Base {A}"), ("base/source/s1/title", "Source {")):
        assert units[context][0] == source
        assert not [note for note in units[context][3] if "placeholder" in note]
    fill_po(po, {"base/source/s1/title": "Source one {"})
    changes = [str(change) for change in import_translations(root, po).changes]
    assert "facts/base.yaml:7: base/source/s1/title [en] updated" in changes
    [loaded] = load_bases(root)
    assert loaded.model.sources[0].title == {"fr": "Source {", "en": "Source one {"}


@pytest.mark.parametrize(("translation", "problem"), [
    ("Meeting held.", "the translation drops the placeholder {date}; keep it as written"),
    ("Meeting on {date} in {countries}.",
     "the translation adds the placeholder {countries}, which the source does not have"),
    ("Meeting on {date:short}.", "the translation's placeholders do not parse: unknown "
                                 "placeholder {date:short}: {date} has no forms"),
    ("Meeting on {datte}.", "the translation has {datte} where the source has {date}"),
    ("Meeting on {date} {.", "the translation's braces do not parse: expected '}' before end "
                             "of string; write {{ and }} for a literal brace"),
    ("Meeting on {date\u202e}.", "the translation contains a bidi control character U+202E"),
    ("Meeting\x07 on {date}.", "the translation contains a control character U+0007"),
])
def test_a_bad_translation_is_refused_with_its_context(
        make_project: ProjectFactory, tmp_path: Path, translation: str, problem: str) -> None:
    root = make_project(facts={"base.yaml": MINIMAL_BASE.replace(', en: "Meeting on {date}."',
                                                                 "")})
    before = (root / "facts/base.yaml").read_bytes()
    po = tmp_path / "en.po"
    export(root, "en", po)
    fill_po(po, {"base/fact/f2/text": translation,
                 "base/title": "Test base"})
    with pytest.raises(briefgen.ValidationFailed) as caught:
        import_translations(root, po)
    [error] = caught.value.errors
    line = next(n for n, text in enumerate(po.read_text().splitlines(), 1)
                if text == 'msgid "Réunion le {date}."')
    assert str(error).startswith(f"{po}:{line} (fact f2): base/fact/f2/text: {problem}")
    assert (root / "facts/base.yaml").read_bytes() == before  # the good unit is not written


def test_import_refuses_what_no_longer_matches(copy_demo: Path, tmp_path: Path) -> None:
    po = tmp_path / "en.po"
    export(copy_demo, "en", po, everything=True)
    text = po.read_text(encoding="utf-8")
    fill_po(po, {"ma-coalition-daesh/title": "Morocco and the Coalition"})
    replace_once(copy_demo / BASE, "fr: Le Maroc et la Coalition mondiale contre Daech",
                 "fr: Le Maroc et la Coalition")
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgctxt "ma-coalition-daesh/place"', 'msgctxt "ma-coalition-daesh/fact/gone/text"'),
        encoding="utf-8")
    with pytest.raises(briefgen.ValidationFailed) as caught:
        import_translations(copy_demo, po)
    messages = [error.message for error in caught.value.errors]
    assert messages == [
        "ma-coalition-daesh/title: the fr text changed since this file was exported",
        "ma-coalition-daesh/fact/gone/text: no such text"]
    assert "export again" in (caught.value.errors[0].hint or "")
    po.write_text(text.replace('"Language: en\\n"', '"Language: fr\\n"'), encoding="utf-8")
    with pytest.raises(briefgen.ValidationFailed) as caught:
        import_translations(copy_demo, po)
    assert "'fr' is not a language base ma-coalition-daesh is translated into (en, ar)" in \
        caught.value.errors[0].message


def test_import_adds_a_missing_translation_like_its_neighbours(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    long_fr = ("Le Maroc a organisé le {date} une réunion régionale des directeurs politiques "
               "de la Coalition mondiale contre Daech, consacrée à la menace en Afrique.")
    long_en = ("On {date}, Morocco hosted a regional meeting of the Political Directors of the "
               "Global Coalition against Daesh, devoted to the threat in Africa.")
    base = MINIMAL_BASE.replace(
        '    text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}\n',
        "    text:\n      fr: >-\n        Le Maroc a organisé le {date} une réunion régionale des\n"
        "        directeurs politiques de la Coalition mondiale contre Daech, consacrée à la\n"
        "        menace en Afrique.\n"
        "    # a comment that stays where it is\n",
    ).replace('talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the '
              'Coalition."}', 'talking_point: {fr: "Nous soutenons la Coalition."}')
    root = make_project(facts={"base.yaml": base})
    po = tmp_path / "en.po"
    assert export(root, "en", po).units == 2
    fill_po(po, {"base/fact/f2/text": long_en, "base/fact/f1/talking_point": "We support it."})
    result = import_translations(root, po)
    written = (root / "facts/base.yaml").read_text(encoding="utf-8")
    assert sorted((c.context, c.what) for c in result.changes) == [
        ("base/fact/f1/talking_point", "translated"), ("base/fact/f1/text", "stamped"),
        ("base/fact/f2/text", "translated"), ("base/source/s1/title", "stamped"),
        ("base/title", "stamped")]
    assert 'talking_point: {fr: "Nous soutenons la Coalition.", en: "We support it."}' in written
    assert ("      en: >-\n        On {date}, Morocco hosted a regional meeting of the Political"
            " Directors of\n        the Global Coalition against Daesh, devoted to the threat in "
            "Africa.\n    # a comment that stays where it is\n    sources: [s1]\n") in written
    assert max(len(line) for line in written.splitlines() if line.startswith("        ")) <= \
        max(len(line) for line in base.splitlines() if line.startswith("        "))
    project = briefgen.load_project(root)
    fact = project.bases["base"].model.facts[1]
    assert fact.text == {"fr": long_fr, "en": long_en}
    assert not [f for f in check(root).findings if f.code.startswith("translation")]


def test_stamp_command(make_project: ProjectFactory) -> None:
    root = make_project()
    result = run("translate", "stamp", "--base", "base", cwd=root)
    assert (result.returncode, result.stdout) == (0, "stamped 5 translation(s)\n")
    assert "    translated_from:\n      text: {en: " in (root / "facts/base.yaml").read_text()
    assert run("translate", "stamp", cwd=root).stdout == "stamped 0 translation(s)\n"
    assert stamp(root) == []


def test_translate_errors_on_the_command_line(make_project: ProjectFactory,
                                              tmp_path: Path) -> None:
    root = make_project()
    unknown = run("translate", "export", "--lang", "en", "--base", "nope", "x.po", cwd=root)
    assert unknown.returncode == 2 and "no fact base with id nope (the bases in facts/: " \
        "base)" in unknown.stderr
    language = run("translate", "export", "--lang", "de", "x.po", cwd=root)
    assert language.returncode == 2 and "no fact base has the language 'de'" in language.stderr
    source = run("translate", "export", "--lang", "fr", "x.po", cwd=root)
    assert source.returncode == 2 and "'fr' is the language the fact bases are written in" \
        in source.stderr
    assert not (root / "x.po").exists()
    bad = tmp_path / "bad.po"
    bad.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgctxt "base/title"\n'
                   'msgid "Base de test"\nmsgstr "Test\u202ebase"\n', encoding="utf-8")
    refused = run("translate", "import", str(bad), cwd=root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"{bad}:6: base/title: the translation contains a bidi control character" in \
        refused.stderr
    garbage = tmp_path / "garbage.xlf"
    garbage.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xliff/>')
    refused = run("translate", "import", str(garbage), cwd=root)
    assert refused.returncode == 1
    assert "the XLIFF file declares a DOCTYPE or entities" in refused.stderr
    assert not list((root / "facts").glob(".*.tmp"))


def test_stamps_go_in_the_order_of_the_fields_and_in_the_style_of_their_place(
        make_project: ProjectFactory) -> None:
    base = """\
        id: b
        title: {fr: T, en: T}
        subject: MA
        as_of: 2022
        languages: [fr, en]
        sections:
          one: {fr: Un, en: One}
          two: {fr: Deux}
          three: {fr: Trois, en: Three}
        translated_from:
          sections:
            three: {en: abcdef12}
        facts:
          - {id: f, kind: role, text: {fr: x, en: y}}
        """
    root = make_project(facts={"b.yaml": base}, packs={})
    assert len(stamp(root)) == 4
    assert (root / "facts/b.yaml").read_text().split("translated_from:\n")[1] == (
        f"  title: {{en: {source_hash('T')}}}\n"
        "  sections:\n"
        f"    one: {{en: {source_hash('Un')}}}\n"
        f"    three: {{en: {source_hash('Trois')}}}\n"
        "facts:\n"
        f"  - {{id: f, kind: role, text: {{fr: x, en: y}}, translated_from: {{text: {{en: "
        f"{source_hash('x')}}}}}}}\n")


# -- The fact bases as they are on disk ----------------------------------------------------
# A translator's round (stamp, export, one translation changed, import) on a base as users
# keep them, against the same round on the plain base: the same changes, nothing else.

BACKS = "Morocco backs the Coalition."
COMMENTED_BASE = MINIMAL_BASE.replace("sources:\n", "# where the facts come from\nsources:\n"
                                      ).replace("facts:\n", "\n# the facts, oldest first\nfacts:\n")


def translators_round(root: Path) -> str:
    """Stamp every base, export every English text (to en.po in the project's folder),
    change f1's, import: the commands' output (each must succeed)."""
    output, po = "", root / "en.po"
    for args in (("stamp",), ("export", "--lang", "en", "--all", str(po)), ("import", str(po))):
        if args[0] == "import":
            fill_po(po, {"base/fact/f1/text": BACKS})
        result = run("translate", *args, cwd=root)
        assert (result.returncode, result.stderr) == (0, "")
        output += result.stdout
    return output


@pytest.fixture
def plain_round(tmp_path: Path) -> tuple[bytes, str]:
    """:data:`COMMENTED_BASE` after :func:`translators_round`, and what the commands said."""
    root = write_project(tmp_path / "plain", COMMENTED_BASE, MINIMAL_PACK)
    output = translators_round(root)
    return (root / "facts" / "base.yaml").read_bytes(), output


def test_a_linked_base_stays_a_link_its_file_written_and_its_mode_kept(
        make_project: ProjectFactory, tmp_path: Path, plain_round: tuple[bytes, str]) -> None:
    """A base in facts/ that is a link to a file elsewhere in the project, which check
    reads: stamp and import write the file it names, in its mode; the link stays."""
    root = make_project(facts={"base.yaml": COMMENTED_BASE})
    shared = root / "shared" / "base.yaml"
    shared.parent.mkdir()
    (root / "facts" / "base.yaml").rename(shared)
    link = root / "facts" / "base.yaml"
    link.symlink_to(Path("..") / "shared" / "base.yaml")
    shared.chmod(0o600)
    checked = run("check", cwd=root)
    assert checked.returncode == 0 and "link" not in checked.stdout + checked.stderr
    assert translators_round(root) == plain_round[1]
    assert link.is_symlink() and link.readlink() == Path("../shared/base.yaml")
    assert shared.read_bytes() == plain_round[0]
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
    assert [p.name for p in (root / "facts").iterdir()] == ["base.yaml"]
    assert [p.name for p in shared.parent.iterdir()] == ["base.yaml"]


def test_a_crlf_base_keeps_its_line_endings(make_project: ProjectFactory,
                                            plain_round: tuple[bytes, str]) -> None:
    root = make_project()
    base = root / "facts" / "base.yaml"
    base.write_bytes(COMMENTED_BASE.replace("\n", "\r\n").encode())
    assert translators_round(root) == plain_round[1]
    assert base.read_bytes() == plain_round[0].replace(b"\n", b"\r\n")


def test_a_byte_order_mark_a_directive_and_document_markers_are_kept(
        make_project: ProjectFactory, plain_round: tuple[bytes, str]) -> None:
    head = "\ufeff%YAML 1.2\n# The test base, as the desk keeps it\n--- # the base\n"
    tail = "...\n# end of the base\n"
    root = make_project()
    base = root / "facts" / "base.yaml"
    base.write_text(head + COMMENTED_BASE + tail, encoding="utf-8")
    below = head.count("\n")  # the lines of the plain base are this many lines lower
    assert translators_round(root) == re.sub(
        r"(?m)^facts/base.yaml:(\d+):", lambda m: f"facts/base.yaml:{int(m[1]) + below}:",
        plain_round[1])
    assert base.read_bytes() == head.encode() + plain_round[0] + tail.encode()


def test_block_texts_stay_as_written_and_only_real_changes_are_reported(
        make_project: ProjectFactory) -> None:
    """A ``|`` or ``>`` text ends with a line break, which a PO file carries and the import
    drops: the same translation is unchanged, and a new one keeps the block's ending."""
    root = make_project(facts={"base.yaml": MINIMAL_BASE.replace(
        '    talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the '
        'Coalition."}\n', "    talking_point:\n      fr: |\n        Nous soutenons la "
        "Coalition.\n      en: |\n        We support the Coalition.\n").replace(
        '    text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}\n',
        "    text:\n      fr: >\n        Réunion le {date}.\n      en: >\n        Meeting on "
        "{date}.\n")})
    base, po = root / "facts" / "base.yaml", root / "en.po"
    assert run("translate", "stamp", cwd=root).returncode == 0
    stamped = base.read_text(encoding="utf-8")
    assert run("translate", "export", "--lang", "en", "--all", str(po), cwd=root).returncode == 0
    result = run("translate", "import", str(po), cwd=root)
    assert (result.returncode, result.stdout) == (
        0, "0 translation(s) written in en; 5 unchanged, 0 untranslated, 0 still marked for "
           "review (not imported)\n")
    assert base.read_text(encoding="utf-8") == stamped
    fill_po(po, {"base/fact/f1/talking_point": "We fully support the Coalition.\n",
                 "base/fact/f2/text": "Meeting of {date}.\n"})
    msgfmt_check(po)
    result = run("translate", "import", str(po), cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ("2 translation(s) written in en; 3 unchanged, 0 "
                                              "untranslated, 0 still marked for review (not "
                                              "imported)")
    assert sorted(changed_lines(stamped, base.read_text(encoding="utf-8"))) == sorted([
        "-        We support the Coalition.", "+        We fully support the Coalition.",
        "-        Meeting on {date}.", "+        Meeting of {date}."])


def test_import_refuses_what_is_not_a_file_in_one_line_without_blocking(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """A FIFO would block the reading (no translation comes from it), a device gives
    nothing or without end, a link may lead anywhere: none is read."""
    root = make_project()
    po = tmp_path / "en.po"
    export(root, "en", po, everything=True)
    fifo, link = tmp_path / "pipe.po", tmp_path / "link.po"
    os.mkfifo(fifo)
    link.symlink_to(po)
    before = (root / "facts" / "base.yaml").read_bytes()
    for path, error in (
            (fifo, f"{fifo} is not a regular file (a FIFO, a device or a socket): give the "
                   "path of the PO or XLIFF file itself"),
            (Path(os.devnull), f"{os.devnull} is not a regular file (a FIFO, a device or a "
                               "socket): give the path of the PO or XLIFF file itself"),
            (link, f"{link} is a symbolic link: give the path of the PO or XLIFF file "
                   "itself"),
            (tmp_path, f"Invalid value for 'FILE': File '{tmp_path}' is a directory.")):
        result = subprocess.run([sys.executable, "-m", "briefgen", "translate", "import",
                                 str(path)], cwd=root, capture_output=True, text=True,
                                check=False, timeout=30)
        assert result.returncode == 2, result.stderr
        assert [line for line in result.stderr.splitlines() if "Error" in line] == [
            f"Error: {error}"]
        assert "Traceback" not in result.stderr and result.stdout == ""
    assert (root / "facts" / "base.yaml").read_bytes() == before
    assert fifo.is_fifo() and link.is_symlink()


# -- An import killed midway ----------------------------------------------------------------

KILL_POINTS = ("rename", "renameat", "renameat2", "fsync", "unlink", "unlinkat")


def import_killed_at(syscall: str, count: int, root: Path, po: Path) -> bool:
    """``briefgen translate import PO`` in ``root``, killed (SIGKILL) on entering its
    ``count``-th ``syscall``: True if it was killed, False if it ended first."""
    result = subprocess.run(
        ["strace", "-f", "-qq", "-o", "/dev/null", "-e", f"trace={syscall}",
         "-e", f"inject={syscall}:signal=KILL:when={count}",
         sys.executable, "-m", "briefgen", "translate", "import", str(po)],
        cwd=root, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True,
        text=True, check=False, timeout=120)
    assert result.returncode in (0, -signal.SIGKILL, 128 + signal.SIGKILL), result.stderr
    return result.returncode != 0


def project_files(root: Path) -> dict[str, bytes]:
    """Every file of the project but its packs (fact bases, leftovers), by path."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and path.parent.name != "packs"}


def test_an_import_killed_anywhere_is_all_or_nothing_and_leaves_nothing_behind(
        make_project: ProjectFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two bases: the import killed at each rename, flush and removal of files has written
    both or neither once the next translate command ran, with no temporary or journal left;
    and imported again, both are written."""
    project = make_project(facts={"a.yaml": MINIMAL_BASE.replace("id: base", "id: a"),
                                  "b.yaml": MINIMAL_BASE.replace("id: base", "id: b")},
                           packs={})
    po = tmp_path / "en.po"
    export(project, "en", po, everything=True)
    fill_po(po, {"a/fact/f1/text": BACKS, "b/fact/f1/text": BACKS})
    old = project_files(project)
    shutil.copytree(project, tmp_path / "whole")
    import_translations(tmp_path / "whole", po)
    new = project_files(tmp_path / "whole")
    assert all(old[name] != new[name] for name in ("facts/a.yaml", "facts/b.yaml"))
    kill_points = 0
    for syscall in KILL_POINTS:
        for count in range(1, 40):
            root = shutil.copytree(project, tmp_path / f"{syscall}-{count}")
            if not import_killed_at(syscall, count, root, po):
                assert project_files(root) == new
                break
            kill_points += 1
            caplog.clear()
            monkeypatch.chdir(root)
            export(root, "en", tmp_path / "next.po")  # the next translate command
            assert project_files(root) in (old, new), f"torn at {syscall} #{count}"
            told = {record.getMessage() for record in caplog.records}
            assert told <= ({"a briefgen command was stopped while it wrote facts/a.yaml, "
                             "facts/b.yaml: finished now", "a briefgen command was stopped "
                             "while it wrote facts/b.yaml: finished now"}
                            if project_files(root) == new else
                            {"a briefgen command was stopped before it wrote facts/a.yaml, "
                             "facts/b.yaml: nothing of it was written"}), told
            import_translations(root, po)
            assert project_files(root) == new
    assert kill_points >= 10


# -- What the translator's file says and checks ---------------------------------------------

ITALIAN_BASE = """\
id: base
title: {fr: Base de test, it: Base di prova}
subject: MA
as_of: 2026-10
languages: [fr, it]
sources:
  - {id: s1, title: {fr: Source un, it: Fonte uno}, publisher: Ministère, date: 2026-10}
facts:
  - id: vote
    kind: figure
    value: 86
    countries: [IT, US]
    text: {fr: "86 % des membres ont voté avec {countries}."}
    sources: [s1]
  - id: members
    kind: figure
    value: 3
    text: {fr: "Le Maroc compte {value} partenaires."}
    sources: [s1]
  - id: meeting
    kind: event
    date: 2026-10-05
    text: {fr: "Réunion le {date} avec 86 % des membres."}
    label: {fr: Réunion de Skhirat}
    sources: [s1]
"""
ITALIAN_PACK = """\
id: meeting
meeting: {title: {fr: Réunion, it: Riunione}, date: 2026-12-03}
languages: [fr, it]
labels_fallback: en
classification: {fr: RESTREINT, it: RISERVATO}
facts: [base]
documents: [briefing-note]
"""
ITALIAN = {"base/fact/vote/text": "L'86 % ha votato con {countries}.",
           "base/fact/members/text": "Il Marocco conta {value} partner.",
           "base/fact/meeting/text": "Riunione del {date} con l'86 % dei membri.",
           "base/fact/meeting/label": "Riunione di Skhirat"}


def fill_po_keeping_flags(path: Path, translations: dict[str, str]) -> None:
    """A translator's editor fills each msgstr and keeps the flags as exported (Babel's own
    reader would guess python-format again from a '%')."""
    flags = po_flags(path)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and message.context in translations:
            message.string = translations[message.context]
        if message.id:
            message.flags = flags.get(str(message.context), set()) - {"fuzzy"}
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    path.write_bytes(buffer.getvalue())


def po_flags(path: Path) -> dict[str, set[str]]:
    text = path.read_text(encoding="utf-8")
    return {context: set(flags.split(", ")) for flags, context in re.findall(
        r'^#, (.*)\nmsgctxt "(.*)"$', text, flags=re.MULTILINE)}


def test_a_percent_is_no_format_and_a_correct_translation_passes_msgfmt(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """"86 % des" is no python-format (Babel guesses one, and msgfmt -c then fails the
    correct "86 % dei"); python-brace-format only where msgfmt checks what the import
    does."""
    root = make_project(facts={"base.yaml": ITALIAN_BASE},
                        packs={"meeting.yaml": ITALIAN_PACK})
    po = tmp_path / "it.po"
    export(root, "it", po)
    assert po_flags(po) == {
        "base/fact/vote/text": {"no-python-format", "python-brace-format"},
        "base/fact/members/text": {"python-brace-format"},
        "base/fact/meeting/text": {"no-python-format", "python-brace-format"},
        "base/fact/meeting/label": {"max-length:40"},
    }
    fill_po_keeping_flags(po, ITALIAN)
    msgfmt_check(po)
    assert pofilter_failures(po, tmp_path) == ""
    guessed = tmp_path / "guessed.po"  # as Babel flags it: "% h" is no conversion
    guessed.write_text(po.read_text(encoding="utf-8").replace("no-python-format",
                                                              "python-format"))
    failed = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(guessed)],
                            capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "not a valid Python format string" in failed.stderr
    result = import_translations(root, po)
    assert sorted(c.context for c in result.changes if c.what == "translated") == sorted(ITALIAN)
    [loaded] = load_bases(root)
    assert loaded.model.facts[0].text["it"] == ITALIAN["base/fact/vote/text"]
    assert not check(root).errors


def test_a_form_a_language_offers_fails_msgfmt_so_it_is_not_flagged(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """English gives {countries} forms: "with {countries:def}" is right, and gettext's
    python-brace-format reads ":def" as a broken format spec. Such a unit is not flagged."""
    root = make_project(facts={"base.yaml": ITALIAN_BASE.replace("[fr, it]", "[fr, en]")
                               .replace("it: ", "en: ")}, packs={})
    po = tmp_path / "en.po"
    export(root, "en", po)
    assert po_flags(po)["base/fact/vote/text"] == {"no-python-format", "no-python-brace-format"}
    fill_po_keeping_flags(po, {"base/fact/vote/text": "86% of members voted with "
                                                      "{countries:def}."})
    msgfmt_check(po)
    assert [c.context for c in import_translations(root, po).changes
            if c.what == "translated"] == ["base/fact/vote/text"]
    # The check gettext would make, had the unit been flagged:
    text = po.read_text(encoding="utf-8").replace("no-python-brace-format",
                                                  "python-brace-format")
    po.write_text(text, encoding="utf-8")
    failed = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True,
                            text=True, check=False)
    assert failed.returncode == 1 and "not a valid Python brace format" in failed.stderr


def test_the_notes_say_what_to_agree_with_and_which_forms_there_are(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": ITALIAN_BASE.replace("[fr, it]", "[fr, it, en]")},
                        packs={})
    notes = {}
    for lang in ("it", "en"):
        export(root, lang, tmp_path / f"{lang}.po")
        notes[lang] = {context: " ".join(unit[3])
                       for context, unit in po_units(tmp_path / f"{lang}.po").items()}
    vote, members = notes["it"]["base/fact/vote/text"], notes["it"]["base/fact/members/text"]
    assert "{countries} stands for 2 countries (a plural): Italia e Stati Uniti (IT, US)." \
        in vote
    assert "Italian has no forms of names in briefgen: write {countries} without a colon " \
           "and a form." in vote
    assert "{value} is printed “3” in Italian: make the words that count with it agree." \
        in members
    assert "{date} is printed “5 ottobre 2026” in Italian (a day): choose the preposition " \
           "that fits it." in notes["it"]["base/fact/meeting/text"]
    assert "At most 40 characters (the fr text has 18): a caption on the fact sheet's " \
           "timeline." in notes["it"]["base/fact/meeting/label"]
    english = notes["en"]["base/fact/vote/text"]
    assert "{countries} stands for 2 countries (a plural): Italy and United States" in english
    assert "In English these are written {countries}, {countries:def}, {countries:of}, " \
           "{countries:in}, {countries:to}: the form after the colon may change" in english


def test_the_xliff_unit_of_a_caption_carries_its_limit(make_project: ProjectFactory,
                                                      tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": ITALIAN_BASE}, packs={})
    out = tmp_path / "it.xlf"
    export(root, "it", out)
    document = etree.parse(str(out))
    assert xliff_schema().validate(document)
    limits = {unit.get("id"): (unit.get("maxwidth"), unit.get("size-unit"))
              for unit in document.getroot().iter(f"{XLIFF}trans-unit")}
    assert limits["base/fact/meeting/label"] == ("40", "char")
    assert limits["base/fact/meeting/text"] == (None, None)


@pytest.mark.parametrize(("grammar", "problem"), [
    (None, "the translation writes {countries:of}, but names take no forms in Italian (no "
           "grammar file for it): write {countries}"),
    ("language: it\nforms:\n  def: {each: def}\n",
     "the translation writes {countries:of}, a form templates/grammar/it.yaml does not define "
     "for Italian: write {countries}, {countries:def}"),
])
def test_import_refuses_a_form_the_language_lacks(make_project: ProjectFactory, tmp_path: Path,
                                                  grammar: str | None, problem: str) -> None:
    """Accepted, it would fail `check` and stop the build: refused at the unit instead."""
    root = make_project(facts={"base.yaml": ITALIAN_BASE}, packs={},
                        templates={"grammar/it.yaml": grammar} if grammar else None)
    before = (root / "facts/base.yaml").read_bytes()
    po = tmp_path / "it.po"
    export(root, "it", po)
    fill_po_keeping_flags(po, {**ITALIAN,
                               "base/fact/vote/text": "L'86 % ha votato con {countries:of}."})
    with pytest.raises(briefgen.ValidationFailed) as caught:
        import_translations(root, po)
    [error] = caught.value.errors
    line = next(n for n, text in enumerate(po.read_text().splitlines(), 1)
                if text == 'msgid "86 % des membres ont voté avec {countries}."')
    assert str(error).startswith(f"{po}:{line} (fact vote): base/fact/vote/text: {problem}")
    assert (root / "facts/base.yaml").read_bytes() == before
