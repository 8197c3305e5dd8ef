"""The Wagtail admin makes no request to a third party: no gravatar, no outside fonts or scripts.

Wagtail loads each user's avatar from gravatar.com with a hash of their email unless
WAGTAIL_GRAVATAR_PROVIDER_URL is None. Each staff role (and a superuser) opens the admin pages
it can reach, and every URL those pages would fetch or point to (src, href, srcset, action,
poster, CSS url(), and URLs inside the JSON the admin's scripts read) must stay on the site.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from lms.models import OrganisationSettings
from lms.organisation import roles
from tests.factories import EmployeeFactory, GuidanceDocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL_ATTRIBUTES = {"src", "href", "srcset", "action", "poster", "formaction", "data", "xlink:href"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]+)")
# Absolute or scheme-relative URLs in script text (JSON props of the sidebar, for instance).
SCRIPT_URL = re.compile(r"""(?:https?:)?\\?/\\?/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>]*""")
# XML namespaces name things; nothing is fetched from them.
NAMESPACES = ("http://www.w3.org/",)
# A link to instructions for turning JavaScript on, inside <noscript>: nothing is fetched.
ALLOWED_LINKS = ("https://www.enable-javascript.com/",)


class URLCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self._in = tag
        for name, value in attrs:
            if not value:
                continue
            if name == "srcset" or name == "imagesrcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.urls.append((f"{tag}[{name}]", candidate.strip().split()[0]))
            elif name in URL_ATTRIBUTES or name.endswith("-url") or name.endswith("url-value"):
                self.urls.append((f"{tag}[{name}]", value))
            elif name == "style":
                self.urls.extend((f"{tag}[style]", url) for url in CSS_URL.findall(value))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.urls.extend(("style", url) for url in CSS_URL.findall(data))
        elif self._in == "script":
            self.urls.extend(
                ("script", url.replace("\\/", "/")) for url in SCRIPT_URL.findall(data)
            )


def outside_urls(html: str) -> list[tuple[str, str]]:
    collector = URLCollector()
    collector.feed(html)
    own_hosts = {
        "testserver",
        "localhost",
        "127.0.0.1",
        urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname,
    }
    found = []
    for where, url in collector.urls:
        if url.startswith(NAMESPACES) or url in ALLOWED_LINKS:
            continue
        parts = urlsplit(url.strip())
        if parts.scheme in ("", "http", "https") and parts.hostname in (None, *own_hosts):
            continue
        if parts.scheme in ("data", "mailto", "tel", "blob", "javascript") and not parts.hostname:
            continue
        found.append((where, url))
    return found


@pytest.fixture
def admin_pages(course):
    document = GuidanceDocumentFactory(url="")
    employee = EmployeeFactory()
    organisation_settings = OrganisationSettings.load()
    pages = {
        "dashboard": reverse("wagtailadmin_home"),
        "explorer": reverse("wagtailadmin_explore", args=[course.pk]),
        "page editor": reverse("wagtailadmin_pages:edit", args=[course.pk]),
        "users": reverse("wagtailusers_users:index"),
        "user editor": reverse("wagtailusers_users:edit", args=[employee.user.pk]),
        "account": reverse("wagtailadmin_account"),
        "settings": reverse(
            "wagtailsettings:edit", args=["lms", "organisationsettings", organisation_settings.pk]
        ),
        "employees": reverse("wagtailsnippets_organisation_employee:list"),
        "guidance": reverse("wagtailsnippets_courses_guidancedocument:list"),
        "guidance editor": reverse(
            "wagtailsnippets_courses_guidancedocument:edit", args=[document.pk]
        ),
        "site history": reverse("wagtailadmin_reports:site_history"),
    }
    return pages


#: What each role must at least be able to open (so the scan cannot pass by seeing nothing).
MUST_OPEN = {
    roles.OEI_ADMIN: {"dashboard", "users", "user editor", "settings", "employees", "account"},
    roles.CONTENT_EDITOR: {"dashboard", "explorer", "page editor", "guidance", "account"},
    roles.LEGAL_REVIEWER: {"dashboard", "explorer", "page editor", "account"},
    "superuser": {
        "dashboard",
        "explorer",
        "page editor",
        "users",
        "user editor",
        "settings",
        "employees",
        "guidance",
        "site history",
        "account",
    },
}


@pytest.mark.parametrize("role", [*roles.STAFF_ROLES, "superuser"])
def test_admin_pages_point_nowhere_outside_the_site(client, admin_pages, role):
    if role == "superuser":
        user = UserFactory(is_superuser=True, email="root@cabq.example")
    else:
        user = UserFactory(roles=[role], email="staff.member@cabq.example")
    client.force_login(user)
    opened, offenders = set(), {}
    for name, url in admin_pages.items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened.add(name)
        found = outside_urls(response.content.decode())
        if found:
            offenders[name] = found
    assert MUST_OPEN[role] <= opened, MUST_OPEN[role] - opened
    assert offenders == {}


def test_the_collector_sees_a_gravatar_where_wagtail_would_put_one():
    """The scan itself would catch the avatar in an <img> and in the sidebar's JSON."""
    html = (
        '<img src="//www.gravatar.com/avatar/abc?s=100">'
        '<script type="application/json">{"avatarUrl": "https://www.gravatar.com/avatar/x"}</script>'
        '<div style="background: url(https://fonts.example.net/a.woff)"></div>'
        '<a href="/admin/">home</a><svg xmlns="http://www.w3.org/2000/svg"></svg>'
    )
    assert [url for _where, url in outside_urls(html)] == [
        "//www.gravatar.com/avatar/abc?s=100",
        "https://www.gravatar.com/avatar/x",
        "https://fonts.example.net/a.woff",
    ]
