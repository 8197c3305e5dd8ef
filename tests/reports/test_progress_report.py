"""The Mayor's progress report: a snapshot drafted, narrated, published and then frozen."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from lms.reports import services, tasks
from lms.reports.models import (
    ProgressReport,
    ProgressReportDepartmentRow,
    ProgressReportFigure,
    PublishedReportError,
)
from tests.conftest import complete

pytestmark = pytest.mark.django_db


def figures_of(report) -> dict:
    return dict(report.figures.values_list("key", "value"))


def snapshot(report) -> tuple:
    """Everything a report shows, as stored."""
    return (
        figures_of(report),
        list(
            report.department_rows.values_list(
                "department_code", "assigned", "compliant", "overdue", "expiring"
            )
        ),  # fmt: skip
        list(report.requirement_rows.values_list("requirement_name", "assigned", "compliant")),
        list(report.week_rows.values_list("week_start", "completions", "assigned", "compliant")),
    )


def test_draft_copies_the_figures_into_rows(city, oei):
    report = services.progress_report_draft(drafted_by=oei)
    assert report.status == ProgressReport.Status.DRAFT
    values = figures_of(report)
    assert (values["assigned"], values["compliant"], values["overdue"]) == (8, 3, 3)
    parks = report.department_rows.get(department_code="PARKS")
    assert (parks.department_name, parks.assigned, parks.compliant) == (
        "Parks and Recreation",
        6,
        2,
    )
    assert report.week_rows.count() == 12


def test_published_report_stays_identical_when_completions_change(city, oei, oei_client):
    report = services.progress_report_draft(drafted_by=oei)
    services.progress_report_publish(report=report, user=oei)
    before = snapshot(report)
    page_before = oei_client.get(reverse("reports:report", args=[report.pk])).content.decode()

    for employee in city["people"]["parks"][2:] + city["people"]["transit"][1:]:
        complete(employee, city["course"])  # everyone not done yet completes afterwards
    assert services.progress_report_draft(drafted_by=oei).figures.get(key="compliant").value == 8

    report.refresh_from_db()
    assert snapshot(report) == before
    page_after = oei_client.get(reverse("reports:report", args=[report.pk])).content.decode()
    figures_html = page_before.split('id="summary-heading"')[1].split("</table>")[0]
    assert figures_html == page_after.split('id="summary-heading"')[1].split("</table>")[0]


def test_published_report_refuses_every_change(city, oei):
    report = services.progress_report_draft(drafted_by=oei)
    services.progress_report_publish(report=report, user=oei)
    report.refresh_from_db()
    report.narrative = "Rewritten"
    with pytest.raises(PublishedReportError):
        report.save()
    with pytest.raises(PublishedReportError):
        report.delete()
    row = report.department_rows.first()
    row.compliant = 999
    with pytest.raises(PublishedReportError):
        row.save()
    with pytest.raises(PublishedReportError):
        row.delete()
    with pytest.raises(PublishedReportError):
        ProgressReportFigure(report=report, key="extra", value=1).save()
    assert not ProgressReportFigure.objects.filter(key="extra").exists()
    assert ProgressReportDepartmentRow.objects.get(pk=row.pk).compliant != 999


def test_publish_once_over_http_and_then_the_draft_form_refuses(city, oei, oei_client):
    report = services.progress_report_draft(drafted_by=oei)
    publish = reverse("reports:report_publish", args=[report.pk])
    assert oei_client.post(publish).status_code == 302
    assert oei_client.post(publish).status_code == 409
    response = oei_client.post(
        reverse("reports:report_update", args=[report.pk]),
        {"narrative": "Too late", "small_count_threshold": 5},
    )
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.is_published and report.narrative == ""
    assert ModelLogEntry.objects.filter(action="lms.report.publish").count() == 1


def test_draft_narrative_then_publish_over_http(city, oei_client):
    response = oei_client.post(reverse("reports:reports"))
    report = ProgressReport.objects.get()
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    response = oei_client.post(
        reverse("reports:report_update", args=[report.pk]),
        {
            "narrative": "Parks is catching up.",
            "suppress_small_counts": "on",
            "small_count_threshold": 5,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "Parks is catching up."
    bad = oei_client.post(
        reverse("reports:report_update", args=[report.pk]),
        {"narrative": "x", "small_count_threshold": 0},
    )
    assert bad.status_code == 400
    report.refresh_from_db()
    assert report.narrative == "Parks is catching up."


def test_small_counts_show_as_fewer_than_five_when_asked(city, oei, oei_client):
    report = services.progress_report_draft(drafted_by=oei)
    html = oei_client.get(reverse("reports:report", args=[report.pk])).content.decode()
    transit = html.split('<th scope="row">Transit</th>')[1].split("</tr>")[0]
    assert "fewer than 5" in transit  # 2 assigned, 1 compliant, 1 overdue
    ProgressReport.objects.filter(pk=report.pk).update(suppress_small_counts=False)
    html = oei_client.get(reverse("reports:report", args=[report.pk])).content.decode()
    transit = html.split('<th scope="row">Transit</th>')[1].split("</tr>")[0]
    assert "fewer than" not in transit and "<td>2</td>" in transit


def without_suppression(report, oei):
    return services.progress_report_update(
        report=report, user=oei, narrative="", suppress_small_counts=False, small_count_threshold=5
    )


def test_change_since_the_previous_published_report(city, oei):
    from lms.reports.presentation import report_context

    def changes(*, suppressed: bool) -> dict:
        first = services.progress_report_draft(drafted_by=oei)
        if not suppressed:
            without_suppression(first, oei)
        services.progress_report_publish(report=first, user=oei)
        complete(city["people"]["parks"][2 if suppressed else 3], city["course"])
        second = services.progress_report_draft(drafted_by=oei)
        assert second.previous == first
        if not suppressed:
            second = without_suppression(second, oei)
        return {line.key: line.change for line in report_context(second)["figures"]}

    # 3 then 4 compliant, 3 then 2 overdue: "fewer than 5" both times, so no change shows
    # (it would tell that one person became compliant).
    lines = changes(suppressed=True)
    assert lines["compliant"] == "" and lines["overdue"] == ""
    assert lines["assigned"] == "0"
    lines = changes(suppressed=False)  # 4 then 5 compliant, 2 then 1 overdue
    assert lines["compliant"] == "+1" and lines["overdue"] == "−1"


def test_pdf_has_the_summary_departments_change_and_charts(city, oei, oei_client):
    first = services.progress_report_draft(drafted_by=oei)
    services.progress_report_publish(report=first, user=oei)
    second = without_suppression(services.progress_report_draft(drafted_by=oei), oei)
    response = oei_client.get(reverse("reports:report_pdf", args=[second.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Summary",
        "Parks and Recreation",
        "Change",
        "Percent compliant by department",
    ):
        assert expected in text


def test_publishing_stores_the_pdf_once(city, oei, django_capture_on_commit_callbacks):
    report = services.progress_report_draft(drafted_by=oei)
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_report_publish(report=report, user=oei)
    report.refresh_from_db()
    assert report.pdf.name.endswith(".pdf")
    assert report.pdf.read().startswith(b"%PDF")
    assert tasks.progress_report_pdf_store(report.pk) == report.pdf.name


def test_monthly_schedule_exists_and_drafts_once_a_month(city):
    schedule = Schedule.objects.get(func="lms.reports.tasks.progress_report_draft_monthly")
    assert schedule.schedule_type == Schedule.MONTHLY
    first = tasks.progress_report_draft_monthly()
    assert first is not None
    assert tasks.progress_report_draft_monthly() is None
    report = ProgressReport.objects.get()
    assert report.scheduled_for == timezone.localdate().replace(day=1)
    assert report.created_by is None


def test_a_published_report_refuses_queryset_updates_and_deletes(city, oei):
    report = services.progress_report_draft(drafted_by=oei)
    drafts = ProgressReport.objects.filter(pk=report.pk)
    assert drafts.update(narrative="Still a draft") == 1  # a draft may still change
    with pytest.raises(PublishedReportError):
        drafts.delete()
    services.progress_report_publish(report=report, user=oei)
    published = ProgressReport.objects.filter(pk=report.pk)
    with pytest.raises(PublishedReportError):
        published.update(narrative="Rewritten")
    with pytest.raises(PublishedReportError):
        published.delete()
    with pytest.raises(PublishedReportError):
        ProgressReportDepartmentRow.objects.filter(report=report).update(compliant=999)
    with pytest.raises(PublishedReportError):
        ProgressReportFigure.objects.filter(report=report).delete()
    assert ProgressReport.objects.get(pk=report.pk).narrative == "Still a draft"
    assert not ProgressReportDepartmentRow.objects.filter(compliant=999).exists()


def test_the_pdf_says_it_is_sample_content_only_while_demo_content_is_loaded(
    settings, city, oei, oei_client
):
    report = services.progress_report_draft(drafted_by=oei)

    def pdf_text() -> str:
        response = oei_client.get(reverse("reports:report_pdf", args=[report.pk]))
        pages = PdfReader(io.BytesIO(response.content)).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split())

    assert "Sample content" not in pdf_text()
    settings.LMS_SAMPLE_CONTENT_NOTICE = True
    assert "Sample content: not the City's official training." in pdf_text()
