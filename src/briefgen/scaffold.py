"""The authoring loop: a new project, a new pack, JSON Schemas for editors."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from briefgen import clock, handbook, writes
from briefgen.errors import BriefgenError, UsageError, excerpt
from briefgen.fields import Slug
from briefgen.load import Project
from briefgen.model import FactBase, Pack

# Texts ``new`` and ``init`` write for a person to replace; ``briefgen check`` reports
# every text that still starts with the mark.
UNFILLED_MARK = "TODO:"
UNFILLED = re.compile(r"^\s*TODO:")

# The dialect pydantic's schemas are written in, named so that a validator need not guess.
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_FILES: dict[str, type[FactBase] | type[Pack]] = {
    "factbase.schema.json": FactBase,
    "pack.schema.json": Pack,
}

SAMPLE_BASE = """\
# yaml-language-server: $schema=../schemas/factbase.schema.json
id: sample
title:
  en: Sample fact base
  fr: Base d'exemple
subject: FR
as_of: {as_of}
languages: [en, fr]
sources:
  - id: sample-source
    title: {{en: Where these facts come from, fr: Origine de ces faits}}
    publisher: Ministry of Foreign Affairs
    date: {as_of}
facts:
  - id: first-fact
    kind: position
    text:
      en: "{{subject:def}} supports multilateral cooperation."
      fr: "{{subject:def}} soutient la coopération multilatérale."
    talking_point:
      en: We value our cooperation.
      fr: Nous attachons du prix à notre coopération.
    sources: [sample-source]
    verified: {as_of}
  - id: first-meeting
    kind: event
    date: {as_of}
    text:
      en: "A first meeting took place in {{date}}."
      fr: "Une première réunion s'est tenue en {{date}}."
    label:
      en: First meeting
      fr: Première réunion
    sources: [sample-source]
"""

GITIGNORE = """\
# briefgen's output: made again from facts/, packs/ and templates/ by `briefgen build`
/build/
# the lock files Word and LibreOffice leave beside a template being edited
~$*
.~lock.*#
"""

CI_WORKFLOW = Path(".github", "workflows", "briefgen.yml")


def schemas() -> dict[str, str]:
    """JSON Schemas for fact bases and packs, by file name."""
    return {
        name: json.dumps({"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()},
                         indent=2, ensure_ascii=False) + "\n"
        for name, model in SCHEMA_FILES.items()
    }


def write_schemas(directory: Path) -> list[Path]:
    files = {directory / name: text.encode() for name, text in schemas().items()}
    writes.write(files, within=directory)
    return list(files)


def init_project(directory: Path, today: dt.date | None = None, *,
                 ci: bool = False) -> list[Path]:
    """A new project that builds at once: facts/, packs/, schemas/, a sample base as of
    ``today`` (default: :func:`briefgen.clock.today`) and a pack meeting 30 days later, a
    ``.gitignore`` (unless there is one) and, with ``ci``, the example GitHub Actions
    workflow in ``.github/workflows/briefgen.yml``.

    The pack's texts to fill (its meeting, purpose and classification) start with
    ``TODO:``: ``briefgen check`` reports them until they are replaced, and nothing else.
    """
    today = clock.today(today)
    if (directory / "facts").exists() or (directory / "packs").exists():
        raise BriefgenError(f"{directory} already holds a project (facts/ or packs/ exists)")
    base = directory / "facts" / "sample.yaml"
    pack = directory / "packs" / "sample-meeting.yaml"
    meeting = today + dt.timedelta(days=30)
    files = {
        base: SAMPLE_BASE.format(as_of=f"{today:%Y-%m}").encode(),
        pack: pack_text("sample-meeting", ["sample"], ["en", "fr"], meeting).encode(),
    }
    if not (directory / ".gitignore").exists():
        files[directory / ".gitignore"] = GITIGNORE.encode()
    if ci:
        if (directory / CI_WORKFLOW).exists():
            raise BriefgenError(f"{directory / CI_WORKFLOW} exists already: leave out --ci, "
                                "or move it away first")
        files[directory / CI_WORKFLOW] = handbook.ci_example().encode()
    writes.write(files, within=directory, exclusive=True)
    return [*files, *write_schemas(directory / "schemas")]


def new_pack(project: Project, pack_id: str, today: dt.date | None = None) -> Path:
    """A pack file drawing on every fact base of ``project``, meeting 30 days after
    ``today`` (default: :func:`briefgen.clock.today`).

    Raises :class:`UsageError` for an id that is not a pack id (``Bad ID``, ``../x``).
    """
    check_pack_id(pack_id)
    path = project.root / "packs" / f"{pack_id}.yaml"
    if pack_id in project.packs or path.exists():
        raise BriefgenError(f"pack '{pack_id}' already exists ({path})")
    if not project.bases:
        raise BriefgenError("the project has no fact base to draw from: add one to facts/")
    languages = list(dict.fromkeys(
        lang for lang in next(iter(project.bases.values())).model.languages
        if all(lang in base.model.languages for base in project.bases.values())
    ))
    meeting = clock.today(today) + dt.timedelta(days=30)
    writes.write({path: pack_text(pack_id, sorted(project.bases), languages, meeting).encode()},
                 within=project.root, exclusive=True)
    return path


def check_pack_id(pack_id: str) -> None:
    """A pack id is a slug, as in the pack file: lower-case letters, digits and '-'."""
    try:
        TypeAdapter(Slug).validate_python(pack_id)
    except ValidationError:
        raise UsageError(
            f"'{excerpt(pack_id)}' is not a valid pack id: use lower-case letters, digits and "
            "'-', starting with a letter or digit (e.g. rabat-2026-12)"
        ) from None


def pack_text(pack_id: str, bases: list[str], languages: list[str], date: dt.date) -> str:
    def localized(text: str) -> str:
        return "{" + ", ".join(f'{lang}: "{text}"' for lang in languages) + "}"

    return (
        "# yaml-language-server: $schema=../schemas/pack.schema.json\n"
        f"id: {pack_id}\n"
        "meeting:\n"
        f"  title: {localized(f'{UNFILLED_MARK} TITLE OF THE MEETING')}\n"
        f"  date: {date.isoformat()}\n"
        f"  place: {localized(f'{UNFILLED_MARK} PLACE')}\n"
        f"purpose: {localized(f'{UNFILLED_MARK} WHY THE MINISTER MEETS')}\n"
        f"languages: [{', '.join(languages)}]\n"
        f"classification: {localized(f'{UNFILLED_MARK} CLASSIFICATION, E.G. RESTRICTED')}\n"
        f"facts: [{', '.join(bases)}]\n"
    )
