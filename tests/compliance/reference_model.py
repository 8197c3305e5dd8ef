"""The compliance rules of docs/compliance-rules.md as a small pure-Python model.

No ORM, no SQL, nothing imported from the application: plain dataclasses and the calendar
arithmetic written out again, so that the stateful test (tests/compliance/test_rules_model.py)
can drive the real services with random sequences of events and compare what they say with
what the rules say, after every event.

One course (with editions), a few requirements using it, a pool of employees in a few
departments. Every event method mirrors one service; each returns whether the service is
expected to accept it (the test checks the real service refuses exactly when the model does).
Section numbers (§) refer to docs/compliance-rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# The statuses, spelled as ``lms.compliance.selectors.Status`` spells them (the test checks).
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
EXPIRED = "expired"
EXEMPT = "exempt"
UPDATE_DUE = "update_due"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, DUE_SOON, OVERDUE, EXPIRED, EXEMPT, UPDATE_DUE)
#: §1: the statuses that count as compliant.
COMPLIANT = (COMPLETED, EXEMPT, UPDATE_DUE)

#: §3: how close a deadline must be to be "due soon".
DUE_SOON_DAYS = 14
#: §9: the OEI figures' "expiring soon".
EXPIRING_DAYS = 30
#: §4: a completion that expires by its course's validity may be retaken this long before.
REFRESHER_WINDOW_DAYS = 30
#: §7: a revocation makes the training due again this many days later unless OEI says otherwise.
REVOCATION_DUE_DAYS = 30

CITY_TZ = ZoneInfo("America/Denver")


def add_months(moment: datetime, months: int) -> datetime:
    """Whole calendar months later (or earlier), on the same day or the month's last one."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def lapsed_if_completed_before(now: datetime, months: int) -> datetime:
    """§4: a completion made before this moment has lapsed under a cycle of ``months``."""
    return add_months(now, -months)


def window_open_if_completed_before(now: datetime, months: int, window_days: int) -> datetime:
    """§4: a completion made before this moment is in its recertification window (or lapsed):
    it will have lapsed ``window_days`` from now (days counted first, then months)."""
    return lapsed_if_completed_before(now + timedelta(days=window_days), months)


@dataclass
class Requirement:
    key: str
    #: None: everyone; else the department codes of the audience.
    departments: frozenset[str] | None
    due_days: int
    hire_basis: bool
    recertify_months: int | None
    window_days: int
    active_from: date
    is_active: bool = True
    #: Issue 19: a calendar deadline (None: only the relative rule).
    due_by: date | None = None

    def applies_to(self, employee: Employee) -> bool:
        return employee.is_active and (
            self.departments is None or employee.department in self.departments
        )


@dataclass
class Employee:
    number: str
    department: str
    hire_date: date
    is_active: bool = True


@dataclass
class Completion:
    key: int
    employee: str
    edition: int
    completed_at: datetime
    expires_at: datetime | None
    #: §7: when it was voided by the revocation of its certificate (None: it counts).
    revoked_at: datetime | None = None
    #: §7: the date OEI set for it to be done again, when it was voided.
    due_again_on: date | None = None
    #: Its certificates, issued then re-issued, oldest first: whether each is revoked. The
    #: last one is the completion's current certificate.
    certificates: list[bool] = field(default_factory=lambda: [False])


@dataclass
class Enrollment:
    employee: str
    edition: int
    cycle: int
    is_update: bool
    completion: Completion | None = None


@dataclass
class Exemption:
    key: int
    until: date | None
    granted_by_oei: bool
    ended_on: date | None = None

    def counts_on(self, today: date) -> bool:
        """§6: from the grant through ``until`` (inclusive), unless ended: not from its end."""
        if self.ended_on is not None and today >= self.ended_on:
            return False
        return self.until is None or self.until >= today


@dataclass
class Assignment:
    employee: str
    requirement: str
    assigned_on: date
    due_on: date
    is_active: bool = True
    #: §5: set when a new edition superseded a completion the employee held.
    update_due_on: date | None = None
    #: §8: the latest extension's new due date.
    extended_due_on: date | None = None
    exemptions: list[Exemption] = field(default_factory=list)


@dataclass
class Edition:
    number: int
    due_on: date | None  # None: the first edition


@dataclass
class Counts:
    """One row of the OEI figures (§9)."""

    assigned: int = 0
    completed: int = 0
    compliant: int = 0
    overdue: int = 0
    expiring: int = 0
    expired: int = 0
    exempt: int = 0
    updates_due: int = 0


