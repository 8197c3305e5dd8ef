"""The compliance rules, proven against a reference model (issue 16, Deliver 2).

A Hypothesis ``RuleBasedStateMachine`` drives the real services (requirements saved as the
admin saves them, the learner's course and quiz services, editions, certificates, extensions,
exemptions, the HR roster import, the daily assignment sync) with random sequences of events
on a small city, and after every event compares with the pure-Python model of
docs/compliance-rules.md (tests/compliance/reference_model.py):

* the status of every assignment, active or not, from ``with_status``;
* the liaison dashboard's counts by requirement and status, for each department;
* OEI's figures, citywide and by department.

Each example runs in a savepoint rolled back at its end, with the clock frozen by time-machine
(every service reads it). The example budget is fixed and the search derandomized, so CI is
reproducible; a failure prints the shrunk sequence of events.
"""

import dataclasses
import os
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from certificates import services as certificate_services
from certificates.models import Certificate
from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Completion, CoursePage, LessonPage
from lms.compliance import services as compliance_services
from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import (
    Status,
    department_assignments,
    roster_summary,
    with_status,
)
from lms.errors import ApplicationError
from lms.organisation import roles, roster
from lms.organisation.models import Department, Employee
from lms.organisation.services import roster_import
from lms.reports.selectors.figures import citywide_figures
from tests.compliance import reference_model as model
from tests.factories import (
    CoursePageFactory,
    DepartmentFactory,
    EmployeeFactory,
    LessonPageFactory,
    LiaisonFactory,
    UserFactory,
    quiz_bank,
)

pytestmark = pytest.mark.django_db

DEPARTMENTS = ("PARKS", "TRANSIT", "LIBRARY")
#: The pool: four employees from the start, two more the roster import can hire.
STAFF = ("E1001", "E1002", "E1003", "E1004")
HIRES = ("E1005", "E1006")
PEOPLE = STAFF + HIRES
REQUIREMENTS = ("R1", "R2", "R3")
#: The first day of every example: a Monday, noon in the City's time zone.
START = datetime.combine(date(2027, 1, 4), time(12), tzinfo=model.CITY_TZ)
#: Each event takes a minute of the frozen clock, so no two records share a moment.
EVENT_TIME = timedelta(minutes=1)

AUDIENCES = st.sampled_from(
    [None, ("PARKS",), ("TRANSIT",), ("PARKS", "TRANSIT"), ("TRANSIT", "LIBRARY")]
)
CYCLES = st.sampled_from([None, 1, 3, 12])
#: Issue 19: a calendar deadline, in days from the model's today (None: relative rule only);
#: time moves on in the machine, so people are assigned before, on and after it.
FIXED_DATES = st.sampled_from([None, None, 0, 3, 20])

# The model spells the statuses as the application does.
assert {
    model.NOT_STARTED: Status.NOT_STARTED,
    model.IN_PROGRESS: Status.IN_PROGRESS,
    model.COMPLETED: Status.COMPLETED,
    model.DUE_SOON: Status.DUE_SOON,
    model.OVERDUE: Status.OVERDUE,
    model.EXPIRED: Status.EXPIRED,
    model.EXEMPT: Status.EXEMPT,
    model.UPDATE_DUE: Status.UPDATE_DUE,
} == {name: name for name in model.STATUSES}


def roster_line(values: dict) -> str:
    return ",".join(str(values[column]) for column in roster.COLUMNS)


