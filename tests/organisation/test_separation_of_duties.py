"""Separation of duties in the Wagtail admin: who may create users, grant which role, set
passwords, and edit which settings (docs/roles.md holds the matrix these tests walk).

Every forbidden act is tried the way an attacker would: a forged POST carrying the field the
form does not show, a bulk action, the group admin, the employee snippet. Each must answer
403 (or a redirect to the login) or refuse the field, and change nothing.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from certificates.models import CertificateSettings
from lms.models import OrganisationSettings
from lms.organisation import roles, roster
from lms.organisation.models import RosterFeedFile, RosterFeedSettings
from lms.organisation.services import roster_import
from tests.factories import PASSWORD, DepartmentFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

ROLE_NAMES = ["employee", "liaison", "oei", "editor", "legal", "superuser"]
STAFF = ["oei", "editor", "legal"]


def make_user(role: str):
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    group = {
        "employee": [roles.EMPLOYEE],
        "liaison": [roles.EMPLOYEE, roles.LIAISON],
        "oei": [roles.OEI_ADMIN],
        "editor": [roles.CONTENT_EDITOR],
        "legal": [roles.LEGAL_REVIEWER],
    }[role]
    return UserFactory(roles=group)


def group_ids(*names):
    return [str(pk) for pk in Group.objects.filter(name__in=names).values_list("pk", flat=True)]


def assert_refused(response, role):
    """Employees and liaisons are sent to the admin login; staff get a 403 (or are sent away)."""
    if role in ("employee", "liaison"):
        assert response.status_code == 302, role
        assert response["Location"].startswith(reverse("wagtailadmin_login")), role
    else:
        assert response.status_code in (302, 403), (role, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("wagtailadmin_login"))


def assert_reached_only_by(client, role, urls, allowed):
    """Each of ``urls`` answers 200 to the roles in ``allowed`` and refuses the others."""
    for url in urls:
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url)
        else:
            assert_refused(response, role)


def user_post(user, **overrides):
    """The edit form's data for ``user`` as it stands."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None)}


@pytest.fixture
def oei(client):
    user = make_user("oei")
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client):
    user = make_user("superuser")
    client.force_login(user)
    return user


# --- Who reaches which admin page -----------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_users_admin_reached_by_oei_and_superusers_only(client, role):
    client.force_login(make_user(role))
    employee = EmployeeFactory().user
    urls = [
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[employee.pk]),
        reverse("organisation_users:password_reset", args=[employee.pk]),
    ]
    assert_reached_only_by(client, role, urls, allowed=("oei", "superuser"))


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_superusers_delete_users(client, role):
    client.force_login(make_user(role))
    employee = EmployeeFactory().user
    url = reverse("wagtailusers_users:delete", args=[employee.pk])
    if role == "superuser":
        assert client.get(url).status_code == 200
        return
    assert_refused(client.get(url), role)
    assert_refused(client.post(url), role)
    assert User.objects.filter(pk=employee.pk).exists()


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_group_admin_is_for_superusers_only(client, role):
    client.force_login(make_user(role))
    group = Group.objects.get(name=roles.LEGAL_REVIEWER)
    before = set(group.permissions.values_list("pk", flat=True))
    urls = [
        reverse("wagtailusers_groups:index"),
        reverse("wagtailusers_groups:add"),
        reverse("wagtailusers_groups:edit", args=[group.pk]),
        reverse("wagtailusers_groups:delete", args=[group.pk]),
    ]
    assert_reached_only_by(client, role, urls, allowed=("superuser",))
    if role != "superuser":
        response = client.post(
            reverse("wagtailusers_groups:edit", args=[group.pk]), {"name": "Pwned"}
        )
        assert_refused(response, role)
        assert_refused(client.post(reverse("wagtailusers_groups:delete", args=[group.pk])), role)
        group.refresh_from_db()
        assert group.name == roles.LEGAL_REVIEWER
        assert set(group.permissions.values_list("pk", flat=True)) == before


