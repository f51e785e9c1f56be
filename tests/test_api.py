"""One shape for the API: build() and check() take a folder or a loaded Project."""

from __future__ import annotations

from pathlib import Path

import pytest

import briefgen
from tests.support.projects import ISSUED, MINIMAL_BASE, ProjectFactory


def test_build_takes_a_folder_as_a_string_or_a_path(make_project: ProjectFactory,
                                                    tmp_path: Path) -> None:
    root = make_project()
    by_string = briefgen.build(str(root), out=tmp_path / "a", issued=ISSUED)
    by_path = briefgen.build(root, out=tmp_path / "b", issued=ISSUED)
    by_project = briefgen.build(briefgen.load_project(root), out=tmp_path / "c", issued=ISSUED)
    assert [d.sha256 for d in by_string.written] == [d.sha256 for d in by_path.written] == [
        d.sha256 for d in by_project.written]


def test_build_of_a_broken_folder_raises_validation_failed(make_project: ProjectFactory,
                                                           tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": MINIMAL_BASE.replace("as_of: 2022-05",
                                                                  "as_of: 2022-13")})
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.build(root, out=tmp_path)
    assert caught.value.errors[0].location.file == "facts/base.yaml"


def test_check_takes_a_loaded_project(make_project: ProjectFactory) -> None:
    root = make_project()
    from_folder = briefgen.check(root)
    from_project = briefgen.check(briefgen.load_project(root))
    assert from_project == from_folder
    assert {f.code for f in from_project.findings} >= {"stale"}


def test_check_of_an_unknown_pack_is_a_usage_error(make_project: ProjectFactory) -> None:
    project = briefgen.load_project(make_project())
    with pytest.raises(briefgen.UsageError, match=r"no pack with id nope \(packs in this "
                                                  r"project: meeting\)"):
        briefgen.check(project, ["nope"])


def test_what_a_script_reaches_is_in_all() -> None:
    """The types behind project.bases[...] and project.packs[...], a Progress's status and
    the translation workflow are part of the API."""
    from briefgen.translation import workflow

    assert {"FactBase", "Pack", "Loaded", "ProgressStatus", "translate"} <= set(
        briefgen.__all__)
    assert briefgen.translate is workflow
    assert all(hasattr(briefgen, name) for name in briefgen.__all__)


def test_the_project_holds_the_exported_types(make_project: ProjectFactory) -> None:
    project = briefgen.load_project(make_project())
    base = project.bases["base"]
    assert isinstance(base, briefgen.Loaded) and isinstance(base.model, briefgen.FactBase)
    assert isinstance(project.packs["meeting"].model, briefgen.Pack)