class ComplianceMachine(RuleBasedStateMachine):
    """One small city; ``world`` holds what every example shares (course, departments, users)."""

    world: dict = {}
    #: Employees who completed the course (certificates to revoke or re-issue), and the
    #: assignments that were exempted (exemptions to end): the rules on them draw from these.
    completers = Bundle("completers")
    exempted = Bundle("exempted")

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._traveller = time_machine.travel(START, tick=False)
        self._clock = self._traveller.start()
        self.course = CoursePage.objects.get(pk=self.world["course"].pk)
        self.departments = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENTS)}
        self.liaison, self.oei, self.editor = (
            self.world["liaison"],
            self.world["oei"],
            self.world["editor"],
        )
        self.city = model.City(now=START.astimezone(UTC))
        self.city.departments = dict.fromkeys(DEPARTMENTS, True)
        self.requirements: dict[str, TrainingRequirement] = {}
        self.exemptions: dict[int, object] = {}  # model key -> Exemption record
        for number, code in zip(STAFF, ("PARKS", "PARKS", "TRANSIT", "LIBRARY"), strict=True):
            hired = date(2020, 1, 6)
            EmployeeFactory(
                employee_number=number,
                department=self.departments[code],
                hire_date=hired,
                user__username=number.lower(),
            )
            self.city.employees[number] = model.Employee(
                number=number, department=code, hire_date=hired
            )

    def teardown(self):
        self._traveller.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ----------------------------------------------------------------------------

    def _tick(self):
        self._clock.shift(EVENT_TIME)
        self.city.now += EVENT_TIME

    def _employee(self, number: str) -> Employee | None:
        return (
            Employee.objects.select_related("user", "department")
            .filter(employee_number=number)
            .first()
        )

    def _assignment(self, number: str, key: str) -> Assignment | None:
        if (number, key) not in self.city.assignments:
            return None
        return Assignment.objects.select_related("employee__user").get(
            employee__employee_number=number, requirement=self.requirements[key]
        )

    def _course(self) -> CoursePage:
        return CoursePage.objects.get(pk=self.course.pk)

    def _take(self, employee: Employee, *, passing: bool) -> str:
        """Take the course through the learner's services: "completed", "failed" or "refused"."""
        course = self._course()
        before = Completion.objects.filter(employee=employee).count()
        try:
            enrollment = course_services.enrollment_start(employee=employee, course=course)
            lessons = course_selectors.required_lessons(course=course, enrollment=enrollment)
            for lesson in LessonPage.objects.filter(pk__in=lessons.values("pk")).order_by("path"):
                course_services.lesson_complete(employee=employee, lesson=lesson)
            if not Completion.objects.filter(enrollment=enrollment).exists():
                attempt = course_services.quiz_attempt_start(employee=employee, course=course)
                answers = {}
                for question in attempt.questions:
                    right = question["correct"]
                    wrong = [c["id"] for c in question["choices"] if c["id"] not in right][:1]
                    answers[question["id"]] = right if passing else wrong
                course_services.quiz_attempt_submit(
                    employee=employee, attempt_key=attempt.public_id, answers=answers
                )
        except ApplicationError:
            return "refused"
        if Completion.objects.filter(employee=employee).count() > before:
            return "completed"
        if Completion.objects.filter(enrollment=enrollment).exists():
            return "refused"
        return "failed"

    # --- requirements (§2, §11) -------------------------------------------------------------

    @precondition(lambda self: len(self.requirements) < len(REQUIREMENTS))
    @rule(
        audience=AUDIENCES,
        due_days=st.sampled_from([7, 30, 60]),
        counted_from_hire=st.booleans(),
        recertify_months=CYCLES,
        window_days=st.sampled_from([14, 30]),
        starts_in_days=st.sampled_from([0, 0, 5]),
        fixed_in_days=FIXED_DATES,
    )
    def requirement_add(
        self,
        audience,
        due_days,
        counted_from_hire,
        recertify_months,
        window_days,
        starts_in_days,
        fixed_in_days,
    ):
        key = REQUIREMENTS[len(self.requirements)]
        active_from = self.city.today + timedelta(days=starts_in_days)
        due_by = None if fixed_in_days is None else self.city.today + timedelta(days=fixed_in_days)
        requirement = TrainingRequirement.objects.create(
            name=key,
            course=self._course(),
            audience=(
                TrainingRequirement.Audience.ALL
                if audience is None
                else TrainingRequirement.Audience.DEPARTMENTS
            ),
            due_days=due_days,
            due_basis=(
                TrainingRequirement.DueBasis.HIRE_DATE
                if counted_from_hire
                else TrainingRequirement.DueBasis.ASSIGNMENT
            ),
            recertify_months=recertify_months,
            window_days=window_days,
            active_from=active_from,
            due_by=due_by,
        )
        if audience is not None:
            # A ParentalManyToManyField: written by the next save, as the admin form does.
            requirement.departments.set([self.departments[code] for code in audience])
            requirement.save()
        # As the admin does on saving a requirement (lms.compliance.wagtail_hooks).
        compliance_services.assignments_sync(requirements=[requirement])
        self.requirements[key] = requirement
        self.city.requirements[key] = model.Requirement(
            key=key,
            departments=None if audience is None else frozenset(audience),
            due_days=due_days,
            hire_basis=counted_from_hire,
            recertify_months=recertify_months,
            window_days=window_days,
            active_from=active_from,
            due_by=due_by,
        )
        self.city.sync(requirements=[key])
        self._tick()

    @rule(
        requirement=st.sampled_from(REQUIREMENTS),
        change=st.one_of(
            st.tuples(st.just("audience"), AUDIENCES),
            st.tuples(st.just("recertify_months"), CYCLES),
            st.tuples(st.just("is_active"), st.booleans()),
            st.tuples(st.just("due_days"), st.sampled_from([7, 30, 60])),
            st.tuples(st.just("due_by"), FIXED_DATES),
        ),
    )
    def requirement_edit(self, requirement, change):
        if requirement not in self.requirements:
            return
        # Read afresh, as the admin's edit view does (its course's edition may have moved).
        record = TrainingRequirement.objects.get(pk=self.requirements[requirement].pk)
        rules = self.city.requirements[requirement]
        name, value = change
        if name == "audience":
            record.audience = (
                TrainingRequirement.Audience.ALL
                if value is None
                else TrainingRequirement.Audience.DEPARTMENTS
            )
            record.departments.set(
                [] if value is None else [self.departments[code] for code in value]
            )
            record.save()
            rules.departments = None if value is None else frozenset(value)
        else:
            if name == "due_by" and value is not None:
                value = self.city.today + timedelta(days=value)  # a calendar deadline
            setattr(record, name, value)
            record.save()
            setattr(rules, name, value)
        compliance_services.assignments_sync(requirements=[record])
        self.city.sync(requirements=[requirement])
        self._tick()

    # --- learning (§3, §4) ------------------------------------------------------------------

    @rule(employee=st.sampled_from(PEOPLE))
    def start(self, employee):
        record = self._employee(employee)
        if record is None:
            return
        try:
            course_services.enrollment_start(employee=record, course=self._course())
            started = True
        except ApplicationError:
            started = False
        assert started == (self.city.enrollment_start(employee) is not None)
        self._tick()

    @rule(target=completers, employee=st.sampled_from(PEOPLE))
    def complete(self, employee):
        record = self._employee(employee)
        if record is None:
            return multiple()
        outcome = self._take(record, passing=True)
        expected = self.city.complete(employee)
        assert outcome == ("completed" if expected else "refused"), outcome
        self._tick()
        return employee if expected else multiple()

    @rule(target=completers, employee=st.sampled_from(PEOPLE))
    def fail_quiz(self, employee):
        record = self._employee(employee)
        if record is None:
            return multiple()
        outcome = self._take(record, passing=False)
        assert outcome == self.city.fail(employee), outcome
        self._tick()
        # An update without questions completes on reading its lessons.
        return employee if outcome == "completed" else multiple()

    def _certificates(self, employee: str):
        """The employee's latest completion in the model and the chain of certificates of the
        same completion in the database (issued, then re-issued), oldest first."""
        mine = self.city.completions_of(employee)
        if not mine:
            return None, []
        records = list(Completion.objects.filter(employee__employee_number=employee).order_by("pk"))
        assert len(records) == len(mine)
        chain = list(Certificate.objects.filter(completion=records[-1]).order_by("pk"))
        assert len(chain) == len(mine[-1].certificates)
        return mine[-1], chain

    @rule(employee=completers)
    def certificate_reissue(self, employee):
        completion, chain = self._certificates(employee)
        if completion is None:
            return
        try:
            certificate_services.certificate_reissue(
                certificate=chain[-1], user=self.oei, reason="Name changed"
            )
            reissued = True
        except ApplicationError:
            reissued = False
        assert reissued == self.city.reissue(completion)
        self._tick()

    @rule(
        employee=completers,
        which=st.sampled_from(["current", "replaced"]),
        due_in_days=st.sampled_from([None, 0, 10, 60]),
    )
    def certificate_revoke(self, employee, which, due_in_days):
        completion, chain = self._certificates(employee)
        if completion is None or (which == "replaced" and len(chain) < 2):
            return
        position = len(chain) - 1 if which == "current" else len(chain) - 2
        new_due_on = None if due_in_days is None else self.city.today + timedelta(days=due_in_days)
        try:
            certificate_services.certificate_revoke(
                certificate=chain[position],
                user=self.oei,
                reason="Issued in error",
                new_due_on=new_due_on,
            )
            revoked = True
        except ApplicationError:
            revoked = False
        assert revoked == self.city.revoke(completion, position, new_due_on)
        self._tick()

    # --- decisions on one assignment (§6, §8) -------------------------------------------------

    @rule(
        employee=st.sampled_from(PEOPLE),
        requirement=st.sampled_from(REQUIREMENTS),
        days=st.integers(min_value=1, max_value=60),
    )
    def extend(self, employee, requirement, days):
        assignment = self._assignment(employee, requirement)
        if assignment is None:
            return
        new_due_on = (assignment.extended_due_on or assignment.due_on) + timedelta(days=days)
        try:
            compliance_services.extension_grant(
                assignment=assignment,
                new_due_on=new_due_on,
                reason="Out on leave",
                granted_by=self.liaison,
            )
            granted = True
        except ApplicationError:
            granted = False
        assert granted == self.city.extension_grant((employee, requirement), new_due_on)
        self._tick()

    @rule(
        target=exempted,
        employee=st.sampled_from(PEOPLE),
        requirement=st.sampled_from(REQUIREMENTS),
        by=st.sampled_from(["liaison", "oei"]),
        lasts_days=st.one_of(st.none(), st.integers(min_value=0, max_value=90)),
    )
    def exempt(self, employee, requirement, by, lasts_days):
        assignment = self._assignment(employee, requirement)
        if assignment is None:
            return multiple()
        until = None if lasts_days is None else self.city.today + timedelta(days=lasts_days)
        granted_by = self.liaison if by == "liaison" else self.oei
        try:
            record = compliance_services.exemption_grant(
                assignment=assignment, reason="Medical leave", until=until, granted_by=granted_by
            )
        except ApplicationError:
            record = None
        expected = self.city.exemption_grant((employee, requirement), until, by_oei=by == "oei")
        assert (record is None) == (expected is None)
        self._tick()
        if expected is None:
            return multiple()
        self.exemptions[expected.key] = record
        return (employee, requirement)

    @rule(assignment=exempted, by=st.sampled_from(["liaison", "oei"]))
    def exemption_end(self, assignment, by):
        """End the assignment's latest exemption early."""
        assignment = self.city.assignments[assignment]
        exemption = assignment.exemptions[-1]
        try:
            compliance_services.exemption_end(
                exemption=self.exemptions[exemption.key],
                ended_by=self.liaison if by == "liaison" else self.oei,
                reason="Back at work",
            )
            ended = True
        except ApplicationError:
            ended = False
        assert ended == self.city.exemption_end(exemption, by_oei=by == "oei")
        self._tick()

    # --- the roster (§10) -------------------------------------------------------------------

    @rule(
        changes=st.lists(
            st.one_of(
                st.tuples(st.just("leaves"), st.sampled_from(PEOPLE)),
                st.tuples(st.just("rehired"), st.sampled_from(PEOPLE)),
                st.tuples(
                    st.just("transfers"), st.sampled_from(PEOPLE), st.sampled_from(DEPARTMENTS)
                ),
                st.tuples(st.just("hired"), st.sampled_from(DEPARTMENTS), st.integers(0, 60)),
            ),
            min_size=1,
            max_size=3,
        )
    )
    def roster_import(self, changes):
        rows: dict[str, dict] = {}
        for change in changes:
            if change[0] == "hired":
                number = next((n for n in HIRES if n not in self.city.employees), None)
                if number is None or number in rows:
                    continue
                rows[number] = {
                    "employee_number": number,
                    "first_name": "New",
                    "last_name": "Hire",
                    "email": f"{number.lower()}@cabq.example",
                    "department_code": change[1],
                    "job_title": "Recreation Leader",
                    "hire_date": (self.city.today - timedelta(days=change[2])).isoformat(),
                    "active": "true",
                }
                continue
            number = change[1]
            if number not in self.city.employees or number in rows:
                continue
            record = self._employee(number)
            row = {
                "employee_number": number,
                "first_name": record.user.first_name,
                "last_name": record.user.last_name,
                "email": record.user.email,
                "department_code": record.department.code,
                "job_title": record.job_title,
                "hire_date": record.hire_date.isoformat(),
                "active": "true" if record.is_active else "false",
            }
            if change[0] == "leaves":
                row["active"] = "false"
            elif change[0] == "rehired":
                row["active"] = "true"
            else:
                row["department_code"] = change[2]
            rows[number] = row
        if not rows:
            return
        content = "\n".join([",".join(roster.COLUMNS), *map(roster_line, rows.values())]) + "\n"
        plan = roster.roster_validate(content=content.encode())
        assert plan.is_valid, plan.errors
        roster_import.roster_import_apply(plan=plan, applied_by=self.oei)
        changed = []
        for number, row in rows.items():
            employee = self.city.employees.get(number)
            active = row["active"] == "true"
            if employee is None:
                self.city.employees[number] = model.Employee(
                    number=number,
                    department=row["department_code"],
                    hire_date=date.fromisoformat(row["hire_date"]),
                )
                changed.append(number)
            elif (employee.department, employee.is_active) != (row["department_code"], active):
                employee.department, employee.is_active = row["department_code"], active
                changed.append(number)
        self.city.sync(employees=changed)
        self._tick()

    # --- editions (§5) ----------------------------------------------------------------------

    @rule(grace_days=st.sampled_from([1, 21, 45]))
    def new_edition(self, grace_days):
        course = self._course()
        lesson = LessonPage.objects.child_of(course).order_by("path").first()
        course_services.course_edition_prepare(
            course=course,
            summary="Section 7 memo updated.",
            changed_lessons=[lesson],
            grace_days=grace_days,
            user=self.editor,
        )
        course_services.course_edition_publish(course=self._course(), user=self.editor)
        self.city.edition_publish(grace_days)
        self._tick()

    @rule(months=st.sampled_from([None, 1, 6, 12]))
    def course_validity_edit(self, months):
        """The course's "valid for (months)", as publishing the edited page writes it: it
        applies to completions made from then on (each records its own expiry)."""
        CoursePage.objects.filter(pk=self.course.pk).update(validity_months=months)
        self.city.validity_months = months
        self._tick()

    # --- the clock --------------------------------------------------------------------------

    def _move_to(self, day: date):
        moment = datetime.combine(day, time(12), tzinfo=model.CITY_TZ)
        self._clock.move_to(moment)
        self.city.now = moment.astimezone(UTC)
        # The daily task: requirements whose day has come take effect.
        compliance_services.assignments_sync()
        self.city.sync()

    @rule(days=st.integers(min_value=1, max_value=45))
    def advance_days(self, days):
        self._move_to(self.city.today + timedelta(days=days))

    @rule(months=st.integers(min_value=1, max_value=13))
    def advance_months(self, months):
        self._move_to(model.add_months(datetime.combine(self.city.today, time(12)), months).date())

    # --- after every event: what the app says is what the rules say ---------------------------

    @invariant()
    def agrees_with_the_rules(self):
        self._statuses_agree()
        self._liaison_dashboard_agrees()
        self._oei_figures_agree()

    def _statuses_agree(self):
        cycles = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
        real = {
            (number, name): (status, active, due_on)
            for number, name, status, active, due_on in with_status(
                Assignment.objects.all(), requirements=cycles
            ).values_list(
                "employee__employee_number", "requirement__name", "status", "is_active", "due_on"
            )
        }
        expected = {
            key: (self.city.status(a), a.is_active, a.due_on)
            for key, a in self.city.assignments.items()
        }
        assert real == expected

    def _liaison_dashboard_agrees(self):
        for code, department in self.departments.items():
            summary = roster_summary(
                department_assignments(user=self.liaison, department=department)
            )
            real = {row.name: dict(row.counts) for row in summary.requirements if row.total}
            assert real == self.city.liaison_counts(code), code

    def _oei_figures_agree(self):
        figures = citywide_figures(user=self.oei)
        # The model's columns the application has (w-update-due adds "updates_due").
        names = [f.name for f in dataclasses.fields(model.Counts) if hasattr(figures.total, f.name)]

        def counts(real) -> dict:
            return {name: getattr(real, name) for name in names}

        expected = self.city.figures()
        assert counts(figures.total) == counts(expected["*"])
        real = {row.department.code: counts(row.counts) for row in figures.departments}
        assert real == {
            code: counts(row) for code, row in expected.items() if code != "*" and row.assigned
        }


