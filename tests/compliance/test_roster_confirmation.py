"""A roster confirmation states what it confirmed (the roster at that moment), and shows
"Changed since confirmed" once an HR import, a transfer or a leaver touches the department."""

import re

import pytest
from django.urls import reverse

from lms.compliance import selectors, services
from lms.compliance.models import RosterConfirmation
from lms.compliance.services import assignments_sync
from lms.organisation import roster
from lms.organisation.services import roster_import
from lms.organisation.services.employees import employee_save
from lms.records import ImmutableRecordError
from tests.factories import EmployeeFactory, TrainingRequirementFactory
from tests.organisation.test_roster_import import line, line_for, roster_csv

pytestmark = pytest.mark.django_db

CHANGED = "Changed since confirmed"


def import_roster(*lines: str):
    return roster_import.roster_import_apply(
        plan=roster.roster_validate(content=roster_csv(*lines))
    )


def department_page(client, department) -> str:
    response = client.get(reverse("compliance:department", args=[department.code]))
    assert response.status_code == 200
    return response.content.decode()


def confirmation_section(html: str) -> str:
    return html.split('id="confirmation-heading"')[1].split("</section>")[0]


@pytest.fixture
def staffed(parks, transit, liaison):
    """Parks: three active people (and one who left long ago); Transit: two."""
    people = {
        "parks": [
            EmployeeFactory(department=parks, employee_number=f"E100{n}", job_title="Lifeguard")
            for n in range(3)
        ],
        "transit": [EmployeeFactory(department=transit) for _ in range(2)],
    }
    EmployeeFactory(department=parks, is_active=False)
    return people


def test_a_confirmation_keeps_the_roster_it_confirmed(staffed, parks, liaison, liaison_client):
    confirmation = services.roster_confirm(department=parks, confirmed_by=liaison)
    assert confirmation.employee_count == 3
    assert [person["number"] for person in confirmation.roster] == ["E1000", "E1001", "E1002"]
    first = staffed["parks"][0]
    assert confirmation.roster[0] == {
        "number": "E1000",
        "name": f"{first.user.first_name} {first.user.last_name}",
        "job_title": "Lifeguard",
    }
    confirmation.employee_count = 4
    with pytest.raises(ImmutableRecordError):
        confirmation.save()
    with pytest.raises(ImmutableRecordError):
        RosterConfirmation.objects.filter(pk=confirmation.pk).update(employee_count=4)

    html = confirmation_section(department_page(liaison_client, parks))
    assert "with 3 active employees" in html
    assert CHANGED not in html
    # The people confirmed are on their own page, not loaded with every view of the roster.
    assert "E1002" not in html and "See the roster as confirmed (3 people)" in html
    confirmed = confirmed_page(liaison_client, parks)
    assert "with 3 active employees" in confirmed
    assert "E1000" in confirmed and "E1002" in confirmed and "Lifeguard" in confirmed


