"""briefgen: turn a fact base of dated, sourced, translated facts into briefing packs.

>>> import briefgen
>>> project = briefgen.load_project("path/to/project")      # doctest: +SKIP
>>> result = briefgen.build(project, ["rabat-2026-12"])     # doctest: +SKIP
>>> [doc.path for doc in result.written]                    # doctest: +SKIP
>>> briefgen.translate.export("path/to/project", "ar", "ar.po")  # doctest: +SKIP

The API is documented in docs/api.md. Importing briefgen has no side effects and does not
import the rendering engines.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import TYPE_CHECKING, Any

from briefgen.version import __version__

if TYPE_CHECKING:
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
        ProgressStatus,
        RenderWarning,
        WrittenDocument,
        plan,
    )
    from briefgen.load import Loaded, Project
    from briefgen.model import FactBase, Pack
    from briefgen.project import load_project
    from briefgen.translation import workflow as translate

# Where each name of the API lives: imported on first use (PEP 562), so that ``import
# briefgen`` and ``briefgen --version`` load neither pydantic, Babel nor Jinja.
_API = {
    "build": "briefgen.build",
    "check": "briefgen.check", "Finding": "briefgen.check", "Report": "briefgen.check",
    **dict.fromkeys(("BriefgenError", "BuildFailed", "LocatedError", "Location", "OutputError",
                     "RenderError", "UsageError", "ValidationFailed"), "briefgen.errors"),
    **dict.fromkeys(("BuildResult", "Job", "Progress", "ProgressStatus", "RenderWarning",
                     "WrittenDocument", "plan"), "briefgen.jobs"),
    "Loaded": "briefgen.load", "Project": "briefgen.load",
    "FactBase": "briefgen.model", "Pack": "briefgen.model",
    "load_project": "briefgen.project",
}
# Modules of the API, by the name the API gives them.
_MODULES = {"translate": "briefgen.translation.workflow"}

__all__ = [
    "BriefgenError",
    "BuildFailed",
    "BuildResult",
    "FactBase",
    "Finding",
    "Job",
    "Loaded",
    "LocatedError",
    "Location",
    "OutputError",
    "Pack",
    "Progress",
    "ProgressStatus",
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
    "translate",
]


class _Package(types.ModuleType):
    """briefgen itself: ``briefgen.build`` and ``briefgen.check`` stay the API's functions
    when their modules are imported (Python binds a submodule on its package, as the eager
    ``from briefgen.build import build`` this replaces used to undo)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _API.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
        globals()[name] = value
        return value
    if name not in _API:
        raise AttributeError(f"module 'briefgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


logging.getLogger(__name__).addHandler(logging.NullHandler())
