"""Suppression that holds: in the published Mayor's report and the public exports, no count
below the threshold can be worked out from what is shown (totals minus the visible cells,
percentage times total, compliant minus completed, changes since the previous report)."""

import csv
import io
from datetime import timedelta
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.services import assignments_sync, exemption_grant
from lms.reports import selectors, services
from lms.reports.presentation import report_context
from lms.reports.privacy import Publication, suppress
from tests.conftest import complete
from tests.factories import (
    CoursePageFactory,
    DepartmentFactory,
    EmployeeFactory,
    TrainingRequirementFactory,
)

pytestmark = pytest.mark.django_db

THRESHOLD = 5

#: code, name, people, completed, exempt, overdue (the rest are due later).
DEPARTMENTS = [
    ("POLICE", "Police", 40, 30, 2, 6),
    ("PARKS", "Parks and Recreation", 12, 6, 1, 3),
    ("CAO", "City Attorney's Office", 8, 3, 0, 4),
    ("COUNCIL", "City Council", 3, 1, 0, 2),
    ("TRANSIT", "Transit", 20, 15, 0, 3),
]
#: The second requirement applies to these departments only: code -> completed.
RECORDS = {"POLICE": 10, "CAO": 2}


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def hidden(value) -> bool:
    return isinstance(value, str) and (
        value.startswith("fewer than") or value in ("withheld", "—", "")
    )


def number(value):
    """A shown cell as an int (percent signs dropped), or None when it is withheld."""
    if value is None or hidden(value):
        return None
    return int(str(value).rstrip("%"))


# --- The analyst ----------------------------------------------------------------------------


