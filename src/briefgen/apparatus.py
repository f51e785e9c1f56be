"""The memo apparatus of a pack, checked: its status and clearance, and its date of issue,
which is never after the meeting (a pack's own ``issued:`` when it is loaded; the date a
build would print, given today, through :func:`check_issue_date`)."""

from __future__ import annotations

import datetime as dt

from briefgen import photos
from briefgen.errors import LocatedError, RenderError
from briefgen.load import Loaded, Project
from briefgen.model import PAGED, Pack, selected_facts
from briefgen.templating import Templates


def check_apparatus(loaded: Loaded[Pack]) -> list[LocatedError]:
    """Status, clearance and dates of issue make sense for the meeting."""
    pack = loaded.model
    last_day = pack.meeting.end or pack.meeting.date
    errors = []
    if pack.status == "cleared" and not pack.clearance:
        errors.append(
            LocatedError(
                "the pack is 'cleared' but names no clearance",
                loaded.location(("status",)),
                "add clearance: [{name: ..., unit: ..., date: YYYY-MM-DD}], "
                "or set status: draft",
            )
        )
    for index, entry in enumerate(pack.clearance):
        if entry.date > last_day:
            errors.append(
                LocatedError(
                    f"cleared on {entry.date.isoformat()}, after the meeting "
                    f"({last_day.isoformat()})",
                    loaded.location(("clearance", index, "date")),
                    "a brief is cleared before the meeting: check the date",
                )
            )
    for kind in pack.max_pages:
        if kind not in PAGED:
            errors.append(LocatedError(
                f"max_pages counts the pages of a PDF document, not of {kind}",
                loaded.location(("max_pages", kind)),
                "give it for briefing-note, fact-sheet or briefing-book"))
    if pack.issued and pack.issued > last_day:
        errors.append(
            LocatedError(
                f"issued on {pack.issued.isoformat()}, after the meeting "
                f"({last_day.isoformat()})",
                loaded.location(("issued",)),
                "a brief is issued before the meeting: check the date",
            )
        )
    return errors


def check_letterhead(loaded: Loaded[Pack], templates: Templates) -> list[LocatedError]:
    """A letterhead image is a PNG or JPEG of the template folders."""
    routing = loaded.model.routing
    if routing is None or routing.letterhead_image is None:
        return []
    name = routing.letterhead_image
    where = loaded.location(("routing", "letterhead_image"))
    hint = "put a PNG or JPEG file in the project's templates/ folder and give its name there"
    try:
        path = templates.locate(name)
        if path is None:
            return [LocatedError(f"no letterhead '{name}' in the templates/ folder", where, hint)]
        photos.check(path)
    except (RenderError, photos.PhotoError) as problem:
        reason = getattr(problem, "message", problem)
        return [LocatedError(f"letterhead '{name}': {reason}", where, hint)]
    return []


def check_markings(loaded: Loaded[Pack], project: Project) -> list[LocatedError]:
    """The pack's level and every marked fact it draws name one of its ``markings:``."""
    pack = loaded.model
    known = [marking.id for marking in pack.markings]
    listed = ", ".join(known) or "none: add markings: to the pack"
    errors = []
    if pack.marking is not None and pack.marking not in known:
        errors.append(LocatedError(f"unknown marking '{pack.marking}'",
                                   loaded.location(("marking",)),
                                   f"use the id of one of the pack's markings: ({listed})"))
    for base_id in pack.facts:
        base = project.bases.get(base_id)
        if base is None:
            continue
        drawn = {fact.id for fact in selected_facts(pack, base.model)}
        for index, fact in enumerate(base.model.facts):
            if fact.id in drawn and fact.marking is not None and fact.marking not in known:
                errors.append(LocatedError(
                    f"marking '{fact.marking}' is not among the markings of pack '{pack.id}'",
                    base.fact_location(index, "marking"),
                    f"use the id of one of its markings: ({listed}), or add it there"))
    return errors


class DatedAfterMeeting(LocatedError):
    """A pack whose documents would be dated after its meeting: ``check`` reports it as
    ``past-meeting``, and the build refuses the pack."""

    code = "past-meeting"


def check_issue_date(loaded: Loaded[Pack], issued: dt.date) -> DatedAfterMeeting | None:
    """An error if the documents of the pack, dated ``issued``, would be dated after its
    meeting: a brief is issued before the meeting it prepares. (A pack's own ``issued:``
    after its meeting is refused when the pack is loaded.)"""
    pack = loaded.model
    last_day = pack.meeting.last_day
    if issued <= last_day:
        return None
    meeting = pack.meeting.date.isoformat() + (f" to {last_day.isoformat()}"
                                               if pack.meeting.end else "")
    where = loaded.location(("meeting", "date"))
    if pack.issued is None:
        return DatedAfterMeeting(
            f"the meeting ({meeting}) is past: built today, {issued.isoformat()}, its "
            "documents would be dated after it, as the pack sets no issued: date", where,
            "set issued: YYYY-MM-DD in the pack (the day the brief was issued) to build it "
            "as it was on that day, or move the meeting's date")
    return DatedAfterMeeting(
        f"the documents would be dated {issued.isoformat()}, after the meeting ({meeting})",
        where, "give a date of issue on or before the meeting's last day")
