"""What :mod:`briefgen.validate` checks across fields and files, each error located (file,
line, fact id) with its message and hint: sections, people and participants, the dates of
clearance and issue, a pack's tags, the translations a pack needs, duplicate ids and
listings, photos; and :func:`check_issue_date`, :func:`briefgen.i18n.language_name`,
``Templates.catalog_languages`` and :func:`validate_base` called directly."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import briefgen
from briefgen.apparatus import DatedAfterMeeting, check_issue_date
from briefgen.i18n import language_name
from briefgen.load import Loaded, load_file
from briefgen.model import FactBase
from briefgen.templating import Templates
from briefgen.validate import validate_base
from tests.support.projects import MINIMAL_PACK

BASE = """\
id: base
title: {fr: Base de test, en: Test base}
subject: MA
as_of: 2022-05
languages: [fr, en]
sections:
  intro: {fr: Introduction, en: Introduction}
  outro: {fr: Conclusion, en: Conclusion}
sources:
  - {id: s1, title: {fr: Source un, en: Source one}, publisher: Ministère, date: 2022-05}
  - {id: s2, title: {fr: Source deux, en: Source two}}
facts:
  - id: f1
    kind: position
    section: intro
    tags: [coalition]
    text: {fr: "Le Maroc soutient la Coalition.", en: "Morocco supports the Coalition."}
    talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the Coalition."}
    sources: [s1]
  - id: f2
    kind: event
    date: 2018-06-26
    tags: [history]
    text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}
    sources: [s2]
people:
  - id: amina
    name: Amina Diallo
    bio:
      - {id: post, kind: role, text: {fr: Ministre., en: Minister.}, sources: [s1]}
  - id: omar
    name: Omar Benali
