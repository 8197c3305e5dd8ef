"""Template filters for the quiz's markup (issue 20)."""

import re

from django import template
from django.utils.translation import gettext

register = template.Library()

#: The instruction authors often end a several-answer question with, in the site's languages:
#: the form prints it once, under the question, so it is not read twice.
_INSTRUCTIONS = ("Select all that apply.", "Seleccione todas las opciones que correspondan.")


@register.filter
def without_instruction(text: str) -> str:
    """``text`` without a trailing "Select all that apply." (in English, Spanish, or the
    active language's wording), which the quiz form prints on a line of its own."""
    stripped = text.rstrip()
    for instruction in {*_INSTRUCTIONS, gettext("Select all that apply.")}:
        pattern = r"\s*" + re.escape(instruction).replace(r"\ ", r"\s+") + r"$"
        stripped = re.sub(pattern, "", stripped, flags=re.IGNORECASE)
    return stripped
