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
from typing import Any

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
    without hinting: HarfBuzz's subsetter (the one WeasyPrint uses, 20 ms a face, bound here
    with cffi: a talking-points process does not import WeasyPrint), else fontTools' (20
    times slower). The same input gives the same bytes."""
    data = path.read_bytes()
    if _harfbuzz() is not None:
        result = _harfbuzz_subset(data, characters)
        if result is not None:
            return result
    return _fonttools_subset(data, characters)


# What briefgen calls of HarfBuzz and its subset library (hb.h, hb-subset.h), and the names
# the libraries have on Linux, macOS and Windows (as WeasyPrint looks them up).
_HARFBUZZ_DECLARATIONS = """
    typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
    typedef struct hb_set_t hb_set_t; typedef struct hb_subset_input_t hb_subset_input_t;
    typedef uint32_t hb_codepoint_t;
    hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode,
                                void *user_data, void *destroy);
    void hb_blob_destroy (hb_blob_t *blob);
    const char * hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
    hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
    void hb_face_destroy (hb_face_t *face);
    hb_blob_t * hb_face_reference_blob (hb_face_t *face);
    void hb_set_add_sorted_array (hb_set_t *set, const hb_codepoint_t *sorted_codepoints,
                                  unsigned int num_codepoints);
    hb_subset_input_t * hb_subset_input_create_or_fail (void);
    void hb_subset_input_destroy (hb_subset_input_t *input);
    hb_set_t * hb_subset_input_set (hb_subset_input_t *input, int set_type);
    void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
    hb_face_t * hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
_HARFBUZZ_NAMES = ("libharfbuzz.so.0", "libharfbuzz-0", "harfbuzz", "libharfbuzz.0.dylib",
                   "libharfbuzz-0.dll")
_SUBSET_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset-0", "harfbuzz-subset",
                 "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll")
_SETS_UNICODE, _NO_HINTING, _NOTDEF_OUTLINE = 1, 0x1, 0x40  # hb-subset.h


@lru_cache(maxsize=1)
def _harfbuzz() -> tuple[Any, Any, Any] | None:
    """cffi's ffi, HarfBuzz and its subset library; None without the subset library."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_HARFBUZZ_DECLARATIONS)
    libraries = []
    for names in (_HARFBUZZ_NAMES, _SUBSET_NAMES):
        for name in names:
            try:
                libraries.append(ffi.dlopen(name))
                break
            except OSError:
                continue
        else:
            return None
    return ffi, libraries[0], libraries[1]


def _harfbuzz_subset(data: bytes, characters: str) -> bytes | None:
    found = _harfbuzz()
    assert found is not None
    ffi, harfbuzz, subsetter = found
    buffer = ffi.new("char[]", data)
    blob = ffi.gc(harfbuzz.hb_blob_create(buffer, len(data), 1, ffi.NULL, ffi.NULL),
                  harfbuzz.hb_blob_destroy)  # mode 1: read-only, buffer outlives it
    face = ffi.gc(harfbuzz.hb_face_create(blob, 0), harfbuzz.hb_face_destroy)
    wanted = subsetter.hb_subset_input_create_or_fail()
    if wanted == ffi.NULL:
        return None
    wanted = ffi.gc(wanted, subsetter.hb_subset_input_destroy)
    codepoints = sorted({ord(char) for char in characters})
    harfbuzz.hb_set_add_sorted_array(subsetter.hb_subset_input_set(wanted, _SETS_UNICODE),
                                     ffi.new("hb_codepoint_t[]", codepoints), len(codepoints))
    subsetter.hb_subset_input_set_flags(wanted, _NO_HINTING | _NOTDEF_OUTLINE)
    result = subsetter.hb_subset_or_fail(face, wanted)
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
