"""The demo built once for the whole test run: the ``demo_build`` fixture's build.

Under pytest-xdist each worker is a session of its own; they share the run's temporary
folder (``tmp_path_factory.getbasetemp().parent``). The first worker to ask builds there
under a file lock; the others wait on the lock, then find the build finished and use it
(pytest-xdist's recipe for session fixtures, "Making session-scoped fixtures execute only
once"). Tests read the build, never write into it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

import briefgen
from tests.support.projects import ISSUED, load_demo


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole test run: shared by the xdist workers, this
    session's own without xdist."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return tmp_path_factory.getbasetemp().parent
    return tmp_path_factory.getbasetemp()


def build_once(out: Path) -> Path:
    """Every pack of the demo, in every language, built into ``out`` (``issued=ISSUED``),
    unless another process of this run has built it already."""
    built = out.with_name(f"{out.name}.built")  # written once the build is whole
    with FileLock(out.with_name(f"{out.name}.lock")):
        if not built.is_file():
            if out.exists():  # what a failed attempt left
                shutil.rmtree(out)
            briefgen.build(load_demo(), out=out, issued=ISSUED)
            built.write_text(f"built by {os.environ.get('PYTEST_XDIST_WORKER', 'pytest')}\n",
                             encoding="utf-8")
    return out
