"""``briefgen clear``: record a clearance in a pack, bound to the content cleared.

The entry (name, unit, date, the content's fingerprint in each language and, in a git
repository, the commit whose content it is) is appended to the pack's ``clearance:`` and
``status: cleared`` set, by a surgical edit of the pack's YAML that keeps its comments and
layout (:mod:`briefgen.yamledit`); the text written must read back as exactly the pack
intended, and is written through :mod:`briefgen.writes`, never over a change made on disk
since it was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError as PydanticError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from briefgen import clearance, history, writes, yamledit
from briefgen.apparatus import check_apparatus
from briefgen.errors import BriefgenError, LocatedError, Location, UsageError
from briefgen.fsutil import file_sha256
from briefgen.load import Loaded, Project, project_limits
from briefgen.memo import Clearance
from briefgen.model import Pack
from briefgen.project import load_project
from briefgen.yamlfile import Limits, parse_yaml


@dataclass(frozen=True)
class Cleared:
    """What ``clear`` recorded, and a note when the content is not committed in git."""

    pack_id: str
    path: Path
    entry: Clearance
    note: str | None = None


def clear(project: Project | str | Path, pack_id: str, by: str, *,
          unit: str | None = None, date: dt.date) -> Cleared:
    """Append the clearance of ``pack_id`` by ``by`` (of ``unit``) on ``date`` to its pack
    file and set ``status: cleared``. Raises :class:`UsageError` for an unknown pack or a
    date after the meeting, :class:`ValidationFailed` for a project that does not load."""
    if not isinstance(project, Project):
        project = load_project(project)
    if pack_id not in project.packs:
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {pack_id} (packs in this project: {known})")
    loaded = project.packs[pack_id]
    prints = clearance.fingerprints(project, loaded.model)
    commit, note = _commit(project, loaded.model, prints)
    entry = Clearance.model_validate({"name": by, "unit": unit, "date": date,
                                      "fingerprint": prints, "commit": commit})
    errors = check_apparatus(_with(loaded, entry))
    if errors:
        raise UsageError(f"{errors[0].message}: {errors[0].hint}")
    path = loaded.path
    expected = file_sha256(path.resolve())
    text = _edited(loaded, entry, project.root)
    writes.write({path: text.encode("utf-8")}, within=project.root,
                 expected={path: expected})
    return Cleared(pack_id, path, entry, note)


def _with(loaded: Loaded[Pack], entry: Clearance) -> Loaded[Pack]:
    pack = loaded.model.model_copy(update={"status": "cleared",
                                           "clearance": (*loaded.model.clearance, entry)})
    return Loaded(pack, loaded.path, loaded.display, loaded.lines)


def _commit(project: Project, pack: Pack,
            prints: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The commit checked out, if its version of the pack has the content cleared; else a
    note saying why none is recorded."""
    if not history.in_git(project.root):
        return None, ("the project is not in git: `briefgen changes` will not be able to "
                      "show what changes after this clearance")
    revision = history.head(project.root)
    if revision is not None:
        old, _ = history.project_at(project, revision)
        then = old.packs.get(pack.id)
        if then is not None and all(p in old.bases for p in then.model.facts) and \
                clearance.fingerprints(old, then.model) == dict(prints):
            return revision.commit, None
    return None, ("the content cleared is not committed: commit it (then clear again) so "
                  "that `briefgen changes` can show what changes after this clearance")


def _edited(loaded: Loaded[Pack], entry: Clearance, root: Path) -> str:
    """The pack file's text with the entry appended and ``status: cleared``, checked."""
    limits = project_limits(root)
    document = yamledit.read_unchanged(loaded, root, limits)
    data = document.roundtrip
    order = list(Pack.model_fields)
    yamledit.set_path(data, ("status",), "cleared", [order])
    item = CommentedMap()
    for key, value in entry.model_dump(mode="python", exclude_none=True).items():
        if key == "fingerprint":
            value = CommentedMap(value)
            value.fa.set_flow_style()
        item[key] = value
    if isinstance(data.get("clearance"), CommentedSeq):
        yamledit.append(data["clearance"], item)
    else:
        if "clearance" in data:
            yamledit.delete_key(data, "clearance")  # an empty list written `clearance: []`
        yamledit.insert(data, "clearance", CommentedSeq([item]), order)
    output = yamledit.dump_roundtrip(data, document.text)
    _verify(output, _with(loaded, entry).model, loaded.display, limits)
    return output


def _verify(output: str, expected: Pack, display: str, limits: Limits) -> None:
    try:
        reread = parse_yaml(output, display, limits)
        same = Pack.model_validate(reread.data) == expected
    except (BriefgenError, PydanticError):
        same = False
    if not same:
        raise LocatedError("briefgen could not write the clearance safely; nothing was "
                           "written", Location(display), "please report this with the file")
