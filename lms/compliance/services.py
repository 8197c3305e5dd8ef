"""Writes for compliance: keeping assignments in step with requirements and the roster,
extensions, exemptions, roster confirmations and reminder requests."""

import functools
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from courses.models import Completion, CompletionRevocation, CourseEdition
from lms.audit import audit_record
from lms.compliance.events import standing_changed_send
from lms.compliance.models import (
    Assignment,
    DueRule,
    Exemption,
    Extension,
    ReminderRequest,
    RosterConfirmation,
    TrainingRequirement,
)
from lms.compliance.selectors import can_end_exemption
from lms.errors import ApplicationError
from lms.organisation import dates
from lms.organisation.events import SyncStats
from lms.organisation.models import Department, Employee
from lms.organisation.selectors import can_see_citywide


def audience_for(requirement: TrainingRequirement) -> QuerySet[Employee]:
    """The active employees a requirement applies to, as one query."""
    employees = Employee.objects.filter(is_active=True, department__is_active=True)
    match requirement.audience:
        case TrainingRequirement.Audience.DEPARTMENTS:
            return employees.filter(department__in=requirement.departments.all())
        case TrainingRequirement.Audience.JOB_TITLES:
            return employees.filter(job_title__in=requirement.job_title_list)
        case TrainingRequirement.Audience.LIAISONS:
            return employees.filter(user__liaison_roles__isnull=False).distinct()
    return employees


class DueDate(NamedTuple):
    """A new assignment's due date and the rule that set it (``DueRule``, and its days)."""

    on: date
    rule: str
    days: int | None


def due_date_rule(
    *, requirement: TrainingRequirement, hire_date: date, assigned_on: date
) -> DueDate:
    """The one home of the due-date rule (docs/compliance-rules.md §2).

    A requirement with a fixed date (``due_by``): everyone assigned on or before it is due on
    that date. Otherwise, and for people assigned after it, the relative rule: new hires count
    from their hire date (when the requirement says so and it is not already past), everyone
    else from the day it was assigned.
    """
    if requirement.due_by is not None and assigned_on <= requirement.due_by:
        return DueDate(requirement.due_by, DueRule.FIXED_DATE, None)
    days = requirement.due_days
    if requirement.due_basis == TrainingRequirement.DueBasis.HIRE_DATE:
        from_hire = hire_date + timedelta(days=days)
        if from_hire >= assigned_on:
            return DueDate(from_hire, DueRule.HIRE_DATE, days)
    return DueDate(assigned_on + timedelta(days=days), DueRule.ASSIGNMENT, days)


def due_date(*, requirement: TrainingRequirement, hire_date: date, assigned_on: date) -> date:
    """The due date of :func:`due_date_rule`, alone."""
    return due_date_rule(requirement=requirement, hire_date=hire_date, assigned_on=assigned_on).on


def _assignment_new(
    *, requirement: TrainingRequirement, employee_id: int, hired: date, today: date
) -> Assignment:
    due = due_date_rule(requirement=requirement, hire_date=hired, assigned_on=today)
    return Assignment(
        employee_id=employee_id,
        requirement=requirement,
        assigned_on=today,
        due_on=due.on,
        due_rule=due.rule,
        due_rule_days=due.days,
    )


