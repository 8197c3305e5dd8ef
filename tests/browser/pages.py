"""Page objects: one class per screen, with the actions a person takes there."""

import csv
import re
import time
from base64 import b32decode
from pathlib import Path

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect


def tab_to(page: Page, selector: str, limit: int = 300):
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


class Screen:
    def __init__(self, page: Page):
        self.page = page

    def heading(self):
        return self.page.get_by_role("heading", level=1)

    def message(self) -> str:
        return self.page.locator(".lms-messages").inner_text()

    def choose_language(self, code: str):
        """Switch the interface language with the picker in the header."""
        self.page.locator("#language-select").select_option(code)
        self.page.locator(".lms-language button").click()
        return self

    def log_out(self):
        self.page.get_by_role("button", name="Log out").click()


class LoginScreen(Screen):
    def open(self):
        self.page.goto("/accounts/login/")
        expect(self.heading()).to_have_text("Log in")
        return self

    def log_in(self, username: str, password: str):
        """Sign in; staff then pass the second factor as they would, with their app."""
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Log in").click()
        SecondFactorScreen(self.page).pass_if_asked(username)


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

    def update_notice(self):
        """What a previous completer reads when a new edition asks them to take the update."""
        return self.page.get_by_text("you take only the update")


class LessonScreen(Screen):
    def next(self):
        self.page.get_by_role("link", name="Next:", exact=False).first.click()
        return self

    def position(self) -> str:
        return self.page.locator(".lms-lesson-count").inner_text()

    def mark_read(self):
        self.page.get_by_role("button", name="I have read this lesson").click()
        return self

    def mark_read_button(self):
        return self.page.get_by_role("button", name="I have read this lesson")

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

    def choose(self, choice_id: str):
        """Click the label of a choice, as a person does (USWDS hides the native input)."""
        input_id = self.page.locator(f'input[value="{choice_id}"]').get_attribute("id")
        self.page.locator(f'label[for="{input_id}"]').click()
        return self

    def choose_all(self, answers: dict[str, list[str]]):
        """Choose every choice id of ``answers`` (question id -> choice ids)."""
        for choice_ids in answers.values():
            for choice_id in choice_ids:
                self.choose(choice_id)
        return self

    def submit(self):
        self.page.get_by_role("button", name="Submit my answers").click()
        return ResultScreen(self.page)


class ResultScreen(Screen):
    def verdict(self) -> str:
        return self.page.locator(".usa-alert__heading").first.inner_text()

    def back_to_the_quiz(self):
        self.page.get_by_role("link", name="Back to the quiz").click()
        return QuizScreen(self.page)

    def see_the_completion(self):
        self.page.get_by_role("link", name="See your completion").first.click()
        return CompletionScreen(self.page)

    def sign_the_acknowledgment(self):
        self.page.get_by_role("link", name="Sign the acknowledgment").click()
        return AcknowledgmentScreen(self.page)


class CompletionScreen(Screen):
    def go_to_my_training(self):
        self.page.get_by_role("link", name="Go to My training").click()
        return MyTrainingScreen(self.page)


class MyCertificatesScreen(Screen):
    def open_from_the_menu(self):
        self.page.get_by_role("link", name="My certificates").click()
        return self

    def download(self, serial: str) -> bytes:
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name=f"Download PDF of certificate {serial}").click()
        return Path(download.value.path()).read_bytes()

    def manage(self):
        self.page.get_by_role("link", name="Manage all certificates").click()
        return ManageCertificatesScreen(self.page)


class VerificationScreen(Screen):
    def status(self) -> str:
        return self.page.locator("#certificate-status .usa-alert__heading").inner_text()


class ManageCertificatesScreen(Screen):
    def search(self, text: str):
        self.page.get_by_label("Serial number, name or course").fill(text)
        self.page.get_by_role("button", name="Search").click()
        return self

    def open(self, serial: str):
        self.page.get_by_role("link", name=serial).click()
        return self

    def revoke(self, reason: str):
        self.page.get_by_label("Reason for revoking").fill(reason)
        self.page.get_by_role("button", name="Revoke the certificate").click()
        return self

    def reissue(self, reason: str):
        self.page.get_by_label("Reason for re-issuing").fill(reason)
        self.page.get_by_role("button", name="Re-issue the certificate").click()
        return self


