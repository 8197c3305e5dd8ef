"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from the
test itself are safe here because the live server runs in its own thread.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

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
#: The axe-core tag sets every screen passes: WCAG 2.0, 2.1 and 2.2 A/AA, and best practice.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: The viewports every screen is checked at: a desktop and a phone (width, height).
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 375, "height": 812}
#: The narrowest width the page must reflow to without scrolling sideways (WCAG 1.4.10).
REFLOW_WIDTH = 320

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: Pages whose HTML is the Wagtail admin's own, not the project's front end: not sent to the
#: Nu checker (axe still runs on the admin screens a test checks).
NOT_FRONT_END = ("/admin/", "/django-admin/")


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


class HtmlCollector:
    """Keeps the HTML the server sent for every front-end page the browser tests visit (the
    response body, before any script ran), for one run of the W3C Nu HTML checker at the end of
    the session (:func:`nu_html_checker`)."""

    def __init__(self):
        self.pages: dict[str, str] = {}  # "path (status)" -> HTML, the last one seen
        self.unread: list[str] = []  # pages whose body could not be read

    def record(self, response):
        request = response.request
        if request.resource_type != "document" or not request.is_navigation_request():
            return
        if "text/html" not in (response.headers.get("content-type") or ""):
            return
        if 300 <= response.status < 400:
            return
        path = urlsplit(response.url).path
        if path.startswith(NOT_FRONT_END):
            return
        try:
            body = response.text()
        except Exception:  # noqa: BLE001 - the page navigated away before its body was read
            self.unread.append(path)
            return
        self.pages[f"{path} ({response.status})"] = body


def run_nu_checker(pages: dict[str, str], folder: Path) -> list[str]:
    """Run vnu.jar once over every page's HTML; return its errors, one line each."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing for the W3C Nu HTML checker: run ./bin/setup --dev")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run ./bin/setup --dev (npm ci)")
    names = {}
    for number, (page, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{number:04d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = page
    command = [java, "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    command += ["--exit-zero-always", *[str(folder / name) for name in names]]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu HTML checker did not answer: {result.stdout}\n{result.stderr}")
    errors = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url") or ""
        page = names.get(url.rsplit("/", 1)[-1], url)
        errors.append(
            f"{page} line {message.get('lastLine')}: {message.get('message')}"
            f" [{(message.get('extract') or '').strip()}]"
        )
    return errors


@pytest.fixture(scope="session")
def html_pages():
    return HtmlCollector()


@pytest.fixture(scope="session", autouse=True)
def nu_html_checker(request, html_pages, tmp_path_factory):
    """At the end of the session, when browser tests ran: the W3C Nu HTML checker (vnu-jar from
    npm, run by Debian's Java, in one batch) reports no error on any front-end page visited."""
    yield
    if not html_pages.pages:
        # no browser test ran, or none of the pages they opened could be read: the latter is
        # a broken check, not a pass
        assert html_pages.unread == [], f"no page's HTML could be read: {html_pages.unread}"
        return
    errors = run_nu_checker(html_pages.pages, tmp_path_factory.mktemp("nu-html"))
    assert errors == [], (
        f"the Nu HTML checker found {len(errors)} errors on {len(html_pages.pages)} pages:\n"
        + "\n".join(errors)
    )


@pytest.fixture
def open_tab(browser, live_server, html_pages):
    """Opens a browser tab on the live server, each in a context of its own (one person each,
    with their own cookies); the test fails if any page of any tab broke the CSP. Every
    front-end page a tab opens is kept for the Nu HTML checker."""
    contexts = []
    violations = []

    def open_tab():
        context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=DESKTOP)
        context.expose_binding("__reportCspViolation", lambda _, info: violations.append(info))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("response", html_pages.record)
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


#: What scrolls sideways at the page's width: the document itself, and every box whose content
#: is wider than it and that scrolls (or cuts) it without being a labelled region a keyboard
#: reaches (role="region" with a name and tabindex="0"), as WCAG 1.4.10 allows for a table.
SIDEWAYS = """
() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width + 1) {
    found.push(`the page is ${document.documentElement.scrollWidth} px wide for ${width}`);
  }
  for (const box of document.body.querySelectorAll("*")) {
    // visually hidden text (usa-sr-only and the like) is a 1 px box that cuts its content
    if (box.scrollWidth <= box.clientWidth + 1 || box.clientWidth <= 1) continue;
    const style = getComputedStyle(box);
    const overflow = style.overflowX;
    // visible overflow widens the page (caught above); an ellipsis shows the cut on purpose
    if (overflow === "visible" || style.textOverflow === "ellipsis") continue;
    const labelled = box.getAttribute("role") === "region" && box.tabIndex === 0 &&
      (box.getAttribute("aria-label") || box.getAttribute("aria-labelledby"));
    if (labelled && overflow !== "hidden" && overflow !== "clip") continue;
    const classes = typeof box.className === "string" ? box.className.trim() : "";
    const name = box.tagName.toLowerCase() + (box.id ? "#" + box.id : "") +
      (classes ? "." + classes.split(/\\s+/).join(".") : "");
    found.push(
      `${name}: ${box.scrollWidth} px of content in ${box.clientWidth} px (overflow-x: ${overflow})`
    );
  }
  return found;
}
"""


class AxeChecker:
    """Checks the current screen: axe-core (every tag set of :data:`AXE_TAGS`) at the desktop
    and the phone width, and no sideways scrolling at 320 px (nor content cut or scrolled
    outside a labelled region) at any of the three widths."""

    def __init__(self):
        self.axe = Axe()
        self.checked: list[str] = []

    def __call__(self, page):
        viewport = page.viewport_size or DESKTOP
        problems = []
        try:
            for size in (DESKTOP, PHONE):
                page.set_viewport_size(size)
                results = self.axe.run(
                    page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}
                )
                if results.violations_count:
                    problems.append(f"axe at {size['width']} px:\n{results.generate_report()}")
                problems += [f"at {size['width']} px: {item}" for item in page.evaluate(SIDEWAYS)]
            page.set_viewport_size({"width": REFLOW_WIDTH, "height": PHONE["height"]})
            problems += [f"at {REFLOW_WIDTH} px: {item}" for item in page.evaluate(SIDEWAYS)]
            if urlsplit(page.url).path.startswith(NOT_FRONT_END):
                # the Wagtail admin's own layout (its sidebar, breadcrumbs, editor) is Wagtail's:
                # axe runs on it, the reflow check on the project's front end only
                problems = [problem for problem in problems if problem.startswith("axe ")]
        finally:
            page.set_viewport_size(viewport)
        self.checked.append(page.url)
        assert problems == [], f"{page.url}:\n" + "\n".join(problems)


@pytest.fixture
def axe():
    return AxeChecker()
