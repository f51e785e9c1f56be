"""What a careful editor flags in a fact base: uncited sources, unsourced facts,
placeholders without data, timeline captions, translations behind, unused facts."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen import placeholders
from briefgen.check.report import Finding
from briefgen.documents.fact_sheet import CAPTION_CHARACTERS
from briefgen.load import Loaded, Project
from briefgen.model import Fact, FactBase, selected_facts
from briefgen.translation import state as translation_state


def _translation_findings(loaded: Loaded[FactBase]) -> Iterator[Finding]:
    """A translation behind: an outdated one at its own line; the missing ones of a text
    once, naming their languages."""
    missing: dict[tuple[str | int, ...], list[translation_state.Gap]] = {}
    for gap in translation_state.gaps(loaded.model):
        if gap.status == "missing":
            missing.setdefault(gap.text.path, []).append(gap)
            continue
        message, hint = translation_state.describe(gap)
        yield Finding.at("warning", "translation-outdated", message,
                         translation_state.gap_location(loaded, gap), hint)
    for group in missing.values():
        message, hint = translation_state.describe(group[0])
        if len(group) > 1:
            langs = ", ".join(gap.lang for gap in group)
            message = f"'{group[0].text.field}' has no translation in {langs}"
            hint = (f"translate it (`briefgen translate export --lang LANG` and `import`, "
                    f"for each of {langs})")
        yield Finding.at("warning", "translation-missing", message,
                         translation_state.gap_location(loaded, group[0]), hint)


def listed_findings(loaded: Loaded[FactBase]) -> list[Finding]:
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
    for field in ("text", "talking_point", "if_raised", "label"):
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
                "the fact sheet's timeline captions this fact with its text cut short: it is "
                "too long for a caption", loaded.fact_location(index, "date"),
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


def unused_facts(loaded: Loaded[FactBase], project: Project) -> Iterator[Finding]:
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

