"""What ``briefgen serve`` says in the terminal: :class:`Terminal`.

As ``briefgen watch`` does (:class:`briefgen.watching.Step`), in its words: a line per
rebuild (the pages of a round, with how long it took; each of the packs' documents as it is
rendered again) and a line per error (file:line, what, what to do) when it appears, not
again while it stays. Nothing for a page fetched or an event stream kept alive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Sequence

from briefgen.check import Finding
from briefgen.check.output import finding_line

Key = tuple[str, str]  # a pack id and a language: one page
Job = tuple[str, str, str]  # a pack id, a language, a document kind

SHOWN_PAGES = 6  # pages a line names; then how many more


class Terminal:
    """Lines for a person, from both lanes (any thread), through ``say``."""

    def __init__(self, say: Callable[[str], None] = lambda line: None) -> None:
        self._say = say
        self._lock = threading.Lock()
        self._errors: dict[str, set[Hashable]] = {}  # an error's line: what still has it

    def errors(self, source: Hashable, findings: Iterable[Finding]) -> int:
        """``source`` (the project, a page, a document) now has ``findings`` (none: it
        built): say the errors no other source has already said; how many were said."""
        lines = list(dict.fromkeys(finding_line(f) for f in findings))
        with self._lock:
            new = [line for line in lines if not self._errors.get(line)]
            for line in list(self._errors):
                self._errors[line].discard(source)
                if not self._errors[line]:
                    del self._errors[line]
            for line in lines:
                self._errors.setdefault(line, set()).add(source)
            for line in new:
                self._say(line)
        return len(new)

    def not_loaded(self, errors: int, said: int) -> None:
        """The project does not load: its new errors are said; if none is new, say so."""
        if not said:
            self.say(f"the project still does not load: {errors} error(s) as before "
                     "(shown in the pages)")

    def pages(self, rendered: Sequence[Key], failed: Sequence[Key], seconds: float) -> None:
        """A round of the fast lane is over: the pages rendered again, those that failed."""
        if rendered:
            self.say(f"pages rebuilt: {_names(rendered)} ({seconds:.2f} s)")
        if failed:
            self.say(f"{len(failed)} page(s) not built: {_names(failed)} (errors above and "
                     "in the pages)")
        if not rendered and not failed:
            self.say(f"no page changed ({seconds:.2f} s)")

    def document(self, job: Job, filename: str, seconds: float) -> None:
        """One of the packs' documents is rendered again, and in place."""
        self.say(f"rendered {job[0]}/{job[1]}/{filename} ({seconds:.2f} s)")

    def say(self, line: str) -> None:
        with self._lock:
            self._say(line)


def _names(keys: Sequence[Key]) -> str:
    names = [f"{pack_id}/{lang}" for pack_id, lang in keys[:SHOWN_PAGES]]
    more = len(keys) - SHOWN_PAGES
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")
