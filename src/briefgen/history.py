"""A project as git holds it at a revision: its fact bases and packs, read with git itself.

``briefgen changes`` compares a pack with an earlier version of it, and ``check`` names
what changed since a pack was cleared: both read the project's files at a revision with
``git`` (a subprocess on the project's repository; nothing is checked out or written).
A project outside git, a revision git does not know, and a machine without git each get a
message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from briefgen.errors import BriefgenError, LocatedError, Location, UsageError, excerpt
from briefgen.load import Loaded, Project, parse
from briefgen.model import FactBase, Pack
from briefgen.yamlfile import DEFAULT_LIMITS, Limits

GIT_TIMEOUT = 60  # seconds for one git command


class NotInGit(BriefgenError):
    """The project is not in a git repository (or git is missing)."""


@dataclass(frozen=True)
class Revision:
    """A commit of the project's repository: its full hash and the name it was asked by."""

    commit: str
    name: str

    @property
    def short(self) -> str:
        return self.commit[:10]

    def __str__(self) -> str:
        return self.name if self.name.startswith(self.commit[:7]) else \
            f"{self.name} ({self.commit[:7]})"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              timeout=GIT_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise NotInGit("git is not installed: install it to compare with earlier "
                       "versions of the project") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git did not answer within {GIT_TIMEOUT} s "
                         f"(git {' '.join(args[:2])})") from None


def in_git(root: Path) -> bool:
    """Whether ``root`` is inside a git work tree (False too when git is missing)."""
    try:
        result = _git(root, "rev-parse", "--is-inside-work-tree")
    except BriefgenError:
        return False
    return result.returncode == 0 and result.stdout.strip() == b"true"


def require_git(root: Path) -> None:
    if not in_git(root):
        raise NotInGit(
            f"the project {root} is not in a git repository, so briefgen has no earlier "
            "version to compare with: run `git init`, then `git add` and `git commit` the "
            "project (do it before clearing, so the next changes can be shown)")


def resolve(root: Path, name: str) -> Revision:
    """The commit ``name`` names (a tag, a branch, a hash, ``HEAD~3``)."""
    require_git(root)
    if not name or name.startswith("-"):
        raise UsageError(f"'{excerpt(name)}' is not a revision: give a tag, a commit or HEAD~N")
    result = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                  f"{name}^{{commit}}")
    if result.returncode != 0:
        raise UsageError(
            f"no revision '{excerpt(name)}' in the repository of {root}: give a tag, a commit "
            "or HEAD~N that exists (`git log --oneline` lists the commits)")
    return Revision(result.stdout.decode().strip(), name)


def head(root: Path) -> Revision | None:
    """The commit checked out, or None outside git or before the first commit."""
    if not in_git(root):
        return None
    result = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return Revision(result.stdout.decode().strip(), "HEAD") if result.returncode == 0 else None


def project_at(project: Project, revision: Revision,
               limits: Limits = DEFAULT_LIMITS) -> tuple[Project, list[BriefgenError]]:
    """The project's fact bases and packs as they were at ``revision`` (the templates are
    today's), and the problems of the files that do not load there. A commit never
    changes: what was read of it is kept for the next call (``watch`` checks at every
    save)."""
    bases, packs, problems = _read_at(project.root, revision.commit, limits)
    return replace(project, bases=dict(bases), packs=dict(packs), unloaded=(), cache=None), \
        list(problems)


@lru_cache(maxsize=8)
def _read_at(root: Path, commit: str, limits: Limits) -> tuple[
        dict[str, Loaded[FactBase]], dict[str, Loaded[Pack]], tuple[BriefgenError, ...]]:
    listing = _git(root, "ls-tree", "-r", "-z", "-l", commit, "--", "facts", "packs")
    if listing.returncode != 0:
        raise UsageError(f"git cannot list the project at {commit[:10]}: "
                         f"{excerpt(listing.stderr.decode(errors='replace').strip(), 200)}")
    files: list[tuple[str, str]] = []  # (path, blob)
    problems: list[BriefgenError] = []
    for entry in filter(None, listing.stdout.decode("utf-8", "replace").split("\0")):
        info, _, name = entry.partition("\t")
        _mode, kind, blob, size = info.split()
        file = name.partition("/")[2]
        if kind != "blob" or "/" in file or not file.endswith((".yaml", ".yml")):
            continue
        if not size.isdigit() or int(size) > limits.file_bytes:
            problems.append(LocatedError("too big to read", Location(_shown(name, commit))))
            continue
        files.append((name, blob))
    contents = _blobs(root, [blob for _, blob in files])
    bases: dict[str, Loaded[FactBase]] = {}
    packs: dict[str, Loaded[Pack]] = {}
    for name, blob in sorted(files):
        shown = _shown(name, commit)
        try:
            if name.startswith("facts/"):
                base, lines = parse(contents[blob], shown, FactBase, limits)
                bases[base.id] = Loaded(base, root / name, shown, lines)
            else:
                pack, lines = parse(contents[blob], shown, Pack, limits)
                packs[pack.id] = Loaded(pack, root / name, shown, lines)
        except BriefgenError as error:
            problems.append(error)
    return bases, packs, tuple(problems)


def _shown(name: str, commit: str) -> str:
    return f"{name} at {commit[:7]}"


def _blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """The contents of ``blobs``, read by one ``git cat-file --batch``."""
    if not blobs:
        return {}
    try:
        result = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"],
                                input="".join(f"{blob}\n" for blob in blobs).encode(),
                                capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        raise UsageError("git could not read the project's earlier files") from None
    out, contents, position = result.stdout, {}, 0
    for _ in blobs:
        header_end = out.find(b"\n", position)
        header = out[position:header_end].decode(errors="replace").split()
        if header_end < 0 or len(header) != 3:  # "<blob> missing": git lost it
            raise UsageError("git could not read the project's earlier files: run "
                             "`git fsck`")
        start = header_end + 1
        contents[header[0]] = out[start:start + int(header[2])]
        position = start + int(header[2]) + 1
    return contents


def commit_day(root: Path, revision: Revision) -> dt.date | None:
    """The day ``revision`` was committed (its committer date, in UTC)."""
    result = _git(root, "show", "-s", "--format=%ct", revision.commit)
    try:
        seconds = int(result.stdout.decode().strip())
    except ValueError:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
