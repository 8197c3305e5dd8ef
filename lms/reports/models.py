"""OEI reporting: every export as a record, and the Mayor's progress report as a frozen snapshot.

A progress report copies its figures into rows when it is drafted; nothing on it is ever
recomputed. Once published (EO §5) it never changes and is never deleted, whatever happens to
the completions it counted afterwards.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.figures import percent
from lms.organisation.models import Department
from lms.records import ImmutableRecord, ImmutableRecordError
from lms.storage import private_storage

#: Counts below this show as "fewer than N" where publication asks for privacy.
DEFAULT_SMALL_COUNT = 5


class ReportExport(models.Model):
    """One export of a report table: who asked, when, with which filters; large files are
    built by a task into storage, which reports its progress here."""

    class Kind(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        STREAMED = "streamed", _("Downloaded directly")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    table = models.CharField(_("table"), max_length=30)
    kind = models.CharField(_("format"), max_length=10, choices=Kind.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(
        _("file"), upload_to="reports/exports/", storage=private_storage, max_length=200, blank=True
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    #: A digest of (table, format, filters): identical requests have the same key.
    build_key = models.CharField(_("build key"), max_length=64, blank=True, editable=False)

    #: The statuses of an export still to be built by a task.
    BUILDING = (Status.PENDING, Status.RUNNING)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        constraints = [
            # A person asking again for an export still being built gets that one.
            models.UniqueConstraint(
                fields=["requested_by", "build_key"],
                condition=models.Q(status__in=["pending", "running"]),
                name="report_export_one_building_per_request",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "status"], name="report_export_requester"),
        ]

    def __str__(self):
        return f"{self.table}.{self.kind} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return percent(self.rows_done, self.rows_total, empty=0)


class PublishedReportError(ImmutableRecordError):
    """Raised when code tries to change or delete a published report or any report's rows."""


class ProgressReport(ImmutableRecord):
    """The Mayor's progress report (EO §5): a snapshot of the citywide figures on a date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    as_of = models.DateTimeField(_("figures as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    narrative = models.TextField(_("narrative"), blank=True, max_length=20_000)
    suppress_small_counts = models.BooleanField(
        _("hide small counts"),
        default=True,
        help_text=_("Show counts below the threshold as “fewer than N” to protect privacy."),
    )
    small_count_threshold = models.PositiveSmallIntegerField(
        _("small count threshold"),
        default=DEFAULT_SMALL_COUNT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    scheduled_for = models.DateField(
        _("monthly report of"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Set on the reports the monthly schedule drafts: one per month."),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous published report"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to="reports/progress/", storage=private_storage, max_length=200, blank=True
    )

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status="draft", published_at__isnull=True)
                    | models.Q(status="published", published_at__isnull=False)
                ),
                name="progress_report_published_consistently",
            ),
        ]

    def __str__(self):
        return self.title

    # Publishing is a conditional UPDATE of a draft in the service; after it, nothing saves
    # this row. Its PDF is rendered afterwards by a task.
    OPEN = models.Q(status="draft")
    LATER_FIELDS = ("pdf",)
    CHANGE_MESSAGE = _("A published progress report is never changed.")
    DELETE_MESSAGE = _("Progress reports are never deleted.")
    error_class = PublishedReportError

    def change_refusal(self):
        if ProgressReport.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            return self.CHANGE_MESSAGE
        return None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReportRow(ImmutableRecord):
    """A row of a report's snapshot: written once when the report is drafted, never again."""

    CHANGE_MESSAGE = _("The figures of a progress report are never changed.")
    DELETE_MESSAGE = _("The figures of a progress report are never deleted.")
    error_class = PublishedReportError

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding and self.report.is_published:
            raise PublishedReportError(_("A published progress report is never changed."))
        super().save(*args, **kwargs)


class ProgressReportFigure(ReportRow):
    """One citywide figure (assigned, compliant, overdue...) of a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="figures")
    key = models.CharField(_("figure"), max_length=40)
    value = models.IntegerField(_("value"))

    class Meta:
        verbose_name = _("progress report figure")
        verbose_name_plural = _("progress report figures")
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_figure_once"),
        ]

    def __str__(self):
        return f"{self.key}={self.value}"


class ProgressReportDepartmentRow(ReportRow):
    """How one department stood when the report was drafted (name and code copied)."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, related_name="department_rows"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    department_name = models.CharField(_("department name"), max_length=200)
    department_code = models.CharField(_("department code"), max_length=20)
    assigned = models.PositiveIntegerField(_("assigned"))
    compliant = models.PositiveIntegerField(_("compliant"))
    overdue = models.PositiveIntegerField(_("overdue"))
    expiring = models.PositiveIntegerField(_("expiring within 30 days"))
    # Compliant holders of a superseded edition owing the update; None in reports drafted
    # before it was counted (issue 16).
    updates_due = models.PositiveIntegerField(_("updates due"), null=True, blank=True)

    class Meta:
        ordering = ["department_name"]
        verbose_name = _("progress report department row")
        verbose_name_plural = _("progress report department rows")
        constraints = [
            models.UniqueConstraint(fields=["report", "department"], name="report_department_once"),
        ]

    def __str__(self):
        return f"{self.department_code}: {self.compliant}/{self.assigned}"

    @property
    def percent_compliant(self) -> int | None:
        return percent(self.compliant, self.assigned)


