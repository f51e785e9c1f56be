"""What is in a folder, and what changed in it: the guards that the tests leave the
checkout, and the demo build they share, as they found them."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

# Folders of tools, not of the project: Git, the virtual environment, Python's and the
# linters' caches (pytest writes .pytest_cache unless run with -p no:cacheprovider).
TOOL_FOLDERS = frozenset({".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache",
                          ".ruff_cache"})

Snapshot = dict[str, tuple[str, int, int]]  # path: (kind, size, modification time in ns)


def snapshot(root: Path, skip: Collection[str] = ()) -> Snapshot:
    """Every file, folder and link under ``root`` (but those named in ``skip`` and what they
    hold), by path relative to ``root``: its kind, and a file's size and time. A folder's
    own time is left out: it changes when a skipped folder such as __pycache__ appears."""
    found: Snapshot = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in skip]
        here = Path(folder)
        for name in [*folders, *files]:
            path = here / name
            if name in skip:
                continue
            status = path.lstat()
            if path.is_symlink():
                found[str(path.relative_to(root))] = ("link", 0, status.st_mtime_ns)
            elif path.is_dir():
                found[str(path.relative_to(root))] = ("folder", 0, 0)
            else:
                found[str(path.relative_to(root))] = ("file", status.st_size,
                                                      status.st_mtime_ns)
    return found


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What happened between two snapshots, a line a path: added, changed or removed."""
    lines = {path: "added  " for path in after.keys() - before.keys()}
    lines |= {path: "changed" for path in after.keys() & before.keys()
              if after[path] != before[path]}
    lines |= {path: "removed" for path in before.keys() - after.keys()}
    return [f"{what} {path}" for path, what in sorted(lines.items())]
