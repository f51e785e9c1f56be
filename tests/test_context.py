"""The view every document fills (:func:`briefgen.context.pack_view`, :mod:`briefgen.views`),
worked out on small projects: which facts a pack draws, the background's sections and
their order, what is new since the previous meeting, one numbering of the sources, dates,
numbers and labels in the pack's language and digits, the staleness notice, and a view
that is a frozen value (the build fingerprints its ``repr``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import briefgen
from briefgen.context import labels_language, pack_view
from briefgen.views import KIND_GROUP, KIND_RANK, SECTIONS, PackView
from tests.support.projects import MINIMAL_PACK

ISSUED = dt.date(2026, 11, 20)

# Facts of every kind, in an order that is none of the orders the view makes: the
# background goes by kind, events by date, sources by first citation in the background.
BASE = """\
id: base
title: {fr: Base de test, en: Test base}
subject: MA
as_of: 2022-05
languages: [fr, en]
sources:
  - {id: s1, title: {fr: Source un, en: Source one}, publisher: Ministère, date: 2022-05}
  - {id: s2, title: {fr: Source deux, en: Source two}}
  - {id: s3, title: {fr: Source trois, en: Source three}, url: "https://example.org/3"}
  - {id: s4, title: {fr: Source quatre, en: Source four}}
facts:
  - id: fig
    kind: figure
    value: 12500
    tags: [money]
    text: {fr: "Contribution de {value} dollars.", en: "A contribution of {value} dollars."}
    label: {fr: Contribution, en: Contribution}
    sources: [s3, s1]
  - id: ev-late
    kind: event
    date: 2021-03-04
    text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}
    talking_point: {fr: "Nous nous sommes réunis.", en: "We met."}
    sources: [s2]
  - id: ev-early
    kind: event
    date: 2019-11-05
    text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}
    sources: [s1]
  - id: pos
    kind: position
    verified: 2022-01
    tags: [coalition]
    text: {fr: "Le Maroc soutient la Coalition.", en: "Morocco supports the Coalition."}
    talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the Coalition."}
    if_raised: {fr: "Nous restons engagés.", en: "We remain committed."}
    sources: [s2]
  - id: role
    kind: role
    text: {fr: "Le Maroc copréside le groupe.", en: "Morocco co-chairs the group."}
  - id: mem
    kind: membership
    date: 2020
    tags: [coalition]
    text: {fr: "Le Maroc est membre.", en: "Morocco is a member."}
    talking_point: {fr: "Nous sommes membres.", en: "We are members."}
  - id: pri
    kind: principle
    date: 2020-07
    text: {fr: "Un principe.", en: "A principle."}
"""

PACK = MINIMAL_PACK


def view_of(make_project: Any, lang: str = "en", *, base: str = BASE, pack: str = PACK,
            facts: dict[str, str] | None = None, issued: dt.date = ISSUED) -> PackView:
    root = make_project(facts=facts or {"base.yaml": base}, packs={"meeting.yaml": pack})
    return pack_view(briefgen.load_project(root), "meeting", lang, issued)


def ids(facts: Any) -> list[str]:
    return [fact.id for fact in facts]


# -- Which facts, in which sections ----------------------------------------------------------


def test_the_sections_go_by_kind_in_reading_order(make_project: Any) -> None:
    view = view_of(make_project)
    assert [(s.kind, s.title, ids(s.facts)) for s in view.sections] == [
        ("position", None, ["pos"]),
        ("principle", None, ["pri"]),
        ("membership", None, ["role", "mem"]),  # roles go with memberships, in file order
        ("event", None, ["ev-early", "ev-late"]),  # events by date
        ("figure", None, ["fig"]),
    ]
    assert ids(view.facts) == ["fig", "ev-late", "ev-early", "pos", "role", "mem", "pri"]


def test_the_kind_tables_agree() -> None:
    assert [name for name, _ in SECTIONS] == ["position", "principle", "membership", "event",
                                              "figure"]
    assert KIND_GROUP["role"] == "membership"
    assert KIND_RANK["role"] == KIND_RANK["membership"] < KIND_RANK["event"]
    assert set(KIND_RANK) == set(KIND_GROUP) == {
        "position", "principle", "membership", "role", "event", "figure"}


def test_a_pack_with_tags_draws_only_the_facts_carrying_one(make_project: Any) -> None:
    view = view_of(make_project, pack=PACK + "tags: [coalition, money]\n")
    assert ids(view.facts) == ["fig", "pos", "mem"]
    assert [s.kind for s in view.sections] == ["position", "membership", "figure"]
    assert view.fact_ids == ("base/fig", "base/pos", "base/mem")


def test_events_without_a_date_come_after_the_dated_ones(make_project: Any) -> None:
    base = BASE.replace("    date: 2019-11-05\n", "")
    view = view_of(make_project, base=base)
    [events] = [s for s in view.sections if s.kind == "event"]
    assert ids(events.facts) == ["ev-late", "ev-early"]


def test_events_of_one_year_at_different_precisions(make_project: Any) -> None:
    base = BASE + (
        "  - id: ev-year\n    kind: event\n    date: 2019\n"
        "    text: {fr: \"En {date}.\", en: \"In {date}.\"}\n")
    view = view_of(make_project, base=base)
    [events] = [s for s in view.sections if s.kind == "event"]
    assert set(ids(events.facts)) == {"ev-year", "ev-early", "ev-late"}
    assert ids(events.facts)[-1] == "ev-late"


SECTIONED = BASE.replace("facts:\n", """\
sections:
  partners: {fr: Partenaires, en: Partners}
  ours: {fr: Nos principes, en: Our principles}
