"""Writes to the organisation: employees, their logins, liaison roles, the synthetic city."""

import dataclasses
import logging
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from lms.audit import audit_record
from lms.models import OrganisationSettings
from lms.organisation import roles, roster, synthetic
from lms.organisation.events import SyncStats, employees_changed_send
from lms.organisation.models import Department, Employee, Liaison
from lms.organisation.selectors import employee_for


@transaction.atomic
def employee_save(*, employee: Employee, first_name: str, last_name: str, email: str) -> Employee:
    """Save an employee with their login; a new employee gets a user with no usable password.

    New staff set their password through "Forgot your password?", so nobody ever types or
    emails someone else's password. Their assignments follow at once: a joiner gets the
    training their audience requires, a transfer or a leaver loses what no longer applies.
    """
    User = get_user_model()
    if employee.user_id is None:
        user = User(username=employee.employee_number.lower())
        user.set_unusable_password()
    else:
        user = employee.user
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_active = employee.is_active
    user.full_clean(exclude=["password"])
    user.save()
    if employee.user_id is None:
        user.groups.add(Group.objects.get(name=roles.EMPLOYEE))
    employee.user = user
    employee.full_clean()
    employee.save()
    employees_changed_send(employee_ids=[employee.pk])
    return employee


@transaction.atomic
def liaison_roles_sync() -> None:
    """Give the Department liaison role to exactly the users designated on a department."""
    group = Group.objects.get(name=roles.LIAISON)
    designated = set(Liaison.objects.values_list("user_id", flat=True).distinct())
    current = set(group.user_set.values_list("pk", flat=True))
    if designated - current:
        group.user_set.add(*(designated - current))
    if current - designated:
        group.user_set.remove(*(current - designated))


# --- The synthetic city ---------------------------------------------------------------------


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


#: Rows built in memory at a time; keeps 100,000 employees from needing a gigabyte.
CITY_CHUNK = 5_000
#: Hire dates reach back this far; tenure is exponential with a mean of about seven years.
CITY_HISTORY_DAYS = 30 * 365
CITY_MEAN_TENURE_DAYS = 7 * 365


@transaction.atomic
def city_generate(
    *, employees: int, seed: int, departments: int | None = None, force: bool = False
) -> CityStats:
    """Replace the synthetic city with a new one: the same departments and people per seed.

    Benchmarks and load tests need a database the size of a city, which no one may fill with
    real people's records. The previous synthetic city is deleted first (see
    :func:`_synthetic_city_clear`), so running it again replaces rather than adds. A database
    holding employees from the HR roster is refused unless ``force``: synthetic people beside
    real ones would show up in real reports.
    """
    if employees < 1 or (departments is not None and departments < 1):
        raise SyntheticCityRefused(_("A city needs at least one employee and one department."))
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
    _synthetic_people_create(rng=rng, plan=plan, city=city, members=members)
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
) -> None:
    """Bulk-insert the people: a login that cannot sign in and an employee profile each.

    Rows are not ``full_clean()``-ed one by one: that would cost a uniqueness query per row,
    and every value is well-formed by construction. The first row of each kind is checked, so
    a change to the models' validation still shows up here.
    """
    User = get_user_model()
    Membership = User.groups.through
    employee_group = Group.objects.get(name=roles.EMPLOYEE)
    # One unusable password for all: hashing 100,000 times would cost minutes and add nothing.
    password = make_password(None)
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
                for chunk in _chunks(employee_ids):
                    Employee.objects.filter(pk__in=chunk)._raw_delete(Employee.objects.db)
                for chunk in _chunks(user_ids):
                    User.objects.filter(pk__in=chunk)._raw_delete(User.objects.db)
            else:
                synthetic_employees.delete()
                # Chunks keep the IN (...) lists under SQLite's limit on query parameters.
                for chunk in _chunks(user_ids):
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
    for chunk in _chunks([str(pk) for pk in employee_ids]):
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


def _chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- The HR roster import -------------------------------------------------------------------


