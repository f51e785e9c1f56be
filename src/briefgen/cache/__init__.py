"""The parse cache: each fact base and pack, validated, by the content of its file.

Reading YAML and validating it is most of what ``check`` and a no-change ``build`` cost.
A :class:`ParseCache` keeps each file's validated model and line map under a name derived
from the file's bytes, briefgen's code (and the versions of Python, pydantic and Babel)
and the project's limits: a changed file, or another briefgen, simply misses. Entries
live in ``<project>/build/.briefgen-cache/`` once the project has a build folder, and in
memory (``watch`` keeps one cache across saves).

An entry is never trusted for being there. It is a pickle signed with HMAC-SHA256 under
a key kept outside the project (:mod:`briefgen.cache.key`); the signature covers the
entry's name, so an entry cannot stand for another file either. An entry that is
corrupt, foreign (another machine's or another user's key), renamed or truncated is
ignored and rebuilt; and even a signed entry is read by an unpickler that can build
nothing but briefgen's model classes, dates and plain containers.

The entries one flush writes go into one file, a bundle (:mod:`briefgen.cache.bundles`),
written whole under a new name and never changed: builds running at the same time read
whole entries or none, and the cache never makes a command fail: a cache that cannot be
read or written is a cache that misses. A bundle no command used for a day is removed;
when there are many, a flush gathers what its command used into its own bundle and
removes those it has copied whole.

Here: :class:`ParseCache` and the entries' names and pickles. :mod:`~briefgen.cache.bundles`:
the bundle's format. :mod:`~briefgen.cache.key`: the signing key.
:mod:`~briefgen.cache.results`: results worked out from one file, kept with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import logging
import os
import pickle
import re
import sys
import time
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from briefgen import collecting, model, writes
from briefgen.cache import bundles
from briefgen.cache.key import key_file, user_key
from briefgen.cache.results import (
    DERIVED,
    Work,
    clean_entries,
    derived,
    derived_all,
    derived_entries,
    derived_name,
    known_clean,
)
from briefgen.fsutil import NotAFile
from briefgen.version import __version__

__all__ = ["DERIVED", "FOLDER", "ParseCache", "Work", "clean_entries", "derived", "derived_all",
           "derived_entries", "derived_name", "dumps", "entry_name", "key_file", "known_clean",
           "loads", "user_key"]

log = logging.getLogger(__name__)

FOLDER = ".briefgen-cache"  # in the project's build folder
MAX_ENTRY_BYTES = 512 * 1024**2
PRUNE_AFTER = 24 * 3600.0  # seconds: a bundle no load has used for a day is removed
MAX_PENDING = 1024  # entries kept for one write: a flush comes at the latest then
MAX_BUNDLES = 16  # bundles in the folder before a flush gathers what its command used
# The names of the files the cache writes and may remove: entries, results worked out from
# them, and the temporary files of writes that were stopped.
# Entries of earlier briefgens were a file each (``d-`` and the entry's name).
_ENTRY = re.compile(rf"{bundles.NAME.pattern}|(d-)?[0-9a-f]{{64}}"
                    rf"|{re.escape(writes.TEMPORARY)}[0-9a-f]{{12}}\.tmp"
                    rf"|{re.escape(writes.PROBE)}[0-9a-f]{{12}}")
_README = (b"Created by briefgen: parsed fact bases and packs, rebuilt when missing.\n"
           b"Safe to delete.\n")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """briefgen's version and a hash of its own code: an upgrade, or a change to the code
    in a development checkout, renders everything again and misses every cache entry."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parents[1].rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _environment() -> bytes:
    """What a validated model depends on besides its file: briefgen, Python, pydantic, Babel."""
    import babel
    import pydantic

    return f"{code_fingerprint()}\0{sys.version}\0{pydantic.VERSION}\0{babel.__version__}".encode()


def entry_name(kind: str, raw: bytes, settings: str = "") -> str:
    """The name of the entry for a file of ``kind`` holding ``raw``, read with ``settings``."""
    digest = hashlib.sha256(b"briefgen-parse\0" + _environment())
    digest.update(f"\0{kind}\0{settings}\0".encode())
    digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


