"""``manage.py recompute_aggregates``: recompute the OEI dashboard's standing aggregates."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.organisation.models import Department
from lms.reports.aggregates import standing_recompute


class Command(BaseCommand):
    help = (
        "Recompute the counts per department and requirement that the OEI dashboard and the "
        "progress report read (docs/aggregates.md). The LMS keeps them current itself and the "
        "daily schedule recomputes them after midnight; run this after changing records "
        "outside it (a restore, a fix in SQL), or with --department for one department."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--department",
            action="append",
            default=[],
            metavar="CODE",
            help="Only this department (by code); may be repeated.",
        )

    def handle(self, *args, department, **options):
        department_ids = None
        if department:
            found = dict(Department.objects.filter(code__in=department).values_list("code", "pk"))
            unknown = sorted(set(department) - set(found))
            if unknown:
                raise CommandError(
                    _("No department with the code %(codes)s.") % {"codes": ", ".join(unknown)}
                )
            department_ids = list(found.values())
        pairs = standing_recompute(department_ids=department_ids, refresh=department_ids is None)
        self.stdout.write(
            ngettext(
                "%(count)d department and requirement recomputed.",
                "%(count)d departments and requirements recomputed.",
                pairs,
            )
            % {"count": pairs}
        )
