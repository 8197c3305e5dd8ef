"""OEI reads and configures the HR roster feed in the admin (issue 19): the files it read, one
applied and one refused, and the drop folder's form with a good and bad folders; every screen
accessible at a desktop and a phone width, and nobody else reaches any of them."""

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lms.demo.people import DEMO_PASSWORD
from lms.organisation import roster, tasks
from lms.organisation.models import RosterFeedFile, RosterFeedSettings
from tests.browser.conftest import REFLOW_WIDTH, SIDEWAYS
from tests.browser.pages import AdminLoginScreen, LoginScreen, RosterFeedScreen

pytestmark = pytest.mark.browser

OEI = "oei.admin"
HEADER = ",".join(roster.COLUMNS)


def reflow_problems(page, *, reload: bool = True) -> list[str]:
    """What scrolls sideways, or is cut, at 320 px on one of our own admin screens (the
    AxeChecker leaves the reflow of Wagtail's admin pages to Wagtail; these templates are ours).
    The page is loaded again at that width, as a phone opens it (Wagtail's sidebar folds away
    only on a page opened narrow); ``reload=False`` for a page already opened at 320 px."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 800})
    try:
        if reload:
            page.reload()
            page.wait_for_load_state("networkidle")
        return page.evaluate(SIDEWAYS)
    finally:
        page.set_viewport_size(viewport)


def drop(folder: Path, name: str, lines: list[str]):
    """A roster file HR dropped an hour ago (the feed leaves files still arriving)."""
    path = folder / name
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))


@pytest.fixture
def feed(demo, tmp_path, settings):
    """The server allows feed folders under ``tmp_path``; the feed has read two files: one
    clean (applied) and one with an impossible date (refused)."""
    folder = tmp_path / "hr-feed"
    folder.mkdir()
    settings.ROSTER_FEED_ROOT = str(tmp_path)
    settings.ROSTER_FEED_DIR = str(folder)
    drop(
        folder,
        "roster-clean.csv",
        ["F900,José,Córdova,f900@cabq.example,PARKS,Lifeguard,2024-02-01,yes"],
    )
    assert tasks.roster_feed_daily() == "1 applied, 0 refused, 0 waiting"
    drop(
        folder, "roster-bad.csv", ["F901,Ana,Baca,f901@cabq.example,PARKS,Lifeguard,2024-02-30,yes"]
    )
    assert tasks.roster_feed_daily() == "0 applied, 1 refused, 0 waiting"
    return folder


def test_oei_reads_the_files_the_feed_read(page, feed, axe):
    AdminLoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    screen = RosterFeedScreen(page).open_from_the_menu()
    expect(screen.heading()).to_have_text("HR roster feed")
    expect(screen.folder()).to_have_text(str(feed))
    expect(screen.row("roster-clean.csv")).to_contain_text("Applied")
    expect(screen.row("roster-bad.csv")).to_contain_text("Refused: errors, nothing applied")
    axe(page)
    assert reflow_problems(page) == []

    screen.open_file("roster-clean.csv")
    expect(page.get_by_role("heading", name="roster-clean.csv: Applied")).to_be_visible()
    expect(page.locator("#feed-preview")).to_contain_text("José Córdova")
    axe(page)
    # the file's SHA-256 (64 digits) is not cut at 320 px
    assert reflow_problems(page) == []

    screen.back_to_all_files().open_file("roster-bad.csv")
    expect(page.get_by_role("heading", name=re.compile("^roster-bad.csv: Refused"))).to_be_visible()
    errors = page.get_by_role("table", name="Errors")
    expect(errors.get_by_role("row")).to_have_count(2)  # the header and line 2
    expect(errors).to_contain_text("2024-02-30")
    axe(page)
    assert reflow_problems(page) == []

    # an id that is not a file: a 404, not a 500
    missing = RosterFeedFile.objects.order_by("-pk").first().pk + 100
    assert page.goto(f"/admin/organisation/roster-feed/{missing}/").status == 404


def test_oei_sets_the_drop_folder_and_a_wrong_one_is_refused(page, feed, axe):
    AdminLoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    form = RosterFeedScreen(page).open_settings()
    expect(form.folder()).to_be_visible()
    axe(page)

    assert reflow_problems(page) == []
    root = feed.parent
    for wrong, message in [
        ("hr-feed", "Give the full path of the folder, starting with /."),
        (f"{root}/../elsewhere", "Give the full path of the folder, starting with /."),
        ("/etc", f"The folder must be inside {root}"),
    ]:
        form.set_folder(wrong).save()
        expect(form.refused_message()).to_be_visible()
        expect(form.error("directory")).to_contain_text(message)
        expect(form.folder()).to_have_value(wrong)  # kept for correcting
        assert RosterFeedSettings.load().directory == "", wrong
    axe(page)  # the form with its error
    # the error as a phone shows it (the refused form is the answer to a POST: sent again)
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 800})
    form.open_again().set_folder("/etc").save()
    assert reflow_problems(page, reload=False) == []
    page.set_viewport_size({"width": 1280, "height": 720})

    chosen = root / "city-hr"
    form.set_folder(str(chosen)).save()
    expect(form.saved_message()).to_be_visible()
    assert RosterFeedSettings.load().directory == str(chosen)
    # the feed's page now names the folder OEI chose
    screen = RosterFeedScreen(page).open()
    expect(screen.folder()).to_have_text(str(chosen))
    axe(screen.page)


@pytest.mark.parametrize("username", ["liaison.parks", "employee01"])
def test_a_liaison_or_an_employee_reaches_no_feed_screen(page, feed, username):
    record = RosterFeedFile.objects.first()
    LoginScreen(page).open().log_in(username, DEMO_PASSWORD)
    for path in RosterFeedScreen.paths(record):
        response = page.goto(path)
        # sent to the admin's login, which a person without admin access cannot pass
        assert re.search(r"/admin/login/\?next=", page.url), (path, page.url, response.status)
        expect(page.locator("body")).not_to_contain_text(str(feed))
        expect(page.locator("body")).not_to_contain_text("roster-clean.csv")
