"""The build engine: incremental, reproducible, parallel, and never losing a good pack."""

from __future__ import annotations

import errno
import hashlib
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

import briefgen
from briefgen import fsutil
from tests.support.projects import ISSUED, MINIMAL_BASE, MINIMAL_PACK, TODAY_EPOCH, ProjectFactory

T = TypeVar("T")

TWO_PACKS = {
    "a.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-a") + "tags: [a]\n",
    "b.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-b") + "tags: [b]\n",
}
TAGGED_BASE = (MINIMAL_BASE.replace("    kind: position\n", "    kind: position\n    tags: [a]\n")
               .replace("    kind: event\n", "    kind: event\n    tags: [b]\n"))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of an output folder and its hash (not the lock, nor the parse cache)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file() and path.name != ".briefgen.lock"
        and ".briefgen-cache" not in path.relative_to(folder).parts
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
    base_env = {"PATH": os.environ["PATH"], "SOURCE_DATE_EPOCH": TODAY_EPOCH}
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



class RecordingExecutor(Executor):
    """Runs each task here, and records the documents each task was given."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, tuple[str, ...]]] = []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        self.tasks.append((args[1].lang, tuple(args[0])))
        future: Future[T] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class RecordingPool(ThreadPoolExecutor):
    """A pool of this machine's, recording the documents each task was given and the copy
    of the templates that came with it (``render_documents(documents, view, templates,
    time_limit, environment, bundle, hints)``)."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.tasks: list[tuple[str, tuple[str, ...]]] = []
        self.bundles: list[object] = []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        self.tasks.append((args[1].lang, tuple(args[0])))
        self.bundles.append(args[5])
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize("where", ["this machine", "elsewhere"])
def test_a_book_goes_to_a_worker_with_the_note_and_sheet_it_is_compiled_from(
        make_project: ProjectFactory, tmp_path: Path, where: str) -> None:
    """On a pool of this machine, a task for each document, but the book's: with its note
    and sheet. Elsewhere (a Dask cluster: a round trip a task), a task for each language
    of a pack, its documents in the order planned. The book always after its parts."""
    pack = MINIMAL_PACK.replace(
        "documents: [briefing-note]",
        "documents: [briefing-book, talking-points, fact-sheet, briefing-note]")
    project = briefgen.load_project(make_project(packs={"meeting.yaml": pack}))
    executor = RecordingPool() if where == "this machine" else RecordingExecutor()
    with executor:
        spread = briefgen.build(project, out=tmp_path / "executor", issued=ISSUED,
                                executor=executor)
    by_book = ("briefing-note", "fact-sheet", "briefing-book")
    tasks = [("talking-points",), by_book] if where == "this machine" else [
        (*by_book, "talking-points")]
    assert sorted((lang, sorted(documents)) for lang, documents in executor.tasks) == sorted(
        (lang, sorted(task)) for lang in ("en", "fr") for task in tasks)
    for _, documents in executor.tasks:
        if "briefing-book" in documents:
            assert documents.index("briefing-book") > max(
                documents.index("briefing-note"), documents.index("fact-sheet"))
    serial = briefgen.build(project, out=tmp_path / "serial", issued=ISSUED, jobs=1)
    assert [(d.path.name, d.sha256) for d in spread.written] == [
        (d.path.name, d.sha256) for d in serial.written]


def test_failed_write_keeps_the_previous_pack(make_project: ProjectFactory, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path)
    calls = {"n": 0}
    real_write = fsutil._write_new

    def full_disk(folder: Path, relative: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(folder, relative, data)

    monkeypatch.setattr(fsutil, "_write_new", full_disk)
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, force=True)
    assert [str(e) for e in caught.value.errors] == [
        f"{tmp_path / 'meeting'}: cannot write the pack: No space left on device — free some "
        "space, then build again"]
    assert snapshot(tmp_path) == before  # byte-identical, and no staging folder left
    assert sorted(p.name for p in tmp_path.iterdir()) == [".briefgen.lock", "meeting"]


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
real = fsutil._write_new
def slow(*args):
    real(*args)
    print("staged", flush=True)
    time.sleep(30)
