"""Writes for certificates: issue, revoke, re-issue, render the PDF, build a department's ZIP.

Every function is keyword-only and atomic. Rendering happens in django-q2 tasks handed over
with ``transaction.on_commit``, so a rolled-back completion never leaves a PDF behind.
"""

import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.tasks import async_task

from certificates.events import certificates_changed_send
from certificates.models import (
    Certificate,
    CertificateArchive,
    CertificateSerialCounter,
)
from certificates.rendering import certificate_pdf
from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Completion
from lms.audit import audit_record
from lms.builds import build_start
from lms.errors import ApplicationError
from lms.models import OrganisationSettings
from lms.organisation import dates
from lms.organisation.models import Employee
from lms.storage import private_storage

#: How many certificates the ZIP task adds between two progress writes.
PROGRESS_EVERY = 20
REASON_MAX_LENGTH = 1000
#: When a revoked certificate's training is due again unless OEI chooses another date.
REVOKED_DUE_DAYS = 30


def revoked_due_on_default(today: date | None = None) -> date:
    """The new due date a revocation proposes: 30 days from today in the City's time zone."""
    return (today or timezone.localdate()) + timedelta(days=REVOKED_DUE_DAYS)


def _serials_reserve(*, year: int, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive serials of ``year``, unique under concurrent issuing.

    The counter row is incremented by one conditional ``UPDATE``: on PostgreSQL it holds the
    row lock until the transaction ends and a concurrent issuer waits, then increments the
    committed value; on SQLite the IMMEDIATE transaction already holds the write lock. The
    serial's unique constraint is the backstop.
    """
    last = _counter_increment(year=year, count=count)
    if last is None:  # a new year: its first
        CertificateSerialCounter.objects.get_or_create(year=year)
        last = _counter_increment(year=year, count=count)
    return [f"ABQ-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]


def _counter_increment(*, year: int, count: int) -> int | None:
    """Add ``count`` to the year's counter and return its new value (None: no row yet).

    One ``UPDATE ... RETURNING`` statement (SQLite 3.35+ and PostgreSQL, the engines the
    project runs on); the ORM's ``update()`` returns only a row count.
    """
    connection = connections[router.db_for_write(CertificateSerialCounter)]
    meta, quote = CertificateSerialCounter._meta, connection.ops.quote_name
    last_number = quote(meta.get_field("last_number").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {last_number} = {last_number} + %s "  # noqa: S608 - names from the model
            f"WHERE {quote(meta.get_field('year').column)} = %s RETURNING {last_number}",
            [count, year],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _course_title_for(completion: Completion, employee) -> tuple[str, str]:
    """(title, its language): the course as the certificate names it, in the recipient's
    language (the certificate is rendered in it). The completion's own title when it was taken
    in that language (no query: the usual case), else the approved translation's title, else
    the source's (English)."""
    language = (employee.preferred_language or settings.LANGUAGE_CODE).split("-")[0]
    if language == completion.language:
        return completion.course_title, completion.language
    translated = course_selectors.course_translated_title(
        course_id=completion.course_id, language=language
    )
    if translated is not None:
        return translated, language
    if completion.language == settings.LANGUAGE_CODE:
        return completion.course_title, completion.language
    return completion.course.title, settings.LANGUAGE_CODE  # the source's


def _certificate_build(*, completion: Completion, serial: str, now: datetime, office: str, **extra):
    employee = completion.employee
    course_title, course_title_language = _course_title_for(completion, employee)
    return Certificate(
        serial=serial,
        completion=completion,
        employee=employee,
        course_id=completion.course_id,
        employee_name=employee.full_name,
        course_title=course_title,
        course_title_language=course_title_language,
        course_edition=completion.course_edition,
        completed_at=completion.completed_at,
        expires_at=completion.expires_at,
        issuing_office=office,
        issued_at=now,
        **extra,
    )


def _issuing_office() -> str:
    """The office named on new certificates, from OrganisationSettings.

    Read with one plain SELECT: it runs in every completion's transaction, and Wagtail's
    ``load()`` costs several times the query in Python. Without a settings row yet, ``load()``
    creates it with its defaults, as before.
    """
    alias = router.db_for_read(OrganisationSettings)
    connection = connections[alias]
    meta, quote = OrganisationSettings._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(meta.get_field('office_name').column)} "  # noqa: S608 - names from the model
            f"FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)} LIMIT 1"
        )
        row = cursor.fetchone()
    return row[0] if row is not None else OrganisationSettings.load().office_name


