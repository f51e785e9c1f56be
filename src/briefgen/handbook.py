"""briefgen's documentation, shipped with it: the README and ``docs/`` are in the wheel
(``briefgen/docs/``), so ``briefgen docs`` can show them to someone who has only the wheel,
and ``briefgen init --ci`` can copy the example CI workflow."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CI_EXAMPLE = "ci-example.yml"


def docs_folder() -> Path:
    """The shipped documentation (in the wheel, or the repository's own ``docs/``)."""
    packaged = Path(str(resources.files("briefgen"))) / "docs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "docs"


def pages() -> dict[str, Path]:
    """Every page, by name: ``README`` and each ``docs/*.md`` (``cli``, ``api``, ...)."""
    folder = docs_folder()
    found = {path.stem: path for path in sorted(folder.glob("*.md"))}
    readme = folder / "README.md"
    if not readme.is_file():
        readme = folder.parent / "README.md"
    return {"README": readme, **{name: path for name, path in found.items()
                                 if name != "README"}} if readme.is_file() else found


def ci_example() -> str:
    """The example GitHub Actions workflow (``docs/ci-example.yml``)."""
    return (docs_folder() / CI_EXAMPLE).read_text(encoding="utf-8")
