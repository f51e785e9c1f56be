"""The build engine: incremental, reproducible, parallel, and never losing a good pack."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import briefgen
from briefgen import fsutil
from tests.conftest import ISSUED, MINIMAL_BASE, MINIMAL_PACK, ProjectFactory

TWO_PACKS = {
    "a.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-a") + "tags: [a]\n",
    "b.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-b") + "tags: [b]\n",
}
TAGGED_BASE = (MINIMAL_BASE.replace("    kind: position\n", "    kind: position\n    tags: [a]\n")
               .replace("    kind: event\n", "    kind: event\n    tags: [b]\n"))


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file() and path.name != ".briefgen.lock"
    }


def test_no_change_rebuild_renders_nothing(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    first = briefgen.build(project, out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path)
    second = briefgen.build(briefgen.load_project(project.root), out=tmp_path, issued=ISSUED)
    assert len(first.rendered) == 2 and second.rendered == ()
    assert len(second.written) == 2
    assert snapshot(tmp_path) == before


def test_changing_one_fact_renders_only_what_uses_it(make_project: ProjectFactory,
                                                     tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": TAGGED_BASE}, packs=TWO_PACKS)
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Meeting on {date}.", "A meeting on {date}."))
    result = briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert {(d.pack_id, d.language) for d in result.rendered} == {("pack-b", "en")}


def test_a_deleted_or_edited_output_is_rebuilt(make_project: ProjectFactory,
                                               tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    briefgen.build(project, out=tmp_path, issued=ISSUED)
    (tmp_path / "meeting/fr/briefing-note.pdf").write_bytes(b"edited by hand")
    result = briefgen.build(project, out=tmp_path, issued=ISSUED)
    assert [(d.language, d.rendered) for d in result.written] == [("fr", True), ("en", False)]


def test_manifest(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    result = briefgen.build(project, out=tmp_path, issued=ISSUED)
    manifest = json.loads((tmp_path / "meeting/manifest.json").read_text())
    assert manifest["briefgen"] == briefgen.__version__
    assert manifest["pack"] == "meeting"
    assert len(manifest["input_hash"]) == 64
    [fr] = [d for d in manifest["documents"] if d["language"] == "fr"]
    assert fr["path"] == "fr/briefing-note.pdf"
    assert fr["sha256"] == hashlib.sha256(
        (tmp_path / "meeting/fr/briefing-note.pdf").read_bytes()).hexdigest()
    assert fr["pages"] == 1
    assert fr["facts"] == ["base/f1", "base/f2"]
    assert fr["sources"] == ["base/s1"]
    assert [d.sha256 for d in result.written if d.language == "fr"] == [fr["sha256"]]


BUILD_SCRIPT = """
import datetime, sys, briefgen
project = briefgen.load_project(sys.argv[1])
briefgen.build(project, out=sys.argv[2], issued=datetime.date(2026, 11, 20), force=True)
"""


@pytest.mark.parametrize("env", [{"LANG": "C"}, {"LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"},
                                 {"LC_ALL": "ar_MA.UTF-8", "TZ": "Pacific/Kiritimati"}])
def test_byte_identical_across_processes_and_locales(make_project: ProjectFactory,
                                                     tmp_path: Path, env: dict[str, str]) -> None:
    root = make_project()
    base_env = {"PATH": os.environ["PATH"]}
    outputs = []
    for index, extra in enumerate([{}, env]):
        out = tmp_path / f"out{index}"
        subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(root), str(out)],
                       env={**base_env, **extra}, check=True, capture_output=True)
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1]


def test_jobs_give_the_same_bytes(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = briefgen.load_project(make_project(facts={"base.yaml": TAGGED_BASE},
                                                 packs=TWO_PACKS))
    serial = briefgen.build(project, out=tmp_path / "1", issued=ISSUED, jobs=1)
    parallel = briefgen.build(project, out=tmp_path / "2", issued=ISSUED, jobs=2)
    assert [d.sha256 for d in serial.written] == [d.sha256 for d in parallel.written]
    assert len(parallel.rendered) == 4


def test_failed_write_keeps_the_previous_pack(make_project: ProjectFactory, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path)
    calls = {"n": 0}
    real_stage = fsutil._stage

    def full_disk(path: Path, data: bytes) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_stage(path, data)

    monkeypatch.setattr(fsutil, "_stage", full_disk)
    with pytest.raises(OSError, match="No space left"):
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, force=True,
                       languages=None)
    assert snapshot(tmp_path) == before  # byte-identical, and no temporary file left


def test_interrupted_render_writes_nothing(make_project: ProjectFactory, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path)
    from briefgen.documents import briefing_note

    calls = {"n": 0}
    real = briefing_note.render

    def interrupted(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(briefing_note, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, force=True)
    assert snapshot(tmp_path) == before


KILL_SCRIPT = """
import datetime, sys, time, briefgen
from briefgen import fsutil
real = fsutil._stage
def slow(path, data):
    name = real(path, data)
    print("staged", flush=True)
    time.sleep(30)
    return name
fsutil._stage = slow
project = briefgen.load_project(sys.argv[1])
briefgen.build(project, out=sys.argv[2], issued=datetime.date(2026, 11, 20), force=True)
"""


def test_killed_build_keeps_the_previous_pack(make_project: ProjectFactory,
                                              tmp_path: Path) -> None:
    root = make_project()
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path)
    with subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(root), str(tmp_path)],
                          stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "staged"
        process.send_signal(signal.SIGKILL)
        process.wait()
    leftovers = [p for p in tmp_path.rglob(".*.tmp")]
    assert leftovers, "the kill should have left a staged temporary file"
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.endswith(".tmp")} == before
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert snapshot(tmp_path) == before  # the next build cleans up


def test_concurrent_builds_serialize(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    errors: list[BaseException] = []

    def run() -> None:
        try:
            briefgen.build(project, out=tmp_path, issued=ISSUED, force=True)
        except BaseException as error:
            errors.append(error)

    with fsutil.file_lock(tmp_path / ".briefgen.lock"):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        assert not (tmp_path / "meeting").exists()  # both wait for the lock
    for thread in threads:
        thread.join()
    assert not errors
    briefgen.load_project(project.root)
    import pikepdf

    with pikepdf.open(tmp_path / "meeting/fr/briefing-note.pdf") as pdf:
        assert len(pdf.pages) == 1


def test_failed_document_keeps_that_pack_and_writes_the_others(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": TAGGED_BASE}, packs=TWO_PACKS)
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path / "pack-a")
    template = (Path(briefgen.__file__).parents[2] / "templates/briefing-note.html").read_text()
    broken = template.replace("{{ pack.title }}</h1>",
                              "{% if pack.id == 'pack-a' %}{{ pack.nope }}{% endif %}</h1>")
    (root / "templates").mkdir()
    (root / "templates/briefing-note.html").write_text(broken)
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert len(caught.value.errors) == 2  # fr and en of pack-a
    assert snapshot(tmp_path / "pack-a") == before
    assert isinstance(caught.value.written, briefgen.BuildResult)
    assert {d.pack_id for d in caught.value.written.rendered} == {"pack-b"}


def test_any_executor_dask(make_project: ProjectFactory, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="install briefgen[dask]")
    project = briefgen.load_project(make_project(facts={"base.yaml": TAGGED_BASE},
                                                 packs=TWO_PACKS))
    serial = briefgen.build(project, out=tmp_path / "serial", issued=ISSUED)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = briefgen.build(project, out=tmp_path / "dask", issued=ISSUED,
                                executor=client.get_executor())
    assert [d.sha256 for d in result.written] == [d.sha256 for d in serial.written]
