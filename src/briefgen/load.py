"""YAML files -> validated models, with line numbers; every error collected.

``load_project`` reads ``facts/*.yaml`` and ``packs/*.yaml`` under a project folder,
validates each file against :mod:`briefgen.model`, then checks what spans files
(:mod:`briefgen.validate`), and raises one :class:`ValidationFailed` with every
problem found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from briefgen.errors import LocatedError, Location, ValidationFailed, display_path, excerpt
from briefgen.model import FactBase, Pack, forbidden_character
from briefgen.yamlfile import PathKey, YamlDocument, read_yaml, walk_strings

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A validated model and where it came from (for located errors and findings)."""

    model: M
    path: Path
    display: str
    lines: dict[PathKey, int]

    def location(self, path: PathKey = (), fact_id: str | None = None) -> Location:
        line = YamlDocument(None, self.lines).line_of(path)
        return Location(self.display, line, fact_id)

    def fact_location(self, index: int, *rest: str | int) -> Location:
        assert isinstance(self.model, FactBase)
        return self.location(("facts", index, *rest), self.model.facts[index].id)


@dataclass(frozen=True)
class Project:
    """A project folder: its fact bases and packs, validated, and its template overrides."""

    root: Path
    bases: dict[str, Loaded[FactBase]]
    packs: dict[str, Loaded[Pack]]
    unloaded: tuple[str, ...] = ()  # files that failed to load, as displayed

    @property
    def templates(self) -> Path:
        return self.root / "templates"


def load_project(root: str | Path) -> Project:
    """Load and validate every fact base and pack under ``root``.

    Raises :class:`ValidationFailed` listing every problem (file, line, fact id).
    """
    from briefgen.validate import validate_project

    root = Path(root).resolve()
    errors: list[LocatedError] = []
    if not root.is_dir():
        raise ValidationFailed([LocatedError("no such project folder", Location(str(root)))])
    bases = _load_all(root, "facts", FactBase, errors)
    packs = _load_all(root, "packs", Pack, errors)
    unloaded = tuple(sorted({error.location.file for error in errors}))
    project = Project(root, bases, packs, unloaded)
    errors += validate_project(project)
    if errors:
        raise ValidationFailed(errors)
    return project


def _load_all(
    root: Path, folder: str, model: type[M], errors: list[LocatedError]
) -> dict[str, Loaded[M]]:
    found: dict[str, Loaded[M]] = {}
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
    for path in paths:
        display = display_path(path, root)
        try:
            loaded = load_file(path, display, model, root)
        except LocatedError as error:
            errors.append(error)
            continue
        except ValidationFailed as failed:
            errors += failed.errors
            continue
        key = loaded.model.id  # type: ignore[attr-defined]
        if key in found:
            errors.append(
                LocatedError(
                    f"id '{key}' is already used by {found[key].display}",
                    loaded.location(("id",)),
                    "give each file its own id",
                )
            )
            continue
        found[key] = loaded
    return found


def load_file(path: Path, display: str, model: type[M],
              root: Path | None = None) -> Loaded[M]:
    """Read and validate one file; raises :class:`ValidationFailed` or :class:`LocatedError`.

    ``root`` is the project folder: the file must be a regular file inside it.
    """
    document = read_yaml(path, display, root)
    if not isinstance(document.data, dict):
        raise LocatedError(
            "expected a mapping of fields (id:, title:, …) at the top of the file",
            Location(display, 1),
        )
    hygiene = _text_hygiene(document)
    try:
        validated = model.model_validate(document.data)
    except PydanticError as error:
        raise ValidationFailed(_located(error, document, display, hygiene)) from None
    if hygiene:
        raise ValidationFailed(_located(None, document, display, hygiene))
    return Loaded(validated, path, display, document.lines)


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