facts:
""", 1).replace("    kind: role\n", "    kind: role\n    section: partners\n").replace(
    "    kind: principle\n", "    kind: principle\n    section: ours\n") + """\
  - id: ev-partner
    kind: event
    section: partners
    date: 2018
    text: {fr: "Un partenariat.", en: "A partnership."}
"""


def test_a_named_section_takes_the_place_of_its_first_facts_kind(make_project: Any) -> None:
    view = view_of(make_project, base=SECTIONED)
    assert [(s.kind, s.title, s.id, ids(s.facts)) for s in view.sections] == [
        ("position", None, None, ["pos"]),
        ("principle", "Our principles", "ours", ["pri"]),
        ("membership", None, None, ["mem"]),  # the kind's own group before a named one
        ("membership", "Partners", "partners", ["role", "ev-partner"]),  # in file order
        ("event", None, None, ["ev-early", "ev-late"]),
        ("figure", None, None, ["fig"]),
    ]
    french = view_of(make_project, "fr", base=SECTIONED)
    assert [s.title for s in french.sections if s.title] == ["Nos principes", "Partenaires"]


def test_a_named_sections_kind_is_the_kind_whose_place_it_takes(make_project: Any) -> None:
    base = BASE.replace("facts:\n", "sections:\n  mixed: {fr: Mixte, en: Mixed}\nfacts:\n", 1)
    base += (
        "  - {id: fig2, kind: figure, section: mixed, value: 3, text: {fr: '{value}.', "
        "en: '{value}.'}}\n"
        "  - {id: pos2, kind: position, section: mixed, text: {fr: Oui., en: Yes.}}\n")
    view = view_of(make_project, base=base)
    [mixed] = [s for s in view.sections if s.id == "mixed"]
    assert ids(mixed.facts) == ["fig2", "pos2"]
    ranks = [KIND_RANK[s.kind] for s in view.sections]
    assert ranks == sorted(ranks), [(s.kind, s.id) for s in view.sections]


def test_named_sections_of_one_rank_follow_the_bases_order(make_project: Any) -> None:
    base = BASE.replace("facts:\n", (
        "sections:\n  second: {fr: Deux, en: Two}\n  first: {fr: Un, en: One}\nfacts:\n"), 1)
    base += (
        "  - {id: p1, kind: position, section: first, text: {fr: Un., en: One.}}\n"
        "  - {id: p2, kind: position, section: second, text: {fr: Deux., en: Two.}}\n")
    view = view_of(make_project, base=base)
    assert [(s.kind, s.title) for s in view.sections[:3]] == [
        ("position", None), ("position", "Two"), ("position", "One")]


# -- Since the previous meeting --------------------------------------------------------------


def test_what_is_new_since_the_previous_meeting_newest_first(make_project: Any) -> None:
    pack = PACK.replace("  date: 2026-12-03\n", "  date: 2026-12-03\n  previous: 2020-06-01\n")
    view = view_of(make_project, pack=pack)
    # pos: verified 2022-01; ev-late: 2021-03-04; pri: 2020-07 (from 1 July, after 1 June).
    # mem is dated 2020: it may be before 1 June, so it is not known to be new.
    assert ids(view.since_previous) == ["pos", "ev-late", "pri"]
    assert {f.id for f in view.facts if f.is_new} == {"pos", "ev-late", "pri"}
    assert view.previous == dt.date(2020, 6, 1)
    assert view.previous_label == "June 1, 2020"


def test_a_fact_dated_the_day_of_the_previous_meeting_is_not_new(make_project: Any) -> None:
    pack = PACK.replace("  date: 2026-12-03\n", "  date: 2026-12-03\n  previous: 2021-03-04\n")
    view = view_of(make_project, pack=pack)
    assert "ev-late" not in ids(view.since_previous)


def test_without_a_previous_meeting_nothing_is_new(make_project: Any) -> None:
    view = view_of(make_project)
    assert view.since_previous == ()
    assert not any(fact.is_new for fact in view.facts)
    assert view.previous is None and view.previous_label is None


# -- Sources ---------------------------------------------------------------------------------


def test_sources_are_numbered_once_in_order_of_first_citation(make_project: Any) -> None:
    view = view_of(make_project)
    # The background cites s2 (pos), then s1 (ev-early), then s3 (fig); s4 is never cited.
    assert [(s.number, s.id, s.label) for s in view.sources] == [
        (1, "s2", "1"), (2, "s1", "2"), (3, "s3", "3")]
    facts = {fact.id: fact for fact in view.facts}
    assert facts["fig"].source_numbers == (2, 3)  # in number order, not as the fact lists them
    assert facts["ev-late"].source_numbers == facts["pos"].source_numbers == (1,)
    assert facts["role"].sources == ()
    sections = {fact.id: fact for s in view.sections for fact in s.facts}
    assert sections["fig"].source_numbers == (2, 3)  # the sections hold the same facts


def test_a_source_view_says_what_the_document_prints(make_project: Any) -> None:
    view = view_of(make_project, "fr")
    s1, s3 = view.sources[1], view.sources[2]
    assert (s1.title, s1.publisher, s1.date_label, s1.url) == (
        "Source un", "Ministère", "mai 2022", None)
    assert (s3.title, s3.url, s3.base_id) == ("Source trois", "https://example.org/3", "base")
    assert view.source_ids == ("base/s2", "base/s1", "base/s3")


def test_sources_of_two_bases_are_numbered_apart(make_project: Any) -> None:
    other = BASE.replace("id: base\n", "id: other\n", 1).replace("as_of: 2022-05", "as_of: 2023")
    pack = PACK.replace("facts: [base]", "facts: [base, other]") + "tags: [money]\n"
    view = view_of(make_project, facts={"base.yaml": BASE, "other.yaml": other}, pack=pack)
    # Each base's fig cites its own s3 and s1: four sources, though two ids.
    assert [(s.number, s.base_id, s.id) for s in view.sources] == [
        (1, "base", "s3"), (2, "base", "s1"), (3, "other", "s3"), (4, "other", "s1")]
    assert [f.source_numbers for f in view.facts] == [(1, 2), (3, 4)]
    assert view.as_of_label == "2023"  # the newest of the bases'
    assert [b.id for b in view.bases] == ["base", "other"]


# -- Dates, numbers and labels in the pack's language ----------------------------------------


def test_dates_and_numbers_in_french(make_project: Any) -> None:
    pack = PACK.replace("  date: 2026-12-03\n", "  date: 2026-12-03\n  end: 2026-12-04\n")
    view = view_of(make_project, "fr", pack=pack)
    facts = {fact.id: fact for fact in view.facts}
    assert facts["ev-early"].date_label == "5 novembre 2019"
    assert facts["ev-early"].text == "Réunion le 5\u00a0novembre\u00a02019."  # typeset
    assert facts["ev-early"].text_shows_date
    assert facts["pri"].date_label == "juillet 2020"
    assert facts["mem"].date_label == "2020"
    assert facts["fig"].value_label == "12\u202f500"
    assert facts["fig"].text == "Contribution de 12\u202f500 dollars."
    assert (view.date_label, view.issued_label, view.as_of_label) == (
        "3–4 décembre 2026", "20 novembre 2026", "mai 2022")
    assert (view.title, view.place, view.classification) == (
        "Réunion de test", "Rabat", "DIFFUSION RESTREINTE")
    assert (view.lang, view.html_lang, view.dir, view.numbering) == ("fr", "fr", "ltr", "latn")
    assert view.end == dt.date(2026, 12, 4)


def test_dates_and_numbers_in_english(make_project: Any) -> None:
    view = view_of(make_project, "en")
    facts = {fact.id: fact for fact in view.facts}
    assert facts["ev-early"].text == "Meeting on November\u00a05, 2019."
    assert facts["fig"].value_label == "12,500"
    assert facts["role"].date_label is None and not facts["role"].text_shows_date
    assert (view.date_label, view.issued_label) == ("December 3, 2026", "November 20, 2026")
    assert view.subject_names == "Morocco"
    assert view.bases[0].subject_name == "Morocco" and view.bases[0].title == "Test base"


def test_the_date_of_issue_is_the_one_given(make_project: Any) -> None:
    view = view_of(make_project, "en", issued=dt.date(2026, 10, 1))
    assert (view.issued, view.issued_label) == (dt.date(2026, 10, 1), "October 1, 2026")


ARABIC_BASE = BASE.replace("languages: [fr, en]", "languages: [fr, en, ar]")
ARABIC_PACK = (PACK.replace("languages: [fr, en]", "languages: [fr, en, ar]")
               .replace("en: Test meeting}", "en: Test meeting, ar: اجتماع}")
               .replace("en: Rabat}", "en: Rabat, ar: الرباط}")
               .replace("en: RESTRICTED}", "en: RESTRICTED, ar: محدود}"))


def arabic(text: str) -> str:
    """``text`` (a fact base) with an ``ar`` entry, the English one, in every text map."""
    return re.sub(r'en: ("[^"]*"|[^,}"]+)}', r"en: \1, ar: \1}", text)


def test_arabic_digits_where_the_pack_asks_for_them(make_project: Any) -> None:
    base = arabic(ARABIC_BASE)
    view = view_of(make_project, "ar", base=base, pack=ARABIC_PACK + "numbering: arab\n")
    assert view.numbering == "arab" and view.dir == "rtl"
    assert view.issued_label == "٢٠ نوفمبر ٢٠٢٦"
    assert [s.label for s in view.sources] == ["١", "٢", "٣"]
    facts = {fact.id: fact for fact in view.facts}
    assert facts["fig"].source_labels == ("٢", "٣")
    assert facts["fig"].value_label == "١٢٬٥٠٠"
    assert facts["ev-early"].date_label == "٥ نوفمبر ٢٠١٩"
    latin = view_of(make_project, "ar", base=base, pack=ARABIC_PACK)
    assert latin.numbering == "latn"  # ar's own default
    assert latin.issued_label == "20 نوفمبر 2026"


# -- The labels' language --------------------------------------------------------------------


ITALIAN_BASE = arabic(BASE).replace(", ar: ", ", it: ").replace("languages: [fr, en]",
                                                                "languages: [fr, en, it]")
ITALIAN_PACK = (PACK.replace("languages: [fr, en]", "languages: [fr, it]")
                .replace("en: Test meeting}", "en: Test meeting, it: Riunione}")
                .replace("en: Rabat}", "en: Rabat, it: Rabat}")
                .replace("en: RESTRICTED}", "en: RESTRICTED, it: RISERVATO}")
                + "labels_fallback: en\n")


def test_labels_fall_back_only_for_a_language_without_a_catalog(make_project: Any) -> None:
    root = make_project(facts={"base.yaml": ITALIAN_BASE}, packs={"meeting.yaml": ITALIAN_PACK})
    project = briefgen.load_project(root)
    italian = pack_view(project, "meeting", "it", ISSUED)
    french = pack_view(project, "meeting", "fr", ISSUED)
    assert (italian.labels, italian.labels_lang) == ("en", "en")
    assert italian.issued_label == "20 novembre 2026"  # the dates stay Italian
    assert (french.labels, french.labels_lang) == ("fr", "fr")  # fr has its catalog
    pack = project.packs["meeting"].model
    assert labels_language(project, pack, "it") == "en"
    assert labels_language(project, pack, "fr") == "fr"


def test_without_a_fallback_the_labels_are_the_languages(make_project: Any) -> None:
    view = view_of(make_project, "en")
    assert (view.labels, view.labels_lang) == ("en", "en")


# -- Key messages, lines if raised -----------------------------------------------------------


def test_key_messages_are_numbered_in_background_order(make_project: Any) -> None:
    view = view_of(make_project, "en")
    assert [(line.number, line.fact.id, line.text) for line in view.key_messages] == [
        (1, "pos", "We support the Coalition."), (2, "mem", "We are members."),
        (3, "ev-late", "We met.")]
    assert [(line.number, line.text) for line in view.if_raised] == [
        (1, "We remain committed.")]


# -- Staleness -------------------------------------------------------------------------------


def test_the_staleness_notice_follows_the_facts_without_max_age_days(
        make_project: Any) -> None:
    """No max_age_days: the year `check` goes by; a cleared pack shows it too."""
    view = view_of(make_project)  # every fact is years old at the meeting
    assert view.staleness is not None and view.staleness.max_age_days == 365
    assert view.staleness.count == len(view.facts)
    cleared = view_of(make_project, pack=PACK + "status: cleared\nclearance: [{name: A B, "
                      "date: 2026-11-01}]\n")
    assert cleared.staleness == view.staleness


def test_the_staleness_notice_counts_the_drawn_facts_past_the_limit(make_project: Any) -> None:
    base = BASE.replace("    verified: 2022-01\n", "    verified: 2026-11-01\n").replace(
        "  - id: role\n    kind: role\n", "  - id: role\n    kind: role\n    verified: 2021-03\n")
    view = view_of(make_project, base=base, pack=PACK + "max_age_days: 100\n")
    assert view.staleness is not None
    # Seven facts; pos was verified 32 days before the meeting; the others are years old.
    assert (view.staleness.count, view.staleness.max_age_days) == (6, 100)
    assert view.staleness.oldest_label == "March 2021"
    french = view_of(make_project, "fr", base=base, pack=PACK + "max_age_days: 100\n")
    assert french.staleness is not None and french.staleness.oldest_label == "mars 2021"
    tagged = view_of(make_project, base=base,
                     pack=PACK + "max_age_days: 100\ntags: [coalition]\n")
    assert tagged.staleness is not None and tagged.staleness.count == 1  # mem; pos is recent
    recent = view_of(make_project, base=base, pack=PACK + "max_age_days: 3000\n")
    assert recent.staleness is None


def test_the_staleness_notice_with_dates_of_mixed_precision(make_project: Any) -> None:
    base = BASE.replace("    verified: 2022-01\n", "    verified: 2022-05-10\n")
    view = view_of(make_project, base=base, pack=PACK + "max_age_days: 100\n")
    assert view.staleness is not None and view.staleness.count == 7


# -- A frozen value --------------------------------------------------------------------------


def test_the_view_is_a_frozen_hashable_value(make_project: Any) -> None:
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": PACK})
    project = briefgen.load_project(root)
    first = pack_view(project, "meeting", "en", ISSUED)
    again = pack_view(briefgen.load_project(root), "meeting", "en", ISSUED)
    assert first == again and hash(first) == hash(again)
    assert repr(first) == repr(again)  # what the build fingerprints
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.facts[0].text = "changed"  # type: ignore[misc]
    assert isinstance(first.facts, tuple) and isinstance(first.sections, tuple)


def test_the_views_repr_changes_with_what_the_document_shows(make_project: Any,
                                                            tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": PACK})
    before = pack_view(briefgen.load_project(root), "meeting", "en", ISSUED)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Morocco is a member.", "Morocco is a founder."))
    after = pack_view(briefgen.load_project(root), "meeting", "en", ISSUED)
    assert repr(after) != repr(before)
    assert repr(pack_view(briefgen.load_project(root), "meeting", "fr", ISSUED)) != repr(after)
    assert repr(pack_view(briefgen.load_project(root), "meeting", "en",
                          dt.date(2026, 11, 21))) != repr(after)


def test_the_draft_and_its_apparatus(make_project: Any) -> None:
    pack = PACK + (
        "reference: DAAO/2026/0412\nstatus: cleared\n"
        "drafted_by: {name: A. Writer, unit: {fr: DAAO, en: DAAO}, contact: '+212 5 00'}\n"
        "clearance:\n  - {name: A. Director, unit: Cabinet, date: 2026-11-30}\n")
    view = view_of(make_project, "en", pack=pack)
    assert not view.is_draft and view.reference == "DAAO/2026/0412"
    assert view.drafted_by is not None
    assert view.drafted_by.label() == "A. Writer (DAAO, +212 5 00)"
    assert [(c.name, c.date_label) for c in view.clearance] == [
        ("A. Director", "November 30, 2026")]
    assert view_of(make_project, "en").is_draft