class ParseCache:
    """Validated models by entry name: in memory, and on disk in ``folder`` when a signing
    ``key`` is at hand (:meth:`for_project` finds both)."""

    def __init__(self, folder: Path | None = None, key: bytes | None = None,
                 later: Path | None = None) -> None:
        self.folder = folder if key is not None else None
        self._key = key
        self._later = later  # a build folder that may appear: the cache is kept there then
        self._memory: dict[str, Any] = {}
        self._pending: dict[str, bytes] = {}  # written together by flush()
        self._used: set[str] = set()
        # The bundles on disk (read when first needed): where each entry is, newest first;
        # what each bundle holds; the records this cache read or wrote (a flush that
        # gathers copies them); the bundles it read from or wrote.
        self._where: dict[str, list[tuple[str, int, int]]] | None = None
        self._holds: dict[str, frozenset[str]] = {}
        self._records: dict[str, bytes] = {}
        self._bundles_used: set[str] = set()
        self._pruned: float | None = None  # when (time.monotonic()) this cache last pruned
        self._gathered: float | None = None  # ... and last gathered its bundles
        self._clock: tuple[float, float] | None = None  # (file time, monotonic) read together
        self.hits = 0  # entries found that this run did not make
        self.misses = 0
        self._made: set[str] = set()

    @classmethod
    def for_project(cls, root: str | Path) -> ParseCache:
        """The cache of the project at ``root``: ``build/.briefgen-cache`` and the user's key,
        once the project has a build folder (a real folder, not a link). A project never
        built gets nothing written: ``check`` on a fresh checkout leaves it as it was; a
        build that makes the folder keeps there what this cache holds (:meth:`flush`). A
        cache folder that is a link (to a folder of the user's, say) or not a folder is
        never written into nor pruned: the cache is then in memory only."""
        build = Path(root) / "build"
        if build.is_symlink() or not build.is_dir():
            return cls(later=build)
        folder = build / FOLDER
        if folder.is_symlink() or (os.path.lexists(folder) and not folder.is_dir()):
            log.warning("%s is not a folder of briefgen's (a link or a file): the parse cache "
                        "stays in memory; remove it to cache on disk again", folder)
            return cls()
        return cls(folder, user_key())

    def get(self, name: str) -> Any | None:
        """The value stored under ``name``, or None (never stored, or not to be trusted)."""
        self._used.add(name)
        value = self._memory.get(name)
        if value is None and self.folder is not None:
            value = self._read(name)
            if value is not None:
                self._memory[name] = value
        if value is None:
            self.misses += 1
        elif name not in self._made:  # found from before (not put by this run)
            self.hits += 1
        return value

    def put(self, name: str, value: Any, payload: bytes | None = None) -> None:
        """Keep ``value`` under ``name``; ``payload`` is its pickle, if already made. It is
        written to disk with the others at the next :meth:`flush` (the loader, ``check``
        and the build flush when they are done)."""
        self._used.add(name)
        self._made.add(name)
        self._memory[name] = value
        if self.folder is None and self._later is None:
            return
        try:
            self._pending[name] = payload if payload is not None else dumps(value)
        except (pickle.PicklingError, TypeError) as error:
            log.debug("parse cache: cannot keep an entry: %s", error)
        if len(self._pending) >= MAX_PENDING and self.folder is not None:
            self.flush()

    def flush(self) -> None:
        """Write the entries kept since the last flush, all in one go (one folder check,
        one :func:`briefgen.writes.write`). A cache without a folder takes the project's
        build folder if a build has made it since."""
        if self.folder is None and self._later is not None and self._later.is_dir() \
                and not self._later.is_symlink():
            folder = self._later / FOLDER
            if not os.path.lexists(folder) or (folder.is_dir() and not folder.is_symlink()):
                self.folder, self._key = folder, user_key()
                self.folder = self.folder if self._key is not None else None
        if self.folder is None:
            if self._later is None or self._later.exists():
                self._pending.clear()  # never to be written
            return
        pending, self._pending = self._pending, {}
        if not pending:
            return
        assert self._key is not None
        records = {name: _sign(self._key, name, payload) + payload
                   for name, payload in pending.items()}
        gathering = (self._where is not None and len(self._holds) >= MAX_BUNDLES
                     and (self._gathered is None or time.monotonic() - self._gathered > 3600))
        if gathering:  # too many bundles: this one takes all this command used (a cache
            self._gathered = time.monotonic()  # kept across saves: once an hour)
            records = {**{name: self._records[name] for name in self._used
                          if name in self._records}, **records}
        try:
            _make_folder(self.folder)
            bundle, data, index = bundles.pack(records, self._file_time())
            writes.write({self.folder / bundle: data}, within=self.folder, durable=False)
        except (OSError, writes.WriteRefused) as error:
            log.debug("parse cache: cannot write %d entries: %s", len(records), error)
            return
        self._records.update(records)
        self._bundles_used.add(bundle)
        if self._where is not None:
            self._holds[bundle] = frozenset(index)
            for name, (offset, length) in index.items():
                self._where.setdefault(name, []).insert(0, (bundle, offset, length))
        if gathering:
            self._remove_copied(bundle)

    def _remove_copied(self, kept: str) -> None:
        """Remove the bundles whose every entry the bundle ``kept`` holds too."""
        assert self.folder is not None
        for bundle, names in list(self._holds.items()):
            if bundle != kept and names <= self._holds[kept]:
                with contextlib.suppress(OSError, writes.WriteRefused):
                    writes.remove(self.folder / bundle, within=self.folder)
                del self._holds[bundle]

    def prune(self) -> None:
        """Remove the bundles on disk that this cache did not use and nothing used for a day
        (another branch's files, old versions of a file; a week for a bundle of results
        worked out from files, which a command may use after its load). A cache kept across
        loads (watch, serve) looks at most once an hour."""
        if self.folder is None:
            return
        if self._pruned is not None and time.monotonic() - self._pruned < 3600:
            return
        self._pruned = time.monotonic()
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        if self._where is None:
            self._where, self._holds = self._scan()
        now = self._file_time()
        for entry in entries:
            if not _ENTRY.fullmatch(entry.name) or entry.name in self._bundles_used:
                continue  # not a file the cache writes, or used now: never removed
            holds = self._holds.get(entry.name, frozenset())
            age = PRUNE_AFTER
            if entry.name.endswith(".tmp"):  # a write that was stopped
                age = 3600.0
            elif entry.name.startswith(DERIVED) or (holds and all(
                    name.startswith(DERIVED) for name in holds)):  # used after the load
                age = 7 * PRUNE_AFTER
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime > age:
                    writes.remove(Path(entry.path), within=self.folder)
                    self._holds.pop(entry.name, None)
            except (OSError, writes.WriteRefused):
                continue

    def _read(self, name: str) -> Any | None:
        """The entry ``name`` from the first bundle that holds it whole and signed."""
        assert self.folder is not None and self._key is not None
        if self._where is None:
            self._where, self._holds = self._scan()
        for bundle, offset, length in self._where.get(name, ()):
            path = self.folder / bundle
            try:
                record = bundles.read_record(path, offset, length) \
                    if length <= MAX_ENTRY_BYTES else None
            except (OSError, NotAFile):
                continue
            payload = record[32:] if record is not None else b""
            if record is None or not hmac.compare_digest(
                    record[:32], _sign(self._key, name, payload)):
                log.debug("parse cache: ignoring %s in %s (not whole, or not signed with "
                          "this user's key)", name, path)
                continue
            try:
                value = loads(payload)
            except Exception as error:
                log.debug("parse cache: ignoring %s in %s: %s", name, path, error)
                continue
            self._records[name] = record
            if bundle not in self._bundles_used:
                self._bundles_used.add(bundle)
                self._touch(path)
            return value
        return None

    def _scan(self) -> tuple[dict[str, list[tuple[str, int, int]]], dict[str, frozenset[str]]]:
        """Where each entry is on disk (in the bundle made last first), and what each
        bundle holds."""
        assert self.folder is not None
        try:
            names = [entry.name for entry in os.scandir(self.folder)
                     if bundles.NAME.fullmatch(entry.name)]
        except OSError:
            return {}, {}
        found = []
        for bundle in names:
            try:
                found.append((*bundles.read_index(self.folder / bundle), bundle))
            except (OSError, NotAFile, bundles.Damaged) as error:
                log.debug("parse cache: ignoring %s: %s", bundle, error)
        where: dict[str, list[tuple[str, int, int]]] = {}
        holds: dict[str, frozenset[str]] = {}
        for _, index, bundle in sorted(found, key=lambda item: (item[0], item[2]),
                                       reverse=True):
            holds[bundle] = frozenset(index)
            for name, (offset, length) in index.items():
                where.setdefault(name, []).append((bundle, offset, length))
        return where, holds

    def _touch(self, path: Path) -> None:
        """Mark a bundle as used, at most once an hour (a write per read would cost)."""
        try:
            now = self._file_time()
            if now - path.stat().st_mtime > 3600:
                assert self.folder is not None
                writes.set_time(path, now, within=self.folder)
        except (OSError, writes.WriteRefused):
            pass

    def _file_time(self) -> float:
        """Now, on the clock that stamps the cache's files
        (:func:`briefgen.writes.file_system_now`), then counted on from there. Entries'
        ages are measured on the file system's clock, which may not be this process's (a
        file server's; a clock set apart, as faketime sets it): nothing is pruned for a
        clock that disagrees."""
        if self._clock is None:
            assert self.folder is not None
            self._clock = (writes.file_system_now(self.folder), time.monotonic())
        written, at = self._clock
        return written + time.monotonic() - at


