"""``manage.py load_demo``: the demo city and sample courses, for development and demonstrations."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.demo.loader import KINDS, DemoConflictError, demo_load
from lms.demo.people import DEMO_PASSWORD, DEPARTMENTS, EMPLOYEES, STAFF


class Command(BaseCommand):
    help = (
        "Load the demo: page tree, three sample courses from the executive order, departments, "
        "liaisons, employees and role users. Safe to run again: it only creates what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even where DEMO_ALLOWED is off (production settings).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEMO_ALLOWED and not force:
            raise CommandError(
                _(
                    "The demo creates accounts whose password is published, so it is off under "
                    "these settings (DEMO_ALLOWED is false). Use --force to load it anyway."
                )
            )
        try:
            stats = demo_load()
        except DemoConflictError as error:
            raise CommandError(str(error)) from error

        for kind in KINDS:
            line = f"{kind}: {stats.created[kind]} created, {stats.found[kind]} found"
            if stats.updated[kind]:
                line += f", {stats.updated[kind]} updated"
            self.stdout.write(line)

        liaisons = ", ".join(f"liaison.{department.code.lower()}" for department in DEPARTMENTS)
        self.stdout.write(
            f"Demo users: {EMPLOYEES[0].username}..{EMPLOYEES[-1].username}, {liaisons}, "
            + ", ".join(person.username for person in STAFF)
        )
        self.stdout.write(f"Demo password (development only): {DEMO_PASSWORD}")
        if stats.changed_anything:
            self.stdout.write(self.style.SUCCESS("Demo loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo already loaded; nothing changed."))
