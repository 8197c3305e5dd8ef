"""Certificates for people: thin views over certificates.selectors and certificates.services.

A certificate, archive or department the user may not see is a 404, exactly like one that
does not exist. The public verification pages are rate-limited per client; a client over the
limit gets a 429 page in the site's look.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from certificates import selectors, services
from certificates.forms import ReissueForm, RevokeForm, VerifyForm
from certificates.models import Certificate, CertificateArchive
from lms.errors import ApplicationError

PER_PAGE = 50
MANAGE_PERMISSION = "certificates.revoke_certificate"


def verify_rate(group, request) -> str:
    """Requests per client for the public pages; settings can tighten or loosen it."""
    return getattr(settings, "CERTIFICATE_VERIFY_RATE", "30/m")


def rate_limited(view):
    """Rate-limit a public view by client address; over the limit, answer 429, not 403."""
    limited = ratelimit(key="ip", rate=verify_rate, group="certificates.verify", block=True)(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return limited(request, *args, **kwargs)
        except Ratelimited:
            response = render(request, "certificates/too_many_requests.html", status=429)
            response["Retry-After"] = "60"
            return response

    return wrapped


# --- Public verification ----------------------------------------------------------------------


@require_GET
@rate_limited
def verify_form(request):
    """Type or paste a code; a well-formed one goes to its verification page."""
    if "code" not in request.GET:
        return render(request, "certificates/verify_form.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if form.is_valid():
        code = selectors.code_from_input(form.cleaned_data["code"])
        if code:
            return redirect("certificates:verify", code=code)
        form.add_error(
            "code",
            _("This is not a verification code. Codes have 32 letters, digits, - and _."),
        )
    return render(request, "certificates/verify_form.html", {"form": form}, status=400)


@require_GET
@never_cache
@rate_limited
def verify(request, code: str):
    certificate = selectors.certificate_for_code(code=code)
    if certificate is None:
        raise Http404
    return render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "status": certificate.verification_status()},
    )


# --- Employees --------------------------------------------------------------------------------


@login_required
@require_GET
def my_certificates(request):
    certificates = selectors.my_certificates(user=request.user)
    rows = [(certificate, certificate.verification_status()) for certificate in certificates]
    return render(
        request,
        "certificates/my_certificates.html",
        {"rows": rows, "can_manage": selectors.can_manage(request.user)},
    )


@login_required
@require_GET
def download(request, pk: int):
    """The PDF, rendered now and cached if the task has not run yet."""
    certificate = selectors.certificate_for(user=request.user, pk=pk)
    if certificate is None:
        raise Http404
    certificate = services.certificate_pdf_ensure(certificate=certificate)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.serial}.pdf",
        content_type="application/pdf",
    )


# --- OEI: revoke and re-issue -----------------------------------------------------------------


def manage_view(view):
    return login_required(permission_required(MANAGE_PERMISSION, raise_exception=True)(view))


@manage_view
@require_GET
def manage(request):
    query = request.GET.get("q", "")[:100]
    paginator = Paginator(selectors.certificates_managed(user=request.user, query=query), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(certificate, certificate.verification_status()) for certificate in page]
    return render(
        request,
        "certificates/manage.html",
        {"page": page, "rows": rows, "query": query},
    )


def _managed_or_404(request, pk: int):
    certificate = selectors.certificates_managed(user=request.user).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    return certificate


def _detail(request, certificate, *, revoke_form=None, reissue_form=None, status=200):
    return render(
        request,
        "certificates/manage_detail.html",
        {
            "certificate": certificate,
            "status": certificate.verification_status(),
            "replaced_by": Certificate.objects.filter(reissue_of=certificate).first(),
            "completion_revocation": selectors.completion_revocation(certificate=certificate),
            "revoke_form": revoke_form or RevokeForm(prefix="revoke"),
            "reissue_form": reissue_form or ReissueForm(prefix="reissue"),
        },
        status=status,
    )


@manage_view
@require_GET
def manage_detail(request, pk: int):
    return _detail(request, _managed_or_404(request, pk))


@manage_view
@require_POST
def revoke(request, pk: int):
    certificate = _managed_or_404(request, pk)
    form = RevokeForm(request.POST, prefix="revoke")
    if not form.is_valid():
        return _detail(request, certificate, revoke_form=form, status=400)
    try:
        services.certificate_revoke(
            certificate=certificate,
            user=request.user,
            reason=form.cleaned_data["reason"],
            new_due_on=form.cleaned_data["new_due_on"],
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _detail(request, certificate, revoke_form=form, status=error.status)
    messages.success(
        request,
        _("Certificate %(serial)s revoked. The training is due again by %(date)s.")
        % {
            "serial": certificate.serial,
            "date": date_format(form.cleaned_data["new_due_on"], "DATE_FORMAT"),
        },
    )
    return redirect("certificates:manage_detail", pk=certificate.pk)


@manage_view
@require_POST
def reissue(request, pk: int):
    certificate = _managed_or_404(request, pk)
    form = ReissueForm(request.POST, prefix="reissue")
    if not form.is_valid():
        return _detail(request, certificate, reissue_form=form, status=400)
    try:
        new = services.certificate_reissue(
            certificate=certificate, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _detail(request, certificate, reissue_form=form, status=error.status)
    messages.success(
        request,
        _("Certificate %(old)s re-issued as %(new)s.")
        % {"old": certificate.serial, "new": new.serial},
    )
    return redirect("certificates:manage_detail", pk=new.pk)


# --- Department ZIP ---------------------------------------------------------------------------


@login_required
@require_POST
def archive_request(request, code: str):
    department = selectors.department_for_archive(user=request.user, code=code)
    if department is None:
        raise Http404
    try:
        archive, created = services.certificate_archive_request(
            department=department, user=request.user
        )
    except ApplicationError as error:
        response = render(
            request,
            "certificates/archive_refused.html",
            {"department": department, "message": error.message},
            status=error.status,
        )
        if error.status == 429:
            response["Retry-After"] = "60"
        return response
    if not created:
        messages.info(
            request,
            _("A ZIP of this department's certificates is already being built: here it is."),
        )
    return redirect("certificates:archive", public_id=archive.public_id)


def _archive_or_404(request, public_id):
    archive = selectors.archive_for(user=request.user, public_id=public_id)
    if archive is None:
        raise Http404
    return archive


@login_required
@require_GET
@never_cache
def archive(request, public_id):
    return render(
        request, "certificates/archive.html", {"archive": _archive_or_404(request, public_id)}
    )


@login_required
@require_GET
@never_cache
def archive_progress(request, public_id):
    archive = _archive_or_404(request, public_id)
    return JsonResponse(
        {
            "state": archive.state,
            "state_label": archive.get_state_display(),
            "done": archive.done,
            "total": archive.total,
            "percent": archive.percent,
            "count_text": _("%(done)s of %(total)s certificates added.")
            % {"done": archive.done, "total": archive.total},
            "ready": archive.state == CertificateArchive.State.READY,
        }
    )


@login_required
@require_GET
def archive_download(request, public_id):
    archive = _archive_or_404(request, public_id)
    if archive.state != CertificateArchive.State.READY:
        raise Http404
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        filename=archive.filename,
        content_type="application/zip",
    )