@transaction.atomic
def assignments_sync(
    *,
    requirements: Iterable[TrainingRequirement] | None = None,
    employee_ids: Iterable[int] | None = None,
    today: date | None = None,
) -> SyncStats:
    """Bring assignments in line with requirements and the roster, with set-based queries.

    Creates the missing ones, reactivates those whose employee is back in the audience and
    deactivates (never deletes) those of leavers and of people no longer in the audience.
    ``employee_ids`` narrows the work to people whose record just changed (a roster import).
    """
    today = today or timezone.localdate()
    if requirements is None:
        requirements = TrainingRequirement.objects.all()
    requirements = list(requirements)
    ids = None if employee_ids is None else list(employee_ids)
    total = SyncStats()
    for requirement in requirements:
        assignments = Assignment.objects.filter(requirement=requirement)
        if ids is not None:
            assignments = assignments.filter(employee_id__in=ids)
        if not requirement.is_active or requirement.active_from > today:
            deactivated = assignments.filter(is_active=True).update(is_active=False)
            total += SyncStats(deactivated=deactivated)
            continue
        audience = audience_for(requirement)
        if ids is not None:
            audience = audience.filter(pk__in=ids)
        deactivated = (
            assignments.filter(is_active=True)
            .exclude(employee__in=audience.values("pk"))
            .update(is_active=False)
        )
        reactivated = assignments.filter(
            is_active=False, employee__in=audience.values("pk")
        ).update(is_active=True)
        missing = audience.exclude(assignments__requirement=requirement).values_list(
            "pk", "hire_date"
        )
        created = Assignment.objects.bulk_create(
            [
                _assignment_new(requirement=requirement, employee_id=pk, hired=hired, today=today)
                for pk, hired in missing.iterator(chunk_size=5000)
            ],
            batch_size=2000,
        )
        if created:
            # Someone newly in the audience may have completed the course already.
            _completion_facts_replay(
                Assignment.objects.filter(
                    requirement=requirement, latest_completion_edition__isnull=True
                )
            )
            _superseded_update_due(requirement)
        total += SyncStats(len(created), reactivated, deactivated)
    # A transfer's former department is not known here: every department of the requirements.
    standing_changed_send(
        requirement_ids=[requirement.pk for requirement in requirements], audience_changed=True
    )
    return total


# --- The facts an assignment's status is computed from -------------------------------------------


def assignment_completion_record(*, completion: Completion) -> int:
    """Copy a new completion onto the assignments it counts for, in one UPDATE of constants;
    called in the transaction that records the completion (``courses.services``).

    The latest facts change only where it is the latest (highest edition, then latest), and
    the first completion only where it is earlier, so concurrent completions of the same course
    (cycles, editions) leave the right ones in place whatever their order.

    It runs in every completion's transaction, so the statement is written once per database
    (``_completion_record_sql``) instead of being compiled by the ORM each time: the ORM's
    ``update()`` with these conditional expressions cost about 4 ms of Python per completion,
    the statement itself a few hundredths of that.
    """
    connection = connections[router.db_for_write(Assignment)]
    # The statement returns the requirements of the assignments it updated (PostgreSQL and
    # SQLite 3.35+), which are exactly the pairs whose standing may have changed: no query is
    # needed to find them.
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(
            _completion_record_sql(connection.alias, returning=returning),
            _completion_record_params(
                connection,
                employee_id=completion.employee_id,
                course_id=completion.course_id,
                edition=completion.course_edition,
                completed_at=completion.completed_at,
                expires_at=completion.expires_at,
            ),
        )
        requirement_ids = {row[0] for row in cursor.fetchall()} if returning else None
        updated = len(requirement_ids) if returning else cursor.rowcount
    if updated:
        # The holder is the completion's employee, loaded by the service that recorded it.
        _standing_of_holder_changed(
            department_id=completion.employee.department_id,
            course_id=completion.course_id,
            requirement_ids=requirement_ids,
        )
    return updated


def _standing_of_holder_changed(
    *, department_id: int, course_id: int, requirement_ids: Iterable[int] | None = None
) -> None:
    """The standing of one employee's (in ``department_id``) assignments of a course may have
    changed: those of ``requirement_ids`` when known, else of every requirement using it."""
    if requirement_ids is None:
        requirement_ids = TrainingRequirement.objects.filter(course_id=course_id).values_list(
            "pk", flat=True
        )
    standing_changed_send(department_ids=[department_id], requirement_ids=requirement_ids)


