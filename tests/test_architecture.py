"""The house: stages on floors that import only downwards (docs/architecture.md says which),
no import cycle, no module over 450 lines, function-level imports of briefgen's own modules
only where they keep a heavy library out of ``import briefgen``."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.imports import PACKAGE, Import, cycles, imports, modules
from tests.support.projects import REPO

SRC = REPO / "src"
MAP = REPO / "docs" / "architecture.md"
MAX_LINES = 450
# The only briefgen modules imported inside functions, and the library each keeps out of
# ``import briefgen`` (and ``briefgen --version``).
LAZY = {"briefgen.pdf": "weasyprint", "briefgen.serve": "uvicorn", "briefgen.cli": "click"}


def floors() -> dict[str, int]:
    """The floor of each module or package the map's table names."""
    table = MAP.read_text(encoding="utf-8").split("## Floors", 1)[1].split("\n## ", 1)[0]
    found = {}
    for row in table.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].isdigit():
            for name in re.findall(r"`([a-z0-9_.]+)`", cells[2]):
                found[PACKAGE if name == PACKAGE else f"{PACKAGE}.{name}"] = int(cells[0])
    return found


def floor_of(module: str, placed: dict[str, int]) -> int | None:
    """The floor of the longest name the map places that ``module`` is or lies in (a package
    of briefgen's, not briefgen itself: the package face is placed on its own)."""
    name = module
    while name not in placed:
        name = name.rpartition(".")[0]
        if name in ("", PACKAGE):
            return None
    return placed[name]


def test_the_map_places_every_module() -> None:
    placed = floors()
    assert len(placed) > 30  # the table was read
    unplaced = [module for module in modules(SRC) if floor_of(module, placed) is None]
    assert unplaced == []
    gone = [name for name in placed if name not in modules(SRC)]
    assert gone == []  # the map names no module that is not there


def upwards(edges: list[Import], placed: dict[str, int]) -> list[str]:
    """The imports from a floor to a higher one."""
    return [f"{edge.module} (floor {floor_of(edge.module, placed)}) imports {edge.target} "
            f"(floor {floor_of(edge.target, placed)}) at line {edge.line}"
            for edge in edges
            if (floor_of(edge.target, placed) or 0) > (floor_of(edge.module, placed) or 0)]


def test_imports_go_down_the_floors() -> None:
    assert upwards(imports(SRC), floors()) == []


def test_an_import_up_is_found() -> None:
    placed = floors()
    assert floor_of("briefgen.docx.fonts", placed) == floor_of("briefgen.docx", placed) == 7
    assert floor_of("briefgen.nothing", placed) is None
    assert upwards([Import("briefgen.model", "briefgen.build", 3, False),
                    Import("briefgen.build", "briefgen.model", 4, False)], placed) == [
        "briefgen.model (floor 3) imports briefgen.build (floor 8) at line 3"]


def test_no_import_cycle() -> None:
    assert cycles(imports(SRC)) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path: pytest.TempPathFactory) -> None:
    """On a package made to have one: a test that cannot fail is no test."""
    package = tmp_path / "src" / PACKAGE  # type: ignore[operator]
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from briefgen import b\n")
    (package / "b.py").write_text("def f():\n    from briefgen.c import x\n")
    (package / "c.py").write_text("import briefgen.a\n")
    assert cycles(imports(tmp_path / "src")) == [  # type: ignore[operator]
        ["briefgen.a", "briefgen.b", "briefgen.c"]]


def test_no_module_over_450_lines() -> None:
    long = {module: count for module, path in modules(SRC).items()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_function_level_imports_only_keep_heavy_libraries_out() -> None:
    lazy = sorted({f"{edge.module}:{edge.line} imports {edge.target}"
                   for edge in imports(SRC) if edge.lazy and edge.target not in LAZY})
    assert lazy == []


def test_what_the_lazy_imports_keep_out() -> None:
    """Each module imported lazily does load its heavy library, and importing briefgen (and
    its command line's entry, which answers ``--version``) loads none of them."""
    script = ("import sys, importlib, briefgen, briefgen.__main__\n"
              f"libraries = {sorted(LAZY.values())!r}\n"
              "print(*(l in sys.modules for l in libraries))\n"
              f"for module in {sorted(LAZY)!r}:\n"
              "    importlib.import_module(module)\n"
              "print(*(l in sys.modules for l in libraries))\n")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True).stdout.split("\n")
    assert shown[0].split() == ["False"] * len(LAZY)
    assert shown[1].split() == ["True"] * len(LAZY)
