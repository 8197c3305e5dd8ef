"""Reads about certificates, scoped to the requesting user in one place.

An employee sees their own certificates; OEI (``certificates.view_certificate``) sees every
one; a liaison reaches only the ZIPs of their own departments. The public sees a certificate
only through its verification code, and only its status, name, course, edition and dates.
"""

import re

from django.db.models import QuerySet

from certificates.models import CODE_PATTERN, Certificate, CertificateArchive
from courses.models import CompletionRevocation
from lms.organisation.selectors import departments_for, employee_for

CODE_RE = re.compile(rf"^{CODE_PATTERN}$")
#: A pasted verification address: the code is the last part of its path.
CODE_IN_TEXT_RE = re.compile(rf"(?:^|/)({CODE_PATTERN})/?$")


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_perm("certificates.revoke_certificate")


def completion_revocation(*, certificate: Certificate) -> CompletionRevocation | None:
    """The voiding of the certificate's completion, if its revocation voided it."""
    if certificate.revoked_at is None:
        return None
    return CompletionRevocation.objects.filter(completion_id=certificate.completion_id).first()


def code_from_input(text: str) -> str | None:
    """The verification code in what someone typed or pasted (a code or the whole address)."""
    text = (text or "").strip().split("?", 1)[0].split("#", 1)[0]
    match = CODE_IN_TEXT_RE.search(text)
    return match.group(1) if match else None


def certificate_for_code(*, code: str) -> Certificate | None:
    """The certificate a verification code names; a malformed code names none."""
    if not CODE_RE.match(code or ""):
        return None
    return Certificate.objects.filter(code=code).first()


def my_certificates(*, user) -> list[Certificate]:
    employee = employee_for(user=user)
    if employee is None:
        return []
    return list(Certificate.objects.filter(employee=employee).order_by("-issued_at", "-pk"))


def certificate_for(*, user, pk: int) -> Certificate | None:
    """A certificate the user may download: their own unless revoked; any one for OEI."""
    queryset = Certificate.objects.select_related("employee")
    if user.is_authenticated and user.has_perm("certificates.view_certificate"):
        return queryset.filter(pk=pk).first()
    employee = employee_for(user=user)
    if employee is None:
        return None
    return queryset.filter(pk=pk, employee=employee, revoked_at__isnull=True).first()


def certificates_managed(*, user, query: str = "") -> QuerySet[Certificate]:
    """Every certificate, for OEI, newest first, optionally matching a serial, name or course."""
    if not can_manage(user):
        return Certificate.objects.none()
    queryset = Certificate.objects.all()
    query = query.strip()
    if query:
        from django.db.models import Q

        queryset = queryset.filter(
            Q(serial__iexact=query)
            | Q(employee_name__icontains=query)
            | Q(course_title__icontains=query)
        )
    return queryset.order_by("-issued_at", "-pk")


def department_for_archive(*, user, code: str):
    if not user.is_authenticated or not user.has_perm("certificates.archive_certificates"):
        return None
    return departments_for(user=user).filter(code=code).first()


def archive_for(*, user, public_id) -> CertificateArchive | None:
    """An archive of a department the user may see (whoever asked for it)."""
    if not user.is_authenticated or not user.has_perm("certificates.archive_certificates"):
        return None
    return (
        CertificateArchive.objects.filter(
            public_id=public_id, department__in=departments_for(user=user)
        )
        .select_related("department")
        .first()
    )
