"""WordprocessingML names for the DOCX engine's modules: the ``w:`` namespace, element
making, and the document defaults in ``word/styles.xml`` (where the template has none, they
are made).

lxml is imported inside the functions that need it.
"""

from __future__ import annotations

from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _make(tag: str) -> Any:
    from lxml import etree  # type: ignore[import-untyped]

    return etree.Element(_w(tag))


def _ppr_default(styles: Any) -> Any:
    return _find_or_make(_doc_defaults(styles), "pPrDefault", at_start=False)


def _rpr_default(styles: Any) -> Any:
    rpr_default = _find_or_make(_doc_defaults(styles), "rPrDefault", at_start=True)
    return _find_or_make(rpr_default, "rPr", at_start=False)


def _doc_defaults(styles: Any) -> Any:
    return _find_or_make(styles, "docDefaults", at_start=True)


def _find_or_make(parent: Any, tag: str, *, at_start: bool) -> Any:
    """``parent``'s ``w:tag`` child, created first or last when it is missing."""
    element = parent.find(_w(tag))
    if element is None:
        element = _make(tag)
        if at_start:
            parent.insert(0, element)
        else:
            parent.append(element)
    return element
