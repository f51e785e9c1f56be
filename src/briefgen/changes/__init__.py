"""``briefgen changes``: what changed in a pack since a git revision, as redlines.

- :mod:`briefgen.changes.diff`: word-level differences, written into a text as marks;
- :mod:`briefgen.changes.redline`: two views of a pack merged into one redline view (facts
  added, removed, changed, moved);
- :mod:`briefgen.changes.html`: the redline briefing note (PDF: insertions underlined in
  colour, deletions struck through, change bars, a legend);
- :mod:`briefgen.changes.wordml`: the redline talking points (DOCX: Word's tracked changes);
- :mod:`briefgen.changes.compare`: the driver, :func:`changes`.
"""

from __future__ import annotations

from briefgen.changes.compare import ChangesResult, LanguageChanges, changes

__all__ = ["ChangesResult", "LanguageChanges", "changes"]
