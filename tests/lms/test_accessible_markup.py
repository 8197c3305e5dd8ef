"""Issue 20 (axe and the W3C Nu checker): the markup fixes, page by page, checked on the HTML
the server sends (the browser tests run axe and the Nu checker on every screen they visit)."""

import re

import pytest
from django.urls import reverse

from lms.reports.models import ReportExport

pytestmark = pytest.mark.django_db


def test_the_export_status_page_does_not_reload_itself_but_has_a_live_region(oei, oei_client):
    export = ReportExport.objects.create(
        requested_by=oei, table="assignments", kind="xlsx", status="running", rows_total=10
    )
    html = oei_client.get(reverse("reports:export_status", args=[export.pk])).content.decode()
    assert 'http-equiv="refresh"' not in html  # axe meta-refresh (WCAG 2.2.1)
    assert re.search(r'<div class="lms-progress" role="status" id="export-progress">', html)
    assert re.search(r'<script src="/static/js/export-progress\.js[^"]*"></script>', html)
    # once done, nothing polls any more
    ReportExport.objects.filter(pk=export.pk).update(status="done", rows_done=10)
    html = oei_client.get(reverse("reports:export_status", args=[export.pk])).content.decode()
    assert "export-progress.js" not in html and 'data-working="false"' in html


def test_the_course_cards_on_the_training_page_are_h2_under_its_h1(course, employee_client):
    html = employee_client.get(course.get_parent().url).content.decode()
    headings = re.findall(r"<h([1-6])\b", html)
    assert headings[0] == "1"
    # no level skipped (axe heading-order): the cards come right under the page's h1
    assert all(int(b) - int(a) <= 1 for a, b in zip(headings, headings[1:], strict=False))
    assert f'<h2 class="usa-card__heading"><a href="{course.url}" lang="en">' in html


def test_the_home_page_keeps_its_course_cards_under_its_courses_h2(course, employee_client):
    html = employee_client.get("/").content.decode()
    assert '<h3 class="usa-card__heading">' in html


def test_the_nav_close_image_has_no_redundant_role(employee_client, course):
    html = employee_client.get("/").content.decode()
    close = re.search(r'<button type="button" class="usa-nav__close">(.*?)</button>', html).group(1)
    assert 'role="img"' not in close and 'alt="Close"' in close


def test_the_wagtail_userbar_comes_after_the_skip_link_and_every_landmark(oei_client, course):
    """The userbar's links sit in a shadow root: before them, the skip link is one for axe
    (otherwise the rule "region" flags it on every page that shows the userbar)."""
    for url in (course.url, reverse("certificates:manage")):
        html = oei_client.get(url).content.decode()
        body = html[html.index("<body") :]
        assert body.index('class="usa-skipnav"') < body.index("<header")
        assert body.index("</footer>") < body.index("wagtail-userbar-template")
        assert "lms-userbar" not in html  # no landmark of ours around Wagtail's own <aside>


def test_the_certificate_search_button_keeps_a_name_when_its_text_is_hidden(oei_client):
    html = oei_client.get(reverse("certificates:manage")).content.decode()
    button = re.search(r'<button class="usa-button" type="submit"([^>]*)>(.*?)</button>', html)
    # at phone width USWDS hides the text and shows the magnifier: the name stays
    assert button.group(1) == ' aria-label="Search"'
    assert re.search(
        r'<img src="[^"]*search--white\.svg" class="usa-search__submit-icon" alt="">',
        button.group(2),
    )
