"""``build/<pack>/manifest.json`` (:mod:`briefgen.manifest`): written and read back, a
damaged, foreign or other version's manifest read as empty, and what it lets a build keep:
a document is up to date only if its inputs and its file on disk are those it recorded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import briefgen
from briefgen.jobs import Job, Task
from briefgen.manifest import FORMAT, MANIFEST, DocumentRecord, Manifest, read_manifest

NOTE_FR = Job("meeting", "fr", "briefing-note")
SHEET_FR = Job("meeting", "fr", "fact-sheet")
NOTE_EN = Job("meeting", "en", "briefing-note")


def write_document(out: Path, job: Job, content: bytes) -> str:
    """Write ``job``'s file under the output folder ``out``; its SHA-256."""
    path = out / job.relative_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return hashlib.sha256(content).hexdigest()


def record(job: Job, sha256: str, input_hash: str = "in-1", **fields: object) -> DocumentRecord:
    values: dict[str, object] = {
        "path": f"{job.lang}/{job.relative_path().name}", "document": job.document,
        "language": job.lang, "sha256": sha256, "pages": 1, "input_hash": input_hash,
        "facts": ("base/f1", "base/f2"), "sources": ("base/s1",), **fields}
    return DocumentRecord(**values)  # type: ignore[arg-type]


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Manifest]:
    """An output folder with the fr note and fact sheet and the en note, and the manifest
    that records them."""
    out = tmp_path / "build"
    records = [
        record(NOTE_FR, write_document(out, NOTE_FR, b"%PDF note fr"), "in-note-fr",
               warnings=("a WeasyPrint warning",)),
        record(SHEET_FR, write_document(out, SHEET_FR, b"%PDF sheet fr"), "in-sheet-fr", hint=7),
        record(NOTE_EN, write_document(out, NOTE_EN, b"%PDF note en"), "in-note-en",
               pages=None, warnings=("fonte réduite",)),
    ]
    manifest = Manifest().updated("meeting", records, {"fr": "key-fr", "en": "key-en"})
    (out / "meeting" / MANIFEST).write_bytes(manifest.to_bytes())
    return out, manifest


# -- Written and read back -------------------------------------------------------------------


