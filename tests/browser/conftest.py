"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from the
test itself are safe here because the live server runs in its own thread.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run ./bin/test to install it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy refused; the script is added by the browser
# before the page's own, so the policy does not apply to it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    page: location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: `${event.sourceFile}:${event.lineNumber}`,
  });
});
"""


@pytest.fixture
def open_tab(browser, live_server):
    """Opens a browser tab on the live server, each in a context of its own (one person each,
    with their own cookies); the test fails if any page of any tab broke the CSP."""
    contexts = []
    violations = []

    def open_tab():
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.expose_binding("__reportCspViolation", lambda _, info: violations.append(info))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        return tab

    yield open_tab
    for context in contexts:
        context.close()  # a context a test closed already stays closed
    assert violations == [], f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(open_tab):
    """A browser tab on the live server; the test fails if any page broke the CSP."""
    return open_tab()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo city. A transactional test flushes Wagtail's root page and Site after each
    test; load_demo puts the root, the Site, the roles and the content back. As ./bin/run
    does, the pages say the demo courses are sample content (LMS_SAMPLE_CONTENT_NOTICE)."""
    settings.LMS_SAMPLE_CONTENT_NOTICE = True
    call_command("load_demo", verbosity=0)


class AxeChecker:
    """Runs axe-core on the current page and fails on any WCAG 2.1 A/AA violation."""

    def __init__(self):
        self.axe = Axe()
        self.checked: list[str] = []

    def __call__(self, page):
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        self.checked.append(page.url)
        assert results.violations_count == 0, (
            f"axe found violations on {page.url}:\n{results.generate_report()}"
        )


@pytest.fixture
def axe():
    return AxeChecker()
