"""Demo situations: named demo employees whose months of history leave them, on the day the demo
loads, in each situation the dashboards must show (README's "Demo situations" table).

Everything is made by the services the app itself uses, with their ``now``/``today`` set in the
past where they take one: assignments synced on a past day, lessons read and quizzes taken
(a failed attempt, then a pass), the certificates that completions issue, a new edition prepared
by the content editor, published with a grace period and approved by the legal reviewer, the
update taken after it, extensions and exemptions granted by a liaison or OEI, a certificate
revoked by OEI and a leaver deactivated by an HR roster import. Extensions, exemptions, the
revocation and the import are dated the day the demo loads (those services record the moment
they run). Every date is relative to that day, so the demo works whatever day it is loaded.

Only the first two courses' lessons are read here: the trauma-informed course's lessons stay
free of progress records, so an editor may still delete one in the demo.

Idempotent: each step looks for what it made and does nothing the second time.
"""

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.admin import signal_handlers as wagtail_notifications
from wagtail.models import Locale, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_submitted

from certificates.models import Certificate
from certificates.services import certificate_revoke
from courses import services as courses
from courses.models import Completion, CourseEdition, CoursePage, Enrollment, LessonPage
from lms.compliance.models import Assignment
from lms.compliance.selectors import Status
from lms.compliance.services import assignments_sync, exemption_grant, extension_grant
from lms.demo import content
from lms.organisation import dates, roster
from lms.organisation.models import Employee
from lms.organisation.selectors import employee_for
from lms.organisation.services.roster_import import roster_import_apply

COMMITMENTS = "All staff: immigrant-friendly commitments"
AGENTS = "All staff: encountering federal agents"
YOUTH = "Youth-serving departments: trauma-informed protocols"

#: Days before the load day on which the people of each group were assigned their training
#: (everyone else is assigned on the load day itself).
ASSIGNED_DAYS_AGO = {
    100: (
        "employee17",
        "employee20",
        "employee21",
        "employee25",
        "employee27",
        "employee28",
    ),
    20: ("employee23",),
    10: ("employee24",),
}

#: The new edition of the commitments course: published this many days before the load day,
#: with this grace period, so that its holders' update is due soon but not yet.
EDITION_PUBLISHED_DAYS_AGO = 7
EDITION_GRACE_DAYS = 21
EDITION_CHANGED_LESSON = "who-does-what"
EDITION_SUMMARY = (
    "Sample edition for the demo, not a change to the City's guidance: the lesson “Who does "
    "what” now explains how department liaisons confirm their rosters (EO §5)."
)

#: The revoked certificate's holder must complete the course again within this many days.
REVOKED_DUE_DAYS = 30

#: Every reason written below is sample text, marked as such: the demo states no policy here.
PERMANENT_EXEMPTION_REASON = (
    "Sample reason (demo): works only in the evidence vault and never meets the public; OEI "
    "exempts this position permanently."
)
TIME_LIMITED_EXEMPTION_REASON = (
    "Sample reason (demo): on approved medical leave; to take the course on return."
)
EXTENSION_REASON = "Sample reason (demo): on a six-week detail out of state."
REVOCATION_REASON = (
    "Sample reason (demo): the quiz was taken on another employee's computer while they "
    "watched; the course must be taken again."
)


@dataclass(frozen=True)
class DemoSituation:
    """A demo login and what it shows on My training (and on its liaison's dashboard)."""

    username: str
    requirement: str
    #: The status of that requirement's assignment on the load day (a Status value).
    status: str
    situation: str


#: The situations the README's table describes, one login each.
SITUATIONS: tuple[DemoSituation, ...] = (
    DemoSituation("employee17", AGENTS, Status.OVERDUE, "overdue"),
    DemoSituation("employee23", AGENTS, Status.DUE_SOON, "due soon"),
    DemoSituation("employee24", AGENTS, Status.IN_PROGRESS, "in progress"),
    DemoSituation("employee25", AGENTS, Status.COMPLETED, "completed, after failing once"),
    DemoSituation("employee09", YOUTH, Status.EXPIRED, "expired"),
    DemoSituation("employee10", YOUTH, Status.DUE_SOON, "recertification window open"),
    DemoSituation("employee30", COMMITMENTS, Status.UPDATE_DUE, "update due after a new edition"),
    DemoSituation("employee26", COMMITMENTS, Status.COMPLETED, "update taken"),
    DemoSituation("employee20", AGENTS, Status.EXEMPT, "exempt, permanently"),
    DemoSituation("employee27", AGENTS, Status.EXEMPT, "exempt until a date"),
    DemoSituation("employee21", AGENTS, Status.NOT_STARTED, "extended"),
    DemoSituation("employee28", AGENTS, Status.NOT_STARTED, "certificate revoked"),
)

