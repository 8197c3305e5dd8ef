"""The signed-in header fits from 1024 to 1440 px in English and Spanish (issue 20): it
wrapped its labels onto two lines at 1280 px (three for the site name as OEI)."""

import pytest
from playwright.sync_api import Page

from lms.demo.people import DEMO_PASSWORD
from tests.browser.pages import LoginScreen, Screen

pytestmark = pytest.mark.browser

OEI = "oei.admin"  # the most sections in the menu

#: Each label of the header: its lines of text, and whether the page scrolls sideways.
MEASURE = """() => {
  const lines = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return {text: element.innerText.trim(), lines: tops.size};
  };
  const labels = [...document.querySelectorAll(
    ".usa-nav__primary .usa-nav-link, .lms-brand__city, .lms-brand__site, .lms-user," +
    " .lms-nav-secondary-link, .lms-nav-button, .lms-language .usa-label"
  )].filter((element) => element.offsetParent !== null);
  return {
    labels: labels.map(lines),
    sideways: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


def test_every_header_label_is_on_one_line(page: Page, demo):
    LoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    for language in ("en", "es"):
        page.set_viewport_size({"width": 1280, "height": 900})
        Screen(page).choose_language(language)
        for width in (1024, 1280, 1440):
            page.set_viewport_size({"width": width, "height": 900})
            measured = page.evaluate(MEASURE)
            assert not measured["sideways"], (language, width)
            assert len(measured["labels"]) >= 8, measured
            wrapped = [label["text"] for label in measured["labels"] if label["lines"] > 1]
            assert wrapped == [], (language, width, wrapped)
