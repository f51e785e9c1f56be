"""A project's own label catalogs: create one for a new language, bring it up to date, and
find what is left to translate.

A project's ``templates/locale/<lang>/LC_MESSAGES/messages.po`` adds to briefgen's
catalogs language by language (see :func:`briefgen.i18n.translations`). It starts as a
copy of briefgen's template catalog, ``templates/locale/messages.pot``, the same thing
``pybabel init`` makes, so a user adds a language without a checkout of briefgen.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from briefgen import clock, i18n, writes
from briefgen.errors import BriefgenError, display_path
from briefgen.templating import default_templates
from briefgen.version import __version__

CATALOG = Path("LC_MESSAGES") / "messages.po"


class CatalogError(BriefgenError):
    """A catalog cannot be made or updated as asked."""


def shipped_template() -> Path:
    return default_templates() / "locale" / "messages.pot"


def project_catalog(root: Path, lang: str) -> Path:
    return root / "templates" / "locale" / lang / CATALOG


def init_catalog(root: str | Path, lang: str, now: dt.datetime | None = None) -> Path:
    """Create ``templates/locale/<lang>/LC_MESSAGES/messages.po`` in the project at ``root``
    from briefgen's template catalog; labels briefgen already translates into ``lang`` come
    filled in; its header records ``now`` (default: :func:`briefgen.clock.now`). Raises
    :class:`CatalogError` if the language is unknown or the file exists."""
    root = Path(root)
    problem = i18n.check_locale(lang)
    if problem:
        raise CatalogError(problem)
    path = project_catalog(root, lang)
    if path.exists():
        raise CatalogError(
            f"{display_path(path, root)} already exists: translate the labels in it, or run "
            f"`briefgen messages update {lang}` to add the labels of a newer briefgen"
        )
    catalog = _read(shipped_template(), lang)
    catalog.locale = Locale.parse(lang)
    catalog.fuzzy = False
    catalog.revision_date = now or clock.now()
    _header(catalog, lang)
    _fill_from_shipped(catalog, lang)
    _write(path, catalog)
    return path


def _header(catalog: Catalog, lang: str) -> None:
    """The header of a project's own catalog: this briefgen's version, no template's
    ``FIRST AUTHOR`` or ``EMAIL@ADDRESS`` left for a person to wonder about."""
    catalog.project, catalog.version = "briefgen", __version__
    catalog.header_comment = (
        f"# briefgen's labels in {lang}, for this project.\n"
        "# Translate each msgstr (Poedit or a text editor);\n"
        "# `briefgen messages update` adds the labels of a newer briefgen.")
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = ""


def update_catalogs(root: str | Path, langs: list[str] | None = None) -> list[Path]:
    """Bring the project's catalogs (those of ``langs``, default all) up to date with
    briefgen's template catalog, as ``pybabel update`` does: new labels are added empty,
    labels briefgen no longer uses are dropped, translations are kept."""
    root = Path(root)
    template = _read(shipped_template(), None)
    paths = sorted((root / "templates" / "locale").glob(f"*/{CATALOG}"))
    if langs:
        missing = [lang for lang in langs if not project_catalog(root, lang).is_file()]
        if missing:
            raise CatalogError(f"the project has no catalog for {', '.join(missing)}: "
                               f"run `briefgen messages init {missing[0]}` first")
        paths = [project_catalog(root, lang) for lang in langs]
    for path in paths:
        lang = path.parents[1].name
        catalog = _read(path, lang)
        catalog.update(template, no_fuzzy_matching=True)
        _write(path, catalog, ignore_obsolete=True)
    return paths


@dataclass(frozen=True)
class Unfinished:
    """What is left to do in one project catalog."""

    path: Path
    line: int | None
    untranslated: tuple[str, ...]
    fuzzy: tuple[str, ...]


def unfinished_catalogs(project_templates: Path) -> Iterator[Unfinished]:
    """Each project catalog with labels left untranslated or marked fuzzy: its own empty
    and fuzzy entries, and labels briefgen uses that neither it nor briefgen translates."""
    locale_dir = project_templates / "locale"
    paths = sorted(locale_dir.glob(f"*/{CATALOG}"))
    if not paths:  # (the shipped template is read only for a project's own catalogs)
        return
    template = _read(shipped_template(), None)
    for path in paths:
        lang = path.parents[1].name
        catalog = _read(path, lang)
        everywhere = i18n.catalog_paths([locale_dir, default_templates() / "locale"], lang)
        translated = {_key(m) for p in everywhere for m in _read(p, lang)
                      if m.id and i18n.is_translated(m)}
        empty = [m for m in catalog if m.id and not m.fuzzy and not i18n.is_translated(m)]
        fuzzy = [m for m in catalog if m.id and m.fuzzy]
        absent = [m for m in template if m.id and catalog.get(m.id, context=m.context) is None
                  and _key(m) not in translated]
        untranslated = [*empty, *absent]
        if untranslated or fuzzy:
            first = min((m.lineno for m in [*empty, *fuzzy] if m.lineno), default=None)
            yield Unfinished(path, first, tuple(map(_shown, untranslated)),
                             tuple(map(_shown, fuzzy)))


def _key(message: Message) -> tuple[str, str | None]:
    text = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return str(text), message.context


def _shown(message: Message) -> str:
    text = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}: {text!r}" if message.context else repr(text)


def _fill_from_shipped(catalog: Catalog, lang: str) -> None:
    shipped = i18n.catalog_paths(default_templates() / "locale", lang)
    for path in reversed(shipped):
        for message in _read(path, lang):
            target = catalog.get(message.id, context=message.context) if message.id else None
            if target is not None and i18n.is_translated(message):
                target.string = message.string


def _read(path: Path, lang: str | None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _write(path: Path, catalog: Catalog, *, ignore_obsolete: bool = False) -> None:
    """The catalog at ``path`` (in the project's ``templates/locale/``), replaced whole."""
    out = io.BytesIO()
    write_po(out, catalog, width=76, ignore_obsolete=ignore_obsolete)
    writes.write({path: out.getvalue()}, within=path.parents[3])
