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
from dataclasses import dataclass
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
    today's), and the problems of the files that do not load there."""
    listing = _git(project.root, "ls-tree", "-r", "-z", "--name-only", revision.commit,
                   "--", "facts", "packs")
    if listing.returncode != 0:
        raise UsageError(f"git cannot list the project at {revision}: "
                         f"{excerpt(listing.stderr.decode(errors='replace').strip(), 200)}")
    bases: dict[str, Loaded[FactBase]] = {}
    packs: dict[str, Loaded[Pack]] = {}
    problems: list[BriefgenError] = []
    for name in sorted(filter(None, listing.stdout.decode("utf-8", "replace").split("\0"))):
        folder, _, file = name.partition("/")
        if "/" in file or not file.endswith((".yaml", ".yml")):
            continue
        shown = f"{name} at {revision}"
        blob = _git(project.root, "show", f"{revision.commit}:./{name}")
        if blob.returncode != 0 or len(blob.stdout) > limits.file_bytes:
            problems.append(LocatedError("git cannot read it, or it is too big", Location(shown)))
            continue
        try:
            if folder == "facts":
                base, lines = parse(blob.stdout, shown, FactBase, limits)
                bases[base.id] = Loaded(base, project.root / name, shown, lines)
            else:
                pack, lines = parse(blob.stdout, shown, Pack, limits)
                packs[pack.id] = Loaded(pack, project.root / name, shown, lines)
        except BriefgenError as error:
            problems.append(error)
    return Project(project.root, bases, packs), problems



def commit_day(root: Path, revision: Revision) -> dt.date | None:
    """The day ``revision`` was committed (its committer date, in UTC)."""
    result = _git(root, "show", "-s", "--format=%ct", revision.commit)
    try:
        seconds = int(result.stdout.decode().strip())
    except ValueError:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
