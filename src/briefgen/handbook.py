"""briefgen's documentation, shipped with it: the README, the CHANGELOG and ``docs/`` are
in the wheel (``briefgen/docs/``), so ``briefgen docs`` shows them to someone who has only
the wheel, and ``briefgen init --ci`` copies the example CI workflow from there."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CI_EXAMPLE = "ci-example.yml"
TOP_PAGES = ("README", "CHANGELOG")  # beside docs/ in the repository, inside it in the wheel


def docs_folder() -> Path:
    """The shipped documentation (in the wheel, or the repository's own ``docs/``)."""
    packaged = Path(str(resources.files("briefgen"))) / "docs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "docs"


def pages() -> dict[str, Path]:
    """Every page by name, the README first: ``README``, ``cli``, ``api``, ...,
    ``CHANGELOG``."""
    folder = docs_folder()
    top = {name: path for name in TOP_PAGES
           if (path := next((p for p in (folder / f"{name}.md", folder.parent / f"{name}.md")
                             if p.is_file()), None)) is not None}
    found = {path.stem: path for path in sorted(folder.glob("*.md"))
             if path.stem not in TOP_PAGES}
    ordered = {name: top[name] for name in TOP_PAGES[:1] if name in top}
    return {**ordered, **found, **{name: top[name] for name in TOP_PAGES[1:] if name in top}}


def title(page: Path) -> str:
    """A page's first heading (``# The Python API`` -> ``The Python API``)."""
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page.stem


def ci_example() -> str:
    """The example GitHub Actions workflow (``docs/ci-example.yml``)."""
    return (docs_folder() / CI_EXAMPLE).read_text(encoding="utf-8")