fsutil._write_new = slow
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
    [leftover] = [p.name for p in tmp_path.iterdir() if p.name.startswith(".briefgen-")]
    assert leftover.startswith(".briefgen-meeting.") and leftover.endswith(".new")
    assert snapshot(tmp_path / "meeting") == {
        k.removeprefix("meeting/"): v for k, v in before.items()}
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert snapshot(tmp_path) == before  # the next build cleans up
    assert sorted(p.name for p in tmp_path.iterdir()) == [".briefgen.lock", "meeting"]


# -- Killed at every rename, with inputs that change every document -------------------------

RENAMES = ("rename", "renameat", "renameat2")
BUILD_SCRIPT_STRACED = """
import datetime, os, sys, briefgen
from briefgen import fsutil
if os.environ.get("NO_EXCHANGE"):
    fsutil._exchange = lambda first, second: False
briefgen.build(briefgen.load_project(sys.argv[1]), out=sys.argv[2],
               issued=datetime.date(2026, 11, 20))
"""


def build_killed_at(syscall: str, count: int, root: Path, out: Path, exchange: bool) -> bool:
    """Build with the process killed (SIGKILL) on entering its ``count``-th ``syscall``;
    True if it was killed, False if the build ended first."""
    env = {"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1",
           "SOURCE_DATE_EPOCH": TODAY_EPOCH,
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
           **({} if exchange else {"NO_EXCHANGE": "1"})}
    result = subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "-e", f"trace={syscall}",
         "-e", f"inject={syscall}:signal=KILL:when={count}",
         sys.executable, "-c", BUILD_SCRIPT_STRACED, str(root), str(out)],
        env=env, capture_output=True, text=True, check=False)
    assert result.returncode in (0, -signal.SIGKILL, 128 + signal.SIGKILL), result.stderr
    return result.returncode != 0


def pack_states(folder: Path) -> dict[str, dict[str, str]]:
    return {pack.name: snapshot(pack) for pack in sorted(folder.iterdir())
            if pack.is_dir() and not pack.name.startswith(".")}


def pack_folder(out: Path, name: str) -> Path:
    """Where a reader finds pack ``name``; a pack set aside between two renames counts as
    what the next build puts back."""
    if (out / name).exists():
        return out / name
    [aside] = out.glob(f".briefgen-{name}.*.old")
    return aside


def assert_consistent(pack: dict[str, str], folder: Path) -> None:
    """The manifest describes exactly the documents beside it."""
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {d["path"]: d["sha256"] for d in manifest["documents"]} == {
        k: v for k, v in pack.items() if k != "manifest.json"}


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_no_pack_is_torn_at_any_kill_point(make_project: ProjectFactory, tmp_path: Path,
                                           exchange: bool) -> None:
    root = make_project(facts={"base.yaml": TAGGED_BASE}, packs=TWO_PACKS)
    old_out = tmp_path / "old"
    briefgen.build(briefgen.load_project(root), out=old_out, issued=ISSUED)
    base = root / "facts" / "base.yaml"  # change what every document shows
    base.write_text(base.read_text().replace("Morocco supports", "Morocco backs")
                    .replace("Le Maroc soutient", "Le Maroc appuie")
                    .replace("Meeting on", "A meeting on").replace("Réunion le", "Rencontre le"))
    new_out = tmp_path / "new"
    briefgen.build(briefgen.load_project(root), out=new_out, issued=ISSUED)
    old, new = pack_states(old_out), pack_states(new_out)
    assert all(old[pack][doc] != new[pack][doc] for pack in old for doc in old[pack])
    kill_points = 0
    for syscall in RENAMES:
        for count in range(1, 20):
            out = tmp_path / f"{syscall}-{count}"
            shutil.copytree(old_out, out, symlinks=True)
            if not build_killed_at(syscall, count, root, out, exchange):
                assert pack_states(out) == new
                break
            kill_points += 1
            for name in old:
                state = snapshot(pack_folder(out, name))
                assert state in (old[name], new[name]), f"{name} torn at {syscall} #{count}"
                assert_consistent(state, pack_folder(out, name))
            briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
            assert pack_states(out) == new
            assert sorted(p.name for p in out.iterdir()) == [".briefgen.lock", "pack-a",
                                                             "pack-b"]
    assert kill_points >= (2 if exchange else 4)  # one swap per pack, or two renames each