#: What :func:`demo_stories_load` counts.
KINDS = (
    "completions",
    "certificates",
    "editions",
    "extensions",
    "exemptions",
    "revocations",
    "leavers",
)

#: Completions older than the generic history's twelve weeks, which lms.demo.history writes with
#: it, on the trauma-informed course (its lessons are never read in the demo): (username, course
#: slug) -> (days before the load day, months before that). Over a year ago, it lapsed a month
#: ago; almost a year ago, it expires in 15 days, so the recertification window is open.
EARLY_COMPLETIONS: dict[tuple[str, str], tuple[int, int]] = {
    ("employee09", content.MINORS.slug): (30, 12),
    ("employee10", content.MINORS.slug): (-15, 12),
}


def early_completion_at(today: date, days_ago: int, months: int) -> datetime:
    """When one of the :data:`EARLY_COMPLETIONS` was completed."""
    return dates.add_months(_moment(today, days_ago), -months)


#: Took the whole commitments course after its edition 2 was published, so holds one certificate,
#: of the current edition, which verifies as valid (the certificate browser tests use it).
CURRENT_EDITION_HOLDER = "employee03"

#: Left the City: deactivated by an HR roster import.
LEAVER = "employee29"

#: (username, course slug) pairs the generic history (lms.demo.history) leaves alone: the
#: situations above make these completions themselves, or none on purpose.
STORY_COURSES: frozenset[tuple[str, str]] = frozenset(
    {(s.username, content.ENCOUNTERS.slug) for s in SITUATIONS if s.requirement == AGENTS}
    | {(s.username, content.MINORS.slug) for s in SITUATIONS if s.requirement == YOUTH}
    | {(s.username, content.COMMITMENTS.slug) for s in SITUATIONS if s.requirement == COMMITMENTS}
    | {(CURRENT_EDITION_HOLDER, content.COMMITMENTS.slug)}
)


def _moment(today: date, days_ago: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour, 5)))


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _employee(username: str) -> Employee:
    return employee_for(user=_user(username))


def _assignment(username: str, requirement: str) -> Assignment:
    return Assignment.objects.select_related("employee__user").get(
        employee__user__username=username, requirement__name=requirement
    )


def _right_answers(attempt) -> dict[str, list[str]]:
    return {question["id"]: question["correct"] for question in attempt.questions}


def _wrong_answers(attempt) -> dict[str, list[str]]:
    return {
        question["id"]: [
            next(c["id"] for c in question["choices"] if c["id"] not in question["correct"])
        ]
        for question in attempt.questions
    }


def _take(
    *,
    employee: Employee,
    course: CoursePage,
    at: datetime,
    fail_first: bool = False,
    lessons: int | None = None,
) -> Completion | None:
    """The learner reads the lessons (the first ``lessons`` only: still in progress) and takes
    the quiz, as the course pages do; a failed attempt first, if asked, and the pass after the
    course's waiting time. Returns the completion, if the course was completed."""
    moment = at
    read = list(course.lessons())
    for lesson in read if lessons is None else read[:lessons]:
        courses.lesson_complete(employee=employee, lesson=lesson, now=moment)
        moment += timedelta(minutes=6)
    if lessons is not None:
        return None
    enrollment = courses.enrollment_start(employee=employee, course=course, now=moment)
    completion = Completion.objects.filter(enrollment=enrollment).first()
    if completion is not None or not course.has_quiz:
        return completion
    if fail_first:
        attempt = courses.quiz_attempt_start(employee=employee, course=course, now=moment)
        courses.quiz_attempt_submit(
            employee=employee,
            attempt_key=attempt.public_id,
            answers=_wrong_answers(attempt),
            now=moment + timedelta(minutes=8),
        )
        moment += timedelta(minutes=8 + course.quiz_wait_minutes + 20)
    attempt = courses.quiz_attempt_start(employee=employee, course=course, now=moment)
    courses.quiz_attempt_submit(
        employee=employee,
        attempt_key=attempt.public_id,
        answers=_right_answers(attempt),
        now=moment + timedelta(minutes=9),
    )
    return Completion.objects.filter(enrollment=enrollment).first()