def _render_later(certificate_ids: list[int]) -> None:
    """Queue the render tasks so that they run once the certificates are committed.

    With django-q2's ORM broker on the certificates' own database the queue is a table of that
    database: its rows are written in the same transaction, so they become visible to the
    cluster with the certificates (and vanish with them on a rollback), without a second
    transaction after the commit. Any other broker (Redis) is handed the tasks after the commit.
    """

    def enqueue(broker=None):
        for certificate_id in certificate_ids:
            async_task("certificates.tasks.certificate_render", certificate_id, broker=broker)

    alias = router.db_for_write(Certificate)
    if not Conf.SYNC and Conf.ORM == alias and transaction.get_connection(alias).in_atomic_block:
        broker = get_broker()
        if isinstance(broker, ORM):
            enqueue(broker)
            return
    transaction.on_commit(enqueue, using=alias)


# Nested in the completion's transaction it needs no savepoint of its own: any error here undoes
# the completion too.
@transaction.atomic(savepoint=False)
def certificate_issue(
    *,
    completion: Completion,
    now: datetime | None = None,
    render: bool = True,
    completion_is_new: bool = False,
) -> Certificate:
    """Issue the certificate of a completion, once; its PDF is rendered after the commit.

    ``completion_is_new``: the caller inserted the completion in the current transaction, so
    no certificate can exist for it yet and none is looked for (the constraint
    ``certificate_once_per_completion`` still guarantees one).
    """
    if not completion_is_new:
        existing = Certificate.objects.filter(
            completion=completion, reissue_of__isnull=True
        ).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    (serial,) = _serials_reserve(year=timezone.localtime(now).year)
    certificate = _certificate_build(
        completion=completion, serial=serial, now=now, office=_issuing_office()
    )
    # Uniqueness and constraints are the database's to enforce (the serial's unique key is the
    # backstop under concurrency): checking them here would cost queries on every completion.
    certificate.full_clean(
        exclude=["completion", "employee", "course"],
        validate_unique=False,
        validate_constraints=False,
    )
    certificate.save()
    # The holder is the completion's employee, loaded by the service that recorded it.
    certificates_changed_send(
        department_ids=[completion.employee.department_id],
        course_ids=[completion.course_id],
        issued=certificate,
    )
    if render:
        _render_later([certificate.pk])
    return certificate


