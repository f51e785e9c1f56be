"""Bad input gets a clear, located error: file, line, fact id, what to do."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import briefgen
from briefgen.context import pack_view
from briefgen.dates import PartialDate
from briefgen.errors import excerpt
from tests.support.projects import ISSUED, MINIMAL_BASE, MINIMAL_PACK, ProjectFactory


def errors_for(make_project: ProjectFactory, base: str = MINIMAL_BASE,
               pack: str = MINIMAL_PACK) -> list[str]:
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    return [str(error) for error in caught.value.errors]


def test_demo_project_loads(demo_project: briefgen.Project) -> None:
    base = demo_project.bases["ma-coalition-daesh"].model
    assert base.subject == "MA"
    assert base.as_of == PartialDate(2022, 5)
    facts = {fact.id: fact for fact in base.facts}
    assert facts["skhirat-meeting"].date == PartialDate(2018, 6, 26)
    assert facts["africa-focus-group"].date == PartialDate(2021)
    assert facts["africa-focus-group"].countries == ("US", "NE", "IT")
    assert "rabat-2026-12" in demo_project.packs


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("subject: MA", "subject: XX",
         "facts/base.yaml:3: 'subject': 'XX' is not an ISO 3166-1 alpha-2 country code"),
        ("as_of: 2022-05", "as_of: 2022-13", "facts/base.yaml:4: 'as_of': '2022-13' is not a real"),
        ("as_of: 2022-05", "as_of: May 2022", "'May 2022' is not a date: write YYYY, YYYY-MM"),
        ("date: 2018-06-26", "date: 2018-02-30",
         "facts/base.yaml:16 (fact f2): 'date': '2018-02-30' is not a real date"),
        ("kind: event", "kind: meeting",
         "facts/base.yaml:15 (fact f2): 'kind': 'meeting' is not allowed; expected 'position'"),
        ("    sources: [s1]\n  - id: f2", "    sources: [s1]\n    colour: red\n  - id: f2",
         "facts/base.yaml:14 (fact f1): unknown field 'colour'"),
        ('en: "Meeting on {date}."', 'en: "Meeting on {datte}."',
         "(fact f2): 'text.en': unknown placeholder {datte}; use one of {date}"),
        ('en: "Meeting on {date}."', 'en: "Meeting on {date.__class__}."',
         "(fact f2): 'text.en': unknown placeholder {date.__class__}"),
        ('en: "Meeting on {date}."', 'en: "Meeting on {date:%Y}."',
         "unknown placeholder {date:%Y}"),
        ('en: "Meeting on {date}."', 'en: "Meeting on {date."', "write {{ and }} for literal"),
        (', en: "Meeting on {date}."}', "}",
         "facts/base.yaml:17 (fact f2): 'text' has no translation for language en"),
    ],
)
def test_fact_base_errors(make_project: ProjectFactory, old: str, new: str,
                          expected: str) -> None:
    assert old in MINIMAL_BASE
    errors = errors_for(make_project, base=MINIMAL_BASE.replace(old, new, 1))
    assert any(expected in error for error in errors), errors


def test_duplicate_key_is_an_error_not_last_wins(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("subject: MA\n", "subject: MA\nsubject: FR\n")
    [error] = [e for e in errors_for(make_project, base=base) if e.startswith("facts/")]
    assert error.startswith("facts/base.yaml:4:")
    assert 'duplicate key "subject"' in error
    assert "each key may appear once" in error


def test_a_broken_base_is_named_in_the_packs_error(make_project: ProjectFactory) -> None:
    errors = errors_for(make_project, base=MINIMAL_BASE.replace("subject: MA", "subject: XX"))
    assert "packs/meeting.yaml:8: unknown fact base 'base'" in errors[-1]
    assert "or fix the errors in facts/base.yaml" in errors[-1]


def test_yaml_syntax_error_names_file_and_line(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("subject: MA", "subject: [MA")
    errors = errors_for(make_project, base=base)
    assert errors[0].startswith("facts/base.yaml:")
    assert "check the indentation and quoting" in errors[0]


def test_unknown_source_and_duplicate_fact_id(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("sources: [s1]\n  - id: f2", "sources: [s9]\n  - id: f1")
    errors = errors_for(make_project, base=base)
    assert any("facts/base.yaml:13 (fact f1): unknown source 's9'" in e for e in errors), errors
    assert any(
        "facts/base.yaml:14 (fact f1): duplicate fact id 'f1' (first used on line 9)" in e
        for e in errors
    ), errors


@pytest.mark.parametrize(
    ("char", "what"),
    [("\x00", "control character U+0000"), ("\x07", "control character U+0007"),
     ("\u202e", "bidi control character U+202E"), ("\u2066", "bidi control character U+2066")],
)
def test_control_characters_are_refused(make_project: ProjectFactory, char: str,
                                        what: str) -> None:
    escaped = char.encode("unicode_escape").decode().replace("\\x", "\\x")
    base = MINIMAL_BASE.replace('"Morocco supports', f'"Mor{escaped}occo supports')
    errors = errors_for(make_project, base=base)
    assert any("facts/base.yaml:11 (fact f1): 'text.en': text contains a " + what in e
               for e in errors), errors


def test_yaml_12_semantics(make_project: ProjectFactory) -> None:
    """``NO`` stays the text "NO" (YAML 1.1 would make it false)."""
    base = MINIMAL_BASE.replace("publisher: Ministère", "publisher: NO")
    project = briefgen.load_project(make_project(facts={"base.yaml": base}))
    assert project.bases["base"].model.sources[0].publisher == "NO"


def test_tags_are_refused(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("publisher: Ministère", "publisher: !!python/object:os.system x")
    [error] = [e for e in errors_for(make_project, base=base) if e.startswith("facts/")]
    assert "facts/base.yaml:7: YAML tag" in error and "is not allowed" in error


def test_pack_errors(make_project: ProjectFactory) -> None:
    pack = (MINIMAL_PACK.replace("facts: [base]", "facts: [nope]")
            .replace("date: 2026-12-03", "date: 2026-12\n  counterpart: ZZ"))
    errors = errors_for(make_project, pack=pack)
    joined = "\n".join(errors)
    assert "packs/meeting.yaml:4: 'meeting.date': '2026-12' must be a full date" in joined
    assert "packs/meeting.yaml:5: 'meeting.counterpart': 'ZZ' is not an ISO 3166-1" in joined


def test_pack_missing_translation(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK.replace("en: RESTRICTED", "es: RESTRINGIDO")
    [error] = errors_for(make_project, pack=pack)
    assert error.startswith("packs/meeting.yaml:7: 'classification' has no translation for "
                            "language en — add en: ...")


def test_pack_unknown_base_and_language(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK.replace("facts: [base]", "facts: [base, nope]").replace(
        "languages: [fr, en]", "languages: [fr, en, de]"
    ).replace("en: RESTRICTED}", "en: RESTRICTED, de: VS-NUR FÜR DEN DIENSTGEBRAUCH}").replace(
        "en: Test meeting}", "en: Test meeting, de: Test}").replace(
        "en: Rabat}", "en: Rabat, de: Rabat}")
    errors = errors_for(make_project, pack=pack)
    assert any("packs/meeting.yaml:8: unknown fact base 'nope'" in e and "(base)" in e
               for e in errors), errors
    assert any("language 'de' is not among the languages of fact base 'base' (fr, en)" in e
               for e in errors), errors


def test_full_locale_falls_back_to_language(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK.replace("languages: [fr, en]", "languages: [fr_MA, en_GB]")
    project = briefgen.load_project(make_project(packs={"meeting.yaml": pack}))
    assert project.packs["meeting"].model.languages == ("fr_MA", "en_GB")


def test_unknown_locale(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK.replace("languages: [fr, en]", "languages: [fr, xx]")
    errors = errors_for(make_project, pack=pack)
    assert any("packs/meeting.yaml:6: 'xx' is not a language or locale known to CLDR" in e
               for e in errors), errors


def test_every_error_of_every_file_is_reported(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("subject: MA", "subject: XX").replace("kind: event", "kind: x")
    pack = MINIMAL_PACK.replace("date: 2026-12-03", "date: 2026-13-03")
    errors = errors_for(make_project, base=base, pack=pack)
    assert len(errors) >= 3
    assert {e.split(":")[0] for e in errors} == {"facts/base.yaml", "packs/meeting.yaml"}


def test_alias_bomb_is_refused(make_project: ProjectFactory) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 7)]
    base = MINIMAL_BASE + "\n".join(lines) + "\n"
    [error] = [e for e in errors_for(make_project, base=base) if e.startswith("facts/")]
    assert "aliases expand to more than" in error


# -- Files that are not what they should be: refused without being read or echoed ----------


def test_a_link_out_of_the_project_is_refused_unread(make_project: ProjectFactory,
                                                     tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:*:19000:0:99999:7:::\n")
    root = make_project()
    (root / "facts" / "x.yaml").symlink_to(secret)
    errors = errors_for_root(root)
    assert "facts/x.yaml: the file is a symbolic link to a file outside the project — put the " \
           "file itself here, not a link" in errors
    assert not any("root:" in error for error in errors)


def test_a_link_inside_the_project_is_read(make_project: ProjectFactory) -> None:
    root = make_project(facts={})
    (root / "shared").mkdir()
    (root / "shared" / "base.yaml").write_text(MINIMAL_BASE)
    (root / "facts" / "base.yaml").symlink_to(root / "shared" / "base.yaml")
    assert "base" in briefgen.load_project(root).bases


def load_in_subprocess(root: Path) -> subprocess.CompletedProcess[str]:
    """``briefgen check`` in a process with 1 GiB of memory and 30 s: reading a device or
    blocking on a FIFO shows as a failure, not as a hung or swapping test run."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))

    return subprocess.run([sys.executable, "-m", "briefgen", "check"], cwd=root,
                          capture_output=True, text=True, timeout=30, preexec_fn=limit,
                          check=False)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_special_files_are_refused_without_reading(make_project: ProjectFactory,
                                                   kind: str) -> None:
    root = make_project()
    path = root / "facts" / "x.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    result = load_in_subprocess(root)
    assert result.returncode == 1
    expected = ("the file is a symbolic link to a file outside the project" if kind == "dev-zero"
                else "not a regular file (a folder, FIFO, device or socket)")
    assert expected in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_deep_nesting_is_a_located_error(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE + "x: " + "[" * 1000 + "\n"
    [error] = [e for e in errors_for(make_project, base=base) if e.startswith("facts/")]
    assert error.startswith("facts/base.yaml:19: the YAML is nested more than 50 levels deep")


@pytest.mark.parametrize(("raw", "code"), [
    (b"\x1b", "U+001B"), (b"\x7f", "U+007F"), ("\u009b".encode(), "U+009B"),
    ("\uffff".encode(), "U+FFFF"),
])
def test_raw_control_bytes_have_a_line(make_project: ProjectFactory, raw: bytes,
                                       code: str) -> None:
    root = make_project()
    path = root / "facts" / "base.yaml"
    path.write_bytes(path.read_bytes().replace(b"Morocco supports", b"Mor" + raw + b"occo"))
    errors = errors_for_root(root)
    assert f"facts/base.yaml:11: the character {code} is not allowed in the file — remove it " \
           "(it was probably pasted)" in errors


def test_a_huge_file_is_stopped_early_with_a_size_message(make_project: ProjectFactory) -> None:
    facts = "".join(f"  - {{id: g{i}, kind: role, text: {{fr: a, en: b}}}}\n"
                    for i in range(100_000))
    root = make_project(facts={"base.yaml": MINIMAL_BASE + facts})
    (root / "briefgen.yaml").write_text("limits: {values: 100000}\n")
    [error] = [e for e in errors_for_root(root) if e.startswith("facts/")]
    assert "the file holds more than 100000 values; reading stopped here" in error
    assert "split it into several fact bases" in error
    assert "aliases" not in error
    line = int(error.split(":")[1])
    assert line < 20_000  # stopped a fifth of the way through the file


def test_a_ten_thousand_fact_base_loads_within_the_default_limits(
        make_project: ProjectFactory) -> None:
    from benchmarks.synthetic import base_text

    text = base_text(0, 10_000)
    project = briefgen.load_project(make_project(facts={"base-0000.yaml": text}, packs={
        "meeting.yaml": MINIMAL_PACK.replace("facts: [base]", "facts: [base-0000]")}))
    assert len(project.bases["base-0000"].model.facts) == 10_000


def test_a_project_sets_its_own_limits(make_project: ProjectFactory,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import fsutil, yamlfile

    read: list[int] = []
    real = fsutil.read_regular

    def counted(path: Path, limit: int) -> bytes:
        data = real(path, limit)
        read.append(len(data))
        return data

    monkeypatch.setattr(yamlfile, "read_regular", counted)
    base = MINIMAL_BASE + "# " + "x" * (2 * 1024**2) + "\n"
    root = make_project(facts={"base.yaml": base})
    (root / "briefgen.yaml").write_text("limits: {file_mb: 1}\n")
    [error] = [e for e in errors_for_root(root) if e.startswith("facts/")]
    assert error.startswith("facts/base.yaml: the file is larger than 1 MB")
    assert max(read) == 1024**2 + 1
    (root / "briefgen.yaml").write_text("limits: {file_mb: 3}\n")
    assert "base" in briefgen.load_project(root).bases


def test_a_project_sets_the_variant_of_each_language(make_project: ProjectFactory) -> None:
    root = make_project()
    (root / "briefgen.yaml").write_text("locales: {en: en-GB, fr: fr_CA}\n")
    project = briefgen.load_project(root)
    assert project.locales == {"en": "en_GB", "fr": "fr_CA"}
    view = pack_view(project, "meeting", "en", ISSUED)
    assert (view.lang, view.locale, view.html_lang) == ("en", "en_GB", "en-GB")
    assert view.date_label == "3 December 2026"  # British, in every pack
    assert view.facts[1].text == "Meeting on 26\u00a0June\u00a02018."


@pytest.mark.parametrize(("settings", "expected"), [
    ("limits: {file_mb: 0}\n", "briefgen.yaml:1: 'limits.file_mb': Input should be greater"),
    ("limits: {values: 10}\n", "briefgen.yaml:1: 'limits.values': Input should be greater"),
    ("limit: {values: 10}\n", "briefgen.yaml:1: unknown field 'limit'"),
    ("limits: [1\n", "briefgen.yaml:2: "),
    ("locales: {en: fr_FR}\n", "briefgen.yaml:1: 'locales': 'fr_FR' is not a variant of 'en'"),
    ("locales: {en: en_XX_YY}\n", "briefgen.yaml:1: 'locales': 'en_XX_YY' is not a language "
     "or locale known to CLDR"),
])
def test_project_settings_errors_are_located(make_project: ProjectFactory, settings: str,
                                             expected: str) -> None:
    root = make_project()
    (root / "briefgen.yaml").write_text(settings)
    assert any(error.startswith(expected) for error in errors_for_root(root)), \
        errors_for_root(root)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("date: 2018-06-26", "date: 9999",
     "facts/base.yaml:16 (fact f2): 'date': '9999' is out of range: years go from 1000 to 2999"),
    ("date: 2018-06-26", "date: 0999-01-01", "'0999-01-01' is out of range"),
    ("    kind: event\n", "    kind: figure\n    value: 1.0e+308\n",
     "facts/base.yaml:16 (fact f2): 'value': 1e+308 is out of range: figures go from -10^15"),
    ("    kind: event\n", "    kind: figure\n    value: .inf\n", "'value': inf is out of range"),
    ("    kind: event\n", "    kind: figure\n    value: 20000000000000000\n",
     "'value': 2e+16 is out of range"),
    ("    kind: event\n", "    kind: figure\n    value: " + "7" * 5000 + "\n",
     "facts/base.yaml:16: the number 77777777777777777777… is longer than 40 characters"),
])
def test_years_and_values_are_bounded(make_project: ProjectFactory, old: str, new: str,
                                      expected: str) -> None:
    assert old in MINIMAL_BASE
    errors = errors_for(make_project, base=MINIMAL_BASE.replace(old, new, 1))
    assert any(expected in error for error in errors), errors