class City:
    """The state of one course's compliance across a small city, and the rules over it."""

    def __init__(self, *, now: datetime, validity_months: int | None = None):
        self.now = now
        self.validity_months = validity_months
        self.editions = [Edition(number=1, due_on=None)]
        self.requirements: dict[str, Requirement] = {}
        self.employees: dict[str, Employee] = {}
        self.departments: dict[str, bool] = {}
        self.assignments: dict[tuple[str, str], Assignment] = {}
        self.completions: list[Completion] = []
        self.enrollments: list[Enrollment] = []
        self._keys = 0

    # --- the clock ---------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.now.astimezone(CITY_TZ).date()

    @property
    def edition(self) -> int:
        return self.editions[-1].number

    def _key(self) -> int:
        self._keys += 1
        return self._keys

    # --- §2 assignments: who has which requirement, and due when ------------------------------

    def due_date(self, requirement: Requirement, employee: Employee) -> date:
        """§2: assigned on or before a fixed date (``due_by``): due on it. Else new hires count
        from their hire date, everyone else from the assignment."""
        if requirement.due_by is not None and self.today <= requirement.due_by:
            return requirement.due_by
        from_assignment = self.today + timedelta(days=requirement.due_days)
        if requirement.hire_basis:
            from_hire = employee.hire_date + timedelta(days=requirement.due_days)
            if from_hire >= self.today:
                return from_hire
        return from_assignment

    def sync(self, *, requirements: list[str] | None = None, employees: list[str] | None = None):
        """§2/§10/§11: bring assignments in step with requirements and the roster."""
        for key in requirements or sorted(self.requirements):
            requirement = self.requirements[key]
            created = False
            people = employees if employees is not None else sorted(self.employees)
            for number in people:
                employee = self.employees[number]
                assignment = self.assignments.get((number, key))
                in_force = requirement.is_active and requirement.active_from <= self.today
                applies = in_force and requirement.applies_to(employee)
                applies = applies and self.departments[employee.department]
                if assignment is None:
                    if applies:
                        self.assignments[(number, key)] = Assignment(
                            employee=number,
                            requirement=key,
                            assigned_on=self.today,
                            due_on=self.due_date(requirement, employee),
                        )
                        created = True
                else:
                    assignment.is_active = applies
            if created:
                self._superseded_update_due(key)

    def _superseded_update_due(self, key: str) -> None:
        """§5: assignments made after an edition was published whose holder completed only an
        earlier one owe the update by the current edition's due date, as its holders then did."""
        due_on = self.editions[-1].due_on
        if due_on is None:
            return
        for assignment in self.assignments.values():
            if assignment.requirement != key or assignment.update_due_on is not None:
                continue
            completion = self.counting_completion(assignment.employee)
            if completion is not None and completion.edition < self.edition:
                assignment.update_due_on = due_on

    # --- §3/§4/§5 completions and what counts --------------------------------------------------

    def completions_of(self, number: str) -> list[Completion]:
        return [c for c in self.completions if c.employee == number]

    def counting_completion(self, number: str) -> Completion | None:
        """§1: the completion an assignment stands on: of the highest edition, then the latest,
        among those not revoked (§7)."""
        valid = [c for c in self.completions_of(number) if c.revoked_at is None]
        return max(valid, key=lambda c: (c.edition, c.completed_at), default=None)

    def cycles(self) -> list[tuple[int, int]]:
        """The recertification cycles of every requirement using the course (active or not)."""
        return [
            (r.recertify_months, r.window_days)
            for r in self.requirements.values()
            if r.recertify_months
        ]

    def refresher_open(self, completion: Completion) -> bool:
        """§4: may the course be taken again to recertify?"""
        if completion.expires_at and self.now >= completion.expires_at - timedelta(
            days=REFRESHER_WINDOW_DAYS
        ):
            return True
        for months, window in self.cycles():
            if self.now >= add_months(completion.completed_at, months) - timedelta(days=window):
                return True
        return False

    def current_enrollment(self, number: str) -> Enrollment | None:
        mine = [e for e in self.enrollments if e.employee == number and e.edition == self.edition]
        return max(mine, key=lambda e: e.cycle, default=None)

    def enrollment_start(self, number: str) -> Enrollment | None:
        """Start (or resume) the current edition; None when refused (a leaver)."""
        if not self.employees[number].is_active:
            return None
        latest = self.current_enrollment(number)
        if latest is None:
            cycle = 1
        elif latest.completion is not None and (
            latest.completion.revoked_at is not None or self.refresher_open(latest.completion)
        ):
            cycle = latest.cycle + 1
        else:
            return latest
        held_earlier = any(
            c.edition < self.edition and c.revoked_at is None for c in self.completions_of(number)
        )
        enrollment = Enrollment(
            employee=number,
            edition=self.edition,
            cycle=cycle,
            is_update=cycle == 1 and self.edition > 1 and held_earlier,
        )
        self.enrollments.append(enrollment)
        return enrollment

    def complete(self, number: str) -> bool:
        """Take the course to the end; whether a new completion is recorded."""
        enrollment = self.enrollment_start(number)
        if enrollment is None or enrollment.completion is not None:
            return False
        completion = Completion(
            key=self._key(),
            employee=number,
            edition=enrollment.edition,
            completed_at=self.now,
            expires_at=add_months(self.now, self.validity_months) if self.validity_months else None,
        )
        enrollment.completion = completion
        self.completions.append(completion)
        return True

    def fail(self, number: str) -> str:
        """Read the lessons and fail the quiz: "failed" when an attempt was made, "completed"
        when reading was enough (an update whose changed lessons have no questions), "refused"
        for a leaver or a cycle already completed."""
        enrollment = self.enrollment_start(number)
        if enrollment is None or enrollment.completion is not None:
            return "refused"
        if enrollment.is_update:
            self.complete(number)
            return "completed"
        return "failed"

    # --- §5 editions ---------------------------------------------------------------------------

    def edition_publish(self, grace_days: int) -> None:
        number = self.edition + 1
        due_on = self.today + timedelta(days=grace_days)
        self.editions.append(Edition(number=number, due_on=due_on))
        holders = {
            c.employee for c in self.completions if c.edition < number and c.revoked_at is None
        }
        for assignment in self.assignments.values():
            if assignment.employee in holders:
                assignment.update_due_on = due_on

    # --- §6 exemptions, §7 revocation, §8 extensions -------------------------------------------

    def exemption_grant(self, key: tuple[str, str], until: date | None, by_oei: bool):
        """Liaisons give an end date; only OEI grants a permanent exemption. None: refused."""
        if until is None and not by_oei:
            return None
        if until is not None and until < self.today:
            return None
        exemption = Exemption(key=self._key(), until=until, granted_by_oei=by_oei)
        self.assignments[key].exemptions.append(exemption)
        return exemption

    def exemption_end(self, exemption: Exemption, *, by_oei: bool) -> bool:
        """§6: OEI or the liaison who granted it ends it early, from today; not twice, and
        not once its own end date has passed."""
        if not by_oei and exemption.granted_by_oei:
            return False
        if exemption.ended_on is not None:
            return False
        if exemption.until is not None and exemption.until < self.today:
            return False
        exemption.ended_on = self.today
        return True

    def revoke(self, completion: Completion, position: int, new_due_on: date | None) -> bool:
        """§7: revoke one certificate of a completion. Revoking its current certificate voids
        the completion; revoking one a re-issue replaced voids nothing."""
        if completion.certificates[position]:
            return False
        due = new_due_on or self.today + timedelta(days=REVOCATION_DUE_DAYS)
        if due < self.today:
            return False
        completion.certificates[position] = True
        if position == len(completion.certificates) - 1:
            completion.revoked_at = self.now
            completion.due_again_on = due
        return True

    def reissue(self, completion: Completion) -> bool:
        """A new certificate for the same completion: nothing changes for compliance. A
        revoked certificate is not re-issued."""
        if completion.certificates[-1]:
            return False
        completion.certificates.append(False)
        return True

    def revoked_due_on(self, a: Assignment) -> date | None:
        """§7: the date set by the latest revocation of the employee's completions."""
        voided = [c for c in self.completions_of(a.employee) if c.revoked_at is not None]
        latest = max(voided, key=lambda c: c.revoked_at, default=None)
        return None if latest is None else latest.due_again_on

    def extension_grant(self, key: tuple[str, str], new_due_on: date) -> bool:
        """§8: an extension must be later than the current due date: the latest extension or
        the due date, or the date a revocation set (§7) when that is later."""
        assignment = self.assignments[key]
        current = assignment.extended_due_on or assignment.due_on
        revoked = self.revoked_due_on(assignment)
        if revoked is not None and revoked > current:
            current = revoked
        if new_due_on <= current:
            return False
        assignment.extended_due_on = new_due_on
        return True

    # --- the status of one assignment (§1, in the order the rules apply) -----------------------

    def effective_due_on(self, a: Assignment) -> date:
        """§8: the date that counts: the update's due date once a new edition superseded the
        completion, moved by a later extension; else the latest extension or the due date;
        and never before the date a revocation set (§7)."""
        due = a.extended_due_on or a.due_on
        if a.update_due_on is not None:
            if a.extended_due_on is not None and a.extended_due_on > a.update_due_on:
                due = a.extended_due_on
            else:
                due = a.update_due_on
        revoked = self.revoked_due_on(a)
        if revoked is not None and revoked > due:
            due = revoked
        return due

    def status(self, a: Assignment) -> str:
        today, now = self.today, self.now
        requirement = self.requirements[a.requirement]
        if any(e.counts_on(today) for e in a.exemptions):
            return EXEMPT
        completion = self.counting_completion(a.employee)
        due = self.effective_due_on(a)
        if completion is not None:
            # §4: a completion of any edition lapses with its validity or its cycle.
            if completion.expires_at is not None and completion.expires_at < now:
                return EXPIRED
            months = requirement.recertify_months
            if months and completion.completed_at < lapsed_if_completed_before(now, months):
                return EXPIRED
            if completion.edition >= self.edition:
                if months and completion.completed_at < window_open_if_completed_before(
                    now, months, requirement.window_days
                ):
                    return DUE_SOON
                return COMPLETED
            # §5: a superseded edition: compliant, with the update due, until it is due.
            if due >= today:
                return UPDATE_DUE
        if due < today:
            return OVERDUE
        if due <= today + timedelta(days=DUE_SOON_DAYS):
            return DUE_SOON
        if self.started(a.employee):
            return IN_PROGRESS
        return NOT_STARTED

    def started(self, number: str) -> bool:
        """An enrollment in the current edition, other than a cycle whose completion was
        voided (§7: the retake is a new one)."""
        return any(
            e.employee == number
            and e.edition == self.edition
            and (e.completion is None or e.completion.revoked_at is None)
            for e in self.enrollments
        )

    def statuses(self) -> dict[tuple[str, str], str]:
        """Every assignment's status, active or not."""
        return {key: self.status(a) for key, a in self.assignments.items()}

    # --- §9 what liaisons and OEI see -------------------------------------------------------------

    def counted(self, a: Assignment) -> bool:
        """Counted on dashboards and in figures: active, of an active employee and department."""
        employee = self.employees[a.employee]
        return a.is_active and employee.is_active and self.departments[employee.department]

    def liaison_counts(self, department: str) -> dict[str, dict[str, int]]:
        """The liaison dashboard: counts by requirement and status for one department."""
        counts: dict[str, dict[str, int]] = {}
        for a in self.assignments.values():
            employee = self.employees[a.employee]
            if a.is_active and employee.is_active and employee.department == department:
                by_status = counts.setdefault(a.requirement, {})
                status = self.status(a)
                by_status[status] = by_status.get(status, 0) + 1
        return counts

    def _completion_column(self, a: Assignment) -> str:
        """none / completed / expiring (within EXPIRING_DAYS), of the counted completion."""
        completion = self.counting_completion(a.employee)
        if completion is None or completion.edition < self.edition:
            return "none"
        now = self.now
        if completion.expires_at is not None and (
            now <= completion.expires_at < now + timedelta(days=EXPIRING_DAYS)
        ):
            return "expiring"
        months = self.requirements[a.requirement].recertify_months
        if months and (
            lapsed_if_completed_before(now, months)
            <= completion.completed_at
            < window_open_if_completed_before(now, months, EXPIRING_DAYS)
        ):
            return "expiring"
        return "completed"

    def figures(self) -> dict[str, Counts]:
        """OEI's figures by department code (and "*" for the city)."""
        rows: dict[str, Counts] = {"*": Counts()}
        for a in self.assignments.values():
            if not self.counted(a):
                continue
            department = self.employees[a.employee].department
            status, column = self.status(a), self._completion_column(a)
            for counts in (rows["*"], rows.setdefault(department, Counts())):
                counts.assigned += 1
                counts.compliant += status in COMPLIANT
                counts.overdue += status == OVERDUE
                counts.expired += status == EXPIRED
                counts.exempt += status == EXEMPT
                counts.updates_due += status == UPDATE_DUE
                if column != "none" and status != EXPIRED:
                    counts.completed += 1
                    counts.expiring += column == "expiring"
        return rows
