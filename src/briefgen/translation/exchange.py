"""Translation exchange files: PO (gettext, through Babel) and XLIFF 1.2 (translate-toolkit).

One unit per text. Its context (PO ``msgctxt``, XLIFF ``trans-unit id``) names the base,
the fact and the field, ``ma-coalition-daesh/fact/skhirat-meeting/text``; the source is the
source-language text; the target is empty, or the previous translation as a starting
point where it is outdated (PO ``fuzzy``, XLIFF ``state="needs-review-translation"``);
notes for the translator (:mod:`briefgen.translation.notes`) say what the text is, which
placeholders to keep and what they stand for.

Reading gives back every unit with its context, source, target, whether it still needs
review (not imported) and where it is in the file, for located errors.

:func:`outgoing` works out one base's units (which texts, their notes, whether they hold
placeholders, read by :mod:`briefgen.placeholders`); :func:`write` and :func:`read` handle
the files. Babel's PO support and translate-toolkit are imported only when a file of theirs
is written or read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from briefgen import placeholders
from briefgen.errors import LocatedError, Location
from briefgen.fsutil import NotAFile, read_regular
from briefgen.grammar import Grammar
from briefgen.load import Loaded
from briefgen.model import FactBase
from briefgen.translation import notes
from briefgen.translation.state import gaps, source_language, translatables

Format = Literal["po", "xliff"]
FORMATS: tuple[Format, ...] = ("po", "xliff")
MAX_FILE_BYTES = 20 * 1024 * 1024
XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
# XLIFF 1.2 target states that say the translation is not done yet.
_UNFINISHED_STATES = {"new", "needs-translation", "needs-adaptation", "needs-l10n",
                      "needs-review-translation", "needs-review-adaptation",
                      "needs-review-l10n"}


@dataclass(frozen=True)
class OutgoingUnit:
    """A text to translate, as exported."""

    context: str
    source: str
    target: str | None  # the current or previous translation, if any
    needs_review: bool  # the target is only a starting point
    notes: tuple[str, ...]
    location: tuple[str, int | None]  # the base file and line
    placeholders: bool  # msgfmt may check the {placeholders} (PO python-brace-format)
    max_length: int | None = None  # a caption's limit in characters


@dataclass(frozen=True)
class OutgoingFile:
    """The units of one fact base."""

    base_file: str
    source_language: str
    units: tuple[OutgoingUnit, ...]


@dataclass(frozen=True)
class IncomingUnit:
    """A unit read back from a translated file."""

    context: str
    source: str
    target: str
    needs_review: bool
    where: Location  # the exchange file and the unit's line


@dataclass(frozen=True)
class Incoming:
    language: str
    units: tuple[IncomingUnit, ...]


# What each unit holds and says to the translator -----------------------------------------


def outgoing(loaded: Loaded[FactBase], lang: str, everything: bool,
             names: Grammar) -> OutgoingFile:
    """The units of one base to translate into ``lang``: its missing, outdated and unstamped
    translations (every text with ``everything``), each with its notes and the current or
    previous translation as a starting point. ``names`` is the grammar of ``lang``: the
    forms its names take."""
    base = loaded.model
    source = source_language(base)
    status = {gap.text.context: gap.status for gap in gaps(base, (lang,))}
    units = []
    for text in translatables(base):
        state = status.get(text.context, "current")
        if source not in text.texts or (state == "current" and not everything):
            continue
        where = loaded.location(text.path, text.fact_id)
        # Only fact texts take placeholders (validated then); a title or label is not parsed.
        fields = placeholders.fields(text.texts[source]) if text.takes_placeholders else []
        units.append(OutgoingUnit(
            context=text.context, source=text.texts[source], target=text.texts.get(lang),
            needs_review=state in ("outdated", "unstamped"),
            notes=tuple(notes.notes(text, source, state, fields,
                                          notes.Target(lang, names, base))),
            location=(where.file, where.line),
            placeholders=_checkable(fields, names),
            max_length=notes.caption_limit(text),
        ))
    return OutgoingFile(loaded.display, source, tuple(units))


def _checkable(fields: Sequence[placeholders.Field], names: Grammar) -> bool:
    """Whether gettext's python-brace-format check (``msgfmt -c``) checks the placeholders
    as the import does: only bare ones that stay bare in the translation. gettext reads a
    form (``{countries:of}``) as a malformed format spec, so a source with one goes
    unchecked, and a correct translation that gives ``{countries}`` a form fails."""
    if not fields or any(field.form for field in fields):
        return False
    return not names.forms or not any(f.name in placeholders.WITH_FORMS for f in fields)


def format_for(path: Path, given: str | None) -> Format:
    """The format asked for, else the one the file name says (``.xlf``, ``.xliff``), else PO."""
    if given is not None:
        return "xliff" if given == "xliff" else "po"
    return "xliff" if path.suffix.lower() in (".xlf", ".xliff") else "po"


def write(files: Sequence[OutgoingFile], lang: str, fmt: Format, project: str,
          now: dt.datetime) -> bytes:
    return write_xliff(files, lang) if fmt == "xliff" else write_po(files, lang, project, now)


# PO -------------------------------------------------------------------------------------


def write_po(files: Sequence[OutgoingFile], lang: str, project: str,
             now: dt.datetime) -> bytes:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po as babel_write_po

    sources = ", ".join(sorted({file.source_language for file in files})) or "-"
    catalog = Catalog(
        locale=lang, project="briefgen", version=project, fuzzy=False, creation_date=now,
        revision_date=now,
        header_comment=f"# The texts of {project} to translate from {sources} into {lang}, "
                       "made by `briefgen translate export`.\n# Fill in each msgstr; clear "
                       "the fuzzy flag of each translation you have checked.")
    # Babel puts placeholders ("FULL NAME <EMAIL@ADDRESS>") where nothing is given; these are
    # the translation service's to fill.
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = ""
    for file in files:
        for unit in file.units:
            message = catalog.add(unit.source, unit.target or "", context=unit.context,
                                  auto_comments=unit.notes,
                                  locations=[(unit.location[0], unit.location[1] or 0)])
            message.flags = set(_po_flags(unit, message.flags))
    buffer = io.BytesIO()
    babel_write_po(buffer, catalog, width=76, sort_output=False, include_previous=False)
    return buffer.getvalue()


def _po_flags(unit: OutgoingUnit, guessed: Iterable[str]) -> list[str]:
    """A unit's PO flags: ``fuzzy`` for a starting point; ``python-brace-format`` where
    ``msgfmt -c`` checks the placeholders as the import does; and, where Babel guessed a
    format from a '%' ("86 % of") or a brace that is not a placeholder, ``no-`` that
    format, so that no tool checks a correct translation against it; a caption's limit
    as ``max-length`` (Weblate's flag; gettext ignores it)."""
    flags = ["fuzzy"] if unit.needs_review else []
    if "python-format" in guessed:
        flags.append("no-python-format")
    brace = "python-brace-format"
    if unit.placeholders:
        flags.append(brace)
    elif brace in guessed or "{" in unit.source:
        flags.append(f"no-{brace}")
    if unit.max_length:
        flags.append(f"max-length:{unit.max_length}")
    return flags


def read_po(data: bytes, display: str) -> Incoming:
    from babel.messages.pofile import PoFileError
    from babel.messages.pofile import read_po as babel_read_po

    try:
        catalog = babel_read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as error:
        raise LocatedError(f"not a valid PO file: {error}", Location(display),
                           "check it with `msgfmt -c`") from None
    language = dict(catalog.mime_headers).get("Language", "").strip()
    units = tuple(
        IncomingUnit(str(message.context or ""), _text(message.id), _text(message.string),
                     message.fuzzy, Location(display, message.lineno))
        for message in catalog if message.id
    )
    return Incoming(language, units)


def _text(value: Any) -> str:
    """A PO message's text (plural forms are not used: the first one)."""
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    return str(value or "")


# XLIFF ----------------------------------------------------------------------------------


def _store_class() -> Any:
    from translate.storage import xliff

    unit_class: Any = xliff.xliffunit  # generic in recent versions, not in older ones
    file_class: Any = xliff.xlifffile

    class Xliff12Unit(unit_class):  # type: ignore[misc]
        namespace = XLIFF_NAMESPACE

    class Xliff12File(file_class):  # type: ignore[misc]
        """translate-toolkit writes XLIFF 1.1 by default; this is the same in 1.2."""

        XMLskeleton = (f'<?xml version="1.0" ?><xliff version="1.2" xmlns="{XLIFF_NAMESPACE}">'
                       '<file original="NoName" source-language="en" datatype="plaintext">'
                       "<body></body></file></xliff>")
        namespace = XLIFF_NAMESPACE

    Xliff12File.UnitClass = Xliff12Unit
    return Xliff12File


def write_xliff(files: Sequence[OutgoingFile], lang: str) -> bytes:
    store = _store_class()(sourcelanguage=files[0].source_language if files else "und",
                           targetlanguage=lang)
    for file in files:
        store.switchfile(file.base_file, createifmissing=True)
        store.body.getparent().set("source-language", file.source_language)
        store.body.getparent().set("target-language", lang)
        for outgoing in file.units:
            store.addunit(_xliff_unit(store, outgoing))
    return bytes(store)


def _xliff_unit(store: Any, outgoing: OutgoingUnit) -> Any:
    unit = store.UnitClass(outgoing.source)
    unit.setid(outgoing.context)
    unit.xmlelement.set("resname", outgoing.context)
    if outgoing.max_length:
        unit.xmlelement.set("maxwidth", str(outgoing.max_length))
        unit.xmlelement.set("size-unit", "char")
    if outgoing.target:
        unit.target = outgoing.target
        state = "needs-review-translation" if outgoing.needs_review else "translated"
        unit.getlanguageNode(lang=None, index=1).set("state", state)
        unit.xmlelement.set("approved", "no" if outgoing.needs_review else "yes")
    for note in outgoing.notes:
        unit.addnote(note, origin="developer")
    file, line = outgoing.location
    unit.createcontextgroup("", [("sourcefile", file),
                                 *([("linenumber", str(line))] if line else [])], "location")
    for group in unit.xmlelement.iterchildren(unit.namespaced("context-group")):
        group.attrib.pop("name", None)  # optional, and unique in a file when given
    return unit


_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def read_xliff(data: bytes, display: str) -> Incoming:
    if _DOCTYPE.search(data):
        raise LocatedError("the XLIFF file declares a DOCTYPE or entities", Location(display),
                           "XLIFF needs neither: export it again from the translation tool")
    try:
        store = _store_class().parsestring(data)
    except Exception as error:  # lxml and the toolkit raise many kinds: report them all
        raise LocatedError(f"not a valid XLIFF file: {error}", Location(display)) from None
    languages = {node.get("target-language") or "" for node in store.document.getroot()
                 .iterchildren(store.namespaced("file"))}
    units = []
    for unit in store.getunits():
        target_node = unit.getlanguageNode(lang=None, index=1)
        state = target_node.get("state", "") if target_node is not None else ""
        units.append(IncomingUnit(
            str(unit.xmlelement.get("id") or ""), str(unit.source or ""),
            str(unit.target or ""), state in _UNFINISHED_STATES,
            Location(display, unit.xmlelement.sourceline)))
    language = languages.pop() if len(languages) == 1 else ""
    return Incoming(language, tuple(units))


def read(path: Path, display: str) -> Incoming:
    """Read a translated PO or XLIFF file (told apart by its content)."""
    try:  # never through a final link, never blocking on a FIFO
        data = read_regular(path, MAX_FILE_BYTES)
    except NotAFile:
        raise LocatedError("not a regular file (a link, a FIFO, a device or a folder)",
                           Location(display), "give the path of the file itself") from None
    except OSError as error:
        raise LocatedError(f"cannot read the file: {error.strerror}", Location(display)) \
            from None
    if len(data) > MAX_FILE_BYTES:
        raise LocatedError(f"the file is over {MAX_FILE_BYTES} bytes", Location(display))
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_xliff(data, display)
    return read_po(data, display)
