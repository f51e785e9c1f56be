"""The PDF engine: WeasyPrint behind one object, with its own fonts and a sandboxed fetcher.

One :class:`PdfEngine` per process keeps one font configuration and the parsed
stylesheets (a fresh ``FontConfiguration`` per document leaks native memory and costs
10-15 ms). The font configuration holds the template folders' fonts and nothing of the
machine's (:class:`OwnFonts`). Documents may only load files from the template folders and
``data:`` URIs: no network, no other file, no redirect. Before a PDF is written, its pages
are checked (:mod:`briefgen.pagecheck`): text wider than its line and a character no font
has are errors naming the fact.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

with warnings.catch_warnings():
    # WeasyPrint warns on import when the machine has no fonts: briefgen brings its own.
    warnings.filterwarnings("ignore", "(No fonts configured|FontConfig cannot load)", UserWarning)
    import weasyprint
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

from briefgen import pagecheck
from briefgen.errors import RenderError, display_path
from briefgen.fonts import font_files

WEASYPRINT_LOGGER = "weasyprint"
log = logging.getLogger(__name__)


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast, byte-reproducible)."""
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


class OwnFonts(FontConfiguration):  # type: ignore[misc]
    """WeasyPrint's font configuration with no font but ``fonts``: never the machine's.

    WeasyPrint's own starts from the machine's fontconfig set-up, so a character the
    templates' fonts lack came from whatever the machine had (DejaVu here, another font
    there, nothing in a bare container). This one swaps in an empty fontconfig
    configuration holding only ``fonts``: ``@font-face`` fonts are added to it as usual,
    and every font file given serves, under its own family name, for the characters the
    families a stylesheet names lack. Creating one costs a few milliseconds: keep one per
    process.
    """

    def __init__(self, fonts: Sequence[Path], display: Callable[[Path], str] = str) -> None:
        super().__init__()
        config = _empty_fontconfig()
        try:
            for path in fonts:
                if not fontconfig.FcConfigAppFontAddFile(config, os.fsencode(path)):
                    raise RenderError(
                        "not a font file that can be read", display(path),
                        "remove it from the fonts folder or replace it with a .ttf or .otf file",
                    )
            pangoft2.pango_fc_font_map_set_config(
                ffi.cast("PangoFcFontMap *", self.font_map), config)
        finally:
            fontconfig.FcConfigDestroy(config)  # the font map holds its own reference
        self._config = config  # where WeasyPrint adds the fonts of @font-face rules


def _empty_fontconfig() -> Any:
    """A fontconfig configuration without any font, rule or folder of the machine."""
    # WeasyPrint does not declare FcConfigCreate; declaring it again is harmless.
    ffi.cdef("FcConfig * FcConfigCreate (void);", override=True)
    return fontconfig.FcConfigCreate()


class SandboxedFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files under the template folders and ``data:`` URIs; refuses everything else.

    A relative path that a project's ``templates/`` lacks is served from the next folder
    (the defaults), so a project may override ``css/briefing-note.css`` and keep the
    shipped fonts.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False,
                         fail_on_errors=True, timeout=5)
        self.roots = tuple(Path(os.path.realpath(root)) for root in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            return self._refuse(url, "only files of the templates and data: URIs may be loaded")
        path = self._resolve(Path(unquote(urlsplit(url).path)))
        if path is None:
            return self._refuse(url, "the file is outside the template folders")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {}, 200)

    def _resolve(self, requested: Path) -> Path | None:
        real = Path(os.path.realpath(requested))
        for root in self.roots:
            if _inside(real, root):
                relative = real.relative_to(root)
                for candidate_root in self.roots:
                    candidate = Path(os.path.realpath(candidate_root / relative))
                    if _inside(candidate, candidate_root) and candidate.is_file():
                        return candidate
        return None

    def _refuse(self, url: str, reason: str) -> URLFetcherResponse:
        self.refused.append(f"{url[:200]} ({reason})")
        raise ValueError(f"refused to load {url[:200]}: {reason}")


def _inside(path: Path, root: Path) -> bool:
    return os.path.commonpath([path, root]) == str(root)


@dataclass
class PdfResult:
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _weasyprint_log() -> Iterator[_Collector]:
    logger = logging.getLogger(WEASYPRINT_LOGGER)
    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)


_NOTDEF = re.compile(r"\.notdef glyph rendered .*\"(.+)\" \(U\+([0-9A-F]+)\)", re.DOTALL)