def _completion_record_params(
    connection, *, employee_id: int, course_id: int, edition: int, completed_at, expires_at
) -> list:
    """The parameters of :func:`_completion_record_sql` for one completion."""
    completed_at = connection.ops.adapt_datetimefield_value(completed_at)
    expires_at = connection.ops.adapt_datetimefield_value(expires_at)
    latest = [edition, edition, completed_at]  # the parameters of the "is the latest" test
    return [
        *[completed_at, completed_at],
        *[*latest, edition],
        *[*latest, completed_at],
        *[*latest, expires_at],
        employee_id,
        course_id,
    ]


def completion_revocation_record(*, completion: Completion) -> int:
    """A completion was voided (its certificate revoked; ``courses.services.completion_revoke``
    recorded a ``CompletionRevocation``): recompute the facts of its holder's assignments of
    the course from the records, so that it no longer counts and the training is due again by
    the revocation's date. Called in the transaction that revokes the certificate.

    A removal cannot be applied incrementally by :func:`assignment_completion_record`'s
    statement (the next latest completion must be found), so the few assignments concerned
    are recomputed by :func:`assignment_facts_refresh`, the one replay of the records.
    """
    updated = assignment_facts_refresh(
        assignments=Assignment.objects.filter(
            employee_id=completion.employee_id, requirement__course_id=completion.course_id
        )
    )
    _standing_of_holder_changed(
        department_id=completion.employee.department_id, course_id=completion.course_id
    )
    return updated


def superseded_assignments_reassign(*, course_id: int, edition) -> int:
    """Give everyone who completed an earlier edition of a course the update's due date, in
    one UPDATE; called in the transaction that publishes the edition (``courses.services``).

    People who never completed (or whose completion was revoked) keep their own due dates;
    nothing recorded changes.
    """
    holders = Completion.objects.filter(
        course_id=course_id, course_edition__lt=edition.number, revocation__isnull=True
    ).values("employee_id")
    updated = Assignment.objects.filter(
        requirement__course_id=course_id, employee_id__in=holders
    ).update(update_due_on=edition.due_on)
    # The course's current edition changed: every holder's standing, in every department.
    standing_changed_send(
        requirement_ids=TrainingRequirement.objects.filter(course_id=course_id).values_list(
            "pk", flat=True
        )
    )
    return updated


def _superseded_update_due(requirement: TrainingRequirement) -> int:
    """Give assignments whose latest completion is of an earlier edition than the course's
    current one, and that have no update due date yet (made after the edition was published),
    the current edition's due date, as its publication gave the holders then."""
    current = CourseEdition.objects.filter(
        course_id=requirement.course_id,
        number=requirement.course.edition,
        published_at__isnull=False,
    ).values_list("due_on", flat=True)
    due_on = current.first()
    if due_on is None:
        return 0
    return Assignment.objects.filter(
        requirement=requirement,
        update_due_on__isnull=True,
        latest_completion_edition__lt=requirement.course.edition,
    ).update(update_due_on=due_on)


def recertification_cycles(*, course_id: int) -> list[tuple[int, int]]:
    """The ``(months, window_days)`` recertification cycles of the requirements using a course."""
    return list(
        TrainingRequirement.objects.filter(
            course_id=course_id, recertify_months__isnull=False
        ).values_list("recertify_months", "window_days")
    )


@functools.cache
def _completion_record_sql(alias: str, *, returning: bool = False) -> str:
    """The UPDATE of :func:`assignment_completion_record`; every SET expression reads the row
    as it was before the statement, as SQL has it. ``returning``: it returns the requirement of
    each assignment updated (not for ``executemany``)."""
    quote = connections[alias].ops.quote_name
    assignment, requirement = Assignment._meta, TrainingRequirement._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    first = column(assignment, "first_completed_at")
    edition = column(assignment, "latest_completion_edition")
    completed = column(assignment, "latest_completed_at")
    is_latest = f"({edition} IS NULL OR {edition} < %s OR ({edition} = %s AND {completed} <= %s))"

    def if_latest(name: str) -> str:
        return f"{name} = CASE WHEN {is_latest} THEN %s ELSE {name} END"

    return (
        f"UPDATE {quote(assignment.db_table)} SET "  # noqa: S608 - names from the models
        f"{first} = CASE WHEN {first} IS NULL OR {first} > %s THEN %s ELSE {first} END, "
        f"{if_latest(edition)}, {if_latest(completed)}, "
        f"{if_latest(column(assignment, 'latest_expires_at'))} "
        f"WHERE {column(assignment, 'employee')} = %s AND {column(assignment, 'requirement')} IN "
        f"(SELECT {quote(requirement.pk.column)} FROM {quote(requirement.db_table)} "
        f"WHERE {column(requirement, 'course')} = %s)"
        + (f" RETURNING {column(assignment, 'requirement')}" if returning else "")
    )