SETTINGS = [
    ("lms", "organisationsettings", OrganisationSettings),
    ("certificates", "certificatesettings", CertificateSettings),
    ("reminders", "reminderpolicy", None),
    ("organisation", "rosterfeedsettings", None),
]


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(("app", "model", "_cls"), SETTINGS)
def test_settings_edited_by_oei_and_superusers_only(client, role, app, model, _cls):
    client.force_login(make_user(role))
    response = client.get(reverse("wagtailsettings:edit", args=[app, model]), follow=False)
    if role in ("oei", "superuser"):
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_organisation_settings_saved_by_oei_only(client, role):
    client.force_login(make_user(role))
    settings = OrganisationSettings.load()
    url = reverse("wagtailsettings:edit", args=["lms", "organisationsettings", settings.pk])
    response = client.post(
        url,
        {
            "office_name": "Office of Equity and Inclusion",
            "contact_phone": "(505) 555-0100",
            "contact_email": "oei@cabq.example",
        },
    )
    settings.refresh_from_db()
    if role in ("oei", "superuser"):
        assert response.status_code == 302, response.content.decode()[:2000]
        assert settings.contact_phone == "(505) 555-0100"
    else:
        assert_refused(response, role)
        assert settings.contact_phone != "(505) 555-0100"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_certificate_settings_saved_by_oei_only(client, role):
    client.force_login(make_user(role))
    settings = CertificateSettings.load()
    url = reverse("wagtailsettings:edit", args=["certificates", "certificatesettings", settings.pk])
    response = client.post(
        url,
        {"signatory_name": "Director Nuevo", "signatory_title": "OEI", "logo": "", "signature": ""},
    )
    settings.refresh_from_db()
    if role in ("oei", "superuser"):
        assert response.status_code == 302, response.content.decode()[:2000]
        assert settings.signatory_name == "Director Nuevo"
    else:
        assert_refused(response, role)
        assert settings.signatory_name != "Director Nuevo"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_hr_feed_screens_are_reached_by_oei_and_superusers_only(client, role):
    """The feed's files list, one file's result and its folder's form (issue 19)."""
    record = RosterFeedFile.objects.create(
        sha256="a" * 64,
        file_name="roster.csv",
        status=RosterFeedFile.Status.APPLIED,
        summary="1 rows",
    )
    feed_settings = RosterFeedSettings.load()
    client.force_login(make_user(role))
    urls = [
        reverse("organisation_roster_feed:index"),
        reverse("organisation_roster_feed:file", kwargs={"pk": record.pk}),
        reverse(
            "wagtailsettings:edit", args=["organisation", "rosterfeedsettings", feed_settings.pk]
        ),
    ]
    assert_reached_only_by(client, role, urls, allowed=("oei", "superuser"))


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_hr_feed_folder_is_saved_by_oei_only(client, role, settings, tmp_path):
    settings.ROSTER_FEED_ROOT = str(tmp_path)
    client.force_login(make_user(role))
    feed_settings = RosterFeedSettings.load()
    url = reverse(
        "wagtailsettings:edit", args=["organisation", "rosterfeedsettings", feed_settings.pk]
    )
    response = client.post(url, {"directory": str(tmp_path / "hr")})
    feed_settings.refresh_from_db()
    if role in ("oei", "superuser"):
        assert response.status_code == 302, response.content.decode()[:2000]
        assert feed_settings.directory == str(tmp_path / "hr")
    else:
        assert_refused(response, role)
        assert feed_settings.directory == ""


# --- OEI creates and edits employees' accounts, and nothing more ------------------------------


def test_oei_creates_a_plain_account_without_password(client, oei):
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "new.clerk",
            "email": "new.clerk@cabq.example",
            "first_name": "New",
            "last_name": "Clerk",
            "groups": group_ids(roles.EMPLOYEE),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new.clerk")
    assert list(user.groups.values_list("name", flat=True)) == [roles.EMPLOYEE]
    assert not user.is_superuser and not user.is_staff
    assert not user.has_usable_password()


def test_oei_forging_superuser_and_password_on_a_new_account_changes_nothing(client, oei):
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "mole",
            "email": "mole@cabq.example",
            "first_name": "M",
            "last_name": "Ole",
            "is_superuser": "on",
            "is_staff": "on",
            "password1": "a-password-oei-knows-2026",
            "password2": "a-password-oei-knows-2026",
            "groups": group_ids(roles.EMPLOYEE),
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="mole")
    assert not user.is_superuser
    assert not user.is_staff
    assert not user.check_password("a-password-oei-knows-2026")


