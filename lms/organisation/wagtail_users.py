"""Wagtail's users app with the LMS's user admin (separation of duties, see admin_users.py).

Listed in INSTALLED_APPS in place of ``wagtail.users``; this module holds only the app config,
so it can be imported before the models are ready.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class LMSWagtailUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "lms.organisation.admin_users.UserViewSet"
