"""Issuing: every completion yields one immutable certificate with a unique serial and code."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connections
from django.db.models import ProtectedError
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue, certificates_issue_bulk
from courses import services as course_services
from courses.models import Completion, ImmutableRecordError
from lms.models import OrganisationSettings
from tests.factories import CompletionFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def test_completing_a_course_issues_a_certificate_snapshot(course, employee):
    OrganisationSettings.objects.create(office_name="Office of Equity and Inclusion (OEI)")
    lessons = list(course.lessons())
    for lesson in lessons:
        course_services.lesson_complete(employee=employee, lesson=lesson)
    completion = Completion.objects.get(employee=employee)

    certificate = Certificate.objects.get(completion=completion)

    assert certificate.employee_name == employee.full_name
    assert (certificate.course_title, certificate.course_edition) == (course.title, 1)
    assert certificate.completed_at == completion.completed_at
    assert certificate.expires_at == completion.expires_at
    assert certificate.issuing_office == "Office of Equity and Inclusion (OEI)"
    assert re.fullmatch(rf"ABQ-{timezone.localtime().year}-\d{{6}}", certificate.serial)
    # at least 128 bits: 32 URL-safe base64 characters carry 192
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", certificate.code)


def test_the_snapshot_survives_renaming_the_person_and_the_course(certificate, employee, course):
    name, title = certificate.employee_name, certificate.course_title
    employee.user.first_name = "Renamed"
    employee.user.save()
    course.title = "A new title"
    course.save()
    certificate.refresh_from_db()
    assert (certificate.employee_name, certificate.course_title) == (name, title)


def test_issuing_twice_for_one_completion_returns_the_same_certificate(certificate):
    again = certificate_issue(completion=certificate.completion)
    assert again.pk == certificate.pk
    assert Certificate.objects.count() == 1


def test_serials_are_sequential_within_a_year_and_restart_each_year(issue):
    first, second = issue(), issue()
    assert int(second.serial[-6:]) == int(first.serial[-6:]) + 1
    next_year = datetime(timezone.localtime().year + 1, 3, 1, tzinfo=UTC)
    later = certificate_issue(
        completion=CompletionFactory(course=first.course, completed_at=next_year),
        now=next_year,
    )
    assert later.serial == f"ABQ-{next_year.year}-000001"


def test_codes_are_unique_and_unguessable(issue):
    codes = {issue().code for _ in range(5)}
    assert len(codes) == 5


def test_the_snapshot_cannot_be_changed(certificate):
    certificate.employee_name = "Someone else"
    with pytest.raises(ImmutableRecordError):
        certificate.save()
    fresh = Certificate.objects.get(pk=certificate.pk)
    fresh.course_edition = 7
    with pytest.raises(ImmutableRecordError):
        fresh.save(update_fields=["course_edition"])
    assert Certificate.objects.get(pk=certificate.pk).course_edition == 1


def test_a_certificate_is_never_deleted(certificate):
    with pytest.raises(ImmutableRecordError):
        certificate.delete()
    with pytest.raises(ProtectedError):
        certificate.completion.employee.delete()
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_a_revocation_needs_a_reason_in_the_database(certificate):
    with pytest.raises(IntegrityError):
        Certificate._base_manager.filter(pk=certificate.pk).update(revoked_at=timezone.now())


def test_one_certificate_per_completion_in_the_database(certificate):
    duplicate = Certificate(
        **{
            f.attname: getattr(certificate, f.attname)
            for f in Certificate._meta.concrete_fields
            if f.attname not in ("id", "serial", "code")
        },
        serial="ABQ-1999-000001",
    )
    with pytest.raises(IntegrityError):
        duplicate.save()


def test_bulk_issuing_numbers_serials_consecutively(course):
    completions = [CompletionFactory(course=course) for _ in range(3)]
    certificates = certificates_issue_bulk(completions=completions)
    numbers = sorted(int(c.serial[-6:]) for c in certificates)
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    assert certificates_issue_bulk(completions=completions) == []  # once only


def test_recertification_issues_a_new_certificate_and_the_old_one_expires(course, employee):
    """A refresher after expiry is a new completion: a new certificate, the old one expired."""
    long_ago = timezone.now() - timedelta(days=400)
    old = certificate_issue(
        completion=CompletionFactory(
            course=course,
            enrollment__employee=employee,
            completed_at=long_ago,
            expires_at=long_ago + timedelta(days=365),
        )
    )
    new = certificate_issue(
        completion=CompletionFactory(
            course=course,
            enrollment__employee=employee,
            enrollment__cycle=2,
            expires_at=timezone.now() + timedelta(days=365),
        )
    )
    assert new.pk != old.pk and new.serial != old.serial
    assert old.verification_status().code == "expired"
    assert old.verification_status().on == old.expires_at
    assert new.verification_status().code == "valid"


def test_a_newer_edition_supersedes(course, employee, issue):
    old = issue(employee)
    course.edition = 2
    course.save()
    new = issue(employee)
    assert new.course_edition == 2
    status = old.verification_status()
    assert (status.code, status.edition) == ("superseded", 2)
    assert list(Certificate.objects.current()) == [new]


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_yields_distinct_serials(course):
    """Four completions issue at the same moment, each on its own connection."""
    completions = [
        CompletionFactory(course=course, enrollment__employee=EmployeeFactory()) for _ in range(4)
    ]
    barrier = threading.Barrier(len(completions))
    errors = []

    def issue(completion):
        try:
            barrier.wait()
            certificate_issue(completion=completion, render=False)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(c,)) for c in completions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    serials = list(Certificate.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) == 4
    numbers = sorted(int(serial[-6:]) for serial in serials)
    assert numbers == list(range(numbers[0], numbers[0] + 4))


def test_a_certificate_refuses_queryset_updates_and_deletes(certificate):
    """Only the cached PDF may be written by a queryset update; nothing deletes in bulk."""
    issued = Certificate.objects.filter(pk=certificate.pk)
    with pytest.raises(ImmutableRecordError):
        issued.update(employee_name="Someone else")
    with pytest.raises(ImmutableRecordError):
        issued.update(revoked_at=timezone.now(), revocation_reason="forged")
    with pytest.raises(ImmutableRecordError):
        issued.delete()
    assert issued.update(pdf="") == 1
    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.employee_name == certificate.employee_name and stored.revoked_at is None
