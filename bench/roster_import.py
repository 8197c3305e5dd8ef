"""How long checking and applying a 10,000-row HR roster takes, against a bare parse and insert.

Run from the repository root: ``uv run python bench/roster_import.py``. It works on throwaway
SQLite files, never the development database. A synthetic city of 10,000 employees is
generated (seed 3) with two training requirements in force, then a roster is built that keeps
about half of those employees (most unchanged, some renamed, retitled, transferred or leaving)
and adds 5,000 new ones. The timed part is ``roster_validate`` + ``roster_import_apply``,
assignments included. The baseline, in the same run, is the floor for the same bytes: parsing
the CSV with the csv module and inserting its 10,000 rows as they are into one table of a copy
of the database with sqlite3's ``executemany``.

Then, in a second process with its own database (``--xlsx`` runs only that part), the
``roster_import_xlsx_10k`` benchmark (issue 19) runs the same roster written as an XLSX
workbook (hire dates as date cells, as HR systems export them) under the same budget; its
baseline reads the workbook with openpyxl in read-only mode instead of the csv module.
"""

import csv
import io
import random
import subprocess
import sys
from datetime import date, timedelta

import openpyxl
import xlsxwriter
from _common import (
    django_on_fresh_database,
    print_result,
    sqlite_connect,
    sqlite_copy,
    stopwatch,
)

EMPLOYEES = 10_000
SEED = 3
ROWS = 10_000
BUDGET_SECONDS = 10
COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "department_code",
    "job_title",
    "hire_date",
    "active",
)


def roster_build(*, rng: random.Random) -> tuple[bytes, dict[str, int]]:
    """The roster file, and how many rows of each kind it holds (as built, before planning)."""
    from lms.organisation.models import Department, Employee

    codes = sorted(Department.objects.values_list("code", flat=True))
    people = list(
        Employee.objects.order_by("employee_number").values_list(
            "employee_number",
            "user__first_name",
            "user__last_name",
            "user__email",
            "department__code",
            "job_title",
            "hire_date",
            "is_active",
        )
    )
    kept = rng.sample(people, ROWS // 2)
    kinds = {"unchanged": 0, "renamed": 0, "retitled": 0, "transfers": 0, "leavers": 0, "new": 0}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for number, first, last, email, code, title, hired, active in kept:
        draw = rng.random()
        if draw < 0.10:
            code = rng.choice([c for c in codes if c != code])
            kinds["transfers"] += 1
        elif draw < 0.15 and active:
            active = False
            kinds["leavers"] += 1
        elif draw < 0.25:
            title = f"Senior {title}"
            kinds["retitled"] += 1
        elif draw < 0.30:
            last = f"{last}-Ortiz"
            kinds["renamed"] += 1
        else:
            kinds["unchanged"] += 1
        writer.writerow(
            [number, first, last, email, code, title, hired.isoformat(), str(active).lower()]
        )
    today = date.today()
    for n in range(ROWS - len(kept)):
        number = f"HR-{n + 1:06d}"
        writer.writerow(
            [
                number,
                "Marisol",
                f"Baca {n}",
                f"{number.lower()}@cabq.example",
                rng.choice(codes),
                "Recreation Leader",
                (today - timedelta(days=rng.randrange(30 * 365))).isoformat(),
                "true",
            ]
        )
        kinds["new"] += 1
    return out.getvalue().encode("utf-8"), kinds


def requirements_create() -> None:
    """Two requirements in force (everyone, and two departments), assigned before the import."""
    from wagtail.models import Page

    from courses.models import CoursePage, TrainingIndexPage
    from lms.compliance.models import TrainingRequirement
    from lms.compliance.services import assignments_sync
    from lms.models import HomePage
    from lms.organisation.models import Department

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="City Training", slug="bench-home"))
    index = home.add_child(instance=TrainingIndexPage(title="Training"))
    course = index.add_child(
        instance=CoursePage(title="Encountering federal agents", summary="Benchmark course")
    )
    TrainingRequirement.objects.create(
        name="Everyone", course=course, due_days=30, active_from=date(2025, 7, 21)
    )
    some = TrainingRequirement.objects.create(
        name="Two departments",
        course=course,
        due_days=30,
        active_from=date(2025, 7, 21),
        audience=TrainingRequirement.Audience.DEPARTMENTS,
    )
    some.departments.set(Department.objects.order_by("code")[:2])
    some.save()
    assignments_sync()


