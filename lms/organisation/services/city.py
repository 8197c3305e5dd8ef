"""The synthetic city: a city-sized set of departments and people for benchmarks and load tests."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from lms.organisation import roles, synthetic
from lms.organisation.models import Department, Employee
from lms.organisation.services.batches import chunks


@dataclass(frozen=True)
class CityStats:
    """What :func:`city_generate` made, for the command's summary and for benchmarks."""

    departments: int
    employees: int
    replaced_employees: int
    #: Employees per department code, largest department first.
    department_sizes: dict[str, int]


class SyntheticCityRefused(Exception):
    """The synthetic city cannot be generated in this database; nothing was changed."""


class RealEmployeesPresent(SyntheticCityRefused):
    """The database holds employees from the HR roster: real people."""


class SyntheticPasswordRefused(SyntheticCityRefused):
    """A usable password for synthetic people was asked for where benchmarks are not allowed."""


#: Rows built in memory at a time; keeps 100,000 employees from needing a gigabyte.
CITY_CHUNK = 5_000
#: Hire dates reach back this far; tenure is exponential with a mean of about seven years.
CITY_HISTORY_DAYS = 30 * 365
CITY_MEAN_TENURE_DAYS = 7 * 365


@transaction.atomic
def city_generate(
    *,
    employees: int,
    seed: int,
    departments: int | None = None,
    force: bool = False,
    password: str | None = None,
) -> CityStats:
    """Replace the synthetic city with a new one: the same departments and people per seed.

    Benchmarks and load tests need a database the size of a city, which no one may fill with
    real people's records. The previous synthetic city is deleted first (see
    :func:`_synthetic_city_clear`), so running it again replaces rather than adds. A database
    holding employees from the HR roster is refused unless ``force``: synthetic people beside
    real ones would show up in real reports.

    ``password`` (benchmarks only: the whole-site load test signs its simulated people in)
    gives every synthetic person that one usable password. It is refused unless the settings
    allow it (``SYNTHETIC_PASSWORDS_ALLOWED``, never true in production) and in any database
    that holds employees from the HR roster, ``force`` or not.
    """
    if employees < 1 or (departments is not None and departments < 1):
        raise SyntheticCityRefused(_("A city needs at least one employee and one department."))
    if password is not None:
        if not getattr(settings, "SYNTHETIC_PASSWORDS_ALLOWED", False):
            raise SyntheticPasswordRefused(
                _(
                    "Usable passwords for synthetic people are for benchmark databases only: "
                    "set SYNTHETIC_PASSWORDS_ALLOWED=true outside production to use them."
                )
            )
        if Employee.objects.filter(origin=Employee.Origin.HR).exists():
            raise SyntheticPasswordRefused(
                _(
                    "The database holds employees from the HR roster: synthetic people with "
                    "usable passwords are never created beside real ones."
                )
            )
        if not password:
            raise SyntheticPasswordRefused(_("The benchmark password must not be empty."))
    real = Employee.objects.filter(origin=Employee.Origin.HR).count()
    if real and not force:
        raise RealEmployeesPresent(
            ngettext(
                "The database holds %(count)d employee from the HR roster, a real person; "
                "a synthetic city belongs in a benchmark or test database.",
                "The database holds %(count)d employees from the HR roster, real people; "
                "a synthetic city belongs in a benchmark or test database.",
                real,
            )
            % {"count": real}
        )
    replaced = _synthetic_city_clear()

    rng = random.Random(seed)
    taken = set(Department.objects.values_list("name", flat=True))
    taken.update(Department.objects.values_list("code", flat=True))
    plan = synthetic.city_plan(
        rng=rng,
        employees=employees,
        departments=min(departments or len(synthetic.CATALOGUE), employees),
        taken=taken,
    )
    city = [Department(name=p.name, code=p.code, serves_children=p.serves_children) for p in plan]
    for department in city:
        department.full_clean()
    Department.objects.bulk_create(city)

    # Which department each employee joins, interleaved so numbers do not run by department.
    members = [i for i, planned in enumerate(plan) for _n in range(planned.size)]
    rng.shuffle(members)
    _synthetic_people_create(rng=rng, plan=plan, city=city, members=members, password=password)
    return CityStats(
        departments=len(city),
        employees=employees,
        replaced_employees=replaced,
        department_sizes={p.code: p.size for p in sorted(plan, key=lambda p: p.size, reverse=True)},
    )


