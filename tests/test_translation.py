"""Translation state: source language, stamps, missing and outdated translations in `check`,
what a pack needs, and what the build does with them."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen
from briefgen.check import as_json, as_text, check
from briefgen.context import pack_view
from briefgen.errors import Location
from briefgen.translation.state import TranslationError, source_hash
from briefgen.translation.workflow import stamp
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    ProjectFactory,
    load_demo,
    replace_once,
)


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of ``path`` holding ``needle`` (once)."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def translation_findings(root: Path) -> list[tuple[str, str, int | None, str | None, str]]:
    return [(f.severity, f.code, f.line, f.fact_id, f.message) for f in check(root).findings
            if f.code.startswith("translation-")]


@pytest.fixture
def tracked(make_project: ProjectFactory) -> Path:
    """The minimal project with its translations stamped."""
    root = make_project()
    stamp(root)
    return root


def test_source_hash_ignores_how_the_text_is_wrapped() -> None:
    assert source_hash("Le Maroc  soutient\nla Coalition.") == source_hash(
        "Le Maroc soutient la Coalition.")
    assert source_hash("Le Maroc soutient la Coalition.") != source_hash(
        "Le Maroc soutient la Coalition !")
    assert len(source_hash("x")) == 8


def test_the_demo_is_stamped_and_current() -> None:
    report = check(load_demo())
    assert not [f for f in report.findings if f.code.startswith("translation-")]
    assert report.translations == {"en": {"missing": 0, "outdated": 0},
                                   "ar": {"missing": 0, "outdated": 0}}
    base = load_demo().bases["ma-coalition-daesh"].model
    fact = next(f for f in base.facts if f.id == "skhirat-meeting")
    assert fact.translated_from is not None
    assert fact.translated_from.text == {"en": source_hash(fact.text["fr"]),
                                         "ar": source_hash(fact.text["fr"])}


def test_editing_the_source_outdates_every_translation(tracked: Path) -> None:
    replace_once(tracked / "facts/base.yaml", '"Le Maroc soutient la Coalition."',
                 '"Le Maroc soutient pleinement la Coalition."')
    line = line_of(tracked / "facts/base.yaml", "en: \"Morocco supports")
    assert translation_findings(tracked) == [
        ("warning", "translation-outdated", line, "f1",
         "'text': the en translation is outdated (the fr text changed since it was "
         "translated)")]
    report = check(tracked)
    assert report.translations == {"en": {"missing": 0, "outdated": 1}}
    assert json.loads(as_json(report))["summary"]["translations"] == {
        "en": {"missing": 0, "outdated": 1}}
    assert "translations: en 1 outdated" in as_text(report)
    assert report.failed(strict=True) and not report.failed()


def test_editing_a_translation_alone_keeps_it_current(tracked: Path) -> None:
    replace_once(tracked / "facts/base.yaml", '"Morocco supports the Coalition."',
                 '"Morocco fully supports the Coalition."')
    assert translation_findings(tracked) == []


def test_rewrapping_the_source_keeps_translations_current(tracked: Path) -> None:
    replace_once(tracked / "facts/base.yaml", 'fr: "Le Maroc soutient la Coalition."',
                 "fr: >-\n        Le Maroc soutient\n        la Coalition.")
    assert translation_findings(tracked) == []


def test_an_untracked_base_reports_only_missing_translations(
        make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace('talking_point: {fr: "Nous soutenons la Coalition.", '
                                'en: "We support the Coalition."}',
                                'talking_point: {fr: "Nous soutenons la Coalition."}')
    pack = MINIMAL_PACK.replace("languages: [fr, en]", "languages: [fr]")
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})
    assert translation_findings(root) == [
        ("warning", "translation-missing", 12, "f1", "'talking_point' has no en translation")]


def test_once_tracked_an_unstamped_translation_is_reported(tracked: Path) -> None:
    replace_once(tracked / "facts/base.yaml", "    kind: position\n",
                 "    kind: position\n    label: {fr: Soutien, en: Support}\n")
    [finding] = translation_findings(tracked)
    line = line_of(tracked / "facts/base.yaml", "label:")
    assert finding[:4] == ("warning", "translation-outdated", line, "f1")
    assert "'label': the en translation is not stamped" in finding[4]


def test_a_missing_translation_a_pack_needs_is_an_error(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace('text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}',
                                'text: {fr: "Réunion le {date}."}')
    root = make_project(facts={"base.yaml": base})
    [error] = check(root).errors
    assert (error.code, error.file, error.line, error.fact_id) == (
        "translation-missing", "facts/base.yaml", 17, "f2")
    assert error.message == "'text' has no translation for language en, which pack 'meeting' " \
                            "needs"
    assert "briefgen translate export --lang en" in (error.hint or "")
    result = subprocess.run([sys.executable, "-m", "briefgen", "build"], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "facts/base.yaml:17 (fact f2): 'text' has no translation for language en" in \
        result.stderr
    assert not (root / "build").exists()


def test_a_missing_translation_no_pack_needs_only_warns(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("    kind: event\n", "    kind: event\n    tags: [later]\n") \
        .replace('text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}',
                 'text: {fr: "Réunion le {date}."}') \
        .replace("    kind: position\n", "    kind: position\n    tags: [now]\n")
    root = make_project(facts={"base.yaml": base},
                        packs={"meeting.yaml": MINIMAL_PACK + "tags: [now]\n"})
    report = check(root)
    assert not report.errors
    assert [(f.code, f.line, f.fact_id) for f in report.warnings
            if f.code.startswith("translation")] == [("translation-missing", 19, "f2")]
    view = pack_view(briefgen.load_project(root), "meeting", "en", ISSUED)
    assert [fact.id for fact in view.facts] == ["f1"]


def test_the_source_language_must_have_every_text(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("languages: [fr, en]", "languages: [fr, en]\n"
                                "source_language: en").replace(
        'text: {fr: "Le Maroc soutient la Coalition.", en: "Morocco supports the Coalition."}',
        'text: {fr: "Le Maroc soutient la Coalition."}')
    errors = [e for e in check(make_project(facts={"base.yaml": base})).errors
              if e.file == "facts/base.yaml"]
    assert [(e.line, e.fact_id, e.message) for e in errors] == [
        (12, "f1", "'text' has no en text, and en is the language the base is written in")]


def test_source_language_and_stamps_are_validated(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("languages: [fr, en]", "languages: [fr, en]\n"
                                "source_language: de")
    [error] = [e for e in check(make_project(facts={"base.yaml": base})).errors
               if e.file == "facts/base.yaml"]
    assert (error.line, error.message) == (
        6, "the source language 'de' is not one of the base's languages (fr, en)")
    base = MINIMAL_BASE.replace("    sources: [s1]\n  - id: f2",
                                "    sources: [s1]\n    translated_from: {text: {en: 12345678}}"
                                "\n  - id: f2")
    [error] = [e for e in check(make_project(facts={"base.yaml": base})).errors
               if e.file == "facts/base.yaml"]
    assert (error.line, error.fact_id, error.message) == (
        14, "f1", "'translated_from.text.en': Input should be a valid string")
    base = MINIMAL_BASE.replace("    sources: [s1]\n  - id: f2",
                                "    sources: [s1]\n    translated_from: {text: {fr: 'abcdef12', "
                                "de: 'abcdef12'}}\n  - id: f2")
    errors = {(e.line, e.fact_id, e.message)
              for e in check(make_project(facts={"base.yaml": base})).errors}
    assert errors == {
        (14, "f1", "'translated_from': 'fr' is not a language translated from fr"),
        (14, "f1", "'translated_from': 'de' is not a language translated from fr")}


def test_the_build_uses_an_outdated_translation(tracked: Path) -> None:
    replace_once(tracked / "facts/base.yaml", '"Le Maroc soutient la Coalition."',
                 '"Le Maroc soutient pleinement la Coalition."')
    view = pack_view(briefgen.load_project(tracked), "meeting", "en", ISSUED)
    assert view.facts[0].text == "Morocco supports the Coalition."


def test_a_pack_may_refuse_outdated_translations(tracked: Path) -> None:
    replace_once(tracked / "facts/base.yaml", '"Réunion le {date}."', '"Réunion tenue le {date}."')
    replace_once(tracked / "packs/meeting.yaml", "facts: [base]\n",
                 "facts: [base]\nallow_outdated_translations: false\n")
    [error] = check(tracked).errors
    line = line_of(tracked / "facts/base.yaml", "Meeting on {date}")
    assert (error.code, error.file, error.line, error.fact_id) == (
        "translation-outdated", "facts/base.yaml", line, "f2")
    assert error.message == "'text': the en translation is outdated, and pack 'meeting' sets " \
                            "allow_outdated_translations: false"
    with pytest.raises(briefgen.ValidationFailed):
        briefgen.load_project(tracked)


def test_translation_errors_pickle() -> None:
    error = TranslationError("m", Location("f.yaml", 3, "f1"), "h", code="translation-outdated")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (copy.message, copy.location, copy.hint, copy.code) == (
        "m", Location("f.yaml", 3, "f1"), "h", "translation-outdated")


def test_check_strict_fails_on_an_outdated_translation(tracked: Path) -> None:
    replace_once(tracked / "facts/base.yaml", '"Le Maroc soutient la Coalition."',
                 '"Le Maroc soutient pleinement la Coalition."')
    args = [sys.executable, "-m", "briefgen", "check", "--today", "2026-11-20"]
    lenient = subprocess.run(args, cwd=tracked, capture_output=True, text=True, check=False)
    strict = subprocess.run([*args, "--strict", "--format", "json"], cwd=tracked,
                            capture_output=True, text=True, check=False)
    line = line_of(tracked / "facts/base.yaml", "en: \"Morocco supports")
    assert f"facts/base.yaml:{line}: warning [f1] translation-outdated: 'text': the en " \
           "translation" in \
        lenient.stdout
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["summary"]["translations"]["en"]["outdated"] == 1


PEOPLE = MINIMAL_BASE + """\
people:
  - id: amina
    name: Amina Diallo
    title: {fr: Ministre déléguée, en: Deputy Minister}
    bio:
      - id: post
        kind: role
        date: 2023
        text: {fr: "Ministre déléguée depuis {date}.", en: "Deputy Minister since {date}."}
        sources: [s1]
