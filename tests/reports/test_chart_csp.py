"""Charts on the dashboard obey the Content-Security-Policy without a nonce (issue 20): their
styles come from the static stylesheet css/lms-charts.css, not from a <style> in each SVG."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_dashboard_charts_have_no_inline_style(city, oei_client):
    response = oei_client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="pygal-chart"') == 3
    assert re.findall(r"<style\b[^>]*>", page.split("</head>", 1)[1]) == []
    assert not re.search(r"\sstyle=", page)  # no inline style attribute either (pygal's tooltip)
    assert "/static/css/lms-charts.css" in page
