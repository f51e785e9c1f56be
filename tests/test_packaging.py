"""The wheel: the default templates, LICENSE and py.typed, no maintainer scripts; a user's
script type-checks against the installed wheel and runs; the CI example is valid."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import briefgen
from tests.support.projects import REPO, TODAY_EPOCH

WHEEL = f"briefgen-{briefgen.__version__}-py3-none-any.whl"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True, capture_output=True,
    )
    [built] = out.glob("briefgen-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed (not the checkout): its python.
    The dependencies come from the test environment's site-packages, through a .pth file."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    return python


def test_wheel_contents(wheel: Path) -> None:
    assert wheel.name == WHEEL  # the name docs/ci-example.yml pins
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("briefgen/templates/briefing-note.html",
                     "briefgen/templates/css/briefing-note.css",
                     "briefgen/templates/fonts/NotoSerif-Regular.ttf",
                     "briefgen/templates/fonts/OFL.txt",
                     "briefgen/templates/locale/fr/LC_MESSAGES/messages.po",
                     "briefgen/templates/locale/de/LC_MESSAGES/messages.po",
                     "briefgen/templates/locale/messages.pot",
                     "briefgen/templates/grammar/fr.yaml",
                     "briefgen/py.typed",
                     f"briefgen-{briefgen.__version__}.dist-info/licenses/LICENSE",
                     "briefgen/preview/page.html", "briefgen/preview/live.js",
                     "briefgen/templates/locale/ar/LC_MESSAGES/preview.po",
                     # the documentation, for `briefgen docs` and `init --ci`
                     "briefgen/docs/README.md", "briefgen/docs/CHANGELOG.md",
                     "briefgen/docs/cli.md", "briefgen/docs/api.md",
                     "briefgen/docs/ci-example.yml"):
        assert expected in names, expected
    # maintainers' tools, not shipped
    assert not [name for name in names if name.startswith("briefgen/scripts")
                or "make_grammar" in name or "make_talking_points_template" in name]
    metadata = zipfile.ZipFile(wheel).read(
        f"briefgen-{briefgen.__version__}.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata
    assert "Classifier: Operating System :: POSIX :: Linux" in metadata
    assert "Classifier: Typing :: Typed" in metadata
    assert f"\nVersion: {briefgen.__version__}\n" in metadata


def test_the_version_is_written_in_one_place() -> None:
    """pyproject.toml takes it from briefgen/version.py: a release changes that line."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/briefgen/version.py"
    written = [path for path in (REPO / "src").rglob("*.py")
               if re.search(r"^__version__ = ", path.read_text(), flags=re.MULTILINE)]
    assert written == [REPO / "src" / "briefgen" / "version.py"]


def test_the_installed_wheel_shows_its_docs(installed: Path, tmp_path: Path) -> None:
    """Someone with only the wheel reads the documentation, and --help says how."""
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([installed, "-m", "briefgen", *args], cwd=tmp_path,
                              capture_output=True, text=True, check=False,
                              env={"PATH": os.environ["PATH"]})

    assert "`briefgen docs`" in run("--help").stdout
    listed = run("docs")
    assert listed.returncode == 0, listed.stderr
    assert "site-packages/briefgen/docs" in listed.stdout
    assert {"README", "cli", "api", "translating", "CHANGELOG"} <= {
        line.split()[0] for line in listed.stdout.splitlines() if line and not
        line.startswith("`")}
    page = run("docs", "cli")
    assert page.stdout == (REPO / "docs" / "cli.md").read_text()
    assert run("docs", "README", "--path").stdout.strip().endswith(
        "site-packages/briefgen/docs/README.md")
    ci = run("init", "--ci", "project")
    assert ci.returncode == 0, ci.stderr
    assert (tmp_path / "project/.github/workflows/briefgen.yml").read_text() == (
        REPO / "docs" / "ci-example.yml").read_text()


def third_party_imports() -> set[str]:
    """The top-level modules briefgen's own code imports that are not Python's."""
    found = set()
    for path in (REPO / "src" / "briefgen").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"briefgen", "__future__"}


DISTRIBUTIONS = {"PIL": "pillow", "fontTools": "fonttools", "docx": "python-docx",
                 "ruamel": "ruamel.yaml", "translate": "translate-toolkit",
                 "yaml": "pyyaml"}


def test_every_direct_import_is_a_declared_dependency() -> None:
    import tomllib

    declared = {re.split(r"[<>=\[; ]", requirement)[0].lower() for requirement in
                tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]}
    imported = {DISTRIBUTIONS.get(name, name).lower() for name in third_party_imports()}
    assert imported <= declared, imported - declared


