"""``briefgen serve``: the preview in a real browser, and what the server refuses.

The browser tests start ``briefgen serve`` on a free loopback port and drive headless
Chromium (tests/support/browser.py); the security tests send requests to the application, and to a
live server where the network layer matters.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from briefgen import UsageError, build, load_project
from briefgen.jobs import plan
from briefgen.serve import (
    MAX_STREAMS,
    PREVIEW_FOLDER,
    Preview,
    allowed_hosts,
    is_loopback,
    watch_project,
)
from tests.support.browser import (
    LiveServer,
    axe_report,
    axe_violations,
    brief_text,
    chromium,
    documents_settled,
    live_server,
    page_text,
    replace_in,
    shown_at,
    wait_for,
)
from tests.support.pdf import pdftotext
from tests.support.projects import MINIMAL_BASE, MINIMAL_PACK, ProjectFactory

PACK = MINIMAL_PACK.replace("documents: [briefing-note]",
                            "documents: [briefing-note, briefing-html]")
SECOND_PACK = MINIMAL_PACK.replace("id: meeting", "id: other").replace(
    "facts: [base]", "facts: [extra]")
EXTRA_BASE = MINIMAL_BASE.replace("id: base", "id: extra")
FACT = "Le Maroc soutient la Coalition."


@pytest.fixture
def project(make_project: ProjectFactory) -> Path:
    """A project of one pack (fr, en) that builds the briefing note and the HTML brief."""
    return make_project(packs={"meeting.yaml": PACK})


# -- In the browser ---------------------------------------------------------------------


def test_a_saved_fact_shows_in_the_open_page(project: Path) -> None:
    with live_server(project) as server, chromium() as driver:
        driver.get(server.page("meeting", "fr"))
        wait_for(lambda: shown_at(driver, FACT), what="the brief")
        driver.execute_script("window.openedOnce = true")  # gone if the page reloads
        replace_in(project / "facts/base.yaml", FACT, "Le Maroc soutient pleinement la "
                   "Coalition.")
        wait_for(lambda: shown_at(driver, "soutient pleinement"), what="the edit")
        driver.switch_to.default_content()
        assert driver.execute_script("return window.openedOnce") is True  # only the frame
        assert FACT not in brief_text(driver)
        # The PDF follows: its link changes, and the file it leads to has the new text.
        wait_for(lambda: documents_settled(driver) and _link(driver, "briefing-note.pdf"),
                 what="the briefing note")
        note = httpx.get(urllib.parse.urljoin(server.url, _link(driver, "briefing-note.pdf")))
        assert note.status_code == 200
        assert note.headers["content-type"] == "application/pdf"
        pdf = project.parent / "note.pdf"
        pdf.write_bytes(note.content)
        assert "soutient pleinement" in pdftotext(pdf)


def test_a_yaml_error_shows_file_and_line_then_the_page_recovers(project: Path) -> None:
    with live_server(project) as server, chromium() as driver:
        driver.get(server.page("meeting", "en"))
        wait_for(lambda: shown_at(driver, "Morocco supports the Coalition."), what="the brief")
        good = replace_in(project / "facts/base.yaml", "  - id: f2\n", "  - id: f2\n   kind: [\n")
        panel = wait_for(lambda: page_text(driver, "errors"), what="the error panel")
        assert "facts/base.yaml:15" in panel  # the line indented one space too few
        assert "check the indentation and quoting around this line" in panel  # what to do
        assert "Fix them and save" in panel
        assert not brief_text(driver)  # the error instead of the document
        (project / "facts/base.yaml").write_text(good, encoding="utf-8")
        wait_for(lambda: shown_at(driver, "Morocco supports the Coalition."),
                 what="the brief back")
        assert not page_text(driver, "errors")


def test_findings_show_inline_with_file_and_line(project: Path) -> None:
    with live_server(project) as server, chromium() as driver:
        driver.get(server.page("meeting", "fr"))
        wait_for(lambda: "Check:" in page_text(driver, "findings"), what="the findings")
        assert "unsourced" not in page_text(driver, "findings")
        replace_in(project / "facts/base.yaml", "    sources: [s1]\n  - id: f2", "  - id: f2")
        findings = wait_for(lambda: (text := page_text(driver, "findings")) and
                            "unsourced" in text and text, what="the new finding")
        assert "facts/base.yaml:9 (fact f1)" in findings
        assert "the fact cites no source" in findings
        assert "add sources: [id] naming where it comes from" in findings  # what to do


def test_every_pack_is_listed_with_its_languages(project: Path) -> None:
    (project / "facts/extra.yaml").write_text(EXTRA_BASE, encoding="utf-8")
    (project / "packs/other.yaml").write_text(SECOND_PACK, encoding="utf-8")
    with live_server(project) as server, chromium() as driver:
        driver.get(server.url)
        wait_for(lambda: "other" in page_text(driver, "packs"), what="the list")
        links = driver.execute_script(
            "return [...document.querySelectorAll('#packs a')].map(a => a.pathname)")
        assert links == ["/packs/meeting/fr", "/packs/meeting/en", "/packs/other/fr",
                         "/packs/other/en"]
        driver.get(server.page("other", "en"))  # a pack that does not build briefing-html
        wait_for(lambda: shown_at(driver, "Morocco supports the Coalition."), what="the brief")
    assert not (project / "build/other/en/briefing.html").exists()  # the preview's own
    assert (project / "build" / PREVIEW_FOLDER / "other/en/briefing.html").is_file()


@pytest.mark.parametrize(("languages", "direction"), [("en", "ltr"), ("ar,en", "rtl")])
def test_axe_finds_no_violation_in_the_preview(project: Path, languages: str,
                                               direction: str) -> None:
    """The index, a pack's page and the page of a project that does not load, in the
    browser's language (English, left to right; Arabic, right to left): no WCAG 2 A or AA
    violation axe-core finds."""
    with live_server(project) as server, chromium(languages) as driver:
        driver.get(server.url)
        wait_for(lambda: "meeting" in page_text(driver, "packs"), what="the list")
        assert driver.execute_script("return document.documentElement.dir") == direction
        pages = {"index": axe_violations(driver)}
        driver.get(server.page("meeting", "fr"))
        wait_for(lambda: shown_at(driver, FACT), what="the brief")
        wait_for(lambda: documents_settled(driver), what="the documents")
        pages["page"] = axe_violations(driver)
        replace_in(project / "facts/base.yaml", "as_of:", "as_of: 2022-13 #")
        wait_for(lambda: page_text(driver, "errors"), what="the error page")
        pages["errors"] = axe_violations(driver)
        headings = driver.execute_script(
            "return [...document.querySelectorAll('h1, h2')].map(h => h.tagName)")
        assert headings[0] == "H1"  # the page's title comes before the errors' heading
    found = {name: axe_report(violations) for name, violations in pages.items() if violations}
    assert not found, "\n".join(f"{name}: {report}" for name, report in found.items())


def test_the_preview_speaks_the_browsers_language(project: Path) -> None:
    with live_server(project) as server, chromium("fr-CH,fr;q=0.9,en;q=0.5") as driver:
        driver.get(server.page("meeting", "en"))
        wait_for(lambda: "Vérification" in page_text(driver, "findings"), what="the findings")
        # Values read in the page, not elements: the page may be swapped for a newer build.
        html = driver.execute_script("const html = document.documentElement; "
                                     "return [html.getAttribute('lang'), "
                                     "html.getAttribute('dir')]")
        assert html == ["fr", "ltr"]
        text, href = driver.execute_script("const skip = document.querySelector("
                                           "'a.skip-link'); return [skip.textContent, "
                                           "skip.href]")
        assert text == "Aller au contenu"
        assert href.endswith("#main")
        links = driver.execute_script(
            "return [...document.querySelectorAll('nav a[hreflang]')].map(a => "
            "[a.getAttribute('hreflang'), a.textContent])")
        assert links == [["fr", "fr, meeting en français"], ["en", "en, meeting en English"]]
        live = driver.execute_script(
            "return ['documents', 'findings'].map(id => "
            "document.getElementById(id).parentElement.getAttribute('aria-live'))")
        assert live == ["polite", "polite"]  # swapped in place, announced


def test_open_opens_the_pack_in_the_browser(project: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"  # what $BROWSER names: records the address it is given
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    with live_server(project, "meeting", "--open") as server:
        url = wait_for(lambda: opened.is_file() and opened.read_text(encoding="utf-8"),
                       what="the browser opened")
        assert f"serving {url} (Ctrl-C to stop)" in server.output()  # the pack's page
        assert url.endswith("/packs/meeting")
        response = httpx.get(url, follow_redirects=True)
        assert response.status_code == 200
        assert response.url.path == "/packs/meeting/fr"  # the pack's first language


def _link(driver: Any, filename: str) -> str:
    driver.switch_to.default_content()
    return str(driver.execute_script(
        "const a = [...document.querySelectorAll('#documents a')]"
        ".find(a => a.pathname.endsWith('/' + arguments[0]));"
        "return a ? a.getAttribute('href') : ''", filename))


# -- What the server serves, and refuses ----------------------------------------------------


EPOCH = "1795000000"  # what tests/support/browser.py gives the server as SOURCE_DATE_EPOCH


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """A live server that has built everything of a one-pack project (read-only tests)."""
    root = tmp_path_factory.mktemp("served")
    for folder, name, text in (("facts", "base.yaml", MINIMAL_BASE),
                               ("packs", "meeting.yaml", PACK)):
        (root / folder).mkdir()
        (root / folder / name).write_text(text, encoding="utf-8")
    with live_server(root) as server:
        wait_for(lambda: _settled(server), what="the first build")
        yield server, root


def _settled(server: LiveServer) -> bool:
    """Every page of the pack shows its brief and no document pending (the pack's languages
    are built in its order: French, then English)."""
    pages = [httpx.get(server.page("meeting", lang)).text for lang in ("fr", "en")]
    return all('id="brief"' in page and "pending" not in page for page in pages)


def get(server: LiveServer, path: str, host: str | None = None,
        method: str = "GET", body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """A request with ``path`` sent exactly as written (no normalizing of ``..``)."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(str(parts.hostname), parts.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host if host is not None else parts.netloc)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            response.read()
    finally:
        connection.close()


