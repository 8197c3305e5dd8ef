"""The charts' styles live in a static stylesheet (issue 20), not in a <style> inside each SVG:
the pages link it, and the progress report's PDF writes it into each chart (WeasyPrint styles
an inline SVG only from inside it), so the charts look the same on the page and on paper."""

import io
import re

import pypdf
import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from lms.organisation.pdf import html_to_pdf
from lms.reports import charts, services
from lms.reports.pdf import STYLESHEET, TEMPLATE, progress_report_pdf
from lms.reports.presentation import report_context

pytestmark = pytest.mark.django_db

#: The bars' colour (USWDS blue-60v, #005ea2) as a PDF fill colour: "0 0.368627 0.635294 rg".
BAR_FILL = re.compile(rb"\b0 0\.3686\d* 0\.6352\d* rg\b")


def drawn(pdf: bytes) -> bytes:
    """Every content stream of the PDF: its pages' and the form XObjects they draw (WeasyPrint
    draws an SVG in one), nested ones included."""
    streams, seen = [], set()

    def visit(resources):
        for ref in (resources or {}).get("/XObject", {}).values():
            xobject = ref.get_object()
            if id(xobject) in seen or xobject.get("/Subtype") != "/Form":
                continue
            seen.add(id(xobject))
            streams.append(xobject.get_data())
            visit(xobject.get("/Resources"))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        streams.append(page.get_contents().get_data())
        visit(page.get("/Resources"))
    return b"\n".join(streams)


def chart():
    return charts.department_chart([("Parks", 40), ("Transit", 75)])


def test_a_chart_has_no_style_element_and_the_stylesheet_has_its_styles():
    svg = str(chart().svg)
    assert "<svg" in svg and 'class="pygal-chart"' in svg
    assert "<style" not in svg
    assert not re.search(r"\sstyle=", svg)
    found = finders.find("css/lms-charts.css")
    assert found, "static/css/lms-charts.css"
    with open(found, encoding="utf-8") as file:
        css = file.read()
    # the bar colour and the font of lms.reports.charts.STYLE, for pygal's SVG only
    assert "svg.pygal-chart .color-0, svg.pygal-chart .color-0 a:visited" in css
    assert "fill: #005ea2" in css
    assert f"font-family: {charts.STYLE.font_family}" in css
    assert "svg.pygal-chart .title {" in css
    assert all(
        rule.startswith("svg.pygal-chart") for rule in re.findall(r"^[^\s/*][^{]*", css, re.M)
    )


def test_the_pages_with_charts_link_the_stylesheet_and_no_inline_style(city, oei, oei_client):
    report = services.progress_report_draft(drafted_by=oei)
    for url in (reverse("reports:dashboard"), reverse("reports:report", args=[report.pk])):
        response = oei_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'class="pygal-chart"' in page, url
        assert re.search(r'<link rel="stylesheet" href="/static/css/lms-charts\.css">', page)
        assert "<style" not in page.split("</head>", 1)[1], url
        assert not re.search(r"\sstyle=", page), url


def test_the_pdf_charts_hold_the_stylesheet_and_are_drawn_in_its_colours():
    svg = str(chart().svg_for_pdf)
    assert svg.count("<style>svg.pygal-chart { font-family:") == 1
    # The chart as the progress report's PDF has it (its template, its renderer and stylesheet):
    # the bars are blue; without the charts' stylesheet SVG fills them black.
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
        + render_to_string("reports/includes/chart.html", {"chart": chart(), "pdf": True})
        + "</body></html>"
    )
    content = drawn(html_to_pdf(html, stylesheet_template=STYLESHEET))
    assert BAR_FILL.search(content), "no bar in the charts' blue"


def test_the_progress_report_pdf_has_the_stylesheet_in_each_chart(city, oei):
    report = services.progress_report_draft(drafted_by=oei)
    html = render_to_string(TEMPLATE, report_context(report))
    charts_in_pdf = re.findall(r"<svg\b[^>]*>(.*?)</svg>", html, re.S)
    assert len(charts_in_pdf) == 3
    assert all(svg.count("<style>svg.pygal-chart { font-family:") == 1 for svg in charts_in_pdf)
    # and the PDF is still rendered, with its charts drawn (three form XObjects at least)
    assert drawn(progress_report_pdf(report))
