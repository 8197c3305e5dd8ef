"""Issue 16, "A liaison alone can grant an exemption with no end date, and nobody can undo one":
only OEI grants a permanent exemption; a liaison must give an end date (the form requires it
and the service refuses a forged request without one). OEI or the liaison who granted an
exemption can end it early, with a reason, recorded and audited; from its end date it no longer
counts. Anyone else is refused and nothing changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from lms.compliance.models import Assignment, Exemption
from lms.compliance.selectors import Status, with_status
from lms.compliance.services import exemption_end, exemption_grant
from lms.errors import ApplicationError
from lms.organisation.models import Liaison
from tests.factories import LiaisonFactory

pytestmark = pytest.mark.django_db


def ranger(city):
    """A Parks employee, overdue."""
    return city["people"]["parks"][2]


def assignment_of(employee):
    return Assignment.objects.get(employee=employee)


def status_of(assignment, *, today=None):
    return (
        with_status(
            Assignment.objects.filter(pk=assignment.pk),
            requirements=[assignment.requirement],
            today=today,
        )
        .get()
        .status
    )


def end_url(exemption):
    return reverse(
        "compliance:exemption_end",
        kwargs={"pk": exemption.assignment_id, "exemption": exemption.pk},
    )


@pytest.fixture
def granted(city):
    """An exemption of a Parks ranger for 60 days, granted by the Parks liaison."""
    return exemption_grant(
        assignment=assignment_of(ranger(city)),
        reason="Seasonal, not working",
        until=timezone.localdate() + timedelta(days=60),
        granted_by=city["liaison"],
    )


def test_a_liaison_cannot_grant_a_permanent_exemption(city):
    with pytest.raises(ApplicationError) as error:
        exemption_grant(
            assignment=assignment_of(ranger(city)),
            reason="Forever",
            until=None,
            granted_by=city["liaison"],
        )
    assert 400 <= error.value.status < 500
    assert "end date" in error.value.message
    assert not Exemption.objects.exists()


def test_a_forged_post_without_an_end_date_from_a_liaison_changes_nothing(client, city):
    client.force_login(city["liaison"])
    url = reverse("compliance:exemption_grant", kwargs={"pk": assignment_of(ranger(city)).pk})
    response = client.post(url, {"exemption-reason": "Forever", "exemption-until": ""})
    assert response.status_code == 400
    response = client.post(url, {"exemption-reason": "Forever"})  # the field left out
    assert response.status_code == 400
    assert not Exemption.objects.exists()
    assert status_of(assignment_of(ranger(city))) == Status.OVERDUE


def test_the_liaison_form_requires_an_end_date_and_oei_may_leave_it_empty(client, city):
    url = reverse("compliance:assignment", kwargs={"pk": assignment_of(ranger(city)).pk})
    client.force_login(city["liaison"])
    liaison_page = client.get(url).content.decode()
    assert 'name="exemption-until"' in liaison_page
    assert 'name="exemption-until" required' in liaison_page or (
        "required" in liaison_page.split('name="exemption-until"')[1].split(">")[0]
    )
    client.force_login(city["oei"])
    oei_page = client.get(url).content.decode()
    assert "Leave empty for a permanent exemption" in oei_page


def test_oei_grants_a_permanent_exemption(client, city):
    client.force_login(city["oei"])
    assignment = assignment_of(ranger(city))
    url = reverse("compliance:exemption_grant", kwargs={"pk": assignment.pk})
    response = client.post(url, {"exemption-reason": "Contractor", "exemption-until": ""})
    assert response.status_code == 302
    assert Exemption.objects.get().until is None
    assert status_of(assignment) == Status.EXEMPT


def test_the_granting_liaison_ends_an_exemption_early_and_it_stops_counting(client, city, granted):
    assignment = assignment_of(ranger(city))
    today = timezone.localdate()
    assert status_of(assignment) == Status.EXEMPT
    client.force_login(city["liaison"])
    response = client.post(end_url(granted), {"end-reason": "Back at work"})
    assert response.status_code == 302
    ended = Exemption.objects.get()
    assert (ended.ended_on, ended.ended_by, ended.end_reason) == (
        today,
        city["liaison"],
        "Back at work",
    )
    # From its end date it no longer counts; the day before it still did.
    assert status_of(assignment) == Status.OVERDUE
    assert status_of(assignment, today=today - timedelta(days=1)) == Status.EXEMPT
    entry = ModelLogEntry.objects.get(action="lms.exemption.end")
    assert entry.user_id == city["liaison"].pk
    assert entry.data["reason"] == "Back at work"
    page = client.get(reverse("compliance:assignment", kwargs={"pk": assignment.pk}))
    assert "Back at work" in page.content.decode()


def test_oei_ends_an_exemption_a_liaison_granted(city, granted):
    exemption_end(exemption=granted, ended_by=city["oei"], reason="Audit")
    assert Exemption.objects.get().ended_by == city["oei"]


def test_ending_an_ended_exemption_is_409_and_changes_nothing(client, city, granted):
    exemption_end(exemption=granted, ended_by=city["liaison"], reason="Back at work")
    with pytest.raises(ApplicationError) as error:
        exemption_end(exemption=granted, ended_by=city["oei"], reason="Again")
    assert error.value.status == 409
    client.force_login(city["oei"])
    assert client.post(end_url(granted), {"end-reason": "Again"}).status_code == 409
    ended = Exemption.objects.get()
    assert (ended.ended_by, ended.end_reason) == (city["liaison"], "Back at work")


def test_a_reason_is_required_to_end_one(client, city, granted):
    client.force_login(city["liaison"])
    assert client.post(end_url(granted), {"end-reason": "  "}).status_code == 400
    assert Exemption.objects.get().ended_on is None


def test_nobody_else_can_end_it(client, city, granted):
    other_parks_liaison = LiaisonFactory(department=city["parks"]).user
    transit_liaison = LiaisonFactory(department=city["transit"]).user
    for user, status in (
        (other_parks_liaison, 403),  # sees the roster, did not grant it
        (transit_liaison, 404),  # may not see this department at all
        (ranger(city).user, 403),  # the employee: no dashboard
        (city["people"]["parks"][0].user, 403),
    ):
        client.force_login(user)
        response = client.post(end_url(granted), {"end-reason": "Not mine to end"})
        assert response.status_code == status, user
    with pytest.raises(ApplicationError) as error:
        exemption_end(exemption=granted, ended_by=other_parks_liaison, reason="Not mine")
    assert error.value.status == 403
    assert Exemption.objects.get().ended_on is None
    assert status_of(assignment_of(ranger(city))) == Status.EXEMPT


def test_an_exemption_of_another_assignment_in_the_url_is_404(client, city, granted):
    other = assignment_of(city["people"]["parks"][3])
    client.force_login(city["oei"])
    url = reverse("compliance:exemption_end", kwargs={"pk": other.pk, "exemption": granted.pk})
    assert client.post(url, {"end-reason": "Forged"}).status_code == 404
    url = reverse("compliance:exemption_end", kwargs={"pk": other.pk, "exemption": 10**30})
    assert client.post(url, {"end-reason": "Forged"}).status_code == 404
    assert Exemption.objects.get().ended_on is None


def test_a_liaison_who_no_longer_serves_the_department_cannot_end_what_they_granted(city, granted):
    Liaison.objects.filter(user=city["liaison"]).delete()
    with pytest.raises(ApplicationError) as error:
        exemption_end(exemption=granted, ended_by=city["liaison"], reason="Still mine?")
    assert error.value.status == 403
    assert Exemption.objects.get().ended_on is None