def test_full_disk_leaves_the_previous_pack_cli(make_project: ProjectFactory,
                                                tmp_path: Path) -> None:
    """ENOSPC from the file system (injected on the first flush of the new pack)."""
    root = make_project()
    briefgen.build(briefgen.load_project(root), out=root / "build", issued=ISSUED)
    before = snapshot(root / "build")
    base = root / "facts" / "base.yaml"
    base.write_text(base.read_text().replace("Morocco supports", "Morocco backs"))
    result = subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "-e", "trace=fsync",
         "-e", "inject=fsync:error=ENOSPC:when=1",
         sys.executable, "-m", "briefgen", "build"],
        cwd=root, env={"PATH": os.environ["PATH"], "SOURCE_DATE_EPOCH": "1795132800"},
        capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("build/meeting: cannot write the pack: No space left on device — free some "
            "space, then build again") in [line.strip() for line in result.stderr.splitlines()]
    assert snapshot(root / "build") == before
    assert sorted(p.name for p in (root / "build").iterdir()) == [
        ".briefgen-cache", ".briefgen.lock", "meeting"]  # the parse cache, and no staging


def read_only(folder: Path, command: list[str]) -> list[str]:
    """``command`` run with ``folder`` read-only: a read-only bind mount in a private mount
    namespace as root, permissions otherwise."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return command
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "-rm", "sh", "-c", script, str(folder), *command]


@pytest.mark.parametrize("existing", [True, False], ids=["previous-pack", "empty"])
def test_read_only_out_is_one_clear_line(make_project: ProjectFactory, tmp_path: Path,
                                         existing: bool) -> None:
    root = make_project()
    out = tmp_path / "out"
    out.mkdir()
    if existing:
        briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
        base = root / "facts" / "base.yaml"
        base.write_text(base.read_text().replace("Morocco supports", "Morocco backs"))
    before = snapshot(out)
    command = [sys.executable, "-m", "briefgen", "build", "--out", str(out)]
    result = subprocess.run(read_only(out, command), cwd=root, capture_output=True, text=True,
                            env={"PATH": os.environ["PATH"], "SOURCE_DATE_EPOCH": "1795132800"},
                            check=False)
    out.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1].endswith(
        "cannot write the output folder: Read-only file system — build with --out into a "
        "writable folder") or "Permission denied" in result.stderr
    assert "Traceback" not in result.stderr
    assert "rendered" not in result.stdout  # refused before anything is rendered
    assert snapshot(out) == before


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
    anchor = '<body class="note">'
    assert anchor in template
    broken = template.replace(anchor, anchor + "{% if pack.id == 'pack-a' %}{{ pack.nope }}"
                              "{% endif %}")
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
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        result = briefgen.build(project, out=tmp_path / "dask", issued=ISSUED,
                                executor=client.get_executor())
    assert [d.sha256 for d in result.written] == [d.sha256 for d in serial.written]


# -- The output folder: nothing outside it touched, nothing of the user's removed -----------


def test_users_temporary_files_are_never_removed(make_project: ProjectFactory,
                                                 tmp_path: Path) -> None:
    root = make_project()
    drafts = [tmp_path / ".draft.tmp", tmp_path / "docs" / ".notes.tmp",
              tmp_path / ".git" / ".index.tmp", tmp_path / "meeting" / "fr" / ".mine.tmp",
              tmp_path / "meeting" / ".briefing-note.pdf.abc.tmp"]
    for draft in drafts:
        draft.parent.mkdir(parents=True, exist_ok=True)
        draft.write_text("a user's file")
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    base = root / "facts" / "base.yaml"
    base.write_text(base.read_text().replace("Morocco supports", "Morocco backs"))
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert all(draft.read_text() == "a user's file" for draft in drafts)


@pytest.mark.parametrize("out", [".", "..", "facts", "packs/x", "templates"])
def test_out_must_not_hold_or_be_in_the_project_folders(make_project: ProjectFactory,
                                                        out: str) -> None:
    root = make_project(templates={"css/x.css": "p {}"})
    with pytest.raises(briefgen.UsageError, match=r"the output folder .* the project's") as caught:
        briefgen.build(briefgen.load_project(root), out=root / out, issued=ISSUED)
    assert "build into a folder of its own" in str(caught.value)
    assert sorted(p.name for p in root.iterdir()) == ["facts", "packs", "templates"]


def test_symlinked_lock_and_pack_folder_are_refused(make_project: ProjectFactory,
                                                    tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    victim = tmp_path / "victim"
    victim.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".briefgen.lock").symlink_to(victim / "planted")
    with pytest.raises(briefgen.BriefgenError, match=r"briefgen\.lock: is a symbolic link"):
        briefgen.build(project, out=out, issued=ISSUED)
    (out / ".briefgen.lock").unlink()
    (out / "meeting").symlink_to(victim)
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(project, out=out, issued=ISSUED)
    assert [str(e) for e in caught.value.errors] == [
        f"{out / 'meeting'}: is a symbolic link; briefgen writes packs only into real folders "
        "— remove the link (or build into the folder it points to)"]
    assert list(victim.iterdir()) == []
    assert (out / "meeting").is_symlink()


def test_output_paths_in_the_way_are_one_line_each(make_project: ProjectFactory,
                                                  tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    (tmp_path / "file").write_text("x")
    with pytest.raises(briefgen.UsageError) as caught:  # a refusal of --out: exit 2
        briefgen.build(project, out=tmp_path / "file" / "out", issued=ISSUED)
    assert str(caught.value) == (f"{tmp_path}/file/out is a file, or a path through a file, "
                                 "where the output folder must be: choose another --out")
    (tmp_path / "out" / ".briefgen.lock").mkdir(parents=True)
    with pytest.raises(briefgen.BriefgenError, match=r"briefgen\.lock: is a folder"):
        briefgen.build(project, out=tmp_path / "out", issued=ISSUED)
    (tmp_path / "out" / ".briefgen.lock").rmdir()
    (tmp_path / "out" / "meeting" / "fr" / "briefing-note.pdf").mkdir(parents=True)
    (tmp_path / "out" / "meeting" / "fr" / "briefing-note.pdf" / "mine").write_text("x")
    progress: list[briefgen.Progress] = []
    with pytest.raises(briefgen.BuildFailed) as failed:
        briefgen.build(project, out=tmp_path / "out", issued=ISSUED, progress=progress.append)
    assert [str(e) for e in failed.value.errors] == [
        f"{tmp_path}/out/meeting/fr/briefing-note.pdf: is a folder where briefgen writes a "
        "file — move the folder away"]
    assert not [p for p in progress if p.status == "started"]  # found before rendering
    assert (tmp_path / "out" / "meeting" / "fr" / "briefing-note.pdf" / "mine").exists()


CLI_ENV = {"SOURCE_DATE_EPOCH": "1795132800"}


@pytest.mark.parametrize("layout", ["parent-is-a-file", "lock-is-a-folder", "doc-is-a-folder"])
def test_output_paths_in_the_way_cli(make_project: ProjectFactory, layout: str) -> None:
    root = make_project()
    if layout == "parent-is-a-file":
        (root / "build").write_text("x")
        expected = "build is a file, or a path through a file"
    elif layout == "lock-is-a-folder":
        (root / "build" / ".briefgen.lock").mkdir(parents=True)
        expected = "build/.briefgen.lock: is a folder"
    else:
        (root / "build" / "meeting" / "en" / "briefing-note.pdf").mkdir(parents=True)
        expected = "build/meeting/en/briefing-note.pdf: is a folder where briefgen writes a file"
    result = subprocess.run([sys.executable, "-m", "briefgen", "build"], cwd=root,
                            env={"PATH": os.environ["PATH"], **CLI_ENV,
                                 **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}},
                            capture_output=True, text=True, check=False)
    # Where the output folder is (a file in its place) is a usage error, as every refusal
    # of --out; what is in the way inside it is the build's error.
    assert result.returncode == (2 if layout == "parent-is-a-file" else 1)
    assert "Traceback" not in result.stderr
    assert any(line.strip().removeprefix("Error: ").startswith(expected)
               for line in result.stderr.splitlines()), result.stderr


def test_a_dead_worker_fails_its_documents_cleanly(make_project: ProjectFactory, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed by the system (the OOM killer, or an abort in a native library
    over the memory cap) is a located error, not a BrokenProcessPool traceback."""
    root = make_project(facts={"base.yaml": TAGGED_BASE}, packs=TWO_PACKS)
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path)
    from briefgen.documents import briefing_note

    real = briefing_note.render

    def killed(view: object, engines: object) -> object:
        if getattr(view, "id", "") == "pack-a":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(view, engines)  # type: ignore[arg-type]

    monkeypatch.setattr(briefing_note, "render", killed)
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, force=True,
                       jobs=2)
    messages = [str(error) for error in caught.value.errors]
    assert messages and all("the worker process stopped abruptly" in m for m in messages)
    assert any(m.startswith("pack-a/") for m in messages)
    assert snapshot(tmp_path / "pack-a") == {
        k.removeprefix("pack-a/"): v for k, v in before.items() if k.startswith("pack-a/")}


