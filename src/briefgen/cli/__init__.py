"""The ``briefgen`` command: a thin shell over the Python API.

:func:`main` is the group (the console script ``briefgen.cli:main``, and what
``python -m briefgen`` runs); each module registers its family of commands on it:

- :mod:`briefgen.cli.group`: the group itself, its error policy (exit status 0, 1 or 2; an
  unexpected exception as one line, an internal error), ``-q``/``-v`` and logging (the only
  place it is configured), the options and helpers the commands share;
- :mod:`briefgen.cli.building`: ``build``, ``watch``, ``serve``;
- :mod:`briefgen.cli.checking`: ``check``;
- :mod:`briefgen.cli.authoring`: ``schema``, ``init``, ``new``, ``templates``, ``messages``;
- :mod:`briefgen.cli.translating`: ``translate stamp``, ``export``, ``import``;
- :mod:`briefgen.cli.clearing`: ``clear``, ``changes``;
- :mod:`briefgen.cli.helping`: ``docs`` (the documentation shipped with briefgen).

The command modules import the group from :mod:`briefgen.cli.group`, never this package
(which imports them, so that their commands are registered): no import cycle.
"""

from __future__ import annotations

# Importing a command module registers its commands on main.
from briefgen.cli import authoring, building, checking, clearing, helping, translating
from briefgen.cli.checking import repository_root
from briefgen.cli.group import main

__all__ = ["authoring", "building", "checking", "clearing", "helping", "main",
           "repository_root", "translating"]
