import pytest
from django.conf import settings
from wagtail.models import Locale, Page, Site

from tests.factories import (
    CoursePageFactory,
    EmployeeFactory,
    HomePageFactory,
    LessonPageFactory,
    TrainingIndexPageFactory,
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