class HidingExecutor(Executor):
    """Runs tasks where the project's templates/ cannot be seen, like a Dask worker on
    another machine."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        hidden = self.templates.with_name("templates-elsewhere")
        self.templates.rename(hidden)
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        finally:
            hidden.rename(self.templates)
        return future


def test_the_templates_travel_with_the_tasks(make_project: ProjectFactory,
                                            tmp_path: Path) -> None:
    """A worker that cannot see the project's templates/ (a Dask worker on another
    machine) renders with the copy that came with its task: the same bytes."""
    css = (Path(briefgen.__file__).parents[2] / "templates/css/briefing-note.css").read_text()
    red = css + "\nh1 { color: red !important }\n"
    root = make_project(templates={"css/briefing-note.css": red})
    project = briefgen.load_project(root)
    here = briefgen.build(project, out=tmp_path / "here", issued=ISSUED)
    away = briefgen.build(project, out=tmp_path / "away", issued=ISSUED,
                          executor=HidingExecutor(root / "templates"))
    assert [d.sha256 for d in away.written] == [d.sha256 for d in here.written]
    shutil.rmtree(root / "templates")
    plain = briefgen.build(briefgen.load_project(root), out=tmp_path / "plain", issued=ISSUED)
    assert [d.sha256 for d in plain.written] != [d.sha256 for d in here.written]


def test_the_templates_stay_home_for_a_pool_of_this_machine(make_project: ProjectFactory,
                                                             tmp_path: Path) -> None:
    """A pool of this machine (``serve``'s worker process, a ``ThreadPoolExecutor``) sees
    the project's templates/: no copy of them goes with its tasks (4 MB for each task of
    the demo); the same documents."""
    root = make_project(templates={"css/x.css": "p {}"})
    project = briefgen.load_project(root)
    with RecordingPool() as pool:
        local = briefgen.build(project, out=tmp_path / "local", issued=ISSUED, executor=pool)
    assert pool.bundles and all(bundle is None for bundle in pool.bundles)
    away = briefgen.build(project, out=tmp_path / "away", issued=ISSUED,
                          executor=HidingExecutor(root / "templates"))
    assert [d.sha256 for d in away.written] == [d.sha256 for d in local.written]


class OtherBriefgenExecutor(Executor):
    """Runs tasks as a worker with another briefgen installed would."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        from briefgen import workers

        future: Future[T] = Future()
        real = workers.code_fingerprint
        workers.code_fingerprint = lambda: "another briefgen"  # type: ignore[assignment]
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        finally:
            workers.code_fingerprint = real
        return future