@contextmanager
def review_emails_held() -> Iterator[None]:
    """The new edition's legal review is history replayed, not a review happening now: Wagtail's
    notification emails (to the legal reviewers on submission, to the editor on approval) are
    not sent for it. Its receivers are connected again afterwards."""
    receivers = [
        (
            task_submitted,
            TaskState,
            "group_approval_task_submitted_email_notification",
            wagtail_notifications.task_submission_email_notifier,
        ),
        (
            workflow_submitted,
            WorkflowState,
            "workflow_state_submitted_email_notification",
            wagtail_notifications.workflow_submission_email_notifier,
        ),
        (
            workflow_approved,
            WorkflowState,
            "workflow_state_approved_email_notification",
            wagtail_notifications.workflow_approval_email_notifier,
        ),
    ]
    held = [
        receiver
        for receiver in receivers
        if receiver[0].disconnect(sender=receiver[1], dispatch_uid=receiver[2])
    ]
    try:
        yield
    finally:
        for signal, sender, dispatch_uid, notifier in held:
            signal.connect(notifier, sender=sender, dispatch_uid=dispatch_uid)


def _takes(
    username: str, course: CoursePage, at: datetime, *, update: bool = False, **options
) -> int:
    """``_take`` once: nothing if the employee already started the course (for an ``update``,
    its current edition)."""
    employee = _employee(username)
    started = Enrollment.objects.filter(employee=employee, course=course)
    if update:
        started = started.filter(course_edition=course.edition)
    if started.exists():
        return 0
    return 1 if _take(employee=employee, course=course, at=at, **options) else 0


def _edition_publish(*, course: CoursePage, editor, legal, today: date) -> None:
    """The editor prepares edition 2 (two days before it is published), it is published a week
    before the load day with its grace period, and the legal reviewer's approval finishes the
    workflow that preparing started (publishing the course's latest revision, which leaves the
    edition as it is)."""
    published_at = _moment(today, EDITION_PUBLISHED_DAYS_AGO, hour=16)
    courses.course_edition_prepare(
        course=course,
        summary=EDITION_SUMMARY,
        changed_lessons=list(
            LessonPage.objects.child_of(course).filter(slug=EDITION_CHANGED_LESSON)
        ),
        user=editor,
        grace_days=EDITION_GRACE_DAYS,
        now=published_at - timedelta(days=2),
    )
    courses.course_edition_publish(course=course, user=legal, now=published_at)
    task_state = CoursePage.objects.get(pk=course.pk).current_workflow_task_state
    if task_state is not None:
        task_state.task.specific.on_action(task_state, legal, "approve", comment="")
    _translations_update(course=course, editor=editor, legal=legal)


def _translations_update(*, course: CoursePage, editor, legal) -> None:
    """The translator reviews each translation of the course for its new edition (the sample
    edition changes no wording) and submits it; the legal reviewer approves it, which makes it
    a translation of the new edition (issue 18: its revision is written after the edition was
    published). Without this, Spanish readers would get the English course: a translation
    behind its source edition is never served."""
    translations = CoursePage.objects.filter(translation_key=course.translation_key).exclude(
        pk=course.pk
    )
    for translation in translations:
        translation.save_revision(user=editor)
        workflow = translation.get_workflow()
        if workflow is None:  # no approval workflow: publish, and the log records who did
            translation.get_latest_revision().publish(user=legal)
            continue
        workflow.start(translation, editor)
        task_state = CoursePage.objects.get(pk=translation.pk).current_workflow_task_state
        task_state.task.specific.on_action(task_state, legal, "approve", comment="")