@transaction.atomic
def certificates_issue_bulk(*, completions: Iterable[Completion]) -> list[Certificate]:
    """Issue certificates for many completions that have none yet, in a few queries (demo
    history, benchmarks), each as issued when it was completed. PDFs are rendered on first
    download or by the department ZIP."""
    completions = sorted(completions, key=lambda c: (c.completed_at, c.pk))
    have = set(
        Certificate.objects.filter(completion__in=completions, reissue_of__isnull=True).values_list(
            "completion_id", flat=True
        )
    )
    by_year: dict[int, list[Completion]] = {}
    for completion in completions:
        if completion.pk not in have:
            by_year.setdefault(timezone.localtime(completion.completed_at).year, []).append(
                completion
            )
    office = OrganisationSettings.load().office_name
    certificates = []
    for year, wanted in sorted(by_year.items()):
        serials = _serials_reserve(year=year, count=len(wanted))
        certificates += [
            _certificate_build(
                completion=completion, serial=serial, now=completion.completed_at, office=office
            )
            for completion, serial in zip(wanted, serials, strict=True)
        ]
    certificates_changed_send(
        department_ids=None, course_ids={completion.course_id for completion in completions}
    )
    return Certificate.objects.bulk_create(certificates, batch_size=1000)


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, user, reason: str, new_due_on: date | None = None
) -> Certificate:
    """Revoke a certificate with a reason; who and when are kept, and the act is audited.

    Revoking the current certificate of a completion (one no re-issue replaced) voids that
    completion for compliance from now on (``courses.services.completion_revoke``): its holder
    must complete the course again by ``new_due_on`` (default: 30 days from today in the City's
    time zone; not in the past, not after ``dates.LATEST``) and may retake it. The certificate
    itself keeps everything it recorded; only its revocation fields are written. Revoking a
    certificate already replaced by a re-issue voids nothing: the re-issue is the completion's
    certificate, and revoking it is what voids the completion.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for revoking this certificate."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            _("Keep the reason under %(count)d characters.") % {"count": REASON_MAX_LENGTH}
        )
    today = timezone.localdate()
    new_due_on = new_due_on or revoked_due_on_default(today)
    if new_due_on < today:
        raise ApplicationError(
            _("The new due date cannot be in the past: choose today or a later date.")
        )
    if new_due_on > dates.LATEST:
        raise ApplicationError(dates.out_of_range_message())
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ApplicationError(_("This certificate is already revoked."), status=409)
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.revocation_reason = reason
    locked.full_clean(exclude=["completion", "employee", "course", "reissue_of", "revoked_by"])
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    certificates_changed_send(
        department_ids=Employee.objects.filter(pk=locked.employee_id).values_list(
            "department_id", flat=True
        ),
        course_ids=[locked.course_id],
    )
    voids = not Certificate.objects.filter(reissue_of=locked).exists()
    if voids:
        course_services.completion_revoke(
            completion=locked.completion,
            revoked_at=locked.revoked_at,
            revoked_by=user,
            reason=reason,
            new_due_on=new_due_on,
        )
    audit_record(
        instance=locked,
        action="lms.certificate.revoke",
        user=user,
        data={
            "serial": locked.serial,
            "reason": reason,
            "completion_voided": voids,
            "new_due_on": new_due_on.isoformat() if voids else None,
        },
    )
    return locked


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, user, reason: str = "") -> Certificate:
    """Issue a new certificate for the same completion (with the employee's name as it is
    now, a new serial and a new code); the old one then verifies as replaced.

    Only a certificate that is not revoked is re-issued: a revoked one is refused (409), since
    its completion no longer counts; the employee retakes the course instead.
    """
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ApplicationError(
            _(
                "A revoked certificate cannot be re-issued: its completion no longer counts. "
                "The employee takes the course again and receives a new certificate."
            ),
            status=409,
        )
    if Certificate.objects.filter(reissue_of=locked).exists():
        raise ApplicationError(
            _("This certificate was already re-issued; re-issue the newest one."), status=409
        )
    now = timezone.now()
    (serial,) = _serials_reserve(year=timezone.localtime(now).year)
    new = _certificate_build(
        completion=locked.completion,
        serial=serial,
        now=now,
        office=OrganisationSettings.load().office_name,
        reissue_of=locked,
    )
    new.full_clean(exclude=["completion", "employee", "course", "reissue_of"])
    new.save()
    certificates_changed_send(
        department_ids=Employee.objects.filter(pk=new.employee_id).values_list(
            "department_id", flat=True
        ),
        course_ids=[new.course_id],
    )
    audit_record(
        instance=new,
        action="lms.certificate.reissue",
        user=user,
        data={"serial": new.serial, "replaces": locked.serial, "reason": (reason or "").strip()},
    )
    _render_later([new.pk])
    return new


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """Render and cache the PDF unless it is already stored; safe to call twice at once.

    Rendering happens outside any transaction (it takes a while and needs no lock); only the
    write of the file's name is conditional, so two renderers store one name and the loser's
    file is removed.
    """
    storage = private_storage()
    if certificate.pdf and storage.exists(certificate.pdf.name):
        return certificate
    content = certificate_pdf(certificate=certificate)
    name = storage.save(
        Certificate._meta.get_field("pdf").generate_filename(certificate, "certificate.pdf"),
        ContentFile(content),
    )
    stale = certificate.pdf.name or ""
    won = Certificate.objects.filter(pk=certificate.pk, pdf=stale).update(pdf=name)
    if not won:
        storage.delete(name)
        certificate.refresh_from_db(fields=["pdf"])
        return certificate
    certificate.pdf.name = name
    return certificate


# --- Department archives -------------------------------------------------------------------


def _builds_expire(*, now: datetime) -> None:
    """Mark archives still waiting or being built ``BUILD_STALE_MINUTES`` after they were
    asked for as failed: their task died, and they must not block new requests forever."""
    CertificateArchive.objects.filter(
        state__in=CertificateArchive.BUILDING,
        requested_at__lt=now - timedelta(minutes=settings.BUILD_STALE_MINUTES),
    ).update(state=CertificateArchive.State.FAILED, finished_at=now)


def _building_for_department(department) -> CertificateArchive | None:
    return CertificateArchive.objects.filter(
        department=department, state__in=CertificateArchive.BUILDING
    ).first()


@transaction.atomic
def certificate_archive_request(
    *, department, user, now: datetime | None = None
) -> tuple[CertificateArchive, bool]:
    """Ask for a ZIP of a department's current certificates; a task builds it.

    Returns ``(archive, created)``. A ZIP of the department still being built is returned
    instead of a new one (its contents depend on the department only, and whoever sees it must
    have access to that department). A person may have ``MAX_BUILDS_PER_USER`` ZIPs in progress;
    one more is refused (429) and creates nothing. Race-safe: the person's row is locked for
    the count (SQLite's IMMEDIATE transactions serialise all writers anyway), and a conditional
    unique constraint keeps one building archive per department.
    """
    now = now or timezone.now()
    _builds_expire(now=now)

    def create() -> CertificateArchive:
        archive = CertificateArchive(department=department, requested_by=user, requested_at=now)
        try:
            archive.full_clean(exclude=["department", "requested_by"], validate_constraints=False)
        except ValidationError as error:  # pragma: no cover - nothing a person types
            raise ApplicationError(str(error)) from error
        archive.save()
        return archive

    archive, created = build_start(
        user=user,
        # The department's ZIP being built, whoever asked: its contents depend on the
        # department only. A concurrent request for it loses on the conditional unique
        # constraint and shares this one.
        existing=lambda: _building_for_department(department),
        in_progress=CertificateArchive.objects.filter(
            requested_by=user, state__in=CertificateArchive.BUILDING
        ),
        refusal=_(
            "You already have %(count)d certificate archives being built. Wait until one "
            "is ready, then ask again."
        ),
        create=create,
        task="certificates.tasks.certificate_archive_build",
    )
    if created:
        audit_record(
            instance=department,
            action="lms.export",
            user=user,
            data={"export": "certificates", "archive": str(archive.public_id)},
        )
    return archive, created


def _archive_certificates(archive: CertificateArchive):
    return (
        Certificate.objects.current()
        .filter(employee__department_id=archive.department_id, employee__is_active=True)
        .order_by("employee_name", "course_title", "serial")
    )


def certificate_archive_build(*, archive: CertificateArchive) -> CertificateArchive:
    """Write the ZIP to a temporary file one PDF at a time, then store it.

    Memory holds one PDF's chunk at a time, never the archive. Missing PDFs are rendered on
    the way. Progress is written every few certificates, for the status page to show.
    """
    certificates = _archive_certificates(archive)
    total = certificates.count()
    CertificateArchive.objects.filter(pk=archive.pk).update(
        state=CertificateArchive.State.RUNNING, total=total, done=0
    )
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive_zip:
                done = 0
                for certificate in certificates.iterator(chunk_size=200):
                    certificate = certificate_pdf_ensure(certificate=certificate)
                    arcname = f"{certificate.serial} {_safe(certificate.employee_name)}.pdf"
                    with (
                        certificate.pdf.open("rb") as source,
                        archive_zip.open(arcname, "w", force_zip64=True) as target,
                    ):
                        shutil.copyfileobj(source, target, 64 * 1024)
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        CertificateArchive.objects.filter(pk=archive.pk).update(done=done)
            spool.seek(0)
            name = private_storage().save(
                CertificateArchive._meta.get_field("file").generate_filename(archive, "a.zip"),
                File(spool, name="certificates.zip"),
            )
    except Exception:
        CertificateArchive.objects.filter(pk=archive.pk).update(
            state=CertificateArchive.State.FAILED, finished_at=timezone.now()
        )
        raise
    CertificateArchive.objects.filter(pk=archive.pk).update(
        state=CertificateArchive.State.READY, done=done, file=name, finished_at=timezone.now()
    )
    archive.refresh_from_db()
    return archive


def _safe(name: str) -> str:
    """A file name part without path separators or control characters."""
    return "".join(c for c in name if c.isalnum() or c in " .-'")[:80].strip() or "certificate"