#: The fixed example budget: about a minute per database on the CI machine.
BUDGET = settings(
    max_examples=int(os.environ.get("RULES_MODEL_EXAMPLES", 15)),
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_compliance_follows_the_rules(training_index):
    """Random sequences of life events leave every status, dashboard and figure as the rules
    of docs/compliance-rules.md say."""
    ComplianceMachine.world = small_city(training_index)
    run_state_machine_as_test(ComplianceMachine, settings=BUDGET)


def small_city(training_index) -> dict:
    """What every example shares: the course, the departments, the liaison, OEI, an editor
    (tests/reports/test_aggregates.py runs its machine on the same)."""
    roles.roles_sync()
    course = CoursePageFactory(
        parent=training_index,
        title="Encountering federal immigration agents",
        quiz=quiz_bank(2),
        quiz_shuffle_choices=False,
    )
    for title in ("Know the guidance", "Report activity"):
        LessonPageFactory(parent=course, title=title)
    parks, transit, library = (DepartmentFactory(code=code, name=code) for code in DEPARTMENTS)
    liaison = LiaisonFactory(department=parks, user__username="liaison").user
    for department in (transit, library):
        LiaisonFactory(department=department, user=liaison)
    return {
        "course": course,
        "liaison": liaison,
        "oei": UserFactory(username="oei", roles=[roles.EMPLOYEE, roles.OEI_ADMIN]),
        "editor": UserFactory(username="editor", is_superuser=True, is_staff=True),
    }
