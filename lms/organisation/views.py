"""OEI imports the HR roster in the Wagtail admin: upload, preview every change, apply.

Between the preview and the apply the file waits in the uploader's session (server-side),
under a random token and with its SHA-256: the apply checks both, reads the file again against
the database as it is then, and refuses if the changes are no longer the ones previewed.
"""

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta

from django import forms
from django.db import IntegrityError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.organisation import roster
from lms.organisation.services import roster_import

#: Who may import: the OEI administrator role has it (see ``roles.ROLE_PERMISSIONS``).
PERMISSION = "organisation.add_employee"
SESSION_KEY = "organisation.roster_upload"
#: How long a previewed file can wait for its apply.
UPLOAD_MAX_AGE = timedelta(hours=1)
#: Rows shown per kind of change in the preview; the counts are always complete.
PREVIEW_ROWS = 200


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (XLSX or CSV)"),
        help_text=gettext_lazy(
            "The HR export: an Excel workbook (its first sheet) or a CSV file saved as “CSV "
            "UTF-8” or plain CSV, at most 5 MB. Nothing changes until you have seen the preview "
            "and chosen Apply."
        ),
    )

    invite = forms.BooleanField(
        label=gettext_lazy("Invite new people"),
        required=False,
        help_text=gettext_lazy(
            "Email each new employee an invitation to set their password, once the changes are "
            "applied."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than 5 MB. Import a roster this large with "
                    "“manage.py import_roster”."
                )
            )
        return upload


def upload_content(upload: dict) -> bytes:
    """The bytes of the file waiting in the session (kept in base64: XLSX files are binary)."""
    try:
        return base64.b64decode(upload["content"], validate=True)
    except (KeyError, TypeError, binascii.Error) as error:
        raise UploadRefused(400, _("This upload is damaged. Upload the file again.")) from error


class RosterApplyForm(forms.Form):
    """What the preview page posts back: which file it showed and which changes."""

    sha256 = forms.CharField(widget=forms.HiddenInput, min_length=64, max_length=64)
    fingerprint = forms.CharField(widget=forms.HiddenInput, min_length=64, max_length=64)


