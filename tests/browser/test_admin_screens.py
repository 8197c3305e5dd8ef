"""Every admin screen the project adds to Wagtail (issue 20): its snippets, its own views, its
model viewsets and its settings, each visited with axe (every tag set, at 1280 and 375 px), the
reflow check at 320 px (no sideways scrolling except inside a labelled, keyboard-scrollable
region, and nothing cut by a box that hides what overflows it), and with what its
Content-Security-Policy refused. Every screen has no finding at all: what Wagtail's own markup
had is fixed in the project (docs/accessibility.md, "Admin screens the project adds")."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from certificates.models import CertificateSettings
from courses.models import CoursePage, GuidanceDocument
from lms.compliance.models import TrainingRequirement
from lms.demo.people import DEMO_PASSWORD
from lms.models import OrganisationSettings
from lms.organisation.models import Department, Employee, RosterFeedSettings
from lms.reminders.models import ReminderPolicy
from tests.browser.conftest import (
    AXE_TAGS,
    DESKTOP,
    PHONE,
    REFLOW_WIDTH,
    REPORT_CSP_VIOLATIONS,
    SIDEWAYS,
)
from tests.browser.pages import AdminLoginScreen

pytestmark = pytest.mark.browser

AXE = Axe()


def snippet_screens(model) -> list[str]:
    meta = model._meta
    name = f"wagtailsnippets_{meta.app_label}_{meta.model_name}"
    first = model.objects.order_by("pk").first()
    return [
        reverse(f"{name}:list"),
        reverse(f"{name}:add"),
        reverse(f"{name}:edit", args=[first.pk]),
    ]


def setting_screen(model) -> str:
    return reverse("wagtailsettings:edit", args=[model._meta.app_label, model._meta.model_name])


def oei_screens() -> list[str]:
    """The screens OEI's administrator works in."""
    user = Employee.objects.order_by("pk").first().user_id
    return [
        *snippet_screens(TrainingRequirement),
        *snippet_screens(Department),
        *snippet_screens(Employee),
        reverse("organisation_roster:upload"),
        reverse("organisation_roster_feed:index"),
        reverse("organisation_users:password_reset", args=[user]),
        reverse("organisation_users:invitation", args=[user]),
        reverse("guidance_coverage"),
        reverse("reminder-log:index"),
        reverse("reminder-digest:index"),
        *[
            setting_screen(model)
            for model in (
                OrganisationSettings,
                RosterFeedSettings,
                ReminderPolicy,
                CertificateSettings,
            )
        ],
    ]


def editor_screens() -> list[str]:
    """The screens the content editor works in."""
    course = CoursePage.objects.filter(locale__language_code="en").order_by("pk").first()
    return [
        *snippet_screens(GuidanceDocument),
        reverse("course_new_edition", args=[course.pk]),
    ]


#: A form field whose own value or options are wider than it: it scrolls inside itself, as
#: every text box does; the page around it does not move.
FIELD = re.compile(r"^(input|select|textarea)[#.]")

#: What is cut at the page's width: every control, heading or line of text the page shows
#: whose box reaches past the window's sides, or past an ancestor that hides (or clips) what
#: overflows it sideways. Such content cannot be reached at all (WCAG 1.4.10), unlike content
#: a labelled region lets one scroll to. Visually hidden text (a 1 px box) and content hidden
#: on purpose (display, visibility, inert, behind the closed sidebar) are not shown, so not cut.
CUT = """
() => {
  const width = document.documentElement.clientWidth;
  const shown = (element) => element.checkVisibility({visibilityProperty: true}) &&
    !element.closest("[inert], [aria-hidden='true']");
  const name = (box) => {
    const classes = typeof box.className === "string" ? box.className.trim() : "";
    return box.tagName.toLowerCase() + (box.id ? "#" + box.id : "") +
      (classes ? "." + classes.split(/\\s+/).join(".") : "");
  };
  const found = [];
  const selector = "a[href], button, input, select, textarea, summary, [tabindex], " +
    "h1, h2, h3, h4, h5, h6, label, p, li, td, th";
  for (const element of document.body.querySelectorAll(selector)) {
    const rect = element.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1 || !shown(element)) continue;
    if (rect.right <= 0 && element.closest("aside, .sidebar, [data-side-panel]")) continue;
    // inside a labelled region a keyboard scrolls sideways: reached by scrolling it
    const region = element.closest("[role='region'][tabindex='0']");
    if (region && ["auto", "scroll"].includes(getComputedStyle(region).overflowX) &&
        (region.getAttribute("aria-label") || region.getAttribute("aria-labelledby"))) continue;
    const [left, right] = [Math.round(rect.left), Math.round(rect.right)];
    if (rect.left < -1 || rect.right > width + 1) {
      found.push(`${name(element)}: ${left} to ${right} px, outside the ${width} px window`);
      continue;
    }
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX !== "hidden" && style.overflowX !== "clip") continue;
      if (style.textOverflow === "ellipsis") break;
      const outer = box.getBoundingClientRect();
      if (rect.left < outer.left - 1 || rect.right > outer.right + 1) {
        const [from, to] = [Math.round(outer.left), Math.round(outer.right)];
        found.push(`${name(element)}: ${left} to ${right} px, cut by ${name(box)} (${from}-${to})`);
        break;
      }
    }
  }
  return found;
}
"""


def findings(page) -> dict[str, list[str]]:
    """axe's rules violated at 1280 and 375 px; at 320 px what scrolls sideways (wide fields
    told apart: they scroll inside themselves) and what is cut."""
    violated = set()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        results = AXE.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violated |= {violation["id"] for violation in results.response["violations"]}
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": PHONE["height"]})
    sideways = page.evaluate(SIDEWAYS)
    cut = page.evaluate(CUT)
    page.set_viewport_size(DESKTOP)
    found = {
        "axe": sorted(violated),
        "scrolls sideways": sorted(item for item in sideways if not FIELD.match(item)),
        "cut": cut,
    }
    return {key: value for key, value in found.items() if value}


def visit(browser, live_server, username: str, screens: list[str]) -> dict:
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=DESKTOP)
    violations = []
    context.expose_binding("__reportCspViolation", lambda _, info: violations.append(info))
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        AdminLoginScreen(page).open().log_in(username, DEMO_PASSWORD)
        seen = {}
        for url in screens:
            response = page.goto(url)
            assert response.status == 200, url
            assert page.url.endswith(url) or "/settings/" in url, (url, page.url)
            name = re.sub(r"/\d+/", "/<id>/", url)
            seen[name] = findings(page)
            csp = sorted({f"{v['directive']} {v['blocked']} at {v['source']}" for v in violations})
            if csp:
                seen[name]["csp"] = csp
            violations.clear()
        return seen
    finally:
        context.close()


def test_every_admin_screen_the_project_adds_is_checked(browser, live_server, demo):
    seen = visit(browser, live_server, "oei.admin", oei_screens())
    seen |= visit(browser, live_server, "editor", editor_screens())
    assert len(seen) == len(oei_screens()) + len(editor_screens())
    found = {name: found for name, found in seen.items() if found}
    assert found == {}, "\n".join(f"{name}: {value}" for name, value in found.items())
