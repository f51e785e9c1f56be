"""Build one pack in one language into a folder of your choice, then read its manifest.

    python build_one_pack.py PROJECT PACK_ID LANGUAGE OUT
    python build_one_pack.py . rabat-2026-12 fr /tmp/packs
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import briefgen


def build_one(project_dir: str, pack_id: str, language: str, out: str) -> int:
    try:
        project = briefgen.load_project(project_dir)  # reads and validates everything
        result = briefgen.build(project, [pack_id], languages=[language], out=out)
    except briefgen.ValidationFailed as failure:  # every mistake in the YAML, at once
        for error in failure.errors:
            where = error.location
            print(f"{where.file}:{where.line} [{where.fact_id}] {error.message}", file=sys.stderr)
        return 1
    except briefgen.BuildFailed as failure:  # the documents that did not render
        for problem in failure.errors:
            if isinstance(problem, briefgen.RenderError):
                print(f"{problem.language} {problem.document}: {problem.file}:{problem.line} "
                      f"{problem.message}", file=sys.stderr)
            else:
                print(problem, file=sys.stderr)  # an OutputError: a folder it cannot write
        return 1
    except briefgen.UsageError as error:  # no such pack, or the pack is not in that language
        print(error, file=sys.stderr)
        return 2

    for document in result.written:
        state = "rendered" if document.rendered else "up to date"
        print(f"{document.path}: {document.pages} page(s), {state}")
    for warning in result.warnings:  # e.g. a Word header without the classification
        print(f"warning: {warning}", file=sys.stderr)

    # The manifest lists every document of the pack folder, with what went into it.
    manifest_path = Path(out) / pack_id / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for record in manifest["documents"]:
        if record["language"] == language:
            print(f"{record['path']}: sha256 {record['sha256'][:12]}…, "
                  f"{len(record['facts'])} facts, {len(record['sources'])} sources")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(build_one(*sys.argv[1:]))
