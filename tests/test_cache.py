"""The parse cache: invalidated by content, never trusted, safe with builds side by side."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen
from briefgen import cache as cache_module
from briefgen.cache import FOLDER, ParseCache, bundles, key_file, user_key
from tests.support.projects import MINIMAL_BASE, ProjectFactory


def bundle_files(root: Path) -> list[Path]:
    return sorted(path for path in (root / "build" / FOLDER).iterdir()
                  if bundles.NAME.fullmatch(path.name))


def where(root: Path) -> dict[str, list[tuple[Path, int, int]]]:
    """Each entry on disk (a file's, not a result worked out from it): in which bundles,
    at which offset, how long."""
    found: dict[str, list[tuple[Path, int, int]]] = {}
    for path in bundle_files(root):
        for name, (offset, length) in bundles.read_index(path)[1].items():
            if not name.startswith(cache_module.DERIVED):
                found.setdefault(name, []).append((path, offset, length))
    return found


def entries(root: Path) -> list[str]:
    return sorted(where(root))


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
    # two files, each found clean (the base while it was parsed)
    assert (cold.hits, cold.misses) == (0, 3)
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
    assert cache.misses == 2  # the base (validated as it is parsed) and the pack's validation


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
                                    "swapped", "header", "folder"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(make_project: ProjectFactory,
                                                           damage: str) -> None:
    root = make_project()
    expected = load(root)[0].bases["base"].model
    (bundle,) = bundle_files(root)
    data = bundle.read_bytes()
    located = where(root)
    base_name = next(name for name in located
                     if isinstance(cache_module.loads(_payload(located[name][0]))[0],
                                   briefgen.FactBase))
    _, offset, length = located[base_name][0]
    if damage == "truncated":  # cut short inside the base's record
        bundle.write_bytes(data[: offset + length // 2])
    elif damage == "flipped":
        at = offset + length - 10
        bundle.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    elif damage == "emptied":
        bundle.write_bytes(b"")
    elif damage == "garbage":
        bundle.write_bytes(os.urandom(len(data)))
    elif damage == "foreign":  # signed by another user's key, or another machine's
        other = ParseCache(bundle.parent, b"k" * 32)
        for name, [(path, start, size)] in located.items():
            other.put(name, cache_module.loads(_payload((path, start, size))))
        bundle.unlink()
        other.flush()
    elif damage == "swapped":  # the base's record given another entry's name
        pack_name = next(name for name in located if name != base_name)
        bundle.write_bytes(data.replace(base_name.encode(), b"x" * 64)
                           .replace(pack_name.encode(), base_name.encode())
                           .replace(b"x" * 64, pack_name.encode()))
    elif damage == "header":  # a record's length made absurd
        bundle.write_bytes(data.replace(f"{base_name} ".encode(), f"{base_name} 9".encode()))
    else:
        bundle.unlink()
        bundle.mkdir()
    project, cache = load(root)
    assert project.bases["base"].model == expected
    assert cache.misses >= 1
    if damage != "folder":
        assert load(root)[1].misses == 0  # rebuilt whole


def _payload(located: tuple[Path, int, int]) -> bytes:
    path, offset, length = located
    return path.read_bytes()[offset + 32: offset + length]


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
    for name in entries(root):
        signed.put(name, Exploit())
    for bundle in bundle_files(root):  # the exploit's records are the only ones
        bundle.unlink()
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


def _make_old(root: Path) -> None:
    old = file_time(root) - 2 * 24 * 3600
    for bundle in bundle_files(root):
        os.utime(bundle, (old, old))


def _edit(root: Path, word: str) -> None:
    path = root / "facts" / "base.yaml"
    path.write_text(re.sub(r"\w+ supports", f"{word} supports", path.read_text(), count=1))


def test_what_no_load_used_for_a_day_is_pruned(make_project: ProjectFactory) -> None:
    """Each load writes what it parsed in a bundle of its own: one holding only versions of
    a file no load reads any more is removed after a day, the others stay."""
    root = make_project()
    load(root)
    first = set(entries(root))  # the pack, the base
    _edit(root, "Maroc")
    load(root)
    second = set(entries(root)) - first  # the base, edited
    _edit(root, "Marruecos")
    load(root)
    assert len(bundle_files(root)) == 3  # the old base's stays a day (another branch's)
    _make_old(root)
    load(root)
    assert len(bundle_files(root)) == 2
    assert not second & set(entries(root))  # gone; the pack's and the base's stay
    assert load(root)[1].misses == 0


def test_many_bundles_are_gathered_into_one(make_project: ProjectFactory,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_BUNDLES, a load's bundle takes every entry the load used: the bundles it
    copied whole go at once, the others are no longer read and go after a day."""
    monkeypatch.setattr(cache_module, "MAX_BUNDLES", 3)
    root = make_project()
    for word in ("Maroc", "Marocco", "Marruecos", "Marrocos", "Morokko"):
        _edit(root, word)
        load(root)
    made = {bundles.read_index(path)[0]: path for path in bundle_files(root)}
    last = bundles.read_index(made[max(made)])[1]
    assert len([name for name in last if not name.startswith("d-")]) == 2  # all in use
    _make_old(root)
    project, cache = load(root)
    assert cache.misses == 0 and "Morokko" in project.bases["base"].model.facts[0].text["en"]
    assert len(entries(root)) == 2  # the pack and the base as they are now
    assert len(bundle_files(root)) == 1


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
    _make_old(root)
    second = set(entries(root))
    path.write_text(path.read_text().replace("Maroc", "Marruecos"))
    briefgen.load_project(root, cache=kept)
    assert len(entries(root)) == 4  # the pack and three bases: nothing pruned since
    third = set(entries(root)) - second
    load(root)  # a new process prunes the bundle of the base no load reads now
    assert len(bundle_files(root)) == 2 and third <= set(entries(root))


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
    reader = ParseCache(root / "build" / FOLDER, user_key())
    for name in entries(root):  # every entry whole and signed
        assert reader._read(name) is not None


def test_a_load_writes_its_entries_in_one_go(make_project: ProjectFactory,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Every entry a cold load makes (the files, what validation found clean) is written by
    one call of the one door for writes, in one file: one bundle, not a file each."""
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
    assert calls == [1] and len(entries(root)) == 7
    (bundle,) = bundle_files(root)
    assert len(bundles.read_index(bundle)[1]) >= 8  # 7 files, and what was found clean
    load(root)
    assert calls == [1]  # nothing new


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


def test_a_full_disk_while_the_cache_is_written_fails_nothing(
        make_project: ProjectFactory) -> None:
    """ENOSPC from the file system when ``check`` puts its bundle in place (the rename,
    the check's only one): the check reports as ever, exits as ever and leaves no half
    bundle; the next check writes it."""
    root = make_project()
    (root / "build").mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"),
           "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME", ""),
           "SOURCE_DATE_EPOCH": "1795132800"}
    renames = "rename,renameat,renameat2"
    injected = subprocess.run(
        ["strace", "-f", "-qq", "-o", "/dev/null", "-e", f"trace={renames}",
         "-e", f"inject={renames}:error=ENOSPC", sys.executable, "-m", "briefgen", "check"],
        cwd=root, env=env, capture_output=True, text=True, check=False)
    assert injected.returncode == 0, injected.stderr
    assert "Traceback" not in injected.stderr
    assert bundle_files(root) == []
    assert [path.name for path in (root / "build" / FOLDER).iterdir()
            if path.name.endswith(".tmp")] == []  # the staged bundle removed
    plain = subprocess.run([sys.executable, "-m", "briefgen", "check"], cwd=root, env=env,
                           capture_output=True, text=True, check=False)
    assert plain.returncode == 0 and plain.stdout == injected.stdout
    # one bundle: the load's, with what the check found in the base worked out as it loaded
    assert len(bundle_files(root)) == 1 and len(entries(root)) == 2