#: Completions replayed per ``executemany`` by :func:`assignment_facts_refresh`.
REFRESH_BATCH = 5000


def _completion_facts_replay(assignments: QuerySet[Assignment]) -> None:
    """Replay every completion of the employees and courses of ``assignments`` through
    :func:`assignment_completion_record`'s statement (``executemany``, in batches), except the
    revoked ones, and copy the due date of their latest revocation (``revoked_due_on``)."""
    # Written first: ``assignments`` may filter on the completion columns written below.
    assignments.update(
        revoked_due_on=Subquery(
            CompletionRevocation.objects.filter(
                completion__employee_id=OuterRef("employee_id"),
                completion__course_id__in=TrainingRequirement.objects.filter(
                    pk=OuterRef(OuterRef("requirement_id"))
                ).values("course_id"),
            )
            .order_by("-revoked_at", "-pk")
            .values("due_again_on")[:1]
        )
    )
    # Read in full before writing: ``assignments`` may filter on the columns written.
    rows = list(
        Completion.objects.filter(
            # A revoked completion no longer counts (courses' CompletionRevocation).
            ~Exists(CompletionRevocation.objects.filter(completion_id=OuterRef("pk"))),
            Exists(
                assignments.filter(
                    employee_id=OuterRef("employee_id"),
                    requirement__course_id=OuterRef("course_id"),
                )
            ),
        )
        .order_by()
        .values_list("employee_id", "course_id", "course_edition", "completed_at", "expires_at")
    )
    connection = connections[router.db_for_write(Assignment)]
    sql = _completion_record_sql(connection.alias)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), REFRESH_BATCH):
            cursor.executemany(
                sql,
                [
                    _completion_record_params(
                        connection,
                        employee_id=employee_id,
                        course_id=course_id,
                        edition=edition,
                        completed_at=completed_at,
                        expires_at=expires_at,
                    )
                    for employee_id, course_id, edition, completed_at, expires_at in rows[
                        start : start + REFRESH_BATCH
                    ]
                ],
            )


def assignment_facts_refresh(*, assignments: QuerySet[Assignment] | None = None) -> int:
    """Recompute the first and latest completion, the latest revocation's due date and the
    latest extension of ``assignments`` (default: all) from the records.

    For writes that go around the services in bulk (the demo's history, benchmark cities, a
    restore); the services keep the columns current themselves. The completion columns are
    written by the one implementation the services use, :func:`assignment_completion_record`'s
    statement: they are cleared, then every completion of the same employees and courses is
    replayed through it (``executemany``, in batches). The statement keeps the earliest first
    completion and the latest of the highest edition whatever the order, so the replay order
    does not matter; another assignment of the same employee and course that already holds its
    facts is left as it was. Revoked completions are left out (they no longer count), and
    ``revoked_due_on`` is the due date of the latest revocation of the course's completions.
    """
    if assignments is None:
        assignments = Assignment.objects.all()
    updated = assignments.update(
        first_completed_at=None,
        latest_completion_edition=None,
        latest_completed_at=None,
        latest_expires_at=None,
    )
    _completion_facts_replay(assignments)
    assignments.update(
        extended_due_on=Subquery(
            Extension.objects.filter(assignment_id=OuterRef("pk"))
            .order_by("-granted_at", "-pk")
            .values("new_due_on")[:1]
        )
    )
    standing_changed_send(
        department_ids=assignments.values_list("employee__department_id", flat=True).distinct(),
        requirement_ids=assignments.values_list("requirement_id", flat=True).distinct(),
        audience_changed=True,
    )
    return updated


