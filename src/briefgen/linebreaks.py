"""Where a line of a rendered HTML document (the PDFs and the HTML brief) may not break:
inside a territory's name ("États-|Unis", "United|States", "الولايات|المتحدة"), and before
the last word of a title (a title never ends with one word alone on its line).

The words stay as written: the HTML's text gets ``<span class="nowrap">`` around each name
and around a title's last two words (``white-space: nowrap`` in marking.css), never a
no-break character, which would change the text a reader searches for (the Word document
is left plain). Breaks and hyphenation elsewhere on the line are untouched. The names are
plain text (a :class:`~briefgen.views.PackView`'s ``unbroken``); the HTML's text is already
escaped, so a fact's own ``<script>`` stays text: only the names, escaped, are looked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from markupsafe import escape

from briefgen import bidi

OPEN, CLOSE = '<span class="nowrap">', "</span>"
LONGEST_NAME = 34  # characters: a longer name may still break (a narrow cell holds it)
LONGEST_ENDING = 28  # characters: a title's last two words kept together up to this long

# What is not text to typeset: the head's raw elements, SVG (the timeline: its own text),
# and tags. Only the text between them is looked at.
_SKIPPED = re.compile(r"<(title|style|script|svg|textarea)\b.*?</\1\s*>|<[^>]*>",
                      re.IGNORECASE | re.DOTALL)
# A title: a heading, or an element whose class names a title ("sheet-title", "base-title").
_TITLE = re.compile(r"<(h[1-6]|p)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TITLE_CLASS = re.compile(r'class="[^"]*title')


def keep_lines(html: str, names: Iterable[str] = ()) -> str:
    """``html`` with each of ``names`` and each title's last two words kept on one line."""
    html = _TITLE.sub(_title, html)
    pattern = _names_pattern(tuple(sorted(set(names))))
    if pattern is None:
        return html
    parts, done = 0, []
    for skipped in _SKIPPED.finditer(html):
        done.append(pattern.sub(_wrap, html[parts:skipped.start()]))
        done.append(skipped.group(0))
        parts = skipped.end()
    done.append(pattern.sub(_wrap, html[parts:]))
    return "".join(done)


def _wrap(match: re.Match[str]) -> str:
    return OPEN + match.group(0) + CLOSE


def _title(match: re.Match[str]) -> str:
    """A heading (any ``h1``-``h6``), or a ``p`` whose class names a title, with the last
    two words of its last text kept together."""
    tag, attributes, inner = match.groups()
    if tag.lower() == "p" and not _TITLE_CLASS.search(attributes):
        return match.group(0)
    head, tail = _split_last_text(inner)
    body = tail.rstrip()
    words = body.split(" ")
    if len(words) < 2 or not words[-1] or not words[-2]:
        return match.group(0)
    ending = " ".join(words[-2:])
    if len(bidi.without_isolates(ending)) > LONGEST_ENDING:
        return match.group(0)
    start = len(body) - len(ending)
    glued = body[:start] + OPEN + ending + CLOSE + tail[len(body):]
    return f"<{tag}{attributes}>{head}{glued}</{tag}>"


def _split_last_text(inner: str) -> tuple[str, str]:
    """``inner`` as what comes up to its last text (tags included) and that text."""
    last_tag = inner.rfind(">")
    return inner[:last_tag + 1], inner[last_tag + 1:]


@lru_cache(maxsize=64)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for every name that could break (a space or a hyphen inside it, or a
    word hyphenation may cut), the longest first. A name in a right-to-left script may
    have a word joined to its first letters ("و", "لل": والولايات المتحدة, للولايات
    المتحدة): it matches from its second letter on, with the whole word."""
    alternatives = []
    for name in sorted(names, key=len, reverse=True):
        if not name or len(name) > LONGEST_NAME:
            continue
        escaped = re.escape(str(escape(name)))
        if bidi.has_rtl(name):
            if " " not in name:  # Arabic is not hyphenated: a word never breaks
                continue
            escaped = r"\w*" + re.escape(str(escape(name[1:])))
        alternatives.append(escaped)
    if not alternatives:
        return None
    return re.compile(r"(?<![\w\-])(?:" + "|".join(alternatives) + r")(?![\w\-])")
