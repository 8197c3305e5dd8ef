"""``manage.py load_demo``: the demo tree, courses, city and roles, loaded once and only once."""

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils.html import strip_tags
from wagtail.models import (
    Collection,
    GroupPagePermission,
    Locale,
    Page,
    PageLogEntry,
    Revision,
    Site,
)

from courses.models import CoursePage, LessonPage, TrainingIndexPage
from lms.demo import content
from lms.demo.loader import demo_load
from lms.demo.people import DEMO_PASSWORD, DEPARTMENTS
from lms.models import HomePage
from lms.organisation import roles
from lms.organisation.models import Department, Employee, Liaison

User = get_user_model()

pytestmark = pytest.mark.django_db

SENSITIVE_COURSES = {content.ENCOUNTERS.slug, content.MINORS.slug}
MEDIA_BLOCKS = {"image", "video", "document"}


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything a second run must leave exactly as it was."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "page log entries": PageLogEntry.objects.count(),
        "latest revisions": dict(Page.objects.values_list("pk", "latest_revision_id")),
        "sites": list(Site.objects.values_list("pk", "root_page_id", "is_default_site")),
        "departments": Department.objects.count(),
        "users": dict(User.objects.values_list("username", "password")),
        "employees": Employee.objects.count(),
        "liaisons": Liaison.objects.count(),
        "group memberships": User.groups.through.objects.count(),
        "group page permissions": GroupPagePermission.objects.count(),
    }


def words_in(lesson: LessonPage) -> list[str]:
    return strip_tags(json.dumps(list(lesson.body.raw_data), ensure_ascii=False)).split()


def groups_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def assert_demo_tree() -> None:
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 80)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert (home.title, home.slug, home.depth, home.live) == ("City Training", "home", 2, True)
    assert "City of Albuquerque" in home.intro
    assert "sample" in home.intro
    # Wagtail's "Welcome to your new Wagtail site!" page is gone: the home page is the only one.
    assert list(Page.objects.filter(depth=2)) == [home.page_ptr]

    index = TrainingIndexPage.objects.child_of(home).get()
    assert (index.title, index.slug, index.live) == ("Training", "training", True)

    courses = list(CoursePage.objects.child_of(index).live().order_by("path"))
    assert [course.slug for course in courses] == [course.slug for course in content.COURSES]
    for course in courses:
        assert course.edition == 1
        assert course.estimated_minutes > 0
        assert course.audience_note
        assert content.SAMPLE_SENTENCE in course.summary
        assert course.policy_references.count() >= 3
        assert bool(course.content_note) == (course.slug in SENSITIVE_COURSES)
        lessons = list(course.lessons())
        assert 3 <= len(lessons) <= 5
        assert LessonPage.objects.child_of(course).count() == len(lessons)  # all of them live

        opening = lessons[0].body[0]
        assert opening.block_type == "callout"
        assert opening.value["title"] == content.SAMPLE_NOTICE_TITLE
        notice = opening.value["body"].source
        assert "sample demo content" in notice
        assert "February 10, 2025" in notice
        assert "contact the City Attorney's Office" in notice

    references = {
        reference
        for course in courses
        for reference in course.policy_references.values_list("reference", flat=True)
    }
    assert {"EO §1", "EO §7", "EO §15", "C/S R-18-7", "City Attorney memo of 2025-02-10"} <= (
        references
    )


