"""``briefgen check``'s output formats: JSON, GitHub annotations, text for a person."""

from __future__ import annotations

import json
import posixpath
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from briefgen.check.report import Finding, Report

JSON_SCHEMA_VERSION = 1


def as_json(report: Report) -> str:
    """The documented, stable JSON format (see the README, "briefgen check")."""
    return json.dumps(
        {
            "version": JSON_SCHEMA_VERSION,
            "summary": {"errors": len(report.errors), "warnings": len(report.warnings),
                        "translations": report.translations},
            "findings": [asdict(finding) for finding in report.findings],
        },
        ensure_ascii=False,
        indent=2,
    )


def as_github(report: Report, prefix: str = ".") -> str:
    """GitHub Actions workflow commands: one annotation per finding.

    GitHub names files from the repository's root: ``prefix`` is the project folder's
    path from there (``briefs`` for a project in ``briefs/``), put before every file.
    """
    lines = []
    for f in report.findings:
        file = _from_repository(f.file, prefix)
        props = f"file={_gh(file, True)}" + (f",line={f.line}" if f.line else "")
        props += f",title={_gh(f.code, True)}"
        text = (f"[{f.fact_id}] " if f.fact_id else "") + f.message
        text += f" — {f.hint}" if f.hint else ""
        lines.append(f"::{f.severity} {props}::{_gh(text, False)}")
    return "\n".join(lines)


def _from_repository(file: str, prefix: str) -> str:
    """A finding's file as GitHub names it; ``(system)`` and absolute paths as they are."""
    if file.startswith("(") or PurePosixPath(file).is_absolute() or prefix in ("", "."):
        return file
    return posixpath.normpath(posixpath.join(Path(prefix).as_posix(), file))


def _gh(value: str, is_property: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def as_text(report: Report, color: bool = False) -> str:
    """Findings for a person, one a line, each starting with ``file:line:`` (which editors
    and terminals make a link), sorted by file."""
    lines = [finding_line(f, color) for f in report.findings]
    lines += _translation_summary(report)
    count = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    lines.append(count if report.findings else "no findings: " + count)
    return "\n".join(lines)


def finding_line(f: Finding, color: bool = False) -> str:
    """A finding or an error on one line: ``file:line: severity [fact] code: what — what to
    do`` (``check``, ``watch`` and ``serve`` all say them so)."""
    where = f.file + (f":{f.line}" if f.line else "")
    severity: str = f.severity
    if color:
        import click

        where = click.style(where, bold=True)
        severity = click.style(severity, fg="red" if severity == "error" else "yellow")
    fact = f" [{f.fact_id}]" if f.fact_id else ""
    hint = f" — {f.hint}" if f.hint else ""
    return f"{where}: {severity}{fact} {f.code}: {f.message}{hint}"


def _translation_summary(report: Report) -> list[str]:
    """``translations: en 2 outdated; ar 1 missing, 2 outdated``, when any is not current."""
    parts = [
        f"{lang} " + ", ".join(f"{n} {status}" for status, n in count.items() if n)
        for lang, count in report.translations.items() if any(count.values())
    ]
    return [f"translations: {'; '.join(parts)}"] if parts else []
