"""YAML files -> validated models, with line numbers; every error collected.

:func:`load_files` reads ``facts/*.yaml`` and ``packs/*.yaml`` under a project folder and
validates each file against :mod:`briefgen.model`; what spans files is checked above it
(:func:`briefgen.project.load_project`). :class:`Project` and :class:`Loaded` are the
types every later stage takes.

A file whose bytes were loaded before is taken from the parse cache
(:mod:`briefgen.cache`) instead of being parsed and validated again; the others are
parsed on every core when there are many.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from briefgen import i18n, processes
from briefgen.cache import ParseCache, dumps, entry_name, loads
from briefgen.errors import LocatedError, Location, ValidationFailed, display_path, excerpt
from briefgen.fields import FORBIDDEN, Language, forbidden_character
from briefgen.model import FactBase, Pack, PagedDocument
from briefgen.yamlfile import (
    DEFAULT_LIMITS,
    Limits,
    PathKey,
    YamlDocument,
    decode,
    line_of,
    parse_data,
    read_bytes,
    read_data,
    walk_strings,
)

M = TypeVar("M", bound=BaseModel)

SETTINGS = "briefgen.yaml"  # the project's own settings, at its root (optional)
# What a project's documents are made from: watched by `watch` and `serve`, and never an
# output folder.
PROJECT_FOLDERS = ("facts", "packs", "templates")
PARALLEL_FROM = 16  # files to parse before parsing is spread over the cores
PARALLEL_BYTES = 1024**2  # ... and bytes


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A validated model and where it came from (for located errors and findings)."""

    model: M
    path: Path
    display: str
    lines: dict[PathKey, int]
    entry: str = ""  # the parse cache's name for the file's content, if it went through it

    def location(self, path: PathKey = (), fact_id: str | None = None) -> Location:
        return Location(self.display, line_of(self.lines, path), fact_id)

    def fact_location(self, index: int, *rest: str | int) -> Location:
        assert isinstance(self.model, FactBase)
        return self.location(("facts", index, *rest), self.model.facts[index].id)


# What else is worked out from a fact base that loads, by the process that parses it: the
# cache's entries (name, value) it keeps with the file's.
Also = Callable[[Loaded[FactBase]], list[tuple[str, object]]]


@dataclass(frozen=True)
class Project:
    """A project folder: its fact bases and packs, validated, and its template overrides."""

    root: Path
    bases: dict[str, Loaded[FactBase]]
    packs: dict[str, Loaded[Pack]]
    unloaded: tuple[str, ...] = ()  # files that failed to load, as displayed
    cache: ParseCache | None = field(default=None, compare=False, repr=False)
    locales: Mapping[str, str] = field(default_factory=dict)  # briefgen.yaml's `locales:`
    # briefgen.yaml's `max_pages:`, each with where it is set: every pack's unless its own
    max_pages: Mapping[str, tuple[int, Location]] = field(default_factory=dict)

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def locale(self, lang: str) -> str:
        """The locale the documents in ``lang`` are written in: the project's variant of
        the language (``locales: {ar: ar_MA, en: en_GB}`` in briefgen.yaml), else ``lang``."""
        return self.locales.get(lang, lang)


def load_files(root: Path, cache: ParseCache, jobs: int | None,
               errors: list[LocatedError], also: Also | None = None) -> Project:
    """The project at ``root`` with every fact base and pack that loads; each problem found
    is added to ``errors``. Files not in ``cache`` are parsed on ``jobs`` forked processes
    (default: one per core) when there are many and this process runs no other thread;
    ``also``: what else the process that parses a fact base works out from it, for the
    cache (what validation and ``check`` find in a base alone, found there on a first
    load)."""
    settings = project_settings(root, errors)
    limits = settings.limits
    if (wrong_folder := not_a_project(root)) is not None:
        errors.append(wrong_folder)
        return Project(root, {}, {}, (), cache, settings.locales, settings.max_pages)
    files = [*_files(root, "facts", FactBase, errors), *_files(root, "packs", Pack, errors)]
    loaded = _load_files(files, root, limits, cache, processes.cores() if jobs is None else jobs,
                         errors, also)
    cache.prune()
    bases = _by_id([item for item in loaded if isinstance(item.model, FactBase)], errors)
    packs = _by_id([item for item in loaded if isinstance(item.model, Pack)], errors)
    unloaded = tuple(sorted({error.location.file for error in errors}))
    return Project(root, bases, packs, unloaded, cache, settings.locales, settings.max_pages)


