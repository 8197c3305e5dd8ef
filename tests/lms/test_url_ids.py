"""Every URL pattern with an id answers 0, -1, 2^63 and a non-number with a 4xx, never a 5xx.

The patterns are read from the project's URLconf (Wagtail's admin included, where the LMS's own
admin views live too), so a new pattern is covered without being listed here.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import (
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.urls.resolvers import RegexPattern, RoutePattern

from lms.http import MAX_ID
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

BAD_IDS = ["0", "-1", str(MAX_ID + 1), "not-a-number"]
#: Modules whose views are checked: the LMS's own, and Wagtail's (its admin).
CHECKED = ("lms", "courses", "certificates", "wagtail")

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?!\?)(?P<regex>[^)]*)\)")
DIGITS = {r"\d+", "[0-9]+", r"-?\d+"}
#: A plausible value for a parameter that is not an id.
SAMPLES = {"uuid": str(uuid.uuid4()), "slug": "sample", "str": "sample", "path": "sample"}


def is_id(converter: str, name: str) -> bool:
    if converter in ("uuid", "slug"):
        return False
    return converter in ("int", "id") or name in ("pk", "id") or name.endswith(("_id", "_pk"))


def templates(resolver=None, prefix=""):
    """(template, has_id, module) for every pattern: a URL with {id} where an id goes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            part, has_id = route_template(str(pattern))
        elif isinstance(pattern, RegexPattern):
            part, has_id = regex_template(str(pattern))
            if part is None:
                continue
        else:  # LocalePrefixPattern and the like: nothing to fill in
            part, has_id = "", False
        if isinstance(entry, URLResolver):
            for template, inner_has_id, module in templates(entry, prefix + part):
                yield template, has_id or inner_has_id, module
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "view_class", entry.callback)
            yield prefix + part, has_id, view.__module__


def route_template(route: str):
    has_id = False

    def fill(match):
        nonlocal has_id
        converter, name = match["converter"] or "str", match["name"]
        if is_id(converter, name):
            has_id = True
            return "{id}"
        return SAMPLES.get(converter, "sample")

    return ROUTE_PARAM.sub(fill, route), has_id


def regex_template(regex: str):
    has_id = False

    def fill(match):
        nonlocal has_id
        if match["regex"] in DIGITS or is_id("", match["name"] or ""):
            has_id = True
            return "{id}"
        return "sample"

    template = REGEX_GROUP.sub(fill, regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z"))
    template = template.replace(r"\.", ".").replace(r"\-", "-")
    if re.search(r"[\\^$*+?()\[\]|]", template):
        return None, False  # not a plain path with groups: not reachable by a simple URL
    return template, has_id


def urls_with_ids():
    urls = set()
    for template, has_id, module in templates():
        if has_id and module.split(".")[0] in CHECKED:
            urls.add("/" + template)
    return sorted(urls)


def test_the_walk_finds_the_lms_patterns():
    found = urls_with_ids()
    for expected in (
        "/learn/courses/{id}/quiz/",
        "/learn/lessons/{id}/complete/",
        "/certificates/{id}/pdf/",
        "/compliance/assignments/{id}/",
        "/reports/progress-reports/{id}/",
        "/admin/courses/{id}/new-edition/",
        "/documents/{id}/sample",
    ):
        assert expected in found


@pytest.mark.parametrize("who", ["superuser", "employee", "anonymous"])
def test_out_of_range_and_malformed_ids_are_never_a_server_error(home_page, who):
    client = Client(raise_request_exception=False)
    if who == "superuser":
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
    elif who == "employee":
        client.force_login(EmployeeFactory().user)
    errors = []
    for template in urls_with_ids():
        for bad in BAD_IDS:
            url = template.replace("{id}", bad)
            for method in (client.get, client.post):
                status = method(url).status_code
                if status >= 500:
                    errors.append(f"{method.__name__.upper()} {url}: {status}")
    assert errors == [], "\n".join(errors)


def test_the_id_converter_takes_1_to_2_to_the_63_minus_1(employee_client):
    """The largest id the database holds is looked up (and not found); one more is no match."""
    for course_id in (1, MAX_ID):
        url = reverse("courses:quiz_start", kwargs={"course_id": course_id})
        assert url == f"/learn/courses/{course_id}/quiz/start/"
        assert resolve(url).kwargs == {"course_id": course_id}
        assert employee_client.post(url).status_code == 404
    for path in ("0", "01", str(MAX_ID + 1), str(10**30), "9" * 5000):
        # no LMS pattern matches: it falls through to Wagtail's page tree (a 404 there)
        assert resolve(f"/learn/courses/{path}/quiz/").url_name == "wagtail_serve"