class ProgressReportRequirementRow(ReportRow):
    """How one training requirement stood citywide when the report was drafted."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, related_name="requirement_rows"
    )
    requirement_name = models.CharField(_("requirement"), max_length=200)
    course_title = models.CharField(_("course"), max_length=255)
    assigned = models.PositiveIntegerField(_("assigned"))
    compliant = models.PositiveIntegerField(_("compliant"))
    overdue = models.PositiveIntegerField(_("overdue"))
    # As on the department rows: None in reports drafted before it was counted.
    updates_due = models.PositiveIntegerField(_("updates due"), null=True, blank=True)

    class Meta:
        ordering = ["requirement_name", "pk"]
        verbose_name = _("progress report requirement row")
        verbose_name_plural = _("progress report requirement rows")

    def __str__(self):
        return f"{self.requirement_name}: {self.compliant}/{self.assigned}"

    @property
    def percent_compliant(self) -> int | None:
        return percent(self.compliant, self.assigned)


class ProgressReportWeekRow(ReportRow):
    """One week of the trend: completions that week and % compliant at its end."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="week_rows")
    week_start = models.DateField(_("week starting"))
    completions = models.PositiveIntegerField(_("completions"))
    assigned = models.PositiveIntegerField(_("assigned at the end of the week"))
    compliant = models.PositiveIntegerField(_("compliant at the end of the week"))

    class Meta:
        ordering = ["week_start"]
        verbose_name = _("progress report week")
        verbose_name_plural = _("progress report weeks")
        constraints = [
            models.UniqueConstraint(fields=["report", "week_start"], name="report_week_once"),
        ]

    def __str__(self):
        return f"{self.week_start}: {self.completions}"

    @property
    def percent_compliant(self) -> int | None:
        return percent(self.compliant, self.assigned)


class StandingAggregate(models.Model):
    """How one requirement stands in one department: the OEI dashboard's and the progress
    report's counts, kept current so that reading them does not grow with the city.

    Written only by ``lms.reports.aggregates`` (from ``with_status``, the one rule), when a
    service changes an assignment's facts and by the daily schedule; see docs/aggregates.md.
    Assignments whose standing changes by the clock before the end of ``valid_on`` (a
    completion expiring this afternoon) are left out of the counts and listed in ``volatile``:
    readers count those few live.
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(
        "compliance.TrainingRequirement", on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField()
    #: The local day the counts hold for (until its end).
    valid_on = models.DateField()
    assigned = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    compliant = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    expiring = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)
    exempt = models.PositiveIntegerField(default=0)
    updates_due = models.PositiveIntegerField(default=0)
    #: Ids of the assignments whose standing changes before ``valid_on`` ends.
    volatile = models.JSONField(default=list)
    #: The trend's weeks: ``{"YYYY-MM-DD" (a Monday): [assigned, compliant]}``.
    weeks = models.JSONField(default=dict)

    COUNTS = (
        "assigned",
        "completed",
        "compliant",
        "overdue",
        "expiring",
        "expired",
        "exempt",
        "updates_due",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "requirement"], name="one_standing_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.department_id}/{self.requirement_id} on {self.valid_on}"


class StandingRefresh(models.Model):
    """When every aggregate was last recomputed together (one row): readers use the aggregates
    only on the day of that refresh, and count live otherwise."""

    finished_at = models.DateTimeField()
    valid_on = models.DateField()

    def __str__(self):
        return f"{self.valid_on}"


class CompletionAggregate(models.Model):
    """The trend's completions per week of one course in one department: what
    ``selectors.completions_query`` counts over the weeks the aggregates keep, so the trend's
    bars do not grow with the city either (docs/aggregates.md).

    Written only by ``lms.reports.aggregates``, with the standing aggregates; one row for every
    (department, required course) recomputed, zeros included, so that a missing row means "not
    computed" (the readers then count live), never "none".
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField()
    #: The local day the weeks are those of (until its end).
    valid_on = models.DateField()
    #: ``{"YYYY-MM-DD" (a Monday): completions that week}``.
    weeks = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "course"], name="one_completion_aggregate_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.department_id}/{self.course_id} on {self.valid_on}"


class CertificateAggregate(models.Model):
    """The certificates issued, and valid, of one course's holders in one department: what
    ``selectors.certificate_counts`` counts, kept current so the dashboard's certificate
    figures do not grow with the city (docs/aggregates.md).

    Written only by ``lms.reports.aggregates``. ``valid`` counts the certificates still valid
    at the end of ``valid_on``; those whose expiry falls before then are left out and listed
    in ``volatile``, to be counted live by the readers, as for the standing aggregates.
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField()
    valid_on = models.DateField()
    issued = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    #: Ids of the certificates that expire before ``valid_on`` ends.
    volatile = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "course"], name="one_certificate_aggregate_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.department_id}/{self.course_id} on {self.valid_on}"
