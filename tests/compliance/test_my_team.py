"""Supervisors' "My team" (issue 19): a supervisor sees exactly their chain (direct reports, or
everyone below with the toggle), each requirement's status and due date, filters them, and
sends reminders through the liaisons' path; nobody else sees or changes anything."""

import pytest
from django.test import Client
from django.urls import reverse

from lms.compliance.models import ReminderRequest
from lms.compliance.selectors import Status, team_assignments
from lms.organisation.models import Employee
from lms.organisation.selectors import is_supervisor, team_of
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

TEAM = reverse("compliance:team")
REMIND = reverse("compliance:team_reminders")


@pytest.fixture
def chain(city):
    """Parks: ``boss`` supervises ``a`` (overdue) and ``b`` (overdue); ``a`` supervises ``c``
    (due later), who supervises ``d`` (done). Transit's people report to nobody here."""
    parks = city["people"]["parks"]
    boss, a, b, c, d = parks[4], parks[2], parks[3], parks[5], parks[0]
    Employee.objects.filter(pk__in=[a.pk, b.pk]).update(supervisor=boss)
    Employee.objects.filter(pk=c.pk).update(supervisor=a)
    Employee.objects.filter(pk=d.pk).update(supervisor=c)
    return {"boss": boss, "a": a, "b": b, "c": c, "d": d, "outsider": parks[1], **city}


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_team_is_the_direct_reports_or_everyone_below(chain):
    boss, a, b, c, d = (chain[k] for k in "boss a b c d".split())
    assert ids(team_of(supervisor=boss)) == {a.pk, b.pk}
    assert ids(team_of(supervisor=boss, everyone=True)) == {a.pk, b.pk, c.pk, d.pk}
    assert ids(team_of(supervisor=a, everyone=True)) == {c.pk, d.pk}
    assert ids(team_of(supervisor=d, everyone=True)) == set()


def test_everyone_below_is_one_query_whatever_the_depth(chain, django_assert_num_queries):
    # a chain ten levels deeper under d
    above = chain["d"]
    for _ in range(10):
        above = EmployeeFactory(department=chain["parks"], supervisor=above)
    with django_assert_num_queries(1):
        found = list(team_of(supervisor=chain["boss"], everyone=True))
    assert len(found) == 14


def test_a_cycle_in_the_roster_ends_and_never_shows_the_supervisor(chain):
    boss, d = chain["boss"], chain["d"]
    Employee.objects.filter(pk=boss.pk).update(supervisor=d)  # bad HR data: a loop
    team = ids(team_of(supervisor=boss, everyone=True))
    assert boss.pk not in team
    assert team == {chain[k].pk for k in "a b c d".split()}


def test_leavers_are_not_in_the_team(chain):
    Employee.objects.filter(pk=chain["b"].pk).update(is_active=False)
    assert ids(team_of(supervisor=chain["boss"])) == {chain["a"].pk}


def test_is_supervisor(chain):
    assert is_supervisor(user=chain["boss"].user)
    assert is_supervisor(user=chain["c"].user)
    assert not is_supervisor(user=chain["d"].user)
    assert not is_supervisor(user=chain["outsider"].user)


def test_statuses_come_from_the_compliance_rule(chain):
    rows = {
        row.employee_id: row.status
        for row in team_assignments(user=chain["boss"].user, everyone=True)
    }
    assert rows == {
        chain["a"].pk: Status.OVERDUE,
        chain["b"].pk: Status.OVERDUE,
        chain["c"].pk: Status.NOT_STARTED,
        chain["d"].pk: Status.COMPLETED,
    }


def names(response) -> str:
    return response.content.decode()


def test_the_page_shows_direct_reports_then_everyone_below(client, chain):
    client.force_login(chain["boss"].user)
    response = client.get(TEAM)
    assert response.status_code == 200
    page = names(response)
    for key in ("a", "b"):
        assert chain[key].full_name in page
    for key in ("c", "d", "outsider"):
        assert chain[key].full_name not in page
    assert "Overdue" in page
    page = names(client.get(TEAM, {"team": "all"}))
    for key in ("a", "b", "c", "d"):
        assert chain[key].full_name in page
    assert chain["outsider"].full_name not in page
    assert "Reports to" in page
    assert "Rule: 30 days after assignment" in page


def test_filters_by_status_and_requirement(client, chain):
    client.force_login(chain["boss"].user)
    page = names(client.get(TEAM, {"team": "all", "status": Status.COMPLETED}))
    assert chain["d"].full_name in page
    assert chain["a"].full_name not in page
    requirement = chain["requirement"].pk
    page = names(client.get(TEAM, {"team": "all", "requirement": requirement}))
    assert chain["c"].full_name in page


