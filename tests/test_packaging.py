"""The wheel ships the default templates, so a project needs only facts/ and packs/."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_contains_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )
    [wheel] = tmp_path.glob("briefgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("briefgen/templates/briefing-note.html",
                     "briefgen/templates/css/briefing-note.css",
                     "briefgen/templates/fonts/NotoSerif-Regular.ttf",
                     "briefgen/templates/fonts/OFL.txt",
                     "briefgen/templates/locale/fr/LC_MESSAGES/messages.po",
                     "briefgen/templates/locale/de/LC_MESSAGES/messages.po",
                     "briefgen/templates/locale/messages.pot",
                     "briefgen/templates/grammar/fr.yaml",
                     "briefgen/preview/page.html", "briefgen/preview/live.js"):
        assert expected in names, expected
    assert not any(name.startswith("briefgen/scripts") or "make_grammar" in name
                   for name in names)  # a maintainer's tool, not shipped


def test_import_has_no_heavy_side_effects() -> None:
    code = ("import sys, briefgen; "
            "print(any(m.startswith(('weasyprint', 'docxtpl', 'docx')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
