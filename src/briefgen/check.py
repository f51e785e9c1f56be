"""Findings for CI: everything the loader rejects, and what a careful editor would flag.

Errors always fail ``briefgen check``; warnings fail it under ``--strict``. Each finding
names the file, line and fact id and says in one line what is wrong and what to do.
"""

from __future__ import annotations

import ctypes.util
import dataclasses
import datetime as dt
import json
import logging
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cache, partial
from pathlib import Path, PurePosixPath
from typing import Literal

from briefgen import clock, placeholders
from briefgen.apparatus import check_issue_date
from briefgen.cache import ParseCache, derived
from briefgen.documents.fact_sheet import CAPTION_CHARACTERS
from briefgen.errors import (
    LocatedError,
    Location,
    UsageError,
    ValidationFailed,
    display_path,
    excerpt,
)
from briefgen.load import Loaded, Project
from briefgen.messages import unfinished_catalogs
from briefgen.model import (
    Fact,
    FactBase,
    Pack,
    Person,
    age_at_meeting,
    is_stale,
    max_age,
    reference_date,
    selected_facts,
)
from briefgen.project import load_project
from briefgen.scaffold import UNFILLED
from briefgen.templating import Templates
from briefgen.translation import state as translation_state
from briefgen.validate import language_name
from briefgen.yamlfile import walk_strings

Severity = Literal["error", "warning"]
JSON_SCHEMA_VERSION = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    file: str
    line: int | None = None
    fact_id: str | None = None
    hint: str | None = None

    @classmethod
    def at(cls, severity: Severity, code: str, message: str, where: Location,
           hint: str | None = None) -> Finding:
        return cls(severity, code, message, where.file, where.line, where.fact_id, hint)


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    # language -> {"missing": n, "outdated": n}, over the fact bases checked
    translations: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def check(project: Project | str | Path, pack_ids: Sequence[str] | None = None,
          today: dt.date | None = None, *, final: bool = False) -> Report:
    """Validate ``project`` (a loaded :class:`Project`, or the path of a project folder)
    and collect findings for ``pack_ids`` (default all).

    Everything the loader rejects is an error finding. ``final``: the packs are about to be
    sent, so a pack still in ``status: draft`` is an error. ``today`` (default:
    :func:`briefgen.clock.today`) dates the packs that set no ``issued:``. Raises
    :class:`UsageError` for a pack id the project does not have.
    """
    if not isinstance(project, Project):
        log.info("loading the project %s", project)
        try:
            project = load_project(project)
        except ValidationFailed as failure:
            return failure_report(failure)
    _known_packs(project, pack_ids)
    log.info("checking %d fact base(s) and %d pack(s)", len(project.bases),
             len(pack_ids or project.packs))
    findings = tuple(_sorted(project_findings(project, pack_ids, clock.today(today),
                                              final=final)))
    return Report(findings, _translation_counts(_checked_bases(project, pack_ids),
                                                project.cache))


def failure_report(failure: ValidationFailed) -> Report:
    """The report of a project that does not load: its errors."""
    return Report(tuple(_from_error(error) for error in failure.errors))


def _known_packs(project: Project, pack_ids: Sequence[str] | None) -> None:
    unknown = [pack_id for pack_id in pack_ids or () if pack_id not in project.packs]
    if unknown:
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {', '.join(unknown)} (packs in this project: {known})")


def project_findings(project: Project, pack_ids: Sequence[str] | None, today: dt.date, *,
                     final: bool = False) -> Iterator[Finding]:
    """The findings of a project that loads, for ``pack_ids`` (None: all) as of ``today``."""
    packs = [project.packs[p] for p in (pack_ids or sorted(project.packs)) if p in project.packs]
    for base in _checked_bases(project, pack_ids):
        yield from derived(project.cache, base.entry, f"findings\0{base.display}",
                           partial(_listed_findings, base))
        if not pack_ids:
            yield from _unused_facts(base, project)
    for pack in packs:
        yield from _pack_findings(pack, project, today)
        if final and pack.model.status == "draft":
            yield Finding.at("error", "draft", "the pack is still a draft",
                             pack.location(("status",)),
                             "have it cleared, then set status: cleared and its clearance:")
        yield from _labels_fallback(pack, project)
    yield from _unfinished_catalogs(project)
    if _harfbuzz_subset_missing():
        yield Finding(
            "warning", "no-harfbuzz-subset",
            "HarfBuzz's subset library is missing: PDF fonts are subset with fontTools, "
            "3x slower and not byte-reproducible", "(system)",
            hint="install libharfbuzz-subset0 (Debian/Ubuntu); `make demo` does it",
        )


