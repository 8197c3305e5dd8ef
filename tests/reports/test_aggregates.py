"""Issue 21, item 3: the OEI dashboard's figures, its trend and the progress report draft read
aggregates kept current per department and requirement (lms/reports/aggregates.py,
docs/aggregates.md). They must always say what the live computation says.

The stateful test drives every kind of change through the real services, with the machine of
tests/compliance/test_rules_model.py (requirements, learning, certificates and revocations,
extensions, exemptions, the roster import, editions, the clock), lets the transaction's
``on_commit`` callbacks run as a commit would, and after every event compares the aggregates
with the live computation from ``with_status``. The clock also moves within a day, without the
daily schedule, so completions that lapse at an instant of the afternoon are checked too.
"""

import os
from datetime import datetime, time, timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from lms.reports import selectors, tasks
from lms.reports.selectors import ReportFilters
from tests.compliance import test_rules_model as rules
from tests.compliance.reference_model import CITY_TZ

pytestmark = pytest.mark.django_db


def live_cells(filters=None, *, now=None):
    """The counts by (department, requirement) computed live, as the dashboard did before."""
    now = now or timezone.now()
    cells = {}
    selectors.cells_add_rows(
        cells,
        selectors.figures_query(
            selectors.all_assignments(filters, today=timezone.localdate(now)), now=now
        ),
    )
    return cells


def live_weeks(filters=None):
    filters = filters or ReportFilters()
    weeks = selectors.trend_weeks(filters)
    return [
        (week.assigned, week.compliant)
        for week in selectors.weeks_from_rows(
            weeks,
            completion_rows=[],
            history_rows=selectors.history_query(selectors.all_assignments(filters)),
        )
    ]


def aggregated_weeks(filters=None):
    filters = filters or ReportFilters()
    weeks = selectors.aggregated_weeks(filters, weeks=selectors.trend_weeks(filters))
    assert weeks is not None, "the aggregates keep the default weeks"
    return weeks


class AggregateMachine(rules.ComplianceMachine):
    """The rules' machine, with the commits' callbacks run and the aggregates checked."""

    def __init__(self):
        super().__init__()
        self._capture = None
        self._capture_start()
        tasks.standing_refresh_daily()

    def _capture_start(self):
        self._capture = TestCase.captureOnCommitCallbacks(execute=True)
        self._capture.__enter__()

    def _commit(self):
        """Run what the services left for the commit (the aggregates' recomputation)."""
        self._capture.__exit__(None, None, None)
        self._capture_start()

    def teardown(self):
        self._capture.__exit__(None, None, None)
        super().teardown()

    def _move_to(self, day):
        super()._move_to(day)
        self._commit()
        # The daily schedule, just after midnight (here: when the day is reached).
        tasks.standing_refresh_daily()

    @initialize(
        audience=rules.AUDIENCES,
        recertify_months=rules.CYCLES,
        first_done=st.sampled_from(rules.STAFF),
    )
    def everyone_assigned(self, audience, recertify_months, first_done):
        """Every example starts with a requirement and a completion, so each event has
        assignments to move."""
        self.requirement_add(
            audience=audience,
            due_days=30,
            counted_from_hire=False,
            recertify_months=recertify_months,
            window_days=14,
            starts_in_days=0,
        )
        self.complete(first_done)

    @rule(hours=st.integers(min_value=1, max_value=11))
    def later_today(self, hours):
        """The clock moves within the day, without the daily schedule."""
        now = timezone.localtime()
        moment = min(
            now + timedelta(hours=hours),
            datetime.combine(now.date(), time(23, 59), tzinfo=CITY_TZ),
        )
        self._clock.move_to(moment)
        self.city.now = moment.astimezone(rules.UTC)

    @invariant()
    def agrees_with_the_rules(self):
        self._commit()
        super().agrees_with_the_rules()
        self._aggregates_agree()

    def _aggregates_agree(self):
        cells = selectors.cells_of_aggregates()
        assert cells is not None, "refreshed today: the aggregates answer"
        assert cells == live_cells()
        assert aggregated_weeks() == live_weeks()
        for department in self.departments.values():
            filters = ReportFilters(department=department)
            assert selectors.cells_of_aggregates(filters) == live_cells(filters)
            assert aggregated_weeks(filters) == live_weeks(filters)


BUDGET = settings(rules.BUDGET, max_examples=int(os.environ.get("AGGREGATES_EXAMPLES", 10)))


def test_aggregates_equal_the_live_computation_after_every_kind_of_change(training_index):
    """Random sequences of events leave the aggregates equal to the live computation."""
    AggregateMachine.world = rules.small_city(training_index)
    run_state_machine_as_test(AggregateMachine, settings=BUDGET)