def test_meeting_date_is_bounded(make_project: ProjectFactory) -> None:
    errors = errors_for(make_project, pack=MINIMAL_PACK.replace("2026-12-03", "9999-12-31"))
    assert any("packs/meeting.yaml:4: 'meeting.date': '9999-12-31' is out of range" in e
               for e in errors), errors


@pytest.mark.parametrize(("field", "line"), [("url", 7), ("publisher", 7), ("key", 7)])
def test_every_string_field_gets_the_text_hygiene(make_project: ProjectFactory, field: str,
                                                  line: int) -> None:
    if field == "url":
        new = 'publisher: Ministère, url: "https://example.org/\\u202Egnp.exe",'
    elif field == "publisher":
        new = 'publisher: "Minist\\u202Eère",'
    else:
        new = 'publisher: Ministère, "no\\u0007te": x,'
    base = MINIMAL_BASE.replace("publisher: Ministère,", new)
    errors = errors_for(make_project, base=base)
    code = "U+0007" if field == "key" else "U+202E"
    assert any(e.startswith(f"facts/base.yaml:{line}: ") and code in e for e in errors), errors
    assert all("\u202e" not in e and "\x07" not in e for e in errors)


def test_quoted_input_is_a_short_escaped_excerpt(make_project: ProjectFactory) -> None:
    key = "root:*:19000:0:99999:7:::" + "x" * 200
    base = MINIMAL_BASE.replace("subject: MA\n", f"subject: MA\n'{key}': 1\n")
    [error] = [e for e in errors_for(make_project, base=base) if "unknown field" in e]
    assert error == ("facts/base.yaml:4: unknown field 'root:*:19000:0:99999:7:::xxxxxxxxxxxxxxx…'"
                     "; check its spelling against the reference")
    assert excerpt("\x1b[31mred" * 50) == "\\u001B[31mred" * 5 + "…"
    assert excerpt("a\x1bb\u202ec\nd") == "a\\u001Bb\\u202Ec\\u000Ad"
    assert excerpt("Réunion du 12\u00a0500 ﷲ") == "Réunion du 12\u00a0500 ﷲ"


