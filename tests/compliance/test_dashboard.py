"""The liaison dashboard (EO §5): summary, roster filters, export, reminders, confirmation."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.models import Completion
from lms.compliance.models import (
    Assignment,
    Exemption,
    Extension,
    ReminderRequest,
    RosterConfirmation,
)
from lms.compliance.services import assignments_sync, extension_grant
from lms.organisation import roles
from lms.organisation.models import Employee
from tests.factories import (
    DepartmentFactory,
    EmployeeFactory,
    LiaisonFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def person(department, first, last, **kwargs):
    return EmployeeFactory(
        department=department, user__first_name=first, user__last_name=last, **kwargs
    )


def set_due(employee, requirement, due_on):
    Assignment.objects.filter(employee=employee, requirement=requirement).update(due_on=due_on)


def complete(employee, course, *, days_ago=0):
    for lesson in course.lessons():
        course_services.lesson_complete(
            employee=employee, lesson=lesson, now=timezone.now() - timedelta(days=days_ago)
        )


@pytest.fixture
def mix(course, parks, transit, today):
    """Parks: a known mix of statuses under two requirements. Transit: one overdue person
    the Parks liaison must never see."""
    induction = TrainingRequirementFactory(course=course, name="Induction")
    yearly = TrainingRequirementFactory(
        course=course, name="Yearly refresher", recertify_months=12, window_days=30
    )
    people = {
        "overdue1": person(parks, "Olivia", "Archuleta"),
        "overdue2": person(parks, "Oscar", "Baca"),
        "soon": person(parks, "Sofia", "Chavez"),
        "later": person(parks, "Luis", "Duran"),
        "done": person(parks, "Diana", "Espinoza"),
        "exempt": person(parks, "Ernesto", "Fresquez"),
        "other": person(transit, "Tomas", "Garcia"),
    }
    assignments_sync()
    for requirement in (induction, yearly):
        for key in ("later", "done", "exempt"):
            set_due(people[key], requirement, today + timedelta(days=60))
        for key in ("overdue1", "overdue2", "other"):
            set_due(people[key], requirement, today - timedelta(days=5))
        set_due(people["soon"], requirement, today + timedelta(days=3))
    # One completion (of the shared course) 400 days ago: complete for the induction,
    # expired for the yearly refresher.
    complete(people["done"], course, days_ago=400)
    oei = UserFactory(roles=[roles.OEI_ADMIN])
    for requirement in (induction, yearly):
        Exemption.objects.create(
            assignment=Assignment.objects.get(employee=people["exempt"], requirement=requirement),
            reason="Seasonal",
            granted_by=oei,
        )
    return {"induction": induction, "yearly": yearly, "people": people, "oei": oei}


def dashboard_url(code="PARKS", **query):
    url = reverse("compliance:department", kwargs={"code": code})
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def export_url(code="PARKS", **query):
    return dashboard_url(code, **query).replace(f"/{code}/", f"/{code}/export.csv", 1)


def roster_names(response) -> list[str]:
    return [row.employee.full_name for row in response.context["rows"]]


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_summary_counts_each_status(liaison_client, mix):
    response = liaison_client.get(dashboard_url())
    assert response.status_code == 200
    summary = {row.name: row for row in response.context["summary"].requirements}
    assert set(summary) == {"Induction", "Yearly refresher"}  # Transit's people not counted

    induction = summary["Induction"]
    assert (induction.total, induction.overdue, induction.due_soon, induction.expired) == (
        6,
        2,
        1,
        0,
    )
    assert (induction.compliant, induction.percent_compliant) == (2, 33)

    yearly = summary["Yearly refresher"]
    assert (yearly.total, yearly.overdue, yearly.due_soon, yearly.expired) == (6, 2, 1, 1)
    assert (yearly.compliant, yearly.percent_compliant) == (1, 16)

    content = response.content.decode()
    assert "33% (2 of 6)" in content
    assert "16% (1 of 6)" in content


def test_roster_shows_status_as_text_and_effective_due_date(liaison_client, mix, today):
    person_ = mix["people"]["overdue1"]
    assignment = Assignment.objects.get(employee=person_, requirement=mix["induction"])
    extension_grant(
        assignment=assignment,
        new_due_on=today + timedelta(days=90),
        reason="Leave",
        granted_by=mix["oei"],
    )
    response = liaison_client.get(dashboard_url(requirement=mix["induction"].pk, q="Archuleta"))
    [row] = response.context["rows"]
    assert row.effective_due_on == today + timedelta(days=90)
    assert str(row.status_label) == "Not started"
    content = response.content.decode()
    assert "(extended)" in content
    assert "Not started" in content
    assert "<caption>" in content and 'scope="row"' in content


def test_filters_by_status_requirement_and_name(liaison_client, mix):
    response = liaison_client.get(dashboard_url(status="overdue"))
    assert sorted(roster_names(response)) == sorted(
        ["Olivia Archuleta", "Oscar Baca"] * 2
    )  # both requirements, never Transit's Tomas Garcia
    assert response.context["page"].paginator.count == 4

    response = liaison_client.get(dashboard_url(status="expired", requirement=mix["yearly"].pk))
    assert roster_names(response) == ["Diana Espinoza"]

    response = liaison_client.get(dashboard_url(q="oscar BACA", requirement=mix["induction"].pk))
    assert roster_names(response) == ["Oscar Baca"]
    assert response.context["page"].paginator.count == 1

    number = mix["people"]["soon"].employee_number
    response = liaison_client.get(dashboard_url(q=number))
    assert set(roster_names(response)) == {"Sofia Chavez"}

    response = liaison_client.get(dashboard_url(q="Garcia"))  # Transit
    assert roster_names(response) == []
    assert "Nobody on the roster matches these filters." in response.content.decode()


def test_sorts(liaison_client, mix):
    induction = mix["induction"].pk
    by_name = roster_names(liaison_client.get(dashboard_url(requirement=induction)))
    assert by_name == [
        "Olivia Archuleta",
        "Oscar Baca",
        "Sofia Chavez",
        "Luis Duran",
        "Diana Espinoza",
        "Ernesto Fresquez",
    ]
    by_due = roster_names(liaison_client.get(dashboard_url(requirement=induction, sort="due")))
    assert by_due[:3] == ["Olivia Archuleta", "Oscar Baca", "Sofia Chavez"]
    by_status = liaison_client.get(dashboard_url(requirement=mix["yearly"].pk, sort="status"))
    assert [row.status for row in by_status.context["rows"]] == [
        "overdue",
        "overdue",
        "expired",
        "due_soon",
        "not_started",
        "exempt",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"requirement": "999999"},
        {"requirement": "abc"},
        {"sort": "salary"},
        {"page": "two"},
        {"page": "0"},
        {"page": "9" * 5000},
        {"q": "x" * 101},
    ],
)
def test_bad_filters_are_a_400_with_a_message(liaison_client, mix, query):
    response = liaison_client.get(dashboard_url(**query))
    assert response.status_code == 400
    assert "Please correct the following" in response.content.decode()
    response = liaison_client.get(export_url(**query))
    assert response.status_code == 400


def test_a_page_past_the_end_is_a_404_that_says_so(liaison_client, mix):
    response = liaison_client.get(dashboard_url(page=2))
    assert response.status_code == 404
    assert "There is no page 2: these filters show 1 page." in response.content.decode()


def test_pagination_50_rows_a_page(liaison_client, parks, course):
    TrainingRequirementFactory(course=course)
    for n in range(51):
        person(parks, f"First{n:02d}", f"Last{n:02d}")
    assignments_sync()
    first = liaison_client.get(dashboard_url())
    assert len(first.context["rows"]) == 50
    second = liaison_client.get(dashboard_url(page=2))
    assert roster_names(second) == ["First50 Last50"]
    assert 'aria-current="page"' in second.content.decode()


def test_export_matches_the_filters_across_pages(liaison_client, mix, today):
    response = liaison_client.get(export_url(status="overdue", sort="name"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert [(r["Last name"], r["Requirement"], r["Status"]) for r in rows] == [
        ("Archuleta", "Induction", "Overdue"),
        ("Archuleta", "Yearly refresher", "Overdue"),
        ("Baca", "Induction", "Overdue"),
        ("Baca", "Yearly refresher", "Overdue"),
    ]
    assert rows[0]["Due date"] == (today - timedelta(days=5)).isoformat()

    everything = read_csv(liaison_client.get(export_url()))
    assert len(everything) == 12  # all of Parks, both requirements, no Transit
    assert "Garcia" not in {r["Last name"] for r in everything}


def test_export_streams_and_defuses_formulas(liaison_client, parks, course):
    TrainingRequirementFactory(course=course)
    person(parks, "=HYPERLINK(1)", "Smith")
    assignments_sync()
    response = liaison_client.get(export_url())
    assert response.streaming
    [row] = read_csv(response)
    assert row["First name"] == "'=HYPERLINK(1)"


def test_export_has_a_row_per_assignment_beyond_one_page(liaison_client, parks, course):
    TrainingRequirementFactory(course=course)
    for n in range(60):
        person(parks, f"First{n:02d}", f"Last{n:02d}")
    assignments_sync()
    assert len(read_csv(liaison_client.get(export_url()))) == 60


def test_reminders_once_per_employee_per_day(
    liaison_client, mix, mailoutbox, django_capture_on_commit_callbacks
):
    people = mix["people"]
    url = reverse("compliance:reminders", kwargs={"code": "PARKS"})
    with django_capture_on_commit_callbacks(execute=True):
        response = liaison_client.post(
            url,
            {
                "employees": [people["overdue1"].pk, people["overdue2"].pk],
                "return_query": "status=overdue",
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == dashboard_url() + "?status=overdue"
    assert "2 reminders queued; 0 already reminded today." in response.content.decode()
    assert ReminderRequest.objects.count() == 2
    assert len(mailoutbox) == 2  # tasks run inline in tests

    response = liaison_client.post(
        url,
        {"employees": [people["overdue1"].pk, people["soon"].pk]},
        follow=True,
    )
    assert "1 reminder queued; 1 already reminded today." in response.content.decode()
    assert ReminderRequest.objects.count() == 3
    assert "Reminded today" in liaison_client.get(dashboard_url(q="Archuleta")).content.decode()


def test_reminder_with_nobody_selected_says_so(liaison_client, mix):
    url = reverse("compliance:reminders", kwargs={"code": "PARKS"})
    response = liaison_client.post(url, {}, follow=True)
    assert "Select at least one person to remind." in response.content.decode()
    assert not ReminderRequest.objects.exists()


def test_roster_confirmation_is_stored_and_shown(liaison_client, liaison, mix, parks):
    assert "This roster has not been confirmed yet." in (
        liaison_client.get(dashboard_url()).content.decode()
    )
    response = liaison_client.post(
        reverse("compliance:roster_confirm", kwargs={"code": "PARKS"}), follow=True
    )
    confirmation = RosterConfirmation.objects.get()
    assert (confirmation.department, confirmation.confirmed_by) == (parks, liaison)
    content = response.content.decode()
    assert "You confirmed that the roster of Parks and Recreation is accurate." in content
    assert f"Last confirmed as accurate by {liaison.get_full_name()}" in content


def test_index_sends_a_one_department_liaison_to_it(liaison_client):
    response = liaison_client.get(reverse("compliance:index"))
    assert response.status_code == 302
    assert response["Location"] == dashboard_url()


def test_index_lists_the_departments_of_a_liaison_of_several(client, parks, transit):
    liaison = LiaisonFactory(department=parks).user
    LiaisonFactory(department=transit, user=liaison)
    DepartmentFactory(name="Aviation")
    client.force_login(liaison)
    response = client.get(reverse("compliance:index"))
    assert response.status_code == 200
    assert [d.code for d in response.context["departments"]] == ["PARKS", "TRANSIT"]
    assert "Aviation" not in response.content.decode()


def test_index_lists_every_department_for_oei(client, parks, transit):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    content = client.get(reverse("compliance:index")).content.decode()
    assert "Parks and Recreation" in content and "Transit" in content


def test_nav_link_only_for_the_dashboard_permission(client, liaison, employee):
    client.force_login(liaison)
    assert "Department compliance" in client.get(reverse("courses:my_training")).content.decode()
    client.force_login(employee.user)
    assert "Department compliance" not in (
        client.get(reverse("courses:my_training")).content.decode()
    )


def test_extension_and_exemption_from_the_assignment_page(liaison_client, liaison, mix, today):
    assignment = Assignment.objects.get(
        employee=mix["people"]["overdue1"], requirement=mix["induction"]
    )
    url = reverse("compliance:assignment", kwargs={"pk": assignment.pk})
    assert liaison_client.get(url).status_code == 200

    new_due = today + timedelta(days=30)
    response = liaison_client.post(
        reverse("compliance:extension_grant", kwargs={"pk": assignment.pk}),
        {"extension-new_due_on": new_due.isoformat(), "extension-reason": "Medical leave"},
        follow=True,
    )
    extension = Extension.objects.get()
    assert (extension.assignment, extension.new_due_on, extension.granted_by) == (
        assignment,
        new_due,
        liaison,
    )
    content = response.content.decode()
    assert "Extension granted" in content and "Medical leave" in content

    until = today + timedelta(days=120)
    response = liaison_client.post(
        reverse("compliance:exemption_grant", kwargs={"pk": assignment.pk}),
        {"exemption-reason": "Seasonal worker", "exemption-until": until.isoformat()},
        follow=True,
    )
    exemption = Exemption.objects.get(assignment=assignment)
    assert (exemption.until, exemption.granted_by) == (until, liaison)
    assert "Seasonal worker" in response.content.decode()
    assert response.context["status_label"] == "Exempt"


def test_extension_refused_with_the_services_reason(liaison_client, mix, today):
    assignment = Assignment.objects.get(
        employee=mix["people"]["overdue1"], requirement=mix["induction"]
    )
    response = liaison_client.post(
        reverse("compliance:extension_grant", kwargs={"pk": assignment.pk}),
        {"extension-new_due_on": (today - timedelta(days=30)).isoformat(), "extension-reason": "x"},
    )
    assert response.status_code == 400
    assert "The new due date must be later than the current one." in response.content.decode()
    response = liaison_client.post(
        reverse("compliance:exemption_grant", kwargs={"pk": assignment.pk}),
        {"exemption-reason": "", "exemption-until": "not a date"},
    )
    assert response.status_code == 400
    assert not Extension.objects.exists()
    assert not Exemption.objects.filter(assignment=assignment).exists()


def test_nobody_grants_themselves_an_extension(client, parks, course, today):
    liaison = LiaisonFactory(department=parks).user
    own = EmployeeFactory(user=liaison, department=parks)
    TrainingRequirementFactory(course=course)
    assignments_sync()
    assignment = Assignment.objects.get(employee=own)
    client.force_login(liaison)
    assert (
        "You cannot grant yourself"
        in client.get(
            reverse("compliance:assignment", kwargs={"pk": assignment.pk})
        ).content.decode()
    )
    response = client.post(
        reverse("compliance:extension_grant", kwargs={"pk": assignment.pk}),
        {"extension-new_due_on": (today + timedelta(days=90)).isoformat(), "extension-reason": "x"},
    )
    assert response.status_code == 403
    assert not Extension.objects.exists()


# --- query count ---------------------------------------------------------------------------


@pytest.fixture
def big_department(parks, course, today):
    """2,000 employees of Parks under 10 requirements, written with bulk_create."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"bulk{n}",
            first_name=f"First{n}",
            last_name=f"Last{n % 97}",
            password="!",
        )
        for n in range(2000)
    )
    employees = Employee.objects.bulk_create(
        Employee(
            user=user,
            employee_number=f"B{n:05d}",
            department=parks,
            job_title="Lifeguard",
            hire_date=today - timedelta(days=400),
        )
        for n, user in enumerate(users)
    )
    requirements = [
        TrainingRequirementFactory(
            course=course, name=f"Requirement {n}", recertify_months=12 if n % 2 else None
        )
        for n in range(10)
    ]
    Assignment.objects.bulk_create(
        Assignment(
            employee=employee,
            requirement=requirement,
            assigned_on=today - timedelta(days=40),
            due_on=today + timedelta(days=(n % 60) - 20),
        )
        for n, employee in enumerate(employees)
        for requirement in requirements
    )
    enrollments_done = employees[:300]
    for employee in enrollments_done[:3]:
        complete(employee, course, days_ago=30)
    return requirements


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "overdue"},
        {"sort": "status", "page": "7"},
        {"sort": "due", "q": "Last1", "page": "2"},
    ],
)
def test_dashboard_of_2000_employees_x_10_requirements_in_at_most_11_queries(
    liaison_client, big_department, django_assert_max_num_queries, query
):
    assert Assignment.objects.filter(employee__department__code="PARKS").count() == 20_000
    liaison_client.get(dashboard_url())  # the footer's site settings are created on first use
    # 10, and one for the navigation's "does this user supervise anyone" (issue 19: My team).
    with django_assert_max_num_queries(11):
        response = liaison_client.get(dashboard_url(**query))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50
    assert Completion.objects.count() == 3


def test_oei_sees_when_each_department_last_confirmed_its_roster(client):
    from lms.compliance.services import roster_confirm
    from lms.organisation import roles
    from tests.factories import DepartmentFactory, LiaisonFactory, UserFactory

    confirmed = DepartmentFactory(name="Parks")
    DepartmentFactory(name="Transit")
    roster_confirm(department=confirmed, confirmed_by=LiaisonFactory(department=confirmed).user)
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    html = client.get(reverse("compliance:index")).content.decode()
    parks_line = html[html.index(">Parks<") :].split("</li>")[0]
    transit_line = html[html.index(">Transit<") :].split("</li>")[0]
    assert "Roster last confirmed on" in parks_line
    assert "Roster never confirmed" in transit_line