def not_a_project(root: Path) -> LocatedError | None:
    """The error of a folder with neither facts/ nor packs/ (the wrong folder, or a project
    still to make), else None."""
    if any((root / folder).is_dir() for folder in ("facts", "packs")):
        return None
    shown = display_path(root, Path.cwd())
    return LocatedError(
        f"{'this folder' if shown == '.' else shown} is not a briefgen project (it has no "
        "facts/ or packs/ folder)", Location(shown),
        "run `briefgen init` to make one here, or give the project's folder with --project",
    )


@dataclass(frozen=True)
class _File:
    path: Path
    display: str
    model: type[BaseModel]


def _files(root: Path, folder: str, model: type[BaseModel],
           errors: list[LocatedError]) -> list[_File]:
    directory = root / folder
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not paths:
        what = "fact base" if folder == "facts" else "pack"
        errors.append(
            LocatedError(
                f"no {what} files (*.yaml) found",
                Location(display_path(directory, root)),
                f"add a {what} file to {folder}/ (see the README's reference)",
            )
        )
    return [_File(path, display_path(path, root), model) for path in paths]


def _load_files(files: list[_File], root: Path, limits: Limits, cache: ParseCache, jobs: int,
                errors: list[LocatedError], also: Also | None) -> list[Loaded[Any]]:
    """Every file that loads, in order: from the cache, else parsed (on ``jobs`` cores)."""
    settings = repr(limits)
    found: dict[Path, Loaded[Any]] = {}
    missing: list[tuple[_File, bytes, str]] = []
    for file in files:
        try:
            raw = read_bytes(file.path, file.display, root, limits)
        except LocatedError as error:
            errors.append(error)
            continue
        name = entry_name(file.model.__name__, raw, settings)
        cached = cache.get(name)
        if cached is not None:
            found[file.path] = Loaded(cached[0], file.path, file.display, cached[1], name)
        else:
            missing.append((file, raw, name))
    for (file, _, name), outcome in zip(missing, _parse_many(missing, limits, jobs, also),
                                        strict=True):
        if isinstance(outcome, list):
            errors += outcome
            continue
        value, payload, entries = outcome
        cache.put(name, value, payload)
        for entry, kept in entries:
            cache.put(entry, kept)
        found[file.path] = Loaded(value[0], file.path, file.display, value[1], name)
    return [found[file.path] for file in files if file.path in found]


_Entries = list[tuple[str, object]]
_Parsed = tuple[tuple[BaseModel, dict[PathKey, int]], bytes, _Entries] | list[LocatedError]
_Item = tuple[bytes, _File, str, Limits, Also | None]


def _parse_many(missing: list[tuple[_File, bytes, str]], limits: Limits, jobs: int,
                also: Also | None) -> list[_Parsed]:
    """Parse and validate each file, and work ``also`` out from it; on several processes
    when there are many."""
    work: list[_Item] = [(raw, file, name, limits, also) for file, raw, name in missing]
    size = sum(len(raw) for _, raw, _ in missing)
    if (jobs <= 1 or len(work) < PARALLEL_FROM or size < PARALLEL_BYTES
            or not processes.may_spread()):
        return [_parse_one(item) for item in work]
    # The files reach the workers by the fork. A worker sends the pickle alone: read once
    # here, it is the model and the cache entry; read as each arrives, while the workers
    # parse the next ones.
    return [result if isinstance(result, list) else (loads(result[0]), *result)
            for result in processes.fork_map(lambda index: _parse_to_pickle(work[index]),
                                             len(work), min(jobs, len(work)))]


def _parse_one(item: _Item) -> _Parsed:
    """One file's model and lines, their pickle for the cache and what ``also`` works out
    from them; or the file's errors."""
    raw, file, name, limits, also = item
    try:
        value = parse(raw, file.display, file.model, limits)
    except LocatedError as error:
        return [error]
    except ValidationFailed as failed:
        return list(failed.errors)
    model, lines = value
    entries = (also(Loaded(model, file.path, file.display, lines, name))
               if also is not None and isinstance(model, FactBase) else [])
    return value, dumps(value), entries


