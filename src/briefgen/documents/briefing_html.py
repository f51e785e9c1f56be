"""The brief as one self-contained, accessible HTML page (``briefing.html``).

The same content, in the same order, as the briefing book, from the same template blocks,
for intranets and tablets. The page needs nothing else: its stylesheet is inline, with the
shipped fonts subset to the characters the page shows and embedded as ``data:`` URIs;
photos and the timeline are inline too; a Content-Security-Policy forbids any other load.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING

import tinycss2
from markupsafe import Markup

from briefgen import fonts, i18n
from briefgen.documents import fact_sheet, talking_points
from briefgen.documents.kinds import Engines, Rendered
from briefgen.errors import RenderError

if TYPE_CHECKING:
    from briefgen.templating import Templates
    from briefgen.views import PackView

TEMPLATE = "briefing.html"
# marking.css: the one citation style ("[1]" bound to the word before it, never alone on a
# line); its page rules are for PDFs, which a browser leaves aside on screen.
STYLESHEETS = ("css/marking.css", "css/briefing-note.css", "css/fact-sheet.css",
               "css/briefing-html.css")
FONT_FACES = "css/fonts.css"
_TAG = re.compile(r"<[^>]*>")


def render(view: PackView, engines: Engines) -> Rendered:
    templates = engines.templates
    translations = templates.translations(view.labels_lang)
    groups = talking_points.talking_points(view, translations.gettext,
                                           i18n.Punctuation.of(translations).comma)
    sheet = fact_sheet.content_of(view, engines)
    css = "\n".join(templates.find(name).read_text(encoding="utf-8") for name in STYLESHEETS)
    css += "\n" + i18n.counter_style_css(view.numbering)
    draft = templates.render(TEMPLATE, view.lang, view.labels_lang, browser=True, pack=view,
                             groups=groups, sheet=sheet, style="")
    style = font_faces(templates, _characters(draft)) + "\n" + css
    if "</" in style:
        raise RenderError("a stylesheet holds '</', which would end the page's <style>",
                          TEMPLATE, "remove it from the templates' CSS")
    # The templates' own CSS and the fonts briefgen subset: trusted, and raw text in <style>.
    html = templates.render(TEMPLATE, view.lang, view.labels_lang, browser=True, pack=view,
                            groups=groups, sheet=sheet, style=Markup(style))  # noqa: S704
    return Rendered(html.encode("utf-8"), None, view.fact_ids, view.source_ids, [])


def _characters(html: str) -> str:
    """Every character the page shows (its text without the markup), plus ASCII."""
    text = _TAG.sub("", html)
    return "".join(sorted(set(text) | {chr(code) for code in range(0x20, 0x7F)}))


def font_faces(templates: Templates, characters: str) -> str:
    """The templates' ``@font-face`` rules, each font subset to ``characters`` and inlined.

    A face that has none of the characters is left out."""
    path = templates.find(FONT_FACES)
    rules = []
    for family, source, descriptors in _declared_faces(path.read_text(encoding="utf-8")):
        font = (path.parent / source).resolve()
        if not any(font.is_relative_to(root) for root in templates.roots) or not font.is_file():
            raise RenderError(f"the font {source} is not a file of the templates", str(path))
        shown = "".join(c for c in characters if ord(c) in fonts.coverage(font))
        if not shown.strip():
            continue
        data = base64.b64encode(fonts.subset(font, shown)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; '
                     f'src: url(data:font/ttf;base64,{data}) format("truetype");'
                     f"{descriptors} }}")
    return "\n".join(rules)


def _declared_faces(css: str) -> list[tuple[str, str, str]]:
    """(family, source path, other descriptors) of each ``@font-face`` rule of ``css``."""
    faces = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        family = source = ""
        others = []
        for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True,
                                                   skip_comments=True):
            if item.type != "declaration":
                continue
            value = tinycss2.serialize(item.value).strip()
            if item.lower_name == "font-family":
                family = value.strip("\"'")
            elif item.lower_name == "src":
                url = next((token for token in item.value if token.type == "url"), None)
                source = url.value if url is not None else ""
            else:
                others.append(f" {item.lower_name}: {value};")
        if family and source:
            faces.append((family, source, "".join(others)))
    return faces
