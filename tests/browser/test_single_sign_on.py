"""Sign in with a City account, end to end in the browser (issue 17).

The identity provider is a real one (npm's oidc-provider, tests/oidc/provider.mjs); the new hire
comes into the LMS through the real HR roster import, as on their first day.
"""

from django.utils import timezone
from playwright.sync_api import expect

from lms.compliance.models import Assignment
from lms.organisation import roster
from lms.organisation.models import AccountSignIn, Employee
from lms.organisation.services import roster_import
from tests.browser.pages import (
    CityAccountLoginScreen,
    MyTrainingScreen,
    ProviderSignOutScreen,
    Screen,
)

ROSTER = """employee_number,first_name,last_name,email,department_code,job_title,hire_date,active
E20001,Ana,Activa,ana.active@cabq.example,PARKS,Park ranger,{today},true
E20002,Leo,Leaver,leo.leaver@cabq.example,PARKS,Gardener,2019-04-01,false
"""


def import_roster():
    content = ROSTER.format(today=timezone.localdate().isoformat()).encode()
    plan = roster.roster_validate(content=content)
    assert plan.is_valid, plan.errors
    roster_import.roster_import_apply(plan=plan)


def sign_in(page, axe, username):
    login = CityAccountLoginScreen(page).open()
    axe(page)
    provider = login.sign_in_with_city_account()
    axe(page)
    provider.sign_in(username)


def test_a_new_hire_signs_in_with_their_city_account_and_sees_their_training(demo, sso, page, axe):
    import_roster()
    ana = Employee.objects.get(employee_number="E20001")
    assert Assignment.objects.filter(employee=ana).exists()  # the import assigned training

    sign_in(page, axe, "ana")
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")
    axe(page)
    assigned = page.locator('section[aria-labelledby="assigned-heading"] tbody tr')
    expect(assigned.first).to_be_visible()
    assert assigned.count() >= 1
    assert AccountSignIn.objects.get(user=ana.user).oidc_subject == "3f6c1d0a-ana"
    expect(page.get_by_text("Name From The Token")).to_have_count(0)

    # Logging out ends the provider's session too, then comes back to the LMS.
    Screen(page).log_out()
    ProviderSignOutScreen(page).confirm()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    axe(page)
    # Signing in again asks for the City account's password again: its session ended too.
    CityAccountLoginScreen(page).open().sign_in_with_city_account()
    expect(page.get_by_label("Password")).to_be_visible()
    axe(page)


def test_a_leaver_and_an_unknown_person_are_refused(demo, sso, open_tab, axe):
    import_roster()
    leaver = open_tab()
    sign_in(leaver, axe, "leo")
    expect(leaver.get_by_role("heading", level=1)).to_have_text(
        "Your City account cannot sign in here"
    )
    expect(leaver.get_by_role("alert")).to_contain_text("no longer working for the City")
    axe(leaver)
    MyTrainingScreen(leaver).open()
    expect(leaver.get_by_role("heading", level=1)).to_have_text("Log in")

    stranger = open_tab()
    sign_in(stranger, axe, "uma")
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Your City account is not on the HR roster"
    )
    axe(stranger)
    stranger.get_by_role("link", name="Back to the login page").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Log in")
    assert not AccountSignIn.objects.filter(oidc_subject__isnull=False).exists()
