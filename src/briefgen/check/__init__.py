"""Findings for CI: everything the loader rejects, and what a careful editor would flag.

Errors always fail ``briefgen check``; warnings fail it under ``--strict``. Each finding
names the file, line and fact id and says in one line what is wrong and what to do.
"""

from __future__ import annotations

import ctypes.util
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from functools import cache, partial
from pathlib import Path

from briefgen import clock, collecting
from briefgen.cache import Work, derived_all, derived_entries
from briefgen.check.clearance import void_clearance
from briefgen.check.facts import listed_findings, unused_facts
from briefgen.check.memo import final_findings, layout_findings
from briefgen.check.output import JSON_SCHEMA_VERSION, as_github, as_json, as_text
from briefgen.check.packs import (
    labels_fallback,
    pack_findings,
    stale_findings,
    unfinished_catalog_findings,
)
from briefgen.check.report import Finding, Report, Severity, from_error
from briefgen.check.sentences import grammar_key, sentence_findings
from briefgen.errors import UsageError, ValidationFailed
from briefgen.grammar.checks import Grammars
from briefgen.load import Also, Loaded, Project
from briefgen.model import FactBase
from briefgen.project import load
from briefgen.translation import state as translation_state

__all__ = [
    "JSON_SCHEMA_VERSION", "Finding", "Report", "Severity", "as_github", "as_json", "as_text",
    "check", "failure_report", "project_findings",
]

log = logging.getLogger(__name__)
# one base's own findings, and its translations' counts by language and status
BaseResults = tuple[list[Finding], dict[str, dict[str, int]]]


def check(project: Project | str | Path, pack_ids: Sequence[str] | None = None,
          today: dt.date | None = None, *, final: bool = False, layout: bool = True) -> Report:
    """Validate ``project`` (a loaded :class:`Project`, or the path of a project folder)
    and collect findings for ``pack_ids`` (default all).

    Everything the loader rejects is an error finding. ``final``: the packs are about to be
    sent, so a pack still in ``status: draft`` is an error, and one without a summary,
    reference or drafter a warning. ``layout``: lay the packs' notes out to measure their
    summary and their pages against ``max_pages`` (``watch`` builds them anyway, and
    leaves it out). ``today`` (default:
    :func:`briefgen.clock.today`) dates the packs that set no ``issued:``. Raises
    :class:`UsageError` for a pack id the project does not have.
    """
    if not isinstance(project, Project):
        log.info("loading the project %s", project)
        root = Path(project).resolve()  # all its bases checked: worked out as they are parsed
        try:
            loading = load(root, also=None if pack_ids else _while_parsing(root / "templates"))
        except ValidationFailed as failure:  # no such folder
            return failure_report(failure)
        if loading.errors:
            return failure_report(ValidationFailed(loading.errors, loading=loading))
        project = loading.project
    _known_packs(project, pack_ids)
    log.info("checking %d fact base(s) and %d pack(s)", len(project.bases),
             len(pack_ids or project.packs))
    day = clock.today(today)
    found: list[Finding] = []
    if layout:  # notes laid out: the collector on
        for pack_id in pack_ids or sorted(project.packs):
            found += layout_findings(project.packs[pack_id], project, day)
    with collecting.paused():  # findings by the thousand, all kept
        results = base_results(_checked_bases(project, pack_ids), project)
        found += project_findings(project, pack_ids, day, final=final, results=results)
        findings = tuple(_sorted(iter(found)))
        counts = _translation_counts(results)
    if project.cache is not None:
        project.cache.flush()
    return Report(findings, counts)


def failure_report(failure: ValidationFailed) -> Report:
    """The report of a project that does not load: its errors."""
    return Report(tuple(from_error(error) for error in failure.errors))


def _known_packs(project: Project, pack_ids: Sequence[str] | None) -> None:
    unknown = [pack_id for pack_id in pack_ids or () if pack_id not in project.packs]
    if unknown:
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {', '.join(unknown)} (packs in this project: {known})")


def project_findings(project: Project, pack_ids: Sequence[str] | None, today: dt.date, *,
                     final: bool = False, results: dict[str, BaseResults] | None = None,
                     ) -> Iterator[Finding]:
    """The findings of a project that loads, for ``pack_ids`` (None: all) as of ``today``;
    ``results``: the bases' own (:func:`base_results`), if already at hand."""
    packs = [project.packs[p] for p in (pack_ids or sorted(project.packs)) if p in project.packs]
    bases = _checked_bases(project, pack_ids)
    results = results if results is not None else base_results(bases, project)
    for base in bases:
        yield from results[base.model.id][0]
        if not pack_ids:
            yield from unused_facts(base, project)
    yield from stale_findings(packs, project)
    for pack in packs:
        yield from pack_findings(pack, project, today)
        if final and pack.model.status == "draft":
            yield Finding.at("error", "draft", "the pack is still a draft",
                             pack.location(("status",)),
                             "have it cleared, then set status: cleared and its clearance:")
        if final:
            yield from final_findings(pack)
        yield from void_clearance(pack, project, final=final)
        yield from labels_fallback(pack, project)
    yield from unfinished_catalog_findings(project)
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


def base_results(bases: list[Loaded[FactBase]], project: Project) -> dict[str, BaseResults]:
    """What ``check`` finds in each base alone, and its translations' counts, by base id:
    kept with the base, worked out again when the base or a grammar file it is read with
    changes (on every core when many are)."""
    work = _base_work(project.templates)
    results = derived_all(project.cache, [work(base) for base in bases])
    return {base.model.id: result for base, result in zip(bases, results, strict=True)}


def _base_work(templates: Path) -> Callable[[Loaded[FactBase]], Work[BaseResults]]:
    """The work of :func:`base_results` on a base, read with the grammars of ``templates``."""
    seen: dict[str, str] = {}
    grammars = Grammars(templates)

    def work(base: Loaded[FactBase]) -> Work[BaseResults]:
        return Work(base.entry, f"check\0{base.display}", partial(_work_out, base, grammars),
                    grammar_key(base, templates, seen))
    return work


def _while_parsing(templates: Path) -> Also:
    """:func:`base_results` of each base, worked out by the process that parses it (a
    first ``check`` of a large project: kept in the cache, where it is found)."""
    work = _base_work(templates)

    return lambda loaded: derived_entries([work(loaded)])


def _work_out(base: Loaded[FactBase], grammars: Grammars) -> BaseResults:
    found = [*listed_findings(base), *sentence_findings(base, grammars)]
    return found, translation_state.counts(base.model)


def _translation_counts(results: dict[str, BaseResults]) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {}
    for _, counts in results.values():
        for lang, count in counts.items():
            for status, n in count.items():
                total.setdefault(lang, {"missing": 0, "outdated": 0})[status] += n
    return total


def _sorted(findings: Iterator[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.severity, f.code))