class Analyst:
    """Works out what it can from shown values: sums with one unknown cell, every unknown that
    the sums pin down together (linear algebra), percentages with one of their counts known
    (rounded down, as published), changes from a known value."""

    def __init__(self):
        self.known: dict = {}
        self.sums: list[tuple] = []
        self.ratios: list[tuple] = []  # (percent, numerator key, denominator key)
        self.changes: list[tuple] = []  # (change, now key, before key)

    def see(self, key, value):
        if (shown := number(value)) is not None:
            self.known[key] = shown

    def work_out(self, largest: int) -> dict:
        progress = True
        while progress:
            progress = self._singles(largest)
            progress = self._eliminate() or progress
        return self.known

    def _eliminate(self) -> bool:
        """Every unknown the sums pin down together (Gaussian elimination over the rationals),
        beyond one equation at a time."""
        unknowns = sorted(
            {m for total, parts in self.sums for m in (total, *parts) if m not in self.known},
            key=repr,
        )
        index = {key: i for i, key in enumerate(unknowns)}
        rows = []
        for total, parts in self.sums:
            row = [Fraction(0)] * (len(unknowns) + 1)
            for member, sign in ((total, 1), *((part, -1) for part in parts)):
                if member in self.known:
                    row[-1] -= sign * self.known[member]
                else:
                    row[index[member]] += sign
            if any(row[:-1]):
                rows.append(row)
        pivot_row = 0
        pivots = []
        for column in range(len(unknowns)):
            found = next((r for r in range(pivot_row, len(rows)) if rows[r][column]), None)
            if found is None:
                continue
            rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
            lead = rows[pivot_row][column]
            rows[pivot_row] = [value / lead for value in rows[pivot_row]]
            for r in range(len(rows)):
                if r != pivot_row and rows[r][column]:
                    factor = rows[r][column]
                    rows[r] = [
                        a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)
                    ]
            pivots.append((pivot_row, column))
            pivot_row += 1
        learned = False
        for r, column in pivots:
            if not any(rows[r][c] for c in range(len(unknowns)) if c != column):
                self.known[unknowns[column]] = int(rows[r][-1])
                learned = True
        return learned

    def _singles(self, largest: int) -> bool:
        learned = False
        progress = True
        while progress:
            progress = False
            for total, parts in self.sums:
                members = [total, *parts]
                unknown = [m for m in members if m not in self.known]
                if len(unknown) != 1:
                    continue
                [missing] = unknown
                if missing == total:
                    self.known[total] = sum(self.known[p] for p in parts)
                else:
                    others = sum(self.known[p] for p in parts if p != missing)
                    self.known[missing] = self.known[total] - others
                progress = True
            for value, numerator, denominator in self.ratios:
                if value is None:
                    continue
                if denominator in self.known and numerator not in self.known:
                    whole = self.known[denominator]
                    fits = [c for c in range(whole + 1) if whole and c * 100 // whole == value]
                elif numerator in self.known and denominator not in self.known:
                    part = self.known[numerator]
                    fits = [a for a in range(max(part, 1), largest + 1) if part * 100 // a == value]
                    numerator = denominator
                else:
                    continue
                if len(fits) == 1:
                    self.known[numerator] = fits[0]
                    progress = True
            for change, now, before in self.changes:
                if change is None:
                    continue
                if before in self.known and now not in self.known:
                    self.known[now] = self.known[before] + change
                    progress = True
                elif now in self.known and before not in self.known:
                    self.known[before] = self.known[now] - change
                    progress = True
            learned = learned or progress
        return learned

    def recovered_small(self, truth: dict) -> dict:
        """Every count below the threshold the analyst got right (but was not shown)."""
        known = self.work_out(largest=max(truth.values(), default=0) + 1)
        return {
            key: value
            for key, value in known.items()
            if key in truth and truth[key] < THRESHOLD and value == truth[key]
        }


def signed(change: str):
    if not change or change == "—":
        return None
    return int(change.replace("−", "-").replace("+", ""))


# --- The city -------------------------------------------------------------------------------


@pytest.fixture
def small_city(course, training_index, oei):
    """Departments of 40, 20, 12, 8 and 3 people; 3 exempt citywide; a second requirement for
    Police and the City Attorney's Office only."""
    today = timezone.localdate()
    everyone = TrainingRequirementFactory(
        course=course, name="Everyone: federal agents", active_from=today - timedelta(days=90)
    )
    records_course = CoursePageFactory(parent=training_index, title="Public records")
    records = TrainingRequirementFactory(
        course=records_course,
        name="Records",
        active_from=today - timedelta(days=90),
        audience=TrainingRequirement.Audience.DEPARTMENTS,
    )
    people = {}
    for code, name, size, *_counts in DEPARTMENTS:
        department = DepartmentFactory(code=code, name=name)
        people[code] = [EmployeeFactory(department=department) for _ in range(size)]
        if code in RECORDS:
            records.departments.add(department)
    records.save()  # its departments are a parental many-to-many: saved with it
    assignments_sync()
    assert Assignment.objects.filter(requirement=records).count() == 48
    for code, _name, _size, completed, exempt, overdue in DEPARTMENTS:
        staff = people[code]
        for employee in staff[:completed]:
            complete(employee, course)
        for employee in staff[completed : completed + exempt]:
            exemption_grant(
                assignment=Assignment.objects.get(employee=employee, requirement=everyone),
                reason="On leave",
                until=today + timedelta(days=200),
                granted_by=oei,
            )
        late = staff[completed + exempt : completed + exempt + overdue]
        Assignment.objects.filter(employee__in=late, requirement=everyone).update(
            due_on=today - timedelta(days=5)
        )
        Assignment.objects.filter(
            employee__in=staff[completed + exempt + overdue :], requirement=everyone
        ).update(due_on=today + timedelta(days=60))
        for employee in staff[: RECORDS.get(code, 0)]:
            complete(employee, records_course)
        Assignment.objects.filter(
            employee__in=staff[RECORDS.get(code, 0) :], requirement=records
        ).update(due_on=today + timedelta(days=60))
    return {"people": people, "everyone": everyone, "records": records}


def published_report(oei):
    report = services.progress_report_draft(drafted_by=oei)
    return services.progress_report_publish(report=report, user=oei)


# --- Every published table ------------------------------------------------------------------


def test_nothing_small_can_be_worked_out_from_the_mayor_s_report(small_city, oei):
    first = published_report(oei)
    # A department completes more before the second report, so changes show.
    for employee in small_city["people"]["TRANSIT"][15:17]:
        complete(employee, small_city["everyone"].course)
    report = published_report(oei)
    assert report.previous == first
    analyst, truth = Analyst(), {}

    for name, published in (("before", first), ("now", report)):
        context = report_context(published)
        values = dict(published.figures.values_list("key", "value"))
        for line in context["figures"]:
            analyst.see((name, "figure", line.key), line.value)
            truth[(name, "figure", line.key)] = values[line.key]
            if name == "now":
                analyst.changes.append(
                    (
                        signed(line.change),
                        (name, "figure", line.key),
                        ("before", "figure", line.key),
                    )
                )
        # Compliant = completed + exempt + updates due (holders of a superseded edition).
        analyst.sums.append(
            (
                (name, "figure", "compliant"),
                (
                    (name, "figure", "completed"),
                    (name, "figure", "exempt"),
                    (name, "figure", "updates_due"),
                ),
            )
        )
        analyst.ratios.append(
            (
                context["percent_compliant"],
                (name, "figure", "compliant"),
                (name, "figure", "assigned"),
            )
        )
        columns = ("assigned", "compliant", "overdue", "expiring", "updates_due")
        for row in context["departments"]:
            key = (name, "department", row.department_code)
            for column, cell in zip(columns, row.cells, strict=True):
                analyst.see((*key, column), cell)
                truth[(*key, column)] = getattr(row, column)
            analyst.ratios.append(
                (number(row.shown_percent), (*key, "compliant"), (*key, "assigned"))
            )
            truth[(*key, "percent")] = row.percent_compliant
            analyst.see((*key, "percent"), row.shown_percent)
            if name == "now":
                analyst.changes.append(
                    (
                        signed(row.change),
                        (*key, "percent"),
                        ("before", "department", row.department_code, "percent"),
                    )
                )
        for column in columns:
            parts = tuple(
                (name, "department", row.department_code, column) for row in context["departments"]
            )
            analyst.sums.append(((name, "figure", column), parts))
        for row in context["requirements"]:
            key = (name, "requirement", row.requirement_name)
            analyst.see((*key, "assigned"), row.shown_assigned)
            analyst.see((*key, "overdue"), row.shown_overdue)
            analyst.see((*key, "updates_due"), row.shown_updates_due)
            truth.update(
                {
                    (*key, c): getattr(row, c)
                    for c in ("assigned", "compliant", "overdue", "updates_due")
                }
            )
            analyst.ratios.append(
                (number(row.shown_percent), (*key, "compliant"), (*key, "assigned"))
            )
        for column in ("assigned", "compliant", "overdue", "updates_due"):
            parts = tuple(
                (name, "requirement", row.requirement_name, column)
                for row in context["requirements"]
            )
            analyst.sums.append(((name, "figure", column), parts))

    # Percentages an analyst reads from the department chart and the trend chart too.
    percents_learned = {
        key: value for key, value in analyst.work_out(largest=200).items() if key[-1] == "percent"
    }
    for key, value in percents_learned.items():
        small = (
            truth[(*key[:-1], "compliant")] < THRESHOLD
            or truth[(*key[:-1], "assigned")] < THRESHOLD
        )
        assert not small or value is None, key
    assert analyst.recovered_small({k: v for k, v in truth.items() if k[-1] != "percent"}) == {}
    # Something is still published: the citywide totals and the large departments.
    now = {line.key: line.value for line in report_context(report)["figures"]}
    assert now["assigned"] == 131 and now["compliant"] == 72
    context = report_context(report)
    police = next(row for row in context["departments"] if row.department_code == "POLICE")
    assert police.cells[0] == 80
    for chart in context["charts"]:
        for label, value in chart.rows:
            assert not (label in ("City Council", "City Attorney's Office") and value != "—")


def export_table(client, table):
    rows = read_csv(client.get(reverse("reports:export", args=[table, "csv"]), {"privacy": "on"}))
    header, *data = rows
    return header, data


COUNT_HEADERS = (
    "Assigned",
    "Completed",
    "Compliant",
    "Updates due",
    "Overdue",
    "Expiring within 30 days",
)


@pytest.mark.parametrize("table", ["departments", "courses"])
def test_nothing_small_can_be_worked_out_from_the_public_count_exports(
    small_city, oei, oei_client, table
):
    figures = selectors.citywide_figures(user=oei)
    if table == "departments":
        truth_rows = {row.department.code: row.counts for row in figures.departments}
        name_column = 1
    else:
        truth_rows = {row.title: row.counts for row in figures.courses}
        name_column = 0
    header, data = export_table(oei_client, table)
    analyst, truth = Analyst(), {}
    attribute = dict(
        zip(
            COUNT_HEADERS,
            ("assigned", "completed", "compliant", "updates_due", "overdue", "expiring"),
            strict=True,
        )
    )
    for row in data:
        name = row[name_column]
        counts = truth_rows[name]
        for title, column in attribute.items():
            analyst.see((name, column), row[header.index(title)])
            truth[(name, column)] = getattr(counts, column)
        truth[(name, "exempt")] = counts.exempt
        analyst.sums.append(
            ((name, "compliant"), ((name, "completed"), (name, "exempt"), (name, "updates_due")))
        )
        analyst.ratios.append(
            (number(row[header.index("Compliant (%)")]), (name, "compliant"), (name, "assigned"))
        )
    # The citywide totals are published in the Mayor's report: the analyst reads them there.
    context = report_context(published_report(oei))
    shown = {line.key: line.value for line in context["figures"]}
    for column in (*attribute.values(), "exempt"):
        analyst.see(("total", column), shown[column])
        truth[("total", column)] = getattr(figures.total, column)
        analyst.sums.append((("total", column), tuple((row[name_column], column) for row in data)))
    requirement_rows = {row.requirement_name: row for row in context["requirements"]}
    if table == "departments":
        # Each requirement's percentage in a department, and the requirement totals.
        for requirement in figures.requirements:
            title = f"{requirement.name}: compliant (%)"
            rid = requirement.requirement_id
            cells = []
            for row in data:
                name = row[name_column]
                cell = next(
                    r for r in figures.departments if r.department.code == name
                ).by_requirement.get(rid)
                if cell is None:
                    continue
                key = (name, rid)
                truth[(*key, "assigned")], truth[(*key, "compliant")] = (
                    cell.assigned,
                    cell.compliant,
                )
                analyst.ratios.append(
                    (number(row[header.index(title)]), (*key, "compliant"), (*key, "assigned"))
                )
                cells.append(key)
            published = requirement_rows[requirement.name]
            analyst.see((rid, "assigned"), published.shown_assigned)
            if number(published.shown_percent) is not None:  # read as percentage × assigned
                analyst.known[(rid, "compliant")] = published.compliant
            for column in ("assigned", "compliant"):
                analyst.sums.append(((rid, column), tuple((*key, column) for key in cells)))
        for row in data:
            name = row[name_column]
            keys = [
                (name, r.requirement_id)
                for r in figures.requirements
                if (name, r.requirement_id, "assigned") in truth
            ]
            for column in ("assigned", "compliant"):
                analyst.sums.append(((name, column), tuple((*key, column) for key in keys)))

    assert analyst.recovered_small(truth) == {}, data
    assert any("fewer than 5" in cell for row in data for cell in row)


def test_nothing_small_can_be_worked_out_from_the_public_week_and_item_exports(
    small_city, oei, oei_client
):
    header, data = export_table(oei_client, "weeks")
    weeks = {week.start.isoformat(): week for week in selectors.citywide_trend(user=oei)}
    for row in data:
        week = weeks[row[0]]
        percent = number(row[header.index("Compliant (%)")])
        if week.compliant < THRESHOLD or week.assigned < THRESHOLD:
            assert percent is None, row
    header, data = export_table(oei_client, "items")
    assert header[3] == "Answered"  # (the city has no quiz answers: nothing to find there)


# --- The two defects of the issue -----------------------------------------------------------


def report_html(client, report) -> str:
    return client.get(reverse("reports:report", args=[report.pk])).content.decode()


def test_small_compliant_count_is_not_given_away_by_its_percentage(city, oei, oei_client):
    """City Attorney's Office: 8 assigned, fewer than 5 compliant, 37% gives 3."""
    parks = city["people"]["parks"]
    for employee in [EmployeeFactory(department=city["parks"]) for _ in range(2)]:
        parks.append(employee)
    assignments_sync()  # Parks: 8 assigned, 2 compliant
    complete(parks[2], city["course"])  # 3 compliant of 8: 37%
    report = published_report(oei)
    html = report_html(oei_client, report)
    row = html.split('<th scope="row">Parks and Recreation</th>')[1].split("</tr>")[0]
    # 8 assigned (withheld too: Transit's 2 assigned would be total minus Parks), 3 compliant
    assert "fewer than 5" in row.split("<td>")[2]
    assert "37%" not in row
    assert row.split("<td>")[3].startswith("—")


def test_exempt_count_is_not_given_away_by_compliant_minus_completed(city, oei, oei_client):
    """ "Compliant 66, completed 65" gives 1 exempt: one of the two is withheld."""
    people = [EmployeeFactory(department=city["transit"]) for _ in range(10)]
    assignments_sync()
    for employee in people:
        complete(employee, city["course"])
    exemption_grant(
        assignment=Assignment.objects.get(employee=city["people"]["parks"][4]),
        reason="On leave",
        until=timezone.localdate() + timedelta(days=90),
        granted_by=oei,
    )
    report = published_report(oei)
    values = dict(report.figures.values_list("key", "value"))
    assert (values["compliant"], values["completed"], values["exempt"]) == (14, 13, 1)
    html = report_html(oei_client, report)

    def shown(key):
        return html.split(f'data-figure="{key}">')[1].split("</td>")[0]

    assert "fewer than 5" in shown("exempt")
    compliant, completed = shown("compliant"), shown("completed")
    assert compliant == "14"
    assert completed != "13"  # 14 − 13 would give the one exempt person


# --- The rule itself ------------------------------------------------------------------------


def test_one_small_cell_in_a_column_takes_the_next_smallest_with_it():
    publication = Publication()
    for name, value in (("a", 3), ("b", 9), ("c", 7), ("d", 40)):
        publication.count(name, value)
    publication.column_total("column", ["a", "b", "c", "d"])
    hide = suppress(publication, 5)
    assert hide.hidden == {"a", "c"}
    assert (hide.count("a"), hide.count("c"), hide.count("b")) == ("fewer than 5", "withheld", 9)
    assert suppress(publication, 0).hidden == set()


def test_suppression_repeats_until_no_chain_of_sums_gives_a_small_count():
    """A 2×2 table with row and column totals: hiding one small cell needs four hidden."""
    publication = Publication()
    cells = {("r1", "c1"): 2, ("r1", "c2"): 20, ("r2", "c1"): 30, ("r2", "c2"): 40}
    for key, value in cells.items():
        publication.count(key, value)
    for row in ("r1", "r2"):
        publication.column_total(row, [(row, "c1"), (row, "c2")])
    for column in ("c1", "c2"):
        publication.column_total(column, [("r1", column), ("r2", column)])
    hide = suppress(publication, 5)
    assert hide.hidden == set(cells)


def test_the_analyst_solves_sums_that_pin_cells_down_together():
    """x + y = 5, y + z = 7, x + z = 6: no sum has one unknown, yet all three are known."""
    analyst = Analyst()
    analyst.known.update({"xy": 5, "yz": 7, "xz": 6})
    analyst.sums += [("xy", ("x", "y")), ("yz", ("y", "z")), ("xz", ("x", "z"))]
    assert analyst.recovered_small({"x": 2, "y": 3, "z": 4}) == {"x": 2, "y": 3, "z": 4}
    # Three cells and two totals: nothing is pinned down.
    analyst = Analyst()
    analyst.known.update({"xy": 5, "yz": 7})
    analyst.sums += [("xy", ("x", "y")), ("yz", ("y", "z"))]
    assert analyst.recovered_small({"x": 2, "y": 3, "z": 4}) == {}
