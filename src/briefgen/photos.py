"""People's photos: checked at load time, re-encoded before they go into a document.

A photo is a PNG or JPEG file inside the project, named relative to its fact base's folder.
It is never fetched: only such a file is read, at most :data:`MAX_BYTES`, and only if it is
a real image of at most :data:`MAX_SIDE` pixels a side. What a document embeds is a fresh
PNG that Pillow draws from the decoded pixels (no metadata, no original bytes), scaled to
:data:`EMBED_SIDE` pixels at most.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import re
import stat
import struct
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import excerpt

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000
EMBED_SIDE = 480  # pixels: 40 mm at 300 dpi
FORMATS = {"PNG", "JPEG"}


class PhotoError(ValueError):
    """Why a photo cannot be used, in words a user can act on."""


def resolve(name: str, base_file: Path, project: Path) -> Path:
    """The file ``name`` names, relative to the fact base's folder, inside the project."""
    candidate = Path(name)
    if candidate.is_absolute():
        raise PhotoError("give the photo's path relative to the fact base's folder")
    path = Path(os.path.realpath(base_file.parent / candidate))
    root = Path(os.path.realpath(project))
    if os.path.commonpath([path, root]) != str(root):
        raise PhotoError("the photo is outside the project folder")
    return path


def check(path: Path) -> None:
    """Raise :class:`PhotoError` unless ``path`` is a PNG or JPEG within the limits."""
    _read(path)


def embed(path: Path) -> str:
    """A ``data:`` URI of the photo, re-encoded as PNG and scaled down. (The file is read
    every time; what is made of the same bytes is remembered: every language's view of a
    pack embeds the same photos.)"""
    data = _read_bytes(path)
    key = hashlib.sha256(data).digest()
    with _EMBEDDED_LOCK:  # serve works out views on two threads
        if key in _EMBEDDED:
            _EMBEDDED.move_to_end(key)
            return _EMBEDDED[key]
    uri = _reencoded(data)
    with _EMBEDDED_LOCK:
        _EMBEDDED[key] = uri
        while len(_EMBEDDED) > _EMBEDDED_KEPT:  # the least recently used goes
            _EMBEDDED.popitem(last=False)
    return uri


_EMBEDDED: OrderedDict[bytes, str] = OrderedDict()  # data: URIs by the SHA-256 of the bytes
_EMBEDDED_LOCK = threading.Lock()
_EMBEDDED_KEPT = 32


def _reencoded(data: bytes) -> str:
    image = _decoded(data).convert("RGB")
    image.thumbnail((EMBED_SIDE, EMBED_SIDE))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _read(path: Path) -> Image:
    return _decoded(_read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise PhotoError("the photo file does not exist") from None
    if not stat.S_ISREG(info.st_mode):
        raise PhotoError("the photo is not a regular file")
    if info.st_size > MAX_BYTES:
        raise PhotoError(
            f"the photo is {info.st_size / 1024**2:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024**2} MB"
        )
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # grown since
        raise PhotoError(f"the photo is over the limit of {MAX_BYTES // 1024**2} MB")
    return data


def _decoded(data: bytes) -> Image:
    """The photo's pixels, upright (its EXIF orientation applied). Whatever Pillow makes of
    a hostile file is a :class:`PhotoError`: a decompression bomb (an image of billions of
    pixels in a few kilobytes), a text or colour-profile chunk that inflates to megabytes, a
    truncated or corrupt stream; its warnings (corrupt EXIF) are taken in, never printed."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    # The warning filters are the process's, and so is Pillow's LOAD_TRUNCATED_IMAGES, which
    # WeasyPrint sets on import (watch and serve validate photos after rendering PDFs): one
    # photo at a time sets them as it needs, and puts them back (serve works out views on
    # two threads).
    with _DECODING, warnings.catch_warnings(), _truncated_refused(ImageFile):
        warnings.simplefilter("ignore")  # Pillow's other warnings: the pixels are what count
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _upright(data)
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            pixels = re.search(r"\((\d+) pixels\)", str(error))
            shown = f"{int(pixels.group(1)):,} pixels" if pixels else "too many pixels"
            raise PhotoError(f"the photo has {shown} (a decompression bomb?); the limit is "
                             f"{MAX_SIDE} pixels a side") from None
        except (OSError, ValueError, SyntaxError, EOFError, MemoryError,
                UnidentifiedImageError) as error:
            raise PhotoError(f"the photo cannot be decoded ({_reason(error)})") from None


_DECODING = threading.Lock()


@contextlib.contextmanager
def _truncated_refused(image_file: Any) -> Iterator[None]:
    """A truncated image is an error while decoding (whatever WeasyPrint set)."""
    saved = image_file.LOAD_TRUNCATED_IMAGES
    image_file.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        image_file.LOAD_TRUNCATED_IMAGES = saved


def _upright(data: bytes) -> Image:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError):
        raise PhotoError("the photo is not a PNG or JPEG image") from None
    if image.format not in FORMATS:
        raise PhotoError(f"the photo is a {image.format} image; use PNG or JPEG")
    if max(image.size) > MAX_SIDE:
        raise PhotoError(
            f"the photo is {image.size[0]}×{image.size[1]} pixels; the limit is {MAX_SIDE} "
            "a side"
        )
    image.load()
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, KeyError, TypeError, struct.error):
        return image  # orientation unreadable: the pixels as they are


def _reason(error: BaseException) -> str:
    return excerpt(str(error) or type(error).__name__, 80)
