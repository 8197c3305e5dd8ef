"""Issue 18: the learner's lists name courses in the learner's language. "My training" (what is
assigned, what is in progress) and the training index (/training/) show a course's title and
summary from its approved, up-to-date translation, marked with ``lang``; one query more at most
for a Spanish reader, whatever the number of courses, and none for an English one. The
completion history shows each title as it was recorded (a record is a snapshot)."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services as course_services
from courses.models import Completion
from lms.compliance.services import assignments_sync
from tests.courses.test_my_training import course_with_a_lesson
from tests.courses.test_translations import es, in_english, in_spanish, translate  # noqa: F401
from tests.factories import TrainingRequirementFactory

pytestmark = pytest.mark.django_db


def spanish_title(title: str) -> str:
    return f"Curso: {title}"


def spanish_summary(title: str) -> str:
    return f"Resumen en español de {title}."


def translated_course(parent, locale, title, *, publish=True):
    """A course with a lesson, and its Spanish translation (approved unless ``publish``)."""
    course = course_with_a_lesson(parent, title)
    translate(
        course,
        locale,
        title=spanish_title(title),
        summary=spanish_summary(title),
        publish=publish,
    )
    return course


def my_training(client) -> BeautifulSoup:
    response = client.get(reverse("courses:my_training"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def section(soup, heading_id):
    return soup.find(id=heading_id).find_parent("section")


def test_my_training_names_assigned_and_started_courses_in_spanish(
    employee,
    employee_client,
    training_index,
    es,  # noqa: F811
):
    agents = translated_course(training_index, es, "Encountering federal agents")
    minors = translated_course(training_index, es, "Trauma-informed protocols")
    untranslated = course_with_a_lesson(training_index, "Immigrant-friendly commitments")
    for course in (agents, minors, untranslated):
        TrainingRequirementFactory(course=course, due_days=30)
    assignments_sync()
    course_services.enrollment_start(employee=employee, course=agents)
    course_services.enrollment_start(employee=employee, course=untranslated)

    soup = my_training(in_spanish(employee_client))
    assert soup.html["lang"] == "es"
    assigned = section(soup, "assigned-heading")
    titles = {
        link["href"]: (link.get_text(strip=True), link.get("lang"))
        for link in (row.th.a for row in assigned.tbody.find_all("tr"))
    }
    assert titles == {
        agents.url: (spanish_title("Encountering federal agents"), "es"),
        minors.url: (spanish_title("Trauma-informed protocols"), "es"),
        # No translation: the English title, marked as English inside the Spanish page.
        untranslated.url: ("Immigrant-friendly commitments", "en"),
    }
    # The action's hidden name says the same, in the same language.
    action = assigned.find("a", href=agents.url, lang=False)
    assert action.find("span", lang="es").get_text() == spanish_title("Encountering federal agents")

    in_progress = section(soup, "in-progress-heading")
    started = {
        link["href"]: (link.get_text(strip=True), link.get("lang"))
        for link in in_progress.find_all("a")
    }
    assert started == {
        agents.url: (spanish_title("Encountering federal agents"), "es"),
        untranslated.url: ("Immigrant-friendly commitments", "en"),
    }

    # In English, the English titles.
    soup = my_training(in_english(employee_client))
    links = section(soup, "assigned-heading").find_all("a", href=agents.url)
    assert {link.get_text(" ", strip=True) for link in links} >= {"Encountering federal agents"}
    assert spanish_title("Encountering federal agents") not in str(soup)


def test_an_unapproved_translation_is_not_on_my_training(
    employee,
    employee_client,
    training_index,
    es,  # noqa: F811
):
    draft = translated_course(training_index, es, "Encountering federal agents", publish=False)
    TrainingRequirementFactory(course=draft, due_days=30)
    assignments_sync()
    soup = my_training(in_spanish(employee_client))
    assert spanish_title("Encountering federal agents") not in str(soup)
    link = section(soup, "assigned-heading").tbody.th.a
    assert (link.get_text(strip=True), link["lang"]) == ("Encountering federal agents", "en")


def test_the_completion_history_keeps_the_title_as_recorded(
    employee,
    employee_client,
    training_index,
    es,  # noqa: F811
):
    course = course_with_a_lesson(training_index, "Trauma-informed protocols")
    TrainingRequirementFactory(course=course, due_days=30)
    assignments_sync()
    for lesson in course.lessons():
        course_services.lesson_complete(employee=employee, lesson=lesson)  # read in English
    assert Completion.objects.get(employee=employee).course_title == "Trauma-informed protocols"
    translate(course, es, title=spanish_title("Trauma-informed protocols"))

    soup = my_training(in_spanish(employee_client))
    completed = section(soup, "completed-heading")
    assert completed.tbody.th.get_text(strip=True) == "Trauma-informed protocols"
    # The course itself (what is assigned) is named in Spanish.
    assigned = section(soup, "assigned-heading")
    assert assigned.tbody.th.a.get_text(strip=True) == spanish_title("Trauma-informed protocols")


def test_the_training_index_shows_spanish_titles_and_summaries(
    employee_client,
    training_index,
    es,  # noqa: F811
):
    translated = translated_course(training_index, es, "Encountering federal agents")
    untranslated = course_with_a_lesson(training_index, "Immigrant-friendly commitments")
    soup = BeautifulSoup(in_spanish(employee_client).get(training_index.url).content, "html.parser")
    cards = {card.find("a")["href"]: card for card in soup.find_all("li", class_="usa-card")}
    heading = cards[translated.url].find("a")
    assert (heading.get_text(strip=True), heading["lang"]) == (
        spanish_title("Encountering federal agents"),
        "es",
    )
    summary = cards[translated.url].find("div", class_="usa-card__body").p
    assert (summary.get_text(strip=True), summary["lang"]) == (
        spanish_summary("Encountering federal agents"),
        "es",
    )
    heading = cards[untranslated.url].find("a")
    assert (heading.get_text(strip=True), heading["lang"]) == (
        "Immigrant-friendly commitments",
        "en",
    )

    english = in_english(employee_client).get(training_index.url).content.decode()
    assert "Encountering federal agents" in english
    assert spanish_title("Encountering federal agents") not in english


def queries(client, url) -> tuple[int, int]:
    """The queries a page takes: all of them, and those reading course pages."""
    client.get(url)  # the first request fills caches (the site's root paths)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    course_queries = [q for q in captured.captured_queries if "courses_coursepage" in q["sql"]]
    return len(captured), len(course_queries)


@pytest.mark.parametrize("page", ["my_training", "training_index"])
def test_spanish_titles_cost_one_query_whatever_the_number_of_courses(
    page,
    employee,
    employee_client,
    training_index,
    es,  # noqa: F811
):
    url = reverse("courses:my_training") if page == "my_training" else training_index.url
    counts = {}
    courses = []
    for size in (1, 5):
        while len(courses) < size:
            course = translated_course(training_index, es, f"Course {len(courses)}")
            TrainingRequirementFactory(course=course, due_days=30)
            assignments_sync()
            course_services.enrollment_start(employee=employee, course=course)
            courses.append(course)
        spanish = queries(in_spanish(employee_client), url)
        html = employee_client.get(url).content.decode()
        assert all(spanish_title(course.title) in html for course in courses)
        english = queries(in_english(employee_client), url)
        counts[size] = (spanish, english)
    assert counts[1] == counts[5], counts
    (_spanish_all, spanish_courses), (_english_all, english_courses) = counts[1]
    # English readers: no query for translations; Spanish readers: exactly one. (A Spanish
    # page of the training index also takes Wagtail's own queries for the Spanish locale.)
    assert spanish_courses == english_courses + 1, counts
    if page == "my_training":
        assert counts[1][0][0] == counts[1][1][0] + 1, counts