def test_workers_with_another_briefgen_fail_loudly(make_project: ProjectFactory,
                                                   tmp_path: Path) -> None:
    project = briefgen.load_project(make_project(templates={"css/x.css": "p {}"}))
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(project, out=tmp_path, issued=ISSUED, executor=OtherBriefgenExecutor())
    assert len(caught.value.errors) == 2
    assert "this worker sees other templates or another briefgen than the build" in str(
        caught.value)
    assert not (tmp_path / "meeting").exists()  # no manifest records an input hash falsely


def test_source_date_epoch_out_of_range(make_project: ProjectFactory, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "9" * 30)
    project = briefgen.load_project(make_project(packs={"meeting.yaml": MINIMAL_PACK}))
    with pytest.raises(briefgen.UsageError, match=r"SOURCE_DATE_EPOCH=9999.* is not a time"):
        briefgen.build(project, out=tmp_path)


def test_a_worker_over_its_memory_cap_fails_cleanly(make_project: ProjectFactory,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A cap so low that Pango's allocations fail: GLib aborts the worker (or Python raises
    MemoryError); either way a located error per document, and the previous pack kept."""
    from briefgen import processes, workers

    root = make_project()
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    before = snapshot(tmp_path)
    # The workers forked from this process must lay the notes out: not find the first
    # build's layouts (Engines.layouts) in the engines they inherit.
    monkeypatch.setattr(workers, "_ENGINES", {})
    real = processes.fork_pool
    monkeypatch.setattr(processes, "fork_pool",
                        lambda count, **options: real(count, **{**options,
                                                                "memory_limit": 200 * 1024**2}))
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, force=True,
                       jobs=2)
    assert len(caught.value.errors) == 2
    assert all("ran out of memory" in str(error) for error in caught.value.errors)
    assert snapshot(tmp_path) == before


# -- What each document shows; written as it goes ---------------------------------------------

TP_PACK = MINIMAL_PACK.replace("documents: [briefing-note]",
                               "documents: [briefing-note, talking-points]")


def test_a_fact_without_a_talking_point_leaves_the_talking_points_alone(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project(packs={"meeting.yaml": TP_PACK})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Meeting on {date}.", "A meeting on {date}."))
    result = briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert {(d.document, d.language) for d in result.rendered} == {("briefing-note", "en")}
    path.write_text(path.read_text().replace("We support the Coalition.",
                                             "We fully support the Coalition."))
    result = briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert {(d.document, d.language) for d in result.rendered} == {
        ("briefing-note", "en"), ("talking-points", "en")}


def test_a_word_template_that_shows_every_fact_is_rendered_for_every_fact(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    import zipfile

    shipped = Path(briefgen.__file__).parents[2] / "templates/talking-points.docx"
    copy = tmp_path / "talking-points.docx"
    with zipfile.ZipFile(shipped) as source, zipfile.ZipFile(copy, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":  # a template that lists pack.facts
                data = data.replace(b"{{ pack.title }}",
                                    b"{{ pack.title }}{% for f in pack.facts %}{{ f.text }}"
                                    b"{% endfor %}", 1)
            target.writestr(item, data)
    root = make_project(packs={"meeting.yaml": TP_PACK},
                        templates={"talking-points.docx": copy.read_bytes()})
    out = tmp_path / "out"
    briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Meeting on {date}.", "A meeting on {date}."))
    result = briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
    assert ("talking-points", "en") in {(d.document, d.language) for d in result.rendered}


def test_each_document_is_reported_as_it_finishes(make_project: ProjectFactory,
                                                  tmp_path: Path) -> None:
    events: list[tuple[str, str]] = []
    briefgen.build(briefgen.load_project(make_project(packs={"meeting.yaml": TP_PACK})),
                   out=tmp_path, issued=ISSUED,
                   progress=lambda event: events.append((event.status, str(event.job))))
    assert [status for status, _ in events] == ["started", "done"] * 4
    assert all(events[i][1] == events[i + 1][1] for i in range(0, 8, 2))


def test_a_pack_is_in_place_as_soon_as_its_documents_are(make_project: ProjectFactory,
                                                         tmp_path: Path) -> None:
    """Pack a is swapped in before pack b is started, not at the end of the build."""
    root = make_project(facts={"base.yaml": TAGGED_BASE}, packs=TWO_PACKS)
    seen: dict[str, bool] = {}

    def progress(event: briefgen.Progress) -> None:
        if event.status == "started" and event.job.pack_id == "pack-b":
            seen.setdefault("a in place", (tmp_path / "pack-a" / "manifest.json").is_file())
            seen.setdefault("b in place", (tmp_path / "pack-b").exists())

    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, progress=progress)
    assert seen == {"a in place": True, "b in place": False}


def test_a_build_holds_a_pack_at_a_time(make_project: ProjectFactory, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Peak memory does not grow with the number of packs: each pack's files are let go
    once it is written (documents of 4 MB each, 2 a pack, 8 packs)."""
    import tracemalloc

    from briefgen.documents import Rendered, briefing_note

    def big(view: Any, engines: Any) -> Rendered:
        return Rendered(f"{view.id}/{view.lang}".ljust(16).encode() * (4 * 1024**2 // 16), 1,
                        (), ())

    monkeypatch.setattr(briefing_note, "render", big)
    packs = {f"p{i}.yaml": MINIMAL_PACK.replace("id: meeting", f"id: p{i}") for i in range(8)}
    project = briefgen.load_project(make_project(packs=packs))
    tracemalloc.start()
    try:
        briefgen.build(project, out=tmp_path, issued=ISSUED)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(list(tmp_path.glob("p*/*/briefing-note.pdf"))) == 16
    assert peak < 4 * 2 * 4 * 1024**2  # under 4 documents of 4 MB: never all 16


def test_an_unchanged_pack_is_not_written_again(make_project: ProjectFactory,
                                                tmp_path: Path) -> None:
    other = MINIMAL_BASE.replace("id: base", "id: other")
    root = make_project(facts={"base.yaml": MINIMAL_BASE, "other.yaml": other}, packs={
        "a.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-a"),
        "b.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-b").replace(
            "facts: [base]", "facts: [other]")})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)

    def states() -> dict[str, tuple[int, int]]:
        return {pack: ((tmp_path / pack / "manifest.json").stat().st_ino,
                       (tmp_path / pack / "manifest.json").stat().st_mtime_ns)
                for pack in ("pack-a", "pack-b")}

    before = states()
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert states() == before  # nothing changed: nothing written
    path = root / "facts" / "other.yaml"
    path.write_text(path.read_text().replace("Meeting on {date}.", "A meeting on {date}."))
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    after = states()
    assert after["pack-a"] == before["pack-a"]
    assert after["pack-b"][0] != before["pack-b"][0]


