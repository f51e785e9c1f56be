"""What ``briefgen check`` reports: findings located at a file, a line and a fact id."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from briefgen.errors import LocatedError, Location

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    file: str
    line: int | None = None
    fact_id: str | None = None
    hint: str | None = None
    # the packs the finding is about, when it is about some (a fact too old for them)
    packs: tuple[str, ...] = ()

    @classmethod
    def at(cls, severity: Severity, code: str, message: str, where: Location,
           hint: str | None = None, packs: tuple[str, ...] = ()) -> Finding:
        return cls(severity, code, message, where.file, where.line, where.fact_id, hint,
                   packs)


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    # language -> {"missing": n, "outdated": n}, over the fact bases checked
    translations: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))



def from_error(error: LocatedError) -> Finding:
    """The error finding of a located error (a pack's missing translation, say)."""
    code = getattr(error, "code", "invalid")
    return Finding.at("error", code, error.message, error.location, error.hint)