def _refuse_self_grant(*, assignment: Assignment, granted_by) -> None:
    if assignment.employee.user_id == granted_by.pk:
        raise ApplicationError(
            _("You cannot grant yourself an extension or an exemption."), status=403
        )


def _standing_of_assignment_changed(assignment: Assignment) -> None:
    standing_changed_send(
        department_ids=Employee.objects.filter(pk=assignment.employee_id).values_list(
            "department_id", flat=True
        ),
        requirement_ids=[assignment.requirement_id],
    )


@transaction.atomic
def extension_grant(
    *, assignment: Assignment, new_due_on: date, reason: str, granted_by
) -> Extension:
    """Move an assignment's due date, keeping who decided, when and why."""
    _refuse_self_grant(assignment=assignment, granted_by=granted_by)
    latest = assignment.extensions.order_by("-granted_at").values_list("new_due_on", flat=True)
    current_due_on = latest.first() or assignment.due_on
    revoked_due_on = (
        Assignment.objects.filter(pk=assignment.pk).values_list("revoked_due_on", flat=True).get()
    )
    if revoked_due_on is not None and revoked_due_on > current_due_on:
        # A revocation made the training due again by a later date: extend from that one.
        current_due_on = revoked_due_on
    if new_due_on <= current_due_on:
        raise ApplicationError(_("The new due date must be later than the current one."))
    if new_due_on > dates.LATEST:
        raise ApplicationError(dates.out_of_range_message())
    horizon = current_due_on + timedelta(days=settings.EXTENSION_MAX_DAYS)
    if new_due_on > horizon and not can_see_citywide(granted_by):
        raise ApplicationError(
            _(
                "An extension may move the due date by at most %(days)d days, to %(date)s at "
                "the latest. Ask OEI for a longer one."
            )
            % {"days": settings.EXTENSION_MAX_DAYS, "date": horizon.isoformat()}
        )
    extension = Extension(
        assignment=assignment, new_due_on=new_due_on, reason=reason.strip(), granted_by=granted_by
    )
    extension.full_clean()
    extension.save()
    # The latest extension is the one that counts: a column of the assignment (see its model).
    Assignment.objects.filter(pk=assignment.pk).update(extended_due_on=new_due_on)
    assignment.extended_due_on = new_due_on
    _standing_of_assignment_changed(assignment)
    audit_record(
        instance=assignment,
        action="lms.extension.grant",
        user=granted_by,
        data={"new_due_on": new_due_on.isoformat(), "reason": extension.reason},
    )
    return extension


@transaction.atomic
def exemption_grant(
    *, assignment: Assignment, reason: str, until: date | None, granted_by
) -> Exemption:
    """Excuse an employee from a requirement, for a reason, until a date (its last day).

    Only OEI (citywide access) grants a permanent exemption (``until=None``); a liaison must
    give an end date, and a request without one is refused (403) with nothing written.
    """
    _refuse_self_grant(assignment=assignment, granted_by=granted_by)
    if until is None and not can_see_citywide(granted_by):
        raise ApplicationError(
            _(
                "Give the date the exemption ends. Only the Office of Equity and Inclusion "
                "grants an exemption with no end date."
            ),
            status=403,
        )
    if until is not None and until < timezone.localdate():
        raise ApplicationError(_("An exemption cannot end in the past."))
    if until is not None and until > dates.LATEST:
        raise ApplicationError(dates.out_of_range_message())
    exemption = Exemption(
        assignment=assignment, reason=reason.strip(), until=until, granted_by=granted_by
    )
    exemption.full_clean()
    exemption.save()
    _standing_of_assignment_changed(assignment)
    audit_record(
        instance=assignment,
        action="lms.exemption.grant",
        user=granted_by,
        data={"until": until.isoformat() if until else None, "reason": exemption.reason},
    )
    return exemption


