from django.db.models import ForeignKey
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.models import AbstractPage

from lms.audit import ACTIONS
from lms.widgets import PageChooser


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


# --- Privacy: the admin links to nothing outside the site (issue 14) ------------------------


@hooks.register("construct_help_menu")
def help_menu_without_outside_links(request, menu_items):
    """Drop Wagtail's "What's new" and "Editor Guide" items: both open guide.wagtail.org."""
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]


# --- The admin under the Content-Security-Policy and WCAG 2.2 AA (issue 20) -----------------

# Every foreign key to a page, in every admin form, gets Wagtail's page chooser with its
# starting script given the request's nonce (lms.widgets); this replaces Wagtail's own
# registration (wagtail.admin.forms.models). Images are registered by Wagtail's image chooser
# viewset when the admin's URLs load, after this module: an image field names
# lms.widgets.ImageChooser in its FieldPanel (the organisation and certificate settings).
register_form_field_override(
    ForeignKey,
    to=AbstractPage,
    override=lambda db_field: {"widget": PageChooser(target_models=[db_field.remote_field.model])},
)


@hooks.register("insert_global_admin_css")
def admin_stylesheet():
    """static/css/lms-admin.css on every admin screen (a file: the policy allows no inline
    style): 24 px targets, the slim header wrapping at 320 px (docs/accessibility.md)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/lms-admin.css"))
