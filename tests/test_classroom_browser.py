"""The classroom app in a real browser: Debian's headless chromium driven by Playwright.

Contract (issue #8, part 3): ``tiedhands classroom`` serves the app on
127.0.0.1; in the page, every request that is not to 127.0.0.1 is blocked and
recorded, and none may be needed (none may even be attempted); an exempt
treaty does not move when a moves; for China–DPRK 1961 in the Korean
scenario, the audience-cost slider below a* = 6/5 shows ``insufficient`` and
above it ``binding``; the page is saved as ``docs/img/classroom-screenshot.png``.

The browser is ``/usr/bin/chromium`` (``apt-get install chromium``; never
``playwright install``).  Without it, or without marimo or Playwright, the
test is skipped with a one-line reason.  Waits are on text and attributes,
never sleeps.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from analysis import classroom as cr

REPO = Path(__file__).resolve().parents[1]
SCREENSHOT = REPO / "docs" / "img" / "classroom-screenshot.png"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL_HOSTS = ("127.0.0.1",)
START_TIMEOUT = 30.0  # seconds for the server to answer /health
WAIT = 20_000  # milliseconds for the page to show a change

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"browser test skipped: {CHROMIUM} (Debian's chromium) is missing; "
                              "apt-get install chromium"),
    pytest.mark.skipif(importlib.util.find_spec("marimo") is None,
                       reason="browser test skipped: marimo (the classroom extra) is missing"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="browser test skipped: playwright is missing"),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``tiedhands classroom --no-browser`` on a free port; its URL once it answers."""
    port = free_port()
    log = (tmp_path / "server.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-c", "from analysis.cli import main; main()", "classroom",
         "--no-browser", "--port", str(port)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"the classroom server exited with {process.returncode}:\n"
                            f"{log.read()}")
            try:
                with urllib.request.urlopen(f"{url}health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the classroom server did not answer in {START_TIMEOUT:.0f} s:\n"
                            f"{log.read()}")
            time.sleep(0.2)  # polling the server's start, not waiting on the page
        yield url
    finally:
        process.terminate()  # SIGTERM: tiedhands stops marimo and exits
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_the_audience_cost_slider_flips_the_verdict(server: str) -> None:
    from playwright.sync_api import Route, expect, sync_playwright

    blocked: list[str] = []
    errors: list[str] = []

    def local_only(route: Route) -> None:
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900},
                                          service_workers="block")
            context.route("**/*", local_only)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(server)
            panel = page.locator("#th-panel")
            verdict = page.locator("#th-verdict")
            # The app opens on China–DPRK 1961 in the Korean scenario at a = 2.
            expect(verdict).to_contain_text("binding", timeout=30_000)

            # An exempt treaty: the verdict does not move with a, and tying hands is cheap talk.
            show(page, "sino-soviet-1950", "sino-indian-1962")
            expect(verdict).to_contain_text("irrelevant_exempt", timeout=WAIT)
            move(page, "End")
            expect(panel).to_have_attribute("data-a", re.compile(r"^[1-9]"), timeout=WAIT)
            expect(verdict).to_contain_text("irrelevant_exempt")
            page.get_by_role("tab", name="Signalling game").click()
            signalling = page.get_by_role("tabpanel", name="Signalling game")
            expect(signalling.locator("#th-informative")).to_have_text("no", timeout=WAIT)
            expect(signalling.locator("#th-regions")).to_be_visible()
            page.get_by_role("tab", name="Deterrence game").click()

            # China–DPRK 1961: across a* = 6/5 the verdict flips.
            show(page, "china-dprk-1961", "korea-dprk-attacked")
            expect(panel).to_have_attribute("data-a", "2", timeout=WAIT)
            move(page, "Home")  # a = 0 < a*
            expect(panel).to_have_attribute("data-a", "0", timeout=WAIT)
            expect(verdict).to_contain_text("insufficient", timeout=WAIT)
            below = verdict.inner_text()
            expect(page.locator("#th-threshold")).to_contain_text("6/5 (1.2)")
            move(page, *["ArrowRight"] * 15)  # a = 3/2 > a*
            expect(panel).to_have_attribute("data-a", "3/2", timeout=WAIT)
            expect(verdict).to_contain_text("binding", timeout=WAIT)
            above = verdict.inner_text()
            assert "insufficient" in below and "binding" in above and below != above

            tree = page.get_by_role("tabpanel", name="Deterrence game").locator("#th-tree")
            expect(tree).to_be_visible(timeout=WAIT)
            expect(tree).to_have_js_property("complete", True)
            slider(page).blur()
            page.mouse.move(0, 0)
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert blocked == [], f"requests outside 127.0.0.1 (blocked): {blocked}"
    assert errors == [], f"errors in the page: {errors}"
    assert SCREENSHOT.read_bytes()[:4] == b"\x89PNG"


def slider(page: Any) -> Any:
    """The audience-cost slider (a Radix slider in marimo's shadow DOM, found by its label)."""
    return page.get_by_role("slider", name=cr.SLIDERS["a"])


def move(page: Any, *keys: str) -> None:
    """Press keys on the audience-cost slider (it has no <input>, so no fill())."""
    handle = slider(page)
    handle.focus()
    for key in keys:
        page.keyboard.press(key)


def show(page: Any, treaty: str, scenario: str) -> None:
    """Choose a treaty and a scenario in the dropdowns (native <select>s), and wait until the
    page shows them: the panel and the sliders are one output, so the sliders are new too."""
    from playwright.sync_api import expect

    panel = page.locator("#th-panel")
    for label, choices, identifier in (("Treaty", cr.treaty_choices(), treaty),
                                       ("Scenario", cr.scenario_choices(), scenario)):
        page.get_by_role("combobox", name=label).select_option(
            cr.choice_label(choices, identifier))
        expect(panel).to_have_attribute(f"data-{label.lower()}", identifier, timeout=WAIT)
    expect(panel).to_have_attribute("data-treaty", treaty)
