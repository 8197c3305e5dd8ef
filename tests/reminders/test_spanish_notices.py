"""Issue 18: the reminder notices on "My training" name the course as the reminder emails do,
in the reader's language where an approved translation exists, marked with ``lang``."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from lms.reminders.services import outbox, scan
from tests.courses.test_translations import es, in_spanish, translate  # noqa: F401

pytestmark = pytest.mark.django_db

SPANISH = "Encuentros con agentes federales"


def notices(client, day) -> BeautifulSoup:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
        response = client.get(reverse("courses:my_training"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find(id="notices-heading").find_parent("section")


def test_a_spanish_reader_gets_the_notice_with_the_spanish_title(
    ana,
    assign,
    day,
    course,
    client,
    es,  # noqa: F811
):
    translate(course, es, title=SPANISH)
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    outbox.outbox_send()
    client.force_login(ana.user)

    section = notices(in_spanish(client), day)
    sentence = section.find("p", class_="usa-alert__text")
    title = sentence.find("span", lang="es")
    assert title is not None and title.get_text() == SPANISH
    assert sentence.get_text().startswith(f"{SPANISH} ")
    assert "Encountering federal agents" not in str(section)
    # The link's hidden name too.
    assert sentence.a.find("span", lang="es").get_text() == SPANISH
