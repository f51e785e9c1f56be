"""Hostile photos: whatever Pillow makes of a file is one located error on its `photo:` line,
in `check`, `build` and `build --json`; never an internal error, never a printed warning."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

import briefgen
from tests.support.projects import MINIMAL_PACK

BASE = """\
id: base
title: {fr: Base de test, en: Test base}
subject: MA
as_of: 2026-10
languages: [fr, en]
sources:
  - {id: s1, title: {fr: Source un, en: Source one}, publisher: Ministère, date: 2026-10}
facts:
  - id: f1
    kind: position
    text: {fr: "Le Maroc soutient la Coalition.", en: "Morocco supports the Coalition."}
    sources: [s1]
people:
  - id: amina
    name: Amina Diallo
    photo: photo.png
"""
PHOTO_LINE = BASE.split("\n").index("    photo: photo.png") + 1
PACK = MINIMAL_PACK + "counterpart_person: amina\n"


def chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int, height: int, *extra: bytes, rows: bytes | None = None) -> bytes:
    """A grey PNG of ``width`` × ``height`` declared pixels (its rows need not all be
    there: Pillow refuses a bomb on its header alone), with ``extra`` chunks first."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = rows if rows is not None else zlib.compress(b"\0" * (width + 1) * min(height, 4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + b"".join(extra)
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def bomb() -> bytes:
    """30000 × 30000 pixels in about a hundred bytes."""
    return png(30000, 30000)


def text_bomb() -> bytes:
    """A zTXt chunk that inflates to 20 MB."""
    return png(10, 10, chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"a" * 20 * 1024**2, 9)))


def profile_bomb() -> bytes:
    """An iCCP (colour profile) chunk that inflates to 20 MB."""
    return png(10, 10, chunk(b"iCCP", b"icc\0\0" + zlib.compress(b"\0" * 20 * 1024**2, 9)))


def truncated() -> bytes:
    whole = io.BytesIO()
    Image.new("RGB", (200, 200), (10, 120, 200)).save(whole, "PNG")
    return whole.getvalue()[:300]


def corrupt_exif() -> bytes:
    """A good JPEG whose EXIF block is garbage (Pillow warns "Corrupt EXIF data")."""
    out = io.BytesIO()
    Image.new("RGB", (40, 50), (200, 200, 200)).save(out, "JPEG")
    jpeg = out.getvalue()
    exif = b"Exif\0\0" + b"MM\0\x2a\0\0\0\x08" + b"\xff" * 40
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + jpeg[2:]


def project(make_project: object, data: bytes) -> Path:
    root: Path = make_project(facts={"base.yaml": BASE}, packs={"meeting.yaml": PACK})  # type: ignore[operator]
    (root / "facts" / "photo.png").write_bytes(data)
    return root


@pytest.mark.parametrize(("data", "problem"), [
    (bomb, "the photo has 900,000,000 pixels (a decompression bomb?); the limit is 6000 "
           "pixels a side"),
    (text_bomb, "the photo cannot be decoded (Decompressed data too large"),
    (profile_bomb, "the photo cannot be decoded ("),
    (truncated, "the photo cannot be decoded ("),
])
def test_a_hostile_photo_is_one_located_error(make_project: object, data: object,
                                              problem: str) -> None:
    root = project(make_project, data())  # type: ignore[operator]
    report = briefgen.check(root)
    assert [(f.file, f.line) for f in report.errors] == [("facts/base.yaml", PHOTO_LINE)]
    assert report.errors[0].message.startswith("photo 'photo.png' of 'amina': " + problem), \
        report.errors[0].message
    with pytest.raises(briefgen.ValidationFailed) as failed:
        briefgen.load_project(root)
    assert [error.location.line for error in failed.value.errors] == [PHOTO_LINE]


def test_the_command_says_it_in_one_line_with_json_too(make_project: object) -> None:
    root = project(make_project, bomb())
    for args in (["build"], ["check"], ["build", "--json"]):
        result = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=root,
                                capture_output=True, text=True, check=False)
        assert result.returncode == 1, args
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        shown = result.stdout + result.stderr
        assert f"facts/base.yaml:{PHOTO_LINE}" in shown or f"{PHOTO_LINE:>6}  error" in shown
        if "--json" in args:
            summary = json.loads(result.stdout)
            assert [(e["file"], e["line"]) for e in summary["errors"]] == [
                ("facts/base.yaml", PHOTO_LINE)]


def test_corrupt_exif_builds_silently(make_project: object, tmp_path: Path,
                                      recwarn: pytest.WarningsRecorder) -> None:
    """The orientation cannot be read: the photo is used as it is, and Pillow's warning
    is not printed (nor turned into an error by the test run's filterwarnings)."""
    root = project(make_project, corrupt_exif())
    assert briefgen.check(root).errors == []
    briefgen.build(root, out=tmp_path, languages=["en"])
    assert (tmp_path / "meeting" / "en" / "briefing-note.pdf").is_file()
    assert not [w for w in recwarn if "EXIF" in str(w.message)]


def test_a_truncated_photo_is_refused_after_weasyprint_is_loaded(make_project: object) -> None:
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when imported: watch and serve check
    photos in a process that renders PDFs, and must refuse a truncated one all the same
    (and leave WeasyPrint's setting as it found it)."""
    import weasyprint  # noqa: F401 - what it does on import is the point
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    root = project(make_project, truncated())
    [error] = briefgen.check(root).errors
    assert "the photo cannot be decoded" in error.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES
