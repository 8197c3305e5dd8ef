"""Issue 18: a Spanish-preferring employee's lists name the courses in Spanish. "My training"
(assigned, in progress) and the training index (/training/) show the demo's approved Spanish
titles, marked ``lang="es"`` inside the Spanish page, axe-clean at 1280 and 375 px."""

from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Locale

from courses import services as course_services
from courses.models import CoursePage, TrainingIndexPage
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Employee
from tests.browser.pages import LoginScreen

LEARNER = "employee02"  # completes nothing in the demo's history


def spanish_titles() -> dict[str, str]:
    """Each live demo course's URL path and the title of its approved Spanish translation."""
    es = Locale.objects.get(language_code="es")
    titles = {}
    for course in CoursePage.objects.live().filter(locale__language_code="en"):
        spanish = course.get_translation(es)
        assert spanish.live and spanish.title != course.title
        titles[course.url] = spanish.title
    assert len(titles) >= 3
    return titles


def links(page, selector: str) -> dict[str, tuple[str, str]]:
    """The links under ``selector``: their path, text and ``lang``."""
    return {
        link["href"]: (link["text"], link["lang"])
        for link in page.locator(selector).evaluate_all(
            "links => links.map(a => ({href: a.getAttribute('href'),"
            " text: a.textContent.trim(), lang: a.lang}))"
        )
    }


def test_a_spanish_speaker_sees_my_training_and_the_catalogue_in_spanish(demo, page, axe):
    titles = spanish_titles()
    employee = Employee.objects.get(user__username=LEARNER)
    employee.preferred_language = "es"
    employee.save(update_fields=["preferred_language"])
    started = CoursePage.objects.live().filter(locale__language_code="en").first()
    course_services.enrollment_start(employee=employee, course=started)
    LoginScreen(page).open().log_in(LEARNER, DEMO_PASSWORD)

    page.goto(reverse("courses:my_training"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi capacitación")
    assigned = links(page, "#assigned-heading ~ table tbody th a")
    assert assigned, "the demo assigns courses to every employee"
    assert assigned == {url: (titles[url], "es") for url in assigned}
    in_progress = links(page, "section[aria-labelledby=in-progress-heading] li > a")
    assert in_progress == {started.url: (titles[started.url], "es")}
    # The actions name the course for screen readers, in Spanish too.
    hidden = page.locator("#assigned-heading ~ table tbody td .usa-sr-only [lang]")
    assert set(hidden.evaluate_all("spans => spans.map(s => s.lang)")) == {"es"}
    axe(page)

    training = TrainingIndexPage.objects.live().get(locale__language_code="en")
    page.goto(training.url)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    cards = links(page, ".usa-card__heading a")
    assert cards == {url: (title, "es") for url, title in titles.items()}
    summaries = page.locator(".usa-card__body p").evaluate_all("ps => ps.map(p => p.lang)")
    assert set(summaries) == {"es"}
    axe(page)

    # The same person reading in English gets the English titles.
    LoginScreen(page).choose_language("en")
    page.goto(training.url)
    cards = links(page, ".usa-card__heading a")
    assert all(lang == "en" and text != titles[url] for url, (text, lang) in cards.items())
