"""briefgen where POSIX-only modules are missing (Windows has no fcntl, resource, SIGALRM
or fork): it imports, builds at -j 1 and falls back as docs/platforms.md says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.projects import ProjectFactory

# Run first in a fresh interpreter: the POSIX-only modules cannot be imported.
WITHOUT_POSIX = """
import sys
sys.modules["fcntl"] = None     # importing a module set to None raises ImportError
sys.modules["resource"] = None
import signal
del signal.SIGALRM, signal.setitimer
import warnings
warnings.filterwarnings("ignore", "only soft file lock is available")  # filelock, on Linux
"""

BUILD_WITH_THE_CLI = WITHOUT_POSIX + """
from briefgen.cli import main
sys.argv = ["briefgen", "build", "-j", "1"]
main()
"""


def run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, check=False,
                          env={"PATH": os.environ["PATH"], "SOURCE_DATE_EPOCH": "1780000000"})


def test_import_without_fcntl_resource_or_sigalrm(tmp_path: Path) -> None:
    result = run(WITHOUT_POSIX + "import briefgen, briefgen.cli, briefgen.workers\n"
                 "print(briefgen.workers.resource)", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_build_j1_without_fcntl_resource_or_sigalrm(make_project: ProjectFactory) -> None:
    root = make_project()
    result = run(BUILD_WITH_THE_CLI, root)
    assert result.returncode == 0, result.stderr
    assert "2 documents in build/ (2 rendered, 0 up to date)" in result.stdout
    for lang in ("fr", "en"):
        assert (root / "build" / "meeting" / lang / "briefing-note.pdf").read_bytes()[:5] == (
            b"%PDF-")


SPAWNED = WITHOUT_POSIX + """
import briefgen.pdf             # WeasyPrint finds its libraries by platform at import,
import briefgen.build           # and Babel its time zones (the API is loaded on first use)
sys.platform = "freebsd14"      # not Linux: no fork, no renameat2: spawned workers, two renames
import multiprocessing
import briefgen
import briefgen.fsutil
methods = []
get_context = multiprocessing.get_context
multiprocessing.get_context = lambda method=None: methods.append(method) or get_context(method)
def no_renameat2():
    raise AssertionError("renameat2 looked up off Linux")
briefgen.fsutil._libc = no_renameat2
result = briefgen.build(".", jobs=2)
print(len(result.rendered), methods)
"""


def test_spawned_workers_and_two_renames_elsewhere(make_project: ProjectFactory) -> None:
    root = make_project()
    result = run(SPAWNED, root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 ['spawn']"
    assert sorted(p.name for p in (root / "build").iterdir() if not p.name.startswith(".")) == [
        "meeting"]
    assert (root / "build" / "meeting" / "manifest.json").is_file()
