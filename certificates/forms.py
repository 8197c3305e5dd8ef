from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.services import REASON_MAX_LENGTH


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=300,
        help_text=_("The code printed under the QR code, or the whole verification address."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the certificate, with your name and the date."),
    )


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for re-issuing"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the employee's name changed. Recorded in the audit log."),
    )
