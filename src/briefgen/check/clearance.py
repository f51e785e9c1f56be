"""A cleared pack whose content changed since it was cleared: its clearance no longer holds
(the documents print the draft watermark again), and the finding names what changed, from
the commit recorded at the clearance when the project is in git."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen import clearance, history
from briefgen.check.report import Finding, Severity
from briefgen.errors import BriefgenError
from briefgen.load import Loaded, Project
from briefgen.memo import Clearance
from briefgen.model import Pack


def void_clearance(loaded: Loaded[Pack], project: Project, *,
                   final: bool) -> Iterator[Finding]:
    """An error under ``final`` (else a warning) when the pack's clearance is void."""
    pack = loaded.model
    languages = clearance.void_languages(project, pack)
    if not languages:
        return
    entry = pack.clearance[-1]
    severity: Severity = "error" if final else "warning"
    who = f"cleared by {entry.name or entry.person} on {entry.date.isoformat()}"
    yield Finding.at(
        severity, "clearance-void",
        f"the content changed since it was {who}: {what_changed(project, pack, entry, languages)}",
        loaded.location(("clearance", len(pack.clearance) - 1)),
        f"have the changes cleared (`briefgen changes {pack.id}` shows them), then "
        f"`briefgen clear {pack.id} --by NAME`; until then the documents are drafts",
    )


def what_changed(project: Project, pack: Pack, entry: Clearance, languages: list[str]) -> str:
    """The changes since the clearance's commit, named; or the languages that changed."""
    fallback = f"its text in {', '.join(languages)}"
    if entry.commit is None:
        return fallback + " (no commit was recorded at the clearance to say more)"
    try:
        then, _ = history.project_at(project, history.resolve(project.root, entry.commit))
    except BriefgenError as error:
        return f"{fallback} (the commit of the clearance cannot be read: {error})"
    old = then.packs.get(pack.id)
    if old is None:
        return fallback
    changes = clearance.differences(
        {lang: clearance.content(then, old.model, lang) for lang in old.model.languages},
        {lang: clearance.content(project, pack, lang) for lang in pack.languages})
    return clearance.describe(changes) or fallback