def as_xlsx(content: bytes) -> bytes:
    """The CSV roster as a workbook: text cells, the hire date a date cell."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    buffer = io.BytesIO()
    # Shared strings, as Excel writes them (constant_memory would write slower inline strings).
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False})
    sheet = book.add_worksheet("Roster")
    dated = book.add_format({"num_format": "m/d/yyyy"})
    sheet.write_row(0, 0, rows[0])
    for index, row in enumerate(rows[1:], start=1):
        for column, value in enumerate(row):
            if column == 6:
                sheet.write_datetime(index, column, date.fromisoformat(value), dated)
            else:
                sheet.write_string(index, column, value)
    book.close()
    return buffer.getvalue()


def xlsx_rows(content: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)][1:]
    finally:
        book.close()


def baseline_parse_and_insert(database, content: bytes, *, xlsx: bool = False) -> None:
    """The floor: csv-module parse (or openpyxl's read-only parse) and one executemany of the
    bare rows, in one transaction."""
    if xlsx:
        rows = xlsx_rows(content)
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))[1:]
    connection = sqlite_connect(database)
    try:
        connection.execute(
            "CREATE TABLE roster_baseline (employee_number TEXT, first_name TEXT, "
            "last_name TEXT, email TEXT, department_code TEXT, job_title TEXT, hire_date TEXT, "
            "active TEXT)"
        )
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT INTO roster_baseline VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.execute("COMMIT")
    finally:
        connection.close()


def main(*, xlsx: bool = False) -> None:
    database = django_on_fresh_database()

    from django.core.management import call_command
    from django.db import connection

    from lms.compliance.models import Assignment
    from lms.organisation import roster
    from lms.organisation.models import Employee
    from lms.organisation.services import roster_import

    call_command("generate_city", employees=EMPLOYEES, seed=SEED, verbosity=0)
    requirements_create()
    content, kinds = roster_build(rng=random.Random(SEED))
    if xlsx:
        content = as_xlsx(content)
    print(
        f"roster: {ROWS:,} rows, {len(content) / 1024:.0f} KiB; "
        + ", ".join(f"{kind} {count:,}" for kind, count in kinds.items())
    )
    employees_before = Employee.objects.count()
    assignments_before = Assignment.objects.count()
    connection.close()  # the copy for the baseline sees the same committed database
    baseline_database = sqlite_copy(database, "baseline.sqlite3")

    with stopwatch() as validate:
        plan = roster.roster_validate(content=content)
    assert plan.is_valid, plan.errors[:5]
    with stopwatch() as apply:
        result = roster_import.roster_import_apply(plan=plan)
    feature = validate.seconds + apply.seconds
    print(f"plan: {plan.summary()}")
    print(f"applied: {result.summary()}")
    assert result.created == kinds["new"]
    assert Employee.objects.count() == employees_before + kinds["new"]
    assert Assignment.objects.count() > assignments_before

    # The same file again changes nothing.
    again = roster.roster_validate(content=content)
    assert (again.creates, again.changes) == ((), ()), again.summary()

    with stopwatch() as baseline:
        baseline_parse_and_insert(baseline_database, content, xlsx=xlsx)

    if xlsx:
        assert plan.source.format == roster.FORMAT_XLSX, plan.source
    print(
        f"roster import of {ROWS:,} rows ({'XLSX' if xlsx else 'CSV'}): {feature:.2f} s "
        f"(validate {validate.seconds:.2f} s, apply {apply.seconds:.2f} s)"
    )
    print(
        f"baseline, {'openpyxl read-only' if xlsx else 'csv module'} parse + sqlite3 "
        "executemany of the bare rows: "
        f"{baseline.seconds:.2f} s"
    )
    print(f"ratio: {feature / baseline.seconds:.2f}x")
    print_result(
        name="roster_import_xlsx_10k" if xlsx else "roster_import_10k",
        value=feature,
        unit="s",
        baseline=baseline.seconds,
        budget=BUDGET_SECONDS,
        budget_op="<=",
    )


if __name__ == "__main__":
    if "--xlsx" in sys.argv[1:]:
        main(xlsx=True)
    else:
        main()
        # The XLSX run needs its own fresh database, so its own process (bin/bench runs this
        # file without arguments and reads both RESULT lines).
        sys.stdout.flush()
        sys.exit(subprocess.run([sys.executable, __file__, "--xlsx"], check=False).returncode)