def test_import_has_no_heavy_side_effects() -> None:
    code = ("import sys, briefgen; "
            "print(any(m.startswith(('weasyprint', 'docxtpl', 'docx')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# -- A user's script, against the installed wheel --------------------------------------------

EXAMPLE = REPO / "docs" / "examples" / "build_one_pack.py"

MORE_OF_THE_API = '''
from pathlib import Path

import briefgen


def findings(folder: Path) -> list[str]:
    report = briefgen.check(folder)  # a path
    project = briefgen.load_project(folder)
    again = briefgen.check(project, list(project.packs)[:1])  # or a loaded project
    jobs: list[briefgen.Job] = briefgen.plan(project)
    return [f"{f.file}:{f.line} {f.code}" for f in (*report.findings, *again.findings)] + [
        str(job) for job in jobs]


def render_errors(folder: Path) -> list[tuple[str | None, int | None, str | None]]:
    try:
        result = briefgen.build(folder, strict=True)
    except briefgen.BuildFailed as failure:
        return [(e.file, e.line, e.language) for e in failure.errors
                if isinstance(e, briefgen.RenderError)]
    warnings: tuple[briefgen.RenderWarning, ...] = result.warnings
    return [(w.output, None, w.language) for w in warnings]


def languages(folder: Path) -> dict[str, tuple[str, ...]]:
    project = briefgen.load_project(folder)
    base: briefgen.Loaded[briefgen.FactBase] = next(iter(project.bases.values()))
    pack: briefgen.Pack = next(iter(project.packs.values())).model
    return {base.model.id: base.model.languages, pack.id: pack.languages}


def finished(progress: briefgen.Progress) -> bool:
    status: briefgen.ProgressStatus = progress.status
    return status in ("done", "up-to-date")


def export(folder: Path) -> int:
    return briefgen.translate.export(folder, "en", folder / "en.po").units
'''

A_TYPO = '''
import briefgen


def done(progress: briefgen.Progress) -> bool:
    return progress.status == "dnoe"
'''


def mypy_strict(python: Path, *scripts: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable",
         str(python), *map(str, scripts)],
        capture_output=True, text=True, check=False, cwd=scripts[0].parent,
        env={**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "MYPYPATH": ""},
    )


def test_a_users_script_type_checks_against_the_installed_wheel(installed: Path,
                                                                tmp_path: Path) -> None:
    script = tmp_path / "user_script.py"
    script.write_text(MORE_OF_THE_API)
    example = tmp_path / "build_one_pack.py"
    example.write_text(EXAMPLE.read_text())
    checked = mypy_strict(installed, script, example)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found in 2 source files" in checked.stdout
    typo = tmp_path / "typo.py"  # a Progress's status is a Literal: a typo is an error
    typo.write_text(A_TYPO)
    mistyped = mypy_strict(installed, typo)
    assert mistyped.returncode == 1
    assert "Non-overlapping equality check" in mistyped.stdout, mistyped.stdout
    # The same without the marker: what the test guards against.
    site = Path(subprocess.run([installed, "-c", "import briefgen; print(briefgen.__file__)"],
                               check=True, capture_output=True, text=True,
                               env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
                               ).stdout).parent
    assert site.parent.name == "site-packages"  # the wheel, not the checkout
    (site / "py.typed").unlink()
    unmarked = mypy_strict(installed, script)
    assert unmarked.returncode == 1
    assert "missing library stubs or py.typed marker" in unmarked.stdout



def test_the_api_example_runs_and_is_in_the_docs(installed: Path, copy_demo: Path,
                                                 tmp_path: Path) -> None:
    assert EXAMPLE.read_text() in (REPO / "docs" / "api.md").read_text()
    out = tmp_path / "packs"
    result = subprocess.run(
        [installed, str(EXAMPLE), str(copy_demo), "rabat-2026-12", "fr", str(out)],
        capture_output=True, text=True, check=False,
        env={"PATH": os.environ["PATH"], "SOURCE_DATE_EPOCH": "1780000000"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"{out}/rabat-2026-12/fr/briefing-note.pdf: 4 page(s), rendered" in lines, lines
    assert any(line.startswith("fr/fact-sheet.pdf: sha256 ") for line in lines), lines
    assert sorted(p.name for p in (out / "rabat-2026-12").iterdir()) == ["fr", "manifest.json"]
    unknown = subprocess.run([installed, str(EXAMPLE), str(copy_demo), "nope", "fr", str(out)],
                             capture_output=True, text=True, check=False)
    assert unknown.returncode == 2 and "no pack with id nope" in unknown.stderr


# -- The CI example -----------------------------------------------------------------------------

WORKFLOW = REPO / "docs" / "ci-example.yml"


def test_the_ci_example_is_a_valid_github_workflow() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(WORKFLOW)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def workflow() -> dict[str, object]:
    from ruamel.yaml import YAML

    data: dict[str, object] = YAML(typ="safe").load(WORKFLOW.read_text())
    return data


def test_the_ci_example_installs_a_pinned_wheel_with_least_permissions() -> None:
    data = workflow()
    assert data["permissions"] == {"contents": "read"}
    assert data["env"] == {"BRIEFGEN_WHEEL": f"tools/{WHEEL}"}
    steps = data["jobs"]["packs"]["steps"]  # type: ignore[index]
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs == ['python -m pip install "$BRIEFGEN_WHEEL"']


def test_the_ci_example_checks_the_demo_as_its_comments_say(copy_demo: Path) -> None:
    """Its every-push check passes on the demo as shipped; its release check fails there for
    the reasons it gives: facts as of 2022 (stale) and a pack in draft."""
    steps = workflow()["jobs"]["packs"]["steps"]  # type: ignore[index]
    checks = {s["name"]: s["run"] for s in steps if s.get("run", "").startswith("briefgen check")}
    assert len(checks) == 2
    env = {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
           "GITHUB_WORKSPACE": str(copy_demo), "SOURCE_DATE_EPOCH": TODAY_EPOCH}
    every_push = subprocess.run(checks["Check the facts (errors fail; warnings become "
                                       "annotations)"].split(), cwd=copy_demo, env=env,
                                capture_output=True, text=True, check=False)
    assert every_push.returncode == 0, every_push.stdout + every_push.stderr
    assert every_push.stdout.startswith("::warning file=facts/")
    release = subprocess.run([*checks["Release check (strict, final)"].split(), "--format",
                              "json"], cwd=copy_demo, env=env, capture_output=True, text=True,
                             check=False)
    assert release.returncode == 1
    import json

    codes = {(f["severity"], f["code"]) for f in json.loads(release.stdout)["findings"]}
    assert codes == {("warning", "stale"), ("error", "draft")}
    assert "facts are as of 2022" in WORKFLOW.read_text()