class PdfEngine:
    """Renders HTML to PDF with shared fonts and stylesheets; one per process."""

    version = weasyprint.__version__

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = tuple(roots)
        self.layouts: collections.Counter[str] = collections.Counter()  # by document name
        if not harfbuzz_subset_available():
            log.warning(
                "HarfBuzz's subset library (libharfbuzz-subset0) is missing: fonts are subset "
                "with fontTools, 3x slower, and PDFs are not byte-reproducible. Install it."
            )
        self.font_config = OwnFonts(font_files(self.roots), self._display)
        self._stylesheets: dict[tuple[Path, int], weasyprint.CSS] = {}

    def _display(self, path: Path) -> str:
        """A template file as a user finds it: ``templates/fonts/x.ttf`` in a project."""
        root = next(root for root in self.roots if path.is_relative_to(root))
        return display_path(path, root.parent)

    def stylesheet(self, path: Path) -> weasyprint.CSS:
        key = (path, path.stat().st_mtime_ns)
        if key not in self._stylesheets:
            try:  # @font-face rules load their fonts here, through the fetcher
                self._stylesheets[key] = weasyprint.CSS(
                    filename=str(path), font_config=self.font_config,
                    url_fetcher=SandboxedFetcher(self.roots),
                )
            except weasyprint.urls.FatalURLFetchingError as error:
                raise RenderError(f"a resource could not be loaded: {error.__cause__ or error}",
                                  str(path)) from None
        return self._stylesheets[key]

    def layout(self, html: str, base_url: Path, stylesheets: Sequence[Path],
               name: str, extra_css: str = "") -> weasyprint.Document:
        """Lay ``html`` out (no PDF yet); a resource that cannot be loaded is an error.
        Each layout is counted in :attr:`layouts`, under ``name``."""
        self.layouts[name] += 1
        fetcher = SandboxedFetcher(self.roots)
        sheets = [self.stylesheet(path) for path in stylesheets]
        counter_style = CounterStyle()  # the extra CSS may define one (briefgen-digits)
        if extra_css:
            sheets.append(weasyprint.CSS(string=extra_css, font_config=self.font_config,
                                         url_fetcher=fetcher, counter_style=counter_style))
        with _weasyprint_log() as log:
            try:
                document = weasyprint.HTML(
                    string=html, base_url=base_url.as_uri() + "/", url_fetcher=fetcher
                ).render(font_config=self.font_config, counter_style=counter_style,
                         stylesheets=sheets, pdf_tags=True)
            except weasyprint.urls.FatalURLFetchingError as error:
                raise RenderError(
                    f"a resource could not be loaded: {error.__cause__ or error}", name
                ) from None
        _raise_for(log.records, fetcher, name)
        return document

    def write(self, document: weasyprint.Document, name: str, html: str,
              right_to_left: bool = False) -> PdfResult:
        """The PDF bytes; its identifier is derived from the HTML, so it is reproducible.

        A page with text wider than its line, or a character no font has, is an error
        naming the fact: never a document with cut or missing text. ``right_to_left``
        tells PDF readers to show the pages in that order (a book read from the right).
        """
        if found := pagecheck.overflows(document):
            raise pagecheck.overflow_error(found[0], name)
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        with _weasyprint_log() as log:
            pages = len(document.pages)
            try:
                data = with_identifier(
                    document.write_pdf(pdf_tags=True, pdf_identifier=False,
                                       finisher=_right_to_left if right_to_left else None),
                    identifier)
            except weasyprint.urls.FatalURLFetchingError as error:
                raise RenderError(
                    f"a resource could not be loaded: {error.__cause__ or error}", name
                ) from None
        if missing := _missing_glyphs(log.records):
            raise pagecheck.missing_glyph_error(missing, document, name)
        _raise_for(log.records, None, name)
        return PdfResult(data, pages, [r.getMessage() for r in log.records])


def _right_to_left(document: weasyprint.Document, pdf: Any) -> None:
    """Readers lay the pages out from the right (PDF 32000-1, 12.2: /Direction /R2L)."""
    import pydyf

    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["Direction"] = "/R2L"
    pdf.catalog["ViewerPreferences"] = preferences


def with_identifier(data: bytes, identifier: bytes) -> bytes:
    """``data``, a PDF written without a file identifier, with ``identifier`` (hex digits)
    as both parts of its trailer's ``/ID``. (pydyf would compute the second part by
    serializing and compressing every object of the file a second time.) The trailer comes
    after every object, and after the offset ``startxref`` gives: nothing moves."""
    entry = b"/ID [(" + identifier + b") (" + identifier + b")]"
    at = data.rfind(b"/Type /XRef")  # the trailer of a compressed file: its xref stream
    if at >= 0:
        at += len(b"/Type /XRef")
        return data[:at] + entry + data[at:]
    at = data.rindex(b"trailer\n<<\n") + len(b"trailer\n<<\n")
    return data[:at] + entry + b"\n" + data[at:]


def _missing_glyphs(records: list[logging.LogRecord]) -> list[str]:
    """The characters WeasyPrint drew as .notdef (no font has them), once each, in order."""
    found = (_NOTDEF.search(record.getMessage()) for record in records)
    return list(dict.fromkeys(chr(int(match.group(2), 16)) for match in found if match))


def _raise_for(records: list[logging.LogRecord], fetcher: SandboxedFetcher | None,
               name: str) -> None:
    for record in records:
        if record.levelno >= logging.ERROR:
            raise RenderError(f"WeasyPrint: {record.getMessage()}", name)
    if fetcher and fetcher.refused:
        raise RenderError(f"refused to load {fetcher.refused[0]}", name)
