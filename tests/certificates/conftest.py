import pytest
from django.core.cache import cache

from certificates.services import certificate_issue
from tests.factories import CompletionFactory, EmployeeFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The verification pages count requests per client in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue(course):
    """Issue a certificate for a new completion of ``course`` (by ``employee`` if given)."""

    def issue(employee=None, **completion):
        if employee is not None:
            completion["enrollment__employee"] = employee
        return certificate_issue(completion=CompletionFactory(course=course, **completion))

    return issue


@pytest.fixture
def certificate(issue, employee):
    return issue(employee)


@pytest.fixture
def other_employee(db):
    return EmployeeFactory()
