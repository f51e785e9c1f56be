"""The tests' fixtures: the clock and the cache key of every test, the demo project (loaded,
copied, built once for the run), small throwaway projects, and the guard that the run
leaves the checkout as it found it. The helpers they use are in tests/support/."""

from __future__ import annotations

import logging
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import configuration as hypothesis_configuration
from hypothesis import settings

import briefgen
from tests.support import demo, tree
from tests.support.projects import (
    MINIMAL_BASE,
    MINIMAL_PACK,
    REPO,
    TODAY_EPOCH,
    ProjectFactory,
    load_demo,
)

# Hypothesis writes .hypothesis/ in the current folder, the checkout: its example database
# (none kept here) and, from the collection on, what it reads of the code it tests. Those go
# to a temporary folder of this process, removed when it ends.
settings.register_profile("briefgen", database=None)
settings.load_profile("briefgen")
_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="briefgen-tests-hypothesis-")
hypothesis_configuration.set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)


# The checkout as this process found it: taken as pytest loads this file, before it collects
# the test modules (importing one may write too: Hypothesis did).
_CHECKOUT = tree.snapshot(REPO, skip=tree.TOOL_FOLDERS)


@pytest.fixture(scope="session", autouse=True)
def _checkout_left_as_it_was() -> Iterator[None]:
    """Fail the run when the tests wrote into the checkout (a parse cache in build/, a
    .hypothesis/ folder, an output beside its input...): list what they wrote."""
    yield
    written = tree.changes(_CHECKOUT, tree.snapshot(REPO, skip=tree.TOOL_FOLDERS))
    if written:
        pytest.fail(f"the tests changed the checkout {REPO} (they must write in temporary "
                    "folders only):\n  " + "\n  ".join(written), pytrace=False)


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs on the same day, whatever the system clock says: briefgen reads the
    date from SOURCE_DATE_EPOCH (briefgen.clock), here and in the processes tests start."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)


@pytest.fixture(autouse=True)
def _logging_levels_as_they_were() -> Iterator[None]:
    """Each test starts at the same logging levels. The command run in the test's process
    (CliRunner) sets them for the whole process: after ``-q``, briefgen's and WeasyPrint's
    warnings would be dropped in every later test of that process (a lock's "another build
    is writing", a missing glyph)."""
    loggers = [logging.getLogger(), logging.getLogger("briefgen")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture(autouse=True)
def _cache_key_of_the_test_run(tmp_path_factory: pytest.TempPathFactory,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The parse cache's signing key in the test run's own folder, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture
def demo_project() -> briefgen.Project:
    """The repository's own demo project (facts/, packs/), its parse cache in memory."""
    return load_demo()


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The output folder of the whole demo (every pack, every language, ``issued=ISSUED``),
    built once for the test run, whatever the number of xdist workers (tests/support/demo.py).
    Read it; never write into it (copy what a test must change): the run fails if a test did.
    """
    out = demo.build_once(demo.run_folder(tmp_path_factory) / "demo")
    before = tree.snapshot(out)
    yield out
    written = tree.changes(before, tree.snapshot(out))
    if written:
        pytest.fail(f"the tests changed the shared demo build {out} (read it, or copy it):"
                    "\n  " + "\n  ".join(written), pytrace=False)


@pytest.fixture
def make_project(tmp_path_factory: pytest.TempPathFactory) -> ProjectFactory:
    """Write a small project: ``make_project(facts={"base.yaml": text}, packs={...})``.

    The project is not under the test's ``tmp_path``, so tests may build into ``tmp_path``
    (briefgen refuses an output folder that contains the project's facts/ or packs/).
    """
    root = tmp_path_factory.mktemp("project")

    def make(
        facts: dict[str, str] | None = None,
        packs: dict[str, str] | None = None,
        templates: dict[str, str | bytes] | None = None,
    ) -> Path:
        for folder, files in (("facts", facts), ("packs", packs)):
            default = {"base.yaml": MINIMAL_BASE} if folder == "facts" else {
                "meeting.yaml": MINIMAL_PACK
            }
            (root / folder).mkdir(parents=True, exist_ok=True)
            for name, text in (files if files is not None else default).items():
                (root / folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
        for name, content in (templates or {}).items():
            path = root / "templates" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def copy_demo(tmp_path: Path) -> Path:
    """A copy of the demo project (facts/, packs/, briefgen.yaml) to change freely, or to
    run the command on (the command would write its parse cache in the checkout's build/)."""
    root = tmp_path / "demo"
    for folder in ("facts", "packs"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy2(REPO / "briefgen.yaml", root / "briefgen.yaml")
    return root
