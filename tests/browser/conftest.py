"""Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser), with
axe-core checking every page a journey visits against WCAG 2.2 AA."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

AXE_SOURCE = (Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not executable:
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        # Chromium's calls to Google are refused on a closed network: switch them off.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


class Journey:
    """A browser page that checks every page it reaches: no accessibility violations and
    no errors in the console (a Content Security Policy refusal shows there)."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response.status == status
        if status >= 400:  # the browser reports the page's own status as an error
            self.errors = [e for e in self.errors if f"status of {status}" not in e]
        self.check()

    def check(self) -> None:
        result = self._axe()
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} on {self.page.url})"
            for v in result["violations"]
        ]
        assert violations == []
        assert self.errors == [], self.errors

    def _axe(self) -> dict:
        """Run axe on the page the last step led to. A click that submits a form or follows
        a link returns before the browser has swapped documents, so axe can start on the old
        page and lose it midway: wait for the new one to load and run it again there."""
        attempts = 3
        while True:
            self.page.wait_for_load_state()
            try:
                self.page.evaluate(AXE_SOURCE)
                return self.page.evaluate(
                    "async (tags) => await axe.run(document, "
                    "{runOnly: {type: 'tag', values: tags}})",
                    WCAG_TAGS,
                )
            except PlaywrightError:
                attempts -= 1
                if not attempts:
                    raise


@pytest.fixture
def journey(page, live_server):
    return Journey(page, live_server.url)
