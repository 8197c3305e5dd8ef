"""Forms of the OEI dashboard: filters from the query string, the report's narrative."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.compliance.models import TrainingRequirement
from lms.organisation.dates import validate_date_in_range
from lms.organisation.models import Department
from lms.reports.models import DEFAULT_SMALL_COUNT, ProgressReport
from lms.reports.selectors import MAX_WEEKS, ReportFilters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        help_text=_("Training assigned from this date; the trends start in its week."),
        error_messages={"invalid": _("Enter the start date as YYYY-MM-DD.")},
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        help_text=_("Training assigned up to this date; the trends end in its week."),
        error_messages={"invalid": _("Enter the end date as YYYY-MM-DD.")},
        validators=[validate_date_in_range],
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        to_field_name="code",
        empty_label=_("All departments"),
        error_messages={"invalid_choice": _("That is not an active department.")},
    )
    requirement = forms.ModelChoiceField(
        label=_("Requirement"),
        required=False,
        queryset=TrainingRequirement.objects.none(),
        empty_label=_("All requirements"),
        error_messages={"invalid_choice": _("That is not a training requirement.")},
    )
    privacy = forms.BooleanField(
        label=_("Hide counts below %(threshold)d in exports (for publication)")
        % {"threshold": DEFAULT_SMALL_COUNT},
        required=False,
    )

    def __init__(self, data, *, departments, requirements, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["requirement"].queryset = requirements

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start date must not be after the end date."))
            if (end - start).days > MAX_WEEKS * 7:
                raise forms.ValidationError(
                    _("Choose a period of at most %(weeks)d weeks.") % {"weeks": MAX_WEEKS}
                )
        return cleaned

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            department=data.get("department"),
            requirement=data.get("requirement"),
        )

    @property
    def threshold(self) -> int:
        return DEFAULT_SMALL_COUNT if self.cleaned_data.get("privacy") else 0


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["narrative", "suppress_small_counts", "small_count_threshold"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "narrative": _("What the figures mean, what OEI is doing about them: in plain words."),
        }