"""

PACK = MINIMAL_PACK

Error = tuple[str, int | None, str | None, str, str | None]


def errors_of(make_project: Any, base: str = BASE, pack: str = PACK,
              facts: dict[str, str] | None = None) -> list[Error]:
    """Every error ``load_project`` reports: (file, line, fact id, message, hint)."""
    root = make_project(facts=facts or {"base.yaml": base}, packs={"meeting.yaml": pack})
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    return [(e.location.file, e.location.line, e.location.fact_id, e.message, e.hint)
            for e in caught.value.errors]


def test_the_fixtures_are_valid(make_project: Any) -> None:
    project = briefgen.load_project(make_project(facts={"base.yaml": BASE},
                                                 packs={"meeting.yaml": PACK}))
    assert list(project.bases) == ["base"] and list(project.packs) == ["meeting"]


# -- Sections --------------------------------------------------------------------------------


def test_an_unknown_section_names_the_declared_ones(make_project: Any) -> None:
    base = BASE.replace("    section: intro\n", "    section: intor\n")
    assert errors_of(make_project, base) == [(
        "facts/base.yaml", 15, "f1", "unknown section 'intor'",
        "declare it under 'sections:' at the top of the file (intro, outro)")]


# -- People and participants -----------------------------------------------------------------


def test_participants_must_be_people_of_the_packs_bases(make_project: Any) -> None:
    other = ("id: other\ntitle: {fr: Autre, en: Other}\nsubject: US\nas_of: 2022\n"
             "languages: [fr, en]\npeople:\n  - {id: jane, name: Jane Doe}\n")
    elsewhere = ("id: elsewhere\ntitle: {fr: Ailleurs, en: Elsewhere}\nsubject: FR\n"
                 "as_of: 2022\nlanguages: [fr, en]\npeople:\n  - {id: paul, name: Paul}\n")
    pack = PACK.replace("facts: [base]", "facts: [base, other]") + (
        "counterpart_person: jane\n"
        "participants:\n  theirs: [jane, paul]\n  ours: [amina, nobody]\n")
    found = errors_of(make_project, pack=pack, facts={
        "base.yaml": BASE, "other.yaml": other, "elsewhere.yaml": elsewhere})
    hint = ("use the id of a person under 'people:' in the pack's fact bases "
            "(amina, jane, omar)")  # paul's base is not the pack's
    assert found == [
        ("packs/meeting.yaml", 12, None, "unknown person 'paul'", hint),
        ("packs/meeting.yaml", 13, None, "unknown person 'nobody'", hint),
    ]


def test_an_unknown_counterpart_is_located(make_project: Any) -> None:
    found = errors_of(make_project, pack=PACK + "counterpart_person: omr\n")
    assert [(file, line, message) for file, line, _, message, _ in found] == [
        ("packs/meeting.yaml", 10, "unknown person 'omr'")]


def test_a_pack_without_people_says_so(make_project: Any) -> None:
    base = BASE.split("people:\n")[0]
    found = errors_of(make_project, base, PACK + "participants: {ours: [amina]}\n")
    assert [hint for *_, hint in found] == [
        "use the id of a person under 'people:' in the pack's fact bases (none)"]


def test_a_duplicate_biography_id(make_project: Any) -> None:
    base = BASE + (
        "    bio:\n      - {id: a, kind: role, text: {fr: A., en: A.}}\n"
        "      - {id: a, kind: role, text: {fr: B., en: B.}}\n")
    assert errors_of(make_project, base) == [
        ("facts/base.yaml", 35, "a", "duplicate id 'a' in the biography of 'omar'",
         "give each one its own id")]


def test_a_duplicate_person_id(make_project: Any) -> None:
    base = BASE.replace("  - id: omar\n", "  - id: amina\n")
    assert errors_of(make_project, base) == [
        ("facts/base.yaml", 31, None, "duplicate person id 'amina' (first used on line 27)",
         "give each one its own id")]


def test_a_biography_cites_a_known_source(make_project: Any) -> None:
    base = BASE.replace("sources: [s1]}", "sources: [s1, s9]}")
    assert errors_of(make_project, base) == [(
        "facts/base.yaml", 30, "post", "unknown source 's9'",
        "declare it under 'sources:' at the top of the file (s1, s2)")]


def test_duplicate_source_ids(make_project: Any) -> None:
    base = BASE.replace("{id: s2, title", "{id: s1, title")
    found = errors_of(make_project, base)
    assert ("facts/base.yaml", 11, None, "duplicate source id 's1' (first used on line 10)",
            "give each one its own id") in found


# -- Photos ----------------------------------------------------------------------------------


def with_photo(photo: str) -> str:
    return BASE.replace("    name: Omar Benali\n", f"    name: Omar Benali\n    photo: {photo}\n")


PHOTO_HINT = ("use a PNG or JPEG file inside the project, named relative to this file's "
              "folder")


def test_a_photo_that_is_a_folder(make_project: Any) -> None:
    root = make_project(facts={"base.yaml": with_photo("portraits")},
                        packs={"meeting.yaml": PACK})
    (root / "facts" / "portraits").mkdir()
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    [error] = caught.value.errors
    assert (error.location.file, error.location.line, error.message, error.hint) == (
        "facts/base.yaml", 33, "photo 'portraits' of 'omar': the photo is not a regular file",
        PHOTO_HINT)


def test_a_truncated_photo_cannot_be_decoded(make_project: Any, tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": with_photo("omar.png")},
                        packs={"meeting.yaml": PACK})
    Image.new("RGB", (64, 64), (10, 200, 30)).save(tmp_path / "omar.png", "PNG")
    data = (tmp_path / "omar.png").read_bytes()
    (root / "facts" / "omar.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    [error] = caught.value.errors
    assert error.message.startswith("photo 'omar.png' of 'omar': the photo cannot be decoded")
    (root / "facts" / "omar.png").write_bytes(data)  # a good photo: the base is checked again
    assert briefgen.load_project(root).bases["base"].model.people[1].photo == "omar.png"


def test_validate_base_checks_photos_only_inside_a_project(make_project: Any) -> None:
    root = make_project(facts={"base.yaml": with_photo("missing.png")},
                        packs={"meeting.yaml": PACK})
    loaded: Loaded[FactBase] = load_file(root / "facts" / "base.yaml", "facts/base.yaml",
                                         FactBase, root)
    assert validate_base(loaded) == []  # no project folder: the photo is not looked at
    [error] = validate_base(loaded, root)
    assert error.message == "photo 'missing.png' of 'omar': the photo file does not exist"
    assert error.location.line == 33


# -- Dates of the pack -----------------------------------------------------------------------


MEETING_OF_TWO_DAYS = PACK.replace("  date: 2026-12-03\n",
                                   "  date: 2026-12-03\n  end: 2026-12-04\n")


def test_clearance_and_issue_on_the_meetings_last_day_are_fine(make_project: Any) -> None:
    pack = MEETING_OF_TWO_DAYS + (
        "status: cleared\nissued: 2026-12-04\n"
        "clearance:\n  - {name: A. Director, date: 2026-12-04}\n")
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    assert briefgen.load_project(root).packs["meeting"].model.issued == dt.date(2026, 12, 4)


def test_clearance_and_issue_after_the_meetings_last_day(make_project: Any) -> None:
    pack = MEETING_OF_TWO_DAYS + (
        "status: cleared\nissued: 2026-12-05\n"
        "clearance:\n  - {name: A. Deputy, date: 2026-12-01}\n"
        "  - {name: A. Director, date: 2026-12-06}\n")
    assert errors_of(make_project, pack=pack) == [
        ("packs/meeting.yaml", 12, None,
         "issued on 2026-12-05, after the meeting (2026-12-04)",
         "a brief is issued before the meeting: check the date"),
        ("packs/meeting.yaml", 15, None,
         "cleared on 2026-12-06, after the meeting (2026-12-04)",
         "a brief is cleared before the meeting: check the date"),
    ]


def test_a_meeting_that_ends_before_it_starts(make_project: Any) -> None:
    pack = PACK.replace("  date: 2026-12-03\n", "  date: 2026-12-03\n  end: 2026-12-02\n"
                        "  previous: 2026-12-03\n")
    assert errors_of(make_project, pack=pack) == [
        ("packs/meeting.yaml", 5, None, "the meeting ends before it starts", None),
        ("packs/meeting.yaml", 6, None, "the previous meeting is not before this one", None),
    ]


# -- Tags, listings --------------------------------------------------------------------------


def test_a_tag_no_fact_carries(make_project: Any) -> None:
    found = errors_of(make_project, pack=PACK + "tags: [coalition, histroy]\n")
    assert found == [(
        "packs/meeting.yaml", 10, None, "no fact carries the tag 'histroy'",
        "use one of the tags of fact bases base: coalition, history")]


def test_a_tag_of_another_base_of_the_pack_is_fine(make_project: Any) -> None:
    other = BASE.replace("id: base\n", "id: other\n", 1).replace("[history]", "[partners]")
    pack = PACK.replace("facts: [base]", "facts: [base, other]") + "tags: [partners]\n"
    root = make_project(facts={"base.yaml": BASE, "other.yaml": other},
                        packs={"meeting.yaml": pack})
    assert briefgen.load_project(root).packs["meeting"].model.tags == ("partners",)


def test_a_language_or_document_listed_twice(make_project: Any) -> None:
    pack = PACK.replace("languages: [fr, en]", "languages: [fr, en, fr]").replace(
        "documents: [briefing-note]", "documents: [briefing-note, fact-sheet, briefing-note]")
    found = [(file, line, message) for file, line, _, message, _ in
             errors_of(make_project, pack=pack)]
    assert found == [("packs/meeting.yaml", 6, "a language is listed twice"),
                     ("packs/meeting.yaml", 9, "a document is listed twice")]


def test_two_files_with_one_id(make_project: Any) -> None:
    found = errors_of(make_project, facts={"base.yaml": BASE, "copy.yaml": BASE})
    assert found == [("facts/copy.yaml", 1, None, "id 'base' is already used by facts/base.yaml",
                      "give each file its own id")]


# -- Translations a pack needs ---------------------------------------------------------------


def test_a_missing_translation_of_a_drawn_fact(make_project: Any) -> None:
    base = BASE.replace(', en: "We support the Coalition."}', "}")
    found = errors_of(make_project, base)
    assert [(file, line, fact_id, message) for file, line, fact_id, message, _ in found] == [
        ("facts/base.yaml", 18, "f1",
         "'talking_point' has no translation for language en, which pack 'meeting' needs")]
    assert found[0][4] is not None and "--lang en" in found[0][4]


def test_a_missing_translation_of_a_fact_the_pack_leaves_out(make_project: Any) -> None:
    base = BASE.replace(', en: "We support the Coalition."}', "}")
    root = make_project(facts={"base.yaml": base},
                        packs={"meeting.yaml": PACK + "tags: [history]\n"})
    assert "meeting" in briefgen.load_project(root).packs  # f1 is not in the pack


def test_a_pack_text_without_every_language(make_project: Any) -> None:
    pack = PACK + (
        "purpose: {fr: Un but}\n"
        "objectives:\n  - {fr: Un, en: One}\n  - {en: Two}\n"
        "drafted_by: {name: A. Writer, unit: {fr: DAAO}}\n")
    assert errors_of(make_project, pack=pack) == [
        ("packs/meeting.yaml", 10, None, "'purpose' has no translation for language en",
         "add en: ... (every text needs each language in 'languages:')"),
        ("packs/meeting.yaml", 13, None, "'objectives' has no translation for language fr",
         "add fr: ... (every text needs each language in 'languages:')"),
        ("packs/meeting.yaml", 14, None, "'drafted_by.unit' has no translation for language en",
         "add en: ... (every text needs each language in 'languages:')"),
    ]


def test_a_text_missing_two_languages_says_both(make_project: Any) -> None:
    pack = (PACK.replace("languages: [fr, en]", "languages: [fr, en, ar]")
            .replace("en: Test meeting}", "en: Test meeting, ar: اجتماع}")
            .replace("en: Rabat}", "en: Rabat, ar: الرباط}")
            .replace("en: RESTRICTED}", "en: RESTRICTED, ar: محدود}")
            + "purpose: {fr: Un but}\n")
    base = BASE.replace("languages: [fr, en]", "languages: [fr, en, ar]")
    found = [(line, message, hint) for file, line, _, message, hint in
             errors_of(make_project, base, pack) if file == "packs/meeting.yaml"]
    assert (10, "'purpose' has no translation for languages en, ar",
            "add en: ..., ar: ... (every text needs each language in 'languages:')") in found


# -- The date of issue -----------------------------------------------------------------------


def loaded_pack(make_project: Any, pack: str) -> Any:
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": pack})
    return briefgen.load_project(root).packs["meeting"]


def test_documents_dated_up_to_the_meetings_last_day_are_fine(make_project: Any) -> None:
    loaded = loaded_pack(make_project, MEETING_OF_TWO_DAYS)
    for day in (dt.date(2020, 1, 1), dt.date(2026, 12, 3), dt.date(2026, 12, 4)):
        assert check_issue_date(loaded, day) is None


def test_documents_dated_after_a_meeting_with_no_issued_date(make_project: Any) -> None:
    loaded = loaded_pack(make_project, MEETING_OF_TWO_DAYS)
    error = check_issue_date(loaded, dt.date(2026, 12, 5))
    assert isinstance(error, DatedAfterMeeting) and error.code == "past-meeting"
    assert (error.location.file, error.location.line) == ("packs/meeting.yaml", 4)
    assert error.message == (
        "the meeting (2026-12-03 to 2026-12-04) is past: built today, 2026-12-05, its "
        "documents would be dated after it, as the pack sets no issued: date")
    assert error.hint == (
        "set issued: YYYY-MM-DD in the pack (the day the brief was issued) to build it as it "
        "was on that day, or move the meeting's date")


def test_documents_dated_after_a_one_day_meeting_of_a_pack_with_issued(
        make_project: Any) -> None:
    loaded = loaded_pack(make_project, PACK + "issued: 2026-11-02\n")
    assert check_issue_date(loaded, dt.date(2026, 12, 3)) is None
    error = check_issue_date(loaded, dt.date(2026, 12, 4))
    assert error is not None
    assert error.message == ("the documents would be dated 2026-12-04, after the meeting "
                             "(2026-12-03)")
    assert error.hint == "give a date of issue on or before the meeting's last day"
    assert "issued:" not in error.message  # the pack has one: this is a date given to build


# -- Languages and catalogs ------------------------------------------------------------------


def test_a_language_as_a_user_reads_it() -> None:
    assert language_name("de") == "German ('de')"
    assert language_name("pt_BR") == "Portuguese (Brazil) ('pt_BR')"


def test_the_languages_that_have_labels(tmp_path: Path) -> None:
    assert Templates(None).catalog_languages() == ["ar", "de", "en", "es", "fr"]
    catalog = tmp_path / "templates" / "locale" / "it" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Language: it\\n"\n', encoding="utf-8")
    assert Templates(tmp_path / "templates").catalog_languages() == [
        "ar", "de", "en", "es", "fr", "it"]


def test_a_catalog_of_the_project_gives_a_language_its_labels(make_project: Any) -> None:
    def italian(text: str) -> str:  # every text map gets an it: entry, the English one
        return re.sub(r'en: ("[^"]*"|[^,}"]+)}', r"en: \1, it: \1}", text).replace(
            "languages: [fr, en]", "languages: [fr, it]" if text.startswith("id: meeting")
            else "languages: [fr, en, it]")

    base, pack = italian(BASE), italian(PACK)
    found = errors_of(make_project, base, pack)
    assert [(line, message) for _, line, _, message, _ in found] == [
        (6, "no labels in Italian ('it'): no catalog translates the headings into it (there "
            "are catalogs for ar, de, en, es, fr)")]
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack}, templates={
        "locale/it/LC_MESSAGES/messages.po": 'msgid ""\nmsgstr ""\n"Language: it\\n"\n\n'
                                             'msgid "Background"\nmsgstr "Contesto"\n'})
    assert briefgen.load_project(root).packs["meeting"].model.languages == ("fr", "it")
