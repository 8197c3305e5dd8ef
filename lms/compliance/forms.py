"""Forms of the liaison dashboard: they validate what the browser sends, nothing more.

A value the form does not know (a status, a requirement, a sort, a page, an employee of another
department) makes it invalid, and the view answers 400 with the form's message: nothing is
filtered, queued or written with it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lms.compliance.selectors import STATUS_SEVERITY, Status
from lms.organisation.dates import validate_date_in_range
from lms.organisation.models import Employee

SORT_CHOICES = [
    ("name", _("Name")),
    ("due", _("Due date, soonest first")),
    ("status", _("Status, most urgent first")),
]

#: A roster page number above this is nonsense, whatever the department.
MAX_PAGE = 100_000


class RosterFilterForm(forms.Form):
    """The roster's filters, sort and page, from the query string."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a status the roster can be filtered by.")
        },
    )
    requirement = forms.TypedChoiceField(
        label=_("Requirement"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a requirement assigned in this department.")
        },
    )
    q = forms.CharField(
        label=_("Name or employee number"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": _("“%(value)s” is not a way to sort the roster.")},
    )
    page = forms.IntegerField(
        label=_("Page"),
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("The page number must be a whole number."),
            "min_value": _("The page number must be 1 or more."),
            "max_value": _("There is no page that far."),
        },
    )

    def __init__(self, data, *, requirements, **kwargs):
        """``requirements``: (id, name) of the requirements the roster holds."""
        super().__init__(data, **kwargs)
        self.fields["status"].choices = [
            ("", _("All statuses")),
            *((status, Status.LABELS[status]) for status in STATUS_SEVERITY),
        ]
        self.fields["requirement"].choices = [
            ("", _("All requirements")),
            *((str(pk), name) for pk, name in requirements),
        ]

    @property
    def filter_fields(self):
        """The fields a person sets in the filter form (the page is set by the pager)."""
        return [self["status"], self["requirement"], self["q"], self["sort"]]

    def filters(self) -> dict:
        """The cleaned filters as ``selectors.roster_filter`` takes them."""
        return {
            "status": self.cleaned_data["status"] or None,
            "requirement_id": self.cleaned_data["requirement"],
            "search": self.cleaned_data["q"].strip(),
        }

    @property
    def sort_key(self) -> str:
        return self.cleaned_data["sort"] or "name"

    @property
    def page_number(self) -> int:
        return self.cleaned_data["page"] or 1


#: The largest primary key a database column holds; a bigger number is no one's id.
MAX_ID = 2**63 - 1


class EmployeesField(forms.ModelMultipleChoiceField):
    """Employees by id, among the field's queryset; an id no database column could hold is
    refused before it reaches the query (where it would be an overflow, not a 400)."""

    def clean(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                number = 0
            if not 0 < number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super().clean(value)


class ReminderForm(forms.Form):
    """ "Send reminder" to the people ticked in the roster: only people of this department."""

    employees = EmployeesField(
        queryset=Employee.objects.none(),
        error_messages={
            "required": _("Select at least one person to remind."),
            "invalid_choice": _("Some of the people selected are not on this roster."),
            "invalid_pk_value": _("“%(pk)s” is not an employee of this roster."),
        },
    )
    #: The roster's query string, so the liaison comes back to the same filters and page.
    return_query = forms.CharField(required=False, max_length=2000)

    def __init__(self, data, *, employees, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["employees"].queryset = employees

    def return_query_string(self) -> str:
        """The query string rebuilt from its parsed values: never more than a query string."""
        raw = self.cleaned_data.get("return_query", "") if self.is_bound else ""
        return QueryDict(raw or "").urlencode()


class ExtensionForm(forms.Form):
    """OEI or the employee's liaison moves the due date, for a reason."""

    new_due_on = forms.DateField(
        label=_("New due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Later than the current due date."),
        validators=[validate_date_in_range],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: on medical leave until the 15th. At most 1,000 characters."),
    )


class ExemptionForm(forms.Form):
    """OEI or the employee's liaison excuses the employee from the requirement: a liaison
    until a date (required), OEI possibly with no end date (``permanent_allowed``)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this person does not need this training. At most 1,000 characters."),
    )
    until = forms.DateField(
        label=_("Exempt until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day of the exemption."),
        validators=[validate_date_in_range],
        error_messages={
            "required": _(
                "Give the date the exemption ends. Only the Office of Equity and Inclusion "
                "grants an exemption with no end date."
            )
        },
    )

    def __init__(self, *args, permanent_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if permanent_allowed:
            self.fields["until"].required = False
            self.fields["until"].help_text = _(
                "The last day of the exemption. Leave empty for a permanent exemption."
            )


class ExemptionEndForm(forms.Form):
    """OEI or the liaison who granted an exemption ends it early, for a reason."""

    reason = forms.CharField(
        label=_("Reason for ending it"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: back at work. At most 1,000 characters."),
    )


class TeamFilterForm(RosterFilterForm):
    """ "My team" (issue 19): the roster's filters, and whether to show the direct reports
    only or everyone below the supervisor."""

    team = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("direct", _("My direct reports")),
            ("all", _("Everyone below me (reports of my reports too)")),
        ],
        error_messages={"invalid_choice": _("“%(value)s” is not a part of your team to show.")},
    )

    def __init__(self, data, *, requirements, **kwargs):
        super().__init__(data, requirements=requirements, **kwargs)
        self.fields["requirement"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a requirement assigned to your team."
        )

    @property
    def filter_fields(self):
        return [self["team"], self["status"], self["requirement"], self["q"]]

    @property
    def everyone(self) -> bool:
        return self.cleaned_data.get("team") == "all"
