"""Who works where: departments, the employees in them and each department's liaison(s).

Only employment data lives here. By design (executive order §1) the LMS never asks for or
stores immigration status, nationality, citizenship or anything like them.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Department(ClusterableModel):
    """A City department; each designates one or more liaisons (EO §5)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]*$",
                _("Use capital letters, digits and hyphens, as in the HR roster."),
            )
        ],
        help_text=_("The department code used in the HR roster, for example PARKS."),
    )
    serves_children = models.BooleanField(
        _("serves children and youth"),
        default=False,
        help_text=_("Departments serving children need trauma-informed protocols (EO §15)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: When someone last joined, left or moved in or out of the department (an HR import, a
    #: transfer, a leaver): a roster confirmed before it no longer holds.
    roster_changed_at = models.DateTimeField(
        _("roster last changed"), null=True, blank=True, editable=False
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("code"), FieldPanel("serves_children")],
            heading=_("Department"),
        ),
        FieldPanel("is_active"),
        InlinePanel("liaisons", heading=_("Liaisons"), label=_("Liaison")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        permissions = [
            ("view_department_compliance", _("Can view the compliance of their departments")),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Liaison(models.Model):
    """A user designated to coordinate a department's compliance, training and reporting."""

    department = ParentalKey(
        Department,
        on_delete=models.CASCADE,
        related_name="liaisons",
        verbose_name=_("department"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="liaison_roles",
        verbose_name=_("user"),
    )
    designated_on = models.DateField(_("designated on"), default=timezone.localdate)

    panels = [FieldPanel("user"), FieldPanel("designated_on")]

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "user"], name="liaison_unique_per_department"
            ),
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} – {self.department.code}"


class Employee(models.Model):
    """The employment profile of a user: the facts training requirements are assigned from."""

    class Origin(models.TextChoices):
        HR = "hr", _("HR roster or entered by OEI")
        DEMO = "demo", _("Demo content")
        SYNTHETIC = "synthetic", _("Synthetic city (benchmarks)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="employee",
        verbose_name=_("user"),
    )
    employee_number = models.CharField(
        _("employee number"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Letters, digits and hyphens only."))],
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("department"),
    )
    job_title = models.CharField(_("job title"), max_length=200)
    # From the HR roster's optional supervisor_employee_number column (issue 19): the person's
    # direct supervisor. Written only by organisation services (roster import, OEI edits), which
    # refuse cycles; "My team" and escalation copies read it.
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("supervisor"),
    )
    hire_date = models.DateField(_("hire date"))
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Employees who leave are deactivated, never deleted: their records stay."),
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.HR, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["employee_number"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [models.Index(fields=["department", "is_active"], name="employee_dept_active")]
        permissions = [
            ("view_citywide_reports", _("Can view citywide training reports")),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class AccountSignIn(models.Model):
    """How an account signs in when single sign-on is on (see docs/single-sign-on.md).

    ``local_password``: OEI (or, for staff accounts, a superuser) lets this account keep signing
    in with a local password (break-glass administrators, contractors). ``oidc_subject``: the
    identity provider's ``sub`` of the person, stored when they first sign in with their City
    account; from then on only that ``sub`` signs in to this account, so no token can re-point
    the account to someone else.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_in",
        verbose_name=_("user"),
    )
    local_password = models.BooleanField(
        _("local account"),
        default=False,
        help_text=_(
            "May sign in with a password of this site even when single sign-on is on "
            "(break-glass administrators, contractors)."
        ),
    )
    oidc_subject = models.CharField(
        _("City account identifier"), max_length=255, unique=True, null=True, blank=True
    )
    linked_at = models.DateTimeField(_("linked to City account at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account sign-in")
        verbose_name_plural = _("account sign-ins")

    def __str__(self):
        return str(self.user)


# --- The HR roster feed (issue 19, docs/roster-import.md) ----------------------------------


@register_setting(icon="folder-open-inverse")
class RosterFeedSettings(BaseGenericSetting):
    """Where the daily HR feed looks for new roster files; only OEI edits it."""

    directory = models.CharField(
        _("drop folder"),
        max_length=500,
        blank=True,
        help_text=_(
            "The folder on the server where HR drops roster files (XLSX or CSV), for example a "
            "mounted SFTP share. Checked once a day; each new file is applied when it has no "
            "errors. Empty: the server's default (ROSTER_FEED_DIR), if any."
        ),
    )

    panels = [FieldPanel("directory")]

    class Meta:
        verbose_name = _("HR roster feed")

    def clean(self):
        super().clean()
        if not self.directory:
            return
        path = Path(self.directory)
        root = settings.ROSTER_FEED_ROOT
        if not path.is_absolute() or ".." in path.parts:
            raise ValidationError(
                {"directory": _("Give the full path of the folder, starting with /.")}
            )
        if not root or not path.is_relative_to(Path(root)):
            raise ValidationError(
                {
                    "directory": _(
                        "The folder must be inside %(root)s, the folder the server allows "
                        "for the HR feed (ROSTER_FEED_ROOT)."
                    )
                    % {"root": root or _("(none is set)")}
                }
            )

    def feed_directory(self) -> str:
        return self.directory or settings.ROSTER_FEED_DIR


class RosterFeedFile(models.Model):
    """One file the HR feed found, read once (by its SHA-256) and never again: the record of
    what it did, with the preview OEI reads. Written once, never changed."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused: errors, nothing applied")

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255, editable=False)
    received_at = models.DateTimeField(_("read at"), default=timezone.now, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, editable=False)
    #: How the file was read (format, encoding, date forms).
    source = models.CharField(_("read as"), max_length=300, blank=True, editable=False)
    summary = models.TextField(_("summary"), editable=False)
    #: The changes as the preview lists them, one line each (applied files).
    preview = models.JSONField(_("preview"), default=list, editable=False)
    #: [line, reason] of every error (refused files).
    errors = models.JSONField(_("errors"), default=list, editable=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("HR feed file")
        verbose_name_plural = _("HR feed files")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
