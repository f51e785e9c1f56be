"""The DOCX engine: docxtpl rendering that never loses text, right to left, reproducible zips.

A Word template is a real ``.docx`` with Jinja tags in its text (docxtpl). Rendering here:

1. checks the template before opening it (size, zip bomb, every XML part parsed with no
   DOCTYPE or ENTITY in any encoding, no external relationship Word would fetch on open);
2. renders it with autoescape, ``StrictUndefined`` and the language's gettext catalog, every
   value escaped for XML (braces too: docxtpl rewrites ``{_{`` after rendering), so a fact's
   text is data and comes back exactly;
3. turns template mistakes into a :class:`RenderError` naming the template, part and paragraph;
4. for right-to-left languages marks paragraphs, runs, tables and sections as such;
5. sets the core properties from the pack (dates from the issue date, never the clock);
6. writes the package with fixed entry order and timestamps, so equal inputs give equal bytes.

The work is shared among the package's modules, each importing only those below it:

- :mod:`briefgen.docx` (here): :class:`DocxEngine`, which renders (2), and :func:`to_bytes`;
- :mod:`briefgen.docx.template`: the checks (1), escaping and located errors (3), and the
  Babel extractor of a template's labels (babel.cfg);
- :mod:`briefgen.docx.language`: right to left (4), digits and the proofing language;
- :mod:`briefgen.docx.rtl`: the values of a right-to-left document, their Latin runs isolated;
- :mod:`briefgen.docx.fonts`: the fonts embedded in the package;
- :mod:`briefgen.docx.package`: the watermark, the properties (5) and the zip (6);
- :mod:`briefgen.docx.wordml`: the ``w:`` namespace and element helpers they share.

Their public names are imported here, so ``from briefgen.docx import ...`` finds them all;
each module reads its own constants (``briefgen.docx.template.MAX_TEMPLATE_BYTES``), so a
test changes one there, not here.

docxtpl and python-docx are imported inside the functions that need them: importing
briefgen does not load them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from briefgen import bidi, i18n
from briefgen.docx.fonts import EMBED_TAGS, obfuscated, with_fonts
from briefgen.docx.language import make_right_to_left, set_digits, set_language
from briefgen.docx.package import (
    Properties,
    _package_parts,
    add_watermark,
    set_properties,
    zipped,
)
from briefgen.docx.rtl import finish_labels, rtl_xml_text
from briefgen.docx.template import (
    MAX_TEMPLATE_BYTES,
    _located,
    checked_template,
    extract_docx,
    jinja_source,
    xml_text,
)
from briefgen.errors import RenderError
from briefgen.fonts import Face, faces, font_files
from briefgen.templating import install_labels, other_direction

if TYPE_CHECKING:
    from briefgen.templating import Templates

# What the talking points, the template script, the Babel extractor (babel.cfg) and the
# tests use of the engine's parts.
__all__ = [
    "EMBED_TAGS", "MAX_TEMPLATE_BYTES", "DocxEngine", "Properties", "add_watermark",
    "checked_template", "extract_docx", "jinja_source", "make_right_to_left", "obfuscated",
    "set_digits", "set_language", "set_properties", "to_bytes", "xml_text",
]


class DocxEngine:
    """Renders Word templates for one process; environments and checked templates are cached."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates
        self._environments: dict[tuple[str, str, str], tuple[object, jinja2.Environment]] = {}
        self._checked: dict[tuple[Path, int, int], bytes] = {}

    def environment(self, lang: str, labels: str | None = None,
                    digits: str = "latn") -> jinja2.Environment:
        """Escaping on, undefined is an error, labels through the catalog of ``labels``
        (default ``lang``), their numbers in ``digits``; a catalog edited since gives a new
        environment."""
        labels = labels or lang
        catalogs = i18n.catalog_key(self.templates.locale_dirs, labels)
        cached = self._environments.get((lang, labels, digits))
        if cached is None or cached[0] != catalogs:
            env = _CompiledOnce(
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                finalize=rtl_xml_text if i18n.direction(lang) == "rtl" else xml_text,
            )
            install_labels(env, self.templates.translations(labels), lang, digits,
                           bidi.as_label if other_direction(lang, labels) else None)
            cached = self._environments[(lang, labels, digits)] = (catalogs, env)
        return cached[1]

    @cached_property
    def fonts(self) -> list[Face]:
        """The faces of the template folders' fonts: what documents embed."""
        return faces(font_files(self.templates.roots))

    def template_bytes(self, name: str) -> tuple[Path, bytes]:
        """The checked bytes of template ``name`` (the project's own, or the default)."""
        path = self.templates.find(name)
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in self._checked:
            self._checked = {key: checked_template(path, self.display(path))}
        return path, self._checked[key]

    def display(self, path: Path) -> str:
        """A template path as a user finds it: ``templates/talking-points.docx``."""
        if path.parent == self.templates.default.resolve():
            return f"{path.name} (briefgen's default template)"
        for root in self.templates.roots:
            if path.is_relative_to(root):
                return str(path.relative_to(root.parent))
        return str(path)

    def render(self, name: str, lang: str, context: Mapping[str, object],
               labels: str | None = None) -> Any:
        """Template ``name`` filled with ``context``: a python-docx ``Document``."""
        from docxtpl import DocxTemplate

        path, data = self.template_bytes(name)
        where = self.display(path)
        try:
            template = DocxTemplate(io.BytesIO(data))
            template.init_docx()
        except Exception as error:  # python-docx raises many kinds on a broken package
            raise RenderError(f"cannot open the Word template: {error}", where,
                              "open it in Word or LibreOffice and save it as .docx") from None
        try:
            digits = str(getattr(context.get("pack"), "numbering", "latn"))
            template.render(dict(context), self.environment(lang, labels, digits))
        except jinja2.TemplateError as error:
            raise _located(error, template, where) from None
        except Exception as error:  # docxtpl's regex surgery can fail on unusual XML
            raise RenderError(f"docxtpl could not fill the Word template: {error!r}", where,
                              "compare it with briefgen's default talking-points.docx") from None
        document = _reopened(template)
        if other_direction(lang, labels):
            finish_labels(document)
        return document


class _CompiledOnce(jinja2.Environment):
    """An environment that compiles each source once: docxtpl hands it the same XML parts
    of the same Word template for every document (compiling them was a third of a render)."""

    MAX_SOURCES = 64

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: str | jinja2.nodes.Template,
                    globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) >= self.MAX_SOURCES:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


def _reopened(template: Any) -> Any:
    """The rendered document read back: docxtpl swaps header and footer parts under
    python-docx's feet, so its in-memory document no longer shows them."""
    from docx import Document

    saved = io.BytesIO()
    template.save(saved)
    return Document(io.BytesIO(saved.getvalue()))


def to_bytes(document: Any, fonts: Sequence[Face] = ()) -> bytes:
    """The package, byte-reproducible: fixed entry order, timestamps and permissions; the
    families of ``fonts`` its text is set in embedded (:func:`~briefgen.docx.fonts.with_fonts`).
    It is zipped once, from python-docx's parts."""
    parts = _package_parts(document)
    return zipped(with_fonts(parts, fonts) if fonts else parts)