def _sign(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, name.encode() + b"\0" + payload, hashlib.sha256).digest()


def _make_folder(folder: Path) -> None:
    """The cache folder, made with a note saying what it is and a .gitignore of everything."""
    if folder.is_dir():
        return
    writes.make_folder(folder, within=folder.parent)
    contents = (_README, b"*\n", b"Signature: 8a477f597d28d172789f06886806bc55\n")
    for name, content in zip(("README", ".gitignore", "CACHEDIR.TAG"), contents, strict=True):
        with contextlib.suppress(writes.WriteRefused):  # there already
            writes.write({folder / name: content}, within=folder, exclusive=True,
                         durable=False)


# -- Entries -------------------------------------------------------------------------------


def dumps(value: Any) -> bytes:
    """An entry's payload: ``value`` pickled, then compressed (a fifth of the bytes to
    write: a cold load of a large project writes as much as it reads)."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def loads(payload: bytes) -> Any:
    """Uncompress and unpickle ``payload`` (at most :data:`MAX_ENTRY_BYTES` of pickle),
    building nothing but briefgen's models, findings, dates and plain containers."""
    inflate = zlib.decompressobj()
    pickled = inflate.decompress(payload, MAX_ENTRY_BYTES)
    if inflate.unconsumed_tail or not inflate.eof:
        raise pickle.UnpicklingError("the entry is cut short or larger than allowed")
    with collecting.paused():
        return _ModelUnpickler(io.BytesIO(pickled)).load()


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module == "briefgen.model" and name in _model_classes():
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} may not be in a cache entry")


_ALLOWED = {("datetime", "date"), ("copyreg", "_reconstructor"), ("builtins", "object"),
            ("briefgen.check.report", "Finding"), ("briefgen.dates", "PartialDate")}


@lru_cache(maxsize=1)
def _model_classes() -> frozenset[str]:
    """briefgen's model classes: its pydantic models."""
    return frozenset(
        name for name, value in vars(model).items()
        if isinstance(value, type) and value.__module__ == model.__name__
        and issubclass(value, BaseModel)
    )