def test_the_page_is_byte_identical_to_the_built_one(
        served: tuple[LiveServer, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    server, root = served
    status, _headers, page = get(server, "/preview/meeting/fr/briefing.html")
    assert status == 200
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(load_project(root), out=tmp_path)
    assert page == (tmp_path / "meeting/fr/briefing.html").read_bytes()
    assert page == (root / "build/meeting/fr/briefing.html").read_bytes()
    assert get(server, "/out/meeting/fr/briefing.html")[2] == page


def test_every_response_carries_a_content_security_policy(
        served: tuple[LiveServer, Path]) -> None:
    server, _root = served
    _status, headers, page = get(server, "/packs/meeting/fr")
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert b'<script src="/_briefgen/live.js" defer></script>' in page
    assert b"<script>" not in page  # no inline script: the policy would refuse it
    _status, headers, _script = get(server, "/_briefgen/live.js")
    assert headers["content-type"].startswith("text/javascript")
    _status, headers, _document = get(server, "/preview/meeting/fr/briefing.html")
    assert headers["content-security-policy"].startswith("default-src 'none';")
    assert "script-src" not in headers["content-security-policy"]
    for path in ("/", "/packs/meeting/fr", "/_briefgen/live.js", "/nowhere",
                 "/out/meeting/fr/briefing-note.pdf", "/preview/meeting/fr/briefing.html"):
        _status, headers, _body = get(server, path)
        assert headers["x-content-type-options"] == "nosniff", path
        assert "default-src 'none'" in headers["content-security-policy"], path


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.",
                                  "attacker.com:8000", "127.0.0.1@evil.example", ""])
