"""``manage.py refresh_assignments``: recompute what each assignment copies from the records."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from lms.compliance.services import assignment_facts_refresh


class Command(BaseCommand):
    help = (
        "Recompute each assignment's latest completion and latest extension from the records. "
        "The LMS keeps them current itself; run this after changing completions or extensions "
        "outside it (a restore, a fix in SQL)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            updated = assignment_facts_refresh()
        self.stdout.write(
            ngettext(
                "%(count)d assignment recomputed.", "%(count)d assignments recomputed.", updated
            )
            % {"count": updated}
        )