class ReportsDashboardScreen(Screen):
    """OEI's citywide dashboard (/reports/)."""

    def open_from_the_menu(self):
        self.page.get_by_role("link", name="Reports", exact=True).click()
        return self

    def filter(self, *, department: str):
        self.page.get_by_label("Department", exact=True).select_option(label=department)
        self.page.get_by_role("button", name="Show").click()
        return self

    def filter_requirement(self, name: str):
        self.page.get_by_label("Requirement", exact=True).select_option(label=name)
        self.page.get_by_role("button", name="Show").click()
        return self

    def figure(self, key: str) -> str:
        return self.page.locator(f'.lms-figures [data-figure="{key}"]').inner_text()

    def download(self, link_name: str):
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name=link_name).click()
        return download.value

    def open_progress_reports(self):
        self.page.get_by_role("link", name="Progress reports").click()
        return ProgressReportsScreen(self.page)


class ProgressReportsScreen(Screen):
    def draft(self):
        self.page.get_by_role("button", name="Draft a progress report now").click()
        return ProgressReportScreen(self.page)


class ProgressReportScreen(Screen):
    def write_narrative(self, text: str):
        self.page.get_by_role("textbox", name="Narrative").fill(text)
        self.page.get_by_role("button", name="Save the draft").click()
        return self

    def publish(self):
        # Publishing renders the PDF by a task, which the test settings run inline.
        self.page.get_by_role("button", name="Publish this report").click(timeout=60_000)
        return self

    def status(self) -> str:
        return self.page.locator("#report-status-heading").inner_text()

    def download_pdf(self):
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name="Download the PDF").click()
        return download.value


