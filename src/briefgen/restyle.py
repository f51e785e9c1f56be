"""Copies of briefgen's default templates in a project, to restyle.

A project's ``templates/`` overrides the defaults file by file: :func:`export_templates`
copies the default HTML templates, stylesheets and Word template (or only the files named)
there, never over a file the project already has unless told to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from briefgen import writes
from briefgen.errors import BriefgenError, UsageError
from briefgen.templating import default_templates

# What a project restyles: the documents' HTML, their stylesheets and the Word template.
# Fonts, label catalogs and grammar files are data, added to rather than copied (see the
# README: a project's fonts and catalogs add to briefgen's).
RESTYLABLE = (".html", ".css", ".docx")
_NOT_TEMPLATES = ("__pycache__",)


def default_files() -> list[str]:
    """Every file shipped in briefgen's templates, as names relative to that folder."""
    root = default_templates()
    return sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
        and not any(part in _NOT_TEMPLATES for part in path.relative_to(root).parts)
    )


def restylable_files() -> list[str]:
    """The default templates a project restyles: HTML, CSS and the Word template."""
    return [name for name in default_files() if name.endswith(RESTYLABLE)]


def export_templates(destination: Path, names: Sequence[str] | None = None, *,
                     force: bool = False) -> list[Path]:
    """Copy the default templates (``names``: only these, e.g. ``css/briefing-note.css``)
    into ``destination``, usually a project's ``templates/``; return the files written.

    Raises :class:`UsageError` for a name briefgen does not ship, and :class:`BriefgenError`
    (writing nothing) when a file to write exists already, unless ``force``.
    """
    shipped = default_files()
    wanted = [_normalized(name) for name in names] if names else restylable_files()
    unknown = [name for name in wanted if name not in shipped]
    if unknown:
        raise UsageError(
            f"briefgen has no template {', '.join(unknown)}; restylable templates: "
            f"{', '.join(restylable_files())}")
    targets = {destination / name: name for name in wanted}
    existing = [path for path in targets if path.exists() or path.is_symlink()]
    if existing and not force:
        shown = ", ".join(str(path) for path in existing)
        raise BriefgenError(
            f"{shown}: already there (the project's own version); nothing was written — move "
            "it away first, or export again with --force to overwrite it")
    root = default_templates()
    writes.write({path: (root / name).read_bytes() for path, name in targets.items()},
                 within=destination)
    return list(targets)


def _normalized(name: str) -> str:
    """``templates/css/x.css`` or ``./css/x.css`` as ``css/x.css``."""
    parts = [part for part in PurePosixPath(name.replace("\\", "/")).parts if part != "."]
    if parts and parts[0] == "templates":
        parts = parts[1:]
    return "/".join(parts)
