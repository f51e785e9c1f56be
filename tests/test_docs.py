"""The docs a new user reads: every link leads somewhere, every command is documented."""

from __future__ import annotations

import re

from briefgen import cli
from tests.support.projects import REPO

PAGES = [REPO / "README.md", REPO / "CHANGELOG.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")


def test_relative_links_resolve() -> None:
    for page in PAGES:
        for target, _anchor in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_every_command_is_in_the_readme_and_the_cli_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.main.commands:
        assert f"briefgen {name}" in readme, name
        assert f"briefgen {name}" in page, name


def test_the_readme_links_every_docs_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in sorted((REPO / "docs").glob("*.*")):
        assert f"(docs/{page.name})" in readme, page.name
