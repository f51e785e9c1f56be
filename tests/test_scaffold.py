"""`briefgen init`, `new` and `schema`: the scaffolded project builds at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen
from briefgen.scaffold import init_project, new_pack, schemas
from tests.support.pdf import pdftotext
from tests.support.projects import ISSUED


def test_init_builds_at_once(tmp_path: Path) -> None:
    init_project(tmp_path / "p")
    project = briefgen.load_project(tmp_path / "p")
    written = briefgen.build(project, out=tmp_path / "out", issued=ISSUED,
                             pack_ids=["sample-meeting"]).written
    notes = [d.path for d in written if d.document == "briefing-note"]
    assert len(notes) == 2
    assert "Sample fact base" in pdftotext(notes[0])


def test_init_defaults_to_the_current_folder_and_passes_the_strict_check(
        tmp_path: Path) -> None:
    """A new user's first minutes: init here, build, and check --strict reports only the
    texts init asks to fill, each once, with its languages."""
    env = {"PATH": os.environ["PATH"], "SOURCE_DATE_EPOCH": "1780000000",
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, check=False)

    init = run("init")
    assert init.returncode == 0, init.stderr
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        ".gitignore", "facts/sample.yaml", "packs/sample-meeting.yaml",
        "schemas/factbase.schema.json", "schemas/pack.schema.json"]
    assert "/build/" in (tmp_path / ".gitignore").read_text().splitlines()
    assert init.stdout.splitlines()[-1].endswith("then `briefgen build`")
    assert run("build").returncode == 0
    check = run("check", "--strict", "--format", "json")
    assert check.returncode == 1
    findings = json.loads(check.stdout)["findings"]
    assert [(f["code"], f["line"], f["message"].split(" still")[0]) for f in findings] == [
        ("unfilled", 4, "'meeting.title'"), ("unfilled", 6, "'meeting.place'"),
        ("unfilled", 7, "'purpose'"), ("unfilled", 9, "'classification'")]
    pack = tmp_path / "packs" / "sample-meeting.yaml"
    filled = pack.read_text()
    for placeholder in ("TODO: TITLE OF THE MEETING", "TODO: PLACE",
                        "TODO: WHY THE MINISTER MEETS", "TODO: CLASSIFICATION, E.G. RESTRICTED"):
        filled = filled.replace(placeholder, "Filled")
    pack.write_text(filled)
    strict = run("check", "--strict")
    assert strict.returncode == 0, strict.stdout
    assert strict.stdout.startswith("no findings")


def test_init_keeps_a_gitignore_and_writes_the_ci_workflow(tmp_path: Path) -> None:
    from briefgen.handbook import ci_example

    (tmp_path / ".gitignore").write_text("mine\n")
    written = init_project(tmp_path, ci=True)
    assert (tmp_path / ".gitignore").read_text() == "mine\n"
    workflow = tmp_path / ".github" / "workflows" / "briefgen.yml"
    assert workflow in written
    assert workflow.read_text() == ci_example()
    assert "briefgen check --format github" in workflow.read_text()


def test_init_refuses_an_existing_project(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    result = subprocess.run([sys.executable, "-m", "briefgen", "init", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "already holds a project" in result.stderr


def test_new_pack_draws_on_every_base(tmp_path: Path) -> None:
    init_project(tmp_path)
    path = new_pack(briefgen.load_project(tmp_path), "next-meeting")
    project = briefgen.load_project(tmp_path)  # the new pack is valid as written
    assert project.packs["next-meeting"].model.facts == ("sample",)
    assert path.name == "next-meeting.yaml"


def test_schemas_describe_the_contract() -> None:
    files = {name: json.loads(text) for name, text in schemas().items()}
    base = files["factbase.schema.json"]
    assert set(base["required"]) >= {"id", "title", "subject", "as_of", "languages"}
    assert {"facts", "people"} <= set(base["properties"])
    assert base["additionalProperties"] is False
    assert "verified" in json.dumps(base)
    assert "classification" in files["pack.schema.json"]["required"]
    from jsonschema.validators import Draft202012Validator, validator_for

    for schema in files.values():  # a validator reads the dialect; none has to guess
        assert validator_for(schema, default=None) is Draft202012Validator
        Draft202012Validator.check_schema(schema)


def test_watch_rebuilds_on_save(tmp_path: Path) -> None:
    import os
    import queue
    import signal
    import threading

    init_project(tmp_path)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1780000000", "PYTHONUNBUFFERED": "1"}
    # Ctrl-C's signal as a terminal sends it, even where this test runs with SIGINT ignored
    # (a background job of a script), which a child would inherit.
    with subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "--project", str(tmp_path)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                          ) as process:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or []],
                         daemon=True).start()
        seen: list[str] = []

        def wait_for(text: str) -> None:
            while not any(text in line for line in seen):
                seen.append(lines.get(timeout=60))

        try:
            wait_for("watching")
            base = tmp_path / "facts" / "sample.yaml"
            base.write_text(base.read_text().replace("as_of:", "as_of: 2022-13 #"))
            wait_for("'2022-13' is not a real date")
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise


@pytest.mark.parametrize("pack_id", ["../../x", "Bad ID", "x/y", "_x", ".hidden", "x.yaml"])
def test_new_validates_the_id_like_a_pack_id(tmp_path: Path, pack_id: str) -> None:
    root = tmp_path / "a" / "b" / "project"
    init_project(root)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    result = subprocess.run([sys.executable, "-m", "briefgen", "new", pack_id], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert f"'{pack_id}' is not a valid pack id: use lower-case letters, digits and '-'" in \
        result.stderr
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
    with pytest.raises(briefgen.UsageError):
        new_pack(briefgen.load_project(root), pack_id)