@cache  # asks ldconfig: once a process (watch checks at every save)
def _harfbuzz_subset_missing() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is None


def _checked_bases(project: Project, pack_ids: Sequence[str] | None) -> list[Loaded[FactBase]]:
    """Every base, or those the packs ``pack_ids`` draw on."""
    if not pack_ids:
        return list(project.bases.values())
    used = {base_id for p in pack_ids if p in project.packs for base_id in
            project.packs[p].model.facts}
    return [project.bases[base_id] for base_id in sorted(used)]


def _translation_counts(bases: list[Loaded[FactBase]],
                        cache: ParseCache | None = None) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {}
    for base in bases:
        counts = derived(cache, base.entry, "translation-counts",
                         partial(translation_state.counts, base.model))
        for lang, count in counts.items():
            for status, n in count.items():
                total.setdefault(lang, {"missing": 0, "outdated": 0})[status] += n
    return total


def _translation_findings(loaded: Loaded[FactBase]) -> Iterator[Finding]:
    for gap in translation_state.gaps(loaded.model):
        message, hint = translation_state.describe(gap)
        code = "translation-missing" if gap.status == "missing" else "translation-outdated"
        yield Finding.at("warning", code, message,
                         translation_state.gap_location(loaded, gap), hint)


def _listed_findings(loaded: Loaded[FactBase]) -> list[Finding]:
    return list(_base_findings(loaded))


def _base_findings(loaded: Loaded[FactBase]) -> Iterator[Finding]:
    base = loaded.model
    cited = {ref for fact in base.facts for ref in fact.sources}
    cited |= {ref for person in base.people for fact in person.bio for ref in fact.sources}
    for index, source in enumerate(base.sources):
        if source.id not in cited:
            yield Finding.at("warning", "unused-source", f"source '{source.id}' is never cited",
                             loaded.location(("sources", index)),
                             "cite it from a fact's sources: or remove it")
    for index, fact in enumerate(base.facts):
        where = loaded.fact_location(index)
        if not fact.sources:
            yield Finding.at("warning", "unsourced", "the fact cites no source", where,
                             "add sources: [id] naming where it comes from")
        yield from _missing_placeholder_data(loaded, index, fact)
        yield from _timeline_caption(loaded, index, fact)
    yield from _translation_findings(loaded)


_PLACEHOLDER_DATA = {"date": "date", "countries": "countries", "value": "value"}


def _missing_placeholder_data(loaded: Loaded[FactBase], index: int,
                              fact: Fact) -> Iterator[Finding]:
    for field in ("text", "talking_point"):
        texts = getattr(fact, field) or {}
        used = set().union(*(placeholders.names(text) for text in texts.values()
                             if "{" in text))
        for name in sorted(used):
            attribute = _PLACEHOLDER_DATA.get(name)
            if attribute and not getattr(fact, attribute):
                yield Finding.at(
                    "warning", "placeholder-without-data",
                    f"'{field}' uses {{{name}}} but the fact has no {attribute}:",
                    loaded.fact_location(index, field), f"add {attribute}: to the fact",
                )


