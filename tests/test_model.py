"""The fact base contract, on its own: partial dates (:mod:`briefgen.dates`) and the models,
checks and domain rules of :mod:`briefgen.model` (which facts a pack draws, how old a fact
is at its meeting, when it is stale), called directly on values and dicts."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from briefgen.dates import (
    MAX_YEAR,
    MIN_YEAR,
    PartialDate,
    parse_full_date,
    parse_partial_date,
)
from briefgen.fields import (
    check_country,
    check_text,
    check_url,
    check_value,
    forbidden_character,
)
from briefgen.model import (
    DEFAULT_MAX_AGE_DAYS,
    DOCUMENT_NAMES,
    Fact,
    FactBase,
    Meeting,
    Pack,
    age_at_meeting,
    is_stale,
    max_age,
    reference_date,
    selected_facts,
)

# -- Partial dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(("date", "precision"), [
    (PartialDate(2021), "year"),
    (PartialDate(2022, 5), "month"),
    (PartialDate(2022, 5, 10), "day"),
])
def test_a_date_keeps_its_precision(date: PartialDate, precision: str) -> None:
    assert date.precision == precision


@pytest.mark.parametrize(("date", "first", "last"), [
    (PartialDate(2021), dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    (PartialDate(2022, 5), dt.date(2022, 5, 1), dt.date(2022, 5, 31)),
    (PartialDate(2022, 4), dt.date(2022, 4, 1), dt.date(2022, 4, 30)),
    (PartialDate(2022, 5, 10), dt.date(2022, 5, 10), dt.date(2022, 5, 10)),
    (PartialDate(2024, 2), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year
    (PartialDate(2023, 2), dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
    (PartialDate(2000, 2), dt.date(2000, 2, 1), dt.date(2000, 2, 29)),  # divisible by 400
    (PartialDate(2100, 2), dt.date(2100, 2, 1), dt.date(2100, 2, 28)),  # a century: not leap
    (PartialDate(2024, 12), dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
])
def test_first_and_last_day_a_precision_allows(date: PartialDate, first: dt.date,
                                               last: dt.date) -> None:
    assert (date.first_day, date.last_day) == (first, last)


@pytest.mark.parametrize(("date", "text"), [
    (PartialDate(2021), "2021"),
    (PartialDate(2022, 5), "2022-05"),
    (PartialDate(2022, 5, 1), "2022-05-01"),
    (PartialDate(1000, 1, 9), "1000-01-09"),
])
def test_isoformat_writes_only_the_known_parts(date: PartialDate, text: str) -> None:
    assert date.isoformat() == text
    assert str(date) == text
    assert parse_partial_date(text) == date  # and reads back the same


def test_of_a_day_is_a_day_precision_date() -> None:
    assert PartialDate.of(dt.date(2019, 11, 5)) == PartialDate(2019, 11, 5)


def test_dates_of_one_precision_are_ordered_as_days() -> None:
    days = [PartialDate(2022, 5, 10), PartialDate(2018, 6, 26), PartialDate(2022, 5, 9)]
    assert sorted(days) == [PartialDate(2018, 6, 26), PartialDate(2022, 5, 9),
                            PartialDate(2022, 5, 10)]
    assert PartialDate(2021, 12) < PartialDate(2022, 1)
    assert max([PartialDate(2019), PartialDate(2021), PartialDate(2020)]) == PartialDate(2021)


def test_dates_of_different_years_are_ordered_whatever_their_precision() -> None:
    assert PartialDate(2021, 12, 31) < PartialDate(2022) < PartialDate(2023, 1, 1)
    assert PartialDate(2021) < PartialDate(2022, 1)


def test_dates_of_mixed_precision_in_one_year_can_be_ordered() -> None:
    dates = [PartialDate(2022, 5, 10), PartialDate(2022), PartialDate(2022, 5)]
    ordered = sorted(dates)
    assert sorted(ordered) == ordered
    assert set(ordered) == set(dates)


def test_dates_are_values() -> None:
    assert PartialDate(2022, 5) == PartialDate(2022, 5)
    assert PartialDate(2022, 5) != PartialDate(2022, 5, 1)  # precision is part of the value
    assert len({PartialDate(2022, 5), PartialDate(2022, 5), PartialDate(2022)}) == 2
    with pytest.raises(AttributeError):
        PartialDate(2022).year = 2023  # type: ignore[misc]


# -- Reading dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (2021, PartialDate(2021)),
    ("2021", PartialDate(2021)),
    ("2022-05", PartialDate(2022, 5)),
    ("2022-05-10", PartialDate(2022, 5, 10)),
    (" 2022-05-10 ", PartialDate(2022, 5, 10)),
    (dt.date(2022, 5, 10), PartialDate(2022, 5, 10)),
    (PartialDate(2022, 5), PartialDate(2022, 5)),
    ("2024-02-29", PartialDate(2024, 2, 29)),
    (str(MIN_YEAR), PartialDate(MIN_YEAR)),
    (f"{MAX_YEAR}-12-31", PartialDate(MAX_YEAR, 12, 31)),
])
def test_dates_are_read_from_int_text_and_date(value: object, expected: PartialDate) -> None:
    parsed = parse_partial_date(value)
    assert parsed == expected
    assert parsed.precision == expected.precision


def test_a_date_and_time_is_refused() -> None:
    with pytest.raises(ValueError, match="not a date and time"):
        parse_partial_date(dt.datetime(2022, 5, 10, 12, 0))


@pytest.mark.parametrize("value", [True, False, 2021.0, None, [2021], {"year": 2021}])
def test_what_is_not_a_date_value_is_refused(value: object) -> None:
    """``True`` is an int to Python: it must not read as the year 1."""
    with pytest.raises(ValueError, match="expected a date written YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_partial_date(value)


@pytest.mark.parametrize("value", [
    "May 2022", "2022-5", "2022-05-1", "22-05-10", "2022/05/10", "20220510", "2022-05-10T10:00",
    "", "-2022", 20220510,
])
def test_a_date_not_written_yyyy_mm_dd_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_partial_date(value)


@pytest.mark.parametrize("value", ["2022-13", "2022-02-30", "2023-02-29", "2022-04-31",
                                   "2022-13-01"])
def test_a_date_that_does_not_exist_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=f"'{value}' is not a real date"):
        parse_partial_date(value)


@pytest.mark.parametrize("value", ["٢٠٢٢-٠٥", "２０２２"])
def test_dates_are_written_in_ascii_digits(value: str) -> None:
    """As the JSON schema's pattern says: other scripts' digits are not a date."""
    with pytest.raises(ValueError, match="is not a date"):
        parse_partial_date(value)


@pytest.mark.parametrize("value", ["2022-00", "2022-05-00", "2022-00-05"])
def test_a_month_or_day_zero_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=f"'{value}' is not a real date"):
        parse_partial_date(value)


@pytest.mark.parametrize("value", ["0999", 999, "3000", 3000, "9999-12-31"])
def test_years_out_of_range_are_refused(value: object) -> None:
    if value == 999:  # an int of three digits is not written YYYY
        with pytest.raises(ValueError, match="is not a date"):
            parse_partial_date(value)
        return
    with pytest.raises(ValueError, match="is out of range: years go from 1000 to 2999"):
        parse_partial_date(value)


def test_a_full_date_must_be_a_day() -> None:
    assert parse_full_date("2026-12-03") == dt.date(2026, 12, 3)
    assert parse_full_date(dt.date(2026, 12, 3)) == dt.date(2026, 12, 3)
    for value in ("2026-12", 2026):
        with pytest.raises(ValueError, match="must be a full date, YYYY-MM-DD"):
            parse_full_date(value)


# -- Text hygiene ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Le Maroc soutient la Coalition.", "a\tb\nc", "12\u00a0500 €",  # NBSP: French typography
    "مرحبا", "\u200c\u200d", "\u200e\u200f",  # joiners and marks Arabic and Persian need
    "😀 𝔸", "",
])
def test_ordinary_text_is_fine(text: str) -> None:
    assert forbidden_character(text) is None
    assert check_text(text) == text


@pytest.mark.parametrize(("char", "described"), [
    ("\x00", "control character U+0000"),
    ("\x1f", "control character U+001F"),
    ("\r", "control character U+000D"),
    ("\x7f", "control character U+007F"),
    ("\x85", "control character U+0085"),  # C1
    ("\x9f", "control character U+009F"),
    ("\u202a", "bidi control character U+202A (LEFT-TO-RIGHT EMBEDDING), which reorders text"),
    ("\u202e", "bidi control character U+202E (RIGHT-TO-LEFT OVERRIDE), which reorders text"),
    ("\u2066", "bidi control character U+2066 (LEFT-TO-RIGHT ISOLATE), which reorders text"),
    ("\u2069", "bidi control character U+2069 (POP DIRECTIONAL ISOLATE), which reorders text"),
    ("\ud800", "lone surrogate U+D800"),
    ("\udfff", "lone surrogate U+DFFF"),
    ("\ufffe", "non-character U+FFFE"),
    ("\uffff", "non-character U+FFFF"),
])
def test_characters_no_document_may_hold_are_named(char: str, described: str) -> None:
    assert forbidden_character(f"Le Maroc{char} soutient") == described
    with pytest.raises(ValueError, match="remove it \\(it was probably pasted\\)"):
        check_text(f"x{char}")


def test_the_first_forbidden_character_is_the_one_described() -> None:
    assert forbidden_character("a\tb\u202ec\x00") == (
        "bidi control character U+202E (RIGHT-TO-LEFT OVERRIDE), which reorders text")
    assert forbidden_character("a\x07\u202e") == "control character U+0007"


# -- Codes, figures, URLs --------------------------------------------------------------------


@pytest.mark.parametrize("code", ["MA", "FR", "US", "NE", "PS", "XK"])
def test_country_codes_of_countries_pass(code: str) -> None:
    assert check_country(code) == code


@pytest.mark.parametrize("code", ["ma", "Ma", "MAR", "M", "", "XX", "ZZ", "EU", "EZ", "UN",
                                  "QO", "XA", "XB", "001", "M1"])
def test_codes_that_are_not_countries_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match="is not an ISO 3166-1 alpha-2 country code"):
        check_country(code)


@pytest.mark.parametrize("value", [0, -1, 12_500, 10**15, -(10**15), 0.5, 1e15])
def test_figures_within_range_pass(value: float) -> None:
    assert check_value(value) == value


@pytest.mark.parametrize("value", [10**15 + 1, -(10**15) - 1, 1e16, float("inf"),
                                   float("-inf"), float("nan")])
def test_figures_out_of_range_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="out of range: figures go from -10\\^15 to 10\\^15"):
        check_value(value)


@pytest.mark.parametrize("url", ["https://example.org", "http://example.org/a?b=1#c",
                                 "HTTPS://EXAMPLE.ORG/x"])
def test_http_urls_pass(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize("url", ["ftp://example.org", "javascript:alert(1)", "file:///etc/passwd",
                                 "https://", "https:// example.org", "https://exa mple.org",
                                 "example.org", "//example.org", " https://example.org",
                                 "https:///path", "data:text/html,x"])
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="is not an http\\(s\\) URL"):
        check_url(url)


# -- The models, from dicts ------------------------------------------------------------------


FACT = {"id": "f1", "kind": "event", "date": "2018-06-26",
        "text": {"fr": "Réunion le {date}.", "en": "Meeting on {date}."}, "sources": ["s1"]}


def test_a_fact_is_read_from_a_dict() -> None:
    fact = Fact.model_validate({**FACT, "countries": ["US", "NE"], "value": 12})
    assert fact.date == PartialDate(2018, 6, 26)
    assert fact.countries == ("US", "NE")
    assert fact.sources == ("s1",)
    assert fact.fact_sheet is True  # on the fact sheet unless said otherwise
    assert fact.tags == () and fact.talking_point is None and fact.verified is None


def test_a_fact_writes_its_dates_at_their_precision() -> None:
    fact = Fact.model_validate({**FACT, "date": 2018, "verified": "2022-05"})
    dumped = fact.model_dump(mode="json")
    assert (dumped["date"], dumped["verified"]) == ("2018", "2022-05")


def fact_errors(**changes: object) -> list[tuple[tuple[int | str, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        Fact.model_validate({**FACT, **changes})
    return [(error["loc"], error["type"]) for error in caught.value.errors()]


def test_an_unknown_field_is_refused() -> None:
    assert fact_errors(colour="red") == [(("colour",), "extra_forbidden")]


@pytest.mark.parametrize(("field", "value"), [
    ("id", "F1"), ("id", "-f1"), ("id", "f 1"), ("kind", "meeting"), ("date", "2018-02-30"),
    ("countries", ["XX"]), ("value", float("nan")), ("sources", ["S1"]),
    ("text", {"fr": "Réunion le {datte}."}), ("text", {"FR": "x"}),
    ("text", {"fr": "x\u202e"}), ("tags", ["a\x00"]),
])
def test_a_bad_value_is_refused_where_it_is(field: str, value: object) -> None:
    errors = fact_errors(**{field: value})
    assert errors and all(loc[0] == field for loc, _ in errors), errors


def test_models_are_frozen() -> None:
    fact = Fact.model_validate(FACT)
    with pytest.raises(ValidationError, match="frozen"):
        fact.kind = "position"  # type: ignore[misc]


def test_a_fact_base_needs_facts_or_people() -> None:
    base = {"id": "b", "title": {"en": "B"}, "subject": "MA", "as_of": "2022-05",
            "languages": ["en"]}
    with pytest.raises(ValidationError, match="a fact base needs facts: \\(or people:\\)"):
        FactBase.model_validate(base)
    assert FactBase.model_validate({**base, "people": [{"id": "p", "name": "P"}]}).facts == ()
    with pytest.raises(ValidationError, match="at least 1 item"):
        FactBase.model_validate({**base, "languages": [], "facts": [FACT]})


PACK = {
    "id": "meeting",
    "meeting": {"title": {"en": "Test meeting"}, "date": "2026-12-03"},
    "languages": ["en"],
    "classification": {"en": "RESTRICTED"},
    "facts": ["base"],
}


def test_a_pack_is_read_from_a_dict_with_its_defaults() -> None:
    pack = Pack.model_validate(PACK)
    assert pack.meeting.date == dt.date(2026, 12, 3)
    assert pack.documents == DOCUMENT_NAMES
    assert pack.status == "draft"
    assert pack.issued is None and pack.max_age_days is None and pack.tags == ()


@pytest.mark.parametrize(("changes", "where"), [
    ({"meeting": {**PACK["meeting"], "date": "2026-12"}}, ("meeting", "date")),  # type: ignore[dict-item]
    ({"facts": []}, ("facts",)),
    ({"max_age_days": 0}, ("max_age_days",)),
    ({"numbering": "roman"}, ("numbering",)),
    ({"documents": ["memo"]}, ("documents", 0)),
    ({"status": "final"}, ("status",)),
    ({"issued": "2026-11"}, ("issued",)),
    ({"reference": "A\u202eB"}, ("reference",)),
    ({"extra": 1}, ("extra",)),
])
def test_a_bad_pack_field_is_refused(changes: dict[str, object],
                                     where: tuple[str | int, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        Pack.model_validate({**PACK, **changes})
    assert [error["loc"][: len(where)] for error in caught.value.errors()] == [where]


def test_arabic_numbering_is_a_known_system() -> None:
    assert Pack.model_validate({**PACK, "numbering": "arab"}).numbering == "arab"


def test_a_meeting_lasts_to_its_end() -> None:
    one_day = Meeting.model_validate({"title": {"en": "M"}, "date": "2026-12-03"})
    assert one_day.last_day == dt.date(2026, 12, 3)
    two_days = Meeting.model_validate({"title": {"en": "M"}, "date": "2026-12-03",
                                       "end": "2026-12-04"})
    assert two_days.last_day == dt.date(2026, 12, 4)


def test_the_documents_are_dated_by_the_packs_issued_else_today() -> None:
    today = dt.date(2026, 11, 20)
    assert Pack.model_validate(PACK).issue_date(today) == today
    dated = Pack.model_validate({**PACK, "issued": "2026-11-02"})
    assert dated.issue_date(today) == dt.date(2026, 11, 2)


# -- The domain rules ------------------------------------------------------------------------


def fact(fact_id: str, *tags: str, verified: str | None = None) -> dict[str, object]:
    return {"id": fact_id, "kind": "position", "text": {"en": fact_id}, "tags": list(tags),
            **({"verified": verified} if verified else {})}


def base_of(*facts: dict[str, object], as_of: str = "2022-05") -> FactBase:
    return FactBase.model_validate({
        "id": "base", "title": {"en": "Base"}, "subject": "MA", "as_of": as_of,
        "languages": ["en"], "facts": list(facts)})


def pack_of(meeting: str = "2026-12-03", **fields: object) -> Pack:
    return Pack.model_validate({**PACK, "meeting": {"title": {"en": "M"}, "date": meeting},
                                **fields})


def test_a_pack_without_tags_draws_every_fact_in_order() -> None:
    base = base_of(fact("c", "x"), fact("a"), fact("b", "y"))
    assert [f.id for f in selected_facts(pack_of(), base)] == ["c", "a", "b"]


def test_a_pack_with_tags_draws_the_facts_sharing_one() -> None:
    base = base_of(fact("c", "x"), fact("a"), fact("b", "y", "z"), fact("d", "w"))
    pack = pack_of(tags=["z", "x"])
    assert [f.id for f in selected_facts(pack, base)] == ["c", "b"]
    assert selected_facts(pack_of(tags=["none"]), base) == []


def test_a_fact_is_as_old_as_its_verification_else_its_base() -> None:
    base = base_of(fact("a"), fact("b", verified="2026-01-15"), as_of="2022-05")
    assert reference_date(base.facts[0], base) == PartialDate(2022, 5)
    assert reference_date(base.facts[1], base) == PartialDate(2026, 1, 15)


@pytest.mark.parametrize(("as_of", "meeting", "days"), [
    ("2025-12", "2026-12-03", 337),  # from 2025-12-31, the last day of the month
    ("2025", "2026-12-03", 337),  # from 2025-12-31, the last day of the year
    ("2025-12-01", "2026-12-03", 367),
    ("2024-02", "2024-03-01", 1),  # February 2024 ends on the 29th
    ("2023-02", "2023-03-01", 1),  # ... February 2023 on the 28th
])
def test_age_counts_from_the_last_day_the_precision_allows(as_of: str, meeting: str,
                                                            days: int) -> None:
    base = base_of(fact("a"), as_of=as_of)
    assert age_at_meeting(base.facts[0], base, pack_of(meeting)) == days


def test_age_is_counted_to_the_meeting_not_to_today() -> None:
    base = base_of(fact("a"), as_of="2026-01-01")
    assert age_at_meeting(base.facts[0], base, pack_of("2026-01-11")) == 10
    assert age_at_meeting(base.facts[0], base, pack_of("2027-01-01")) == 365


def test_the_age_limit_is_the_packs_else_a_year() -> None:
    assert DEFAULT_MAX_AGE_DAYS == 365
    assert max_age(pack_of()) == 365
    assert max_age(pack_of(max_age_days=30)) == 30


@pytest.mark.parametrize(("meeting", "limit", "stale"), [
    ("2026-01-01", None, False),  # 365 days after 2025-01-01: exactly the limit
    ("2026-01-02", None, True),  # one day more
    ("2025-01-31", 30, False),
    ("2025-02-01", 30, True),
])
def test_a_fact_is_stale_only_past_the_limit(meeting: str, limit: int | None,
                                             stale: bool) -> None:
    base = base_of(fact("a", verified="2025-01-01"), as_of="2020")
    pack = pack_of(meeting, **({"max_age_days": limit} if limit else {}))
    assert is_stale(base.facts[0], base, pack) is stale


def test_a_month_precise_fact_is_not_stale_before_its_month_is_over_a_limit() -> None:
    """Verified "2025-01": it may have been true up to 31 January 2025."""
    base = base_of(fact("a", verified="2025-01"), as_of="2020")
    assert not is_stale(base.facts[0], base, pack_of("2026-01-31"))
    assert is_stale(base.facts[0], base, pack_of("2026-02-01"))
