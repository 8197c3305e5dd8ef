"""Certificates of completion: immutable snapshots that anyone holding the code can verify.

A certificate copies what it attests (the employee's name, the course title and edition, the
dates and the issuing office) when it is issued, so renaming a course or a person never changes
a certificate already handed out. Only its revocation and its cached PDF are ever written after
the first insert, and it is never deleted.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from courses.models import Completion, CourseEdition
from courses.selectors import superseded_by_edition
from lms.figures import percent
from lms.organisation.models import Department, Employee
from lms.records import ImmutableRecord, ImmutableRecordQuerySet
from lms.storage import private_storage
from lms.widgets import ImageChooser

#: Verification codes: URL-safe base64 of 24 random bytes (192 bits), 32 characters.
CODE_BYTES = 24
CODE_PATTERN = r"[A-Za-z0-9_-]{32}"


def verification_code_new() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def certificate_pdf_path(instance, filename: str) -> str:
    """A random path, so a storage listing or a guessed URL reveals nobody's certificate."""
    return f"certificates/pdf/{secrets.token_urlsafe(18)}.pdf"


def archive_path(instance, filename: str) -> str:
    return f"certificates/archives/{secrets.token_urlsafe(18)}.zip"


class CertificateSerialCounter(models.Model):
    """The last serial number issued in a year: one row per year, incremented under a lock."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("certificate serial counter")
        verbose_name_plural = _("certificate serial counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


@dataclass(frozen=True)
class VerificationStatus:
    """What the public verification page says about a certificate, and why."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    REPLACED = "replaced"

    code: str
    #: The date that goes with the status: expired or revoked on.
    on: datetime | None = None
    #: The newer edition of the course the employee holds a certificate for.
    edition: int | None = None

    @property
    def is_valid(self) -> bool:
        return self.code == self.VALID

    @property
    def label(self) -> str:
        return {
            self.VALID: _("Valid"),
            self.EXPIRED: _("Expired"),
            self.REVOKED: _("Revoked"),
            self.SUPERSEDED: _("Superseded"),
            self.REPLACED: _("Replaced"),
        }[self.code]


class CertificateQuerySet(ImmutableRecordQuerySet):
    def current(self, now: datetime | None = None) -> "CertificateQuerySet":
        """Certificates that verify as valid at ``now`` (the same rules as
        :meth:`Certificate.verification_status`, in SQL)."""
        now = now or timezone.now()
        newer_edition = Certificate.objects.filter(
            employee_id=OuterRef("employee_id"),
            course_id=OuterRef("course_id"),
            course_edition__gt=OuterRef("course_edition"),
            revoked_at__isnull=True,
        )
        reissued = Certificate.objects.filter(reissue_of_id=OuterRef("pk"))
        published_edition = CourseEdition.objects.filter(
            course_id=OuterRef("course_id"),
            number__gt=OuterRef("course_edition"),
            published_at__isnull=False,
        )
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            revoked_at__isnull=True,
        ).exclude(Exists(newer_edition) | Exists(reissued) | Exists(published_edition))


