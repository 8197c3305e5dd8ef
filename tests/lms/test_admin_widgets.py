"""The project's admin forms write no inline script the Content-Security-Policy refuses
(issue 20): Wagtail's choosers write theirs bare; lms.widgets gives it the request's nonce, for
every foreign key to a page or a snippet (lms/wagtail_hooks.py, lms.choosers), and the image
fields of the settings (tests/lms/test_city_identity.py)."""

import re
from datetime import date

from django.urls import reverse
from wagtail.admin.forms.models import formfield_for_dbfield

from lms.compliance.models import TrainingRequirement
from lms.organisation.models import Employee
from lms.widgets import PageChooser, SnippetChooser

#: An inline <script> with neither a source, a nonce nor a JSON type: the policy refuses it.
BARE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src|nonce)=)(?![^>]*application/json)[^>]*>")


def test_every_foreign_key_to_a_page_or_a_snippet_gets_a_nonce_chooser(oei_client):
    oei_client.get(reverse("wagtailadmin_home"))  # the admin's URLs (and snippet choosers) load
    cases = [
        (TrainingRequirement, "course", PageChooser),
        (Employee, "department", SnippetChooser),
    ]
    for model, name, widget in cases:
        field = formfield_for_dbfield(model._meta.get_field(name))
        assert isinstance(field.widget, widget), (model, name, type(field.widget))


def test_the_requirement_and_employee_editors_start_their_choosers_with_the_nonce(
    oei_client, course, employee
):
    requirement = TrainingRequirement.objects.create(
        name="Respectful workplace", course=course, active_from=date(2026, 1, 5)
    )
    screens = {
        reverse("wagtailsnippets_compliance_trainingrequirement:add"): "PageChooser",
        reverse("wagtailsnippets_compliance_trainingrequirement:edit", args=[requirement.pk]): (
            "PageChooser"
        ),
        reverse("wagtailsnippets_organisation_employee:add"): "SnippetChooser",
        reverse("wagtailsnippets_organisation_employee:edit", args=[employee.pk]): (
            "SnippetChooser"
        ),
    }
    for url, chooser in screens.items():
        response = oei_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        script = re.search(rf"<script([^>]*)>new {chooser}\(", html)
        assert script is not None, url
        assert script.group(1) == f' nonce="{nonce}"', url
        assert BARE_SCRIPT.findall(html) == [], url
        # the screen's one h1 is its title, in the slim header (axe: page-has-heading-one)
        assert len(re.findall(r"<h1\b", html)) == 1, url
