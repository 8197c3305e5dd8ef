"""The reminder a liaison sends, in the employee's preferred language (HTML and text)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from lms.compliance.selectors import my_assignments_of
from lms.organisation.emails import TextEmail, subject_render
from lms.organisation.models import Employee


def reminder_message(*, employee: Employee, connection) -> TextEmail | None:
    """A reminder listing the employee's open assignments, or None when nothing is open."""
    if not employee.is_active or not employee.user.email:
        return None
    open_items = [
        a for a in my_assignments_of(employee=employee) if a.status not in ("completed", "exempt")
    ]
    if not open_items:
        return None
    with translation.override(employee.preferred_language):
        context = {
            "employee": employee,
            "assignments": open_items,
            "my_training_url": settings.WAGTAILADMIN_BASE_URL + reverse("courses:my_training"),
        }
        subject = subject_render("emails/reminder_subject.txt", context)
        text = render_to_string("emails/reminder.txt", context)
        html = render_to_string("emails/reminder.html", context)
    message = TextEmail(subject, text, to=[employee.user.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message
