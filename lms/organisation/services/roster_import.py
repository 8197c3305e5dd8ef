"""Applying a checked HR roster: employees upserted by number, assignments brought in step."""

import dataclasses
import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.audit import audit_record
from lms.models import OrganisationSettings
from lms.organisation import roles, roster
from lms.organisation.events import SyncStats, employees_changed_send
from lms.organisation.models import Department, Employee
from lms.organisation.services import accounts
from lms.organisation.services.batches import chunks
from lms.organisation.services.employees import rosters_changed


@dataclass(frozen=True)
class RosterImportResult:
    """What :func:`roster_import_apply` changed, for the admin's message and the command."""

    created: int
    updated: int
    transferred: int
    deactivated: int
    reactivated: int
    unchanged: int
    #: How the import moved training assignments (answered by compliance).
    assignments: SyncStats

    def summary(self) -> str:
        return _(
            "%(created)d new, %(updated)d updated, %(transferred)d transferred, "
            "%(deactivated)d deactivated, %(reactivated)d reactivated, %(unchanged)d unchanged. "
            "Assignments: %(assigned)d created, %(restored)d reactivated, %(retired)d "
            "deactivated."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "transferred": self.transferred,
            "deactivated": self.deactivated,
            "reactivated": self.reactivated,
            "unchanged": self.unchanged,
            "assigned": self.assignments.created,
            "restored": self.assignments.reactivated,
            "retired": self.assignments.deactivated,
        }


class RosterImportRefused(Exception):
    """A roster plan with errors cannot be applied; nothing was changed."""


logger = logging.getLogger(__name__)

#: Employees per ``employees_changed`` event: keeps the ``IN (...)`` lists of compliance's
#: ``assignments_sync`` within every database's limit on query parameters however large the
#: roster.
ROSTER_SYNC_CHUNK = 5_000


@transaction.atomic
def roster_import_apply(
    *, plan: roster.RosterPlan, applied_by: AbstractBaseUser | None = None, invite: bool = False
) -> RosterImportResult:
    """Apply a checked roster: upsert employees by number, then bring assignments in step.

    New employees get a login that cannot sign in yet: they choose a password through the
    invitation emailed to them after the commit when ``invite`` is true (a django-q2 task), or
    through "Forgot your password?". Leavers are deactivated with their login, never deleted, so
    their training history stays, and their sessions end. Everything is written in bulk,
    hundreds of rows per statement, so rows are not ``full_clean()``-ed one by one: :mod:`roster`
    checked every value with the models' own validators, and the first new row of each kind is
    cleaned here as a tripwire for a model change.
    """
    if not plan.is_valid:
        raise RosterImportRefused(
            ngettext(
                "The roster has %(count)d error; nothing was applied.",
                "The roster has %(count)d errors; nothing was applied.",
                len(plan.errors),
            )
            % {"count": len(plan.errors)}
        )
    now = timezone.now()
    created, new_user_ids = _roster_employees_create(plan=plan, now=now)
    changed, leaver_user_ids = _roster_employees_update(plan=plan, now=now)
    _supervisors_write(plan)
    rosters_changed(department_ids=_departments_touched(plan), now=now)
    accounts.sessions_end(user_ids=leaver_user_ids)
    if invite:
        accounts.invitations_send_later(
            user_ids=new_user_ids, sent_by_id=applied_by.pk if applied_by is not None else None
        )
    assignments = SyncStats()
    ids = created + changed
    for chunk in chunks(ids, ROSTER_SYNC_CHUNK):
        assignments += employees_changed_send(employee_ids=chunk)
    result = RosterImportResult(
        created=len(created),
        updated=len(plan.updates),
        transferred=len(plan.transfers),
        deactivated=len(plan.deactivations),
        reactivated=len(plan.reactivations),
        unchanged=plan.unchanged,
        assignments=assignments,
    )
    audit_record(
        instance=OrganisationSettings.load(),
        action="lms.roster.import",
        user=applied_by,
        data=dataclasses.asdict(result),
    )
    logger.info(
        "Roster import applied by %s: %s",
        applied_by.get_username() if applied_by is not None else "-",
        result.summary(),
    )
    return result


def _departments_touched(plan: roster.RosterPlan) -> list[int]:
    """The departments whose active people the plan changes: joiners, leavers, returners, and
    both ends of a transfer. A name, email, title or date change touches none."""
    codes = {row.department_code for row in plan.creates if row.active}
    for change in plan.changes:
        known, row = change.employee, change.row
        moved = known.department_code != row.department_code
        if (moved and (known.active or row.active)) or known.active != row.active:
            codes.update((known.department_code, row.department_code))
    if not codes:
        return []
    return list(Department.objects.filter(code__in=codes).values_list("pk", flat=True))


