"""Where documents render: the time limit holds even where Python swallows the alarm."""

from __future__ import annotations

import contextlib
import signal
from typing import Any

import pytest

import briefgen
from briefgen.context import pack_view
from briefgen.documents import briefing_note
from briefgen.workers import render_document
from tests.support.projects import ISSUED, ProjectFactory


def test_an_alarm_swallowed_during_the_render_still_stops_it(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The alarm can fire inside a weakref callback or a ``__del__``, where Python prints
    the exception and goes on: the render then ends, and is still over time."""
    real = briefing_note.render

    def swallowing(view: Any, engines: Any) -> Any:
        with contextlib.suppress(BaseException):  # what such a context does
            signal.raise_signal(signal.SIGALRM)  # as if it fired in a __del__
        return real(view, engines)

    monkeypatch.setattr(briefing_note, "render", swallowing)
    project = briefgen.load_project(make_project())
    view = pack_view(project, "meeting", "fr", ISSUED)
    with pytest.raises(briefgen.RenderError, match="rendering took longer than 30 s"):
        render_document("briefing-note", view, project.templates, 30.0)


def test_an_alarm_in_a_weakref_callback_is_not_printed(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The alarm going off where Python swallows exceptions prints no "Exception ignored"
    line (pytest would fail this test on one)."""
    import weakref

    real = briefing_note.render

    class Thing:
        pass

    def in_a_callback(view: Any, engines: Any) -> Any:
        thing = Thing()
        weakref.finalize(thing, signal.raise_signal, signal.SIGALRM)
        del thing  # the finalizer runs here, and swallows the alarm's exception
        return real(view, engines)

    monkeypatch.setattr(briefing_note, "render", in_a_callback)
    project = briefgen.load_project(make_project())
    view = pack_view(project, "meeting", "fr", ISSUED)
    with pytest.raises(briefgen.RenderError, match="rendering took longer than 30 s"):
        render_document("briefing-note", view, project.templates, 30.0)
    assert "Exception ignored" not in capfd.readouterr().err


def test_a_template_folder_that_cannot_be_read_is_left_out_of_the_fingerprint(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of templates/ unreadable or gone while it is walked (an editor's temporary
    folder during watch) is passed over, as pathlib's rglob did: never a traceback."""
    import os

    from briefgen import templating

    templates = tmp_path / "templates"
    (templates / "css").mkdir(parents=True)
    (templates / "css" / "extra.css").write_text("h1 { color: #036 }\n")
    without = templating.Templates(templates).fingerprint()
    (templates / "gone").mkdir()
    (templates / "gone" / "x.css").write_text("p {}\n")
    real = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("gone"):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real(path)

    monkeypatch.setattr(templating.os, "scandir", scandir)
    assert templating.Templates(templates).fingerprint() == without
