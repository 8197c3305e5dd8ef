"""Issue 18: a Spanish-preferring employee takes a translated course in Spanish, in the browser:
every page axe-clean, every piece of content marked ``lang="es"``, the completion counting for
the English course's requirement and the certificate naming the course in Spanish."""

from playwright.sync_api import expect
from wagtail.models import Locale
from wagtail.rich_text import RichText

from certificates.models import Certificate
from courses.models import Completion, CoursePage, LessonPage, QuizAttempt
from lms.compliance.models import Assignment
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Employee
from tests.browser.pages import LoginScreen
from tests.courses.conftest import right_answers
from tests.courses.test_translations import spanish_quiz

ICE_COURSE = "Encountering federal immigration agents at City facilities"
SPANISH_TITLE = "Encuentros con agentes federales de inmigración en instalaciones de la Ciudad"
LEARNER = "employee02"


def translate_demo_course() -> CoursePage:
    es, _created = Locale.objects.get_or_create(language_code="es")
    course = CoursePage.objects.get(title=ICE_COURSE, locale__language_code="en")
    spanish = course.copy_for_translation(es, copy_parents=True)
    spanish.title = SPANISH_TITLE
    spanish.summary = "Qué hacer cuando llegan agentes federales de inmigración."
    spanish.audience_note = "Todo el personal de la Ciudad."
    spanish.content_note = "Este curso trata de la detención de personas."
    spanish.acknowledgment_text = ""
    spanish.quiz = spanish_quiz(course)
    spanish.save_revision().publish()
    for number, lesson in enumerate(course.lessons(), start=1):
        translated = lesson.specific.copy_for_translation(es)
        translated.title = f"Lección {number}"
        translated.summary = "Resumen de la lección."
        translated.body = [("text", RichText("<p>El texto de la lección, en español.</p>"))]
        translated.save_revision().publish()
    return course


def langs(page) -> set[str]:
    """The language of every element that says it has one, under the main content."""
    return set(page.evaluate("[...document.querySelectorAll('main [lang]')].map(e => e.lang)"))


def test_a_spanish_speaker_reads_is_quizzed_and_certified_in_spanish(demo, page, axe):
    course = translate_demo_course()
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
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Lección {number}")
        expect(page.locator(".lms-lesson-body")).to_contain_text("en español")
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
