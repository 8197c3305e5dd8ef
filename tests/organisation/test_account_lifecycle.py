"""Issue 17, item 3: imported employees get in through an invitation or "Forgot your password?";
links expire; leavers are signed out and stay out."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.organisation import roles, roster
from lms.organisation.services import accounts, roster_import
from lms.organisation.tokens import (
    AccountTokenGenerator,
    invitation_token_generator,
    reset_token_generator,
)
from tests.factories import PASSWORD, DepartmentFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
HEADER = ",".join(roster.COLUMNS)
NEW_PASSWORD = "a-much-longer-passphrase-2026"


def roster_csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def line(number: str, *, active: str = "true", email: str | None = None) -> str:
    email = email or f"{number.lower()}@cabq.example"
    return ",".join([number, "Marisol", "Baca", email, "PARKS", "Lifeguard", "2024-05-01", active])


def import_roster(content: bytes, **kwargs):
    return roster_import.roster_import_apply(plan=roster.roster_validate(content=content), **kwargs)


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


@pytest.fixture
def parks_department(db):
    roles.roles_sync()
    return DepartmentFactory(code="PARKS", name="Parks and Recreation")


# --- "Forgot your password?" ------------------------------------------------------------------


def test_forgot_password_reaches_an_imported_employee_without_a_password(client, parks_department):
    import_roster(roster_csv(line("E-100")))
    user = User.objects.get(username="e-100")
    assert not user.has_usable_password()

    response = client.post(reverse("password_reset"), {"email": "E-100@cabq.example"})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["e-100@cabq.example"]]
    # The link sets the password, and the employee then signs in with it.
    page = client.get(link_in(mail.outbox[0]), follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    signed_in = Client()
    assert (
        signed_in.post(
            reverse("login"), {"username": "e-100", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert "_auth_user_id" in signed_in.session


def test_forgot_password_sends_nothing_to_inactive_or_unknown_and_answers_the_same(
    client, parks_department
):
    import_roster(roster_csv(line("E-100", active="false")))
    no_employee = UserFactory(email="admin-only@cabq.example")
    no_employee.set_unusable_password()
    no_employee.save()

    answers = [
        client.post(reverse("password_reset"), {"email": email})
        for email in ("e-100@cabq.example", "nobody@cabq.example", "admin-only@cabq.example")
    ]

    assert mail.outbox == []
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }


def test_password_reset_requests_are_limited_per_address_and_per_email(client, settings):
    settings.PASSWORD_RESET_RATE_PER_EMAIL = "2/h"
    settings.PASSWORD_RESET_RATE_PER_IP = "4/h"
    employee = EmployeeFactory()
    email = employee.user.email
    answers = [client.post(reverse("password_reset"), {"email": email}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert len(mail.outbox) == 2, "no email beyond the limit"
    assert "Too many requests" in answers[-1].content.decode()
    # Another address from the same client: the per-address limit (4) stops the 5th request.
    other = EmployeeFactory().user.email
    answers = [client.post(reverse("password_reset"), {"email": other}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 429]
    assert len(mail.outbox) == 3
    # A different client is not limited by the first one's requests.
    elsewhere = Client(REMOTE_ADDR="192.0.2.77")
    third = EmployeeFactory().user.email
    assert elsewhere.post(reverse("password_reset"), {"email": third}).status_code == 302
    assert len(mail.outbox) == 4


def test_password_reset_limit_answers_in_spanish(client, settings):
    settings.PASSWORD_RESET_RATE_PER_EMAIL = "1/h"
    client.post(reverse("password_reset"), {"email": "x@cabq.example"})
    response = client.post(
        reverse("password_reset"), {"email": "x@cabq.example"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 429
    assert "Demasiadas solicitudes" in response.content.decode()


# --- Invitations ------------------------------------------------------------------------------


def test_import_with_invite_emails_each_new_person_after_the_commit(
    parks_department, django_capture_on_commit_callbacks
):
    existing = EmployeeFactory(department=parks_department)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_roster(
            roster_csv(line("E-100"), line("E-101"), line("E-102", active="false")),
            invite=True,
        )
        assert mail.outbox == [], "nothing is sent before the commit"
    # One sending of the invitations (beside the aggregates' recompute) on commit.
    assert sum("invitations_send_later" in cb.__qualname__ for cb in callbacks) == 1
    assert sorted(message.to[0] for message in mail.outbox) == [
        "e-100@cabq.example",
        "e-101@cabq.example",
    ]
    assert existing.user.email not in [message.to[0] for message in mail.outbox]
    message = mail.outbox[0]
    assert "/accounts/invitation/" in message.body
    assert "7 days" in message.body
    assert message.alternatives


def test_import_without_invite_sends_nothing(parks_department, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_roster(roster_csv(line("E-100")))
    assert mail.outbox == []


def test_import_command_invites_with_its_flag(
    parks_department, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv(line("E-100")))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_roster", str(path), "--invite", stdout=StringIO())
    assert [message.to for message in mail.outbox] == [["e-100@cabq.example"]]


def test_the_import_form_has_the_invite_checkbox_and_the_apply_sends(
    oei_client, parks_department, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("roster.csv", roster_csv(line("E-100")), "text/csv")
    form = oei_client.get(reverse("organisation_roster:upload"))
    assert 'name="invite"' in form.content.decode()
    response = oei_client.post(
        reverse("organisation_roster:upload"), {"file": upload, "invite": "on"}
    )
    preview = oei_client.get(response["Location"])
    assert "emailed an invitation" in preview.content.decode()
    data = {
        "sha256": preview.context["apply_form"].initial["sha256"],
        "fingerprint": preview.context["apply_form"].initial["fingerprint"],
    }
    token = response["Location"].rstrip("/").split("/")[-1]
    with django_capture_on_commit_callbacks(execute=True):
        applied = oei_client.post(
            reverse("organisation_roster:apply", kwargs={"token": token}), data
        )
    assert applied.status_code == 302
    assert [message.to for message in mail.outbox] == [["e-100@cabq.example"]]


def test_invitation_link_sets_the_password_once(client, parks_department):
    import_roster(roster_csv(line("E-100")))
    user = User.objects.get(username="e-100")
    accounts.account_invitation_send(user=user, sent_by=None)
    url = link_in(mail.outbox[0])

    page = client.get(url, follow=True)
    assert page.status_code == 200
    assert "Set your password" in page.content.decode()
    assert client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )["Location"] == reverse("invitation_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    again = Client().get(url, follow=True)
    assert again.status_code == 400
    assert "This invitation link no longer works" in again.content.decode()


def test_invitation_page_in_spanish(client, parks_department):
    import_roster(roster_csv(line("E-100")))
    user = User.objects.get(username="e-100")
    accounts.account_invitation_send(user=user, sent_by=None)
    page = client.get(link_in(mail.outbox[0]), follow=True, HTTP_ACCEPT_LANGUAGE="es")
    assert "Elija su contraseña" in page.content.decode()


def test_invitation_expires_after_its_days_and_a_reset_after_its_timeout(settings):
    settings.INVITATION_VALID_DAYS = 7
    settings.PASSWORD_RESET_TIMEOUT = 3600
    user = EmployeeFactory().user
    invitation = invitation_token_generator.make_token(user)
    reset = reset_token_generator.make_token(user)
    later = invitation_token_generator._now()
    with mock.patch.object(AccountTokenGenerator, "_now", return_value=later + timedelta(hours=2)):
        assert invitation_token_generator.check_token(user, invitation)
        assert not reset_token_generator.check_token(user, reset)
    with mock.patch.object(
        AccountTokenGenerator, "_now", return_value=later + timedelta(days=7, hours=1)
    ):
        assert not invitation_token_generator.check_token(user, invitation)
    # Neither token opens the other's page.
    assert not reset_token_generator.check_token(user, invitation)
    assert not invitation_token_generator.check_token(user, reset)


def test_an_expired_invitation_gets_a_clear_page(client, settings, parks_department):
    import_roster(roster_csv(line("E-100")))
    user = User.objects.get(username="e-100")
    accounts.account_invitation_send(user=user, sent_by=None)
    settings.INVITATION_VALID_DAYS = 0
    with mock.patch.object(
        AccountTokenGenerator,
        "_now",
        return_value=invitation_token_generator._now() + timedelta(seconds=5),
    ):
        page = client.get(link_in(mail.outbox[0]), follow=True)
    assert page.status_code == 400
    assert "This invitation link no longer works" in page.content.decode()


def test_oei_sends_an_invitation_from_the_admin_and_it_is_audited(oei_client, oei):
    employee = EmployeeFactory()
    user = employee.user
    edit = oei_client.get(reverse("wagtailusers_users:edit", args=[user.pk]))
    url = reverse("organisation_users:invitation", args=[user.pk])
    assert url in edit.content.decode()
    employee_page = oei_client.get(
        reverse("wagtailsnippets_organisation_employee:edit", args=[employee.pk])
    )
    assert url in employee_page.content.decode()
    assert oei_client.get(url).status_code == 200

    response = oei_client.post(url)

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "/accounts/invitation/" in mail.outbox[0].body
    entry = ModelLogEntry.objects.get(action="lms.account.invitation")
    assert entry.user_id == oei.pk and entry.object_id == str(user.pk)


def test_a_liaison_cannot_send_invitations(liaison_client):
    target = EmployeeFactory().user
    response = liaison_client.post(reverse("organisation_users:invitation", args=[target.pk]))
    assert response.status_code in (302, 403)
    assert mail.outbox == []
    assert not ModelLogEntry.objects.filter(action="lms.account.invitation").exists()


def test_oei_cannot_invite_a_staff_account(oei_client):
    reviewer = UserFactory(roles=[roles.LEGAL_REVIEWER])
    response = oei_client.post(reverse("organisation_users:invitation", args=[reviewer.pk]))
    assert response.status_code in (302, 403)
    assert mail.outbox == []


def test_an_inactive_account_is_refused_an_invitation(oei_client):
    user = EmployeeFactory(user__is_active=False).user
    response = oei_client.post(reverse("organisation_users:invitation", args=[user.pk]))
    assert response.status_code == 302
    assert mail.outbox == []


# --- Leavers ----------------------------------------------------------------------------------


def test_a_leaver_is_signed_out_on_import_and_can_no_longer_sign_in(parks_department):
    employee = EmployeeFactory(department=parks_department, employee_number="E-200")
    stays = EmployeeFactory(department=parks_department, employee_number="E-201")
    leaver_browser, other_browser = Client(), Client()
    assert (
        leaver_browser.post(
            reverse("login"), {"username": employee.user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    other_browser.force_login(stays.user)
    assert Session.objects.count() == 2

    import_roster(
        roster_csv(
            line("E-200", active="false", email=employee.user.email),
            line("E-201", email=stays.user.email),
        )
    )

    remaining = [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert remaining == [str(stays.user.pk)]
    assert leaver_browser.get(reverse("courses:my_training")).status_code == 302
    again = Client().post(
        reverse("login"), {"username": employee.user.username, "password": PASSWORD}
    )
    assert again.status_code == 200 and "_auth_user_id" not in again.wsgi_request.session


def test_a_leaver_cannot_use_an_earlier_reset_or_invitation_link(client, parks_department):
    employee = EmployeeFactory(department=parks_department, employee_number="E-200")
    user = employee.user
    accounts.account_password_reset_send(user=user, sent_by=None)
    accounts.account_invitation_send(user=user, sent_by=None)
    links = [link_in(message) for message in mail.outbox]

    import_roster(roster_csv(line("E-200", active="false", email=user.email)))

    for link in links:
        page = client.get(link, follow=True)
        assert page.status_code == 400
        assert not page.context["validlink"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
