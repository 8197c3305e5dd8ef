"""A demo employee takes a whole course in the browser, quiz included (issue: taking a course)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Completion, QuizAttempt
from lms.demo.people import DEMO_PASSWORD
from tests.browser.pages import (
    AttemptScreen,
    CourseScreen,
    HomeScreen,
    LessonScreen,
    LoginScreen,
    QuizScreen,
)

ICE_COURSE = "Encountering federal immigration agents at City facilities"
LEARNER = "employee02"


def open_attempt():
    return QuizAttempt.objects.get(employee__user__username=LEARNER, submitted_at__isnull=True)


def choose(page, choice_id: str):
    """Click the label of a choice, as a person does (USWDS hides the native input)."""
    input_id = page.locator(f'input[value="{choice_id}"]').get_attribute("id")
    page.locator(f'label[for="{input_id}"]').click()


def wrong_choice_ids(attempt):
    return {
        q["id"]: [next(c["id"] for c in q["choices"] if c["id"] not in q["correct"])]
        for q in attempt.questions
    }


def right_choice_ids(attempt):
    return {q["id"]: q["correct"] for q in attempt.questions}


def test_employee_fails_once_reads_explanations_passes_and_completes(demo, page, axe, monkeypatch):
    LoginScreen(page).open().log_in(LEARNER, DEMO_PASSWORD)
    course = HomeScreen(page).open().open_course(ICE_COURSE)
    expect(page.get_by_role("heading", name="Content note")).to_be_visible()
    axe(page)

    lesson = course.start()
    total = len(page.locator(".usa-sidenav__item").all())
    for number in range(1, total + 1):
        assert lesson.position().startswith(f"Lesson {number} of {total}")
        axe(page)
        lesson.mark_read()
    # after the last lesson the learner lands on the quiz
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Quiz:"))
    axe(page)

    attempt_screen = QuizScreen(page).start()
    axe(page)
    attempt = open_attempt()
    for choices in wrong_choice_ids(attempt).values():
        for choice in choices:
            choose(page, choice)
    result = attempt_screen.submit()
    assert result.verdict() == "You did not pass this time"
    expect(page.get_by_text(attempt.questions[0]["explanation"])).to_be_visible()
    # The demo's review after a failure: which questions were wrong and why, never the answer.
    expect(page.get_by_text("(correct answer)")).to_have_count(0)
    axe(page)

    # The demo course makes a learner who failed wait before the next attempt.
    page.get_by_role("link", name="Back to the quiz").click()
    expect(page.locator(".lms-quiz-wait")).to_contain_text("You can take the quiz again from")
    expect(page.get_by_role("button", name="Try the quiz again")).to_have_count(0)
    axe(page)
    later = timezone.now() + timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the live server runs in this process
    page.reload()
    QuizScreen(page).start()
    attempt = open_attempt()
    assert attempt.number == 2
    for choices in right_choice_ids(attempt).values():
        for choice in choices:
            choose(page, choice)
    result = AttemptScreen(page).submit()
    assert result.verdict() == "You passed"
    axe(page)

    page.get_by_role("link", name="See your completion").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course completed")
    axe(page)
    page.get_by_role("link", name="Go to My training").click()
    completed = page.get_by_role("region", name="Completed")
    expect(completed.get_by_role("rowheader", name=ICE_COURSE)).to_be_visible()
    expect(completed.get_by_role("cell", name="100%")).to_be_visible()
    axe(page)

    assert Completion.objects.filter(employee__user__username=LEARNER).count() == 1
    assert QuizAttempt.objects.filter(employee__user__username=LEARNER).count() == 2


def tab_to(page, selector: str, limit: int = 300):
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_whole_course_with_the_keyboard_only(demo, page, axe):
    LoginScreen(page).open()
    tab_to(page, "#id_username")
    page.keyboard.type(LEARNER)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("Signed in as"))).to_be_visible()

    HomeScreen(page).open()
    href = page.get_by_role("link", name=ICE_COURSE).get_attribute("href")
    tab_to(page, f'a[href="{href}"]')
    page.keyboard.press("Enter")
    expect(CourseScreen(page).heading()).to_have_text(ICE_COURSE)
    tab_to(page, ".lms-course-progress button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    while True:
        expect(page.locator(".lms-lesson-count")).to_be_visible()
        axe(page)
        tab_to(page, ".lms-lesson-done button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        if page.locator(".lms-lesson-count").count() == 0:
            break

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Quiz:"))
    tab_to(page, "form[action$='/quiz/start/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("fieldset.lms-question").first).to_be_visible()
    attempt = open_attempt()
    for question in attempt.questions:
        ids = [c["id"] for c in question["choices"]]
        if question["kind"] == "multiple":
            for choice in question["correct"]:
                tab_to(page, f'input[value="{choice}"]')
                page.keyboard.press("Space")
        else:
            tab_to(page, f'input[name="q-{question["id"]}"]')
            target = ids.index(question["correct"][0])
            if target == 0:
                page.keyboard.press("Space")
            for _ in range(target):
                page.keyboard.press("ArrowDown")
    axe(page)
    tab_to(page, "form.lms-quiz button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    axe(page)
    assert Completion.objects.filter(employee__user__username=LEARNER).exists()


def test_missing_answer_is_announced_and_linked(demo, page, axe):
    LoginScreen(page).open().log_in(LEARNER, DEMO_PASSWORD)
    course = HomeScreen(page).open().open_course(ICE_COURSE)
    lesson: LessonScreen = course.start()
    while page.get_by_role("button", name="I have read this lesson").count():
        lesson.mark_read()
    QuizScreen(page).start()
    page.get_by_role("button", name="Submit my answers").click()
    alert = page.locator("#quiz-errors")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("link").first).to_have_attribute("href", re.compile("^#q-"))
    axe(page)
    assert not QuizAttempt.objects.filter(submitted_at__isnull=False).exists()