def test_a_foreign_host_header_is_refused(served: tuple[LiveServer, Path],
                                          host: str) -> None:
    server, _root = served
    status, _headers, body = get(server, "/packs/meeting/fr", host=host)
    assert status == 400
    assert b"meeting" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "localhost",
                                  "[::1]:8000"])
def test_the_loopback_host_headers_are_accepted(served: tuple[LiveServer, Path],
                                                host: str) -> None:
    server, _root = served
    assert get(server, "/packs/meeting/fr", host=host)[0] == 200


@pytest.mark.parametrize("path", [
    "/out/meeting/manifest.json", "/out/.briefgen.lock", "/preview/meeting/manifest.json",
    "/out/meeting/fr/", "/out/meeting", "/out/meeting/fr/../../../facts/base.yaml",
    "/out/meeting/fr/%2e%2e/%2e%2e/%2e%2e/packs/meeting.yaml",
    "/out/..%2f..%2ffacts/base.yaml", "/out//etc/passwd", "/out/%2fetc%2fpasswd",
    "/out/meeting/fr/..%5c..%5c..%5cfacts%5cbase.yaml", "/out/meeting/fr/briefing-note.pdf%00",
    "/preview/../build/meeting/fr/briefing-note.pdf", "/preview/../../facts/base.yaml",
    "/_briefgen/base.html", "/_briefgen/../watching.py", "/_briefgen/page.html",
    "/../../../../etc/passwd", "/out/../../../../etc/passwd",
])
def test_nothing_but_the_built_documents_is_served(served: tuple[LiveServer, Path],
                                                   path: str) -> None:
    server, _root = served
    status, _headers, body = get(server, path)
    assert status in (400, 404), path
    assert b"id: " not in body and b"root:" not in body


