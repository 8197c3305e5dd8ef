"""Issue 18: a Spanish-preferring employee takes a translated course in Spanish, in the browser:
every page axe-clean, every piece of content marked ``lang="es"``, the completion counting for
the English course's requirement and the certificate naming the course in Spanish."""

from playwright.sync_api import expect
from wagtail.models import Locale

from certificates.models import Certificate
from courses.models import Completion, CoursePage, LessonPage, QuizAttempt
from lms.compliance.models import Assignment
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Employee
from tests.browser.pages import LoginScreen
from tests.courses.conftest import right_answers

ICE_COURSE = "Encountering federal immigration agents at City facilities"
LEARNER = "employee02"


def demo_course_in_spanish() -> tuple[CoursePage, CoursePage, list[str]]:
    """The demo course, its Spanish translation (loaded and approved by load_demo, issue 18)
    and the Spanish lessons' titles in order."""
    course = CoursePage.objects.get(title=ICE_COURSE, locale__language_code="en")
    spanish = course.get_translation(Locale.objects.get(language_code="es"))
    titles = [lesson.title for lesson in spanish.get_children().live().specific().order_by("path")]
    assert spanish.live and spanish.title != course.title and titles
    return course, spanish, titles


def langs(page) -> set[str]:
    """The language of every element that says it has one, under the main content."""
    return set(page.evaluate("[...document.querySelectorAll('main [lang]')].map(e => e.lang)"))


def test_a_spanish_speaker_reads_is_quizzed_and_certified_in_spanish(demo, page, axe):
    course, spanish, lesson_titles = demo_course_in_spanish()
    SPANISH_TITLE = spanish.title  # noqa: N806 - the title the whole journey shows
    employee = Employee.objects.get(user__username=LEARNER)
    employee.preferred_language = "es"
    employee.save(update_fields=["preferred_language"])
    LoginScreen(page).open().log_in(LEARNER, DEMO_PASSWORD)

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name=SPANISH_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SPANISH_TITLE)
    expect(page.locator(".lms-content-language-note")).to_have_count(0)
    assert langs(page) == {"es"}
    axe(page)

    page.locator(".lms-course-progress button").click()
    total = LessonPage.objects.child_of(course).live().count()
    for number in range(1, total + 1):
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson_titles[number - 1])
        assert langs(page) == {"es"}
        axe(page)
        page.locator(".lms-lesson-done form button").click()

    page.locator("form[action$='/quiz/start/'] button").click()
    attempt = QuizAttempt.objects.get(employee=employee, submitted_at__isnull=True)
    assert attempt.language == "es" and attempt.course_title == SPANISH_TITLE
    assert langs(page) == {"es"}
    axe(page)
    for choice_ids in right_answers(attempt).values():
        for choice_id in choice_ids:
            input_id = page.locator(f'input[value="{choice_id}"]').get_attribute("id")
            page.locator(f'label[for="{input_id}"]').click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".usa-alert__heading").first).to_have_text("Aprobó")
    assert langs(page) == {"es"}
    axe(page)

    page.locator("a[href$='/complete/']").first.click()
    expect(page.locator(".usa-alert__heading").first).to_contain_text(SPANISH_TITLE)
    axe(page)

    completion = Completion.objects.get(attempt=attempt)
    assert completion.course_id == course.pk
    assigned = Assignment.objects.filter(employee=employee, requirement__course=course)
    assert assigned.exists()
    assert all(a.latest_completed_at == completion.completed_at for a in assigned)
    assert Certificate.objects.get(completion=completion).course_title == SPANISH_TITLE
