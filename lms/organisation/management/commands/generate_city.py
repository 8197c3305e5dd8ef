"""``manage.py generate_city``: fill a benchmark or test database with a synthetic city."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.organisation.services import city


class Command(BaseCommand):
    help = (
        "Replace the synthetic city with a new one: departments of realistic, heavy-tailed "
        "sizes (a few very large ones such as Police, Fire, Transit and Solid Waste, many small "
        "ones) and N employees, each with a login that cannot sign in. The same seed gives the "
        "same city. Running it again REPLACES the previous synthetic city (employees with "
        "origin 'synthetic', their users and their departments) instead of adding to it; HR "
        "and demo records are left alone. Refuses to run where employees from the HR roster "
        "exist, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees", type=int, required=True, help="How many employees to create."
        )
        parser.add_argument(
            "--seed", type=int, required=True, help="Random seed; the same seed, the same city."
        )
        parser.add_argument(
            "--departments",
            type=int,
            default=None,
            help="How many departments (default: the 31 departments of the catalogue).",
        )
        parser.add_argument(
            "--bench-password",
            default=None,
            help=(
                "Benchmarks only: give every synthetic person this usable password (for the "
                "whole-site load test). Refused unless SYNTHETIC_PASSWORDS_ALLOWED is true (never "
                "in production) and wherever employees from the HR roster exist."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Generate even though the database holds employees from the HR roster.",
        )

    def handle(self, *args, employees, seed, departments, force, bench_password, **options):
        started = time.perf_counter()
        try:
            stats = city.city_generate(
                employees=employees,
                seed=seed,
                departments=departments,
                force=force,
                password=bench_password,
            )
        except city.RealEmployeesPresent as error:
            raise CommandError(f"{error} {_('Use --force to generate it anyway.')}") from error
        except city.SyntheticCityRefused as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started

        if options["verbosity"] >= 2:
            for code, size in stats.department_sizes.items():
                self.stdout.write(f"  {code:<20} {size:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Synthetic city: %(departments)d departments, %(employees)d employees "
                    "in %(seconds).2f s (replaced %(replaced)d previous synthetic employees)."
                )
                % {
                    "departments": stats.departments,
                    "employees": stats.employees,
                    "seconds": seconds,
                    "replaced": stats.replaced_employees,
                }
            )
        )