def _parse_to_pickle(item: _Item) -> tuple[bytes, _Entries] | list[LocatedError]:
    """:func:`_parse_one` in a worker: the pickle of the model and lines and what ``also``
    worked out, or the errors."""
    parsed = _parse_one(item)
    return parsed if isinstance(parsed, list) else (parsed[1], parsed[2])


def _by_id(loaded: Sequence[Loaded[M]], errors: list[LocatedError]) -> dict[str, Loaded[M]]:
    found: dict[str, Loaded[M]] = {}
    for item in loaded:
        key = item.model.id  # type: ignore[attr-defined]
        if key in found:
            errors.append(
                LocatedError(
                    f"id '{key}' is already used by {found[key].display}",
                    item.location(("id",)),
                    "give each file its own id",
                )
            )
            continue
        found[key] = item
    return found


# -- The project's settings ------------------------------------------------------------------


class _LimitSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file_mb: int = Field(DEFAULT_LIMITS.file_bytes // 1024**2, ge=1, le=1024,
                         description="the largest fact base or pack file, in megabytes")
    values: int = Field(DEFAULT_LIMITS.values, ge=1000, le=50_000_000,
                        description="the most values (keys, texts, list items) in one file")


def _check_variant(locales: dict[str, str]) -> dict[str, str]:
    """Each language's variant: a locale of that language that CLDR knows (en: en_GB)."""
    variants = {}
    for lang, variant in locales.items():
        tag = variant.replace("-", "_")
        if tag.split("_")[0] != lang:
            raise ValueError(f"'{variant}' is not a variant of '{lang}' (as {lang}_XX)")
        if problem := i18n.check_locale(tag):
            raise ValueError(problem)
        variants[lang] = tag
    return variants


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limits: _LimitSettings = _LimitSettings()
    locales: Annotated[dict[Language, str], AfterValidator(_check_variant)] = Field(
        default_factory=dict,
        description="each language's variant, for every pack: {en: en_GB, ar: ar_MA}")
    max_pages: dict[PagedDocument, Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict,
        description="the most pages of each PDF, for every pack that sets none of its own")


@dataclass(frozen=True)
class Settings:
    """What a project's ``briefgen.yaml`` sets."""

    limits: Limits = DEFAULT_LIMITS
    locales: Mapping[str, str] = field(default_factory=dict)
    max_pages: Mapping[str, tuple[int, Location]] = field(default_factory=dict)


def project_settings(root: Path, errors: list[LocatedError] | None = None) -> Settings:
    """The settings of the project at ``root``, from its ``briefgen.yaml``::

        limits: {file_mb: 64, values: 2000000}   # raise or lower briefgen's limits
        locales: {en: en_GB, ar: ar_MA}          # the variant each language is written in
        max_pages: {briefing-note: 2}            # every pack's, unless it sets its own

    A problem in the file is added to ``errors`` (the defaults then apply).
    """
    path = root / SETTINGS
    if not path.exists() and not path.is_symlink():
        return Settings()
    try:
        document = read_data(path, SETTINGS, root)
        settings = _Settings.model_validate(document.data or {})
    except LocatedError as error:
        (errors if errors is not None else []).append(error)
        return Settings()
    except PydanticError as error:
        (errors if errors is not None else []).extend(
            _located(error, document, SETTINGS, []))
        return Settings()
    limits = settings.limits
    max_pages: dict[str, tuple[int, Location]] = {
        kind: (pages, Location(SETTINGS, document.line_of(("max_pages", kind))))
        for kind, pages in settings.max_pages.items()}
    return Settings(Limits(file_bytes=limits.file_mb * 1024**2, values=limits.values),
                    settings.locales, max_pages)


def project_limits(root: Path, errors: list[LocatedError] | None = None) -> Limits:
    """The limits of the project at ``root`` (:func:`project_settings`)."""
    return project_settings(root, errors).limits


# -- One file ------------------------------------------------------------------------------


def load_file(path: Path, display: str, model: type[M], root: Path | None = None,
              limits: Limits = DEFAULT_LIMITS) -> Loaded[M]:
    """Read and validate one file; raises :class:`ValidationFailed` or :class:`LocatedError`.

    ``root`` is the project folder: the file must be a regular file inside it.
    """
    raw = read_bytes(path, display, root or path.parent, limits)
    validated, lines = parse(raw, display, model, limits)
    return Loaded(validated, path, display, lines)