def demo_assignments_in_the_past(*, today: date | None = None) -> int:
    """Assign the situations' people their training on past days (before everyone else is
    assigned on the load day); returns how many assignments were created."""
    today = today or timezone.localdate()
    created = 0
    for days_ago, usernames in ASSIGNED_DAYS_AGO.items():
        ids = Employee.objects.filter(user__username__in=usernames).values_list("pk", flat=True)
        sync = assignments_sync(employee_ids=list(ids), today=today - timedelta(days=days_ago))
        created += sync.created
    return created


@transaction.atomic
def demo_stories_load(*, today: date | None = None) -> dict[str, int]:
    """Play the situations' history; return what was created, by kind."""
    today = today or timezone.localdate()
    made = dict.fromkeys(KINDS, 0)
    certificates_before = Certificate.objects.count()
    # The English source pages: their Spanish translations share their slugs.
    source = Locale.get_default()
    commitments = CoursePage.objects.get(slug=content.COMMITMENTS.slug, locale=source)
    agents = CoursePage.objects.get(slug=content.ENCOUNTERS.slug, locale=source)
    oei, editor, legal = _user("oei.admin"), _user("editor"), _user("legal.reviewer")

    made["completions"] += _takes("employee25", agents, _moment(today, 40), fail_first=True)
    made["completions"] += _takes("employee28", agents, _moment(today, 60, hour=15))
    _takes("employee24", agents, _moment(today, 3), lessons=2)

    # The commitments course gets a second edition; two holders of edition 1 first.
    made["completions"] += _takes("employee30", commitments, _moment(today, 30))
    made["completions"] += _takes("employee26", commitments, _moment(today, 50))
    if not CourseEdition.objects.filter(course=commitments).exists():
        with review_emails_held():
            _edition_publish(course=commitments, editor=editor, legal=legal, today=today)
        made["editions"] += 1
        commitments.refresh_from_db()
    # One of them has already taken the update (edition 2), the other owes it.
    made["completions"] += _takes("employee26", commitments, _moment(today, 2), update=True)
    made["completions"] += _takes(CURRENT_EDITION_HOLDER, commitments, _moment(today, 3))

    permanent = _assignment("employee20", AGENTS)
    if not permanent.exemptions.exists():
        exemption_grant(
            assignment=permanent, reason=PERMANENT_EXEMPTION_REASON, until=None, granted_by=oei
        )
        made["exemptions"] += 1
    limited = _assignment("employee27", AGENTS)
    if not limited.exemptions.exists():
        exemption_grant(
            assignment=limited,
            reason=TIME_LIMITED_EXEMPTION_REASON,
            until=today + timedelta(days=75),
            granted_by=_user("liaison.transit"),
        )
        made["exemptions"] += 1
    extended = _assignment("employee21", AGENTS)
    if not extended.extensions.exists():
        extension_grant(
            assignment=extended,
            new_due_on=today + timedelta(days=28),
            reason=EXTENSION_REASON,
            granted_by=_user("liaison.apd"),
        )
        made["extensions"] += 1

    revoked = Certificate.objects.filter(
        employee__user__username="employee28", course=agents, reissue_of__isnull=True
    ).first()
    if revoked is not None and revoked.revoked_at is None:
        certificate_revoke(
            certificate=revoked,
            user=oei,
            reason=REVOCATION_REASON,
            new_due_on=today + timedelta(days=REVOKED_DUE_DAYS),
        )
        made["revocations"] += 1

    leaver = _employee(LEAVER)
    if leaver.is_active:
        plan = roster.roster_validate(content=_leaver_roster(leaver))
        roster_import_apply(plan=plan, applied_by=oei)
        made["leavers"] += 1
    made["certificates"] = Certificate.objects.count() - certificates_before
    return made


def _leaver_roster(employee: Employee) -> bytes:
    """An HR roster of one line: the employee, no longer active."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(roster.COLUMNS)
    user = employee.user
    writer.writerow(
        [
            employee.employee_number,
            user.first_name,
            user.last_name,
            user.email,
            employee.department.code,
            employee.job_title,
            employee.hire_date.isoformat(),
            "no",
        ]
    )
    return out.getvalue().encode()