@pytest.mark.parametrize(
    "query",
    [
        {"team": "company"},
        {"status": "nope"},
        {"requirement": "999999"},
        {"requirement": "abc"},
        {"page": "0"},
        {"page": "x"},
        {"q": "x" * 101},
    ],
)
def test_bad_filters_are_400(client, chain, query):
    client.force_login(chain["boss"].user)
    assert client.get(TEAM, query).status_code == 400


def test_a_page_past_the_end_is_404(client, chain):
    client.force_login(chain["boss"].user)
    assert client.get(TEAM, {"page": "7"}).status_code == 404


def test_the_nav_links_my_team_only_for_supervisors(client, chain):
    client.force_login(chain["boss"].user)
    assert f'href="{TEAM}"' in names(client.get(reverse("courses:my_training")))
    client.force_login(chain["outsider"].user)
    assert f'href="{TEAM}"' not in names(client.get(reverse("courses:my_training")))


def test_send_reminder_queues_through_the_liaisons_path(client, chain):
    client.force_login(chain["boss"].user)
    response = client.post(REMIND, {"employees": [chain["a"].pk, chain["c"].pk]})
    assert response.status_code == 302
    assert set(ReminderRequest.objects.values_list("employee_id", "requested_by_id")) == {
        (chain["a"].pk, chain["boss"].user_id),
        (chain["c"].pk, chain["boss"].user_id),
    }
    # at most one a day
    client.post(REMIND, {"employees": [chain["a"].pk]})
    assert ReminderRequest.objects.count() == 2


def test_nobody_selected_is_a_message_not_a_request(client, chain):
    client.force_login(chain["boss"].user)
    response = client.post(REMIND, {}, follow=True)
    assert "Select at least one person to remind." in names(response)
    assert not ReminderRequest.objects.exists()


# --- The supervisor access suite -------------------------------------------------------------


def team_requests(chain) -> list[tuple[str, str, dict]]:
    return [
        ("get", TEAM, {}),
        ("get", TEAM, {"team": "all"}),
        ("post", REMIND, {"employees": [chain["a"].pk]}),
    ]


def test_someone_outside_the_chain_is_refused_everywhere(client, chain):
    """A colleague who supervises nobody, a liaison, OEI: 403, nothing queued."""
    for user in (chain["outsider"].user, chain["liaison"], chain["oei"]):
        client.force_login(user)
        for method, url, data in team_requests(chain):
            response = getattr(client, method)(url, data)
            assert response.status_code == 403, (user, method, url, response.status_code)
    assert not ReminderRequest.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, chain):
    for method, url, data in team_requests(chain):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_a_supervisor_cannot_remind_anyone_outside_their_chain(client, chain):
    """Forged POSTs: the supervisor's own supervisor, a peer's report, another department,
    themselves, nonsense ids: 400, and nothing is queued, not even for the valid ids."""
    client.force_login(chain["a"].user)  # supervises c (and d below)
    driver = chain["people"]["transit"][1]
    for employees in (
        [chain["boss"].pk],
        [chain["b"].pk],
        [chain["c"].pk, driver.pk],
        [chain["a"].pk],
        ["abc"],
        [10**30],
    ):
        response = client.post(REMIND, {"employees": employees})
        assert response.status_code == 400, employees
    assert not ReminderRequest.objects.exists()


def test_a_supervisor_sees_nobody_outside_their_chain(client, chain):
    client.force_login(chain["a"].user)
    page = names(client.get(TEAM, {"team": "all"}))
    for key in ("c", "d"):
        assert chain[key].full_name in page
    for key in ("boss", "b", "outsider"):
        assert chain[key].full_name not in page
    assert chain["people"]["transit"][1].full_name not in page


def test_a_supervisor_gets_no_dashboard_access(client, chain):
    """Supervising people grants nothing on the liaison dashboard."""
    client.force_login(chain["boss"].user)
    pk = chain["a"].assignments.get().pk
    for url in (
        reverse("compliance:index"),
        reverse("compliance:department", kwargs={"code": "PARKS"}),
        reverse("compliance:assignment", kwargs={"pk": pk}),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("compliance:reminders", kwargs={"code": "PARKS"}), {"employees": [chain["a"].pk]}
    )
    assert response.status_code == 403
    assert not ReminderRequest.objects.exists()


def test_team_posts_without_the_csrf_token_are_refused(chain):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chain["boss"].user)
    assert client.post(REMIND, {"employees": [chain["a"].pk]}).status_code == 403
    assert not ReminderRequest.objects.exists()


def test_wrong_methods_are_405(client, chain):
    client.force_login(chain["boss"].user)
    assert client.post(TEAM).status_code == 405
    assert client.get(REMIND).status_code == 405