def test_a_link_out_of_the_output_folder_is_not_followed(
        served: tuple[LiveServer, Path], tmp_path: Path) -> None:
    server, root = served
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 secret")
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr/briefing.html").write_text("secret", encoding="utf-8")
    note = root / "build/meeting/en/briefing-note.pdf"
    folder = root / "build" / PREVIEW_FOLDER / "meeting"
    kept = note.read_bytes()
    note.unlink()
    note.symlink_to(secret)
    folder.rename(folder.with_name("moved"))
    folder.symlink_to(tmp_path)
    try:
        assert get(server, "/out/meeting/en/briefing-note.pdf")[0] == 404
        assert get(server, "/preview/meeting/fr/briefing.html")[0] == 404
        assert get(server, "/out/meeting/fr/briefing-note.pdf")[0] == 200  # the real ones
    finally:
        note.unlink()
        note.write_bytes(kept)
        folder.unlink()
        folder.with_name("moved").rename(folder)


def test_no_endpoint_writes(served: tuple[LiveServer, Path]) -> None:
    server, root = served
    before = _tree(root)
    for path in ("/", "/packs/meeting/fr", "/packs/meeting", "/_briefgen/events",
                 "/_briefgen/live.js", "/out/meeting/fr/briefing-note.pdf",
                 "/preview/meeting/fr/briefing.html", "/out/meeting/fr/new.pdf",
                 "/out/meeting/manifest.json"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            status, _headers, _body = get(server, path, method=method,
                                          body=b"%PDF-1.7 overwritten")
            assert status in (404, 405), (method, path)
    assert _tree(root) == before


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def test_a_page_of_an_unknown_pack_is_a_404_with_the_list(
        served: tuple[LiveServer, Path]) -> None:
    server, _root = served
    for path in ("/packs/nothing/fr", "/packs/meeting/de", "/packs/nothing"):
        status, _headers, body = get(server, path)
        assert status == 404
        assert b'href="/packs/meeting/fr"' in body
    status, headers, _body = get(server, "/packs/meeting")
    assert (status, headers["location"]) == (307, "/packs/meeting/fr")


def test_the_server_listens_on_loopback_by_default(project: Path) -> None:
    with live_server(project) as server:
        host, port = urllib.parse.urlsplit(server.url).hostname, server.url.rsplit(":", 1)[1]
        assert host == "127.0.0.1"
        assert is_loopback(str(host))
        port_number = int(port.strip("/"))
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port_number}"],
                                   capture_output=True, text=True, check=True).stdout
        local = [line.split()[3] for line in listening.splitlines()]  # State Recv Send Local
        assert local == [f"127.0.0.1:{port_number}"]
        # Over the network layer too: a request naming another host is refused.
        evil = httpx.get(server.url, headers={"host": "rebind.example"})
        assert evil.status_code == 400
        assert httpx.get(server.url).status_code == 200


def test_ctrl_c_stops_the_server_and_its_worker_cleanly(project: Path) -> None:
    _stops_cleanly(project, signal.SIGINT)


def test_sigterm_stops_the_server_and_its_worker_cleanly(project: Path) -> None:
    """``kill``, a service manager, a container's stop: as Ctrl-C, exit 0, and no warning of
    leaked semaphores (the worker process's queues are shut down)."""
    _stops_cleanly(project, signal.SIGTERM)


def _stops_cleanly(project: Path, sig: signal.Signals) -> None:
    with live_server(project) as server:
        wait_for(lambda: _settled(server), what="the first build")
        workers = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.process.pid)],
                                 capture_output=True, text=True, check=False).stdout.split()
        assert workers  # the documents' worker process
        opened = threading.Event()

        def listen() -> None:  # a page left open: its event stream never ends by itself
            with httpx.stream("GET", f"{server.url}_briefgen/events?pack=meeting&lang=fr",
                              timeout=60) as events:
                for line in events.iter_lines():
                    if line.startswith("event: state"):
                        opened.set()

        stream = threading.Thread(target=listen, daemon=True)
        stream.start()
        wait_for(opened.is_set, what="the event stream")
        server.process.send_signal(sig)
        server.process.wait(timeout=30)
    stream.join(timeout=10)
    assert not stream.is_alive()  # the server ended the stream
    assert server.process.returncode == 0, server.stderr
    assert "Traceback" not in server.stderr and "ERROR" not in server.stderr, server.stderr
    assert "leaked" not in server.stderr and "Warning" not in server.stderr, server.stderr
    for pid in workers:
        wait_for(lambda p=pid: not Path(f"/proc/{p}").exists(), timeout=10,
                 what=f"worker {pid} to end")


def test_a_killed_server_leaves_no_worker_behind(project: Path) -> None:
    with live_server(project) as server:
        wait_for(lambda: _settled(server), what="the first build")
        workers = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.process.pid)],
                                 capture_output=True, text=True, check=False).stdout.split()
        assert workers
        server.process.kill()
        server.process.wait()
    for pid in workers:
        wait_for(lambda p=pid: not Path(f"/proc/{p}").exists(), timeout=15,
                 what=f"worker {pid} to end")


