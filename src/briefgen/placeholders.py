"""Placeholders in fact text: ``{date}``, ``{countries}``, ``{subject}``, ``{value}``.

Fact text is data: it is parsed here, never handed to ``str.format`` or to Jinja, so
``{date.__class__}`` or ``{{ 7*7 }}`` can do nothing but fail validation or stay text.
``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

PLACEHOLDERS = ("date", "countries", "subject", "value")

Segment = tuple[str, str | None]  # literal text, then a placeholder name or None


def parse(text: str) -> list[Segment]:
    """Split ``text`` into literal text and placeholder names; ``ValueError`` if malformed."""
    segments: list[Segment] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(f"{error}; write {{{{ and }}}} for literal braces") from None
    for literal, name, spec, conversion in parsed:
        if name is None:
            segments.append((literal, None))
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            field = "{" + name + (f"!{conversion}" if conversion else "")
            field += (f":{spec}" if spec else "") + "}"
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {field}; use one of {known}")
        segments.append((literal, name))
    return segments


def names(text: str) -> set[str]:
    return {name for _, name in parse(text) if name}


def fill(text: str, values: Mapping[str, str | None]) -> str:
    """``text`` with each placeholder replaced by its (already localized) value."""
    out: list[str] = []
    for literal, name in parse(text):
        out.append(literal)
        if name:
            value = values.get(name)
            out.append(value if value is not None else "{" + name + "}")
    return "".join(out)
