"""A project, loaded and validated: :func:`load` reads every file (:mod:`briefgen.load`),
checks what spans fields and files (:mod:`briefgen.validate`) and says which pack each
problem stops (:class:`Loading`): a broken fact base stops only the packs that draw on it.
:func:`load_project` raises one :class:`ValidationFailed` with every problem found, the
:class:`Loading` with it. :class:`Reloader` loads the same project again and again
(``watch``, ``serve``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import collecting, validate
from briefgen.cache import ParseCache
from briefgen.errors import LocatedError, Location, UsageError, ValidationFailed, each_once
from briefgen.load import PROJECT_FOLDERS, Also, Project, load_files


@dataclass(frozen=True)
class Loading:
    """A project as far as it loads, every problem found, and which pack each one stops:
    one in a pack's file stops that pack; in a fact base, the packs drawing on it; in the
    templates, a grammar file or ``briefgen.yaml``, every pack. A file that does not load
    at all stops only what needs it (a pack naming a base that did not load says so)."""

    project: Project
    errors: tuple[LocatedError, ...] = ()
    blocked: Mapping[str, tuple[LocatedError, ...]] = field(default_factory=dict)
    everywhere: tuple[LocatedError, ...] = ()  # what stops every pack

    def buildable(self, pack_ids: Sequence[str] | None = None) -> list[str]:
        """The packs of ``pack_ids`` (default: all) that nothing stops."""
        if self.everywhere:
            return []
        wanted = pack_ids or sorted(self.project.packs)
        return [pack_id for pack_id in wanted
                if pack_id in self.project.packs and pack_id not in self.blocked]

    def stopped(self, pack_ids: Sequence[str] | None = None,
                ) -> dict[str, tuple[LocatedError, ...]]:
        """The packs of ``pack_ids`` (default: all) a problem stops, and what stops each."""
        return {pack_id: self.blocked[pack_id] for pack_id in sorted(self.blocked)
                if not pack_ids or pack_id in pack_ids}

    def errors_of(self, pack_ids: Sequence[str] | None) -> list[LocatedError]:
        """What a build of ``pack_ids`` reports: every problem for every pack, else those
        that stop these packs or every pack."""
        if not pack_ids:
            return list(self.errors)
        found = [*self.everywhere, *(e for p in pack_ids for e in self.blocked.get(p, ()))]
        return each_once(found)


def load(root: str | Path, *, cache: ParseCache | None = None, jobs: int | None = None,
         also: Also | None = None) -> Loading:
    """Load and validate every fact base and pack under ``root``, as far as they go.

    ``cache`` keeps validated files between loads (default: the project's own, in
    ``build/.briefgen-cache``; pass ``ParseCache()`` to keep them in memory only). Files
    not in it are parsed on ``jobs`` forked processes (default: one per core) when there
    are many and this process runs no other thread; the process that parses a fact base
    also works out what validation finds in it alone, and ``also`` (``check``'s
    findings), for the cache. Raises :class:`ValidationFailed` only for a folder that is
    not there.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise ValidationFailed([LocatedError("no such project folder", Location(str(root)))])
    cache = cache if cache is not None else ParseCache.for_project(root)
    load_errors: list[LocatedError] = []
    with collecting.paused():  # every object made here lives on: nothing to collect
        ahead = [validate.while_parsing(root), *([also] if also else [])]
        project = load_files(root, cache, jobs, load_errors,
                             lambda loaded: [entry for work in ahead for entry in work(loaded)])
        validated = validate.validate_by_pack(project)
    cache.flush()  # what was parsed and found clean, written in one go
    return _attributed(project, load_errors, validated)


def load_project(root: str | Path, *, cache: ParseCache | None = None,
                 jobs: int | None = None) -> Project:
    """Load and validate every fact base and pack under ``root`` (see :func:`load`).
    Raises :class:`ValidationFailed` listing every problem (file, line, fact id); its
    ``loading`` says which packs they stop, and holds the project as far as it loads."""
    loading = load(root, cache=cache, jobs=jobs)
    if loading.errors:
        raise ValidationFailed(loading.errors, loading=loading)
    return loading.project


def _attributed(project: Project, load_errors: list[LocatedError],
                validated: validate.Validated) -> Loading:
    packs_of_file = {loaded.display: pack_id for pack_id, loaded in project.packs.items()}
    base_of_file = {loaded.display: base_id for base_id, loaded in project.bases.items()}
    users = {base_id: [pack_id for pack_id, pack in project.packs.items()
                       if base_id in pack.model.facts] for base_id in project.bases}
    # The packs naming a base that is not there: a base file that did not load may be it.
    wanting = [pack_id for pack_id, pack in project.packs.items()
               if any(base_id not in project.bases for base_id in pack.model.facts)]
    blocked: dict[str, list[LocatedError]] = {}
    everywhere = list(validated.everywhere)

    def stop(pack_ids: Iterable[str], errors: Iterable[LocatedError]) -> None:
        errors = list(errors)
        for pack_id in pack_ids:
            if errors:
                blocked.setdefault(pack_id, []).extend(errors)

    for error in load_errors:
        where = error.location.file
        if where in packs_of_file:
            stop([packs_of_file[where]], [error])
        elif where in base_of_file:
            stop(users[base_of_file[where]], [error])
        elif where.split("/", 1)[0] not in PROJECT_FOLDERS or "/" not in where:
            everywhere.append(error)  # briefgen.yaml; no facts/ or packs/ at all
        elif where.startswith("facts/"):
            stop(wanting, [error])  # a base that did not load: what may need it
        # else: a pack file that did not load stops no other pack
    for base_id, errors in validated.bases.items():
        stop(users[base_id], errors)
    for pack_id, errors in validated.packs.items():
        stop([pack_id], errors)
    return Loading(project, tuple(each_once([*load_errors, *validated.errors()])),
                   {pack_id: tuple(errors) for pack_id, errors in blocked.items()},
                   tuple(everywhere))


@dataclass
class Reloader:
    """Loads the project at ``root`` again and again (``watch``, ``serve``): through one
    parse cache kept across loads, so that a save reads only the saved files; in the
    calling thread (forking to parse beside other threads is not safe)."""

    root: Path
    _cache: ParseCache | None = None

    def loading(self) -> Loading:
        """The project as its files are now, as far as it loads."""
        if self._cache is None:
            self._cache = ParseCache.for_project(self.root)
        return load(self.root, cache=self._cache, jobs=1)

    def load(self) -> Project:
        """The project as its files are now; raises :class:`ValidationFailed`."""
        loading = self.loading()
        if loading.errors:
            raise ValidationFailed(loading.errors, loading=loading)
        return loading.project


def refuse_unknown_packs(root: Path, pack_ids: Sequence[str] | None) -> None:
    """Raise :class:`UsageError` for a pack id the project at ``root`` does not have (what
    ``watch`` and ``serve`` are asked, before they start). A project that does not load is
    not refused: the loop shows its errors."""
    if not pack_ids:
        return
    try:
        project = load_project(root)
    except ValidationFailed as failure:
        if not isinstance(failure.loading, Loading):
            return
        project = failure.loading.project
    unknown = [pack_id for pack_id in pack_ids if pack_id not in project.packs]
    # A pack file that does not load may be the one: the loop shows why.
    if unknown and not any(file.startswith("packs") for file in project.unloaded):
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {', '.join(unknown)} (packs in this project: "
                         f"{known})")
