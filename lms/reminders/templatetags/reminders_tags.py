from django import template

from lms.reminders.emails import reminder_sentence
from lms.reminders.selectors import notices_for

register = template.Library()


@register.inclusion_tag("reminders/includes/notices.html", takes_context=True)
def reminder_notices(context, assignments):
    """The reminders the employee was sent, as notices: the same sentences as the emails."""
    request = context["request"]
    notices = notices_for(user=request.user, assignments=assignments)
    for notice in notices:
        notice.course = notice.assignment.requirement.course
        notice.sentence = reminder_sentence(
            kind=notice.kind,
            title=notice.course.title,
            due_on=notice.due_on,
            milestone=notice.milestone,
        )
    return {"notices": notices, "request": request}
