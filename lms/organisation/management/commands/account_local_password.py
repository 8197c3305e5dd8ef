"""``manage.py account_local_password USERNAME [--off]``: the break-glass switch.

With single sign-on on, only accounts marked local sign in with a password. OEI marks employee
and liaison accounts in the users admin, a superuser any account; this command is for the
operator with shell access, e.g. to let the first superuser in (docs/single-sign-on.md).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lms.organisation.services import sign_in


class Command(BaseCommand):
    help = (
        "Mark an account local (it may sign in with its password while single sign-on is on), "
        "or with --off no longer local. Recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--off", action="store_true", help="No longer local.")

    def handle(self, *args, username, off, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as missing:
            raise CommandError(f"No account is called {username!r}.") from missing
        sign_in.account_local_password_set(user=user, local=not off, changed_by=None)
        state = "no longer local" if off else "local: it may sign in with its password"
        self.stdout.write(f"{username} is {state}.")
