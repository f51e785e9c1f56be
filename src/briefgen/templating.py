"""Templates: the project's own ``templates/`` over the packaged defaults, file by file.

Jinja environments are made with autoescape forced on (not guessed from file
extensions), ``StrictUndefined`` and the i18n extension with the language's catalog.
Every file is looked up inside its folder: a link that leads out of the template folders,
or anything but a regular file, is an error, never read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel.support import NullTranslations
from markupsafe import Markup

from briefgen import bidi, i18n, linebreaks
from briefgen.errors import Location, RenderError
from briefgen.fsutil import NotAFile, inside, read_regular

MAX_TEMPLATE_BYTES = 5 * 1024**2  # an HTML template or stylesheet


@lru_cache(maxsize=1)  # where briefgen is installed does not move
def default_templates() -> Path:
    """The templates shipped with briefgen (in the wheel, or the repository's own)."""
    packaged = Path(str(resources.files("briefgen"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


class Templates:
    """Where template files are looked up: a project folder first, then the defaults."""

    def __init__(self, project_templates: Path | None) -> None:
        self.default = default_templates()
        self.project = project_templates
        self._environments: dict[tuple[str, str, str],
                                 tuple[i18n.CatalogKey, jinja2.Environment]] = {}

    @cached_property
    def roots(self) -> tuple[Path, ...]:
        """Every folder a template or asset may come from, most specific first."""
        roots = [self.project] if self.project and self.project.is_dir() else []
        return (*[root.resolve() for root in roots], self.default.resolve())

    def find(self, name: str) -> Path:
        """The file that ``name`` (e.g. ``css/base.css``) resolves to."""
        path = self.locate(name)
        if path is None:
            raise RenderError(f"template file '{name}' not found", name)
        return path

    def locate(self, name: str) -> Path | None:
        """``name`` in the first folder that has it, or None; a link out of that folder or
        a file that is not a regular file is a :class:`RenderError`."""
        for root in self.roots:
            candidate = root / name
            if not os.path.lexists(candidate):
                continue
            real = inside(candidate, root)
            where = f"{root.name}/{name}"
            if real is None:
                raise RenderError("the template file is a link to a file outside the template "
                                  "folder", where, "copy the file there instead of linking it")
            if not real.is_file():
                raise RenderError("the template file is not a regular file", where,
                                  "remove it, or put a file there")
            return candidate
        return None

    def fingerprint(self) -> str:
        """A hash of every template file, font and catalog that documents may use."""
        digest = hashlib.sha256()
        for root in self.roots:
            for path in _template_files(root, root):
                digest.update(f"{path.relative_to(root)}\0".encode())
                digest.update(_file_hash(path, path.stat()))
        return digest.hexdigest()

    @property
    def locale_dirs(self) -> list[Path]:
        """Every ``locale/`` folder, the project's first: catalogs merge language by language.
        A folder that is a link out of its template folder is a :class:`RenderError`."""
        folders = []
        for root in self.roots:
            if (root / "locale").is_dir():
                if inside(root / "locale", root) is None:
                    raise RenderError("the template folder is a link to a folder outside the "
                                      "template folder", f"{root.name}/locale",
                                      "copy the folder there instead of linking it")
                folders.append(root / "locale")
        return folders

    def translations(self, lang: str) -> NullTranslations:
        """The labels of ``lang``: the project's catalog over briefgen's, entry by entry."""
        return i18n.translations(self.locale_dirs, lang)

    def has_catalog(self, lang: str) -> bool:
        return i18n.has_catalog(self.locale_dirs, lang)

    def catalog_languages(self) -> list[str]:
        """The languages that have labels: briefgen's catalogs and the project's."""
        return sorted({path.parts[-3] for folder in self.locale_dirs
                       for path in folder.glob("*/LC_MESSAGES/messages.po")})

    def find_dir(self, name: str) -> Path:
        for root in self.roots:
            if (root / name).is_dir():
                if inside(root / name, root) is None:
                    raise RenderError("the template folder is a link to a folder outside the "
                                      "template folder", f"{root.name}/{name}",
                                      "copy the folder there instead of linking it")
                return root / name
        return self.default / name

    def environment(self, lang: str, labels: str | None = None,
                    digits: str = "latn") -> jinja2.Environment:
        """A Jinja environment for ``lang`` with the labels of ``labels`` (default ``lang``),
        their numbers in ``digits``: escaping on, undefined is an error. A catalog edited
        since gives a new environment."""
        labels = labels or lang
        catalogs = i18n.catalog_key(self.locale_dirs, labels)
        cached = self._environments.get((lang, labels, digits))
        if cached is None or cached[0] != catalogs:
            env = jinja2.Environment(
                loader=ContainedLoader(self),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                finalize=bidi.isolate_value if i18n.direction(lang) == "rtl" else None,
            )
            install_labels(env, self.translations(labels), lang, digits,
                           bidi.as_label if other_direction(lang, labels) else None)
            cached = self._environments[(lang, labels, digits)] = (catalogs, env)
        return cached[1]

    def display(self, path: str) -> str:
        """A template file as a user finds it: ``templates/briefing-note.html`` in the
        project, the full path of one of briefgen's own."""
        if self.project is not None:
            for folder in (self.project, self.project.resolve()):
                if Path(path).is_relative_to(folder):
                    return str(Path(self.project.name) / Path(path).relative_to(folder))
        return path

    def render(self, name: str, lang: str, labels: str | None = None, *,
               browser: bool = False, **context: object) -> str:
        """Render template ``name``; template mistakes become a located :class:`RenderError`.
        The labels' numbers are in the digits of ``context``'s ``pack``; its names
        (``unbroken``: left to right only, unless a ``browser`` lays the page out) and each
        title's last two words are kept on one line (:mod:`briefgen.linebreaks`)."""
        digits = str(getattr(context.get("pack"), "numbering", "latn"))
        try:
            html = self.environment(lang, labels, digits).get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as error:
            where = Location(self.display(error.filename or name), error.lineno)
            raise RenderError(f"template syntax error: {error.message}", where) from None
        except jinja2.UndefinedError as error:
            file, line = _template_location(error, name)
            raise RenderError(
                f"template error: {error.message}", Location(self.display(file), line)
            ) from None
        except jinja2.TemplateNotFound as error:
            raise RenderError(f"template '{error.name}' not found", name) from None
        names = getattr(context.get("pack"), "unbroken", ())
        if i18n.direction(lang) == "rtl":
            marked = other_direction(lang, labels)
            html = bidi.finish_html(html, (labels or lang).replace("_", "-") if marked else None)
            # A justified right-to-left line that breaks before an inline element is set
            # past its box by WeasyPrint (70): Arabic is justified, its names left as text
            # in the PDFs (a browser has no such trouble).
            names = names if browser else ()
        return linebreaks.keep_lines(html, names)


class ContainedLoader(jinja2.BaseLoader):
    """Jinja's file loader, through :meth:`Templates.locate`: project first, then the
    defaults, never a file reached by a link out of the template folders."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        name = "/".join(jinja2.loaders.split_template_path(template))
        path = self.templates.locate(name)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        real = Path(os.path.realpath(path))
        try:
            data = read_regular(real, MAX_TEMPLATE_BYTES)
        except (NotAFile, OSError) as error:
            raise RenderError(f"cannot read the template: {error.strerror}", str(path)) from None
        if len(data) > MAX_TEMPLATE_BYTES:
            raise RenderError(f"the template is larger than {MAX_TEMPLATE_BYTES // 1024**2} MB",
                              str(path))
        mtime = real.stat().st_mtime_ns

        def uptodate() -> bool:
            try:
                return real.stat().st_mtime_ns == mtime
            except OSError:
                return False

        try:
            return data.decode("utf-8"), str(path), uptodate
        except UnicodeDecodeError:
            raise RenderError("the template is not UTF-8 text", str(path),
                              "save it as UTF-8") from None


def other_direction(lang: str, labels: str | None) -> bool:
    """Whether the labels of a right-to-left ``lang`` document (those of ``labels``, a
    fallback) run left to right: English labels of a Persian document, isolated whole."""
    return (labels is not None and i18n.direction(lang) == "rtl"
            and i18n.direction(labels) == "ltr")


def install_labels(env: jinja2.Environment, translations: NullTranslations, lang: str = "",
                   digits: str = "latn", mark: Callable[[str], str] | None = None) -> None:
    """Gettext in ``env`` (newstyle: ``_("Since %(date)s", date=...)``), and ``punct``, the
    punctuation the templates join with. A label whose value ends with an abbreviation's
    period ("май 2022 г.") does not get a second one from the label; its numbers (a count)
    are in the ``digits`` of a ``lang`` document. ``mark`` wraps each label of the other
    direction (English labels of a Persian document), whose right-to-left values (a Persian
    date) are isolated in it."""
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        env.globals[name] = _label(env.globals[name], lang, digits, mark)  # type: ignore[arg-type]
    env.globals["punct"] = i18n.Punctuation.of(translations)


def _label(function: Callable[..., str], lang: str, digits: str,
           mark: Callable[[str], str] | None) -> Callable[..., str]:
    @jinja2.pass_context
    def labelled(context: jinja2.runtime.Context, *args: Any, **variables: Any) -> str:
        if mark is not None:
            variables = {name: _isolated(value) for name, value in variables.items()}
        text = context.call(function, *args, **variables)
        if not isinstance(text, str):
            return text  # type: ignore[return-value]
        plain = str(text)  # Markup's own text: its values are escaped
        if variables:
            plain = i18n.one_full_stop(plain)
        plain = i18n.localize_typed_digits(plain, lang, digits)
        if mark is not None:
            plain = mark(plain)
        return Markup(plain) if isinstance(text, Markup) else plain  # noqa: S704

    return labelled


def _isolated(value: object) -> object:
    """A right-to-left value of a label of the other direction, isolated."""
    if isinstance(value, Markup):
        return Markup(bidi.FSI) + value + bidi.PDI if bidi.has_rtl(value) else value  # noqa: S704
    if isinstance(value, str) and bidi.has_rtl(value):
        return bidi.FSI + value + bidi.PDI
    return value


def _template_files(folder: Path, root: Path) -> Iterator[Path]:
    """The files documents may use in ``folder`` (under ``root``), in order: regular files,
    and links to regular files inside ``root`` (links out are refused where they are used,
    and their targets never read); hidden files and caches left out, links to folders not
    entered."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:  # unreadable, or gone since listed (an editor's folder): as rglob did
        return
    for entry in entries:
        if entry.name.startswith((".", "__pycache__")):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from _template_files(path, root)
        elif entry.is_file(follow_symlinks=False) or _links_to_a_file(path, root):
            yield path


def _links_to_a_file(path: Path, root: Path) -> bool:
    real = inside(path, root) if path.is_symlink() else None
    return real is not None and real.is_file()


def _file_hash(path: Path, stat: os.stat_result) -> bytes:
    return _hash_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _hash_file(path: str, mtime_ns: int, size: int) -> bytes:
    return hashlib.sha256(Path(path).read_bytes()).digest()


def _template_location(error: BaseException, name: str) -> tuple[str, int | None]:
    """The template file and line where ``error`` happened, from Jinja's rewritten traceback."""
    traceback = error.__traceback__
    where: tuple[str, int | None] = (name, None)
    while traceback is not None:
        frame = traceback.tb_frame
        filename = frame.f_code.co_filename
        if frame.f_globals.get("__jinja_template__") is not None or filename.endswith(
            (".html", ".j2", ".xml")
        ):
            where = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return where
