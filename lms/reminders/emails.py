"""The reminder emails (HTML and plain text, in the reader's language) and the sentence that
says what a reminder is about, shared by the emails and the notices on "My training"."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.selectors import course_title_in
from lms.organisation.emails import TextEmail, subject_render
from lms.organisation.models import Employee
from lms.organisation.selectors import employee_for
from lms.reminders.models import Digest, ReminderLog

Kind = ReminderLog.Kind


class NotSendable(Exception):
    """A row that will never be sendable (no address, employee or assignment deactivated)."""


class Links:
    """Absolute links for emails, from WAGTAILADMIN_BASE_URL; course URLs looked up once each."""

    def __init__(self):
        self.base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        self._courses: dict[int, str] = {}
        self._titles: dict[tuple[int, str], str] = {}

    def absolute(self, path: str) -> str:
        return self.base + path

    def course(self, course) -> str:
        if course.pk not in self._courses:
            parts = course.get_url_parts()
            path = parts[2] if parts else reverse("courses:my_training")
            self._courses[course.pk] = self.absolute(path)
        return self._courses[course.pk]

    def title(self, course, language: str) -> str:
        """The course's title in the reader's language (its approved translation's, else the
        English title), looked up once per course and language."""
        key = (course.pk, language)
        if key not in self._titles:
            self._titles[key] = course_title_in(course=course, language=language)
        return self._titles[key]

    @property
    def my_training(self) -> str:
        return self.absolute(reverse("courses:my_training"))

    @property
    def preferences(self) -> str:
        return self.absolute(reverse("reminders:preferences"))

    def department(self, code: str) -> str:
        return self.absolute(reverse("compliance:department", kwargs={"code": code}))

    @property
    def my_team(self) -> str:
        return self.absolute(reverse("compliance:team"))


def reminder_sentence(*, kind: str, title: str, due_on: date, milestone: int, today=None) -> str:
    """What one reminder says, in the active language (emails and notices alike)."""
    when = formats.date_format(due_on, "DATE_FORMAT")
    if kind == Kind.BEFORE_DUE:
        return ngettext(
            "%(title)s is due in %(days)d day, on %(date)s.",
            "%(title)s is due within %(days)d days, by %(date)s.",
            milestone,
        ) % {"title": title, "days": milestone, "date": when}
    if kind == Kind.DUE:
        return _("%(title)s is due today (%(date)s).") % {"title": title, "date": when}
    if kind == Kind.OVERDUE:
        return _("%(title)s was due on %(date)s and is overdue.") % {"title": title, "date": when}
    if kind == Kind.NUDGE:
        if due_on < (today or timezone.localdate()):
            return _("%(title)s was due on %(date)s and is overdue.") % {
                "title": title,
                "date": when,
            }
        return _("%(title)s is due by %(date)s.") % {"title": title, "date": when}
    if kind == Kind.REFRESHER:
        return _(
            "Your completion of %(title)s expires on %(date)s: take the refresher to stay current."
        ) % {"title": title, "date": when}
    return _("%(title)s is overdue since %(date)s.") % {"title": title, "date": when}


def claimed_rows(model, token) -> list:
    rows = model.objects.filter(claim=token)
    if model is ReminderLog:
        rows = rows.select_related(
            "employee__user", "assignment__requirement__course", "assignment__employee"
        )
    else:
        rows = rows.select_related("recipient")
    return list(rows.order_by("pk"))


def language_of(user) -> str:
    employee = employee_for(user=user)
    return employee.preferred_language if employee else settings.LANGUAGE_CODE


def message_id(row) -> str:
    """A Message-ID made from the outbox row's unique key: the same reminder or digest always
    has the same one, so a mail server or client can recognise a copy sent again."""
    if isinstance(row, Digest):
        key = f"digest.{row.recipient_id}.{row.kind}.{row.period:%Y%m%d}"
    else:
        key = f"reminder.{row.assignment_id}.{row.kind}.{row.due_on:%Y%m%d}.{row.period:%Y%m%d}"
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{key}@{domain}>"


def _message(*, to: str, template: str, context: dict, language: str, connection, row):
    with translation.override(language):
        context = {**context, "language": language}
        subject = subject_render(f"emails/reminders/{template}_subject.txt", context)
        text = render_to_string(f"emails/reminders/{template}.txt", context)
        html = render_to_string(f"emails/reminders/{template}.html", context)
    message = TextEmail(
        subject, text, to=[to], connection=connection, headers={"Message-ID": message_id(row)}
    )
    message.attach_alternative(html, "text/html")
    return message


@dataclass
class Item:
    """One reminder as the templates show it."""

    kind: str
    title: str
    url: str
    due_on: date
    milestone: int
    sentence: str = ""
    employee: Employee | None = None
    requirement: str = ""


def _item(log: ReminderLog, links: Links, language: str) -> Item:
    course = log.assignment.requirement.course
    return Item(
        kind=log.kind,
        title=links.title(course, language),
        url=links.course(course),
        due_on=log.due_on,
        milestone=log.milestone,
        employee=log.employee,
        requirement=log.assignment.requirement.name,
    )


def _with_sentences(items: list[Item]) -> list[Item]:
    """Sentences are rendered inside the reader's language."""
    for item in items:
        item.sentence = reminder_sentence(
            kind=item.kind, title=item.title, due_on=item.due_on, milestone=item.milestone
        )
    return items