def test_another_address_is_served_only_when_asked_with_a_warning(project: Path) -> None:
    # 203.0.113.5 (TEST-NET-3) is nobody's: the warning is printed, then binding fails
    # cleanly; nothing listens beyond loopback.
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "serve", "--project", str(project), "--host",
         "203.0.113.5", "--port", "0"], capture_output=True, text=True, timeout=60,
        check=False)
    assert result.returncode == 1
    assert "serving on 203.0.113.5: anyone who can reach this machine" in result.stderr
    assert "cannot listen on 203.0.113.5:0" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_taken_port_is_one_line_exit_1(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "briefgen", "serve", "--project", str(project), "--port",
             str(port)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"cannot listen on 127.0.0.1:{port}: Address already in "
                                     "use; choose another port with --port (0: any free port)")


def test_an_unknown_pack_is_a_usage_error(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "serve", "nothing", "--project", str(project),
         "--port", "0"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "no pack with id nothing (packs in this project: meeting)" in result.stderr


def test_loopback_and_allowed_hosts() -> None:
    assert all(is_loopback(host) for host in ("127.0.0.1", "localhost", "::1", "[::1]",
                                              "127.0.0.2"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "192.168.1.2",  # noqa: S104
                                                  "example.org", "localhost.example"))
    assert allowed_hosts("127.0.0.1") == ["127.0.0.1", "[::1]", "localhost"]
    assert "[::1]" in allowed_hosts("::1")
    assert "192.0.2.7" in allowed_hosts("192.0.2.7")


# -- The builder and its loop --------------------------------------------------------------


def test_a_save_rebuilds_only_the_packs_it_may_change(project: Path) -> None:
    (project / "facts/extra.yaml").write_text(EXTRA_BASE, encoding="utf-8")
    (project / "packs/other.yaml").write_text(SECOND_PACK, encoding="utf-8")
    preview = Preview(project)
    for _step in preview.rounds(frozenset()):
        pass
    first = dict(preview.state.pages)
    assert set(first) == {("meeting", "fr"), ("meeting", "en"), ("other", "fr"),
                          ("other", "en")}
    replace_in(project / "facts/extra.yaml", FACT, "Le Maroc soutient fortement la Coalition.")
    steps = list(preview.rounds(frozenset({project / "facts/extra.yaml"})))
    assert len(steps) == 3  # the findings of 'other' and its two pages; none of 'meeting'
    assert preview.state.pages[("meeting", "fr")] is first[("meeting", "fr")]
    assert preview.state.pages[("other", "fr")].sha256 != first[("other", "fr")].sha256


def test_an_error_then_its_fix_are_both_shown(project: Path) -> None:
    preview = Preview(project)
    for _step in preview.rounds(frozenset()):
        pass
    versions = preview.state.versions(("meeting", "fr"))
    good = replace_in(project / "facts/base.yaml", "as_of: 2022-05", "as_of: 2022-13")
    assert not list(preview.rounds(frozenset({project / "facts/base.yaml"})))
    error = preview.state.errors[0]  # then the pack's: its base did not load
    assert (error.file, error.line) == ("facts/base.yaml", 4)
    assert "'as_of': '2022-13' is not a real date" in error.message
    assert preview.state.versions(("meeting", "fr"))["page"] != versions["page"]
    (project / "facts/base.yaml").write_text(good, encoding="utf-8")
    list(preview.rounds(frozenset({project / "facts/base.yaml"})))
    assert preview.state.errors == ()
    assert preview.state.versions(("meeting", "fr")) == versions


def test_a_template_error_shows_where_it_is(project: Path) -> None:
    preview = Preview(project)
    templates = project / "templates"
    templates.mkdir()
    shipped = Path(__file__).resolve().parents[1] / "templates/briefing.html"
    (templates / "briefing.html").write_text(
        shipped.read_text(encoding="utf-8").replace("<main>", "<main>{{ pack.nothing }}"),
        encoding="utf-8")
    for _step in preview.rounds(frozenset()):
        pass
    failures = preview.state.page_failures[("meeting", "fr")]
    line = shipped.read_text(encoding="utf-8").split("\n").index("<main>") + 1
    assert failures[0].file is not None
    assert failures[0].file.endswith("templates/briefing.html")
    assert failures[0].line == line
    assert "has no attribute 'nothing'" in failures[0].message
    assert ("meeting", "fr") not in preview.state.pages


def test_the_loop_drops_a_round_when_a_newer_save_waits(project: Path) -> None:
    calls: list[frozenset[Path]] = []
    finished: list[int] = []
    stop = threading.Event()

    def builder(saved: frozenset[Path]) -> Iterator[None]:
        calls.append(saved)
        if len(calls) == 1:
            (project / "packs/meeting.yaml").write_text(PACK + "\n", encoding="utf-8")
            for _ in range(2000):  # steps until the loop sees the save (or 20 s)
                time.sleep(0.01)
                yield
        finished.append(len(calls))
        if len(calls) == 2:
            stop.set()

    loop = threading.Thread(target=watch_project, args=(project, builder, stop))
    loop.start()
    loop.join(timeout=60)
    assert not loop.is_alive()
    assert calls[0] == frozenset()
    assert calls[1] == {project / "packs/meeting.yaml"}
    assert finished == [2]  # the first round was dropped at a step


def test_build_builds_the_kinds_asked_for_and_keeps_the_others(project: Path,
                                                               tmp_path: Path) -> None:
    loaded = load_project(project)
    assert {job.document for job in plan(loaded, documents=["fact-sheet"])} == {"fact-sheet"}
    with pytest.raises(UsageError, match="no document kind nothing"):
        plan(loaded, documents=["nothing"])
    build(loaded, out=tmp_path, languages=["fr"])
    note = (tmp_path / "meeting/fr/briefing-note.pdf").read_bytes()
    result = build(loaded, out=tmp_path, languages=["fr"], documents=["briefing-html"])
    assert [d.path.name for d in result.written] == ["briefing.html"]
    assert not result.rendered  # up to date
    assert (tmp_path / "meeting/fr/briefing-note.pdf").read_bytes() == note



def _address_space_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


def test_the_document_worker_has_the_build_workers_memory_cap() -> None:
    """A runaway document in the preview fails alone: its worker's address space is capped
    as a build worker's is, the server's own is not."""
    from briefgen.processes import DEFAULT_MEMORY_LIMIT
    from briefgen.serve import _document_pool

    with _document_pool() as pool:
        assert pool.submit(_address_space_limit).result(timeout=60) == DEFAULT_MEMORY_LIMIT
    assert _address_space_limit() != DEFAULT_MEMORY_LIMIT


# -- What a user sees when something is off -------------------------------------------------


def test_a_linked_preview_folder_is_refused_and_never_written_through(
        project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "meeting/fr").mkdir(parents=True)
    (elsewhere / "meeting/fr/briefing.html").write_text("someone's", encoding="utf-8")
    (project / "build").mkdir()
    (project / "build" / PREVIEW_FOLDER).symlink_to(elsewhere)
    with live_server(project) as server:
        page = wait_for(lambda: (text := httpx.get(server.page("meeting", "fr")).text)
                        and "could not be built" in text and text, what="the error")
        assert "build/.preview" in page and "is a symbolic link" in page
        assert "remove the link" in page
        assert 'id="brief"' not in page
        assert httpx.get(f"{server.url}preview/meeting/fr/briefing.html").status_code == 404
        wait_for(lambda: _documents_done(server), what="the documents")
    # No lock, no pack folder, nothing written there.
    assert [str(p.relative_to(elsewhere)) for p in sorted(elsewhere.rglob("*"))] == [
        "meeting", "meeting/fr", "meeting/fr/briefing.html"]
    assert (elsewhere / "meeting/fr/briefing.html").read_text(encoding="utf-8") == "someone's"
    assert (project / "build" / PREVIEW_FOLDER).is_symlink()  # left as it was
    said = [line for line in server.stdout.splitlines() if ".preview" in line]
    assert len(said) == 1, server.stdout  # one line, not one per page
    assert "is a symbolic link" in said[0] and "remove the link" in said[0]


def _documents_done(server: LiveServer) -> bool:
    page = httpx.get(server.page("meeting", "fr")).text
    return 'id="documents"' in page and "pending" not in page


@pytest.mark.parametrize("host", ["0", "0.0.0.0", "::", "[::]", "0.0"])  # noqa: S104
def test_every_interface_is_refused_name_an_address(project: Path, host: str) -> None:
    # On every interface, the Host check would refuse what others type (this machine's
    # addresses cannot all be known): the user is asked to name the address to serve on.
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "serve", "--project", str(project), "--host", host,
         "--port", "0"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert (f"--host {host} means every interface of this machine: name the address others "
            "reach it at, such as --host 192.168.1.20") in result.stderr
    assert "serving" not in result.stdout and "anyone" not in result.stderr
    with pytest.raises(UsageError, match="name the address"):
        allowed_hosts(host)


def test_a_bookmarked_page_before_the_first_build_is_a_clean_404(
        make_project: ProjectFactory) -> None:
    # A project that does not load: nothing is ever built, no output folder is made.
    broken = make_project(packs={"meeting.yaml": PACK + "  - [\n"})
    with live_server(broken) as server:
        wait_for(lambda: "does not load" in httpx.get(server.url).text, what="the error")
        for path in ("/preview/meeting/fr/briefing.html", "/out/meeting/fr/briefing-note.pdf"):
            response = httpx.get(server.url + path.lstrip("/"))
            assert response.status_code == 404, path
            assert response.text.startswith("Not Found: not built (yet). /packs/meeting/fr "
                                            "shows the pack's documents"), response.text
    assert "Traceback" not in server.stderr and "ERROR" not in server.stderr, server.stderr


def test_a_bookmarked_page_while_the_first_build_runs_is_404_then_200(project: Path) -> None:
    with live_server(project) as server:
        statuses = []
        url = f"{server.url}preview/meeting/fr/briefing.html"
        while not statuses or statuses[-1] != 200:
            statuses.append(httpx.get(url).status_code)
            assert len(statuses) < 3000, statuses
    assert set(statuses) <= {404, 200}, statuses
    assert "Traceback" not in server.stderr and "ERROR" not in server.stderr, server.stderr


def test_open_event_streams_are_capped_and_the_page_retries(project: Path) -> None:
    with live_server(project) as server, chromium() as driver:
        wait_for(lambda: _settled(server), what="the first build")
        events = f"{server.url}_briefgen/events?pack=meeting&lang=fr"
        limits = httpx.Limits(max_connections=MAX_STREAMS + 10)
        with httpx.Client(limits=limits, timeout=30) as client, ExitStack() as streams:
            for _ in range(MAX_STREAMS):  # a hundred idle tabs
                opened = streams.enter_context(client.stream("GET", events))
                assert opened.status_code == 200
            with client.stream("GET", events) as refused:
                assert refused.status_code == 503
                assert "too many open preview pages" in refused.read().decode()
                assert refused.headers["retry-after"]
            driver.get(server.page("meeting", "fr"))  # its event stream is refused too
            wait_for(lambda: shown_at(driver, FACT), what="the brief")
            time.sleep(1)
        # The tabs closed: the page's script connects again, and the page is live.
        replace_in(project / "facts/base.yaml", FACT, "Le Maroc soutient pleinement la "
                   "Coalition.")
        wait_for(lambda: shown_at(driver, "soutient pleinement"), what="the edit")
        assert httpx.get(server.url).status_code == 200
        with httpx.stream("GET", events, timeout=30) as again:
            assert again.status_code == 200


def test_each_rebuild_and_each_error_is_one_line_in_the_terminal(project: Path) -> None:
    with live_server(project) as server:
        wait_for(lambda: _settled(server), what="the first build")
        wait_for(lambda: "rendered meeting/en/briefing.html" in server.output(),
                 what="the documents' lines")  # the last: the pack's languages in order
        first = server.output().splitlines()
        assert first[0].startswith("serving http://127.0.0.1:")
        pages = [line for line in first if line.startswith("pages rebuilt")]
        assert len(pages) == 1, first
        assert "meeting/fr" in pages[0] and "meeting/en" in pages[0]
        assert re.search(r"\(\d+\.\d\d s\)$", pages[0]), pages[0]
        assert any(re.fullmatch(r"rendered meeting/fr/briefing-note\.pdf \(\d+\.\d\d s\)", line)
                   for line in first), first
        # Fetching pages, documents, event streams says nothing.
        for path in ("", "packs/meeting/fr", "preview/meeting/fr/briefing.html",
                     "out/meeting/fr/briefing-note.pdf"):
            httpx.get(server.url + path)
        time.sleep(0.5)
        assert server.output().splitlines() == first
        # An error: one line, where and what.
        good = replace_in(project / "facts/base.yaml", "  - id: f2\n", "  - id: f2\n   kind: [\n")
        error = wait_for(lambda: [line for line in server.output().splitlines()
                                  if line.startswith("facts/base.yaml:15: error")],
                         what="the error's line")
        assert len(error) == 1, server.output()
        # Saved again, still broken: said in one line, the error not again.
        replace_in(project / "facts/base.yaml", FACT, "Le Maroc soutient la Coalition !")
        wait_for(lambda: re.search(r"^the project still does not load: \d error\(s\) as "
                                   r"before", server.output(), re.MULTILINE),
                 what="the line saying so")
        # Fixed: the rebuild is said.
        (project / "facts/base.yaml").write_text(
            good.replace(FACT, "Le Maroc soutient pleinement la Coalition."), encoding="utf-8")
        wait_for(lambda: sum(line.startswith("pages rebuilt")
                             for line in server.output().splitlines()) == 2,
                 what="the rebuild's line")
    assert sum(line.startswith("facts/base.yaml:15") for line in server.stdout.splitlines()) == 1


def test_an_error_is_said_once_while_any_page_or_document_has_it() -> None:
    from briefgen.check import Finding
    from briefgen.serve.terminal import Terminal

    said: list[str] = []
    terminal = Terminal(said.append)
    broken = Finding("error", "render", "'pack' has no attribute 'x'", "templates/b.html", 3,
                     hint="fix it")
    assert terminal.errors(("meeting", "fr"), [broken]) == 1
    assert terminal.errors(("meeting", "en"), [broken]) == 0  # the same error, elsewhere
    assert terminal.errors(("meeting", "fr"), [broken]) == 0  # still there
    terminal.errors(("meeting", "fr"), [])
    terminal.errors(("meeting", "en"), [])  # fixed everywhere
    assert terminal.errors(("meeting", "fr"), [broken]) == 1  # broken again: said again
    assert said == ["templates/b.html:3: error render: 'pack' has no attribute 'x' — fix it"] * 2


def test_a_broken_base_stops_only_its_packs_pages(make_project: ProjectFactory,
                                                  tmp_path: Path) -> None:
    """Issue 26: the clean packs' pages are built; the broken pack's page shows what stops
    it, and nothing else; once fixed, it is built at the next save."""
    other = MINIMAL_BASE.replace("id: base", "id: other")
    broken = other.replace("as_of: 2022-05", "as_of: 2022-13")
    packs = {"a.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-a"),
             "c.yaml": MINIMAL_PACK.replace("id: meeting", "id: pack-c").replace(
                 "facts: [base]", "facts: [other]")}
    root = make_project(facts={"base.yaml": MINIMAL_BASE, "other.yaml": broken}, packs=packs)
    preview = Preview(root, tmp_path)
    for _step in preview.rounds(frozenset()):
        pass
    state = preview.state
    assert state.errors == () and set(state.packs) == {"pack-a", "pack-c"}
    assert set(state.pages) == {("pack-a", "fr"), ("pack-a", "en")}
    [failure] = state.page_failures[("pack-c", "fr")][:1]
    assert (failure.file, failure.line) == ("facts/other.yaml", 4)
    assert [f.file for f in state.findings["pack-c"]] == [f.file for f in
                                                          state.page_failures[("pack-c", "en")]]
    (root / "facts" / "other.yaml").write_text(other, encoding="utf-8")
    for _step in preview.rounds(frozenset({root / "facts" / "other.yaml"})):
        pass
    assert ("pack-c", "fr") in preview.state.pages
    assert ("pack-c", "fr") not in preview.state.page_failures
    assert preview.state.stopped == {}


