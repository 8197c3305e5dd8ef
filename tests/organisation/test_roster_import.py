"""The HR roster import: checked whole, applied in bulk, previewed in the admin, run by command."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lms.compliance.models import Assignment
from lms.compliance.services import assignments_sync
from lms.organisation import roles, roster, views
from lms.organisation.models import Employee
from lms.organisation.services import roster_import
from tests.factories import (
    EmployeeFactory,
    LiaisonFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
HEADER = ",".join(roster.COLUMNS)


def roster_csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def line(
    number: str,
    *,
    first: str = "Marisol",
    last: str = "Baca",
    email: str | None = None,
    department: str = "PARKS",
    title: str = "Lifeguard",
    hired: str = "2024-05-01",
    active: str = "true",
) -> str:
    email = email if email is not None else f"{number.lower()}@cabq.example"
    return ",".join([number, first, last, email, department, title, hired, active])


def line_for(employee: Employee, **overrides) -> str:
    """The roster line that matches an employee as they are now, with some values changed."""
    values = {
        "first": employee.user.first_name,
        "last": employee.user.last_name,
        "email": employee.user.email,
        "department": employee.department.code,
        "title": employee.job_title,
        "hired": employee.hire_date.isoformat(),
        "active": "true" if employee.is_active else "false",
    }
    return line(employee.employee_number, **{**values, **overrides})


def snapshot() -> list[tuple]:
    """Everything an import could change, to show that nothing did."""
    return [
        *Employee.objects.order_by("pk").values_list(
            "pk", "employee_number", "department_id", "job_title", "hire_date", "is_active"
        ),
        *User.objects.order_by("pk").values_list(
            "pk", "username", "first_name", "last_name", "email", "is_active"
        ),
        *Assignment.objects.order_by("pk").values_list("pk", "employee_id", "is_active"),
    ]


# --- Errors: each reported with its line, and a file with any applies nothing ---------------


@pytest.mark.parametrize(
    ("content", "expected_line", "reason"),
    [
        pytest.param(b"", 1, "The file is empty", id="empty-file"),
        pytest.param(b"\n\n", 1, "The file is empty", id="blank-file"),
        pytest.param(roster_csv(), 1, "no employees", id="header-only"),
        pytest.param(
            roster_csv(line("E1")[: -len(",true")], header=HEADER.removesuffix(",active")),
            1,
            "Missing columns: active",
            id="missing-column",
        ),
        pytest.param(
            roster_csv(line("E1") + ",44", header=HEADER + ",shoe_size"),
            1,
            "Unknown columns: shoe_size",
            id="unknown-column",
        ),
        pytest.param(
            roster_csv(line("E1"), line("E2", last="Pe@@a")).replace(b"@@", b"\x81"),
            3,
            "neither UTF-8 nor Windows-1252",
            id="byte-of-no-encoding",
        ),
        pytest.param(
            b"\xef\xbb\xbf"
            + roster_csv(line("E1"), line("E2", last="Pe@@a")).replace(b"@@", b"\xf1"),
            3,
            "neither UTF-8 nor Windows-1252",
            id="bom-then-not-utf8",
        ),
        pytest.param(
            "\ufeff".encode("utf-16-le") + roster_csv(line("E1")).decode().encode("utf-16-le"),
            1,
            "UTF-16",
            id="utf-16",
        ),
        pytest.param(
            roster_csv(line("E1", department="NOPE")),
            2,
            "Unknown department code NOPE",
            id="unknown-department",
        ),
        pytest.param(
            roster_csv(line("E1"), line("E2"), line("e1", email="other@cabq.example")),
            4,
            "Employee number e1 is already on line 2",
            id="duplicate-number",
        ),
        pytest.param(
            roster_csv(line("E1"), line("E2", hired="2024-02-30")),
            3,
            "Hire date “2024-02-30” is not a date",
            id="impossible-date",
        ),
        pytest.param(
            roster_csv(line("E1", hired="13/01/2024")), 2, "not a date", id="no-13th-month"
        ),
        pytest.param(roster_csv(line("E1", hired="01.05.2024")), 2, "not a date", id="dotted-date"),
        pytest.param(
            roster_csv(line("E1", email="not-an-email")),
            2,
            "Email “not-an-email”: Enter a valid email address",
            id="bad-email",
        ),
        pytest.param(
            roster_csv(line("E1", email="x@cabq.example"), line("E2", email="X@cabq.example")),
            3,
            "Email x@cabq.example is already on line 2",
            id="email-twice-in-file",
        ),
        pytest.param(
            roster_csv(line("E1", active="maybe")),
            2,
            "Active “maybe” must be one of true, false, yes, no, 1 or 0",
            id="bad-active",
        ),
        pytest.param(
            roster_csv(line("E1", first="")),
            2,
            "Required values are empty: first name",
            id="empty-required",
        ),
        pytest.param(
            roster_csv(line("E1"), "E2,Ana,Baca"), 3, "Expected 8 values, found 3", id="short-row"
        ),
        pytest.param(
            roster_csv(line("E 1")),
            2,
            "Employee number “E 1”: Letters, digits and hyphens only",
            id="bad-number",
        ),
        pytest.param(
            roster_csv(line("E1", title="x" * 201)), 2, "at most 200 characters", id="long-title"
        ),
    ],
)
def test_each_error_is_reported_with_its_line(parks, content, expected_line, reason):
    plan = roster.roster_validate(content=content)
    assert not plan.is_valid
    assert any(e.line == expected_line and reason in e.reason for e in plan.errors), plan.errors


def test_email_of_another_account_and_a_taken_login_are_errors(parks):
    UserFactory(username="someone", email="Taken@cabq.example")
    UserFactory(username="e2", email="someone.else@cabq.example")  # the login E2 would get
    plan = roster.roster_validate(
        content=roster_csv(line("E1", email="taken@cabq.example"), line("E2"))
    )
    assert [str(error) for error in plan.errors] == [
        "line 2: Email taken@cabq.example is already used by another account.",
        "line 3: The login e2 (the employee number in lower case) already belongs to another "
        "account.",
    ]


def test_an_employee_keeps_their_own_email(parks):
    employee = EmployeeFactory(department=parks, user__email="ana@cabq.example")
    plan = roster.roster_validate(content=roster_csv(line_for(employee, email="ANA@cabq.example")))
    assert plan.is_valid
    assert plan.unchanged == 1


def test_every_error_of_the_file_is_reported_not_just_the_first(parks):
    content = roster_csv(
        line("E1", department="NOPE"),
        "",  # blank lines are skipped but still counted
        line("E2", hired="yesterday"),
        line("E3"),
        line("E4", active="si"),
    )
    plan = roster.roster_validate(content=content)
    assert [error.line for error in plan.errors] == [2, 4, 6]
    assert plan.rows == 4


def test_reading_is_pure_and_plans_against_a_given_directory():
    reading = roster.roster_read(
        roster_csv(line("E1"), line("E2", department="TRANSIT", active="no"))
    )
    known = roster.KnownEmployee(
        pk=7,
        user_id=70,
        employee_number="E2",
        first_name="Marisol",
        last_name="Baca",
        email="e2@cabq.example",
        department_code="PARKS",
        job_title="Lifeguard",
        hire_date=date(2024, 5, 1),
        active=True,
    )
    directory = roster.RosterDirectory(
        departments={
            "PARKS": roster.KnownDepartment(1, True),
            "TRANSIT": roster.KnownDepartment(2, True),
        },
        employees={"E2": known},
    )
    plan = roster.roster_plan(reading=reading, directory=directory)
    assert [row.employee_number for row in plan.creates] == ["E1"]
    (change,) = plan.changes
    assert change.is_transfer and change.is_deactivation and not change.details
    assert [(c.field, c.old, c.new) for c in change.changes] == [
        ("department_code", "PARKS", "TRANSIT"),
        ("active", "true", "false"),
    ]


def test_a_file_with_one_bad_row_applies_nothing(tmp_path, parks, transit):
    stay = EmployeeFactory(department=parks)
    before = snapshot()
    content = roster_csv(
        line("E9001"),
        line_for(stay, department="TRANSIT", title="Bus Driver"),
        line("E9002", hired="2024-13-01"),
    )
    plan = roster.roster_validate(content=content)
    assert [error.line for error in plan.errors] == [4]
    with pytest.raises(roster_import.RosterImportRefused):
        roster_import.roster_import_apply(plan=plan)
    with pytest.raises(CommandError):
        call_command(
            "import_roster", _write(tmp_path, content), stdout=StringIO(), stderr=StringIO()
        )
    assert snapshot() == before


# --- Applying ---------------------------------------------------------------------------------


@pytest.fixture
def on_file(parks, transit):
    """Five employees, one for each thing a roster can do to someone already here."""
    return {
        "stay": EmployeeFactory(department=parks),
        "renamed": EmployeeFactory(department=parks, job_title="Lifeguard"),
        "mover": EmployeeFactory(department=parks),
        "leaver": EmployeeFactory(department=parks),
        "returner": EmployeeFactory(department=transit, is_active=False, user__is_active=False),
    }


def roster_of(on_file) -> bytes:
    return roster_csv(
        line_for(on_file["stay"]),
        line_for(on_file["renamed"], last="Baca-Chávez", title="Senior Lifeguard"),
        line_for(on_file["mover"], department="transit"),
        line_for(on_file["leaver"], active="no"),
        line_for(on_file["returner"], active="1"),
        line("E9001", first="Ana", last="Ortiz", email="Ana.Ortiz@CABQ.example", active="yes"),
        line("E9002", department="TRANSIT", active="false"),
    )


def test_a_good_file_creates_updates_transfers_and_deactivates(on_file, parks, transit):
    plan = roster.roster_validate(content=roster_of(on_file))
    assert plan.is_valid, plan.errors
    assert plan.counts() == {
        "rows": 7,
        "creates": 2,
        "updates": 1,
        "transfers": 1,
        "deactivations": 1,
        "reactivations": 1,
        "unchanged": 1,
        "errors": 0,
    }

    result = roster_import.roster_import_apply(plan=plan)

    assert (result.created, result.updated, result.transferred) == (2, 1, 1)
    assert (result.deactivated, result.reactivated, result.unchanged) == (1, 1, 1)
    new = Employee.objects.select_related("user").get(employee_number="E9001")
    assert new.origin == Employee.Origin.HR
    assert new.department == parks and new.is_active and new.hire_date == date(2024, 5, 1)
    assert new.user.username == "e9001"
    assert (new.user.first_name, new.user.last_name) == ("Ana", "Ortiz")
    assert new.user.email == "ana.ortiz@cabq.example"
    assert not new.user.has_usable_password()
    assert list(new.user.groups.values_list("name", flat=True)) == [roles.EMPLOYEE]
    joined_as_leaver = Employee.objects.select_related("user").get(employee_number="E9002")
    assert not joined_as_leaver.is_active and not joined_as_leaver.user.is_active

    for employee in on_file.values():
        employee.refresh_from_db()
        employee.user.refresh_from_db()
    assert on_file["renamed"].user.last_name == "Baca-Chávez"
    assert on_file["renamed"].job_title == "Senior Lifeguard"
    assert on_file["mover"].department == transit
    assert not on_file["leaver"].is_active and not on_file["leaver"].user.is_active
    assert on_file["returner"].is_active and on_file["returner"].user.is_active


def test_reimporting_the_same_file_changes_nothing(on_file):
    content = roster_of(on_file)
    roster_import.roster_import_apply(plan=roster.roster_validate(content=content))
    before = snapshot()
    stamps = list(Employee.objects.order_by("pk").values_list("updated_at", flat=True))

    plan = roster.roster_validate(content=content)
    assert (plan.creates, plan.changes, plan.unchanged) == ((), (), 7)
    result = roster_import.roster_import_apply(plan=plan)

    assert (result.created, result.updated, result.transferred, result.unchanged) == (0, 0, 0, 7)
    assert snapshot() == before
    assert list(Employee.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_leavers_are_deactivated_and_keep_their_history(course, parks):
    requirement = TrainingRequirementFactory(course=course)
    leaver = EmployeeFactory(department=parks)
    assignments_sync()
    assignment = Assignment.objects.get(employee=leaver, requirement=requirement)

    roster_import.roster_import_apply(
        plan=roster.roster_validate(content=roster_csv(line_for(leaver, active="false")))
    )

    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert not leaver.is_active and not leaver.user.is_active
    assignment.refresh_from_db()  # still there, only no longer active
    assert not assignment.is_active


def test_assignments_follow_a_transfer_and_a_new_hire(course, parks, transit):
    parks_training = TrainingRequirementFactory(course=course, audience="departments")
    parks_training.departments.set([parks])
    parks_training.save()
    transit_training = TrainingRequirementFactory(course=course, audience="departments")
    transit_training.departments.set([transit])
    transit_training.save()
    mover = EmployeeFactory(department=parks)
    assignments_sync()
    assert Assignment.objects.get(employee=mover, requirement=parks_training).is_active

    result = roster_import.roster_import_apply(
        plan=roster.roster_validate(
            content=roster_csv(line_for(mover, department="TRANSIT"), line("E9001"))
        )
    )

    assert not Assignment.objects.get(employee=mover, requirement=parks_training).is_active
    assert Assignment.objects.get(employee=mover, requirement=transit_training).is_active
    hire = Employee.objects.get(employee_number="E9001")
    assert Assignment.objects.get(employee=hire, requirement=parks_training).is_active
    assert (result.assignments.created, result.assignments.deactivated) == (2, 1)


def test_apply_writes_in_bulk_not_row_by_row(parks, django_assert_max_num_queries):
    people = [EmployeeFactory(department=parks) for _ in range(30)]
    rows = [line_for(p, title="Senior Lifeguard") for p in people]
    rows += [line(f"E9{n:03d}") for n in range(30)]
    plan = roster.roster_validate(content=roster_csv(*rows))
    with django_assert_max_num_queries(20):
        roster_import.roster_import_apply(plan=plan)
    assert Employee.objects.filter(job_title="Senior Lifeguard").count() == 30


# --- The admin: upload, preview, apply ------------------------------------------------------


def _upload(content: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def oei_client(client):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    return client


def test_oei_uploads_previews_and_applies(oei_client, on_file):
    upload_url = reverse("organisation_roster:upload")
    assert oei_client.get(upload_url).status_code == 200

    response = oei_client.post(upload_url, {"file": _upload(roster_of(on_file))})
    assert response.status_code == 302
    preview = oei_client.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "E9001" in page and "Senior Lifeguard" in page and "Apply these changes" in page
    assert not Employee.objects.filter(employee_number="E9001").exists()  # not yet

    token = oei_client.session[views.SESSION_KEY]["token"]
    apply_url = reverse("organisation_roster:apply", kwargs={"token": token})
    response = oei_client.post(apply_url, preview.context["apply_form"].initial)

    assert response.status_code == 302
    assert response["Location"] == upload_url
    assert Employee.objects.filter(employee_number__in=["E9001", "E9002"]).count() == 2
    on_file["leaver"].refresh_from_db()
    assert not on_file["leaver"].is_active
    assert views.SESSION_KEY not in oei_client.session
    # The same apply again: the upload is gone, so nothing happens twice.
    before = snapshot()
    again = oei_client.post(apply_url, preview.context["apply_form"].initial)
    assert again.status_code == 400
    assert snapshot() == before


def test_a_file_with_errors_shows_every_error_and_cannot_be_applied(oei_client, parks):
    before = snapshot()
    content = roster_csv(line("E1", department="NOPE"), line("E2"), line("E3", active="maybe"))
    response = oei_client.post(reverse("organisation_roster:upload"), {"file": _upload(content)})
    assert response.status_code == 200
    errors = [(e.line, e.reason) for e in response.context["plan"].errors]
    assert [number for number, _reason in errors] == [2, 4]
    page = response.content.decode()
    assert "Unknown department code NOPE." in page and "Apply these changes" not in page
    assert views.SESSION_KEY not in oei_client.session
    assert snapshot() == before


def test_the_preview_lists_the_first_200_of_each_kind(oei_client, parks):
    content = roster_csv(*(line(f"E{n:04d}") for n in range(250)))
    response = oei_client.post(
        reverse("organisation_roster:upload"), {"file": _upload(content)}, follow=True
    )
    (section,) = response.context["sections"]
    assert (section["total"], len(section["items"])) == (250, 200)
    assert "The first 200 of 250 are shown" in response.content.decode()


def test_files_over_5_mb_are_refused(oei_client, parks):
    content = roster_csv(line("E1")) + b"#" * roster.MAX_UPLOAD_BYTES
    response = oei_client.post(reverse("organisation_roster:upload"), {"file": _upload(content)})
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert views.SESSION_KEY not in oei_client.session


def _previewed(client, content: bytes):
    """Upload and preview a file; return the apply URL and the form the preview posts."""
    response = client.post(
        reverse("organisation_roster:upload"), {"file": _upload(content)}, follow=True
    )
    token = client.session[views.SESSION_KEY]["token"]
    apply_url = reverse("organisation_roster:apply", kwargs={"token": token})
    return apply_url, dict(response.context["apply_form"].initial)


def test_a_forged_token_or_hash_is_refused(oei_client, parks):
    apply_url, data = _previewed(oei_client, roster_csv(line("E1")))
    before = snapshot()

    forged = reverse("organisation_roster:apply", kwargs={"token": "not-the-token"})
    response = oei_client.post(forged, data)
    assert response.status_code == 400
    assert "This upload is unknown" in response.content.decode()
    assert (
        oei_client.get(reverse("organisation_roster:preview", args=["forged"])).status_code == 400
    )

    response = oei_client.post(apply_url, {**data, "sha256": "0" * 64})
    assert response.status_code == 400
    assert "not the file that was previewed" in response.content.decode()
    assert oei_client.get(apply_url).status_code == 405
    assert snapshot() == before


def test_an_expired_upload_is_refused(oei_client, parks):
    apply_url, data = _previewed(oei_client, roster_csv(line("E1")))
    session = oei_client.session
    stored = session[views.SESSION_KEY]
    stored["uploaded_at"] = (timezone.now() - timedelta(hours=2)).isoformat()
    session[views.SESSION_KEY] = stored
    session.save()

    response = oei_client.post(apply_url, data)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Employee.objects.filter(employee_number="E1").exists()


def test_changes_since_the_preview_are_shown_again_not_applied(oei_client, parks):
    mover = EmployeeFactory(department=parks)
    apply_url, data = _previewed(oei_client, roster_csv(line_for(mover, title="Ranger")))
    mover.job_title = "Ranger"  # someone else made the change meanwhile
    mover.save()
    before = snapshot()

    response = oei_client.post(apply_url, data)

    assert response.status_code == 409
    assert response.context["plan"].unchanged == 1
    assert snapshot() == before


@pytest.fixture(params=[roles.CONTENT_EDITOR, roles.LEGAL_REVIEWER, roles.EMPLOYEE, roles.LIAISON])
def outsider(request, parks):
    if request.param == roles.LIAISON:
        return LiaisonFactory(department=parks).user
    if request.param == roles.EMPLOYEE:
        return EmployeeFactory(department=parks).user
    return UserFactory(roles=[request.param])


def test_only_oei_may_use_any_roster_url(client, outsider, parks):
    # A real pending upload, by an OEI administrator in another session.
    oei = client.__class__()
    oei.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    _apply_url, data = _previewed(oei, roster_csv(line("E1")))
    token = oei.session[views.SESSION_KEY]["token"]
    client.force_login(outsider)
    before = snapshot()

    responses = [
        client.get(reverse("organisation_roster:upload")),
        client.post(
            reverse("organisation_roster:upload"), {"file": _upload(roster_csv(line("E2")))}
        ),
        client.get(reverse("organisation_roster:preview", kwargs={"token": token})),
        client.post(reverse("organisation_roster:apply", kwargs={"token": token}), data),
    ]

    if outsider.has_perm("wagtailadmin.access_admin"):
        # Editors and reviewers are in the admin, but not allowed here.
        assert [r.status_code for r in responses] == [403] * 4
        assert "Roster import" not in client.get(reverse("wagtailadmin_home")).content.decode()
    else:
        # Employees and liaisons never reach the admin: Wagtail sends them to its login.
        assert [r.status_code for r in responses] == [302] * 4
        assert all(r["Location"].startswith(reverse("wagtailadmin_login")) for r in responses)
    assert snapshot() == before


def test_the_menu_offers_the_roster_import_to_oei(oei_client):
    page = oei_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Roster import" in page and reverse("organisation_roster:upload") in page


# --- The command ------------------------------------------------------------------------------


def _write(tmp_path, content: bytes) -> str:
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    return str(path)


def test_the_command_dry_run_changes_nothing(tmp_path, on_file):
    before = snapshot()
    out = StringIO()
    call_command("import_roster", _write(tmp_path, roster_of(on_file)), "--dry-run", stdout=out)
    assert "7 rows: 2 new, 1 updated, 1 transferred, 1 deactivated, 1 reactivated" in (
        out.getvalue()
    )
    assert "Dry run: nothing was applied." in out.getvalue()
    assert snapshot() == before


def test_the_command_applies_a_good_file(tmp_path, on_file):
    out = StringIO()
    call_command("import_roster", _write(tmp_path, roster_of(on_file)), stdout=out)
    assert "Applied: 2 new" in out.getvalue()
    assert Employee.objects.filter(employee_number="E9001", origin="hr").exists()


def test_the_command_lists_every_error_and_fails(tmp_path, parks):
    before = snapshot()
    err = StringIO()
    content = roster_csv(line("E1", department="NOPE"), line("E1", email="other@cabq.example"))
    with pytest.raises(CommandError, match="2 errors; nothing was applied"):
        call_command("import_roster", _write(tmp_path, content), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "line 2: Unknown department code NOPE.",
        "line 3: Employee number E1 is already on line 2.",
    ]
    assert snapshot() == before