def totp_code(key: bytes, *, after: int = -1) -> str:
    """What an authenticator app shows now for ``key`` (RFC 6238, 30 s steps), or the code of
    the first step after ``after`` (a code already used is refused)."""
    step = max(int(time.time()) // 30, after + 1)
    return f"{hotp(key, step):06d}"


class SecondFactorScreen(Screen):
    """The second step of a staff member's password sign-in: enrol an app, or type its code."""

    PATH = "/accounts/second-factor/"

    def asked(self) -> bool:
        return self.PATH in self.page.url

    def enrolling(self) -> bool:
        return f"{self.PATH}enrol/" in self.page.url

    def setup_key(self) -> bytes:
        """The key shown for typing into an app, as the app decodes it."""
        text = self.page.locator("[data-totp-key]").inner_text().replace(" ", "")
        return b32decode(text + "=" * (-len(text) % 8))

    def code_field(self):
        """The code's field, whatever the language of the page (staff may prefer Spanish)."""
        return self.page.locator('input[autocomplete="one-time-code"]')

    def enter(self, code: str):
        self.code_field().fill(code)
        with self.page.expect_navigation():
            self.code_field().press("Enter")

    def enrol(self):
        self.enter(totp_code(self.setup_key()))

    def confirm(self, username: str):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        self.enter(totp_code(device.bin_key, after=device.last_t))

    def pass_if_asked(self, username: str):
        """After a password sign-in: enrol or confirm a code when this screen is shown."""
        self.page.wait_for_load_state("load")
        if not self.asked():
            return
        expect(self.code_field()).to_be_visible()
        if self.page.locator("[data-totp-key]").count():
            self.enrol()
        else:
            self.confirm(username)


class AdminLoginScreen(Screen):
    def open(self):
        self.page.goto("/admin/login/")
        return self

    def log_in(self, username: str, password: str):
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        # Staff always owe the second factor after a password.
        self.page.wait_for_url(re.compile(r"/accounts/second-factor/"))
        SecondFactorScreen(self.page).pass_if_asked(username)
        self.page.wait_for_url(re.compile(r"/admin/$"))


class AdminPageEditorScreen(Screen):
    """Wagtail's page editor, as an editor or a legal reviewer sees it."""

    def open(self, page_id: int):
        self.page.goto(f"/admin/pages/{page_id}/edit/")
        return self

    def publish_button(self):
        return self.page.get_by_role("button", name="Publish", exact=True)

    def set_acknowledgment(self, text: str):
        self.page.locator("#id_acknowledgment_text").fill(text)
        return self

    def save_draft(self):
        self.page.get_by_role("button", name="Save draft").click()
        self.page.wait_for_load_state()
        return self

    def new_edition(self):
        self.page.get_by_role("button", name="More actions").click()
        self.page.get_by_role("link", name="Publish as a new edition").click()
        return NewEditionScreen(self.page)

    def approve(self):
        self.page.get_by_role("button", name="More actions").click()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Approve and Publish").click()
        return self


class AdminDashboardScreen(Screen):
    """The admin's dashboard; a legal reviewer's lists the new editions awaiting them."""

    def open(self):
        self.page.goto("/admin/")
        return self

    def edition_awaiting_review(self, course_title: str):
        return self.page.locator(".lms-edition-review").filter(
            has=self.page.get_by_role("heading", name=f"of “{course_title}”")
        )


class GuidanceCoverageScreen(Screen):
    """The admin report of which guidance each course covers."""

    def open(self):
        self.page.goto("/admin/reports/guidance-coverage/")
        return self


class NewEditionScreen(Screen):
    def submit(self, *, summary: str, changed: list[str], grace_days: int | None = None):
        self.page.get_by_label("What changed").fill(summary)
        if grace_days is not None:
            self.page.get_by_label("Grace period (days)").fill(str(grace_days))
        for title in changed:
            self.page.get_by_label(title, exact=True).check()
        self.page.get_by_role("button", name="Submit the new edition for approval").click()
        self.page.wait_for_load_state()
        return self

    def submitted_notice(self):
        return self.page.get_by_text("submitted to the City Attorney's Office")


class MyTrainingScreen(Screen):
    def open(self):
        self.page.goto("/learn/")
        return self

    def row(self, course_title: str):
        """The course's row in "Assigned to you"."""
        assigned = self.page.locator('section[aria-labelledby="assigned-heading"] tbody tr')
        return assigned.filter(has_text=course_title)

    def status(self, course_title: str):
        """The status cell of the course's row."""
        return self.row(course_title).locator('td[data-label="Status"]')

    def take_the_update(self, course_title: str):
        self.row(course_title).get_by_role("link", name=re.compile("Take the update")).click()
        return CourseScreen(self.page)

    def completed(self):
        """The "Completed" region."""
        return self.page.get_by_role("region", name="Completed")


class AcknowledgmentScreen(Screen):
    def sign(self, name: str):
        self.page.get_by_label("Your full name").fill(name)
        self.page.get_by_role("button", name="Sign the acknowledgment").click()
        return self

    def alert(self):
        return self.page.get_by_role("alert")


class ReminderNoticesScreen(MyTrainingScreen):
    """The reminders area on "My training"."""

    def notices(self) -> list[str]:
        items = self.page.locator('section[aria-labelledby="notices-heading"] li')
        return [" ".join(text.split()) for text in items.all_inner_texts()]

    def open_preferences(self):
        self.page.get_by_role("link", name="Choose how you receive reminders").click()
        return ReminderPreferencesScreen(self.page)


class ReminderPreferencesScreen(Screen):
    def choose(self, label: str):
        # USWDS hides the radio itself; a person clicks its label.
        self.page.get_by_text(label, exact=True).click()
        return self

    def chosen(self, label: str):
        return self.page.get_by_label(label, exact=True)

    def save(self):
        self.page.get_by_role("button", name="Save").click()
        return ReminderNoticesScreen(self.page)


class DashboardScreen(Screen):
    """A liaison's department compliance dashboard."""

    def open_from_the_menu(self):
        self.page.get_by_role("link", name="Department compliance").click()
        return self

    def filter(self, *, status: str, requirement: str):
        self.page.get_by_label("Status", exact=True).select_option(label=status)
        self.page.get_by_label("Requirement", exact=True).select_option(label=requirement)
        self.page.get_by_role("button", name="Show").click()
        return self

    def roster(self):
        return self.page.locator("table:has(caption:text-matches('^Roster of')) tbody tr")

    def roster_names(self) -> list[str]:
        return [name.strip() for name in self.roster().locator("th a").all_inner_texts()]

    def export(self) -> list[dict]:
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name=re.compile("^Download .* as CSV$")).click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        return list(csv.DictReader(text.splitlines()))

    def select(self, assignment):
        """Tick a row's box by clicking its label, as a person does (USWDS hides the input)."""
        self.page.locator(f'label[for="remind-{assignment.pk}"]').click()
        return self

    def send_reminders(self):
        self.page.get_by_role("button", name="Send a reminder to the selected people").click()
        return self

    def confirm_roster(self):
        self.page.get_by_role("button", name="Confirm this roster is accurate").click()
        return self

    def open_assignment(self, name: str):
        self.roster().get_by_role("link", name=name).first.click()
        return AssignmentScreen(self.page)

    def download_certificates(self):
        self.page.get_by_role("button", name="Download all current certificates (ZIP)").click()
        return CertificateArchiveScreen(self.page)