def parse(raw: bytes, display: str, model: type[M],
          limits: Limits = DEFAULT_LIMITS) -> tuple[M, dict[PathKey, int]]:
    """The validated model of a file's bytes, and its lines; raises
    :class:`ValidationFailed` or :class:`LocatedError`."""
    text = decode(raw, display)
    document = parse_data(text, display, limits)
    if not isinstance(document.data, dict):
        raise LocatedError(
            "expected a mapping of fields (id:, title:, …) at the top of the file",
            Location(display, 1),
        )
    # A string can hold a forbidden character only if the file does, or writes one as an
    # escape ("\u202E"): most files do neither, and need no look at every string.
    hygiene = _text_hygiene(document) if "\\" in text or FORBIDDEN.search(text) else []
    try:
        validated = model.model_validate(document.data)
    except PydanticError as error:
        raise ValidationFailed(_located(error, document, display, hygiene)) from None
    if hygiene:
        raise ValidationFailed(_located(None, document, display, hygiene))
    return validated, document.lines


def _text_hygiene(document: YamlDocument) -> list[tuple[PathKey, str]]:
    """Every string of the file, field names included, with a character no document may
    hold (controls, bidi overrides, lone surrogates): whatever field it is in, a URL too."""
    problems = []
    for path, text in walk_strings(document.data, keys=True):
        problem = forbidden_character(text)
        if problem:
            problems.append((path, f"text contains a {problem}; remove it (it was probably "
                                   "pasted)"))
    return problems


def _located(error: PydanticError | None, document: YamlDocument, display: str,
             hygiene: list[tuple[PathKey, str]]) -> list[LocatedError]:
    errors: dict[tuple[int | None, str], LocatedError] = {}
    for path, message in hygiene:
        line = document.line_of(path)
        text = f"'{_field(path)}': {message}"
        fact_id = _fact_id(document.data, path)
        errors.setdefault((line, text), LocatedError(text, Location(display, line, fact_id)))
    if error is None:
        return list(errors.values())
    details = error.errors(include_url=False)
    failing = [detail["loc"] for detail in details]
    for detail in details:
        if detail["type"] == "too_short" and any(
            len(loc) > len(detail["loc"]) and loc[: len(detail["loc"])] == detail["loc"]
            for loc in failing
        ):
            continue  # "no valid item" only because its items failed: they are reported
        path = _data_path(document.data, detail["loc"])
        fact_id = _fact_id(document.data, path)
        message = _message(detail, path)
        line = document.line_of(path)
        errors.setdefault((line, message), LocatedError(message, Location(display, line, fact_id)))
    return list(errors.values())


def _data_path(data: Any, loc: tuple[int | str, ...]) -> PathKey:
    """Pydantic's error location as a path into the YAML data (union tags dropped)."""
    path: list[str | int] = []
    node: Any = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not part.startswith(
            ("function-", "str", "dict", "int", "float", "tuple", "list", "bool", "none", "[key]")
        ):
            path.append(part)  # a missing or unknown key: name it
            break
    return tuple(path)


def _fact_id(data: Any, path: PathKey) -> str | None:
    if len(path) >= 2 and path[0] == "facts" and isinstance(path[1], int):
        facts = data.get("facts")
        if isinstance(facts, list) and path[1] < len(facts) and isinstance(facts[path[1]], dict):
            fact_id = facts[path[1]].get("id")
            return str(fact_id) if fact_id is not None else None
    return None


def _field(path: PathKey) -> str:
    shown = path[2:] if len(path) > 2 and path[0] == "facts" else path  # the fact id is shown
    return excerpt(".".join(str(p) for p in shown) or "file", 80)


def _message(detail: Any, path: PathKey) -> str:
    """Pydantic's error in a user's words; the input is quoted only as a short excerpt."""
    field = _field(path)
    kind = detail["type"]
    if kind == "missing":
        return f"'{field}' is required"
    if kind == "extra_forbidden":
        return f"unknown field '{excerpt(path[-1])}'; check its spelling against the reference"
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        return f"'{field}': '{excerpt(detail.get('input'))}' is not allowed; expected {expected}"
    if kind == "string_pattern_mismatch":
        return f"'{field}': '{excerpt(detail.get('input'))}' is not a valid id or language tag"
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"'{field}': {excerpt(message, 300)}"
