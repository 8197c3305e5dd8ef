"""What every email of the LMS shares: its subject is plain text on one line.

A subject is a mail header, not HTML: rendered with the templates' usual autoescaping, a course
called "Albuquerque's" would arrive as "Albuquerque&#x27;s". ``subject_render`` renders the
subject template with autoescaping off (the same template may still be included, escaped, in an
HTML part's <title>) and collapses every run of whitespace, newlines included, to one space.
"""

from django.template import Context
from django.template.loader import get_template


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def subject_render(template_name: str, context: dict) -> str:
    """The subject template ``template_name`` rendered as plain text, on one line."""
    template = get_template(template_name).template
    return one_line(template.render(Context(context, autoescape=False)))