def test_a_manifest_reads_back_as_written(built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    again = read_manifest(out / "meeting")
    assert again == manifest
    assert again.documents["fr/fact-sheet.pdf"].hint == 7
    assert again.documents["fr/briefing-note.pdf"].facts == ("base/f1", "base/f2")
    assert again.inputs == {"fr": "key-fr", "en": "key-en"}


def test_what_the_json_says(built: tuple[Path, Manifest]) -> None:
    out, _ = built
    text = (out / "meeting" / MANIFEST).read_text(encoding="utf-8")
    assert text.endswith("}\n") and "fonte réduite" in text  # UTF-8, not \u escapes
    data = json.loads(text)
    assert (data["format"], data["briefgen"], data["pack"]) == (
        FORMAT, briefgen.__version__, "meeting")
    assert [d["path"] for d in data["documents"]] == [
        "en/briefing-note.pdf", "fr/briefing-note.pdf", "fr/fact-sheet.pdf"]
    assert data["input_hash"] == hashlib.sha256(
        b"in-note-en" + b"in-note-fr" + b"in-sheet-fr").hexdigest()
    assert data["warnings"] == ["a WeasyPrint warning", "fonte réduite"]
    assert list(data["inputs"]) == ["en", "fr"]  # sorted: the same inputs, the same bytes
    assert data["documents"][0]["pages"] is None and data["documents"][2]["hint"] == 7


def test_the_same_manifest_is_the_same_bytes(built: tuple[Path, Manifest]) -> None:
    _, manifest = built
    shuffled = Manifest("meeting", dict(reversed(list(manifest.documents.items()))),
                        dict(reversed(list(manifest.inputs.items()))))
    assert shuffled.to_bytes() == manifest.to_bytes()


def test_the_combined_input_hash_changes_with_any_documents(
        built: tuple[Path, Manifest]) -> None:
    _, manifest = built
    changed = manifest.updated("meeting", [record(NOTE_EN, "x", "in-note-en-2")])
    assert json.loads(changed.to_json())["input_hash"] != json.loads(
        manifest.to_json())["input_hash"]


# -- Read as empty ---------------------------------------------------------------------------


def test_no_manifest_is_an_empty_one(tmp_path: Path) -> None:
    assert read_manifest(tmp_path / "meeting") == Manifest()
    assert read_manifest(tmp_path) == Manifest()


def rewrite(out: Path, change: object) -> None:
    """Replace the manifest with ``change`` (bytes as they are; else its JSON data changed)."""
    path = out / "meeting" / MANIFEST
    if isinstance(change, bytes):
        path.write_bytes(change)
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    assert callable(change)
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("change", [
    pytest.param(b"", id="empty"),
    pytest.param(b"{", id="cut-short"),
    pytest.param(b"\xff\xfe not UTF-8", id="not-utf8"),
    pytest.param(b"[]", id="a-list"),
    pytest.param(b"null", id="null"),
    pytest.param(b'"manifest"', id="a-string"),
    pytest.param(lambda d: d.update(format=FORMAT + 1), id="next-format"),
    pytest.param(lambda d: d.pop("format"), id="no-format"),
    pytest.param(lambda d: d.update(briefgen="0.0.0-other"), id="other-briefgen"),
    pytest.param(lambda d: d.pop("documents"), id="no-documents"),
    pytest.param(lambda d: d.update(documents={"fr/briefing-note.pdf": {}}), id="a-mapping"),
    pytest.param(lambda d: d["documents"][0].pop("sha256"), id="a-field-missing"),
    pytest.param(lambda d: d["documents"][0].update(colour="red"), id="an-unknown-field"),
    pytest.param(lambda d: d["documents"][0].update(facts=None), id="facts-null"),
    pytest.param(lambda d: d["documents"].append("fr/x.pdf"), id="a-record-not-a-mapping"),
    pytest.param(lambda d: d.update(inputs=["fr"]), id="inputs-a-list"),
])
def test_a_damaged_or_foreign_manifest_is_read_as_empty(built: tuple[Path, Manifest],
                                                        change: object) -> None:
    out, _ = built
    rewrite(out, change)
    assert read_manifest(out / "meeting") == Manifest()


def test_a_manifest_that_is_not_a_regular_file_is_not_read(built: tuple[Path, Manifest],
                                                           tmp_path: Path) -> None:
    out, _ = built
    path = out / "meeting" / MANIFEST
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    assert read_manifest(out / "meeting") == Manifest()  # a link is not followed
    path.unlink()
    path.mkdir()
    assert read_manifest(out / "meeting") == Manifest()


def test_records_of_documents_gone_from_disk_are_dropped(built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    (out / SHEET_FR.relative_path()).unlink()
    again = read_manifest(out / "meeting")
    assert sorted(again.documents) == ["en/briefing-note.pdf", "fr/briefing-note.pdf"]
    assert again.inputs == manifest.inputs and again.pack == "meeting"


# -- What a build keeps ----------------------------------------------------------------------


def task(job: Job, fingerprint: str) -> Task:
    return Task(job, None, fingerprint, "environment")


def test_a_document_with_the_same_inputs_and_file_is_up_to_date(
        built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    assert manifest.up_to_date(task(NOTE_FR, "in-note-fr"), out) == manifest.documents[
        "fr/briefing-note.pdf"]
    assert manifest.up_to_date(task(NOTE_EN, "in-note-en"), out) is not None


def test_a_document_made_from_other_inputs_is_not(built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    assert manifest.up_to_date(task(NOTE_FR, "in-note-en"), out) is None


def test_a_document_changed_on_disk_is_not(built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    write_document(out, NOTE_FR, b"%PDF edited by hand")
    assert manifest.up_to_date(task(NOTE_FR, "in-note-fr"), out) is None


def test_a_document_removed_from_disk_is_not(built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    (out / NOTE_FR.relative_path()).unlink()
    assert manifest.up_to_date(task(NOTE_FR, "in-note-fr"), out) is None


def test_a_link_to_the_same_bytes_is_not_the_document(built: tuple[Path, Manifest],
                                                       tmp_path: Path) -> None:
    out, manifest = built
    path = out / NOTE_FR.relative_path()
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy)
    assert manifest.up_to_date(task(NOTE_FR, "in-note-fr"), out) is None


def test_a_document_never_recorded_is_not(built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    sheet_en = Job("meeting", "en", "fact-sheet")
    write_document(out, sheet_en, b"%PDF sheet en")
    assert manifest.up_to_date(task(sheet_en, "in-sheet-en"), out) is None


def test_a_language_made_from_the_same_inputs_is_kept_whole(
        built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    kept = manifest.unchanged("fr", "key-fr", [NOTE_FR, SHEET_FR], out)
    assert kept == {NOTE_FR: manifest.documents["fr/briefing-note.pdf"],
                    SHEET_FR: manifest.documents["fr/fact-sheet.pdf"]}


def test_a_language_made_from_other_inputs_is_not_kept(built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    assert manifest.unchanged("fr", "key-en", [NOTE_FR, SHEET_FR], out) is None
    assert manifest.unchanged("ar", "key-fr", [Job("meeting", "ar", "briefing-note")],
                              out) is None


def test_one_changed_or_missing_document_keeps_none_of_its_language(
        built: tuple[Path, Manifest]) -> None:
    out, manifest = built
    write_document(out, SHEET_FR, b"%PDF sheet edited")
    assert manifest.unchanged("fr", "key-fr", [NOTE_FR, SHEET_FR], out) is None
    assert manifest.unchanged("fr", "key-fr", [NOTE_FR], out) is not None
    book = Job("meeting", "fr", "briefing-book")  # asked for now, never built
    assert manifest.unchanged("fr", "key-fr", [NOTE_FR, book], out) is None


def test_the_hint_a_render_left(built: tuple[Path, Manifest]) -> None:
    _, manifest = built
    assert manifest.hint(SHEET_FR) == 7
    assert manifest.hint(NOTE_FR) is None  # recorded without one
    assert manifest.hint(Job("meeting", "ar", "fact-sheet")) is None  # not recorded


# -- Updated ---------------------------------------------------------------------------------


def test_updated_replaces_adds_and_forgets_input_keys(built: tuple[Path, Manifest]) -> None:
    _, manifest = built
    newer = record(NOTE_FR, "new-sha", "in-note-fr-2")
    book = record(Job("meeting", "fr", "briefing-book"), "book-sha")
    changed = manifest.updated("meeting", [newer, book], {"fr": None, "ar": "key-ar"})
    assert changed.documents["fr/briefing-note.pdf"] == newer
    assert changed.documents["fr/briefing-book.pdf"] == book
    assert changed.documents["en/briefing-note.pdf"] == manifest.documents[
        "en/briefing-note.pdf"]
    assert changed.inputs == {"en": "key-en", "ar": "key-ar"}  # fr: not all from one input
    assert manifest.documents["fr/briefing-note.pdf"].sha256 != "new-sha"  # unchanged
    assert manifest.inputs == {"fr": "key-fr", "en": "key-en"}
    assert manifest.updated("meeting", []).inputs == manifest.inputs
