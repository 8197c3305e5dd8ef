from django import template
from django.utils import translation
from django.utils.html import format_html

from courses.templatetags.course_tags import in_lang
from lms.reminders.emails import reminder_sentence
from lms.reminders.selectors import notices_for

register = template.Library()

#: Stands for the course title while the sentence is translated and formatted; the title,
#: marked with its language, takes its place in the escaped sentence.
TITLE_MARK = "\x00title\x00"


@register.inclusion_tag("reminders/includes/notices.html", takes_context=True)
def reminder_notices(context, assignments):
    """The reminders the employee was sent, as notices: the same sentences as the emails,
    naming the course as "My training" does (``course_shown``: in the reader's language where
    an approved translation exists, issue 18)."""
    request = context["request"]
    shown = {
        assignment.pk: getattr(assignment, "course_shown", assignment.requirement.course)
        for assignment in assignments
    }
    notices = notices_for(user=request.user, assignments=assignments)
    language = (translation.get_language() or "").split("-")[0]
    for notice in notices:
        notice.course = shown.get(notice.assignment_id, notice.assignment.requirement.course)
        sentence = reminder_sentence(
            kind=notice.kind,
            title=TITLE_MARK,
            due_on=notice.due_on,
            milestone=notice.milestone,
        )
        lang = getattr(notice.course, "content_lang", None)
        title = in_lang(notice.course.title, lang) if lang and lang != language else None
        before, _mark, after = sentence.partition(TITLE_MARK)
        notice.sentence = format_html("{}{}{}", before, title or notice.course.title, after)
    return {"notices": notices, "request": request}
