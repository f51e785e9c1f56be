"""The command line: exit codes, messages a person can act on, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import briefgen as briefgen_api
from briefgen import cli
from tests.support.office import restyled_template
from tests.support.projects import MINIMAL_BASE, MINIMAL_PACK, REPO, TODAY_EPOCH, ProjectFactory


def briefgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True, text=True,
        env={"SOURCE_DATE_EPOCH": "1780000000", "PATH": "/usr/bin:/bin",
             **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}, check=False,
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


def test_a_folder_that_is_not_a_project_says_to_run_init(tmp_path: Path) -> None:
    for args in (["build"], ["check"], ["watch"], ["serve", "--port", "0"]):
        result = briefgen(*args, cwd=tmp_path)
        assert result.returncode == 1, args
        assert "this folder is not a briefgen project (it has no facts/ or packs/ folder)" in (
            result.stdout + result.stderr), args
        assert "run `briefgen init`" in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_usage_error_shows_its_own_commands_usage(make_project: ProjectFactory) -> None:
    root = make_project()
    for args, usage in ((["watch", "nope"], "briefgen watch [OPTIONS] [PACK_IDS]..."),
                        (["serve", "nope"], "briefgen serve [OPTIONS] [PACK_ID]"),
                        (["templates", "export", "--file", "nope.css"],
                         "briefgen templates export [OPTIONS] [DIRECTORY]")):
        result = briefgen(*args, cwd=root)
        assert result.returncode == 2, args
        assert usage in result.stderr.splitlines()[0], result.stderr
        assert "Traceback" not in result.stderr


def test_every_refusal_of_out_is_a_usage_error(make_project: ProjectFactory) -> None:
    """The same mistake, the same exit status: an output folder in the project's folders,
    a file where it must be, or a path through a file, for build, watch and serve."""
    root = make_project()
    (root / "afile").write_text("mine")
    for command in (["build"], ["watch"], ["serve", "--port", "0"]):
        for out in ("facts", "packs/sub", "afile", "afile/x"):
            result = briefgen(*command, "--out", out, cwd=root)
            assert result.returncode == 2, (command, out, result.stderr)
            assert result.stderr.startswith(f"Usage: python -m briefgen {command[0]} ")
    assert (root / "afile").read_text() == "mine"
    assert not (root / "build").exists()


def test_export_with_nothing_to_translate_writes_nothing(make_project: ProjectFactory) -> None:
    root = make_project()
    assert briefgen("translate", "stamp", cwd=root).returncode == 0
    result = briefgen("translate", "export", "--lang", "en", "en.po", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("nothing to translate into en: every text is translated "
                                    "and current (en.po not written; --all exports every text")
    assert not (root / "en.po").exists()
    everything = briefgen("translate", "export", "--lang", "en", "--all", "en.po", cwd=root)
    assert "text(s) to translate into en" in everything.stdout
    assert (root / "en.po").exists()


def test_a_language_no_pack_is_in_lists_those_there_are(make_project: ProjectFactory) -> None:
    root = make_project()
    result = briefgen("build", "--lang", "xx", cwd=root)
    assert result.returncode == 2
    assert "pack 'meeting' is not in xx (its languages: fr, en)" in result.stderr
    with pytest.raises(briefgen_api.UsageError,
                       match=r"no pack is in xx \(the packs' languages: en, fr\)"):
        briefgen_api.plan(briefgen_api.load_project(root), languages=["xx"])


def test_a_malformed_source_date_epoch_is_a_usage_error(make_project: ProjectFactory) -> None:
    root = make_project()
    for command in (["build"], ["check"]):
        result = subprocess.run([sys.executable, "-m", "briefgen", *command], cwd=root,
                                env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "abc",
                                     **{k: v for k, v in os.environ.items()
                                        if k == "PYTHONPATH"}},
                                capture_output=True, text=True, check=False)
        assert result.returncode == 2
        assert "SOURCE_DATE_EPOCH=abc is not a time briefgen can use" in result.stderr
    assert not (root / "build").exists()


def complete(words: str, cwd: Path) -> list[str]:
    """What the shell gets when Tab is pressed after ``words`` (click's bash protocol)."""
    env = {"PATH": "/usr/bin:/bin", "_BRIEFGEN_COMPLETE": "bash_complete",
           "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - (0 if
                                                   words.endswith(" ") else 1)),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    result = subprocess.run([sys.executable, "-c",
                             "from briefgen.cli import main; main(prog_name='briefgen')"],
                            cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_the_shell_completes_pack_ids_and_languages(make_project: ProjectFactory,
                                                    tmp_path: Path) -> None:
    root = make_project(packs={"meeting.yaml": MINIMAL_PACK, "other.yaml": MINIMAL_PACK
                               .replace("id: meeting", "id: other")
                               .replace("languages: [fr, en]", "languages: [ar]")})
    assert complete("briefgen build ", root) == ["meeting", "other"]
    assert complete("briefgen check o", root) == ["other"]
    assert complete("briefgen serve m", root) == ["meeting"]
    assert complete("briefgen changes ", root) == complete("briefgen clear ", root) == [
        "meeting", "other"]
    assert complete("briefgen build --lang ", root) == ["ar", "en", "fr"]
    assert complete("briefgen build meeting --lang ", root) == ["en", "fr"]
    assert complete(f"briefgen watch --project {root} ", tmp_path) == ["meeting", "other"]
    assert complete("briefgen docs tr", root) == ["translating", "troubleshooting"]
    assert complete("briefgen build ", tmp_path) == []  # no project here: nothing, no error


CRASHING = """
import sys
import briefgen.cli

def crash(*args, **kwargs):
    raise RuntimeError("unexpected\\x1b[31m state")

briefgen.cli.building.build = crash  # the name build_command calls
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


# -- Conventions on every command -----------------------------------------------------------


def every_command() -> list[tuple[list[str], click.Command]]:
    """Each command and group of the tree, with the words that invoke it."""
    found: list[tuple[list[str], click.Command]] = []

    def walk(words: list[str], command: click.Command) -> None:
        found.append((words, command))
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                walk([*words, name], sub)

    walk([], cli.main)
    return found


def test_every_command_takes_quiet_and_verbose() -> None:
    for words, command in every_command():
        options = {opt for param in command.params for opt in param.opts}
        assert {"-q", "--quiet", "-v", "--verbose"} <= options, words


def test_every_command_help_has_examples() -> None:
    runner = CliRunner()
    for words, _command in every_command():
        result = runner.invoke(cli.main, [*words, "--help"])
        assert result.exit_code == 0, (words, result.output)
        _, _, examples = result.output.partition("Examples:\n")
        lines = [line.strip() for line in examples.splitlines() if line.strip()]
        assert lines, f"no examples in `briefgen {' '.join(words)} --help`"
        invocation = " ".join(["briefgen", *words])
        assert any(line.startswith(invocation) for line in lines), (words, lines)


def test_verbose_shows_briefgens_own_steps(make_project: ProjectFactory) -> None:
    root = make_project()
    result = briefgen("build", "-v", cwd=root)
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stderr.splitlines() if line.startswith("INFO ")]
    assert "INFO briefgen.build: 2 document(s) to build into build" in steps
    assert "INFO briefgen.build: 0 up to date, 2 to render" in steps
    assert all(line.startswith("INFO briefgen.") for line in steps), steps
    check = briefgen("check", "--verbose", cwd=root)
    assert "INFO briefgen.check: checking 1 fact base(s) and 1 pack(s)" in check.stderr


def test_quiet_prints_only_errors(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project()
    for args in (["build", "-q"], ["check", "-q"], ["-q", "schema", "--out", str(tmp_path)],
                 ["init", "-q", str(tmp_path / "new")],
                 ["templates", "export", "-q", "--file", "css/fonts.css"]):
        result = briefgen(*args, cwd=root)
        assert result.returncode == 0, (args, result.stderr)
        assert (result.stdout, result.stderr) == ("", ""), args
    assert (root / "build/meeting/fr/briefing-note.pdf").exists()
    broken = make_project(facts={"base.yaml": MINIMAL_BASE.replace("as_of: 2022-05",
                                                                    "as_of: 2022-13")})
    failed = briefgen("check", "-q", cwd=broken)
    assert failed.returncode == 1
    assert "'2022-13' is not a real date" in failed.stdout
    assert "stale" not in failed.stdout  # warnings are not printed under -q


def run_on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What ``briefgen args`` prints when its output is a terminal (a pseudo-terminal)."""
    import pty

    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "briefgen", *args], cwd=cwd,
                               stdout=child_fd, stderr=child_fd, env=env)
    os.close(child_fd)
    output = b""
    while True:
        try:
            chunk = os.read(main_fd, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(main_fd)
    return output.decode()


def test_check_colours_only_a_terminal_without_no_color(make_project: ProjectFactory) -> None:
    root = make_project()
    env = {"PATH": os.environ["PATH"], "TERM": "xterm", "SOURCE_DATE_EPOCH": TODAY_EPOCH}
    args = ["check", "--today", "2026-01-01"]
    coloured = run_on_a_terminal(args, root, env)
    assert "stale" in coloured and "\x1b[" in coloured
    plain = run_on_a_terminal(args, root, {**env, "NO_COLOR": "1"})
    assert "stale" in plain and "\x1b[" not in plain
    piped = briefgen(*args, cwd=root)
    assert "stale" in piped.stdout and "\x1b[" not in piped.stdout


def test_an_unknown_pack_is_2_for_check_as_for_build(make_project: ProjectFactory) -> None:
    root = make_project()
    for args in (["check", "nope"], ["build", "nope"], ["check", "--format", "json", "nope"]):
        result = briefgen(*args, cwd=root)
        assert result.returncode == 2, args
        assert "no pack with id nope (packs in this project: meeting)" in result.stderr


# -- build --json -----------------------------------------------------------------------------


def test_build_json_is_versioned(make_project: ProjectFactory) -> None:
    result = briefgen("build", "--json", cwd=make_project())
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["version"] == 2 and summary["ok"] is True
    assert summary["packs"] == {"built": ["meeting"], "failed": []}
    assert summary["summary"] == {"documents": 2, "rendered": 2, "up_to_date": 0,
                                  "warnings": 0, "errors": 0}
    assert {d["language"] for d in summary["documents"]} == {"fr", "en"}
    assert summary["warnings"] == [] and summary["errors"] == []


def test_build_json_on_a_validation_error(make_project: ProjectFactory) -> None:
    root = make_project(facts={"base.yaml": MINIMAL_BASE.replace("as_of: 2022-05",
                                                                  "as_of: 2022-13")})
    result = briefgen("build", "--json", cwd=root)
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert summary["ok"] is False and summary["documents"] == []
    [error, _unknown_base] = summary["errors"]
    assert (error["kind"], error["file"], error["line"]) == ("validation", "facts/base.yaml", 4)
    assert "'2022-13' is not a real date" in error["message"]
    assert "'2022-13' is not a real date" in result.stderr  # the person reading the log too


def test_build_json_on_a_render_error_names_each_document(make_project: ProjectFactory) -> None:
    note = (REPO / "templates/briefing-note.html").read_text(encoding="utf-8")
    root = make_project(templates={"briefing-note.html": note.replace("<body", "{{ x.y }}<body")})
    result = briefgen("build", "--json", cwd=root)
    assert result.returncode == 1
    errors = json.loads(result.stdout)["errors"]
    assert sorted((e["kind"], e["pack"], e["language"], e["document"], e["file"])
                  for e in errors) == [
        ("render", "meeting", lang, "briefing-note", "templates/briefing-note.html")
        for lang in ("en", "fr")]
    assert all(isinstance(e["line"], int) for e in errors)


def test_build_json_on_an_unknown_pack(make_project: ProjectFactory) -> None:
    result = briefgen("build", "--json", "nope", cwd=make_project())
    assert result.returncode == 2
    assert json.loads(result.stdout)["errors"][0]["kind"] == "usage"


# -- Render warnings ------------------------------------------------------------------------


def unmarked_project(make_project: ProjectFactory) -> Path:
    return make_project(
        packs={"meeting.yaml": MINIMAL_PACK.replace("documents: [briefing-note]",
                                                    "documents: [talking-points]")},
        templates={"talking-points.docx": restyled_template(marking_in_header=False)})


MISSING_MARKING = ("the header of section 1 of talking-points.docx does not show the "
                   "classification marking")


def test_render_warnings_are_printed_and_in_the_result(make_project: ProjectFactory,
                                                       tmp_path: Path) -> None:
    root = unmarked_project(make_project)
    result = briefgen("build", "--lang", "fr", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (f"warning: meeting/fr/talking-points.docx: {MISSING_MARKING} "
            "(DIFFUSION RESTREINTE)") in result.stderr.splitlines()
    assert "1 documents in build/ (1 rendered, 0 up to date, 1 warning)" in result.stdout
    api = briefgen_api.build(root, out=tmp_path, languages=["en"])
    [warning] = api.warnings
    assert (warning.pack_id, warning.language, warning.document) == (
        "meeting", "en", "talking-points")
    assert warning.message.startswith(MISSING_MARKING)
    assert str(warning).startswith(f"meeting/en/talking-points.docx: {MISSING_MARKING}")
    summary = json.loads(briefgen("build", "--json", cwd=root).stdout)
    assert summary["summary"]["warnings"] == 2  # kept documents keep their warnings
    assert {w["language"] for w in summary["warnings"]} == {"fr", "en"}


def test_build_strict_fails_on_a_warning_and_writes_nothing(make_project: ProjectFactory) -> None:
    root = unmarked_project(make_project)
    result = briefgen("build", "--strict", cwd=root)
    assert result.returncode == 1
    assert (f"meeting/fr/talking-points.docx: {MISSING_MARKING} (DIFFUSION RESTREINTE) (a "
            "warning; strict makes it an error)") in result.stderr
    assert not (root / "build" / "meeting").exists()
    assert briefgen("build", cwd=root).returncode == 0  # without --strict it builds
    again = briefgen("build", "--strict", cwd=root)  # up to date, but still warned
    assert again.returncode == 1 and MISSING_MARKING in again.stderr


# -- GitHub annotations ---------------------------------------------------------------------


def test_github_annotations_name_files_from_the_repository_root(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    project = repository / "briefs" / "ministry"
    shutil.copytree(make_project(), project)
    args = ["check", "--format", "github", "--today", "2026-01-01"]
    detected = briefgen(*args, cwd=project)
    files = {line.split("file=")[1].split(",")[0] for line in detected.stdout.splitlines()}
    assert files == {"briefs/ministry/facts/base.yaml"}, detected.stdout
    from_elsewhere = briefgen(*args, "--project", "briefs/ministry", cwd=repository)
    assert from_elsewhere.stdout == detected.stdout
    given = briefgen(*args, "--repo-root", str(repository / "briefs"), cwd=project)
    assert "file=ministry/facts/base.yaml," in given.stdout
    workspace = subprocess.run(
        [sys.executable, "-m", "briefgen", *args], cwd=project, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "GITHUB_WORKSPACE": str(repository / "briefs"),
             "SOURCE_DATE_EPOCH": TODAY_EPOCH},
        check=False)
    assert "file=ministry/facts/base.yaml," in workspace.stdout


# -- watch ----------------------------------------------------------------------------------


def test_watch_reports_only_what_changed(make_project: ProjectFactory, tmp_path: Path) -> None:
    from briefgen.watching import Watcher

    root = make_project()
    watcher = Watcher(root, out=tmp_path)
    first = watcher.step().lines()
    assert any(" stale: " in line for line in first)
    assert "rendered meeting/fr/briefing-note.pdf" in first
    assert first[-1] == "2 document(s) rendered, 0 up to date"
    assert watcher.step().lines() == ["no document changed (2 up to date)"]
    base = root / "facts" / "base.yaml"
    base.write_text(base.read_text().replace("    sources: [s1]\n", "\n", 1))  # f1 unsourced
    third = watcher.step().lines()
    assert [line for line in third if "warning" in line and "unsourced" in line] == [
        "facts/base.yaml:9: warning [f1] unsourced: the fact cites no source — add sources: "
        "[id] naming where it comes from"]
    assert not any(" stale: " in line for line in third)  # reported before: not again
    assert "rendered meeting/fr/briefing-note.pdf" in third
    base.write_text(MINIMAL_BASE)
    assert watcher.step().lines()[0] == "1 finding(s) resolved"


# -- templates export -----------------------------------------------------------------------


def test_templates_export_copies_the_defaults_to_restyle(make_project: ProjectFactory) -> None:
    root = make_project()
    listed = briefgen("templates", "list", cwd=root).stdout.split()
    assert {"briefing-note.html", "css/briefing-note.css", "talking-points.docx"} <= set(listed)
    assert not any(name.startswith(("fonts/", "locale/")) for name in listed)
    bare = briefgen("templates", "export", cwd=root)  # copy only what you change
    assert bare.returncode == 2 and "--file NAME" in bare.stderr and "--all" in bare.stderr
    assert not (root / "templates").exists()
    result = briefgen("templates", "export", "--all", cwd=root)
    assert result.returncode == 0, result.stderr
    for name in listed:
        assert (root / "templates" / name).read_bytes() == (REPO / "templates" / name
                                                            ).read_bytes(), name
    css = root / "templates" / "css" / "briefing-note.css"
    css.write_text(css.read_text() + "\n/* mine */\n")
    again = briefgen("templates", "export", "--file", "css/briefing-note.css", cwd=root)
    assert again.returncode == 1
    assert "already there" in again.stderr and css.read_text().endswith("/* mine */\n")
    assert briefgen("templates", "export", "--file", "nope.html", cwd=root).returncode == 2
    assert briefgen("build", cwd=root).returncode == 0  # the copies build


def test_templates_export_one_file_elsewhere(tmp_path: Path) -> None:
    result = briefgen("templates", "export", str(tmp_path / "t"), "--file",
                      "templates/talking-points.docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["talking-points.docx"]


def test_version_is_answered_before_anything_heavy_is_imported() -> None:
    """``briefgen --version`` says what click's option says, without importing click, the
    API's libraries or the engines (so it starts about as fast as Python itself)."""
    script = ("import sys\nsys.argv = ['briefgen', '--version']\n"
              "import briefgen.__main__\nbriefgen.__main__.main()\n"
              "print(sorted(m for m in ('click', 'pydantic', 'jinja2', 'babel', 'weasyprint',"
              " 'docx') if m in sys.modules))\n")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    clicked = CliRunner().invoke(cli.main, ["--version"])
    assert shown == [clicked.output.strip(), "[]"]
    assert shown[0] == f"briefgen, version {version()}"
