"""The clock: the one place briefgen reads the date.

A document is dated by its pack's ``issued:``; a pack without one is dated *today*, and
today is ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds: CI sets it to the last
commit's time), else the system clock, in UTC. Only the edges read it — the command line
(where ``--today`` may give it), ``watch`` and ``serve`` (at each round, so that a preview
left running over midnight follows the day), and the public functions when they are not
given a date; everything below takes the date as an argument.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from briefgen.errors import UsageError, excerpt

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


def today(given: dt.date | None = None, environ: Mapping[str, str] | None = None) -> dt.date:
    """``given`` if any, else the day of ``SOURCE_DATE_EPOCH``, else today's date (UTC).

    Raises :class:`UsageError` for a ``SOURCE_DATE_EPOCH`` that is not a time.
    """
    if given is not None:
        return given
    return now(environ).date()


def now(environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The time of ``SOURCE_DATE_EPOCH`` when set, else the system clock's (UTC): what a
    file that records when it was written (a PO header) records."""
    epoch = (os.environ if environ is None else environ).get(EPOCH_VARIABLE, "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise UsageError(f"{EPOCH_VARIABLE}={excerpt(epoch)} is not a time briefgen can use: "
                         "give seconds since 1970 (e.g. 1780000000), or unset it") from None

