"""`briefgen init`, `new` and `schema`: the scaffolded project builds at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import briefgen
from briefgen.scaffold import init_project, new_pack, schemas
from tests.conftest import ISSUED, pdftotext


def test_init_builds_at_once(tmp_path: Path) -> None:
    init_project(tmp_path / "p")
    project = briefgen.load_project(tmp_path / "p")
    written = briefgen.build(project, out=tmp_path / "out", issued=ISSUED,
                             pack_ids=["sample-meeting"]).written
    notes = [d.path for d in written if d.document == "briefing-note"]
    assert len(notes) == 2
    assert "Sample fact base" in pdftotext(notes[0])


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
    assert set(base["required"]) >= {"id", "title", "subject", "as_of", "languages", "facts"}
    assert base["additionalProperties"] is False
    assert "verified" in json.dumps(base)
    assert "classification" in files["pack.schema.json"]["required"]