def errors_for_root(root: Path) -> list[str]:
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    return [str(error) for error in caught.value.errors]


def test_many_files_parse_on_every_core_to_the_same_result(make_project: ProjectFactory,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from benchmarks.synthetic import base_text

    from briefgen import load
    from briefgen.cache import ParseCache

    facts = {f"base-{i:04d}.yaml": base_text(i, 110) for i in range(24)}
    facts["base-0005.yaml"] = facts["base-0005.yaml"].replace("subject: ", "subject: XX#", 1)
    root = make_project(facts=facts, packs={"meeting.yaml": MINIMAL_PACK.replace(
        "facts: [base]", "facts: [base-0000]")})
    assert sum(len(text) for text in facts.values()) > load.PARALLEL_BYTES
    from briefgen import processes

    monkeypatch.setattr(processes, "may_spread", lambda: True)  # as in the CLI
    forked: list[int] = []
    real = processes.fork_map

    def counted(function: Any, count: int, jobs: int) -> Any:
        forked.append(jobs)
        return real(function, count, jobs)

    monkeypatch.setattr(processes, "fork_map", counted)
    results = []
    for jobs in (2, 1):
        with pytest.raises(briefgen.ValidationFailed) as caught:
            briefgen.load_project(root, cache=ParseCache(), jobs=jobs)
        results.append([str(error) for error in caught.value.errors])
    assert forked == [2]  # one pool of two processes, for the first load only
    assert results[0] == results[1]
    assert any(error.startswith("facts/base-0005.yaml:") for error in results[0])
    (root / "facts" / "base-0005.yaml").write_text(base_text(5, 110))
    two = briefgen.load_project(root, cache=ParseCache(), jobs=2)
    one = briefgen.load_project(root, cache=ParseCache(), jobs=1)
    assert {k: (v.model, v.lines) for k, v in two.bases.items()} == {
        k: (v.model, v.lines) for k, v in one.bases.items()}
