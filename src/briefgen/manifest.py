"""``build/<pack>/manifest.json``: what each document is, and what went into it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from briefgen.fsutil import NotAFile, file_sha256, read_regular
from briefgen.version import __version__

MANIFEST = "manifest.json"
FORMAT = 1
MAX_MANIFEST_BYTES = 64 * 1024**2


@dataclass(frozen=True)
class DocumentRecord:
    path: str  # relative to the pack folder
    document: str
    language: str
    sha256: str
    pages: int | None
    input_hash: str
    facts: tuple[str, ...]
    sources: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    hint: int | str | None = None  # what the render left for the next one (the sheet's fit)


class _Task(Protocol):
    @property
    def fingerprint(self) -> str: ...

    @property
    def job(self) -> Any: ...


@dataclass(frozen=True)
class Manifest:
    pack: str | None = None
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    # language -> a hash of every input of the pack's documents in it, when they were all
    # made from them: an unchanged pack is known to be up to date without working them out
    inputs: dict[str, str] = field(default_factory=dict)

    def up_to_date(self, task: _Task, out_dir: Path) -> DocumentRecord | None:
        """The previous record if the document's inputs and file are unchanged."""
        job = task.job
        record = self.documents.get(str(Path(job.lang) / job.relative_path().name))
        if record is None or record.input_hash != task.fingerprint:
            return None
        if file_sha256(out_dir / job.relative_path()) != record.sha256:
            return None
        return record

    def hint(self, job: Any) -> int | str | None:
        """What the last render of ``job``'s document left for the next one, if anything."""
        record = self.documents.get(str(Path(job.lang) / job.relative_path().name))
        return record.hint if record is not None else None

    def unchanged(self, lang: str, key: str, jobs: Iterable[Any],
                  out_dir: Path) -> dict[Any, DocumentRecord] | None:
        """The records of ``jobs`` (a pack's documents in ``lang``) if the last build made
        them all from the inputs ``key`` names and their files are as it wrote them."""
        if self.inputs.get(lang) != key:
            return None
        kept = {}
        for job in jobs:
            record = self.documents.get(str(Path(job.lang) / job.relative_path().name))
            if record is None or file_sha256(out_dir / job.relative_path()) != record.sha256:
                return None
            kept[job] = record
        return kept

    def updated(self, pack_id: str, records: Iterable[DocumentRecord],
                inputs: Mapping[str, str | None] | None = None) -> Manifest:
        """This manifest with ``records``, and the ``inputs`` key of each language (None:
        the language's documents are not all made from the same inputs any more)."""
        documents = dict(self.documents)
        documents.update({record.path: record for record in records})
        keys = dict(self.inputs)
        for lang, key in (inputs or {}).items():
            if key is None:
                keys.pop(lang, None)
            else:
                keys[lang] = key
        return Manifest(pack_id, documents, keys)

    def to_json(self) -> str:
        documents = [_as_dict(self.documents[path]) for path in sorted(self.documents)]
        combined = hashlib.sha256(
            "".join(d["input_hash"] for d in documents).encode()
        ).hexdigest()
        data = {
            "format": FORMAT,
            "briefgen": __version__,
            "pack": self.pack,
            "input_hash": combined,
            "documents": documents,
            "warnings": sorted({w for d in documents for w in d["warnings"]}),
            "inputs": dict(sorted(self.inputs.items())),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def to_bytes(self) -> bytes:
        return self.to_json().encode()


def _as_dict(record: DocumentRecord) -> dict[str, Any]:
    """A record's fields (what ``dataclasses.asdict`` gives, without its deep copies)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def read_manifest(pack_dir: Path) -> Manifest:
    """The previous build's manifest, or an empty one (missing, unreadable, other version)."""
    try:
        raw = read_regular(pack_dir / MANIFEST, MAX_MANIFEST_BYTES)
        data = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_MANIFEST_BYTES else {}
        if data.get("format") != FORMAT or data.get("briefgen") != __version__:
            return Manifest()
        records = {
            d["path"]: DocumentRecord(**{**d, "facts": tuple(d["facts"]),
                                         "sources": tuple(d["sources"]),
                                         "warnings": tuple(d["warnings"])})
            for d in data["documents"]
        }
        inputs = {str(lang): str(key) for lang, key in data.get("inputs", {}).items()}
    except (OSError, NotAFile, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()
    existing = {path: r for path, r in records.items() if (pack_dir / path).is_file()}
    return Manifest(data.get("pack"), existing, inputs)
