import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from lms.settings import base as base_settings
from tests.factories import PASSWORD, EmployeeFactory

pytestmark = pytest.mark.django_db


def test_wrong_username_and_wrong_password_read_the_same(client):
    employee = EmployeeFactory(user__username="rosa")
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    wrong = client.post(reverse("login"), {"username": employee.user.username, "password": "x"})
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
    assert b'role="alert"' in wrong.content
    assert "_auth_user_id" not in client.session


def test_login_switches_to_the_employees_preferred_language(client):
    employee = EmployeeFactory(preferred_language="es")
    response = client.post(
        reverse("login"), {"username": employee.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    home = client.get(reverse("password_change"))
    assert "Cambiar la contraseña" in home.content.decode()


def test_logout_is_a_post(client, employee):
    client.force_login(employee.user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_known_addresses_and_says_the_same_for_unknown(client):
    employee = EmployeeFactory()
    known = client.post(reverse("password_reset"), {"email": employee.user.email})
    unknown = client.post(reverse("password_reset"), {"email": "stranger@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [employee.user.email]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives, "an HTML part is sent as well"


def test_password_change_needs_login_and_works(client, employee):
    url = reverse("password_change")
    assert client.get(url).status_code == 302
    client.force_login(employee.user)
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
    )
    assert response.status_code == 302
    employee.user.refresh_from_db()
    assert employee.user.check_password("a-much-longer-passphrase-2026")


def test_healthz_answers(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2id_and_older_ones_upgraded_at_sign_in(client):
    """Production's hashers (lms.settings.base): a new password is stored as Argon2id at
    OWASP's minimum; a PBKDF2 hash from before still signs its owner in, and is re-encoded."""
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        employee = EmployeeFactory()
        user = employee.user
        user.set_password("a new passphrase for the city")
        user.save()
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")

        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save()
        assert user.password.startswith("pbkdf2_sha256$")
        wrong = client.post(
            reverse("login"), {"username": user.username, "password": PASSWORD + "x"}
        )
        assert wrong.status_code == 200  # the form again, with its error
        user.refresh_from_db()
        assert user.password.startswith("pbkdf2_sha256$")  # nothing changes on a failure
        signed_in = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert signed_in.status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert check_password(PASSWORD, user.password)