def assert_demo_people() -> None:
    departments = {department.code: department for department in Department.objects.all()}
    assert set(departments) == {demo.code for demo in DEPARTMENTS}
    assert {code for code, d in departments.items() if d.serves_children} == {
        "PARKS",
        "FCS",
        "CULTURE",
    }
    for code, department in departments.items():
        liaison = department.liaisons.get()
        username = f"liaison.{code.lower()}"
        assert liaison.user.username == username
        assert liaison.user.employee.department == department
        assert groups_of(username) == {roles.EMPLOYEE, roles.LIAISON}

    employees = Employee.objects.filter(user__username__startswith="employee")
    assert employees.count() == 40
    assert {e.user.username for e in employees} == {f"employee{n:02d}" for n in range(1, 41)}
    for employee in employees.select_related("user"):
        assert employee.origin == Employee.Origin.DEMO
        assert employee.user.email == f"{employee.user.username}@cabq.example"
        assert employee.job_title and employee.hire_date
        assert groups_of(employee.user.username) == {roles.EMPLOYEE}
    languages = set(employees.values_list("preferred_language", flat=True))
    assert languages == {"en", "es"}
    assert employees.filter(preferred_language="en").count() > 20

    assert Employee.objects.get(employee_number="E10001").user.username == "employee01"
    assert Employee.objects.exclude(origin=Employee.Origin.DEMO).count() == 0
    assert groups_of("oei.admin") == {roles.EMPLOYEE, roles.OEI_ADMIN}
    assert User.objects.get(username="oei.admin").employee.department.code == "OEI"
    assert groups_of("editor") == {roles.EMPLOYEE, roles.CONTENT_EDITOR}
    assert groups_of("legal.reviewer") == {roles.EMPLOYEE, roles.LEGAL_REVIEWER}
    assert not User.objects.filter(is_superuser=True).exists()


def test_load_demo_builds_the_tree_with_three_sample_courses():
    load_demo()

    assert_demo_tree()


def test_every_lesson_body_validates_and_uses_no_media():
    load_demo()

    lessons = LessonPage.objects.all()
    assert lessons.count() == sum(len(course.lessons) for course in content.COURSES)
    block_types = set()
    for lesson in lessons:
        lesson.body.stream_block.clean(lesson.body)
        lesson.full_clean()
        block_types |= {block.block_type for block in lesson.body}
        # Substantive: several paragraphs, not a stub.
        assert sum(block.block_type == "text" for block in lesson.body) >= 2, lesson.slug
        assert len(words_in(lesson)) >= 400, lesson.slug
        for block in lesson.body:
            if block.block_type == "heading":
                assert block.value["level"] in {"h2", "h3", "h4"}
    assert {"heading", "text", "callout", "scenario"} <= block_types
    assert not block_types & MEDIA_BLOCKS
    kinds = {
        block.value["kind"]
        for lesson in lessons
        for block in lesson.body
        if block.block_type == "callout"
    }
    assert kinds == {"important", "warning"}


def test_load_demo_creates_departments_liaisons_employees_and_roles():
    load_demo()

    assert_demo_people()


def test_running_it_twice_changes_nothing():
    first_output = load_demo()
    before = snapshot()

    second_output = load_demo()

    assert snapshot() == before
    assert "users: 50 created" in first_output
    assert "pages: 0 created, 17 found" in second_output
    assert "users: 0 created, 50 found" in second_output
    assert "nothing changed" in second_output
    assert demo_load().changed_anything is False


def test_demo_users_sign_in_with_the_demo_password():
    load_demo()

    user = authenticate(username="employee01", password=DEMO_PASSWORD)

    assert user is not None and user.username == "employee01"
    assert authenticate(username="employee01", password="wrong-password") is None
    assert authenticate(username="liaison.parks", password=DEMO_PASSWORD) is not None


def test_loads_into_a_database_without_pages_or_sites():
    # What a flush by a transactional test leaves: no tree, no site, no locale, no roles.
    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()
    Collection.objects.all().delete()
    Group.objects.all().delete()
    assert not Page.objects.exists()

    load_demo()

    root = Page.objects.get(depth=1)
    assert root.get_children().get().specific_class is HomePage
    assert_demo_tree()
    assert_demo_people()
    # The roles got their page permissions on the new root.
    editor = Group.objects.get(name=roles.CONTENT_EDITOR)
    assert GroupPagePermission.objects.filter(group=editor, page=root).exists()
    assert all(not problems for problems in Page.find_problems())
    before = snapshot()
    load_demo()
    assert snapshot() == before


def test_a_deleted_lesson_is_recreated_in_its_place():
    load_demo()
    course = CoursePage.objects.get(slug=content.MINORS.slug)
    LessonPage.objects.child_of(course).get(slug=content.MINORS.lessons[1].slug).delete()

    output = load_demo()

    assert "pages: 1 created" in output
    assert [lesson.slug for lesson in course.lessons()] == [
        lesson.slug for lesson in content.MINORS.lessons
    ]
    assert all(not problems for problems in Page.find_problems())