def _synthetic_people_create(
    *,
    rng: random.Random,
    plan: list[synthetic.PlannedDepartment],
    city: list[Department],
    members: list[int],
    password: str | None = None,
) -> None:
    """Bulk-insert the people: a login that cannot sign in (unless ``password``, benchmarks
    only) and an employee profile each.

    Rows are not ``full_clean()``-ed one by one: that would cost a uniqueness query per row,
    and every value is well-formed by construction. The first row of each kind is checked, so
    a change to the models' validation still shows up here.
    """
    User = get_user_model()
    Membership = User.groups.through
    employee_group = Group.objects.get(name=roles.EMPLOYEE)
    # One password hash for all (unusable unless the benchmark asked for one): hashing 100,000
    # times would cost minutes and add nothing.
    password = make_password(password)
    now, today = timezone.now(), timezone.localdate()
    slugs = {name: synthetic.name_slug(name) for name in synthetic.FIRST_NAMES}
    slugs.update({name: synthetic.name_slug(name) for name in synthetic.LAST_NAMES})
    choice, draw = rng.choice, rng.random

    for start in range(0, len(members), CITY_CHUNK):
        users, people = [], []
        for number in range(start + 1, min(start + CITY_CHUNK, len(members)) + 1):
            index = members[number - 1]
            planned = plan[index]
            first, last = choice(synthetic.FIRST_NAMES), choice(synthetic.LAST_NAMES)
            login = f"{slugs[first]}.{slugs[last]}.syn{number}"
            active = draw() >= 0.02
            users.append(
                User(
                    username=login,
                    first_name=first,
                    last_name=last,
                    email=f"{login}@{synthetic.EMAIL_DOMAIN}",
                    password=password,
                    is_active=active,
                    date_joined=now,
                )
            )
            tenure = int(rng.expovariate(1 / CITY_MEAN_TENURE_DAYS)) % CITY_HISTORY_DAYS
            people.append(
                Employee(
                    employee_number=f"{synthetic.EMPLOYEE_NUMBER_PREFIX}{number:07d}",
                    department_id=city[index].pk,
                    job_title=rng.choices(planned.titles, cum_weights=planned.title_weights)[0],
                    hire_date=today - timedelta(days=tenure),
                    preferred_language="es" if draw() < 0.25 else "en",
                    is_active=active,
                    origin=Employee.Origin.SYNTHETIC,
                )
            )
        if start == 0:
            users[0].full_clean(exclude=["password"])
        User.objects.bulk_create(users, batch_size=1000)
        for user, person in zip(users, people, strict=True):
            person.user_id = user.pk
        if start == 0:
            people[0].full_clean(validate_unique=False)
        Employee.objects.bulk_create(people, batch_size=1000)
        Membership.objects.bulk_create(
            [Membership(user_id=user.pk, group_id=employee_group.pk) for user in users],
            batch_size=1000,
        )


def _synthetic_city_clear() -> int:
    """Delete the previous synthetic city and return how many employees it had.

    The synthetic city is its ``origin="synthetic"`` employees, their logins (with their group
    memberships) and the departments they were in. Nothing else is touched, and nothing that
    protects them is deleted with them: if records such as enrollments or a liaison role still
    refer to the city, the whole generation is refused and the database stays as it was.
    """
    synthetic_employees = Employee.objects.filter(origin=Employee.Origin.SYNTHETIC)
    rows = list(synthetic_employees.values_list("pk", "user_id", "department_id"))
    if not rows:
        return 0
    employee_ids, user_ids, department_ids = (list(column) for column in zip(*rows, strict=True))
    User = get_user_model()
    try:
        # Wagtail would clean its reference index one employee at a time (minutes for a
        # city); the index is cleaned in bulk below instead.
        with disable_reference_index_auto_update():
            if _synthetic_people_unreferenced(synthetic_employees):
                # Django's deletion collector spends about a millisecond per person checking
                # relations that the query above found empty. The city was inserted without
                # signals (bulk_create), so it goes without them too.
                memberships = User.groups.through.objects
                memberships.filter(user_id__in=synthetic_employees.values("user_id")).delete()
                for chunk in chunks(employee_ids):
                    Employee.objects.filter(pk__in=chunk)._raw_delete(Employee.objects.db)
                for chunk in chunks(user_ids):
                    User.objects.filter(pk__in=chunk)._raw_delete(User.objects.db)
            else:
                synthetic_employees.delete()
                # Chunks keep the IN (...) lists under SQLite's limit on query parameters.
                for chunk in chunks(user_ids):
                    User.objects.filter(pk__in=chunk).delete()
        Department.objects.filter(pk__in=set(department_ids)).delete()
    except (ProtectedError, RestrictedError) as error:
        blocking = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        raise SyntheticCityRefused(
            _(
                "The previous synthetic city cannot be replaced: %(kinds)s still refer to it. "
                "Remove them first; nothing was changed."
            )
            % {"kinds": ", ".join(kinds)}
        ) from error
    employee_type = ContentType.objects.get_for_model(Employee)
    for chunk in chunks([str(pk) for pk in employee_ids]):
        ReferenceIndex.objects.filter(base_content_type=employee_type, object_id__in=chunk).delete()
        ReferenceIndex.objects.filter(
            to_content_type=employee_type, to_object_id__in=chunk
        ).delete()
    return len(employee_ids)


def _synthetic_people_unreferenced(synthetic_employees) -> bool:
    """Whether no row refers to the synthetic people but their logins and group memberships.

    Checked through every relation Django's deletion collector would follow, so a model added
    later (an enrollment, a certificate) is covered without a change here.
    """
    User = get_user_model()
    own = {(Employee, "user"), (User.groups.through, "user")}
    people = [
        (Employee, synthetic_employees.values("pk")),
        (User, synthetic_employees.values("user_id")),
    ]
    for model, ids in people:
        for relation in get_candidate_relations_to_delete(model._meta):
            related, field = relation.related_model, relation.field.name
            if (related, field) in own:
                continue
            if related._base_manager.filter(**{f"{field}__in": ids}).exists():
                return False
    return True