class AssignmentScreen(Screen):
    def grant_extension(self, *, until, reason: str):
        self.page.get_by_label("New due date").fill(until.isoformat())
        self.page.get_by_role("textbox", name="Reason").first.fill(reason)
        self.page.get_by_role("button", name="Grant the extension").click()
        return self


class CertificateArchiveScreen(Screen):
    """A department's certificates as one ZIP, built in the background."""

    def download_link(self):
        return self.page.get_by_role("link", name="Download the ZIP file")

    def progress(self):
        return self.page.locator("#archive-progress")

    def download(self) -> bytes:
        with self.page.expect_download() as download:
            self.download_link().click()
        return Path(download.value.path()).read_bytes()


def post_from_a_stale_form(page: Page, path: str):
    """Submit a POST form to ``path`` with the page's CSRF cookie, as a form left open in
    another tab would; returns the response the browser then shows."""
    with page.expect_navigation() as navigation:
        page.evaluate(
            """(path) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = path;
                const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = "csrfmiddlewaretoken";
                input.value = token ? token.split("=")[1] : "";
                form.append(input);
                document.body.append(form);
                form.submit();
            }""",
            path,
        )
    return navigation.value


class RemindersToCheckScreen(Screen):
    """OEI's reminders and digests that could not be sent, or may not have been."""

    def open(self):
        self.page.goto("/reminders/to-check/")
        return self

    def row_of(self, name: str):
        return self.page.get_by_role("row").filter(has_text=name)

    def send_again(self, name: str):
        label = re.compile(rf"^Send again\s*:\s*{re.escape(name)}")
        button = self.page.get_by_role("button", name=label)
        button.first.click()
        self.page.wait_for_load_state()
        return self


# --- Single sign-on (issue 17) ----------------------------------------------------------------


class CityAccountLoginScreen(LoginScreen):
    """The login page with single sign-on on."""

    def sign_in_with_city_account(self):
        self.page.get_by_role("link", name="Sign in with City account").click()
        return ProviderSignInScreen(self.page)


class ProviderSignInScreen(Screen):
    """The identity provider's own sign-in page (the test provider, tests/oidc/provider.mjs)."""

    def sign_in(self, username: str, password: str = "any"):  # noqa: S107 (test provider)
        expect(self.heading()).to_have_text(re.compile("City account sign-in"))
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()


class ProviderSignOutScreen(Screen):
    """The identity provider's "sign out of your City account too?" page."""

    def confirm(self):
        expect(self.heading()).to_have_text(re.compile("Sign out of your City account"))
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state()


# --- The HR roster feed and the city identity in the admin (issues 19 and 20) ----------------


class AdminSettingsForm(Screen):
    """A Wagtail settings form (Settings > ...), as OEI fills it."""

    def save(self):
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Save", exact=True).click()
        self.page.wait_for_load_state("networkidle")
        # the admin's messages fade in: checked (by axe) once they have
        # (polled from here: wait_for_function evaluates a string, which the CSP refuses)
        for _ in range(50):
            if self.page.evaluate(
                "document.getAnimations().every((a) => a.playState !== 'running')"
            ):
                break
            time.sleep(0.1)
        return self

    def open_again(self):
        """The same form, as it stands saved, opened afresh."""
        self.page.goto(self.page.url)
        return self

    def saved_message(self):
        return self.page.locator(".messages .success")

    def refused_message(self):
        return self.page.locator(".messages .error")

    def error(self, field: str | None = None):
        """The error shown under ``field`` (its name), or under any field."""
        if field is None:
            return self.page.locator(".w-field__errors")
        return self.page.locator(f'[data-field]:has([name="{field}"]) .w-field__errors')


