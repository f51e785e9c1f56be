"""The parse cache's files: bundles, each the entries one flush wrote, in one file.

A cold load of a large project makes an entry per file and per result worked out from it:
one file each was as many files to create as entries (a third of a cold ``check``). A
bundle is written once, never changed, and named by its content::

    briefgen cache bundle 1\\n     the format (24 bytes)
    <header length: 4 bytes>       then the header, a line per entry:
    <entry name> <offset> <length>\\n
    <records>                      each the entry's signature, then its payload

The header is not trusted either: a record is used only when its signature
(:mod:`briefgen.cache`) holds for the name the header gives it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from briefgen.fsutil import read_regular

MAGIC = b"briefgen cache bundle 1\n"
PREFIX = "b-"
NAME = re.compile(rf"{PREFIX}[0-9a-f]{{64}}")
_MADE = re.compile(rb"made ([0-9]{1,12}(?:\.[0-9]{1,9})?)")
_LINE = re.compile(rb"((?:d-)?[0-9a-f]{64}) ([0-9]{1,15}) ([0-9]{1,12})")
MAX_HEADER = 16 * 1024**2


class Damaged(ValueError):
    """A file named like a bundle that is not one, or not whole."""


Index = dict[str, tuple[int, int]]  # entry name -> (offset, length) of its record


def pack(records: Mapping[str, bytes], made: float) -> tuple[str, bytes, Index]:
    """A bundle of ``records`` (entry name -> signature and payload) made at ``made``
    (seconds): its file name, its bytes and its index."""
    index: Index = {}
    offset = 0
    for name, record in records.items():
        index[name] = (offset, len(record))
        offset += len(record)
    header = f"made {made:.6f}\n".encode() + b"".join(
        f"{name} {start} {length}\n".encode() for name, (start, length) in index.items())
    head = MAGIC + len(header).to_bytes(4, "big") + header
    index = {name: (start + len(head), length) for name, (start, length) in index.items()}
    data = b"".join([head, *records.values()])
    return PREFIX + hashlib.sha256(data).hexdigest(), data, index


def read_index(path: Path) -> tuple[float, Index]:
    """When the bundle at ``path`` was made, and its entries. Raises :class:`Damaged`, or
    ``OSError``."""
    start = read_regular(path, len(MAGIC) + 3)[: len(MAGIC) + 4]
    if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
        raise Damaged(f"{path.name} is not a briefgen cache bundle")
    size = int.from_bytes(start[len(MAGIC):], "big")
    if size > MAX_HEADER:
        raise Damaged(f"{path.name}: its header is too long")
    header = read_regular(path, size - 1, len(start)) if size else b""
    if len(header) != size:
        raise Damaged(f"{path.name} is cut short")
    first, _, rest = header.partition(b"\n")
    if (made := _MADE.fullmatch(first)) is None:
        raise Damaged(f"{path.name}: its header does not say when it was made")
    index, body = {}, len(start) + size  # the records' offsets count from the body
    for line in rest.splitlines():
        if (match := _LINE.fullmatch(line)) is None:
            raise Damaged(f"{path.name}: a line of its header is not an entry")
        index[match[1].decode()] = (body + int(match[2]), int(match[3]))
    return float(made[1]), index


def read_record(path: Path, offset: int, length: int) -> bytes | None:
    """The record at ``offset`` of the bundle at ``path``, or None if the file is shorter
    (cut short). Raises ``OSError``."""
    record = read_regular(path, max(length - 1, 0), offset)
    return record if len(record) == length else None
