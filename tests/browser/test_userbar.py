"""The Wagtail userbar (shown to people with access to the admin) covers no control of the
page on a phone (issue 20): at 375 px it sat over the department filter of OEI's dashboard,
its arrow included, wherever the page was scrolled to put the filter beside it."""

import pytest
from playwright.sync_api import Page, expect

from lms.demo.people import DEMO_PASSWORD
from tests.browser.conftest import PHONE
from tests.browser.pages import LoginScreen

pytestmark = pytest.mark.browser

OEI = "oei.admin"

#: The element ``selector`` put at every height of the window in turn (every 20 px, as far as
#: the page scrolls, wholly in the window): the points the browser finds at its centre and
#: along its middle line (every 8 px, 2 px in from each end) that are neither the element nor
#: inside it.
COVERED = """
(selector) => {
  const control = document.querySelector(selector);
  const covered = [];
  for (let top = 0; top < window.innerHeight; top += 20) {
    window.scrollTo(0, control.getBoundingClientRect().top + window.scrollY - top);
    const box = control.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) continue;  // not all in the window
    const y = box.top + box.height / 2;
    const xs = [box.left + box.width / 2];
    for (let x = box.left + 2; x <= box.right - 2; x += 8) xs.push(x);
    for (const x of xs) {
      const found = document.elementFromPoint(x, y);
      if (!found || (found !== control && !control.contains(found))) {
        covered.push(`(${Math.round(x)}, ${Math.round(y)}): ${found ? found.tagName : "nothing"}`);
      }
    }
  }
  return covered;
}
"""


def test_the_userbar_covers_not_the_department_filter_on_a_phone(page: Page, demo, axe):
    LoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/reports/")
    # OEI's administrator reaches the admin: the page shows them the userbar
    expect(page.locator("wagtail-userbar")).to_have_count(1)
    expect(page.locator("#wagtail-userbar-trigger")).to_be_visible()
    department = page.locator("#id_department")
    expect(department).to_be_visible()
    # the centre at the three usual places, and then every point of its middle line anywhere
    for block in ("start", "center", "end"):
        department.evaluate(f"(e) => e.scrollIntoView({{block: '{block}'}})")
        assert department.evaluate(
            """(e) => { const b = e.getBoundingClientRect();
                const found = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
                return !!found && (found === e || e.contains(found)); }"""
        ), block
    assert page.evaluate(COVERED, "#id_department") == []
    # the userbar is still there, and still opens, at the end of the page
    page.locator("#wagtail-userbar-trigger").scroll_into_view_if_needed()
    page.locator("#wagtail-userbar-trigger").click()
    expect(page.locator("#wagtail-userbar-items")).to_be_visible()
    page.keyboard.press("Escape")
    axe(page)
