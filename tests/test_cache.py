"""The parse cache: invalidated by content, never trusted, safe with builds side by side."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen
from briefgen import cache as cache_module
from briefgen.cache import FOLDER, ParseCache, key_file, user_key
from tests.support.projects import MINIMAL_BASE, ProjectFactory


def entries(root: Path) -> list[Path]:
    folder = root / "build" / FOLDER
    return sorted(path for path in folder.iterdir()
                  if not path.name.startswith((".", "README", "CACHEDIR", "d-")))


def file_time(root: Path) -> float:
    """Now, on the file system's clock (which faketime does not set with the process's)."""
    probe = root / "build" / "probe"
    probe.write_bytes(b"now")
    return probe.stat().st_mtime


def load(root: Path) -> tuple[briefgen.Project, ParseCache]:
    (root / "build").mkdir(exist_ok=True)  # a project that has been built
    cache = ParseCache.for_project(root)
    return briefgen.load_project(root, cache=cache), cache


def test_a_project_never_built_gets_nothing_written(make_project: ProjectFactory) -> None:
    root = make_project()
    cache = ParseCache.for_project(root)
    assert "base" in briefgen.load_project(root, cache=cache).bases
    assert cache.folder is None and not (root / "build").exists()
    (root / "build").symlink_to(root / "facts")  # nor through a link
    assert ParseCache.for_project(root).folder is None


def test_a_second_load_reads_every_file_from_the_cache(make_project: ProjectFactory) -> None:
    root = make_project()
    first, cold = load(root)
    assert (cold.hits, cold.misses) == (0, 4)  # two files, each found clean
    second, warm = load(root)
    assert (warm.hits, warm.misses) == (4, 0)
    assert second.bases["base"].model == first.bases["base"].model
    assert second.bases["base"].lines == first.bases["base"].lines
    assert len(entries(root)) == 2


def test_a_changed_file_misses_and_is_read_again(make_project: ProjectFactory) -> None:
    root = make_project()
    load(root)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Morocco supports", "Morocco backs"))
    project, cache = load(root)
    assert project.bases["base"].model.facts[0].text["en"] == "Morocco backs the Coalition."
    assert cache.misses == 3  # the base, its validation and the pack's; the pack is a hit


def test_the_cache_goes_by_content_not_by_time(make_project: ProjectFactory) -> None:
    root = make_project()
    load(root)
    path = root / "facts" / "base.yaml"
    text = path.read_text()
    path.write_text(text.replace("Morocco", "Maroc"))
    os.utime(path, (1_000_000_000, 1_000_000_000))  # same old time, new content
    assert "Maroc" in load(root)[0].bases["base"].model.facts[0].text["en"]
    path.write_text(text)  # the first content again, with a new time: a hit
    project, cache = load(root)
    assert "Morocco" in project.bases["base"].model.facts[0].text["en"]
    assert cache.misses == 0


def test_another_briefgen_or_other_limits_miss(make_project: ProjectFactory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    load(root)
    (root / "briefgen.yaml").write_text("limits: {values: 5000}\n")
    assert load(root)[1].hits == 0
    monkeypatch.setattr(cache_module, "_environment", lambda: b"briefgen 99")
    assert load(root)[1].hits == 0


def test_an_error_is_never_cached(make_project: ProjectFactory) -> None:
    root = make_project(facts={"base.yaml": MINIMAL_BASE.replace("subject: MA", "subject: XX")})
    for _ in range(2):
        with pytest.raises(briefgen.ValidationFailed, match="'XX' is not an ISO"):
            load(root)


# -- Never trusted ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "flipped", "emptied", "garbage", "foreign",
                                    "swapped", "folder"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(make_project: ProjectFactory,
                                                           damage: str) -> None:
    root = make_project()
    expected = load(root)[0].bases["base"].model
    base_entry, pack_entry = entries(root)  # which is which does not matter
    data = base_entry.read_bytes()
    if damage == "truncated":
        base_entry.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        base_entry.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    elif damage == "emptied":
        base_entry.write_bytes(b"")
    elif damage == "garbage":
        base_entry.write_bytes(os.urandom(len(data)))
    elif damage == "foreign":  # signed by another user's key, or another machine's
        other = ParseCache(base_entry.parent, b"k" * 32)
        other.put(base_entry.name, cache_module.loads(data[32:]))
        other.flush()
    elif damage == "swapped":  # an entry put in the place of another
        base_entry.write_bytes(pack_entry.read_bytes())
    else:
        base_entry.unlink()
        base_entry.mkdir()
    project, cache = load(root)
    assert project.bases["base"].model == expected
    assert cache.misses >= 1
    if damage != "folder":
        assert load(root)[1].misses == 0  # rebuilt whole


class Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {MARKER}",))


MARKER = Path("/tmp/briefgen-cache-exploit-marker")


def test_a_signed_entry_still_builds_nothing_but_models(make_project: ProjectFactory) -> None:
    """Even with the key (stolen, or a bug), an entry cannot run code when it is read."""
    MARKER.unlink(missing_ok=True)
    root = make_project()
    load(root)
    key = user_key()
    assert key is not None
    signed = ParseCache(root / "build" / FOLDER, key)
    for entry in entries(root):
        signed.put(entry.name, Exploit())
    signed.flush()
    project, cache = load(root)
    assert "base" in project.bases
    assert cache.misses >= 2
    assert not MARKER.exists()


def test_the_key_is_the_users_not_the_projects(make_project: ProjectFactory) -> None:
    root = make_project()
    load(root)
    key = key_file()
    assert not key.is_relative_to(root)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    folder = root / "build" / FOLDER
    assert (folder / ".gitignore").read_text() == "*\n"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")


def test_without_a_usable_key_the_cache_is_memory_only(make_project: ProjectFactory,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    (tmp_path / "target").write_bytes(b"k" * 32)
    (tmp_path / "briefgen").mkdir()
    (tmp_path / "briefgen" / "cache-key").symlink_to(tmp_path / "target")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    root = make_project()
    project, cache = load(root)
    assert "base" in project.bases
    assert cache.folder is None
    assert list((root / "build").iterdir()) == []


def test_a_cache_that_cannot_be_written_is_a_cache_that_misses(
        make_project: ProjectFactory) -> None:
    root = make_project()
    (root / "build").mkdir()
    (root / "build" / FOLDER).write_text("a file where the cache folder goes\n")
    for _ in range(2):
        project, cache = load(root)
        assert "base" in project.bases
        assert cache.hits == 0


def test_unused_entries_are_pruned_after_a_day(make_project: ProjectFactory) -> None:
    root = make_project()
    load(root)
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Morocco", "Maroc"))
    load(root)
    assert len(entries(root)) == 3  # the old base's entry stays a day (another branch's)
    old = file_time(root) - 2 * 24 * 3600
    for entry in entries(root):
        os.utime(entry, (old, old))
    load(root)
    assert len(entries(root)) == 2  # the old base's entry is gone, the used ones stay


def test_a_clock_set_years_apart_prunes_nothing_in_use(make_project: ProjectFactory) -> None:
    """Ages are measured on the file system's clock: a process whose clock disagrees with
    it (faketime here; a file server elsewhere) neither prunes fresh entries nor misses."""
    root = make_project()
    load(root)
    before = entries(root)
    script = ("import sys, briefgen\nfrom briefgen.cache import ParseCache\n"
              "cache = ParseCache.for_project(sys.argv[1])\n"
              "briefgen.load_project(sys.argv[1], cache=cache, jobs=1)\n"
              "print(cache.hits, cache.misses)\n")
    for shift in ("+5y", "-5y", "+5y"):
        shown = subprocess.run(["faketime", "-f", shift, sys.executable, "-c", script,
                                str(root)], capture_output=True, text=True, check=True).stdout
        assert shown.split() == ["4", "0"], shift
    assert entries(root) == before


def test_a_cache_kept_across_loads_prunes_once_an_hour(make_project: ProjectFactory) -> None:
    """watch and serve keep one cache: it does not list its folder at every save."""
    root = make_project()
    _, kept = load(root)  # watch's cache: it prunes at its first load
    path = root / "facts" / "base.yaml"
    path.write_text(path.read_text().replace("Morocco", "Maroc"))
    load(root)  # another process, another entry for the base
    old = file_time(root) - 2 * 24 * 3600
    for entry in entries(root):
        os.utime(entry, (old, old))
    path.write_text(path.read_text().replace("Maroc", "Marruecos"))
    briefgen.load_project(root, cache=kept)
    assert len(entries(root)) == 4  # the pack and three bases: nothing pruned since
    load(root)  # a new process prunes
    assert len(entries(root)) == 2  # the pack and the base as it is now


# -- Side by side -------------------------------------------------------------------------


def test_builds_side_by_side_share_the_cache(make_project: ProjectFactory) -> None:
    """Four processes load a project of many files at once, from an empty cache, then
    again while a fifth changes a file: each sees whole entries or none."""
    facts = {f"base{i}.yaml": MINIMAL_BASE.replace("id: base", f"id: base{i}")
             for i in range(40)}
    root = make_project(facts=facts, packs={"meeting.yaml": "id: meeting\n"
                        "meeting: {title: {fr: R, en: M}, date: 2026-12-03}\n"
                        "languages: [fr, en]\nclassification: {fr: DR, en: R}\n"
                        "facts: [base0]\n"})
    (root / "build").mkdir()
    script = (
        "import sys, briefgen\n"
        "from briefgen.cache import ParseCache\n"
        "for _ in range(3):\n"
        "    cache = ParseCache.for_project(sys.argv[1])\n"
        "    project = briefgen.load_project(sys.argv[1], cache=cache, jobs=1)\n"
        "    assert len(project.bases) == 40, len(project.bases)\n"
        "print(sorted(project.bases)[-1])\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", script, str(root)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    path = root / "facts" / "base7.yaml"
    for index in range(20):
        path.write_text(MINIMAL_BASE.replace("id: base", "id: base7").replace(
            "Morocco supports", f"Morocco supports ({index})"))
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert out.strip() == "base9"
    project, cache = load(root)
    assert "(19)" in project.bases["base7"].model.facts[0].text["en"]
    assert cache.misses == 0
    for entry in entries(root):  # every entry whole and signed
        assert ParseCache(entry.parent, user_key())._read(entry.name) is not None


def test_a_load_writes_its_entries_in_one_go(make_project: ProjectFactory,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Every entry a cold load makes (the files, what validation found clean) is written by
    one call of the one door for writes, not one each."""
    root = make_project()
    for index in range(5):
        (root / "facts" / f"other{index}.yaml").write_text(
            MINIMAL_BASE.replace("id: base", f"id: other{index}"))
    calls: list[int] = []
    write = cache_module.writes.write

    def counted(files: dict[Path, bytes], **options: object) -> None:
        kept = [path for path in files if path.name not in ("CACHEDIR.TAG", "README", ".gitignore")]
        if FOLDER in str(options.get("within")) and kept:
            calls.append(len(kept))
        write(files, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_module.writes, "write", counted)
    load(root)
    assert len(calls) == 1 and calls[0] >= 8  # 7 files, and what was found clean
    assert len(entries(root)) == 7
    load(root)
    assert len(calls) == 1  # nothing new


def test_a_build_that_makes_the_build_folder_keeps_the_cache_there(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """A project built for the first time: the next load reads every file from the cache
    the build left (a fresh checkout is left as it was until then)."""
    root = make_project()
    project = briefgen.load_project(root)
    assert not (root / "build").exists()
    briefgen.build(project, documents=["briefing-note"])
    assert len(entries(root)) == 2
    cache = ParseCache.for_project(root)
    briefgen.load_project(root, cache=cache)
    assert cache.misses == 0 and cache.hits >= 2
