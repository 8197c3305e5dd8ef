"""Emails in the employee's language with links, notices on My training, the command and the
preference page."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from lms.reminders.models import Delivery, ReminderLog, ReminderPreference
from lms.reminders.services import outbox, scan
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "date_text"), [("en", "Sept. 8, 2025"), ("es", "8 de septiembre de 2025")]
)
def test_reminder_email_in_the_preferred_language_with_links(
    parks, assign, day, course, settings, language, date_text
):
    settings.WAGTAILADMIN_BASE_URL = "https://training.cabq.example"
    employee = EmployeeFactory(department=parks, preferred_language=language)
    assign(employee, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    outbox.outbox_send()
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert message.to == [employee.user.email]
    assert date_text in message.body and date_text in html
    assert f'lang="{language}"' in html
    course_url = "https://training.cabq.example" + course.get_url_parts()[2]
    assert course_url in message.body and f'href="{course_url}"' in html
    assert "https://training.cabq.example/reminders/preferences/" in message.body
    assert course.title in message.subject


def test_my_training_shows_the_same_reminders_as_notices(ana, assign, day, client):
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    outbox.outbox_send()
    client.force_login(ana.user)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
        response = client.get(reverse("courses:my_training"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Encountering federal agents is due within 7 days, by Sept. 8, 2025." in content
    assert mail.outbox[0].body.count("is due within 7 days, by Sept. 8, 2025.") == 1
    assert reverse("reminders:preferences") in content


def test_notices_of_a_day_run_ahead_show_now_and_old_ones_fade(ana, assign, day, client):
    """``send_reminders --date`` a month ahead emailed the employee: My training shows it
    today; 31 days after that scan the notice is gone."""
    assign(ana, day + timedelta(days=37))
    scan.reminder_scan(today=day + timedelta(days=30))
    outbox.outbox_send()
    client.force_login(ana.user)
    sentence = "Encountering federal agents is due within 7 days, by Oct. 8, 2025."
    for today, shown in [(day, True), (day + timedelta(days=61), False)]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.utils.timezone.localdate", lambda *a, _t=today, **k: _t)
            content = client.get(reverse("courses:my_training")).content.decode()
        assert (sentence in content) is shown, today


def test_no_notices_for_someone_else(ana, assign, day, client, parks):
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    other = EmployeeFactory(department=parks)
    client.force_login(other.user)
    response = client.get(reverse("courses:my_training"))
    assert "is due within" not in response.content.decode()
    assert "You have no reminders" in response.content.decode()


def test_send_reminders_command_dry_run_then_real(ana, assign, day):
    assign(ana, day + timedelta(days=7))
    out = call_command_out("send_reminders", "--dry-run", "--date", day.isoformat())
    assert "would log 1 reminder(s)" in out
    assert ReminderLog.objects.count() == 0 and len(mail.outbox) == 0
    out = call_command_out("send_reminders", "--date", day.isoformat())
    assert "logged 1 reminder(s)" in out and "sent 1" in out
    out = call_command_out("send_reminders", "--date", day.isoformat())
    assert "logged 0 reminder(s)" in out and "sent 0" in out
    assert len(mail.outbox) == 1


def test_send_reminders_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "01/09/2025")


def call_command_out(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_preference_page_sets_weekly_digest(ana, client):
    client.force_login(ana.user)
    url = reverse("reminders:preferences")
    response = client.get(url)
    assert response.status_code == 200
    assert 'value="single"' in response.content.decode()
    response = client.post(url, {"delivery": "weekly"})
    assert response.status_code == 302
    assert ReminderPreference.objects.get(employee=ana).delivery == Delivery.WEEKLY


def test_preference_page_rejects_nonsense_and_changes_nothing(ana, client):
    client.force_login(ana.user)
    response = client.post(reverse("reminders:preferences"), {"delivery": "never"})
    assert response.status_code == 400
    assert not ReminderPreference.objects.exists()
    # The error summary links to the group of choices, and each choice names the error.
    content = response.content.decode()
    assert 'href="#id_delivery"' in content and 'id="id_delivery"' in content
    assert content.count('aria-describedby="id_delivery-error"') == 2


def test_preference_page_needs_an_employee(client, oei_user):
    client.force_login(oei_user)
    assert client.get(reverse("reminders:preferences")).status_code == 403


def test_oei_sees_the_outbox_in_the_admin(client, oei_user, ana, assign, day):
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    client.force_login(oei_user)
    response = client.get(reverse("reminder-log:index"))
    assert response.status_code == 200
    assert ana.user.last_name in response.content.decode()


def test_demo_city_with_the_clock_moved_forward(db):
    """The issue's "done when": on the demo data, reminders arrive once each in English and
    Spanish, and the liaisons receive digests."""
    from django.utils import timezone

    from lms.organisation.models import Employee
    from lms.reminders.models import Digest

    call_command("load_demo", stdout=io.StringIO())
    day = timezone.localdate() + timedelta(days=45)
    call_command_out("send_reminders", "--date", day.isoformat())
    sent = list(mail.outbox)
    assert sent
    to = [m.to[0] for m in sent]
    assert len({(m.to[0], m.subject) for m in sent}) == len(sent)  # nothing twice
    languages = set(
        Employee.objects.filter(user__email__in=to).values_list("preferred_language", flat=True)
    )
    assert languages == {"en", "es"}
    spanish = next(
        m for m in sent if Employee.objects.filter(user__email=m.to[0], preferred_language="es")
    )
    assert "de 20" in spanish.body  # the date, in Spanish ("... de octubre de 2025")
    assert Digest.objects.filter(kind="liaison", sent_at__isnull=False).exists()
    out = call_command_out("send_reminders", "--date", day.isoformat())
    assert "logged 0 reminder(s)" in out
    assert len(mail.outbox) == len(sent)
