"""The Mayor's progress report PDF is PDF/UA-1: tagged, a title shown as the window's title, a
language, the XMP identification, alternative text on every chart, and every chart followed by
its data table (read with pikepdf)."""

import io

import pypdf
import pytest

from lms.reports import services
from lms.reports.pdf import progress_report_pdf
from lms.reports.presentation import report_context
from tests.pdf_structure import structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(city, oei):
    return services.progress_report_draft(drafted_by=oei)


def test_the_progress_report_is_a_tagged_pdf_ua_1_document(report):
    found = structure(progress_report_pdf(report))
    assert found.root is not None and found.root.children  # a structure tree with content
    assert found.marked  # /MarkInfo << /Marked true >>
    assert found.lang == "en"
    assert found.display_doc_title
    assert found.title == report.title
    assert found.pdfua_part == "1"
    assert found.elements("H1") and found.elements("H2")


def test_every_chart_is_a_figure_with_alternative_text_and_its_data_table(report):
    data = progress_report_pdf(report)
    found = structure(data)
    charts = report_context(report)["charts"]
    assert len(charts) >= 3
    figures = found.elements("Figure")
    assert [figure.alt for figure in figures] == [chart.title for chart in charts]
    # In reading order, each chart's Figure is followed by a Table with a caption (its data)
    # before the next chart's Figure.
    order = [element for element in found.root.walk() if element.type in ("Figure", "Table")]
    for position, element in enumerate(order):
        if element.type == "Figure":
            following = order[position + 1] if position + 1 < len(order) else None
            assert following is not None and following.type == "Table", element.alt
            assert any(child.type == "Caption" for child in following.children), element.alt
    # and the tables hold the charts' figures: every chart's column headings and row labels
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages
    )
    for chart in charts:
        for column in chart.columns:
            assert str(column) in text, (chart.title, column)
        for row in chart.rows:
            assert str(row[0]) in text, (chart.title, row[0])
