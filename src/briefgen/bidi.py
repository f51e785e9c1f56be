"""Left-to-right inserts in right-to-left text: Unicode isolates (UAX #9, FSI/LRI ... PDI).

In an Arabic, Hebrew or Persian document, a Latin token ("A-12/3", "G7/G20", a URL, "Africa
Focus Group") is isolated whole, so the bidi algorithm neither reverses its parts around a
"/" nor pulls the digits and punctuation beside it into it; a label in a left-to-right
language (English labels of a Persian document) is isolated whole too, and in HTML set in a
``<span lang dir>``. Everything here is plain text in, plain text out.
"""

from __future__ import annotations

import re

from markupsafe import Markup

FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
# A Latin insert of up to two words and this many characters ("Small Group", "Côte
# d'Ivoire") is never broken across lines; a longer one ("Africa Focus Group") may break at
# its spaces, or it would leave a hole in the line before it.
KEEP_TOGETHER = 20

_LATIN = r"A-Za-z\u00C0-\u024F\u1E00-\u1EFF"
# What joins the parts of one token: "A-12/3", "G7/G20", "https://x.org/a?b=c", "d'Ivoire".
_JOINERS = r"._\-/:&'\u2019?=#%+@~"
# A word: from a letter or digit to a letter, digit or "/", joiners inside.
_WORD = rf"[{_LATIN}0-9](?:[{_LATIN}0-9{_JOINERS}]*[{_LATIN}0-9/])?"
# A Latin word holds a letter ("12/A-3" does, "2015" and "86%" do not).
_LATIN_WORD = rf"(?=[0-9{_JOINERS}]*[{_LATIN}]){_WORD}"
# A run: a Latin word, then words after a space or an ampersand ("Africa Focus Group 2",
# "Trinidad & Tobago"). Trailing punctuation stays in the surrounding direction.
LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?:(?: | ?& ?)(?:{_WORD}))*")
LATIN_WORD = re.compile(_LATIN_WORD)
LATIN_WORD_OR_NUMBER = re.compile(_WORD)
_RTL_CHAR = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDCF\uFDF0-\uFDFF\uFE70-\uFEFF]")
_ISOLATES = {ord(char): None for char in (FSI, LRI, PDI, "\u2067")}


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left character (Arabic, Hebrew, ...)."""
    return _RTL_CHAR.search(text) is not None


def isolate_latin(text: str, *, alone: bool = False) -> str:
    """Wrap each Latin run of right-to-left text in isolates (FSI ... PDI), whole: "A-12/3"
    stays "A-12/3", never "3/A-12", and the punctuation around it does not jump; a short
    one is kept on one line (no-break spaces, :data:`KEEP_TOGETHER`), a long one may break
    at its spaces as the text around it does. Text without a right-to-left character is
    returned as it is, unless ``alone`` (a value printed on its own in a right-to-left
    document: "Test desk" between Arabic parts of a citation)."""
    if not alone and not has_rtl(text):
        return text
    return LATIN_RUN.sub(lambda match: FSI + _unbroken(match.group(0)) + PDI, text)


def _unbroken(insert: str) -> str:
    short = len(insert) <= KEEP_TOGETHER and len(LATIN_WORD_OR_NUMBER.findall(insert)) <= 2
    return insert.replace(" ", "\u00a0") if short else insert


def isolate_value(value: object) -> object:
    """A value printed in a right-to-left document (HTML or Word): its Latin inserts
    isolated, a value wholly Latin too ("Test desk", "A-12/3"). Labels (gettext's Markup)
    and other markup are left alone."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return isolate_latin(value, alone=True)
    return value


def isolate_ltr(text: str) -> str:
    """A left-to-right value (a phone number, an e-mail address) kept in its order inside
    right-to-left text."""
    return LRI + text + PDI


def without_isolates(text: str) -> str:
    return text.translate(_ISOLATES)


# -- Labels of the other direction ----------------------------------------------------------

# The labels of a left-to-right language in a right-to-left document come out of gettext
# between these two noncharacters (:func:`as_label`); :func:`finish_labels` isolates each
# with the punctuation that follows it, in HTML in an element of its language.
LABEL_START, LABEL_END = "\ufdd0", "\ufdd1"
_SENTINELS = {ord(LABEL_START): None, ord(LABEL_END): None}
_RAW = re.compile(r"(<(title|style|script)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_MARKED = re.compile(f"{LABEL_START}([^{LABEL_START}{LABEL_END}]*){LABEL_END}")
_WORDS = re.compile(rf"[{_LATIN}]+(?: [{_LATIN}]+)*")
_ENDING = re.compile(LABEL_END + r"([.,;:!?…]+)")  # the full stop after a label ends it


def as_label(text: str) -> str:
    """``text`` (a label) marked for :func:`finish_labels`; sentinels typed in it dropped."""
    return LABEL_START + text.translate(_SENTINELS) + LABEL_END


def finish_labels(text: str, opening: str = "", closing: str = "") -> str:
    """Each marked label of ``text`` isolated (:func:`isolate_label`) with the punctuation
    after it ("Prepared on 5 دسامبر 2026."), between ``opening`` and ``closing``."""
    text = _ENDING.sub(lambda end: end.group(1) + LABEL_END, text)
    while (done := _MARKED.sub(lambda label: opening + isolate_label(label.group(1))
                               + closing, text)) != text:
        text = done  # the innermost first: a label may hold another
    return text.translate(_SENTINELS)


def isolate_label(label: str) -> str:
    """A label of the other direction isolated (LRI ... PDI), unless it is words only
    ("Key messages", "Page": the bidi algorithm keeps them in order, and a page number
    after "Page" stays after it)."""
    return label if _WORDS.fullmatch(label) else isolate_ltr(label)


def finish_html(html: str, label_lang: str | None) -> str:
    """The rendered HTML of a right-to-left document, finished: no isolate in a tag (an
    attribute holds names and addresses, not text to reorder), in ``<style>`` or
    ``<script>``; each marked label of ``label_lang`` (:func:`as_label`) isolated in a
    ``<span lang dir="ltr">`` (the browser isolates the element, WeasyPrint reads the
    characters), in the title without the element."""
    def raw(match: re.Match[str]) -> str:
        body = match.group(3)
        if match.group(2).lower() == "title":
            body = finish_labels(body)
        else:
            body = without_isolates(body).translate(_SENTINELS)
        return match.group(1) + body + match.group(4)

    html = _RAW.sub(raw, html)
    html = _TAG.sub(lambda tag: without_isolates(tag.group(0)).translate(_SENTINELS), html)
    if label_lang is None:
        return html.translate(_SENTINELS)
    return finish_labels(html, f'<span lang="{label_lang}" dir="ltr">', "</span>")