@transaction.atomic
def exemption_end(
    *, exemption: Exemption, ended_by, reason: str, today: date | None = None
) -> Exemption:
    """End an exemption early, for a reason: from ``today`` (its end date) on it no longer
    counts. Only OEI or the liaison who granted it (403 for anyone else); an exemption that
    already ended, early or on its own end date, is refused (409). Recorded on the exemption
    (who, when, why) and audited."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not can_end_exemption(exemption=exemption, user=ended_by):
        raise ApplicationError(
            _(
                "Only the Office of Equity and Inclusion or the liaison who granted it can end "
                "this exemption."
            ),
            status=403,
        )
    if not reason:
        raise ApplicationError(_("Give the reason for ending this exemption."))
    if len(reason) > 1000:
        raise ApplicationError(_("Keep the reason under %(count)d characters.") % {"count": 1000})
    locked = Exemption.objects.select_for_update().get(pk=exemption.pk)
    if locked.ended_on is not None:
        raise ApplicationError(_("This exemption was already ended."), status=409)
    if locked.until is not None and locked.until < today:
        raise ApplicationError(_("This exemption already ended on its own end date."), status=409)
    locked.ended_on = today
    locked.ended_by = ended_by
    locked.ended_at = timezone.now()
    locked.end_reason = reason
    locked.save(update_fields=["ended_on", "ended_by", "ended_at", "end_reason"])
    _standing_of_assignment_changed(locked.assignment)
    audit_record(
        instance=locked.assignment,
        action="lms.exemption.end",
        user=ended_by,
        data={"exemption": locked.pk, "ended_on": today.isoformat(), "reason": reason},
    )
    return locked


@transaction.atomic
def roster_confirm(*, department: Department, confirmed_by) -> RosterConfirmation:
    """A liaison attests their department's roster is accurate, now: the confirmation keeps
    the roster it attests (the active employees, by number, with name and job title)."""
    # The department's row is locked, so an import cannot change it between the snapshot and
    # the confirmation's time.
    Department.objects.select_for_update().filter(pk=department.pk).first()
    roster = [
        {"number": number, "name": f"{first} {last}".strip(), "job_title": title}
        for number, first, last, title in Employee.objects.filter(
            department=department, is_active=True
        )
        .order_by("employee_number")
        .values_list("employee_number", "user__first_name", "user__last_name", "job_title")
    ]
    confirmation = RosterConfirmation(
        department=department,
        confirmed_by=confirmed_by,
        employee_count=len(roster),
        roster=roster,
    )
    confirmation.full_clean()
    confirmation.save()
    audit_record(
        instance=department,
        action="lms.roster.confirm",
        user=confirmed_by,
        data={"employees": len(roster)},
    )
    return confirmation


#: The task that puts the liaisons' requests into the reminders outbox and sends them.
NUDGES_TASK = "lms.reminders.tasks.nudges_send"


@transaction.atomic
def reminders_request(
    *, employee_ids: Iterable[int], requested_by, today: date | None = None
) -> list[ReminderRequest]:
    """Queue a reminder for each employee not already reminded today; the rest are skipped.

    The unique (employee, day) key makes "at most one per employee per day" hold even when
    two liaisons click at once. The request is the record of who asked; the email goes out
    through the reminders outbox (``lms.reminders.services.nudges.nudges_log``, named here by its
    task's path: reminders sit above compliance), with its retries and re-checks, from a
    django-q2 task after commit (and from the outbox's every run, should that task be lost).
    """
    today = today or timezone.localdate()
    ids = set(employee_ids)
    already = set(
        ReminderRequest.objects.filter(employee_id__in=ids, day=today).values_list(
            "employee_id", flat=True
        )
    )
    created = ReminderRequest.objects.bulk_create(
        [
            ReminderRequest(employee_id=pk, day=today, requested_by=requested_by)
            for pk in sorted(ids - already)
        ],
        ignore_conflicts=True,
    )
    if created:
        transaction.on_commit(lambda: async_task(NUDGES_TASK, today.isoformat()))
    return created
