from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from wagtail.models import Locale, Page, Site

from courses.models import Completion, Enrollment
from lms.compliance.models import Assignment
from lms.compliance.services import assignment_completion_record, assignments_sync
from lms.organisation import pdf, roles
from tests.factories import (
    CoursePageFactory,
    DepartmentFactory,
    EmployeeFactory,
    HomePageFactory,
    LessonPageFactory,
    LiaisonFactory,
    TrainingIndexPageFactory,
    TrainingRequirementFactory,
    UserFactory,
)


@pytest.fixture
def home_page(db):
    """A HomePage serving as the default site's root, as load_demo sets it up.

    A transactional test that ran earlier flushed what wagtailcore's migrations created (the
    locale and the root page), so they are put back when missing."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root"))
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def training_index(home_page):
    return TrainingIndexPageFactory(parent=home_page)


@pytest.fixture
def course(training_index):
    course = CoursePageFactory(parent=training_index, title="Encountering federal agents")
    for title in ("Know the guidance", "Report activity", "Impersonation"):
        LessonPageFactory(parent=course, title=title)
    return course


@pytest.fixture
def employee(db):
    return EmployeeFactory()


@pytest.fixture
def employee_client(client, employee):
    client.force_login(employee.user)
    return client


@pytest.fixture
def parks(db):
    return DepartmentFactory(code="PARKS", name="Parks and Recreation")


@pytest.fixture
def transit(db):
    return DepartmentFactory(code="TRANSIT", name="Transit")


@pytest.fixture
def liaison(parks):
    """The liaison of Parks, Ana Ruiz."""
    return LiaisonFactory(department=parks, user__first_name="Ana", user__last_name="Ruiz").user


@pytest.fixture
def liaison_client(client, liaison):
    client.force_login(liaison)
    return client


@pytest.fixture
def oei(db):
    """An OEI administrator (who is an employee too)."""
    roles.roles_sync()  # a transactional test may have flushed the groups
    return UserFactory(username="oei", roles=[roles.EMPLOYEE, roles.OEI_ADMIN])


@pytest.fixture
def oei_client(client, oei):
    client.force_login(oei)
    return client


def complete(employee, course, *, days_ago=0, expires_in_days=None, expires_at=None):
    """A completion ``days_ago``, recorded as the course services record one; it expires
    ``expires_in_days`` after it, or at the instant ``expires_at``."""
    when = timezone.now() - timedelta(days=days_ago)
    if expires_in_days is not None:
        expires_at = when + timedelta(days=expires_in_days)
    enrollment = Enrollment.objects.create(
        employee=employee, course=course, course_edition=course.edition, started_at=when
    )
    completion = Completion.objects.create(
        employee=employee,
        course=course,
        enrollment=enrollment,
        course_title=course.title,
        course_edition=course.edition,
        completed_at=when,
        expires_at=expires_at,
    )
    assignment_completion_record(completion=completion)
    return completion


def set_due(employee, requirement, due_on):
    Assignment.objects.filter(employee=employee, requirement=requirement).update(due_on=due_on)


@pytest.fixture
def city(course, parks, transit, liaison, oei):
    """Parks: 6 people, 2 done (one 3 days ago), 2 overdue, 2 due later. Transit: 2 people,
    1 done, 1 overdue. One requirement for everyone; Ana Ruiz the liaison of Parks; OEI."""
    today = timezone.localdate()
    requirement = TrainingRequirementFactory(
        course=course, name="Everyone: federal agents", active_from=today - timedelta(days=90)
    )
    people = {
        "parks": [EmployeeFactory(department=parks) for _ in range(6)],
        "transit": [EmployeeFactory(department=transit) for _ in range(2)],
    }
    assignments_sync()
    complete(people["parks"][0], course, days_ago=3)
    complete(people["parks"][1], course)
    complete(people["transit"][0], course)
    for employee in (people["parks"][2], people["parks"][3], people["transit"][1]):
        set_due(employee, requirement, today - timedelta(days=5))
    for employee in (people["parks"][4], people["parks"][5]):
        set_due(employee, requirement, today + timedelta(days=60))
    return {
        "parks": parks,
        "transit": transit,
        "requirement": requirement,
        "people": people,
        "liaison": liaison,
        "oei": oei,
        "course": course,
    }


# Single sign-on (issue 17): a real OpenID Connect provider, see tests/oidc/fixtures.py.
pytest_plugins = ["tests.oidc.fixtures"]


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Spanish leaves Spanish active in the test's thread (the test client does not
    switch it back): every test starts, and leaves, in the site's default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_pdf_images():
    """PDF workers keep the images they embed for a few minutes (lms.organisation.pdf): tests
    reuse media names between cases, so each starts with none."""
    pdf.image_cache_clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters (password reset requests) live in the cache: each test starts with
    none, whatever the tests before it asked for."""
    cache.clear()
