"""briefgen's own modules and the imports between them, read from the source (no import)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "briefgen"


@dataclass(frozen=True)
class Import:
    """``module`` imports ``target`` at ``line``; ``lazy``: inside a function."""

    module: str
    target: str
    line: int
    lazy: bool


def modules(src: Path) -> dict[str, Path]:
    """Every module of the package under ``src``, by dotted name (a package by its own)."""
    found = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(src: Path) -> list[Import]:
    """Every run-time import of a briefgen module by another (at module level or inside a
    function; not those under ``if TYPE_CHECKING:``, which never run)."""
    known = modules(src)
    found = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skipped = _type_checking_only(tree)
        lazy = {id(node) for function in ast.walk(tree)
                if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
                for node in ast.walk(function)}
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            for target in _targets(node, module, path, known):
                if target != module:
                    found.append(Import(module, target, getattr(node, "lineno", 0),
                                        id(node) in lazy))
    return found


def _type_checking_only(tree: ast.AST) -> set[int]:
    return {id(sub) for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for statement in node.body for sub in ast.walk(statement)}


def _targets(node: ast.AST, module: str, path: Path, known: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
        # `from package import module` imports the module; `from module import name`, it.
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                 for alias in node.names]
    else:
        return []
    return [_owner(name, known) for name in names
            if name == PACKAGE or name.startswith(PACKAGE + ".")]


def _owner(name: str, known: dict[str, Path]) -> str:
    while name not in known:
        name = name.rpartition(".")[0]
    return name


def cycles(edges: list[Import]) -> list[list[str]]:
    """The import cycles: each strongly connected group of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.module, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
