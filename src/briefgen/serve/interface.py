"""The language of ``serve``'s own pages, the interface around the brief: the browser's
(its ``Accept-Language``) among the languages the ``preview`` catalogs translate
(``templates/locale/LANG/LC_MESSAGES/preview.po``, a project's over briefgen's), else
English, the language the pages are written in; its direction; language names.

The labels are data, like the documents' (``messages``): a project adds a language, or
changes a label, with its own ``preview.po``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from briefgen import i18n

DOMAIN = "preview"
SOURCE = "en"  # the language the pages' templates are written in


@dataclass(frozen=True)
class Interface:
    """The interface in one language: ``lang`` (a BCP 47 tag for ``<html lang>``), its
    ``dir`` and a Jinja environment whose ``_``, ``gettext`` and ``ngettext`` speak it."""

    lang: str
    dir: str
    templates: jinja2.Environment

    def language_name(self, tag: str) -> str:
        """``français`` for ``fr``: a language named in itself (how its readers find it)."""
        try:
            name = i18n.locale(tag).get_display_name(i18n.locale(tag))
        except ValueError:
            return tag
        return name or tag


def accepted(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header, the preferred first (``fr-CH,
    fr;q=0.9, *;q=0.5`` -> ``['fr_CH', 'fr']``)."""
    ranked = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, position, tag.replace("-", "_")))
    return [tag for *_, tag in sorted(ranked)]


def available(locale_dirs: Sequence[Path]) -> set[str]:
    """The languages the interface speaks: English, and each with a preview catalog."""
    return {SOURCE} | {path.parents[1].name for folder in locale_dirs
                       for path in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}


def choose(header: str | None, locale_dirs: Sequence[Path]) -> str:
    """The first language of ``header`` the interface speaks (``fr_CH`` is spoken in
    ``fr``), else English."""
    speaks = available(locale_dirs)
    for tag in accepted(header):
        for candidate in i18n.fallbacks(tag):
            match = next((lang for lang in speaks if lang.lower() == candidate.lower()), None)
            if match is not None:
                return match
    return SOURCE


def interface(lang: str, locale_dirs: Sequence[Path], loader: jinja2.BaseLoader) -> Interface:
    """The interface in ``lang``: its templates, with the labels of the preview catalogs."""
    environment = jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    translations = i18n.translations(list(locale_dirs), lang, DOMAIN)
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        translations, newstyle=True)
    return Interface(lang.replace("_", "-"), i18n.direction(lang), environment)