@dataclass(frozen=True)
class RosterImportResult:
    """What :func:`roster_import_apply` changed, for the admin's message and the command."""

    created: int
    updated: int
    transferred: int
    deactivated: int
    reactivated: int
    unchanged: int
    #: How the import moved training assignments (answered by compliance).
    assignments: SyncStats

    def summary(self) -> str:
        return _(
            "%(created)d new, %(updated)d updated, %(transferred)d transferred, "
            "%(deactivated)d deactivated, %(reactivated)d reactivated, %(unchanged)d unchanged. "
            "Assignments: %(assigned)d created, %(restored)d reactivated, %(retired)d "
            "deactivated."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "transferred": self.transferred,
            "deactivated": self.deactivated,
            "reactivated": self.reactivated,
            "unchanged": self.unchanged,
            "assigned": self.assignments.created,
            "restored": self.assignments.reactivated,
            "retired": self.assignments.deactivated,
        }


class RosterImportRefused(Exception):
    """A roster plan with errors cannot be applied; nothing was changed."""


logger = logging.getLogger(__name__)

#: Employees per ``employees_changed`` event: keeps the ``IN (...)`` lists of compliance's
#: ``assignments_sync`` within every database's limit on query parameters however large the
#: roster.
ROSTER_SYNC_CHUNK = 5_000


@transaction.atomic
def roster_import_apply(
    *, plan: roster.RosterPlan, applied_by: AbstractBaseUser | None = None
) -> RosterImportResult:
    """Apply a checked roster: upsert employees by number, then bring assignments in step.

    New employees get a login that cannot sign in yet (they choose a password through "Forgot
    your password?"). Leavers are deactivated with their login, never deleted, so their
    training history stays. Everything is written in bulk, hundreds of rows per statement,
    so rows are not ``full_clean()``-ed one by one: :mod:`roster` checked every value with
    the models' own validators, and the first new row of each kind is cleaned here as a
    tripwire for a model change.
    """
    if not plan.is_valid:
        raise RosterImportRefused(
            ngettext(
                "The roster has %(count)d error; nothing was applied.",
                "The roster has %(count)d errors; nothing was applied.",
                len(plan.errors),
            )
            % {"count": len(plan.errors)}
        )
    now = timezone.now()
    created = _roster_employees_create(plan=plan, now=now)
    changed = _roster_employees_update(plan=plan, now=now)
    assignments = SyncStats()
    ids = created + changed
    for chunk in _chunks(ids, ROSTER_SYNC_CHUNK):
        assignments += employees_changed_send(employee_ids=chunk)
    result = RosterImportResult(
        created=len(created),
        updated=len(plan.updates),
        transferred=len(plan.transfers),
        deactivated=len(plan.deactivations),
        reactivated=len(plan.reactivations),
        unchanged=plan.unchanged,
        assignments=assignments,
    )
    audit_record(
        instance=OrganisationSettings.load(),
        action="lms.roster.import",
        user=applied_by,
        data=dataclasses.asdict(result),
    )
    logger.info(
        "Roster import applied by %s: %s",
        applied_by.get_username() if applied_by is not None else "-",
        result.summary(),
    )
    return result


def _roster_employees_create(*, plan: roster.RosterPlan, now) -> list[int]:
    """Bulk-insert the new employees with their logins and Employee role; return their ids."""
    if not plan.creates:
        return []
    User = get_user_model()
    Membership = User.groups.through
    users = [
        User(
            username=row.employee_number.lower(),
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            # Unusable, as make_password(None) makes it, from a faster source of randomness.
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            is_active=row.active,
            date_joined=now,
        )
        for row in plan.creates
    ]
    users[0].full_clean(exclude=["password"])
    User.objects.bulk_create(users, batch_size=1000)
    people = [
        Employee(
            user_id=user.pk,
            employee_number=row.employee_number,
            department_id=plan.department_ids[row.department_code],
            job_title=row.job_title,
            hire_date=row.hire_date,
            is_active=row.active,
            origin=Employee.Origin.HR,
        )
        for user, row in zip(users, plan.creates, strict=True)
    ]
    people[0].full_clean(validate_unique=False)
    Employee.objects.bulk_create(people, batch_size=1000)
    group = Group.objects.get(name=roles.EMPLOYEE)
    Membership.objects.bulk_create(
        [Membership(user_id=user.pk, group_id=group.pk) for user in users], batch_size=1000
    )
    return [person.pk for person in people]


