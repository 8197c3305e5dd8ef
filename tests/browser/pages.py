"""Page objects: one class per screen, with the actions a person takes there."""

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
        self.page.get_by_role("link", name="Start the course").click()
        return LessonScreen(self.page)


class LessonScreen(Screen):
    def next(self):
        self.page.get_by_role("link", name="Next:", exact=False).first.click()
        return self

    def position(self) -> str:
        return self.page.locator(".lms-lesson-count").inner_text()
