"""Reminders: OEI's policy, each employee's delivery choice and the outbox.

The outbox (``ReminderLog`` and ``Digest``) is written by the daily scan *before* anything is
sent. Its unique keys say what "once" means: one reminder per assignment, kind, due date and
milestone (``period``), one digest per recipient, kind and period. Running the scan twice,
after a crash or after an outage, or from two clusters at once, can only find the rows
already there.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from lms.compliance.models import Assignment, ReminderRequest
from lms.organisation.models import Employee


def parse_days(value: str) -> list[int]:
    """ "30, 7,1" -> [30, 7, 1] (largest first, no repeats); ValueError when malformed."""
    days = {int(part) for part in value.replace(" ", "").split(",") if part}
    if any(day < 1 or day > 365 for day in days):
        raise ValueError(value)
    return sorted(days, reverse=True)


def validate_days(value: str) -> None:
    try:
        parse_days(value)
    except ValueError:
        raise ValidationError(
            _("Enter whole numbers of days between 1 and 365, separated by commas, e.g. 30,7,1.")
        ) from None


@register_setting(icon="mail")
class ReminderPolicy(BaseGenericSetting):
    """When employees are reminded and when their liaisons and OEI hear about it (set by OEI)."""

    days_before = models.CharField(
        _("remind before the due date (days)"),
        max_length=100,
        default="30,7,1",
        blank=True,
        validators=[validate_days],
        help_text=_("Days before the due date, separated by commas. Empty: no early reminders."),
    )
    on_due_date = models.BooleanField(_("remind on the due date"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("while overdue, remind every (days)"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_("0: no reminders once the due date has passed."),
    )
    liaison_after_days = models.PositiveSmallIntegerField(
        _("tell the department's liaisons after (days overdue)"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_("0: never. Liaisons receive one digest a day listing the newly overdue."),
    )
    oei_after_days = models.PositiveSmallIntegerField(
        _("tell OEI after (days overdue)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("0: never. OEI administrators receive a citywide digest."),
    )
    refresher_reminders = models.BooleanField(
        _("remind when a completion enters its recertification window"), default=True
    )
    # Issue 19: the supervisor (from the HR roster) hears of their reports' escalations too.
    copy_supervisors = models.BooleanField(
        _("copy supervisors on their reports' escalations"),
        default=False,
        help_text=_(
            "When a reminder is escalated to the liaisons, the employee's supervisor (from the "
            "HR roster) receives it too, in one digest a day."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("days_before"),
                FieldPanel("on_due_date"),
                FieldPanel("overdue_every_days"),
                FieldPanel("refresher_reminders"),
            ],
            heading=_("Employees"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("liaison_after_days"),
                FieldPanel("copy_supervisors"),
                FieldPanel("oei_after_days"),
            ],
            heading=_("Escalation"),
        ),
    ]

    class Meta:
        verbose_name = _("reminder policy")

    @property
    def days_before_list(self) -> list[int]:
        try:
            return parse_days(self.days_before)
        except ValueError:
            return []


class Delivery(models.TextChoices):
    SINGLE = "single", _("A separate email for each reminder")
    WEEKLY = "weekly", _("One weekly digest")
    DIGEST = "digest", _("In a liaison or OEI digest")


class ReminderPreference(models.Model):
    """How one employee wants their reminders. Mandatory training has no unsubscribe."""

    employee = models.OneToOneField(
        Employee,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("employee"),
    )
    delivery = models.CharField(
        _("how to receive reminders"),
        max_length=10,
        choices=[
            (Delivery.SINGLE, Delivery.SINGLE.label),
            (Delivery.WEEKLY, Delivery.WEEKLY.label),
        ],
        default=Delivery.SINGLE,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self):
        return f"{self.employee_id}: {self.delivery}"


#: Failed sends are retried this many times (services.outbox_send), then left to OEI.
MAX_ATTEMPTS = 5


class SkipReason(models.TextChoices):
    """Why a row was not sent: its reason was gone when it was re-checked (at digest build or
    send time, against compliance.selectors.with_status)."""

    COMPLETED = "completed", _("Not sent: the training was completed")
    EXEMPT = "exempt", _("Not sent: the employee is exempt")
    EXTENDED = "extended", _("Not sent: the due date was extended past this reminder")
    LEFT = "left", _("Not sent: the employee left or is inactive")
    REMOVED = "removed", _("Not sent: the assignment was removed")
    NOTHING_LEFT = "nothing_left", _("Not sent: none of its reminders was still needed")


class Outbox(models.Model):
    """What every outbox row has: when it was sent, and how sending has failed so far."""

    scan_date = models.DateField(_("scan date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # A sender claims rows before sending them, so two clusters never send the same row.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    # Written and committed just BEFORE the message is handed to the mail server; ``sent_at``
    # just after the server accepted it. A row found with the first and not the second once
    # its claim expired is one whose sender died in between: it may or may not have gone out,
    # so it is not sent again automatically but shown to OEI as "may not have been sent".
    sending_at = models.DateTimeField(
        _("handed to the mail server at"), null=True, blank=True, editable=False
    )
    uncertain = models.BooleanField(
        _("may not have been sent"),
        default=False,
        help_text=_(
            "The sender stopped after handing this message to the mail server and before "
            "recording that the server accepted it. It is not sent again unless OEI chooses "
            "“Send again”."
        ),
    )

    # Set instead of sending when the reason for the row was gone at send (or digest build)
    # time; a skipped row is never sent.
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True, editable=False)
    skip_reason = models.CharField(
        _("why not sent"), max_length=20, choices=SkipReason.choices, blank=True, editable=False
    )

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent: no longer needed")
        PENDING = "pending", _("Waiting to be sent")
        RETRYING = "retrying", _("Failed, will be retried")
        FAILED = "failed", _("Not sent")
        UNCERTAIN = "uncertain", _("May not have been sent")

    class Meta:
        abstract = True

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return self.Status.SENT
        if self.skipped_at is not None:
            return self.Status.SKIPPED
        if self.uncertain:
            return self.Status.UNCERTAIN
        if self.attempts >= MAX_ATTEMPTS:
            return self.Status.FAILED
        if self.attempts:
            return self.Status.RETRYING
        return self.Status.PENDING

    def status_label(self) -> str:
        return self.Status(self.status).label

    status_label.short_description = _("status")


class ReminderLog(Outbox):
    """One reminder about one assignment, logged before it is sent.

    ``period`` is the date of the milestone it is for (the day "7 days before", the due date,
    the first day of an overdue cycle, the day a recertification window opened), never the day
    of the scan: after a three-day outage the scan finds the same milestone, not three. The
    milestone belongs to a due date (``due_on``): an extension gives the assignment new ones.
    """

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Before the due date")
        DUE = "due", _("On the due date")
        OVERDUE = "overdue", _("Overdue")
        REFRESHER = "refresher", _("Recertification window")
        LIAISON = "liaison", _("Escalated to the liaisons")
        OEI = "oei", _("Escalated to OEI")
        NUDGE = "nudge", _("Sent by the liaison")

    #: Kinds sent to the employee (the others go out in liaison and OEI digests).
    EMPLOYEE_KINDS = (Kind.BEFORE_DUE, Kind.DUE, Kind.OVERDUE, Kind.REFRESHER)
    #: Kinds about a due date (the others: a refresher is about an expiry).
    DUE_DATE_KINDS = (Kind.BEFORE_DUE, Kind.DUE, Kind.OVERDUE, Kind.LIAISON, Kind.OEI, Kind.NUDGE)

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="reminder_logs",
        verbose_name=_("assignment"),
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="reminder_logs", verbose_name=_("employee")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    period = models.DateField(_("milestone"))
    due_on = models.DateField(_("due date"), help_text=_("The effective due date or expiry."))
    milestone = models.PositiveSmallIntegerField(
        _("days"), default=0, help_text=_("Days before the due date, or days overdue.")
    )
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        ordering = ["-scan_date", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # The due date is part of the key: an extension moves every milestone, and the new
            # date's may fall on a day already logged for the old one (30 days before the new
            # date = 7 days before the old). Unchanged, the due date keys the same row as before.
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_on", "period"],
                name="reminder_once_per_due_milestone",
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "delivery"], name="reminder_outbox"),
            models.Index(fields=["employee", "scan_date"], name="reminder_employee"),
        ]

    def __str__(self):
        return f"{self.assignment_id} {self.kind} {self.period}"


class Digest(Outbox):
    """One email gathering several reminders: an employee's week, a liaison's or OEI's day."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Employee's weekly digest")
        LIAISON = "liaison", _("Liaison digest")
        OEI = "oei", _("OEI citywide digest")
        NUDGE = "nudge", _("Reminder sent by the liaison")
        SUPERVISOR = "supervisor", _("Supervisor digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reminder_digests",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.DateField(_("period"), help_text=_("The day, or the Monday of the week."))
    entries = models.ManyToManyField(ReminderLog, related_name="digests", verbose_name=_("entries"))
    # A liaison's "send reminder" (kind NUDGE): the request it carries out, which stays the
    # record of who asked. Its key (employee, day) is this digest's (recipient, kind, day).
    request = models.OneToOneField(
        ReminderRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox",
        verbose_name=_("liaison's request"),
    )

    class Meta:
        ordering = ["-period", "pk"]
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"], name="digest_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.period}"
