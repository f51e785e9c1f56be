"""briefgen: turn a fact base of dated, sourced, translated facts into briefing packs.

>>> import briefgen
>>> project = briefgen.load_project("path/to/project")      # doctest: +SKIP
>>> result = briefgen.build(project, ["rabat-2026-12"])     # doctest: +SKIP
>>> [doc.path for doc in result.written]                    # doctest: +SKIP

Importing briefgen has no side effects and does not import the rendering engines.
"""

from __future__ import annotations

import logging

from briefgen.build import BuildResult, UsageError, WrittenDocument, build, plan
from briefgen.errors import (
    BriefgenError,
    BuildFailed,
    LocatedError,
    Location,
    RenderError,
    ValidationFailed,
)
from briefgen.load import Project, load_project

__version__ = "0.1.0"

__all__ = [
    "BriefgenError",
    "BuildFailed",
    "BuildResult",
    "LocatedError",
    "Location",
    "Project",
    "RenderError",
    "UsageError",
    "ValidationFailed",
    "WrittenDocument",
    "__version__",
    "build",
    "load_project",
    "plan",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
