"""Training requirements and the assignments they create.

OEI states a requirement (a course, an audience, a deadline, a recertification cycle); the LMS
keeps one assignment per employee and requirement in step with the roster. Assignments are never
deleted: an employee who leaves or falls out of the audience keeps theirs, deactivated.
Extensions, exemptions and roster confirmations are records of who decided what and when.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from lms.organisation.dates import validate_date_in_range
from lms.organisation.models import Department, Employee
from lms.records import ImmutableRecord


class TrainingRequirement(ClusterableModel):
    """OEI's rule that an audience must complete a course by a deadline, and keep it current."""

    class Audience(models.TextChoices):
        ALL = "all", _("All employees")
        DEPARTMENTS = "departments", _("Chosen departments")
        JOB_TITLES = "job_titles", _("Chosen job titles")
        LIAISONS = "liaisons", _("Department liaisons only")

    class DueBasis(models.TextChoices):
        ASSIGNMENT = "assignment", _("Days after the training is assigned")
        HIRE_DATE = "hire_date", _("Days after the hire date, for new hires")

    name = models.CharField(_("name"), max_length=200)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="requirements",
        verbose_name=_("course"),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    departments = ParentalManyToManyField(
        Department, blank=True, related_name="requirements", verbose_name=_("departments")
    )
    job_titles = models.TextField(
        _("job titles"),
        blank=True,
        help_text=_("One job title per line, exactly as in the HR roster."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("due within (days)"), default=30, validators=[MinValueValidator(1)]
    )
    due_basis = models.CharField(
        _("counted from"), max_length=20, choices=DueBasis.choices, default=DueBasis.ASSIGNMENT
    )
    # Issue 19: a calendar deadline. Everyone assigned on or before it is due by this date;
    # people assigned after it are due by the relative rule above (``due_days``, ``due_basis``).
    due_by = models.DateField(
        _("due by (fixed date)"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. Everyone assigned on or before this date must complete it by then; "
            "people assigned later have the number of days above."
        ),
    )
    recertify_months = models.PositiveSmallIntegerField(
        _("recertify every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Leave empty when one completion is enough."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("recertification window (days before expiry)"), default=30
    )
    active_from = models.DateField(_("active from"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("course"),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("departments"), FieldPanel("job_titles")],
            heading=_("Who must take it"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("due_by"),
                FieldRowPanel([FieldPanel("due_days"), FieldPanel("due_basis")]),
                FieldRowPanel([FieldPanel("recertify_months"), FieldPanel("window_days")]),
            ],
            heading=_("By when"),
        ),
        FieldRowPanel([FieldPanel("active_from"), FieldPanel("is_active")]),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        try:
            validate_date_in_range(self.active_from)
        except ValidationError as error:
            raise ValidationError({"active_from": error.messages}) from None
        if self.due_by is not None:
            try:
                validate_date_in_range(self.due_by)
            except ValidationError as error:
                raise ValidationError({"due_by": error.messages}) from None

    @property
    def job_title_list(self) -> list[str]:
        return [line.strip() for line in self.job_titles.splitlines() if line.strip()]


class DueRule(models.TextChoices):
    """Which of the requirement's rules set an assignment's due date (issue 19)."""

    FIXED_DATE = "fixed_date", _("By a fixed date")
    ASSIGNMENT = "assignment", _("Days after assignment")
    HIRE_DATE = "hire_date", _("Days after the hire date")


class Assignment(models.Model):
    """One employee's obligation under one requirement; created and updated automatically."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("employee")
    )
    requirement = models.ForeignKey(
        TrainingRequirement,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("requirement"),
    )
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due on"))
    # Which rule set ``due_on`` when the assignment was made, and its number of days (None for
    # a fixed date), kept so that later changes to the requirement do not relabel it.
    due_rule = models.CharField(
        _("due date rule"), max_length=12, choices=DueRule.choices, blank=True, editable=False
    )
    due_rule_days = models.PositiveSmallIntegerField(
        _("due date rule (days)"), null=True, blank=True, editable=False
    )
    # Set when a new edition of the course superseded this person's completion: they owe the
    # update by this date instead of ``due_on`` (written by courses' edition publishing).
    update_due_on = models.DateField(_("update due on"), null=True, blank=True)
    # The facts the status is computed from, copied here when they are recorded so that the
    # status is a CASE over this row's columns instead of correlated subqueries (which SQLite
    # evaluates once per reference): the first and the latest completion of the requirement's
    # course (latest: highest edition, then latest) and the latest extension's due date.
    # Written only by ``compliance.services`` (``assignment_completion_record``,
    # ``extension_grant``, ``assignment_facts_refresh``, ``completion_revocation_record``); the
    # records stay the source of truth.
    # The first completion of the course (any edition): when the assignment first became
    # compliant, which the OEI dashboard's weekly history replays.
    first_completed_at = models.DateTimeField(
        _("first completed at"), null=True, blank=True, editable=False
    )
    latest_completion_edition = models.PositiveIntegerField(
        _("latest completion's edition"), null=True, blank=True, editable=False
    )
    latest_completed_at = models.DateTimeField(
        _("latest completed at"), null=True, blank=True, editable=False
    )
    latest_expires_at = models.DateTimeField(
        _("latest completion expires at"), null=True, blank=True, editable=False
    )
    extended_due_on = models.DateField(
        _("extended due date"), null=True, blank=True, editable=False
    )
    # When a certificate of the course was revoked (courses' ``CompletionRevocation``): the
    # date OEI set by which the holder must complete the course again, of the latest such
    # revocation. The revoked completion no longer counts in the completion columns above.
    revoked_due_on = models.DateField(
        _("due again after a revocation"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Off when the employee left or is no longer in the audience."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "requirement"], name="assignment_once_per_requirement"
            ),
        ]
        indexes = [
            models.Index(fields=["requirement", "is_active"], name="assignment_req_active"),
        ]

    def __str__(self):
        return f"{self.employee_id} – {self.requirement_id} (due {self.due_on})"


class Extension(models.Model):
    """A new due date granted by OEI or the employee's liaison, with the reason."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extensions")
    new_due_on = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"), max_length=1000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.assignment_id} → {self.new_due_on}"


class Exemption(models.Model):
    """An employee excused from a requirement, for a reason, until a date (with no end date
    only when OEI grants it). It counts while ``until`` (its last day) has not passed and
    until the day it was ended early (``ended_on``, by OEI or the liaison who granted it)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="exemptions")
    reason = models.TextField(_("reason"), max_length=1000)
    until = models.DateField(_("until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    # Ended early: from ``ended_on`` on it no longer counts. Written once, by
    # ``compliance.services.exemption_end``.
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("ended by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    end_reason = models.TextField(_("reason for ending"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")

    def __str__(self):
        return f"{self.assignment_id} exempt until {self.until or '—'}"


class RosterConfirmation(ImmutableRecord):
    """A liaison attests that their department's roster is accurate (EO §5): a record of what
    they confirmed, the department's active employees at that moment, never changed after."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="roster_confirmations"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    employee_count = models.PositiveIntegerField(_("employees confirmed"), default=0)
    #: The roster as confirmed: [{"number", "name", "job_title"}], by employee number.
    roster = models.JSONField(_("roster as confirmed"), default=list, blank=True)

    CHANGE_MESSAGE = _("A roster confirmation is never changed.")
    DELETE_MESSAGE = _("Roster confirmations are never deleted.")

    class Meta:
        ordering = ["-confirmed_at"]
        get_latest_by = "confirmed_at"
        verbose_name = _("roster confirmation")
        verbose_name_plural = _("roster confirmations")

    def __str__(self):
        return f"{self.department_id} {self.confirmed_at:%Y-%m-%d}"

    @property
    def employee_numbers(self) -> set[str]:
        return {person["number"] for person in self.roster}


class ReminderRequest(models.Model):
    """A liaison's "send reminder": at most one per employee per day, sent by a task."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="reminder_requests"
    )
    day = models.DateField(_("day"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder request")
        verbose_name_plural = _("reminder requests")
        constraints = [
            models.UniqueConstraint(fields=["employee", "day"], name="one_reminder_per_day"),
        ]

    def __str__(self):
        return f"{self.employee_id} {self.day}"
