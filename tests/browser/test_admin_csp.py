"""Wagtail's admin works under the Content-Security-Policy (issue 14): a superuser signs in and
walks the admin's main screens; the page fixture fails the test on any CSP violation, and each
screen's own JavaScript runs (Wagtail's Stimulus controllers connect)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from courses.models import CoursePage
from tests.browser.pages import AdminLoginScreen

pytestmark = pytest.mark.browser

PASSWORD = "csp-walk-1234"


def test_a_superuser_walks_the_admin_without_a_csp_violation(page, demo):
    get_user_model().objects.create_superuser("csp.admin", "csp@cabq.example", PASSWORD)
    course = CoursePage.objects.live().filter(locale__language_code="en").first()
    AdminLoginScreen(page).open().log_in("csp.admin", PASSWORD)
    screens = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{course.pk}/",
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{course.pk}/history/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/snippets/",
        "/admin/users/",
        "/admin/reports/site-history/",
        "/admin/reports/site-history/?timestamp_from=2026-01-01",
        "/admin/reports/guidance-coverage/",
        # an inline panel (clauses) and a date picker, whose inline scripts carry the nonce
        "/admin/snippets/courses/guidancedocument/add/",
    ]
    for url in screens:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        # Wagtail's own scripts ran: its Stimulus application marks controllers it connected.
        assert page.evaluate("Boolean(window.Stimulus || window.wagtail)"), url
    # a clause added to the inline panel runs the new form's scripts under the policy too
    page.goto("/admin/snippets/courses/guidancedocument/add/")
    page.get_by_role("button", name="Add clause").first.click()
    page.wait_for_load_state("networkidle")
    # the page editor's side panel and its inline scripts (date pickers) work
    page.goto(f"/admin/pages/{course.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()
