"""A project, loaded and validated: :func:`load_project` reads every file
(:mod:`briefgen.load`), then checks what spans fields and files (:mod:`briefgen.validate`),
and raises one :class:`ValidationFailed` with every problem found. :class:`Reloader` loads
the same project again and again (``watch``, ``serve``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen import validate
from briefgen.cache import ParseCache
from briefgen.errors import LocatedError, Location, ValidationFailed
from briefgen.load import Project, load_files


def load_project(root: str | Path, *, cache: ParseCache | None = None,
                 jobs: int | None = None) -> Project:
    """Load and validate every fact base and pack under ``root``.

    ``cache`` keeps validated files between loads (default: the project's own, in
    ``build/.briefgen-cache``; pass ``ParseCache()`` to keep them in memory only). Files
    not in it are parsed on ``jobs`` forked processes (default: one per core) when there
    are many and this process runs no other thread. Raises :class:`ValidationFailed`
    listing every problem (file, line, fact id).
    """
    root = Path(root).resolve()
    errors: list[LocatedError] = []
    if not root.is_dir():
        raise ValidationFailed([LocatedError("no such project folder", Location(str(root)))])
    cache = cache if cache is not None else ParseCache.for_project(root)
    project = load_files(root, cache, jobs, errors)
    errors += validate.validate_project(project)
    if errors:
        raise ValidationFailed(errors)
    return project


@dataclass
class Reloader:
    """Loads the project at ``root`` again and again (``watch``, ``serve``): through one
    parse cache kept across loads, so that a save reads only the saved files; in the
    calling thread (forking to parse beside other threads is not safe)."""

    root: Path
    _cache: ParseCache | None = None

    def load(self) -> Project:
        """The project as its files are now; raises :class:`ValidationFailed`."""
        if self._cache is None:
            self._cache = ParseCache.for_project(self.root)
        return load_project(self.root, cache=self._cache, jobs=1)
