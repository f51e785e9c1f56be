"""A live ``briefgen serve`` and a headless Chromium to look at it: for the preview's tests
and its benchmark (benchmarks/serve_latency.py).

Chromium and its driver are Debian's (``chromium``, ``chromium-driver``: the Makefile's
TEST_PACKAGES), driven through Selenium.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,900")
T = TypeVar("T")


class LiveServer:
    """``briefgen serve`` on a free loopback port, in a process of its own."""

    def __init__(self, process: subprocess.Popen[str], url: str, log: Path,
                 out: Path) -> None:
        self.process = process
        self.url = url
        self.log_path = log
        self.out_path = out
        self.stderr = ""  # all of it, once the server has stopped
        self.stdout = ""  # all of it, once the server has stopped

    def page(self, pack_id: str, lang: str) -> str:
        return f"{self.url}packs/{pack_id}/{lang}"

    def log(self) -> str:
        """What the server wrote on stderr so far."""
        if self.process.poll() is not None and self.stderr:
            return self.stderr
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def output(self) -> str:
        """What the server wrote on stdout so far (what it says in the terminal)."""
        if self.process.poll() is not None and self.stdout:
            return self.stdout
        return self.out_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def live_server(project: Path, *args: str, verbose: bool = False,
                timeout: float = 60) -> Iterator[LiveServer]:
    """Start ``briefgen serve --project PROJECT --port 0 ARGS``; stop it with Ctrl-C (unless
    the test stopped it). Its stdout and stderr go to files (a pipe nobody reads would
    stall the server once full)."""
    options = ["-v"] if verbose or os.environ.get("BRIEFGEN_SERVE_VERBOSE") else []
    with tempfile.TemporaryDirectory(prefix="briefgen-serve-log-") as folder:
        log, out = Path(folder) / "stderr.txt", Path(folder) / "stdout.txt"
        with log.open("w", encoding="utf-8") as stderr, \
                out.open("w", encoding="utf-8") as stdout:
            process = subprocess.Popen(
                [sys.executable, "-m", "briefgen", *options, "serve", "--project",
                 str(project), "--port", "0", *args],
                stdout=stdout, stderr=stderr, text=True,
                env={**os.environ, "SOURCE_DATE_EPOCH": "1795000000"},
            )
        server = None
        try:
            server = _started(process, log, out, timeout)
            yield server
        finally:
            _stop(process)
            if server is not None:
                server.stderr = log.read_text(encoding="utf-8", errors="replace")
                server.stdout = out.read_text(encoding="utf-8", errors="replace")


def _started(process: subprocess.Popen[str], log: Path, out: Path,
             timeout: float) -> LiveServer:
    """The server, once it said where it serves ("serving http://127.0.0.1:PORT/ (Ctrl-C
    to stop)", its first line)."""
    deadline = time.monotonic() + timeout
    while True:
        said = out.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"serving (http://\S+/)", said)
        if found is not None:
            return LiveServer(process, found.group(1), log, out)
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise AssertionError(f"briefgen serve did not start: {said!r}\n"
                                 f"{log.read_text(encoding='utf-8', errors='replace')}")
        time.sleep(0.02)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium(languages: str | None = None) -> Iterator[Any]:
    """A headless Chromium under Selenium, with a profile of its own; ``languages``: what
    its Accept-Language header asks for (``ar,en``), else Chromium's default."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    if languages:
        options.add_experimental_option("prefs", {"intl.accept_languages": languages})
    with tempfile.TemporaryDirectory(prefix="briefgen-chromium-") as profile:
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        try:
            yield driver
        finally:
            driver.quit()


def wait_for(condition: Callable[[], T | None], timeout: float = 60,
             what: str = "the condition") -> T:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


def in_brief(driver: Any, script: str, *args: object) -> Any:
    """Run ``script`` in the brief's frame of the page shown (None when there is none)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        driver.switch_to.default_content()
        frames = driver.find_elements(By.ID, "brief")
        if not frames:
            return None
        driver.switch_to.frame(frames[0])
        return driver.execute_script(script, *args)
    except WebDriverException:  # the page or its frame was being replaced
        return None
    finally:
        driver.switch_to.default_content()


def brief_text(driver: Any) -> str:
    """The text of the brief the page shows, or '' when it shows none."""
    return in_brief(driver, "return document.body ? document.body.textContent : ''") or ""


def shown_at(driver: Any, text: str) -> float | None:
    """When the brief that shows ``text`` was ready (its DOMContentLoaded, in seconds since
    the epoch), or None while the page does not show it."""
    return in_brief(driver, """
        if (!document.body || !document.body.textContent.includes(arguments[0])) return null;
        const navigation = performance.getEntriesByType('navigation')[0];
        return (performance.timeOrigin + navigation.domContentLoadedEventEnd) / 1000;
    """, text)


def page_text(driver: Any, element_id: str) -> str:
    """The text of an element of the server's page ('' if it has none)."""
    driver.switch_to.default_content()
    return str(driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : ''",
        element_id))


def documents_settled(driver: Any) -> bool:
    """The page lists its documents and none is being built."""
    driver.switch_to.default_content()
    return bool(driver.execute_script(
        "const d = document.getElementById('documents');"
        "return d !== null && d.querySelector('.pending') === null"))


def replace_in(path: Path, old: str, new: str) -> str:
    """Write ``path`` with ``old`` replaced by ``new`` (which must be there); return the old
    text."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


# The rules axe-core files under WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """The WCAG 2 A and AA violations axe-core finds in the page ``driver`` shows (its
    top document; a sandboxed frame runs no script, so its page is checked on its own).

    axe-core comes with the ``axe-playwright-python`` package (its ``axe.min.js``, read as
    a file: Playwright itself is not used)."""
    from axe_playwright_python.base import AXE_FILE_PATH

    driver.switch_to.default_content()
    driver.execute_script(AXE_FILE_PATH.read_text(encoding="utf-8"))
    results = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                           resultTypes: ['violations']})
           .then(done, (error) => done({error: String(error)}));
    """, list(AXE_TAGS))
    assert "error" not in results, results.get("error")
    assert results["testEngine"]["name"] == "axe-core"
    return list(results["violations"])


def axe_report(violations: list[dict[str, Any]]) -> str:
    """What axe-core found, for a person: each rule, its impact, and each element it
    found wanting (a CSS selector) with what to fix."""
    lines = [f"{len(violations)} accessibility violation(s) (axe-core, WCAG 2 A/AA):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{violation['helpUrl']}]")
        for node in violation["nodes"]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)