def test_eager_builds_write_the_notes_first(make_project: ProjectFactory,
                                            tmp_path: Path) -> None:
    """What watch does: the briefing notes first, each in place (with its manifest record)
    before the next document is started."""
    root = make_project(packs={"meeting.yaml": TP_PACK})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Morocco supports", "Morocco backs")
                    .replace("We support", "We back").replace("Le Maroc soutient", "Le Maroc "
                    "appuie").replace("Nous soutenons", "Nous appuyons"))
    before = snapshot(tmp_path / "meeting")
    started: list[tuple[str, list[str]]] = []

    def progress(event: briefgen.Progress) -> None:
        if event.status == "started":
            now = snapshot(tmp_path / "meeting")
            started.append((str(event.job), sorted(k for k in now if now[k] != before[k])))

    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, eager=True,
                   progress=progress)
    assert started == [
        ("meeting/fr/briefing-note.pdf", []),
        ("meeting/en/briefing-note.pdf", ["fr/briefing-note.pdf", "manifest.json"]),
        ("meeting/fr/talking-points.docx",
         ["en/briefing-note.pdf", "fr/briefing-note.pdf", "manifest.json"]),
        ("meeting/en/talking-points.docx",
         ["en/briefing-note.pdf", "fr/briefing-note.pdf", "fr/talking-points.docx",
          "manifest.json"]),
    ]
    assert briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED).rendered == ()


