"""OEI looks after an employee's login in the admin (issue 14): from the users list it sends a
password reset, and the browser fetches nothing from outside the site on the way."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from lms.demo.people import DEMO_PASSWORD
from tests.browser.pages import AdminLoginScreen

pytestmark = pytest.mark.browser


def test_oei_sends_a_password_reset_and_nothing_leaves_the_site(demo, page, live_server, axe):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    employee = get_user_model().objects.get(username="employee01")

    AdminLoginScreen(page).open().log_in("oei.admin", DEMO_PASSWORD)
    page.goto("/admin/users/?q=employee01")
    row = page.get_by_role("row").filter(has_text="employee01")
    row.get_by_role("button", name=re.compile("More options")).click()
    row.get_by_role("link", name="Send password reset").click()
    page.wait_for_url(re.compile(rf"/admin/organisation/users/{employee.pk}/password-reset/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Send password reset")
    axe(page)
    page.get_by_role("button", name="Send password reset").click()
    page.wait_for_url(re.compile(r"/admin/users/$"))
    expect(page.get_by_text(f"A password reset link was sent to {employee.email}.")).to_be_visible()

    assert [message.to for message in mail.outbox] == [[employee.email]]
    # The dashboard and the account page, where the avatars show, load nothing outside either.
    page.goto("/admin/")
    page.goto("/admin/account/")
    outside = [url for url in requests if not url.startswith((live_server.url, "data:"))]
    assert outside == []