def _roster_employees_create(*, plan: roster.RosterPlan, now) -> tuple[list[int], list[int]]:
    """Bulk-insert the new employees with their logins and Employee role; return their ids and
    the ids of their logins."""
    if not plan.creates:
        return [], []
    User = get_user_model()
    Membership = User.groups.through
    users = [
        User(
            username=row.employee_number.lower(),
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            # Unusable, as make_password(None) makes it, from a faster source of randomness.
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            is_active=row.active,
            date_joined=now,
        )
        for row in plan.creates
    ]
    users[0].full_clean(exclude=["password"])
    User.objects.bulk_create(users, batch_size=1000)
    people = [
        Employee(
            user_id=user.pk,
            employee_number=row.employee_number,
            department_id=plan.department_ids[row.department_code],
            job_title=row.job_title,
            hire_date=row.hire_date,
            is_active=row.active,
            origin=Employee.Origin.HR,
            **({"preferred_language": row.preferred_language} if row.preferred_language else {}),
        )
        for user, row in zip(users, plan.creates, strict=True)
    ]
    people[0].full_clean(validate_unique=False)
    Employee.objects.bulk_create(people, batch_size=1000)
    group = Group.objects.get(name=roles.EMPLOYEE)
    Membership.objects.bulk_create(
        [Membership(user_id=user.pk, group_id=group.pk) for user in users], batch_size=1000
    )
    return [person.pk for person in people], [user.pk for user in users if user.is_active]


def _roster_employees_update(*, plan: roster.RosterPlan, now) -> tuple[list[int], list[int]]:
    """Write what changed for existing employees and their logins; return the employees' ids
    and the ids of the logins it deactivated (leavers).

    Each field is written only for the rows where it changed, as most changes touch one field.
    """
    if not plan.changes:
        return [], []
    User = get_user_model()
    people: dict[str, dict[int, object]] = {}  # field -> {employee id: new value}
    users: dict[str, dict[int, object]] = {}  # field -> {user id: new value}
    for change in plan.changes:
        row, known = change.row, change.employee
        for field_change in change.changes:
            match field_change.field:
                case "first_name" | "last_name" | "email":
                    value = getattr(row, field_change.field)
                    users.setdefault(field_change.field, {})[known.user_id] = value
                case "department_code":
                    department = plan.department_ids[row.department_code]
                    people.setdefault("department_id", {})[known.pk] = department
                case "job_title" | "hire_date" | "preferred_language":
                    value = getattr(row, field_change.field)
                    people.setdefault(field_change.field, {})[known.pk] = value
                case "active":
                    people.setdefault("is_active", {})[known.pk] = row.active
                    users.setdefault("is_active", {})[known.user_id] = row.active
    for name, values in people.items():
        _column_write(Employee, name, values)
    for name, values in users.items():
        _column_write(User, name, values)
    ids = [change.employee.pk for change in plan.changes]
    for chunk in chunks(ids):
        Employee.objects.filter(pk__in=chunk).update(updated_at=now)  # bulk_update skips auto_now
    leavers = [pk for pk, active in users.get("is_active", {}).items() if not active]
    return ids, leavers


def _supervisors_write(plan: roster.RosterPlan) -> None:
    """Point the new and changed employees at the supervisors the file names (the plan has
    checked each exists and that no cycle forms); after the creates, as a new employee's
    supervisor may be new too."""
    wanted: dict[str, str] = {}  # employee number -> supervisor's number ("" for none)
    for row in plan.creates:
        if row.supervisor_employee_number:
            wanted[row.employee_number] = row.supervisor_employee_number
    for change in plan.changes:
        if any(c.field == "supervisor_employee_number" for c in change.changes):
            wanted[change.row.employee_number] = change.row.supervisor_employee_number or ""
    if not wanted:
        return
    numbers = sorted(set(wanted) | {number for number in wanted.values() if number})
    ids: dict[str, int] = {}
    for chunk in chunks(numbers):
        ids.update(
            Employee.objects.filter(employee_number__in=chunk).values_list("employee_number", "pk")
        )
    values = {ids[number]: ids.get(supervisor) for number, supervisor in wanted.items()}
    _column_write(Employee, "supervisor_id", values)


def _column_write(model, name: str, values: dict[int, object]) -> None:
    """Set one column to a value per primary key, in as few statements as suit the values.

    Values many rows share (a department, a status) take one ``UPDATE ... WHERE pk IN`` each;
    values nearly unique per row (names) one ``bulk_update``, whose ``CASE`` costs per row.
    """
    groups: dict[object, list[int]] = {}
    for pk, value in values.items():
        groups.setdefault(value, []).append(pk)
    if len(groups) * 4 <= len(values):
        for value, pks in groups.items():
            for chunk in chunks(pks):
                model.objects.filter(pk__in=chunk).update(**{name: value})
        return
    objects = []
    for pk, value in values.items():
        obj = model(pk=pk)
        setattr(obj, name, value)
        objects.append(obj)
    # Only the named column is written; the objects carry nothing else.
    model.objects.bulk_update(objects, [name], batch_size=500)
