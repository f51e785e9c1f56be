"""``briefgen watch``: one load of the project per save, the notes first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import briefgen
from briefgen import cli, validate, watching
from tests.support.projects import MINIMAL_PACK, ProjectFactory


def test_watch_loads_the_project_once_per_save(make_project: ProjectFactory,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the one loop (:func:`briefgen.watching.watch_project`, on watchfiles'
    ``watch``: here a stand-in that saves a file once the first round is over), then Ctrl-C
    as the second round ends: exit 0. (The signal is raised on the command's own thread: a
    signal sent from another just as the loop starts to wait could be missed until its
    timed wait returns, and under faketime timed waits never return.)"""
    import signal
    import threading

    root = make_project(packs={"meeting.yaml": MINIMAL_PACK.replace(
        "documents: [briefing-note]", "documents: [briefing-note, talking-points]")})
    note = root / "build" / "meeting" / "fr" / "briefing-note.pdf"
    loads: list[str] = []
    real_validate = validate.validate_by_pack

    def validated(project: briefgen.Project) -> Any:  # the last step of every load
        loads.append(project.root.name)
        return real_validate(project)

    states: list[bytes] = []  # the note after each round
    first_round = threading.Event()
    real_step = watching.Watcher.step

    def step(watcher: watching.Watcher) -> watching.Step:
        done = real_step(watcher)
        states.append(note.read_bytes())
        first_round.set()
        if len(states) == 2:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C
        return done

    main = threading.current_thread()  # the command's

    def watch(*folders: Path, stop_event: threading.Event,
              **options: Any) -> Iterator[set[tuple[int, str]]]:
        yield set()  # the watcher runs
        if first_round.wait(timeout=60):
            path = root / "facts" / "base.yaml"
            path.write_text(path.read_text().replace("Le Maroc soutient", "Le Maroc appuie"))
            yield {(2, str(path))}
        if not stop_event.wait(timeout=60):  # the command stops the watching thread
            assert main.ident is not None  # or it hangs: the test fails instead
            signal.pthread_kill(main.ident, signal.SIGINT)

    monkeypatch.setattr(validate, "validate_by_pack", validated)
    monkeypatch.setattr(watching.Watcher, "step", step)
    monkeypatch.setattr("watchfiles.watch", watch)
    monkeypatch.chdir(root)
    # Python's Ctrl-C handler, even where this test runs with SIGINT ignored (a background
    # job of a script).
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result = CliRunner().invoke(cli.main, ["watch"])
    finally:
        signal.signal(signal.SIGINT, handler)
    assert result.exit_code == 0, result.output
    assert "watching facts/, packs/ and templates/" in result.output
    assert len(loads) == 2  # the first build, and one save
    assert len(states) == 2 and states[0] != states[1]  # the note rebuilt


def test_the_garbage_collector_waits_for_the_first_document(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full collection of the last round's documents (70-90 ms on the demo) never runs
    while the note a writer waits for renders; it runs again from the next document on,
    and after a round that rendered nothing."""
    import dataclasses
    import gc

    from briefgen.documents import REGISTRY
    from briefgen.watching import Watcher

    root = make_project(packs={"meeting.yaml": MINIMAL_PACK.replace(
        "documents: [briefing-note]", "documents: [briefing-note, talking-points]")})
    collecting: list[tuple[str, str, bool]] = []
    for kind in ("briefing-note", "talking-points"):
        real = REGISTRY[kind].render

        def render(view: Any, engines: Any, real: Any = real, kind: str = kind) -> Any:
            collecting.append((view.lang, kind, gc.isenabled()))
            return real(view, engines)

        monkeypatch.setitem(REGISTRY, kind, dataclasses.replace(REGISTRY[kind], render=render))
    watcher = Watcher(root)
    assert gc.isenabled()
    watcher.step()
    assert collecting[0] == ("fr", "briefing-note", False)
    assert all(enabled for *_, enabled in collecting[1:])
    assert len(collecting) == 4 and gc.isenabled()
    watcher.step()  # nothing changed, nothing rendered
    assert len(collecting) == 4 and gc.isenabled()


def test_watch_says_each_document_as_soon_as_it_is_in_place(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The findings as soon as the check is done, the note's line before the talking points
    are started, then how many: a writer sees the note is ready, not a second later."""
    import dataclasses

    from briefgen.documents import REGISTRY
    from briefgen.watching import Watcher

    root = make_project(packs={"meeting.yaml": MINIMAL_PACK.replace(
        "documents: [briefing-note]", "documents: [briefing-note, talking-points]")})
    said: list[str] = []
    real = REGISTRY["talking-points"].render

    def render(view: Any, engines: Any) -> Any:
        said.append(f"(talking points of {view.lang} started)")
        return real(view, engines)

    monkeypatch.setitem(REGISTRY, "talking-points",
                        dataclasses.replace(REGISTRY["talking-points"], render=render))

    def say(line: str) -> None:  # a document said rendered is in place
        if line.startswith("rendered "):
            path = root / "build" / line.split()[1]
            line += " (in place)" if path.is_file() else " (NOT in place)"
        said.append(line)

    step = Watcher(root, say=say).step()
    assert not [line for line in said if line.endswith("(NOT in place)")]
    assert " stale: " in said[0]  # a finding of the check, said before anything is built
    note = next(i for i, line in enumerate(said)
                if line.startswith("rendered meeting/fr/briefing-note.pdf ("))
    assert note < said.index("(talking points of fr started)")
    assert said[-1] == "4 document(s) rendered, 0 up to date" == step.lines()[-1]
    assert len([line for line in said if line.startswith("rendered ")]) == 4
