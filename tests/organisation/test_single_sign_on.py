"""Single sign-on with City accounts (issue 17): against a real OpenID Connect provider.

The provider is npm's oidc-provider (tests/oidc/provider.mjs), started once per test session by
the ``oidc_provider`` fixture; the people it knows are in its ACCOUNTS. Each test drives the
whole code flow: the LMS's start view, the provider's sign-in (with ``requests``), and the LMS's
callback (Django's test client).
"""

import io
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.organisation import roles
from lms.organisation.backends import CityAccountBackend
from lms.organisation.models import AccountSignIn
from lms.organisation.services import sign_in
from tests.factories import PASSWORD, EmployeeFactory, UserFactory
from tests.lms.test_settings import run_django
from tests.oidc.fixtures import (
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    provider_sign_in,
    query_of,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
CALLBACK = "http://testserver/accounts/oidc/callback/"


@pytest.fixture
def ana(db):
    """The active employee the provider's "ana" names (by employee number E20001)."""
    return EmployeeFactory(
        employee_number="E20001",
        user__first_name="Ana",
        user__last_name="Activa",
        user__email="ana.active@cabq.example",
    )


def start(client, next_url=None) -> str:
    """Press "Sign in with City account": the provider's authorization URL."""
    url = reverse("oidc_authentication_init")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def sign_in_as(client, login, next_url=None):
    """The whole flow for the provider's account ``login``: the LMS's answer at the callback."""
    callback = provider_sign_in(start(client, next_url), login)
    return client.get(callback)


def signed_in(client):
    return "_auth_user_id" in client.session


def sign_in_record(user):
    return AccountSignIn.objects.filter(user=user).first()


# --- Off unless configured ---------------------------------------------------------------------


def test_without_configuration_the_login_page_is_as_before(client):
    html = client.get(reverse("login")).content.decode()
    assert "Sign in with City account" not in html
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
    employee = EmployeeFactory()
    response = client.post(
        reverse("login"), {"username": employee.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in(client)


def test_login_page_offers_the_city_account_first(client, sso):
    html = client.get(reverse("login") + "?next=/learn/").content.decode()
    button = html.index("Sign in with City account")
    assert button < html.index('name="password"')
    assert reverse("oidc_authentication_init") + "?next=/learn/" in html


def test_the_start_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, sso):
    authorize = start(client)
    assert authorize.startswith(f"{sso}/auth?")
    query = query_of(authorize)
    assert query["client_id"] == "lms-test"
    assert query["redirect_uri"] == CALLBACK
    assert query["state"] and query["nonce"]
    assert query["code_challenge_method"] == "S256"


# --- Who gets in ---------------------------------------------------------------------------------


def test_an_active_employee_signs_in_and_is_linked_and_keeps_the_rosters_name(client, sso, ana):
    response = sign_in_as(client, "ana", next_url="/learn/")
    assert response.status_code == 302
    assert response["Location"] == "/learn/"
    assert client.session["_auth_user_id"] == str(ana.user.pk)
    # Matched ignoring case (the token says e20001), linked to the provider's sub.
    assert sign_in_record(ana.user).oidc_subject == "3f6c1d0a-ana"
    ana.user.refresh_from_db()
    assert ana.user.get_full_name() == "Ana Activa"  # not "Name From The Token"
    assert ana.user.email == "ana.active@cabq.example"
    assert ModelLogEntry.objects.filter(action="lms.account.sso_link").count() == 1
    assert client.get("/learn/").status_code == 200


def test_signing_in_again_with_the_linked_account_works(client, sso, ana):
    sign_in_as(client, "ana")
    client.post(reverse("logout"))
    assert not signed_in(client)
    response = sign_in_as(client, "ana")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ana.user.pk)


def test_nobody_is_created_for_an_unknown_person(client, sso, ana):
    users = User.objects.count()
    response = sign_in_as(client, "uma")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your City account is not on the HR roster" in html
    assert 'role="alert"' in html
    assert not signed_in(client)
    assert User.objects.count() == users


def test_a_leaver_is_refused_while_the_provider_still_signs_them_in(client, sso):
    leaver = EmployeeFactory(employee_number="E20002", is_active=False)
    response = sign_in_as(client, "leo")
    assert response.status_code == 403
    assert "Your City account cannot sign in here" in response.content.decode()
    assert not signed_in(client)
    assert sign_in_record(leaver.user) is None


def test_a_deactivated_login_of_an_active_employee_is_refused_too(client, sso):
    EmployeeFactory(employee_number="E20002", user__is_active=False)
    response = sign_in_as(client, "leo")
    assert response.status_code == 403
    assert not signed_in(client)


def test_the_refusal_page_is_in_spanish_for_a_spanish_browser(client, sso):
    EmployeeFactory(employee_number="E20002", is_active=False)
    callback = provider_sign_in(start(client), "leo")
    response = client.get(callback, headers={"accept-language": "es"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'lang="es"' in html
    assert "Su cuenta de la Ciudad no puede iniciar sesión aquí" in html


def test_another_city_account_cannot_take_over_a_linked_employee(client, sso, ana):
    sign_in_as(client, "ana")
    client.post(reverse("logout"))
    response = sign_in_as(client, "impostor")  # another sub, Ana's employee number
    assert response.status_code == 403
    assert "linked to a different City account" in response.content.decode()
    assert not signed_in(client)
    assert sign_in_record(ana.user).oidc_subject == "3f6c1d0a-ana"


def test_a_linked_city_account_is_never_re_pointed_to_another_employee(
    client, sso, ana, provider_claims
):
    other = EmployeeFactory(employee_number="E20003")
    sign_in_as(client, "ana")
    client.post(reverse("logout"))
    provider_claims("ana", {"employee_number": "E20003"})  # Ana's sub now claims E20003
    response = sign_in_as(client, "ana")
    assert response.status_code == 403
    assert not signed_in(client)
    assert sign_in_record(other.user) is None
    assert sign_in_record(ana.user).oidc_subject == "3f6c1d0a-ana"


def test_two_employees_with_one_number_in_different_case_match_nobody(client, sso, ana):
    """An ambiguous claim lets nobody in rather than choosing one."""
    EmployeeFactory(employee_number="e20001")
    response = sign_in_as(client, "ana")
    assert response.status_code == 403
    assert not signed_in(client)


def test_matching_by_verified_email_ignores_case(client, sso, settings, ana):
    settings.OIDC_MATCH_KIND = settings.OIDC_MATCH_CLAIM = "email"
    response = sign_in_as(client, "ana")  # Ana.Active@cabq.example, verified
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ana.user.pk)


def test_an_unverified_email_matches_nobody(client, sso, settings, ana):
    settings.OIDC_MATCH_KIND = settings.OIDC_MATCH_CLAIM = "email"
    response = sign_in_as(client, "unverified")  # ana's address, email_verified false
    assert response.status_code == 403
    assert "did not confirm your email address" in response.content.decode()
    assert not signed_in(client)


# --- Forged and replayed answers ---------------------------------------------------------------


def test_a_tampered_state_is_refused(client, sso, ana):
    callback = provider_sign_in(start(client), "ana")
    query = query_of(callback)
    forged = f"{CALLBACK}?{urlencode({**query, 'state': query['state'][:-1] + 'x'})}"
    response = client.get(forged)
    assert response.status_code == 400
    assert "Signing in with your City account failed" in response.content.decode()
    assert not signed_in(client)
    assert sign_in_record(ana.user) is None


def test_a_replayed_code_is_refused(client, sso, ana):
    first = provider_sign_in(start(client), "ana")
    assert client.get(first).status_code == 302
    client.post(reverse("logout"))
    # A new sign-in starts (a fresh state in the session); the old code is sent back with it.
    state = query_of(start(client))["state"]
    replayed = f"{CALLBACK}?{urlencode({'code': query_of(first)['code'], 'state': state})}"
    response = client.get(replayed)
    assert response.status_code == 400
    assert not signed_in(client)


def test_the_same_callback_twice_is_refused(client, sso, ana):
    callback = provider_sign_in(start(client), "ana")
    assert client.get(callback).status_code == 302
    client.post(reverse("logout"))
    response = client.get(callback)
    assert response.status_code == 400
    assert not signed_in(client)


def test_a_code_issued_to_another_client_is_refused(client, sso, ana):
    authorize = start(client)
    other = authorize.replace("client_id=lms-test", f"client_id={OTHER_CLIENT_ID}")
    callback = provider_sign_in(other, "ana")
    response = client.get(callback)
    assert response.status_code == 400
    assert not signed_in(client)
    assert sign_in_record(ana.user) is None


def id_token_for(provider: str, client_id: str, client_secret: str, nonce: str) -> str:
    """An ID token for Ana issued by the provider to ``client_id`` (the code flow, by hand)."""
    authorize = f"{provider}/auth?" + urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "scope": "openid email",
            "redirect_uri": CALLBACK,
            "state": "s" * 16,
            "nonce": nonce,
        }
    )
    code = query_of(provider_sign_in(authorize, "ana"))["code"]
    response = requests.post(
        f"{provider}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": client_id,
            "client_secret": client_secret,
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id_token"]


def test_an_id_token_for_another_client_is_refused(sso):
    backend = CityAccountBackend()
    ours = id_token_for(sso, "lms-test", "lms-test-secret", nonce="n1")
    assert backend.verify_token(ours, nonce="n1")["sub"] == "3f6c1d0a-ana"
    theirs = id_token_for(sso, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, nonce="n2")
    with pytest.raises(SuspiciousOperation, match="another client"):
        backend.verify_token(theirs, nonce="n2")


def test_an_error_from_the_provider_is_refused_without_signing_in(client, sso, ana):
    state = query_of(start(client))["state"]
    response = client.get(CALLBACK, {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert not signed_in(client)


def test_an_unreachable_provider_is_a_clear_page_not_a_500(client, sso, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/"
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 503
    assert "Signing in with your City account failed" in response.content.decode()


# --- Local passwords -----------------------------------------------------------------------------


def test_password_login_of_a_non_local_account_is_refused_while_sso_is_on(client, sso, ana):
    response = client.post(reverse("login"), {"username": ana.user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "signs in with its City account" in response.content.decode()
    assert not signed_in(client)


def test_a_local_account_still_signs_in_with_its_password(client, sso, ana):
    sign_in.account_local_password_set(user=ana.user, local=True, changed_by=None)
    response = client.post(reverse("login"), {"username": ana.user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


def test_admin_login_of_a_non_local_staff_account_is_refused_while_sso_is_on(client, sso):
    oei = UserFactory(roles=[roles.OEI_ADMIN])
    url = reverse("wagtailadmin_login")
    response = client.post(url, {"username": oei.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "signs in with its City account" in response.content.decode()
    assert not signed_in(client)
    sign_in.account_local_password_set(user=oei, local=True, changed_by=None)
    response = client.post(url, {"username": oei.username, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


# --- Logout ---------------------------------------------------------------------------------------


def test_logout_ends_the_local_and_the_provider_session(client, sso, ana):
    sign_in_as(client, "ana")
    response = client.post(reverse("logout"))
    assert not signed_in(client)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{sso}/session/end?")
    query = query_of(location)
    assert query["client_id"] == "lms-test"
    assert query["post_logout_redirect_uri"] == "http://testserver/"
    # The provider accepts it (no session of its own here: it goes straight on to sign out).
    answer = requests.get(location, timeout=10)
    assert answer.status_code == 200
    assert "/session/end/confirm" in answer.text
    wrong = requests.get(location.replace("lms-test", OTHER_CLIENT_ID), timeout=10)
    assert wrong.status_code == 400


def test_logout_of_a_local_password_session_stays_local(client, sso, ana):
    sign_in.account_local_password_set(user=ana.user, local=True, changed_by=None)
    client.post(reverse("login"), {"username": ana.user.username, "password": PASSWORD})
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not signed_in(client)


def test_pages_let_the_logout_form_reach_the_provider_only_when_sso_is_on(client, settings):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "form-action 'self';" in policy + ";"
    settings.OIDC_DISCOVERY_URL = "https://login.example.org/tenant/v2.0"
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "form-action 'self' https://login.example.org" in policy


# --- Who marks an account local ------------------------------------------------------------------


def edit_post(user, **overrides):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        **overrides,
    }
    return {k: v for k, v in data.items() if v not in ("", None)}


def is_local(user) -> bool:
    record = sign_in_record(user)
    return bool(record and record.local_password)


def test_oei_marks_an_employee_account_local_and_back(client):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    employee = EmployeeFactory().user
    url = reverse("wagtailusers_users:edit", args=[employee.pk])
    assert "local_password" in client.get(url).context["form"].fields
    assert "Local account" in client.get(url).content.decode()
    response = client.post(url, edit_post(employee, local_password="on"))
    assert response.status_code == 302
    assert is_local(employee)
    assert ModelLogEntry.objects.filter(action="lms.account.local_password").count() == 1
    response = client.post(url, edit_post(employee))
    assert response.status_code == 302
    assert not is_local(employee)


def test_oei_creates_a_local_account(client):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "contractor",
            "email": "contractor@example.org",
            "first_name": "Con",
            "last_name": "Tractor",
            "local_password": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_local(User.objects.get(username="contractor"))


@pytest.mark.parametrize("target_role", [roles.OEI_ADMIN, roles.CONTENT_EDITOR])
def test_oei_cannot_mark_a_staff_account_local(client, target_role):
    oei = UserFactory(roles=[roles.OEI_ADMIN])
    client.force_login(oei)
    staff = UserFactory(roles=[target_role])
    for target in (staff, oei):  # another staff member's account, or its own
        url = reverse("wagtailusers_users:edit", args=[target.pk])
        response = client.post(url, edit_post(target, local_password="on"))
        assert response.status_code in (302, 403)
        assert not is_local(target)


def test_an_editor_cannot_mark_anyone_local(client):
    client.force_login(UserFactory(roles=[roles.CONTENT_EDITOR]))
    employee = EmployeeFactory().user
    url = reverse("wagtailusers_users:edit", args=[employee.pk])
    response = client.post(url, edit_post(employee, local_password="on"))
    assert response.status_code in (302, 403)
    assert not is_local(employee)


def test_a_superuser_marks_a_staff_account_local(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    reviewer = UserFactory(roles=[roles.LEGAL_REVIEWER])
    url = reverse("wagtailusers_users:edit", args=[reviewer.pk])
    response = client.post(url, edit_post(reviewer, local_password="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_local(reviewer)


def test_the_sub_is_stored_once_and_a_link_never_moves(db):
    first, second = EmployeeFactory().user, EmployeeFactory().user
    sign_in.account_city_link(user=first, subject="sub-1")
    sign_in.account_city_link(user=first, subject="sub-1")
    with pytest.raises(sign_in.LinkRefused):
        sign_in.account_city_link(user=first, subject="sub-2")
    with pytest.raises(sign_in.LinkRefused):
        sign_in.account_city_link(user=second, subject="sub-1")
    assert sign_in_record(first).oidc_subject == "sub-1"
    assert not AccountSignIn.objects.filter(user=second, oidc_subject__isnull=False).exists()
    assert urlsplit(CALLBACK).path == reverse("oidc_authentication_callback")


def test_the_operator_marks_the_first_superuser_local_from_the_shell(client, sso):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    login = {"username": "root", "password": PASSWORD}
    assert client.post(reverse("wagtailadmin_login"), login).status_code == 200
    out = io.StringIO()
    call_command("account_local_password", "root", stdout=out)
    assert "root is local" in out.getvalue()
    assert is_local(admin)
    assert client.post(reverse("wagtailadmin_login"), login).status_code == 302
    call_command("account_local_password", "root", "--off", stdout=out)
    assert not is_local(admin)
    with pytest.raises(CommandError):
        call_command("account_local_password", "nobody")


# --- Configuration -------------------------------------------------------------------------------


def test_settings_read_single_sign_on_from_the_environment():
    code = (
        "from django.conf import settings; print(settings.OIDC_DISCOVERY_URL, "
        "settings.OIDC_RP_CLIENT_ID, settings.OIDC_MATCH_KIND, settings.OIDC_MATCH_CLAIM)"
    )
    on = run_django(
        code,
        "lms.settings.dev",
        OIDC_DISCOVERY_URL="https://login.example.org/tenant/v2.0",
        OIDC_CLIENT_ID="training",
        OIDC_CLIENT_SECRET="s3cret",
        OIDC_MATCH_KIND="email",
    )
    assert on.returncode == 0, on.stderr
    assert on.stdout.split() == [
        "https://login.example.org/tenant/v2.0",
        "training",
        "email",
        "email",
    ]
    off = run_django(code, "lms.settings.dev")
    assert off.returncode == 0, off.stderr
    assert off.stdout.split() == ["employee_number", "employee_number"]


def test_settings_refuse_an_incomplete_single_sign_on_configuration():
    no_secret = run_django(
        "", "lms.settings.dev", OIDC_DISCOVERY_URL="https://idp.example.org", OIDC_CLIENT_ID="x"
    )
    assert no_secret.returncode != 0
    assert "OIDC_CLIENT_SECRET" in no_secret.stderr
    bad_kind = run_django("", "lms.settings.dev", OIDC_MATCH_KIND="name")
    assert bad_kind.returncode != 0
    assert "OIDC_MATCH_KIND" in bad_kind.stderr


def test_a_city_account_sign_in_switches_to_the_employees_language(client, sso, ana):
    ana.preferred_language = "es"
    ana.save()
    response = sign_in_as(client, "ana")
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:my_training")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
