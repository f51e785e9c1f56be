"""The command line: exit codes, messages a person can act on, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import MINIMAL_BASE, ProjectFactory


def briefgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True, text=True,
        env={"SOURCE_DATE_EPOCH": "1780000000", "PATH": "/usr/bin:/bin"}, check=False,
    )


def test_build_writes_every_language(make_project: ProjectFactory) -> None:
    root = make_project()
    result = briefgen("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "rendered meeting/fr/briefing-note.pdf" in result.stdout
    assert "2 documents in build/ (2 rendered, 0 up to date)" in result.stdout
    assert (root / "build/meeting/en/briefing-note.pdf").stat().st_size > 1000


def test_build_options(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project()
    out = tmp_path / "elsewhere"
    result = briefgen("build", "meeting", "--project", str(root), "--out", str(out),
                      "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "meeting/en/briefing-note.pdf").exists()
    assert not (out / "meeting/fr").exists()


def test_validation_error_exit_1_no_traceback(make_project: ProjectFactory) -> None:
    root = make_project(facts={"base.yaml": MINIMAL_BASE.replace("as_of: 2022-05",
                                                                  "as_of: 2022-13")})
    for command in ("build", "check"):
        result = briefgen(command, cwd=root)
        assert result.returncode == 1
        output = result.stdout + result.stderr
        assert "facts/base.yaml" in output and "'2022-13' is not a real date" in output
        assert "Traceback" not in output
    assert not (root / "build").exists()


def test_unknown_pack_is_a_usage_error(make_project: ProjectFactory) -> None:
    result = briefgen("build", "nope", cwd=make_project())
    assert result.returncode == 2
    assert "no pack with id nope (packs in this project: meeting)" in result.stderr


def test_unknown_option_is_a_usage_error(make_project: ProjectFactory) -> None:
    assert briefgen("build", "--frobnicate", cwd=make_project()).returncode == 2


def test_check_writes_nothing(make_project: ProjectFactory) -> None:
    root = make_project()
    result = briefgen("check", cwd=root)
    assert result.returncode == 0, result.stderr
    assert not (root / "build").exists()


def test_missing_project_folder(tmp_path: Path) -> None:
    result = briefgen("check", "--project", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert "no such project folder" in result.stdout


CRASHING = """
import sys
import briefgen.cli

def crash(*args, **kwargs):
    raise RuntimeError("unexpected\\x1b[31m state")

briefgen.cli.build = crash
sys.argv = ["briefgen", *sys.argv[1:]]
briefgen.cli.main()
"""


def test_unexpected_exception_is_an_internal_error_line(make_project: ProjectFactory) -> None:
    root = make_project()
    quiet = subprocess.run([sys.executable, "-c", CRASHING, "build"], cwd=root,
                           capture_output=True, text=True, check=False)
    assert quiet.returncode == 1
    assert quiet.stderr.splitlines() == [
        "internal error: RuntimeError: unexpected\\u001B[31m state",
        f"This is a bug in briefgen {version()}: please report it with the command you ran "
        "and the traceback `briefgen -v ...` shows.",
    ]
    verbose = subprocess.run([sys.executable, "-c", CRASHING, "-v", "build"], cwd=root,
                             capture_output=True, text=True, check=False)
    assert verbose.returncode == 1
    assert verbose.stderr.startswith("Traceback (most recent call last):")
    assert "in crash" in verbose.stderr
    assert verbose.stderr.splitlines()[-2] == (
        "internal error: RuntimeError: unexpected\\u001B[31m state")


def version() -> str:
    import briefgen

    return briefgen.__version__
