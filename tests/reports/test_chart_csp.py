"""Charts on the dashboard obey the Content-Security-Policy: their <style> carries the nonce."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_dashboard_charts_styles_carry_the_response_nonce(city, oei_client):
    response = oei_client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce, response["Content-Security-Policy"]
    styles = re.findall(r"<style\b[^>]*>", page)
    assert styles, "the dashboard shows charts"
    assert all(f'nonce="{nonce[1]}"' in tag for tag in styles), styles
    assert not re.search(r"\sstyle=", page)  # no inline style attribute either (pygal's tooltip)
