"""The key that signs the parse cache's entries: the user's, kept outside every project
(``$XDG_CACHE_HOME/briefgen/cache-key``), made on first use, readable by its owner only."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

from briefgen import writes
from briefgen.fsutil import NotAFile, read_regular

log = logging.getLogger(__name__)

KEY_BYTES = 32


def key_file() -> Path:
    """Where the signing key is kept: the user's cache folder, never the project."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefgen" / "cache-key"


def user_key(path: Path | None = None) -> bytes | None:
    """The user's signing key, made on first use; None (no disk cache) if it cannot be."""
    path = path or key_file()
    try:
        return _read_key(path) or _make_key(path)
    except (OSError, RuntimeError) as error:
        log.debug("parse cache: no key at %s (%s): caching in memory only", path, error)
        return None


def _read_key(path: Path) -> bytes | None:
    try:
        key = read_regular(path, KEY_BYTES)
    except FileNotFoundError:
        return None
    except NotAFile:
        raise RuntimeError("not a regular file") from None
    return key if len(key) == KEY_BYTES else None


def _make_key(path: Path) -> bytes:
    """A new key, readable by its owner only, put in place whole (exclusively: if another
    process was first, its key is the one)."""
    # The user's own cache folder, made as need be wherever $XDG_CACHE_HOME says.
    writes.make_folder(path.parent, within=Path(path.anchor), mode=0o700)
    new = secrets.token_bytes(KEY_BYTES)
    with contextlib.suppress(writes.WriteRefused):  # another process was first
        writes.write({path: new}, within=path.parent, exclusive=True, mode=0o600)
    if (key := _read_key(path)) is None:  # a broken key file: replace it
        writes.write({path: new}, within=path.parent, mode=0o600)
        key = _read_key(path)
    if key is None:
        raise RuntimeError("the key file could not be written")
    return key
