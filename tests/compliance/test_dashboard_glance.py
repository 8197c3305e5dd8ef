"""The liaison dashboard opens with four summary figures (issue 20), read from the same
roster summary as its table."""

import re

import pytest

from lms.compliance.selectors import DUE_SOON_DAYS
from tests.compliance.test_dashboard import dashboard_url, mix, today  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def box(content: str, name: str) -> str:
    found = re.search(rf'id="glance-{name}"[^>]*>(.*?)</li>', content, re.DOTALL)
    assert found is not None, name
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_dashboard_opens_with_the_summary_boxes(liaison_client, mix):  # noqa: F811
    response = liaison_client.get(dashboard_url())
    content = response.content.decode()
    # First thing under the heading: before the roster confirmation and the tables.
    assert content.index('id="glance-heading"') < content.index('id="confirmation-heading"')
    assert content.count("usa-summary-box lms-glance__box") == 4
    # Parks: 12 assignments (two requirements of six), 3 compliant, 4 overdue, 2 due soon.
    assert box(content, "compliant").startswith("25% compliant (3 of 12 assignments)")
    assert box(content, "overdue").startswith("4 overdue")
    assert box(content, "due-soon").startswith(f"2 due within {DUE_SOON_DAYS} days")
    assert box(content, "update-due").startswith("0 updates due")
    # Nothing of Transit's overdue person.
    totals = response.context["summary"].all
    assert (totals.total, totals.overdue) == (12, 4)
