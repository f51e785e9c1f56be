"""briefgen: turn a fact base of dated, sourced, translated facts into briefing packs.

>>> import briefgen
>>> project = briefgen.load_project("path/to/project")      # doctest: +SKIP
>>> result = briefgen.build(project, ["rabat-2026-12"])     # doctest: +SKIP
>>> [doc.path for doc in result.written]                    # doctest: +SKIP

The API is documented in docs/api.md. Importing briefgen has no side effects and does not
import the rendering engines.
"""

from __future__ import annotations

import logging

from briefgen.build import build
from briefgen.check import Finding, Report, check
from briefgen.errors import (
    BriefgenError,
    BuildFailed,
    LocatedError,
    Location,
    OutputError,
    RenderError,
    UsageError,
    ValidationFailed,
)
from briefgen.jobs import (
    BuildResult,
    Job,
    Progress,
    RenderWarning,
    WrittenDocument,
    plan,
)
from briefgen.load import Project
from briefgen.project import load_project
from briefgen.version import __version__

__all__ = [
    "BriefgenError",
    "BuildFailed",
    "BuildResult",
    "Finding",
    "Job",
    "LocatedError",
    "Location",
    "OutputError",
    "Progress",
    "Project",
    "RenderError",
    "RenderWarning",
    "Report",
    "UsageError",
    "ValidationFailed",
    "WrittenDocument",
    "__version__",
    "build",
    "check",
    "load_project",
    "plan",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