class Certificate(ImmutableRecord):
    """One employee's certificate for one completion of a course edition."""

    #: Written once, at issue; save() refuses any change to them.
    SNAPSHOT_FIELDS = (
        "serial",
        "code",
        "completion_id",
        "employee_id",
        "course_id",
        "employee_name",
        "course_title",
        "course_title_language",
        "course_edition",
        "completed_at",
        "expires_at",
        "issuing_office",
        "issued_at",
        "reissue_of_id",
    )
    #: Written once, when a certificate is revoked. The PDF is the only other later write.
    REVOCATION_FIELDS = ("revoked_at", "revoked_by_id", "revocation_reason")
    #: A queryset update may write only the PDF; a revocation goes through save(), which
    #: checks it is the first.
    LATER_FIELDS = ("pdf",)
    CHANGE_MESSAGE = _("A certificate is never changed once issued.")
    DELETE_MESSAGE = _("Certificates are never deleted.")

    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    code = models.CharField(
        _("verification code"), max_length=64, unique=True, default=verification_code_new
    )
    completion = models.ForeignKey(
        Completion,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("completion"),
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("employee")
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    employee_name = models.CharField(_("employee name"), max_length=300)
    course_title = models.CharField(_("course title"), max_length=255)
    #: The language of ``course_title`` (the recipient's, when an approved translation named
    #: the course in it; else the language the course was taken in), for ``lang`` on the PDF
    #: and the verification page.
    course_title_language = models.CharField(
        _("language of the course title"), max_length=10, default="en"
    )
    course_edition = models.PositiveIntegerField(_("course edition"))
    completed_at = models.DateTimeField(_("completed at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    issuing_office = models.CharField(_("issuing office"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"))
    reissue_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissued_as",
        verbose_name=_("re-issue of"),
    )
    pdf = models.FileField(
        _("PDF"),
        upload_to=certificate_pdf_path,
        storage=private_storage,
        max_length=200,
        blank=True,
        editable=False,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [
            ("revoke_certificate", _("Can revoke and re-issue certificates")),
            ("archive_certificates", _("Can download a department's certificates")),
        ]
        constraints = [
            # A completion issues one certificate; every other one for it is a re-issue.
            models.UniqueConstraint(
                fields=["completion"],
                condition=Q(reissue_of__isnull=True),
                name="certificate_once_per_completion",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True, revocation_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revocation_reason="")),
                name="certificate_revoked_with_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["employee", "course", "course_edition"], name="certificate_holder"
            ),
        ]

    def __str__(self):
        return f"{self.serial} – {self.employee_name}: {self.course_title}"

    def change_refusal(self):
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values(*self.SNAPSHOT_FIELDS, *self.REVOCATION_FIELDS)
            .first()
        )
        if stored is None:
            return None
        if any(getattr(self, name) != stored[name] for name in self.SNAPSHOT_FIELDS):
            return self.CHANGE_MESSAGE
        if stored["revoked_at"] is not None and any(
            getattr(self, name) != stored[name] for name in self.REVOCATION_FIELDS
        ):
            return _("A revocation is never changed.")
        return None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def verification_status(self, now: datetime | None = None) -> VerificationStatus:
        """The one place that says whether a certificate is valid, and if not, why.

        A revocation outranks everything; a re-issue replaces the certificate it re-issues; a
        certificate for a newer edition of the same course supersedes it; else it is valid until
        it expires.
        """
        now = now or timezone.now()
        if self.revoked_at is not None:
            return VerificationStatus(VerificationStatus.REVOKED, on=self.revoked_at)
        if Certificate.objects.filter(reissue_of=self).exists():
            return VerificationStatus(VerificationStatus.REPLACED)
        newer = (
            Certificate.objects.filter(
                employee_id=self.employee_id,
                course_id=self.course_id,
                course_edition__gt=self.course_edition,
                revoked_at__isnull=True,
            )
            .order_by("-course_edition")
            .values_list("course_edition", flat=True)
            .first()
        )
        if newer is None:
            # A new edition supersedes the completion the day it publishes, before anyone
            # holds a certificate of it.
            newer = superseded_by_edition(course_id=self.course_id, edition=self.course_edition)
        if newer is not None:
            return VerificationStatus(VerificationStatus.SUPERSEDED, edition=newer)
        if self.expires_at is not None and self.expires_at <= now:
            return VerificationStatus(VerificationStatus.EXPIRED, on=self.expires_at)
        return VerificationStatus(VerificationStatus.VALID)

    @property
    def verification_path(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.code})

    @property
    def verification_url(self) -> str:
        """The absolute address the QR code and the PDF point to."""
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.verification_path


class CertificateArchive(models.Model):
    """A ZIP of a department's current certificates, built by a task that reports progress."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    done = models.PositiveIntegerField(_("certificates added"), default=0)
    total = models.PositiveIntegerField(_("certificates to add"), default=0)
    file = models.FileField(
        _("ZIP file"), upload_to=archive_path, storage=private_storage, max_length=200, blank=True
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    #: The states of an archive still to be built: at most one per department at a time.
    BUILDING = (State.PENDING, State.RUNNING)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("certificate archive")
        verbose_name_plural = _("certificate archives")
        constraints = [
            # Two requests for the same department's ZIP share the one being built (its
            # contents depend on the department only; access is checked on the department).
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(state__in=["pending", "running"]),
                name="certificate_archive_one_building_per_department",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "state"], name="certificate_archive_requester"),
        ]

    def __str__(self):
        return f"{self.department} – {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.state == self.State.READY:
            return 100
        return percent(self.done, self.total, nearest=True, empty=0)

    @property
    def filename(self) -> str:
        return f"certificates-{self.department.code}-{self.requested_at:%Y%m%d-%H%M}.zip"


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """Who signs the certificates, and the images printed on them; OEI edits these."""

    # The person and their post, each printed once (issue 20): the title names the office, so
    # the certificate does not repeat "Issued by" the same office under it.
    signatory_name = models.CharField(
        _("signatory name"),
        max_length=200,
        blank=True,
        help_text=_("The person who signs, e.g. Jane Doe. Leave empty to print the title only."),
    )
    signatory_title = models.CharField(
        _("signatory title"), max_length=200, default="Director, Office of Equity and Inclusion"
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_(
            "Printed beside the seal. Leave empty to print the city's logo from the "
            "organisation settings, if it has one."
        ),
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature image"),
        help_text=_("A scan of the signature, on a white or transparent background."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("signatory_name"), FieldPanel("signatory_title")],
            heading=_("Signatory"),
        ),
        FieldPanel("logo", widget=ImageChooser),
        FieldPanel("signature", widget=ImageChooser),
    ]

    class Meta:
        verbose_name = _("certificate settings")
