from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.services import REASON_MAX_LENGTH, revoked_due_on_default
from lms.organisation.dates import validate_date_in_range


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
    new_due_on = forms.DateField(
        label=_("New due date"),
        initial=revoked_due_on_default,
        required=False,  # left empty: 30 days from today, as the field proposes
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The completion no longer counts once its certificate is revoked: the employee "
            "must take the course again by this date (30 days from today unless you choose "
            "another)."
        ),
        validators=[validate_date_in_range],
    )

    def clean_new_due_on(self):
        new_due_on = self.cleaned_data["new_due_on"] or revoked_due_on_default()
        if new_due_on < timezone.localdate():
            raise ValidationError(
                _("The new due date cannot be in the past: choose today or a later date.")
            )
        return new_due_on


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for re-issuing"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the employee's name changed. Recorded in the audit log."),
    )