def test_a_pages_documents_are_built_together_the_note_first_a_failure_on_its_own(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """The documents' lane builds a page's documents in one build, in the order a build
    renders them (the note first), each shown as soon as it is in place; a document that
    fails shows its error, and only it."""
    pack = PACK.replace("documents: [briefing-note, briefing-html]",
                        "documents: [briefing-html, fact-sheet, briefing-note]")
    root = make_project(packs={"meeting.yaml": pack})
    (root / "templates").mkdir()
    shipped = Path(__file__).resolve().parents[1] / "templates/fact-sheet.html"
    (root / "templates/fact-sheet.html").write_text(
        shipped.read_text(encoding="utf-8") + "{{ pack.nothing }}", encoding="utf-8")
    said: list[str] = []
    preview = Preview(root, tmp_path, say=said.append)
    for _step in preview.rounds(frozenset()):
        pass
    assert preview.state.pending  # every document of both pages, to build
    stop = threading.Event()
    lane = threading.Thread(target=preview.documents, args=(stop,))
    lane.start()
    try:
        wait_for(lambda: not preview.state.pending and len(preview.state.failures) == 2,
                 timeout=120, what="the documents")
    finally:
        stop.set()
        preview.wake()
        lane.join(timeout=60)
    state = preview.state
    assert set(state.failures) == {("meeting", lang, "fact-sheet") for lang in ("en", "fr")}
    [failure] = state.failures[("meeting", "fr", "fact-sheet")]
    assert "has no attribute 'nothing'" in failure.message
    assert set(state.written) == {("meeting", lang, kind) for lang in ("en", "fr")
                                  for kind in ("briefing-note", "briefing-html")}
    note = state.written[("meeting", "fr", "briefing-note")]
    assert note.sha256 == hashlib.sha256(note.path.read_bytes()).hexdigest()
    assert "Coalition" in pdftotext(note.path)
    rendered = [line.split()[1] for line in said if line.startswith("rendered ")]
    assert rendered == ["meeting/fr/briefing-note.pdf", "meeting/fr/briefing.html",
                        "meeting/en/briefing-note.pdf", "meeting/en/briefing.html"]  # fr first