def test_an_eager_build_writes_a_note_before_working_out_the_next_language(
        make_project: ProjectFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """watch's note waits for its own language's view only: the French note is in place
    before the English view is worked out (with many languages of a large base, one view
    instead of all of them)."""
    root = make_project(packs={"meeting.yaml": TP_PACK})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Morocco supports", "Morocco backs")
                    .replace("Le Maroc soutient", "Le Maroc appuie"))
    before = snapshot(tmp_path / "meeting")
    module = importlib.import_module("briefgen.build")
    worked_out: list[tuple[str, list[str]]] = []

    def pack_view(project: Any, pack_id: str, lang: str, issued: Any) -> Any:
        now = snapshot(tmp_path / "meeting")
        worked_out.append((lang, sorted(k for k in now if now[k] != before[k])))
        return real(project, pack_id, lang, issued)

    real = module.pack_view
    monkeypatch.setattr(module, "pack_view", pack_view)
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, eager=True)
    assert worked_out == [("fr", []), ("en", ["fr/briefing-note.pdf", "manifest.json"])]
    monkeypatch.undo()
    assert briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED).rendered == ()


def test_twenty_packs_on_a_dask_cluster_are_byte_identical(make_project: ProjectFactory,
                                                            tmp_path: Path) -> None:
    """Two worker processes of a distributed.LocalCluster build what --jobs 1 builds."""
    distributed = pytest.importorskip("distributed", reason="install briefgen[dask]")
    packs = {f"p{i:02d}.yaml": MINIMAL_PACK.replace("id: meeting", f"id: p{i:02d}")
             for i in range(20)}
    css = (Path(briefgen.__file__).parents[2] / "templates/css/briefing-note.css").read_text()
    project = briefgen.load_project(make_project(
        packs=packs, templates={"css/briefing-note.css": css + "\nh1 { color: #036 }\n"}))
    serial = briefgen.build(project, out=tmp_path / "serial", issued=ISSUED, jobs=1)
    # ":0": the scheduler serves HTTP even without a dashboard, on 8787 unless told
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        result = briefgen.build(project, out=tmp_path / "dask", issued=ISSUED,
                                executor=client.get_executor())
        workers = len(client.scheduler_info()["workers"])
    assert workers == 2
    assert len(result.written) == 40
    assert [(d.path.relative_to(tmp_path / "dask"), d.sha256) for d in result.written] == [
        (d.path.relative_to(tmp_path / "serial"), d.sha256) for d in serial.written]
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "serial")