def test_oei_add_form_shows_neither_administrator_nor_password_nor_staff_roles(client, oei):
    form = client.get(reverse("wagtailusers_users:add")).context["form"]
    assert "is_superuser" not in form.fields
    assert "password1" not in form.fields and "password2" not in form.fields
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        roles.EMPLOYEE,
        roles.LIAISON,
    }


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_oei_cannot_grant_a_staff_role_on_a_new_account(client, oei, role):
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "mole",
            "email": "mole@cabq.example",
            "first_name": "M",
            "last_name": "Ole",
            "groups": group_ids(roles.EMPLOYEE, role),
        },
    )
    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert not User.objects.filter(username="mole").exists()


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_oei_cannot_grant_a_staff_role_to_an_employee(client, oei, role):
    employee = EmployeeFactory().user
    url = reverse("wagtailusers_users:edit", args=[employee.pk])
    response = client.post(url, user_post(employee, groups=group_ids(roles.EMPLOYEE, role)))
    assert response.status_code == 200
    assert not employee.groups.filter(name=role).exists()


def test_oei_cannot_make_an_employee_superuser_or_set_their_password(client, oei):
    employee = EmployeeFactory().user
    url = reverse("wagtailusers_users:edit", args=[employee.pk])
    form = client.get(url).context["form"]
    assert "is_superuser" not in form.fields and "password1" not in form.fields
    response = client.post(
        url,
        user_post(
            employee,
            first_name="Renamed",
            is_superuser="on",
            is_staff="on",
            password1="a-password-oei-knows-2026",
            password2="a-password-oei-knows-2026",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    employee.refresh_from_db()
    assert employee.first_name == "Renamed"  # the allowed field did change
    assert not employee.is_superuser and not employee.is_staff
    assert employee.check_password(PASSWORD)
    assert not employee.check_password("a-password-oei-knows-2026")


def test_oei_manages_an_employees_liaison_role(client, oei):
    employee = EmployeeFactory().user
    url = reverse("wagtailusers_users:edit", args=[employee.pk])
    response = client.post(
        url, user_post(employee, groups=group_ids(roles.EMPLOYEE, roles.LIAISON))
    )
    assert response.status_code == 302
    assert employee.groups.filter(name=roles.LIAISON).exists()


@pytest.mark.parametrize("target", ["superuser", "oei", "editor", "legal"])
def test_oei_cannot_edit_or_delete_a_staff_account(client, oei, target):
    victim = make_user(target)
    email = victim.email
    edit = reverse("wagtailusers_users:edit", args=[victim.pk])
    assert_refused(client.get(edit), "oei")
    response = client.post(edit, user_post(victim, email="attacker@example.org", is_active=""))
    assert_refused(response, "oei")
    assert_refused(client.post(reverse("wagtailusers_users:delete", args=[victim.pk])), "oei")
    victim.refresh_from_db()
    assert victim.email == email
    assert victim.is_active


def test_oei_cannot_edit_its_own_account_in_the_users_admin(client, oei):
    """OEI's own account is a staff account: its details change under "Account"."""
    url = reverse("wagtailusers_users:edit", args=[oei.pk])
    response = client.post(
        url, user_post(oei, groups=group_ids(roles.OEI_ADMIN, roles.LEGAL_REVIEWER))
    )
    assert_refused(response, "oei")
    assert not oei.groups.filter(name=roles.LEGAL_REVIEWER).exists()


def test_users_list_offers_oei_no_edit_link_to_staff_accounts(client, oei):
    reviewer = make_user("legal")
    employee = EmployeeFactory().user
    html = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert reverse("wagtailusers_users:edit", args=[employee.pk]) in html
    assert reverse("wagtailusers_users:edit", args=[reviewer.pk]) not in html
    assert reverse("organisation_users:password_reset", args=[employee.pk]) in html
    assert reverse("organisation_users:password_reset", args=[reviewer.pk]) not in html


def test_oei_cannot_change_a_staff_members_email_through_their_employee_record(client, oei):
    record = EmployeeFactory()
    record.user.groups.add(Group.objects.get(name=roles.LEGAL_REVIEWER))
    email = record.user.email
    url = reverse("wagtailsnippets_organisation_employee:edit", args=[record.pk])
    response = client.post(
        url,
        {
            "employee_number": record.employee_number,
            "first_name": "Changed",
            "last_name": record.user.last_name,
            "email": "attacker@example.org",
            "department": record.department.pk,
            "job_title": "Lawyer",
            "hire_date": "2020-01-06",
            "is_active": "on",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    record.refresh_from_db()
    record.user.refresh_from_db()
    assert record.job_title == "Lawyer"  # employment facts remain OEI's to edit
    assert record.user.email == email
    assert record.user.first_name != "Changed"


# --- Bulk actions on users --------------------------------------------------------------------


def bulk_url(action, *users):
    url = reverse("wagtail_bulk_action", args=["auth", "user", action])
    return url + "?" + "&".join(f"id={u.pk}" for u in users)


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_oei_cannot_bulk_assign_a_staff_role(client, oei, role):
    employee = EmployeeFactory().user
    group = Group.objects.get(name=role)
    members = set(group.user_set.values_list("pk", flat=True))
    response = client.post(bulk_url("assign_role", employee, oei), {"role": group.pk})
    assert response.status_code == 200  # the form refuses the role
    assert "role" in response.context["form"].errors
    assert set(group.user_set.values_list("pk", flat=True)) == members
    assert not group.user_set.filter(pk=employee.pk).exists()


def test_oei_bulk_assigns_the_liaison_role_to_employees_only(client, oei):
    employee = EmployeeFactory().user
    reviewer = make_user("legal")
    liaison = Group.objects.get(name=roles.LIAISON)
    response = client.post(bulk_url("assign_role", employee, reviewer), {"role": liaison.pk})
    assert response.status_code == 302
    assert liaison.user_set.filter(pk=employee.pk).exists()
    assert not liaison.user_set.filter(pk=reviewer.pk).exists()


def test_oei_cannot_bulk_deactivate_staff_or_superusers(client, oei):
    root = make_user("superuser")
    reviewer = make_user("legal")
    employee = EmployeeFactory().user
    response = client.post(
        bulk_url("set_active_state", root, reviewer, employee), {"mark_as_active": "False"}
    )
    assert response.status_code == 302
    for user in (root, reviewer):
        user.refresh_from_db()
        assert user.is_active
    employee.refresh_from_db()
    assert not employee.is_active


# --- What superusers keep -------------------------------------------------------------------


def test_superuser_grants_staff_roles_and_sets_passwords(client, superuser):
    employee = EmployeeFactory().user
    url = reverse("wagtailusers_users:edit", args=[employee.pk])
    form = client.get(url).context["form"]
    assert {"is_superuser", "password1"} <= set(form.fields)
    response = client.post(
        url,
        user_post(
            employee,
            groups=group_ids(roles.EMPLOYEE, roles.LEGAL_REVIEWER),
            password1="a-new-long-passphrase-2026",
            password2="a-new-long-passphrase-2026",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    employee.refresh_from_db()
    assert employee.groups.filter(name=roles.LEGAL_REVIEWER).exists()
    assert employee.check_password("a-new-long-passphrase-2026")


def test_superuser_edits_a_staff_account(client, superuser):
    reviewer = make_user("legal")
    url = reverse("wagtailusers_users:edit", args=[reviewer.pk])
    response = client.post(url, user_post(reviewer, email="cao.reviewer@cabq.example"))
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.email == "cao.reviewer@cabq.example"


# --- Send a password reset instead of setting a password --------------------------------------


def test_oei_sends_a_password_reset_to_an_employee(client, oei):
    employee = EmployeeFactory(preferred_language="es").user
    employee.set_unusable_password()
    employee.save()
    url = reverse("organisation_users:password_reset", args=[employee.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employee.email]
    assert "/accounts/reset/" in message.body
    assert "contraseña" in message.subject.lower() or "contraseña" in message.body.lower()
    assert message.alternatives
    employee.refresh_from_db()
    assert not employee.has_usable_password()  # nothing but the email happened
    assert ModelLogEntry.objects.filter(
        action="lms.account.password_reset", object_id=str(employee.pk), user_id=oei.pk
    ).exists()

    # The holder follows the link and chooses their own password.
    client.logout()
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {
            "new_password1": "my-own-long-passphrase-26",
            "new_password2": "my-own-long-passphrase-26",
        },
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.check_password("my-own-long-passphrase-26")


def test_the_edit_page_offers_oei_the_password_reset(client, oei):
    employee = EmployeeFactory().user
    html = client.get(reverse("wagtailusers_users:edit", args=[employee.pk])).content.decode()
    assert reverse("organisation_users:password_reset", args=[employee.pk]) in html


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_oei_chooses_the_certificate_images(client, role):
    client.force_login(make_user(role))
    response = client.get(reverse("wagtailimages_chooser:choose"))
    if role in ("oei", "editor", "legal", "superuser"):
        assert response.status_code == 200
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("target", ["superuser", "oei", "editor", "legal"])
def test_oei_cannot_send_a_reset_to_a_staff_account(client, oei, target):
    victim = make_user(target)
    url = reverse("organisation_users:password_reset", args=[victim.pk])
    assert_refused(client.get(url), "oei")
    assert_refused(client.post(url), "oei")
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["employee", "liaison", "editor", "legal"])
def test_others_cannot_send_password_resets(client, role):
    client.force_login(make_user(role))
    employee = EmployeeFactory().user
    response = client.post(reverse("organisation_users:password_reset", args=[employee.pk]))
    assert_refused(response, role)
    assert mail.outbox == []


def test_password_reset_for_an_unknown_user_is_a_404(client, oei):
    response = client.post(reverse("organisation_users:password_reset", args=[999999]))
    assert response.status_code == 404
    assert mail.outbox == []


def test_password_reset_refused_for_an_account_without_email(client, oei):
    employee = UserFactory(email="", roles=[roles.EMPLOYEE])
    response = client.post(reverse("organisation_users:password_reset", args=[employee.pk]))
    assert response.status_code == 302
    assert mail.outbox == []


def test_department_liaison_links_stay_with_oei(client, oei):
    """OEI still names liaisons on a department (which grants the non-staff liaison role)."""
    department = DepartmentFactory()
    url = reverse("wagtailsnippets_organisation_department:edit", args=[department.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_workflows_sites_and_collections_are_for_superusers_only(client, role):
    """Nobody but a superuser can rewire the City Attorney approval or the site's structure."""
    client.force_login(make_user(role))
    urls = [
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailadmin_workflows:task_index"),
        reverse("wagtailsites:index"),
        reverse("wagtailadmin_collections:index"),
    ]
    assert_reached_only_by(client, role, urls, allowed=("superuser",))


def test_users_list_decides_each_rows_links_without_a_query_per_row(client, oei):
    url = reverse("wagtailusers_users:index")
    EmployeeFactory.create_batch(3)
    client.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    EmployeeFactory.create_batch(12)
    make_user("legal")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


# --- The HR roster import cannot rewrite a staff member's login either ---------------------


@pytest.mark.parametrize(
    ("change", "staff"),
    [
        ({"email": "attacker@example.org"}, True),
        ({"first": "Changed"}, True),
        ({"active": "false"}, True),
        ({"email": "new.address@cabq.example"}, False),
    ],
)
def test_roster_import_changes_a_staff_members_login_only_through_a_superuser(change, staff):
    record = EmployeeFactory(department=DepartmentFactory(code="LEGAL"))
    if staff:
        record.user.groups.add(Group.objects.get(name=roles.LEGAL_REVIEWER))
    values = {
        "first": record.user.first_name,
        "last": record.user.last_name,
        "email": record.user.email,
        "department": "LEGAL",
        "title": record.job_title,
        "hired": record.hire_date.isoformat(),
        "active": "true",
        **change,
    }
    csv_line = ",".join(
        [record.employee_number, *(values[k] for k in ("first", "last", "email"))]
        + [values[k] for k in ("department", "title", "hired", "active")]
    )
    content = (",".join(roster.COLUMNS) + "\n" + csv_line + "\n").encode()
    plan = roster.roster_validate(content=content)
    if staff:
        assert [str(error) for error in plan.errors] == [
            f"line 2: Employee {record.employee_number} has a staff account: only a superuser "
            "changes its name, email or active state, in the Users admin. Ask one to, then "
            "import again."
        ]
        with pytest.raises(roster_import.RosterImportRefused):
            roster_import.roster_import_apply(plan=plan)
    else:
        assert plan.is_valid
        roster_import.roster_import_apply(plan=plan)
    record.user.refresh_from_db()
    assert (record.user.email == "new.address@cabq.example") is not staff
    assert record.user.is_active
