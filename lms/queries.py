"""Reads on hot paths whose SQL the ORM builds once per process, then runs with new values.

Building a query costs Django far more than running a simple one: the certificate's check for an
approved translation of a course (a live ``CoursePage`` of a locale, joined over Wagtail's page
tables, with two subqueries) took about 0.9 ms to build and a few microseconds to run, in every
quiz submission of a learner who reads another language than the course was taken in.

:class:`PreparedRead` keeps the rule in ORM form, written once where it belongs: it calls the
builder once per database with *marks* (distinctive stand-in values) for its arguments, keeps the
compiled SQL and the positions of the marks among its parameters, and from then on only
substitutes the values and runs the SQL. It returns the database's rows as they come (no field
converters run), so it is for columns that need none: text and integers.

The marks must reach the SQL as parameters, never inlined into it; a builder whose compiled
parameters do not carry every mark is refused on first use (``ImproperlyConfigured``), so a
change of the query that would break the substitution fails its tests, not a user's request.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet


class PreparedRead:
    """``build(**marks)``, a read of ``model``, compiled once per database alias; :meth:`rows`
    runs it with values.

    ``marks`` names each argument of ``build`` with the stand-in value used to compile it: a
    value no real call passes (e.g. a negative id, a string with a NUL character)."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], **marks):
        self.model = model
        self.build = build
        self.marks = marks
        self._compiled: dict[str, tuple[str, list, dict[str, list[int]]]] = {}

    def _compile(self, alias: str) -> tuple[str, list, dict[str, list[int]]]:
        queryset = self.build(**self.marks)
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        positions = {
            name: [index for index, param in enumerate(params) if param == mark]
            for name, mark in self.marks.items()
        }
        missing = sorted(name for name, found in positions.items() if not found)
        if missing:
            raise ImproperlyConfigured(
                f"{self.build.__qualname__}: the compiled query does not carry {missing} "
                "as parameters; it cannot be prepared"
            )
        return sql, list(params), positions

    def rows(self, **values) -> list[tuple]:
        """The rows of the query for ``values`` (one per mark), read from the model's database."""
        alias = router.db_for_read(self.model)
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias)
        sql, template, positions = self._compiled[alias]
        params = list(template)
        for name, indexes in positions.items():
            for index in indexes:
                params[index] = values[name]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
