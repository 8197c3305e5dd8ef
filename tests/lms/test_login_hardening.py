"""Issue 17, item 4: failed sign-ins throttled (django-axes), a second factor for staff who sign
in with a password (django-otp), idle sessions end, no gravatar."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.organisation import roles
from tests.factories import PASSWORD, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def attempt(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def without_nonces(html: bytes) -> str:
    """The page without what differs on every response (CSP nonces, CSRF tokens)."""
    html = re.sub(r'nonce="[^"]*"', "", html.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- Lock-out ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, url):
    user = EmployeeFactory(user__username="rosa").user
    if url == ADMIN_LOGIN:
        user.groups.add(*roles_groups(roles.OEI_ADMIN))
    answers = [attempt(client, url, "rosa", f"wrong-{n}") for n in range(30)]
    assert [answer.status_code for answer in answers[:4]] == [200] * 4
    assert {answer.status_code for answer in answers[5:]} == {429}

    right = attempt(client, url, "rosa", PASSWORD)

    assert right.status_code == 429
    assert not signed_in(client)
    assert "Sign-in paused" in right.content.decode()
    assert "15 minutes" in right.content.decode()
    assert right["Retry-After"] == "900"


def test_the_fifth_failure_locks_and_the_fourth_does_not(client):
    EmployeeFactory(user__username="rosa")
    for n in range(4):
        attempt(client, SITE_LOGIN, "rosa", f"wrong-{n}")
    assert attempt(client, SITE_LOGIN, "rosa", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for n in range(5):
        attempt(client, SITE_LOGIN, "rosa", f"wrong-{n}")
    assert attempt(client, SITE_LOGIN, "rosa", PASSWORD).status_code == 429


def test_the_lockout_page_is_the_same_for_existing_and_unknown_accounts():
    EmployeeFactory(user__username="rosa")
    pages = []
    for number, username in enumerate(["rosa", "nobody-at-all"]):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 10}")
        for n in range(5):
            attempt(client, SITE_LOGIN, username, f"wrong-{n}")
        locked = attempt(client, SITE_LOGIN, username, "still-wrong")
        assert locked.status_code == 429
        pages.append(without_nonces(locked.content))
    assert pages[0] == pages[1]
    assert "rosa" not in pages[0] and "nobody-at-all" not in pages[1]


def test_failures_lock_the_account_whichever_address_they_come_from():
    EmployeeFactory(user__username="rosa")
    for n in range(5):
        attempt(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), SITE_LOGIN, "rosa", "wrong")
    fresh = Client(REMOTE_ADDR="203.0.113.9")
    assert attempt(fresh, SITE_LOGIN, "rosa", PASSWORD).status_code == 429
    assert not signed_in(fresh)


def test_failures_from_one_address_lock_that_address_for_every_account():
    EmployeeFactory(user__username="rosa")
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(5):
        attempt(attacker, SITE_LOGIN, f"guess-{n}", "wrong")
    assert attempt(attacker, SITE_LOGIN, "rosa", PASSWORD).status_code == 429
    # Rosa herself, from her own address, is not locked out.
    assert (
        attempt(Client(REMOTE_ADDR="203.0.113.9"), SITE_LOGIN, "rosa", PASSWORD).status_code == 302
    )


def test_behind_the_proxy_the_client_address_is_the_proxys_last_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    EmployeeFactory(user__username="rosa")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):
        # The client claims a different address each time; only the proxy's entry counts.
        attacker = Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7", **proxy)
        attempt(attacker, SITE_LOGIN, f"guess-{n}", "wrong")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    attacker = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert attempt(attacker, SITE_LOGIN, "rosa", PASSWORD).status_code == 429
    # Another client behind the same proxy is not locked out.
    neighbour = Client(HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert attempt(neighbour, SITE_LOGIN, "rosa", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off():
    EmployeeFactory(user__username="rosa")
    client = Client()
    for n in range(5):
        attempt(client, SITE_LOGIN, "rosa", f"wrong-{n}")
    assert attempt(client, SITE_LOGIN, "rosa", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert attempt(client, SITE_LOGIN, "rosa", PASSWORD).status_code == 302


def test_the_lockout_message_in_spanish(client):
    for n in range(6):
        locked = client.post(
            SITE_LOGIN,
            {"username": "nadie", "password": f"x{n}"},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert locked.status_code == 429
    assert "Inicio de sesión en pausa" in locked.content.decode()


# --- Second factor ----------------------------------------------------------------------------


def roles_groups(*names):
    roles.roles_sync()
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def code_for(device: TOTPDevice, *, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def editor(db):
    roles.roles_sync()
    return UserFactory(username="editor", roles=[roles.CONTENT_EDITOR])


def test_a_staff_password_sign_in_must_enrol_then_confirm_a_code(client, editor):
    assert attempt(client, ADMIN_LOGIN, "editor", PASSWORD).status_code == 302
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith(reverse("second_factor"))
    enrol = client.get(admin["Location"], follow=True)
    assert enrol.redirect_chain[-1][0].startswith(reverse("second_factor_enrol"))
    page = enrol.content.decode()
    assert "<svg" in page and "Set up your authenticator app" in page
    assert "http" not in re.sub(r'xmlns="[^"]*"', "", page.split("<svg", 1)[1].split("</svg>")[0])
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    wrong = client.post(enrol.redirect_chain[-1][0], {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert client.get("/admin/").status_code == 302
    # django-otp slows down guessing: after a failure the device waits a moment (1 s, doubling).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    right = client.post(enrol.redirect_chain[-1][0], {"code": code_for(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_staff_member_with_a_device_confirms_a_code_each_sign_in(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    attempt(client, SITE_LOGIN, "editor", PASSWORD)
    assert client.get("/admin/")["Location"].startswith(reverse("second_factor"))
    assert client.get(reverse("second_factor_enrol"))["Location"].startswith(
        reverse("second_factor")
    ), "a second device cannot be enrolled behind a password alone"
    assert not TOTPDevice.objects.filter(user=editor, confirmed=False).exists()
    code = code_for(device)
    assert client.post(reverse("second_factor"), {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200

    # The same code cannot be used again (a replay), in another session.
    other = Client()
    attempt(other, SITE_LOGIN, "editor", PASSWORD)
    assert other.post(reverse("second_factor"), {"code": code}).status_code == 400
    assert other.get("/admin/").status_code == 302
    assert other.get(reverse("courses:my_training")).status_code == 302


@pytest.mark.parametrize("role", [roles.OEI_ADMIN, roles.LEGAL_REVIEWER])
def test_every_staff_role_owes_the_second_factor(client, role):
    roles.roles_sync()
    UserFactory(username="staff", roles=[role])
    attempt(client, ADMIN_LOGIN, "staff", PASSWORD)
    assert client.get("/admin/")["Location"].startswith(reverse("second_factor"))


def test_a_superuser_owes_the_second_factor(client):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    attempt(client, ADMIN_LOGIN, "root", PASSWORD)
    assert client.get("/admin/")["Location"].startswith(reverse("second_factor"))


def test_employees_and_liaisons_sign_in_with_a_password_alone(client, liaison):
    assert attempt(client, SITE_LOGIN, liaison.username, PASSWORD).status_code == 302
    assert client.get(reverse("courses:my_training")).status_code == 200


def test_the_second_factor_page_is_not_for_visitors(client):
    assert client.get(reverse("second_factor"))["Location"].startswith(SITE_LOGIN)


def test_the_second_factor_page_in_spanish(client, editor):
    attempt(client, SITE_LOGIN, "editor", PASSWORD)
    page = client.get(reverse("second_factor_enrol"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Configure su aplicación de autenticación" in page.content.decode()


def test_an_offsite_next_is_not_followed(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    attempt(client, SITE_LOGIN, "editor", PASSWORD)
    answer = client.post(
        reverse("second_factor"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert answer["Location"] == settings.LOGIN_REDIRECT_URL


# --- Sessions and the admin's avatars ---------------------------------------------------------


def test_sessions_end_after_the_idle_time_and_each_request_pushes_it_back(client, employee):
    client.force_login(employee.user)
    key = client.session.session_key
    # Within a minute of signing in, requests leave the end where it is (no write).
    end = Session.objects.get(session_key=key).expire_date
    client.get(reverse("courses:my_training"))
    assert Session.objects.get(session_key=key).expire_date == end
    # Some while ago the session was used last: a request now pushes its end back.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=10)
    )
    cache.clear()  # the minute since the last move has passed
    assert client.get(reverse("courses:my_training")).status_code == 200
    end = Session.objects.get(session_key=key).expire_date
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle - timedelta(seconds=30) < end - timezone.now() <= idle
    # Idle past its end: the session is over, the next page asks to sign in again.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    answer = client.get(reverse("courses:my_training"))
    assert answer.status_code == 302 and answer["Location"].startswith(SITE_LOGIN)


def test_pushing_the_session_end_back_never_rewrites_its_data(client, employee):
    """A slow request must not write back the session it read before a quicker one changed it
    (a second factor just confirmed): only the end date moves."""
    client.force_login(employee.user)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=10)
    )
    before = Session.objects.get(session_key=key).session_data
    cache.clear()  # the minute since the last move has passed
    client.get(reverse("courses:my_training"))
    after = Session.objects.get(session_key=key)
    assert after.session_data == before
    assert after.expire_date - timezone.now() > timedelta(minutes=50), "the end moved"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_no_admin_page_holds_a_gravatar_url(client, oei):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    client.force_login(oei)
    someone = EmployeeFactory().user
    for url in ("/admin/", "/admin/users/", f"/admin/users/edit/{someone.pk}/", "/admin/account/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "gravatar" not in page.content.decode().lower(), url
