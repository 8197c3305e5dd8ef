"""What every email of the LMS shares: its subject is plain text on one line.

A subject is a mail header, not HTML: rendered with the templates' usual autoescaping, a course
called "Albuquerque's" would arrive as "Albuquerque&#x27;s". ``subject_render`` renders the
subject template with autoescaping off (the same template may still be included, escaped, in an
HTML part's <title>) and collapses every run of whitespace, newlines included, to one space.
"""

from email.header import Header
from email.message import Message

from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def subject_render(template_name: str, context: dict) -> str:
    """The subject template ``template_name`` rendered as plain text, on one line."""
    template = get_template(template_name).template
    return one_line(template.render(Context(context, autoescape=False)))


class TextEmail(EmailMultiAlternatives):
    """An email whose subject header, however long and in whatever language, reads back as the
    one line it is. Django 5.2 encodes a non-ASCII subject into a header whose first line is
    empty (``Subject:`` then a folded line), which some readers show with a leading space or a
    line break; here the header is encoded knowing its name, so it starts on its own line."""

    def message(self):
        message = super().message()
        del message["Subject"]
        # Message.__setitem__ itself: Django's override would turn the Header back into text.
        Message.__setitem__(
            message, "Subject", Header(one_line(self.subject), "utf-8", header_name="Subject")
        )
        return message
