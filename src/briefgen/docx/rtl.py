"""Right-to-left Word documents: every value's Latin runs isolated, as in the PDF.

Word and LibreOffice apply the bidi algorithm to a paragraph's whole text, across runs: a
value left bare between Arabic parts ("...الجزء الأول، Test desk، 14 فبراير 2025") pulls the
digits after it into its own direction. Isolated (FSI ... PDI), it keeps its place. A
label of the other direction is isolated whole, with the full stop after it.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from briefgen import bidi
from briefgen.docx.language import _story_roots
from briefgen.docx.template import xml_text
from briefgen.docx.wordml import _w


def rtl_xml_text(value: object) -> Markup:
    """A value printed in a right-to-left Word document, as XML text: its Latin runs
    isolated, a value wholly Latin too. Labels (gettext's Markup) are left as they are."""
    return xml_text(bidi.isolate_value(value))


def finish_labels(document: Any) -> None:
    """The labels of the other direction (English labels of a Persian document, marked by
    :func:`bidi.as_label`) isolated, each with the punctuation after it."""
    for root in _story_roots(document):
        for text in root.iter(_w("t")):
            if text.text:
                text.text = bidi.finish_labels(text.text)