def _roster_employees_update(*, plan: roster.RosterPlan, now) -> list[int]:
    """Write what changed for existing employees and their logins; return the employees' ids.

    Each field is written only for the rows where it changed, as most changes touch one field.
    """
    if not plan.changes:
        return []
    User = get_user_model()
    people: dict[str, dict[int, object]] = {}  # field -> {employee id: new value}
    users: dict[str, dict[int, object]] = {}  # field -> {user id: new value}
    for change in plan.changes:
        row, known = change.row, change.employee
        for field_change in change.changes:
            match field_change.field:
                case "first_name" | "last_name" | "email":
                    value = getattr(row, field_change.field)
                    users.setdefault(field_change.field, {})[known.user_id] = value
                case "department_code":
                    department = plan.department_ids[row.department_code]
                    people.setdefault("department_id", {})[known.pk] = department
                case "job_title" | "hire_date":
                    value = getattr(row, field_change.field)
                    people.setdefault(field_change.field, {})[known.pk] = value
                case "active":
                    people.setdefault("is_active", {})[known.pk] = row.active
                    users.setdefault("is_active", {})[known.user_id] = row.active
    for name, values in people.items():
        _column_write(Employee, name, values)
    for name, values in users.items():
        _column_write(User, name, values)
    ids = [change.employee.pk for change in plan.changes]
    for chunk in _chunks(ids):
        Employee.objects.filter(pk__in=chunk).update(updated_at=now)  # bulk_update skips auto_now
    return ids


def _column_write(model, name: str, values: dict[int, object]) -> None:
    """Set one column to a value per primary key, in as few statements as suit the values.

    Values many rows share (a department, a status) take one ``UPDATE ... WHERE pk IN`` each;
    values nearly unique per row (names) one ``bulk_update``, whose ``CASE`` costs per row.
    """
    groups: dict[object, list[int]] = {}
    for pk, value in values.items():
        groups.setdefault(value, []).append(pk)
    if len(groups) * 4 <= len(values):
        for value, pks in groups.items():
            for chunk in _chunks(pks):
                model.objects.filter(pk__in=chunk).update(**{name: value})
        return
    objects = []
    for pk, value in values.items():
        obj = model(pk=pk)
        setattr(obj, name, value)
        objects.append(obj)
    # Only the named column is written; the objects carry nothing else.
    model.objects.bulk_update(objects, [name], batch_size=500)


# --- Password resets sent from the admin ----------------------------------------------------


class PasswordResetRefused(Exception):
    """The account cannot be sent a password reset link; the message says why."""


class _AccountPasswordResetForm(PasswordResetForm):
    """Django's reset email for one given account, even one that has no usable password yet.

    (Django's own form skips accounts without a usable password: those OEI creates have none
    until their holder follows this link.)
    """

    def __init__(self, account):
        super().__init__({"email": account.email})
        self.account = account

    def get_users(self, email):
        return [self.account]


def account_password_reset_send(*, user, sent_by) -> None:
    """Email ``user`` a link to choose their password, in their language; audit who sent it.

    Whoever sends it never sets, sees or receives the password (separation of duties: see
    docs/roles.md). The link is Django's one-time token, valid for PASSWORD_RESET_TIMEOUT.
    """
    if not user.is_active:
        raise PasswordResetRefused(
            _("This account is inactive: activate it before sending a password reset.")
        )
    form = _AccountPasswordResetForm(user)
    if not user.email or not form.is_valid():
        raise PasswordResetRefused(
            _("This account has no valid email address: add one before sending a password reset.")
        )
    employee = employee_for(user=user)
    language = employee.preferred_language if employee else settings.LANGUAGE_CODE
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    with transaction.atomic():
        audit_record(
            instance=user,
            action="lms.account.password_reset",
            user=sent_by,
            data={"to": user.email},
        )
    with translation.override(language):
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            subject_template_name="registration/password_set_subject.txt",
            email_template_name="registration/password_set_email.txt",
            html_email_template_name="registration/password_set_email.html",
            extra_email_context={
                "language": language,
                "office_name": OrganisationSettings.load().office_name,
            },
        )