class RosterFeedSettingsForm(AdminSettingsForm):
    def folder(self):
        return self.page.get_by_role("textbox", name="Drop folder")

    def set_folder(self, path: str):
        self.folder().fill(path)
        return self


class RosterFeedScreen(Screen):
    """OEI's list of the files the HR feed read, and each one's result."""

    PATH = "/admin/organisation/roster-feed/"
    SETTINGS = "/admin/settings/organisation/rosterfeedsettings/"

    @classmethod
    def paths(cls, record) -> list[str]:
        """Every feed screen: the list, one file's result, the folder's form."""
        return [cls.PATH, f"{cls.PATH}{record.pk}/", cls.SETTINGS]

    def open(self):
        self.page.goto(self.PATH)
        return self

    def open_from_the_menu(self):
        self.page.goto("/admin/")
        self.page.locator("#wagtail-sidebar").get_by_role("link", name="HR roster feed").click()
        self.page.wait_for_url(re.compile(re.escape(self.PATH) + "$"))
        return self

    def open_settings(self):
        self.page.goto(self.SETTINGS)
        return RosterFeedSettingsForm(self.page)

    def folder(self):
        """The folder the feed reads, as the page names it."""
        return self.page.locator("main p code")

    def row(self, file_name: str):
        return self.page.get_by_role("row").filter(has_text=file_name)

    def open_file(self, file_name: str):
        self.page.get_by_role("link", name=file_name, exact=True).click()
        self.page.wait_for_load_state()
        return self

    def back_to_all_files(self):
        self.page.get_by_role("link", name="All files read by the feed").click()
        self.page.wait_for_url(re.compile(re.escape(self.PATH) + "$"))
        return self


class ImageChooserModal(Screen):
    """Wagtail's "Choose an image" dialog, on its Upload tab."""

    def dialog(self):
        return self.page.get_by_role("dialog")

    def upload(self, title: str, path: Path):
        dialog = self.dialog()
        dialog.get_by_role("tab", name="Upload").click()
        dialog.get_by_role("textbox", name="Title").fill(title)
        dialog.locator('input[type="file"]').set_input_files(str(path))
        dialog.get_by_role("button", name="Upload").click()
        return self

    def error(self):
        """The message of a refused upload."""
        return self.dialog().get_by_text(re.compile("not an image|valid image"))

    def close(self):
        self.dialog().get_by_role("button", name="Close").click()
        return self


class IdentitySettingsForm(AdminSettingsForm):
    """Settings > Organisation settings: the city's name, logo, seal and colour (issue 20)."""

    PATH = "/admin/settings/lms/organisationsettings/"

    def open(self):
        self.page.goto(self.PATH)
        return self

    def choose_image(self, field: str) -> ImageChooserModal:
        """Open the chooser of ``field`` ("logo", "seal")."""
        wrapper = self.page.locator(f'[data-field]:has([name="{field}"])')
        wrapper.get_by_role("button", name="Choose an image").click()
        modal = ImageChooserModal(self.page)
        expect(modal.dialog()).to_be_visible()
        return modal

    def chosen_title(self, field: str):
        wrapper = self.page.locator(f'[data-field]:has([name="{field}"])')
        return wrapper.locator("[data-chooser-title]")

    def set_colour(self, colour: str):
        self.page.get_by_role("textbox", name="Primary colour").fill(colour)
        return self


class CertificateSettingsForm(AdminSettingsForm):
    PATH = "/admin/settings/certificates/certificatesettings/"

    def open(self):
        self.page.goto(self.PATH)
        return self

    def set_signatory(self, name: str, title: str):
        self.page.get_by_role("textbox", name="Signatory name").fill(name)
        self.page.get_by_role("textbox", name="Signatory title").fill(title)
        return self