def _timeline_caption(loaded: Loaded[FactBase], index: int, fact: Fact) -> Iterator[Finding]:
    """A dated fact on the fact sheet's timeline needs a short label to be captioned."""
    if not fact.date or not fact.fact_sheet:
        return
    if fact.label is None:
        if any(len(text) > CAPTION_CHARACTERS for text in fact.text.values()):
            yield Finding.at(
                "warning", "timeline-caption",
                "the fact sheet's timeline shows this fact by its date only: its text is too "
                "long for a caption", loaded.fact_location(index, "date"),
                f"add label: with a few words per language (at most {CAPTION_CHARACTERS} "
                "characters)",
            )
        return
    long = sorted(lang for lang, text in fact.label.items() if len(text) > CAPTION_CHARACTERS)
    if long:
        yield Finding.at(
            "warning", "timeline-caption",
            f"'label' is longer than {CAPTION_CHARACTERS} characters in {', '.join(long)}",
            loaded.fact_location(index, "label"), "shorten it to a few words",
        )


def _unused_facts(loaded: Loaded[FactBase], project: Project) -> Iterator[Finding]:
    if not project.packs:
        return
    used = {
        fact.id
        for pack in project.packs.values()
        if loaded.model.id in pack.model.facts
        for fact in selected_facts(pack.model, loaded.model)
    }
    for index, fact in enumerate(loaded.model.facts):
        if fact.id not in used:
            yield Finding.at("warning", "unused-fact", "no pack uses this fact",
                             loaded.fact_location(index),
                             "add its base or one of its tags to a pack, or remove it")


def _unfilled(loaded: Loaded[Pack]) -> Iterator[Finding]:
    """Texts ``briefgen new`` wrote for a person to replace (``TODO: ...``), still there."""
    for path, text in walk_strings(loaded.model.model_dump(mode="json")):
        if UNFILLED.match(text):
            field = ".".join(str(part) for part in path)
            yield Finding.at("warning", "unfilled",
                             f"'{field}' still holds the placeholder '{excerpt(text)}'",
                             loaded.location(path), "replace it with the real text")


def _pack_findings(loaded: Loaded[Pack], project: Project, today: dt.date) -> Iterator[Finding]:
    pack = loaded.model
    yield from _unfilled(loaded)
    if dated_after := check_issue_date(loaded, pack.issue_date(today)):
        yield _from_error(dated_after)
    for base_id in pack.facts:
        base = project.bases[base_id]
        selected = {fact.id for fact in selected_facts(pack, base.model)}
        for index, fact in enumerate(base.model.facts):
            if fact.id in selected:
                yield from _stale(fact, index, base, loaded)
        yield from _stale_biographies(base, loaded)


def _stale_biographies(base: Loaded[FactBase], pack: Loaded[Pack]) -> Iterator[Finding]:
    """A participant's biography last checked longer ago than the pack allows."""
    participants = pack.model.participants
    named = {*participants.theirs, *participants.ours, pack.model.counterpart_person}
    for index, person in enumerate(base.model.people):
        if person.id not in named or not person.bio or not is_stale(person, base.model,
                                                                   pack.model):
            continue
        yield Finding.at(
            "warning", "stale-biography",
            f"the biography of '{person.id}' is {_age(person, base, pack)}",
            base.location(("people", index), person.id),
            "check it again and set verified: YYYY-MM-DD on the person",
        )


def _stale(fact: Fact, index: int, base: Loaded[FactBase],
           pack: Loaded[Pack]) -> Iterator[Finding]:
    if is_stale(fact, base.model, pack.model):
        yield Finding.at(
            "warning", "stale", f"the fact is {_age(fact, base, pack)}",
            base.fact_location(index),
            "check it again and set verified: YYYY-MM-DD, or raise max_age_days on the pack",
        )


def _age(item: Fact | Person, base: Loaded[FactBase], pack: Loaded[Pack]) -> str:
    """``400 days old at the meeting of pack 'p' (verified 2025-11-01; the pack allows 365
    days)``."""
    what = "verified" if item.verified else "not verified; its base is as of"
    return (f"{age_at_meeting(item, base.model, pack.model)} days old at the meeting of pack "
            f"'{pack.model.id}' ({what} {reference_date(item, base.model).isoformat()}; the "
            f"pack allows {max_age(pack.model)} days)")


