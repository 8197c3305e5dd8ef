"""Page objects: one class per screen, with the actions a person takes there."""

import re

from playwright.sync_api import Page, expect


class Screen:
    def __init__(self, page: Page):
        self.page = page

    def heading(self):
        return self.page.get_by_role("heading", level=1)


class LoginScreen(Screen):
    def open(self):
        self.page.goto("/accounts/login/")
        expect(self.heading()).to_have_text("Log in")
        return self

    def log_in(self, username: str, password: str):
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()


class HomeScreen(Screen):
    def open(self):
        self.page.goto("/")
        return self

    def course_titles(self) -> list[str]:
        return self.page.locator(".usa-card__heading a").all_inner_texts()

    def open_course(self, title: str):
        self.page.get_by_role("link", name=title).click()
        return CourseScreen(self.page)


class CourseScreen(Screen):
    def lesson_titles(self) -> list[str]:
        return self.page.locator(".lms-outline li").all_inner_texts()

    def start(self):
        """Start, resume or review: the one button that takes the learner onwards."""
        self.page.locator(".lms-course-progress").get_by_role("button").click()
        return LessonScreen(self.page)

    def progress_text(self) -> str:
        return self.page.locator(".lms-course-progress .lms-progress__label").inner_text()


class LessonScreen(Screen):
    def next(self):
        self.page.get_by_role("link", name="Next:", exact=False).first.click()
        return self

    def position(self) -> str:
        return self.page.locator(".lms-lesson-count").inner_text()

    def mark_read(self):
        self.page.get_by_role("button", name="I have read this lesson").click()
        return self

    def go_to_quiz(self):
        self.page.get_by_role("link", name="Go to the quiz").click()
        return QuizScreen(self.page)


class QuizScreen(Screen):
    def start(self):
        self.page.get_by_role(
            "button", name=re.compile("Start the quiz|Try the quiz again")
        ).click()
        return AttemptScreen(self.page)


class AttemptScreen(Screen):
    def questions(self):
        return self.page.locator("fieldset.lms-question")

    def answer_each(self, pick):
        """``pick(legend_text, labels) -> labels to choose`` for every question, by keyboard-free
        clicks on the labels."""
        for index in range(self.questions().count()):
            fieldset = self.questions().nth(index)
            legend = fieldset.locator("legend .lms-question__text").inner_text()
            labels = fieldset.locator("label").all_inner_texts()
            for label in pick(legend, labels):
                fieldset.get_by_label(label, exact=True).check()
        return self

    def submit(self):
        self.page.get_by_role("button", name="Submit my answers").click()
        return ResultScreen(self.page)


class ResultScreen(Screen):
    def verdict(self) -> str:
        return self.page.locator(".usa-alert__heading").first.inner_text()
