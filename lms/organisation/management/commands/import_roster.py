"""``manage.py import_roster FILE [--dry-run]``: import the HR roster (XLSX or CSV) from the
command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.organisation import roster
from lms.organisation.services import roster_import


class Command(BaseCommand):
    help = (
        "Import the HR roster: an XLSX workbook (first sheet) or a CSV file (UTF-8, with or "
        "without BOM, or Windows-1252) with the columns "
        + ", ".join(roster.COLUMNS)
        + " and optionally "
        + ", ".join(roster.OPTIONAL_COLUMNS)
        + " (see docs/roster-import.md for the header aliases). Employees are matched by "
        "employee number: new ones are created with a login, "
        "changed ones updated or transferred, those marked inactive deactivated (never "
        "deleted). The whole file is checked first; if any line has an error, nothing is "
        "applied and the command fails listing every error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The roster file (XLSX or CSV).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and print what would change, without changing anything.",
        )
        parser.add_argument(
            "--invite",
            action="store_true",
            help="Email each new employee an invitation to set their password.",
        )

    def handle(self, *args, file, dry_run, invite=False, **options):
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from error
        plan = roster.roster_validate(content=content)
        self.stdout.write(plan.source.describe())
        self.stdout.write(plan.summary())
        if options["verbosity"] >= 2:
            self._write_changes(plan)
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "The roster has %(count)d error; nothing was applied.",
                    "The roster has %(count)d errors; nothing was applied.",
                    len(plan.errors),
                )
                % {"count": len(plan.errors)}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was applied."))
            return
        result = roster_import.roster_import_apply(plan=plan, invite=invite)
        self.stdout.write(
            self.style.SUCCESS(_("Applied: %(summary)s") % {"summary": result.summary()})
        )

    def _write_changes(self, plan: roster.RosterPlan) -> None:
        for text in roster.plan_lines(plan):
            self.stdout.write(text)