def _labels_fallback(loaded: Loaded[Pack], project: Project) -> Iterator[Finding]:
    pack = loaded.model
    templates = Templates(project.templates)
    for index, lang in enumerate(pack.languages):
        if pack.labels_fallback and not templates.has_catalog(lang):
            yield Finding.at(
                "warning", "labels-fallback",
                f"the labels of {language_name(lang)} print in "
                f"{language_name(pack.labels_fallback)} (labels_fallback)",
                loaded.location(("languages", index)),
                f"run `briefgen messages init {lang}` and translate the catalog it writes",
            )


def _unfinished_catalogs(project: Project) -> Iterator[Finding]:
    for unfinished in unfinished_catalogs(project.templates):
        where = display_path(unfinished.path, project.root)
        for what, labels in (("untranslated", unfinished.untranslated),
                             ("fuzzy", unfinished.fuzzy)):
            if labels:
                shown = ", ".join(labels[:8]) + (f" and {len(labels) - 8} more"
                                                 if len(labels) > 8 else "")
                yield Finding(
                    "warning", f"{what}-labels", f"{len(labels)} {what} label(s): {shown}",
                    where, unfinished.line,
                    hint="translate them (and remove the 'fuzzy' flags) with a PO editor "
                    "such as Poedit, or a text editor; they print in English meanwhile",
                )


def _from_error(error: LocatedError) -> Finding:
    code = getattr(error, "code", "invalid")  # a pack's missing translation, say
    return Finding.at("error", code, error.message, error.location, error.hint)


def _sorted(findings: Iterator[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.severity, f.code))


# Output formats -------------------------------------------------------------------------


def as_json(report: Report) -> str:
    """The documented, stable JSON format (see the README, "briefgen check")."""
    return json.dumps(
        {
            "version": JSON_SCHEMA_VERSION,
            "summary": {"errors": len(report.errors), "warnings": len(report.warnings),
                        "translations": report.translations},
            "findings": [asdict(finding) for finding in report.findings],
        },
        ensure_ascii=False,
        indent=2,
    )


def as_github(report: Report, prefix: str = ".") -> str:
    """GitHub Actions workflow commands: one annotation per finding.

    GitHub names files from the repository's root: ``prefix`` is the project folder's
    path from there (``briefs`` for a project in ``briefs/``), put before every file.
    """
    lines = []
    for f in report.findings:
        file = _from_repository(f.file, prefix)
        props = f"file={_gh(file, True)}" + (f",line={f.line}" if f.line else "")
        props += f",title={_gh(f.code, True)}"
        text = (f"[{f.fact_id}] " if f.fact_id else "") + f.message
        text += f" — {f.hint}" if f.hint else ""
        lines.append(f"::{f.severity} {props}::{_gh(text, False)}")
    return "\n".join(lines)


def _from_repository(file: str, prefix: str) -> str:
    """A finding's file as GitHub names it; ``(system)`` and absolute paths as they are."""
    if file.startswith("(") or PurePosixPath(file).is_absolute() or prefix in ("", "."):
        return file
    return posixpath.normpath(posixpath.join(Path(prefix).as_posix(), file))


def _gh(value: str, is_property: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def as_text(report: Report, color: bool = False) -> str:
    """Findings grouped by file, for a person."""
    import click

    lines: list[str] = []
    current = None
    for f in report.findings:
        if f.file != current:
            current = f.file
            lines.append(click.style(f.file, bold=True) if color else f.file)
        where = f"  {f.line or '-':>4}"
        severity: str = f.severity
        if color:
            severity = click.style(severity, fg="red" if severity == "error" else "yellow")
        fact = f" [{f.fact_id}]" if f.fact_id else ""
        hint = f" — {f.hint}" if f.hint else ""
        lines.append(f"{where}  {severity}{fact} {f.code}: {f.message}{hint}")
    lines += _translation_summary(report)
    count = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    lines.append(count if report.findings else "no findings: " + count)
    return "\n".join(lines)


def _translation_summary(report: Report) -> list[str]:
    """``translations: en 2 outdated; ar 1 missing, 2 outdated``, when any is not current."""
    parts = [
        f"{lang} " + ", ".join(f"{n} {status}" for status, n in count.items() if n)
        for lang, count in report.translations.items() if any(count.values())
    ]
    return [f"translations: {'; '.join(parts)}"] if parts else []