def confirmed_page(client, department) -> str:
    response = client.get(reverse("compliance:roster_confirmed", args=[department.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_confirmed_roster_stays_as_confirmed_after_people_change(
    staffed, parks, liaison, liaison_client
):
    assert (
        liaison_client.get(reverse("compliance:roster_confirmed", args=[parks.code])).status_code
        == 404
    )  # never confirmed: nothing to show
    services.roster_confirm(department=parks, confirmed_by=liaison)
    import_roster(line("E9001", department="PARKS"))
    html = confirmed_page(liaison_client, parks)
    assert CHANGED in html and "E1000" in html and "E9001" not in html


def test_an_import_adding_someone_marks_the_confirmed_roster_changed(
    staffed, parks, liaison, liaison_client
):
    services.roster_confirm(department=parks, confirmed_by=liaison)
    import_roster(line("E9001", department="PARKS"))

    html = confirmation_section(department_page(liaison_client, parks))
    assert CHANGED in html
    assert "1 joined, 0 left" in html
    assert "with 3 active employees" in html  # what was confirmed stays as it was


def test_a_leaver_marks_the_confirmed_roster_changed(staffed, parks, liaison, liaison_client):
    services.roster_confirm(department=parks, confirmed_by=liaison)
    import_roster(line_for(staffed["parks"][1], active="false"))

    html = confirmation_section(department_page(liaison_client, parks))
    assert CHANGED in html
    assert "0 joined, 1 left (of whom 0 transferred" in html


def test_a_transfer_marks_both_departments_changed(
    staffed, parks, transit, liaison, oei, oei_client
):
    services.roster_confirm(department=parks, confirmed_by=liaison)
    services.roster_confirm(department=transit, confirmed_by=oei)
    import_roster(line_for(staffed["parks"][0], department="TRANSIT"))

    parks_html = confirmation_section(department_page(oei_client, parks))
    assert CHANGED in parks_html and "0 joined, 1 left (of whom 1 transferred" in parks_html
    transit_html = confirmation_section(department_page(oei_client, transit))
    assert CHANGED in transit_html and "1 joined, 0 left" in transit_html


def test_an_import_that_changes_nothing_in_the_department_leaves_it_confirmed(
    staffed, parks, transit, liaison, oei, liaison_client
):
    services.roster_confirm(department=parks, confirmed_by=liaison)
    services.roster_confirm(department=transit, confirmed_by=oei)
    result = import_roster(
        line_for(staffed["parks"][2], title="Senior Lifeguard"),  # a new title: same people
        line("E9002", department="TRANSIT"),  # someone joins another department
        *(line_for(employee) for employee in staffed["parks"][:2]),  # unchanged
    )
    assert (result.created, result.updated) == (1, 1)

    html = confirmation_section(department_page(liaison_client, parks))
    assert CHANGED not in html
    transit_row = selectors.department_for(user=oei, code="TRANSIT").last_confirmation
    assert transit_row.changed and transit_row.changes.joined == 1


def test_confirming_again_clears_the_change(staffed, parks, liaison, liaison_client):
    services.roster_confirm(department=parks, confirmed_by=liaison)
    import_roster(line("E9001", department="PARKS"))
    services.roster_confirm(department=parks, confirmed_by=liaison)
    html = confirmation_section(department_page(liaison_client, parks))
    assert CHANGED not in html and "with 4 active employees" in html


def test_a_transfer_by_hand_marks_both_departments_changed(staffed, parks, transit, liaison, oei):
    services.roster_confirm(department=parks, confirmed_by=liaison)
    services.roster_confirm(department=transit, confirmed_by=oei)
    mover = staffed["parks"][1]
    mover.department = transit
    employee_save(
        employee=mover,
        first_name=mover.user.first_name,
        last_name=mover.user.last_name,
        email=mover.user.email,
    )
    for code in ("PARKS", "TRANSIT"):
        assert selectors.department_for(user=oei, code=code).last_confirmation.changed, code
    # Saving someone without moving them changes nothing.
    services.roster_confirm(department=parks, confirmed_by=liaison)
    stayer = staffed["parks"][0]
    employee_save(employee=stayer, first_name="New", last_name="Name", email=stayer.user.email)
    assert not selectors.department_for(user=oei, code="PARKS").last_confirmation.changed


def test_oei_sees_which_confirmed_rosters_changed(
    staffed, course, parks, transit, liaison, oei, oei_client
):
    TrainingRequirementFactory(course=course)
    assignments_sync()
    services.roster_confirm(department=parks, confirmed_by=liaison)
    services.roster_confirm(department=transit, confirmed_by=oei)
    import_roster(line("E9001", department="PARKS"))

    index = oei_client.get(reverse("compliance:index")).content.decode()
    items = {
        name: item
        for item in index.split("<li>")[1:]
        for name in ("Parks and Recreation", "Transit")
        if f">{name}</a>" in item
    }
    assert "data-roster-changed" in items["Parks and Recreation"]
    assert "data-roster-changed" not in items["Transit"]

    dashboard = oei_client.get(reverse("reports:dashboard")).content.decode()
    departments = dashboard.split('id="departments-caption"')[1].split("</table>")[0]
    rows = {
        name: row.split("</tr>")[0]
        for row in departments.split("<tr>")[1:]
        for name in ("Parks and Recreation", "Transit")
        if re.search(rf">{name}<", row)
    }
    assert CHANGED in rows["Parks and Recreation"]
    assert CHANGED not in rows["Transit"]
