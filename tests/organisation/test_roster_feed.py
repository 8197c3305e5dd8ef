"""The HR roster feed (issue 19): a folder read daily; clean files applied once, files with
errors refused and emailed to OEI and the liaisons concerned."""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django_q.models import Schedule
from wagtail.models import ModelLogEntry

from lms.models import OrganisationSettings
from lms.organisation import roles, roster, tasks
from lms.organisation.models import Employee, RosterFeedFile, RosterFeedSettings
from tests.factories import EmployeeFactory, LiaisonFactory, UserFactory

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
HEADER = ",".join(roster.COLUMNS)


def settled(path: Path) -> Path:
    """As if the file had been dropped an hour ago (the feed leaves files still arriving)."""
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


def drop(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return settled(path)


@pytest.fixture
def feed(tmp_path, settings):
    folder = tmp_path / "hr-feed"
    folder.mkdir()
    settings.ROSTER_FEED_DIR = str(folder)
    settings.ROSTER_FEED_ROOT = str(tmp_path)
    return folder


@pytest.fixture
def readers(parks, transit):
    """An OEI administrator (reading Spanish), a Parks liaison and a Transit liaison."""
    roles.roles_sync()
    oei = UserFactory(email="oei@cabq.example", roles=[roles.OEI_ADMIN])
    EmployeeFactory(user=oei, department=parks, preferred_language="es")
    parks_liaison = LiaisonFactory(department=parks, user__email="parks@cabq.example").user
    transit_liaison = LiaisonFactory(department=transit, user__email="transit@cabq.example").user
    return {"oei": oei, "parks": parks_liaison, "transit": transit_liaison}


def bad_roster() -> bytes:
    """Line 2 (PARKS) has an impossible date; line 3 (TRANSIT) is fine; line 4 (PARKS) an
    unknown supervisor."""
    return (
        "\r\n".join(
            [
                HEADER + ",supervisor_employee_number",
                "F1,Ana,Baca,f1@cabq.example,PARKS,Lifeguard,2024-02-30,yes,",
                "F2,Luz,Ortiz,f2@cabq.example,TRANSIT,Driver,2024-02-01,yes,",
                "F3,Eva,Sosa,f3@cabq.example,PARKS,Lifeguard,2024-02-01,yes,NOBODY",
            ]
        )
        + "\r\n"
    ).encode()


def test_the_daily_schedule_is_registered():
    schedule = Schedule.objects.get(func="lms.organisation.tasks.roster_feed_daily")
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1


def test_a_clean_file_is_applied_once_recorded_and_audited(feed, parks, transit):
    shutil.copy(SAMPLES / "roster_excel_csv_utf8.csv", feed / "roster-2026-12-01.csv")
    settled(feed / "roster-2026-12-01.csv")

    assert tasks.roster_feed_daily() == "1 applied, 0 refused, 0 waiting"

    assert Employee.objects.filter(employee_number__startswith="H10").count() == 5
    record = RosterFeedFile.objects.get()
    assert record.status == RosterFeedFile.Status.APPLIED
    assert record.file_name == "roster-2026-12-01.csv"
    assert "byte order mark" in record.source
    assert any("new H101 Begoña Núñez (PARKS)" in text for text in record.preview)
    assert ModelLogEntry.objects.filter(action="lms.roster.feed.applied").count() == 1
    assert ModelLogEntry.objects.filter(action="lms.roster.import").count() == 1

    # The next day: the same file, and the same content under another name, are not read again.
    shutil.copy(SAMPLES / "roster_excel_csv_utf8.csv", feed / "copy.csv")
    settled(feed / "copy.csv")
    Employee.objects.filter(employee_number="H101").update(job_title="Changed by OEI")
    assert tasks.roster_feed_daily() == "0 applied, 0 refused, 0 waiting"
    assert RosterFeedFile.objects.count() == 1
    assert Employee.objects.get(employee_number="H101").job_title == "Changed by OEI"


def test_a_file_with_errors_applies_nothing_and_emails_each_reader_once(feed, readers):
    drop(feed, "bad.csv", bad_roster())
    before = Employee.objects.count()

    assert tasks.roster_feed_daily() == "0 applied, 1 refused, 0 waiting"

    assert Employee.objects.count() == before
    record = RosterFeedFile.objects.get()
    assert record.status == RosterFeedFile.Status.REFUSED
    assert [line for line, _reason in record.errors] == [2, 4]
    assert ModelLogEntry.objects.filter(action="lms.roster.feed.refused").count() == 1

    by_reader = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_reader) == ["oei@cabq.example", "parks@cabq.example"]
    # OEI reads Spanish: every error, in Spanish.
    oei_mail = by_reader["oei@cabq.example"]
    with translation.override("es"):
        expected_subject = translation.gettext(
            "HR roster file %(name)s not applied: it has errors"
        ) % {"name": "bad.csv"}
    assert oei_mail.subject == expected_subject.replace("%(name)s", "bad.csv")
    assert "línea 2" in oei_mail.body and "línea 4" in oei_mail.body
    # The Parks liaison: the errors of Parks' lines; Transit's liaison, with none, no email.
    parks_mail = by_reader["parks@cabq.example"]
    assert "line 2" in parks_mail.body and "line 4" in parks_mail.body
    assert "bad.csv" in parks_mail.subject
    html = parks_mail.alternatives[0][0]
    assert "NOBODY" in html

    # The next day the same bad file is not read nor emailed again.
    mail.outbox.clear()
    assert tasks.roster_feed_daily() == "0 applied, 0 refused, 0 waiting"
    assert mail.outbox == []


