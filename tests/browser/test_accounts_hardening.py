"""Issue 17, items 3 and 4, in the browser (axe on every screen): an imported employee sets
their password from the invitation; the lock-out message; a staff member enrols an
authenticator app and signs in with a code."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lms.demo.people import DEMO_PASSWORD
from lms.organisation import roster
from lms.organisation.services import accounts, roster_import
from tests.browser.pages import AdminLoginScreen, LoginScreen, SecondFactorScreen, totp_code

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-much-longer-passphrase-2026"


def test_an_imported_employee_sets_their_password_from_the_invitation(demo, page, axe):
    header = ",".join(roster.COLUMNS)
    content = f"{header}\nE-9001,Marisol,Baca,e-9001@cabq.example,PARKS,Lifeguard,2024-05-01,true\n"
    roster_import.roster_import_apply(plan=roster.roster_validate(content=content.encode()))
    user = get_user_model().objects.get(username="e-9001")
    accounts.account_invitation_send(user=user, sent_by=None)
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", mail.outbox[-1].body)[1]

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    expect(page.get_by_text("e-9001", exact=True)).to_be_visible()
    axe(page)
    page.get_by_label(re.compile(r"New password(?! confirmation)")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"New password confirmation")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")
    axe(page)

    page.locator("#main-content").get_by_role("link", name="Log in").click()
    LoginScreen(page).log_in("e-9001", NEW_PASSWORD)
    expect(page).not_to_have_url(re.compile("/accounts/login/"))

    # The link worked once: opened again, it explains itself.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This invitation link no longer works"
    )
    axe(page)


def test_the_lock_out_message_after_five_failures(demo, page, axe):
    login = LoginScreen(page).open()
    for n in range(4):
        login.log_in("employee02", f"wrong-{n}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    axe(page)
    login.log_in("employee02", "wrong-5")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    expect(page.get_by_role("alert")).to_contain_text("paused for 15 minutes")
    axe(page)
    # The right password is refused while the pause lasts.
    login.open().log_in("employee02", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    # The admin's login is paused for the same address too.
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("oei.admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")


def test_a_staff_member_enrols_an_authenticator_and_signs_in_with_a_code(demo, page, axe):
    admin_login = AdminLoginScreen(page).open()
    page.get_by_label("Username").fill("legal.reviewer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/second-factor/enrol/"))
    second = SecondFactorScreen(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    axe(page)
    # The admin waits for the second factor.
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/second-factor/enrol/"))

    expect(page.get_by_label("Code from your authenticator app")).to_be_visible()
    second.enter("000000")
    expect(page.locator(".usa-error-message")).to_contain_text("This code is not right")
    axe(page)
    TOTPDevice.objects.filter(user__username="legal.reviewer").update(
        throttling_failure_timestamp=None
    )
    second.enrol()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert TOTPDevice.objects.get(user__username="legal.reviewer").confirmed

    page.context.clear_cookies()
    admin_login.open()
    page.get_by_label("Username").fill("legal.reviewer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/second-factor/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    axe(page)
    device = TOTPDevice.objects.get(user__username="legal.reviewer")
    second.enter(totp_code(device.bin_key, after=device.last_t))
    page.wait_for_url(re.compile(r"/admin/$"))
