from wagtail import hooks

from lms.audit import ACTIONS


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
