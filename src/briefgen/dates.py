"""Dates as facts give them: known to the year, the month or the day, each keeping its
precision ("en 2021", "en mai 2022", "le 10 mai 2022"); and their reading from YAML."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

Precision = Literal["year", "month", "day"]


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day; it keeps its precision.

    Dates are ordered by year, then month, then day, whatever their precisions: a year
    before the months of that year, a month before its days (2022 < 2022-05 < 2022-05-10).
    """

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def isoformat(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def __str__(self) -> str:
        return self.isoformat()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._order() < other._order()

    def _order(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)  # 0-9 only
# Years a document can show: every date sits on a timeline, in a CLDR format and in date
# arithmetic (ages, ranges), all of which must stay inside Python's years 1-9999.
MIN_YEAR, MAX_YEAR = 1000, 2999


def parse_partial_date(value: Any) -> PartialDate:
    """Read ``2021``, ``2022-05`` or ``2022-05-10`` (YAML may give int, str or date)."""
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        raise ValueError("give a date (YYYY, YYYY-MM or YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return PartialDate.of(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("expected a date written YYYY, YYYY-MM or YYYY-MM-DD")
    match = _DATE_RE.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if month == 0 or day == 0:
        raise ValueError(f"'{value}' is not a real date")
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"'{value}' is not a real date") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"'{value}' is out of range: years go from {MIN_YEAR} to {MAX_YEAR}")
    return PartialDate(year, month, day)


def parse_full_date(value: Any) -> dt.date:
    """A meeting date must be a whole day."""
    partial = parse_partial_date(value)
    if partial.precision != "day":
        raise ValueError(f"'{value}' must be a full date, YYYY-MM-DD")
    return partial.first_day