def _check_employee(employee: Employee) -> None:
    if not employee.is_active or not employee.user.is_active:
        raise NotSendable(_("Not sent: the employee is no longer active."))
    if not employee.user.email:
        raise NotSendable(_("Not sent: the employee has no email address."))


def reminder_message(log: ReminderLog, *, connection, links: Links) -> TextEmail:
    employee = log.employee
    _check_employee(employee)
    if not log.assignment.is_active:
        raise NotSendable(_("Not sent: the assignment is no longer active."))
    language = employee.preferred_language
    item = _item(log, links, language)
    with translation.override(language):
        _with_sentences([item])
    return _message(
        to=employee.user.email,
        template="reminder",
        context={"employee": employee, "item": item, "links": links},
        language=language,
        connection=connection,
        row=log,
    )


@dataclass
class EmployeeGroup:
    employee: Employee
    items: list[Item] = field(default_factory=list)


@dataclass
class DepartmentGroup:
    name: str
    url: str
    employees: list[EmployeeGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.employees)


def _entries(digest: Digest, left_out=()) -> list[ReminderLog]:
    """The digest's entries but those whose reason was gone at send time, or skipped."""
    return list(
        digest.entries.filter(skipped_at__isnull=True)
        .exclude(pk__in=left_out)
        .select_related("employee__user", "employee__department", "assignment__requirement__course")
        .order_by(
            "employee__department__name",
            "employee__user__last_name",
            "employee__user__first_name",
            "employee_id",
            "assignment__requirement__name",
            "period",
        )
    )


def _asked_by_supervisor(digest: Digest, employee: Employee) -> bool:
    """Whether a reminder request (a NUDGE digest) was made by the employee's supervisor, from
    "My team" (issue 19), rather than by their liaison."""
    if digest.kind != Digest.Kind.NUDGE or digest.request_id is None:
        return False
    return Employee.objects.filter(
        pk=employee.supervisor_id, user_id=digest.request.requested_by_id
    ).exists()


def digest_message(digest: Digest, *, connection, links: Links, left_out=()) -> TextEmail:
    user = digest.recipient
    if not user.is_active or not user.email:
        raise NotSendable(_("Not sent: the recipient is inactive or has no email address."))
    entries = _entries(digest, left_out)
    from_supervisor = False
    if digest.kind in (Digest.Kind.WEEKLY, Digest.Kind.NUDGE):
        employee = entries[0].employee if entries else employee_for(user=user)
        if employee is None:
            raise NotSendable(_("Not sent: the recipient has no employee record."))
        _check_employee(employee)
        entries = [e for e in entries if e.assignment.is_active]
        language = employee.preferred_language
        from_supervisor = _asked_by_supervisor(digest, employee)
    else:
        language = language_of(user)
    if not entries:
        raise NotSendable(_("Not sent: nothing left to report."))
    items = [_item(entry, links, language) for entry in entries]
    with translation.override(language):
        _with_sentences(items)
    departments: dict[int, DepartmentGroup] = {}
    people: dict[int, EmployeeGroup] = defaultdict(lambda: None)
    for item in items:
        department = item.employee.department
        group = departments.setdefault(
            department.pk,
            DepartmentGroup(name=department.name, url=links.department(department.code)),
        )
        person = people[item.employee.pk]
        if person is None:
            person = people[item.employee.pk] = EmployeeGroup(employee=item.employee)
            group.employees.append(person)
        person.items.append(item)
    return _message(
        to=user.email,
        template=f"{digest.kind}_digest",
        context={
            "recipient": user,
            "digest": digest,
            "items": items,
            "departments": list(departments.values()),
            "links": links,
            "from_supervisor": from_supervisor,
        },
        language=language,
        connection=connection,
        row=digest,
    )


def message_for(row, *, connection, links: Links, left_out=()) -> TextEmail:
    if isinstance(row, Digest):
        return digest_message(row, connection=connection, links=links, left_out=left_out)
    return reminder_message(row, connection=connection, links=links)