"""


def test_people_are_translated_and_tracked_like_facts(make_project: ProjectFactory,
                                                      tmp_path: Path) -> None:
    pack = MINIMAL_PACK + "counterpart_person: amina\n"
    root = make_project(facts={"base.yaml": PEOPLE}, packs={"meeting.yaml": pack})
    stamp(root)
    base = root / "facts" / "base.yaml"
    assert translation_findings(root) == []
    replace_once(base, "title: {fr: Ministre déléguée,", "title: {fr: Ministre,")
    replace_once(base, 'text: {fr: "Ministre déléguée depuis {date}."',
                 'text: {fr: "Ministre depuis {date}."')
    found = translation_findings(root)
    assert [(code, line, fact, message.split(":")[0]) for _, code, line, fact, message in found] \
        == [("translation-outdated", line_of(base, "title: {fr: Ministre,"), "amina",
             "'people.amina.title'"),
            ("translation-outdated", line_of(base, 'text: {fr: "Ministre depuis'), "amina/post",
             "'text'")]
    # The pack shows the person: with outdated translations refused, it cannot build.
    strict = make_project(facts={"base.yaml": base.read_text()}, packs={
        "meeting.yaml": pack + "allow_outdated_translations: false\n"})
    with pytest.raises(briefgen.ValidationFailed, match=r"people\.amina\.title"):
        briefgen.load_project(strict)