def test_a_liaison_reads_only_their_departments_lines(feed, readers):
    content = bad_roster().replace(b"2024-02-01,yes,\r\n", b"2024-13-01,yes,\r\n", 1)
    drop(feed, "bad.csv", content)
    tasks.roster_feed_daily()
    by_reader = {message.to[0]: message.body for message in mail.outbox}
    assert "line 3" in by_reader["transit@cabq.example"]
    assert "line 2" not in by_reader["transit@cabq.example"]
    assert "line 3" not in by_reader["parks@cabq.example"]


def test_the_organisation_contact_address_is_emailed_too(feed, parks):
    settings_row = OrganisationSettings.load()
    settings_row.contact_email = "oei-desk@cabq.example"
    settings_row.save()
    drop(feed, "bad.csv", bad_roster())
    tasks.roster_feed_daily()
    assert [message.to for message in mail.outbox] == [["oei-desk@cabq.example"]]


def test_files_still_arriving_and_other_files_wait(feed, parks, transit):
    (feed / "fresh.csv").write_bytes((SAMPLES / "roster_excel_csv.csv").read_bytes())
    drop(feed, "notes.txt", b"not a roster")
    drop(feed, ".hidden.csv", b"x")
    assert tasks.roster_feed_daily() == "0 applied, 0 refused, 1 waiting"
    assert not RosterFeedFile.objects.exists()
    settled(feed / "fresh.csv")
    assert tasks.roster_feed_daily() == "1 applied, 0 refused, 0 waiting"


def test_no_folder_means_no_feed(settings, parks):
    settings.ROSTER_FEED_DIR = ""
    assert tasks.roster_feed_daily() == "0 applied, 0 refused, 0 waiting"


def test_oei_setting_overrides_the_default_folder(feed, tmp_path, parks, transit):
    other = tmp_path / "other"
    other.mkdir()
    drop(other, "roster.xlsx", (SAMPLES / "roster_openpyxl.xlsx").read_bytes())
    feed_settings = RosterFeedSettings.load()
    feed_settings.directory = str(other)
    feed_settings.full_clean()
    feed_settings.save()
    assert tasks.roster_feed_daily() == "1 applied, 0 refused, 0 waiting"


@pytest.mark.parametrize("directory", ["relative/path", "/etc", "{feed}/../../etc"])
def test_oei_may_only_name_a_folder_inside_the_allowed_root(feed, directory):
    feed_settings = RosterFeedSettings(directory=directory.format(feed=feed))
    with pytest.raises(ValidationError):
        feed_settings.full_clean()


def test_only_oei_reads_and_configures_the_feed(client, feed, parks, transit):
    shutil.copy(SAMPLES / "roster_excel_csv.csv", feed / "roster.csv")
    settled(feed / "roster.csv")
    tasks.roster_feed_daily()
    record = RosterFeedFile.objects.get()
    index = reverse("organisation_roster_feed:index")
    detail = reverse("organisation_roster_feed:file", kwargs={"pk": record.pk})
    settings_url = reverse("wagtailsettings:edit", args=["organisation", "rosterfeedsettings"])

    editor = UserFactory(roles=[roles.CONTENT_EDITOR])
    client.force_login(editor)
    assert client.get(index).status_code == 403
    assert client.get(detail).status_code == 403
    refused = client.get(settings_url, follow=True)
    assert "drop folder" not in refused.content.decode().lower()

    roles.roles_sync()
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    page = client.get(index)
    assert page.status_code == 200 and "roster.csv" in page.content.decode()
    page = client.get(detail)
    assert "Begoña Núñez" in page.content.decode()
    assert (
        client.get(reverse("organisation_roster_feed:file", kwargs={"pk": 999})).status_code == 404
    )
    form = client.get(settings_url, follow=True)
    assert form.status_code == 200 and "drop folder" in form.content.decode().lower()
