"""``python -m briefgen`` and the ``briefgen`` console script: ``briefgen --version`` is
answered before anything heavy is imported (a shell's completion, a CI step, a script that
checks which briefgen it has); every other command goes to the command line,
:mod:`briefgen.cli`."""

from __future__ import annotations

import sys

from briefgen.version import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"briefgen, version {__version__}")
        return
    from briefgen.cli import main as command_line  # click, and the whole API

    command_line()


if __name__ == "__main__":
    main()