def test_a_half_written_pack_is_not_taken_for_an_unchanged_one(
        make_project: ProjectFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An eager build that wrote the notes and failed on the talking points leaves no
    record that the pack is made from one set of inputs: undoing the edit renders the
    notes again."""
    root = make_project(packs={"meeting.yaml": TP_PACK})
    first = briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    path = root / "facts" / "base.yaml"
    original = path.read_text()
    path.write_text(original.replace("Le Maroc soutient", "Le Maroc appuie")
                    .replace("Nous soutenons", "Nous appuyons"))
    from briefgen.documents import talking_points

    def broken(view: Any, engines: Any) -> Any:
        raise briefgen.RenderError("broken", "talking-points.docx")

    monkeypatch.setattr(talking_points, "render", broken)
    with pytest.raises(briefgen.BuildFailed):
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED, eager=True)
    manifest = json.loads((tmp_path / "meeting" / "manifest.json").read_text())
    assert sorted(manifest["inputs"]) == ["en"]  # fr's note is new, its talking points not
    monkeypatch.undo()
    path.write_text(original)
    again = briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert {(d.document, d.language) for d in again.rendered} == {("briefing-note", "fr")}
    assert [d.sha256 for d in again.written] == [d.sha256 for d in first.written]


def test_a_build_of_some_kinds_says_nothing_of_the_others(make_project: ProjectFactory,
                                                         tmp_path: Path) -> None:
    """After an edit, a build of the talking points alone records its inputs; the next
    whole build still renders the notes the edit changed instead of keeping the old ones."""
    root = make_project(packs={"meeting.yaml": TP_PACK})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    note = tmp_path / "meeting" / "fr" / "briefing-note.pdf"
    before = note.read_bytes()
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Le Maroc soutient", "Le Maroc appuie"))
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED,
                   documents=["talking-points"])
    assert note.read_bytes() == before  # not built: still the old note
    whole = briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert ("briefing-note", "fr") in {(d.document, d.language) for d in whole.rendered}
    assert note.read_bytes() != before


def test_a_changed_photo_renders_its_pack_again(copy_demo: Path, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "out"
    first = briefgen.build(briefgen.load_project(copy_demo), ["rabat-2026-12"], out=out,
                           languages=["en"], issued=ISSUED)
    assert briefgen.build(briefgen.load_project(copy_demo), ["rabat-2026-12"], out=out,
                          languages=["en"], issued=ISSUED).rendered == ()
    photo = copy_demo / "facts" / "photos" / "jane-holloway.png"
    with Image.open(photo) as image:
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo)
    again = briefgen.build(briefgen.load_project(copy_demo), ["rabat-2026-12"], out=out,
                           languages=["en"], issued=ISSUED)
    assert ("briefing-note", "en") in {(d.document, d.language) for d in again.rendered}
    assert len(again.written) == len(first.written)


def test_the_dask_example_builds_what_jobs_1_builds(copy_demo: Path, tmp_path: Path) -> None:
    """docs/examples/build_on_dask.py, as docs/builds.md runs it, on a LocalCluster."""
    pytest.importorskip("distributed", reason="install briefgen[dask]")
    example = Path(briefgen.__file__).parents[2] / "docs" / "examples" / "build_on_dask.py"
    env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH}
    shown = subprocess.run([sys.executable, str(example), str(copy_demo), str(tmp_path / "dask")],
                           check=True, capture_output=True, text=True, env=env, timeout=600)
    serial = subprocess.run([sys.executable, "-m", "briefgen", "build", "--project",
                             str(copy_demo), "--out", str(tmp_path / "serial"), "-j", "1"],
                            check=True, capture_output=True, text=True, env=env)
    assert serial.returncode == 0
    assert shown.stdout.strip() == f"21 documents in {tmp_path / 'dask'} (21 rendered)"
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "serial")
