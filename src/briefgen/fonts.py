"""The fonts documents are set in: those of the template folders' ``fonts/``, nothing else.

briefgen ships Noto Serif, Noto Sans, Noto Naskh Arabic and Noto Sans Hebrew in
``templates/fonts/``; a project adds fonts by dropping ``.ttf`` or ``.otf`` files into its own
``templates/fonts/``. The PDF engine knows no other font (:class:`briefgen.pdf.OwnFonts`) and
the DOCX engine embeds these in the talking points (:func:`briefgen.docx.fonts.with_fonts`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONTS_FOLDER = "fonts"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
_BOLD, _ITALIC = 1 << 5, 1  # OS/2 fsSelection bits


def font_files(roots: Sequence[Path]) -> list[Path]:
    """Every font file in the ``fonts/`` folder of each template folder, the project's first."""
    return [
        path
        for root in roots
        for path in sorted((root / FONTS_FOLDER).glob("*"))
        if path.suffix.lower() in FONT_SUFFIXES and path.is_file()
    ]


@dataclass(frozen=True)
class Face:
    """One font file: its family name (as a Word document names it) and its style."""

    path: Path
    family: str
    bold: bool
    italic: bool
    truetype: bool  # TrueType outlines (glyf): what Word can embed


def faces(paths: Sequence[Path]) -> list[Face]:
    """The faces of ``paths`` that can be read (others are left to the PDF engine to name)."""
    found = []
    for path in paths:
        stat = path.stat()
        face = _face(str(path), stat.st_mtime_ns, stat.st_size)
        if face is not None:
            found.append(face)
    return found


@lru_cache(maxsize=256)
def _face(path: str, mtime_ns: int, size: int) -> Face | None:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(io.BytesIO(Path(path).read_bytes()), lazy=True, fontNumber=0) as font:
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1)
            selection = font["OS/2"].fsSelection if "OS/2" in font else 0
            truetype = "glyf" in font
    except (TTLibError, OSError, KeyError, AssertionError):
        return None
    if not family:
        return None
    return Face(Path(path), family, bool(selection & _BOLD), bool(selection & _ITALIC),
                truetype)


# -- Subsetting ------------------------------------------------------------------------------


def subset(path: Path, characters: str) -> bytes:
    """The font file at ``path`` cut down to ``characters`` (and what shaping them needs),
    without hinting: HarfBuzz's subsetter (the one WeasyPrint uses, 20 ms a face), else
    fontTools' (20 times slower). The same input gives the same bytes."""
    data = path.read_bytes()
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is not None:
        result = _harfbuzz_subset(data, characters)
        if result is not None:
            return result
    return _fonttools_subset(data, characters)


@lru_cache(maxsize=1)
def _declare_face_from_bytes() -> None:
    """WeasyPrint declares what it uses of HarfBuzz; these two make a face from bytes.
    Declared once per process: parsing the declarations takes 12 ms."""
    from weasyprint.text.ffi import ffi

    ffi.cdef("""
        hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode,
                                    void *user_data, void *destroy);
        hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
    """, override=True)


def _harfbuzz_subset(data: bytes, characters: str) -> bytes | None:
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    _declare_face_from_bytes()
    buffer = ffi.new("char[]", data)
    blob = ffi.gc(harfbuzz.hb_blob_create(buffer, len(data), 1, ffi.NULL, ffi.NULL),
                  harfbuzz.hb_blob_destroy)  # mode 1: read-only, buffer outlives it
    face = ffi.gc(harfbuzz.hb_face_create(blob, 0), harfbuzz.hb_face_destroy)
    wanted = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                    harfbuzz_subset.hb_subset_input_destroy)
    codepoints = sorted({ord(char) for char in characters})
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(wanted, harfbuzz_subset.HB_SUBSET_SETS_UNICODE),
        ffi.new(f"hb_codepoint_t[{len(codepoints)}]", codepoints), len(codepoints))
    harfbuzz_subset.hb_subset_input_set_flags(
        wanted, harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
        | harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE)
    result = harfbuzz_subset.hb_subset_or_fail(face, wanted)
    if result == ffi.NULL:
        return None
    result = ffi.gc(result, harfbuzz.hb_face_destroy)
    out = ffi.gc(harfbuzz.hb_face_reference_blob(result), harfbuzz.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = harfbuzz.hb_blob_get_data(out, length)
    return bytes(ffi.unpack(pointer, length[0]))


def _fonttools_subset(data: bytes, characters: str) -> bytes:
    import io

    from fontTools import subset as fonttools
    from fontTools.ttLib import TTFont

    options = fonttools.Options()
    options.hinting = False
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    subsetter = fonttools.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def completed(font: bytes, fillers: Sequence[Path], characters: str) -> bytes:
    """``font`` with the glyphs it lacks for ``characters`` taken from ``fillers``, in order.

    Noto Naskh Arabic has no brackets, hyphen, slash or dashes, and no Hebrew: the PDFs take
    them from the other faces, but Word and LibreOffice set every character of a
    right-to-left run in its one complex-script font and would take them from a font of the
    reader's machine. Fillers of other units per em than ``font`` are skipped.
    """
    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont

    have = set(TTFont(io.BytesIO(font), lazy=True).getBestCmap())
    units = TTFont(io.BytesIO(font), lazy=True)["head"].unitsPerEm
    extras = []
    for filler in fillers:
        missing = "".join(sorted({c for c in characters if ord(c) not in have}))
        if not missing or not set(map(ord, missing)) & coverage(filler):
            continue
        extra = TTFont(io.BytesIO(subset(filler, missing)))
        if extra["head"].unitsPerEm != units:
            continue
        for tag in ("GSUB", "GPOS", "GDEF", "kern"):  # borrowed glyphs need no shaping
            if tag in extra:
                del extra[tag]
        have |= set(extra.getBestCmap())
        loose = io.BytesIO()
        extra.save(loose)
        extras.append(io.BytesIO(loose.getvalue()))
    if not extras:
        return font
    merged = Merger().merge([io.BytesIO(font), *extras])
    # The merger dates the font now: keep the first font's dates (equal inputs, equal bytes).
    head = TTFont(io.BytesIO(font), lazy=True)["head"]
    merged["head"].created, merged["head"].modified = head.created, head.modified
    merged.recalcTimestamp = False
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def coverage(path: Path) -> frozenset[int]:
    """The code points the font at ``path`` has glyphs for."""
    stat = path.stat()
    return _coverage(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _coverage(path: str, mtime_ns: int, size: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(Path(path).read_bytes()), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())
