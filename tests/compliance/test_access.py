"""Who may use the liaison dashboard: every URL, as every kind of visitor, changes nothing
it should not and never answers 500."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.compliance.models import (
    Assignment,
    Exemption,
    Extension,
    ReminderRequest,
    RosterConfirmation,
)
from lms.compliance.services import assignments_sync
from tests.factories import EmployeeFactory, LiaisonFactory

pytestmark = pytest.mark.django_db

RECORDS = (ReminderRequest, RosterConfirmation, Extension, Exemption)


@pytest.fixture
def transit_liaison(city):
    return LiaisonFactory(department=city["transit"]).user


def ranger(city):
    """A Parks employee, overdue."""
    return city["people"]["parks"][2]


def driver(city):
    """A Transit employee, overdue."""
    return city["people"]["transit"][1]


def assignment_of(employee):
    return Assignment.objects.get(employee=employee)


def parks_requests(city) -> list[tuple[str, str, dict]]:
    """Every dashboard URL about Parks (method, url, data), the actions with valid data."""
    code = {"code": "PARKS"}
    pk = {"pk": assignment_of(ranger(city)).pk}
    later = (timezone.localdate() + timedelta(days=90)).isoformat()
    return [
        ("get", reverse("compliance:department", kwargs=code), {}),
        ("get", reverse("compliance:department", kwargs=code), {"status": "overdue"}),
        ("get", reverse("compliance:export", kwargs=code), {}),
        ("get", reverse("compliance:assignment", kwargs=pk), {}),
        ("post", reverse("compliance:reminders", kwargs=code), {"employees": [ranger(city).pk]}),
        ("post", reverse("compliance:roster_confirm", kwargs=code), {}),
        # After the confirmation above (for the department's own liaison): the roster it recorded.
        ("get", reverse("compliance:roster_confirmed", kwargs=code), {}),
        (
            "post",
            reverse("compliance:extension_grant", kwargs=pk),
            {"extension-new_due_on": later, "extension-reason": "Leave"},
        ),
        (
            "post",
            reverse("compliance:exemption_grant", kwargs=pk),
            {"exemption-reason": "Seasonal", "exemption-until": later},
        ),
    ]


def nothing_recorded():
    return all(not model.objects.exists() for model in RECORDS)


def request_ids(requests):
    return [f"{method} {url}" for method, url, _data in requests]


def test_a_liaison_of_another_department_gets_404_everywhere(client, city, transit_liaison):
    client.force_login(transit_liaison)
    for method, url, data in parks_requests(city):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert nothing_recorded()


def test_a_plain_employee_gets_403_everywhere(client, city):
    client.force_login(ranger(city).user)
    assert client.get(reverse("compliance:index")).status_code == 403
    for method, url, data in parks_requests(city):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url, response.status_code)
    assert nothing_recorded()


def test_anonymous_visitors_are_sent_to_log_in(client, city):
    requests = [("get", reverse("compliance:index"), {}), *parks_requests(city)]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert nothing_recorded()


def test_the_liaison_of_the_department_may_do_everything(client, city):
    client.force_login(city["liaison"])
    for method, url, data in parks_requests(city):
        response = getattr(client, method)(url, data)
        assert response.status_code == (200 if method == "get" else 302), (method, url)
    assert all(model.objects.count() == 1 for model in RECORDS)


def test_oei_sees_and_acts_on_every_department(client, city):
    client.force_login(city["oei"])
    for code in ("PARKS", "TRANSIT"):
        assert (
            client.get(reverse("compliance:department", kwargs={"code": code})).status_code == 200
        )
    for method, url, data in parks_requests(city):
        response = getattr(client, method)(url, data)
        assert response.status_code == (200 if method == "get" else 302), (method, url)
    assert all(model.objects.count() == 1 for model in RECORDS)
    assert (
        client.get(
            reverse("compliance:assignment", kwargs={"pk": assignment_of(driver(city)).pk})
        ).status_code
        == 200
    )


def test_posts_without_the_csrf_token_are_refused(city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city["liaison"])
    for method, url, data in parks_requests(city):
        if method == "post":
            assert client.post(url, data).status_code == 403, url
    assert nothing_recorded()


def test_forged_employee_ids_queue_nothing(client, city):
    client.force_login(city["liaison"])
    url = reverse("compliance:reminders", kwargs={"code": "PARKS"})
    for employees in (
        [driver(city).pk],
        [ranger(city).pk, driver(city).pk],
        ["abc"],
        [10**30],
    ):
        response = client.post(url, {"employees": employees})
        assert response.status_code == 400, employees
    assert (
        "not on this roster" in client.post(url, {"employees": [driver(city).pk]}).content.decode()
    )
    # the right ids sent to the other department's URL
    response = client.post(
        reverse("compliance:reminders", kwargs={"code": "TRANSIT"}),
        {"employees": [driver(city).pk]},
    )
    assert response.status_code == 404
    assert nothing_recorded()


def test_a_liaison_employed_elsewhere_sees_nothing_of_their_own_department(
    client, city, transit_liaison
):
    """A Transit liaison who works in Parks: Parks stays closed, their own assignment too."""
    own = EmployeeFactory(user=transit_liaison, department=city["parks"])
    assignments_sync()
    client.force_login(transit_liaison)
    assignment = Assignment.objects.get(employee=own)
    assert (
        client.get(reverse("compliance:assignment", kwargs={"pk": assignment.pk})).status_code
        == 404
    )
    response = client.get(reverse("compliance:department", kwargs={"code": "TRANSIT"}))
    assert own.employee_number not in response.content.decode()


@pytest.mark.parametrize("code", ["NOPE", "parks", "PARKS%27--", "-", "x" * 300])
def test_forged_department_codes_are_404(client, city, code):
    client.force_login(city["oei"])
    for name in ("compliance:department", "compliance:export"):
        assert client.get(reverse(name, kwargs={"code": code})).status_code == 404
    for name in ("compliance:reminders", "compliance:roster_confirm"):
        assert client.post(reverse(name, kwargs={"code": code})).status_code == 404
    assert nothing_recorded()


def test_an_inactive_department_is_404_even_to_its_liaison(client, city):
    city["parks"].is_active = False
    city["parks"].save()
    client.force_login(city["liaison"])
    for method, url, data in parks_requests(city):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert nothing_recorded()


@pytest.mark.parametrize(
    "query, status",
    [
        ({"status": "deleted"}, 400),
        ({"requirement": "-1"}, 400),
        ({"sort": "ssn"}, 400),
        ({"page": "abc"}, 400),
        ({"page": "-3"}, 400),
        ({"page": "1.5"}, 400),
        ({"page": "1e3"}, 400),
        ({"page": "10" * 30}, 400),
        ({"page": "99999"}, 404),
        ({"page": "2", "q": "nobody"}, 404),
    ],
)
def test_bad_query_strings_are_4xx_never_500(client, city, query, status):
    client.force_login(city["liaison"])
    url = reverse("compliance:department", kwargs={"code": "PARKS"})
    response = client.get(url, query)
    assert response.status_code == status
    assert response.status_code != 500


@pytest.mark.parametrize("pk", [0, 999999, 2**62, 2**63, 10**30])
def test_unknown_assignments_are_404(client, city, pk):
    client.force_login(city["oei"])
    assert client.get(reverse("compliance:assignment", kwargs={"pk": pk})).status_code == 404
    assert client.post(reverse("compliance:extension_grant", kwargs={"pk": pk})).status_code == 404


def test_wrong_methods_are_405(client, city):
    client.force_login(city["liaison"])
    assert client.get(reverse("compliance:reminders", kwargs={"code": "PARKS"})).status_code == 405
    assert (
        client.post(reverse("compliance:department", kwargs={"code": "PARKS"})).status_code == 405
    )
    assert nothing_recorded()


def test_a_confirmed_roster_is_seen_only_by_who_may_see_the_department(
    client, city, transit_liaison
):
    """The list of people a liaison confirmed: their department's liaison and OEI see it; a
    liaison of another department gets 404, an employee 403, a visitor the login page."""
    parks_liaison = Client()
    parks_liaison.force_login(city["liaison"])
    assert (
        parks_liaison.post(reverse("compliance:roster_confirm", args=["PARKS"])).status_code == 302
    )
    url = reverse("compliance:roster_confirmed", args=["PARKS"])
    assert parks_liaison.get(url).status_code == 200
    assert client.get(url).status_code == 302
    client.force_login(transit_liaison)
    assert client.get(url).status_code == 404
    client.force_login(ranger(city).user)
    assert client.get(url).status_code == 403
    client.force_login(city["oei"])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
