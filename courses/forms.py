"""Forms editors fill in: a course's next edition."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import DEFAULT_GRACE_DAYS, CoursePage, LessonPage


class CourseEditionForm(forms.Form):
    summary = forms.CharField(
        label=_("What changed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to learners who take the update, and kept in the audit log."),
    )
    grace_days = forms.IntegerField(
        label=_("Grace period (days)"),
        min_value=1,
        max_value=365,
        initial=DEFAULT_GRACE_DAYS,
        help_text=_("People who completed the previous edition must take the update within it."),
    )
    changed_lessons = forms.ModelMultipleChoiceField(
        label=_("Changed lessons"),
        queryset=LessonPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People who completed the previous edition take only these lessons and the quiz "
            "questions on their clauses. Leave all unticked to have everyone retake the whole "
            "course."
        ),
    )

    def __init__(self, *args, course: CoursePage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_lessons"].queryset = LessonPage.objects.child_of(course).order_by(
            "path"
        )