class UploadRefused(Exception):
    """The upload named in the URL cannot be previewed or applied; a 4xx page says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class RosterImportViewMixin(WagtailAdminTemplateMixin):
    """Admin furniture, and a 403 for anyone in the admin who may not import the roster.

    The refusal is returned rather than raised: Wagtail turns a raised ``PermissionDenied``
    into a redirect to the dashboard. Users without admin access never get here; Wagtail sends
    them to the admin login first.
    """

    page_title = gettext_lazy("Roster import")
    header_icon = "upload"
    error_template_name = "organisation/roster_import_error.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            return self.refuse(
                status=403,
                message=_("Only OEI administrators can import the HR roster."),
                to_upload=False,
            )
        try:
            return super().dispatch(request, *args, **kwargs)
        except UploadRefused as refusal:
            return self.refuse(status=refusal.status, message=refusal.message)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("organisation_roster:upload"), "label": _("Roster import")},
        ]

    def refuse(self, *, status: int, message: str, to_upload: bool = True):
        """An admin page explaining the refusal, linking to where to go from here."""
        self.template_name = self.error_template_name
        context = self.get_context_data(message=message, to_upload=to_upload)
        return self.render_to_response(context, status=status)

    def pending_upload(self, token: str) -> dict:
        """The upload waiting under ``token`` in this session; refused if unknown or expired."""
        upload = self.request.session.get(SESSION_KEY)
        if not upload or not secrets.compare_digest(upload["token"], token):
            raise UploadRefused(
                400,
                _(
                    "This upload is unknown: it was already applied, replaced by a newer "
                    "upload, or the link is wrong. Upload the file again."
                ),
            )
        uploaded_at = parse_datetime(upload["uploaded_at"])
        if uploaded_at is None or timezone.now() - uploaded_at > UPLOAD_MAX_AGE:
            del self.request.session[SESSION_KEY]
            raise UploadRefused(
                410,
                _(
                    "This upload has expired: files wait one hour for their apply. "
                    "Upload the file again."
                ),
            )
        return upload

    def preview(
        self, *, plan: roster.RosterPlan, upload: dict | None, file_name: str, status: int = 200
    ):
        """The preview page: the counts and the changes, or every error."""
        self.template_name = "organisation/roster_import_preview.html"
        self.page_subtitle = file_name
        apply_form = None
        if upload is not None and plan.is_valid:
            apply_form = RosterApplyForm(
                initial={"sha256": upload["sha256"], "fingerprint": plan.fingerprint()}
            )
        context = self.get_context_data(
            plan=plan,
            counts=plan.counts(),
            sections=_sections(plan),
            file_name=file_name,
            upload=upload,
            apply_form=apply_form,
        )
        return self.render_to_response(context, status=status)


class RosterUploadView(RosterImportViewMixin, FormView):
    template_name = "organisation/roster_import_upload.html"
    form_class = RosterUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=roster.COLUMNS, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        plan = roster.roster_validate(content=content)
        if not plan.is_valid:
            return self.preview(plan=plan, upload=None, file_name=upload.name)
        token = secrets.token_urlsafe(24)
        # One pending upload per session: a new upload replaces the previous one.
        self.request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "content": base64.b64encode(content).decode("ascii"),
            "sha256": hashlib.sha256(content).hexdigest(),
            "uploaded_at": timezone.now().isoformat(),
            "invite": form.cleaned_data["invite"],
        }
        return redirect("organisation_roster:preview", token=token)


class RosterPreviewView(RosterImportViewMixin, View):
    http_method_names = ["get"]

    def get(self, request, token):
        upload = self.pending_upload(token)
        plan = roster.roster_validate(content=upload_content(upload))
        return self.preview(plan=plan, upload=upload, file_name=upload["name"])


class RosterApplyView(RosterImportViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, token):
        upload = self.pending_upload(token)
        content = upload_content(upload)
        form = RosterApplyForm(request.POST)
        if not (
            form.is_valid()
            and secrets.compare_digest(form.cleaned_data["sha256"], upload["sha256"])
            and hashlib.sha256(content).hexdigest() == upload["sha256"]
        ):
            return self.refuse(
                status=400,
                message=_("The file to apply is not the file that was previewed. Upload it again."),
            )
        plan = roster.roster_validate(content=content)
        if not plan.is_valid or not secrets.compare_digest(
            form.cleaned_data["fingerprint"], plan.fingerprint()
        ):
            messages.warning(
                request,
                _(
                    "The employees changed since the preview, so the changes below differ "
                    "from the ones you saw. Nothing was applied; check them again."
                ),
            )
            return self.preview(plan=plan, upload=upload, file_name=upload["name"], status=409)
        try:
            result = roster_import.roster_import_apply(
                plan=plan, applied_by=request.user, invite=bool(upload.get("invite"))
            )
        except IntegrityError:
            messages.error(
                request,
                _(
                    "Someone changed the same employees while the roster was applying. "
                    "Nothing was applied; check the changes again."
                ),
            )
            return redirect("organisation_roster:preview", token=token)
        del request.session[SESSION_KEY]
        messages.success(request, _("Roster imported: %(summary)s") % {"summary": result.summary()})
        if upload.get("invite") and result.created:
            messages.success(
                request,
                ngettext(
                    "An invitation is being emailed to %(count)d new person.",
                    "Invitations are being emailed to %(count)d new people.",
                    result.created,
                )
                % {"count": result.created},
            )
        return redirect("organisation_roster:upload")


def _sections(plan: roster.RosterPlan) -> list[dict]:
    """The kinds of change in the order the preview lists them, each cut to PREVIEW_ROWS."""
    kinds = [
        ("creates", _("New employees"), list(plan.creates)),
        ("updates", _("Updated details"), plan.updates),
        ("transfers", _("Transfers"), plan.transfers),
        ("deactivations", _("Leavers (deactivated)"), plan.deactivations),
        ("reactivations", _("Returning (reactivated)"), plan.reactivations),
    ]
    return [
        {"kind": kind, "title": title, "items": items[:PREVIEW_ROWS], "total": len(items)}
        for kind, title, items in kinds
        if items
    ]
