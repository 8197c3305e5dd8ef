"""A demo employee takes a whole course in the browser, quiz included (issue: taking a course)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Completion, QuizAttempt
from lms.demo.people import DEMO_PASSWORD
from tests.browser.pages import (
    CourseScreen,
    HomeScreen,
    LessonScreen,
    LoginScreen,
    QuizScreen,
    tab_to,
)
from tests.courses.conftest import right_answers, wrong_answers

ICE_COURSE = "Encountering federal immigration agents at City facilities"
LEARNER = "employee02"


def open_attempt():
    return QuizAttempt.objects.get(employee__user__username=LEARNER, submitted_at__isnull=True)


def test_employee_fails_once_reads_explanations_passes_and_completes(
    demo, page, axe, monkeypatch, settings
):
    # The test skips the hour's wait below by moving the clock; a session idle that long would
    # end (SESSION_IDLE_MINUTES, 60 by default), so this one is given two hours.
    settings.SESSION_COOKIE_AGE = 2 * 3600
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
    result = attempt_screen.choose_all(wrong_answers(attempt)).submit()
    assert result.verdict() == "You did not pass this time"
    expect(page.get_by_text(attempt.questions[0]["explanation"])).to_be_visible()
    # The demo's review after a failure: which questions were wrong and why, never the answer.
    expect(page.get_by_text("(correct answer)")).to_have_count(0)
    axe(page)

    # The demo course makes a learner who failed wait before the next attempt.
    quiz = result.back_to_the_quiz()
    expect(page.locator(".lms-quiz-wait")).to_contain_text("You can take the quiz again from")
    expect(page.get_by_role("button", name="Try the quiz again")).to_have_count(0)
    axe(page)
    later = timezone.now() + timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the live server runs in this process
    page.reload()
    attempt_screen = quiz.start()
    attempt = open_attempt()
    assert attempt.number == 2
    result = attempt_screen.choose_all(right_answers(attempt)).submit()
    assert result.verdict() == "You passed"
    axe(page)

    completion = result.see_the_completion()
    expect(completion.heading()).to_have_text("Course completed")
    axe(page)
    completed = completion.go_to_my_training().completed()
    expect(completed.get_by_role("rowheader", name=ICE_COURSE)).to_be_visible()
    expect(completed.get_by_role("cell", name="100%")).to_be_visible()
    axe(page)

    assert Completion.objects.filter(employee__user__username=LEARNER).count() == 1
    assert QuizAttempt.objects.filter(employee__user__username=LEARNER).count() == 2


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
    # Nothing submitted by the learner (the demo history has attempts of other people).
    assert not QuizAttempt.objects.filter(
        employee__user__username=LEARNER, submitted_at__isnull=False
    ).exists()
