"""An XLSX export still being built is not built twice for the same request, and one person
has at most MAX_BUILDS_PER_USER exports in progress."""

import importlib
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lms.organisation import roles
from lms.reports import services, tasks
from lms.reports.models import ReportExport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(**query):
    base = reverse("reports:export", kwargs={"table": "assignments", "kind": "xlsx"})
    return f"{base}?{urlencode(query)}" if query else base


def test_twenty_identical_requests_build_once(city, oei_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        responses = [oei_client.get(url()) for _ in range(20)]
    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.PENDING
    assert len(queued) == 1  # one task handed to the queue
    for response in responses:
        assert response.status_code == 302
        assert response["Location"] == reverse("reports:export_status", args=[export.pk])
    page = oei_client.get(responses[-1]["Location"]).content.decode()
    assert "The same export is already being built" in page


def test_filters_in_another_order_are_the_same_request(city, oei):
    first, created = services.export_build_start(
        user=oei, table="assignments", filters={"date_from": None, "department": "PARKS"}
    )
    again, created_again = services.export_build_start(
        user=oei, table="assignments", filters={"department": "PARKS", "date_from": None}
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk


def test_different_requests_are_capped_per_person(city, oei, oei_client, settings):
    settings.MAX_BUILDS_PER_USER = 3
    departments = ["", "PARKS", "TRANSIT"]
    for code in departments:
        assert oei_client.get(url(department=code)).status_code == 302
    assert ReportExport.objects.count() == 3

    response = oei_client.get(url(privacy=5))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "You already have 3 exports being built" in response.content.decode()
    oei_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    spanish = oei_client.get(url(privacy=5))
    assert spanish.status_code == 429
    assert "Ya tiene 3 exportaciones" in spanish.content.decode()
    assert ReportExport.objects.count() == 3  # nothing created

    # another person is not held back by this one's builds
    other = UserFactory(roles=[roles.EMPLOYEE, roles.OEI_ADMIN])
    assert services.export_build_start(user=other, table="assignments", filters={})[1] is True


def test_a_finished_build_allows_a_new_one(city, oei, settings):
    settings.MAX_BUILDS_PER_USER = 1
    first, _ = services.export_build_start(user=oei, table="assignments", filters={})
    tasks.export_build(first.pk)
    first.refresh_from_db()
    assert first.status == ReportExport.Status.DONE
    second, created = services.export_build_start(user=oei, table="assignments", filters={})
    assert created and second.pk != first.pk


def test_a_build_whose_task_died_blocks_nobody(city, oei, settings):
    settings.BUILD_STALE_MINUTES = 60
    stuck, _ = services.export_build_start(user=oei, table="assignments", filters={})
    ReportExport.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - timedelta(minutes=61)
    )
    fresh, created = services.export_build_start(user=oei, table="assignments", filters={})
    assert created and fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == ReportExport.Status.FAILED


def test_the_database_keeps_one_building_export_per_person_and_request(city, oei):
    """The backstop for two requests at the same moment: a second building row is refused."""
    first, _ = services.export_build_start(user=oei, table="assignments", filters={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportExport.objects.create(
            requested_by=oei, table="assignments", kind="xlsx", build_key=first.build_key
        )
    ReportExport.objects.create(  # streamed exports are never "building"
        requested_by=oei,
        table="assignments",
        kind="xlsx",
        build_key=first.build_key,
        status=ReportExport.Status.STREAMED,
    )


def test_the_migration_keys_exports_still_building_and_fails_older_duplicates(city, oei):
    migration = importlib.import_module(
        "lms.reports.migrations.0003_private_storage_and_one_building_export"
    )
    old = ReportExport.objects.create(
        requested_by=oei, table="assignments", kind="xlsx", filters={"a": 1, "b": 2}, build_key="x"
    )
    new = ReportExport.objects.create(
        requested_by=oei, table="assignments", kind="xlsx", filters={"b": 2, "a": 1}, build_key="y"
    )
    migration.key_building_exports(django_apps, None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.status == ReportExport.Status.PENDING
    assert new.build_key == services.export_build_key(
        table="assignments", kind="xlsx", filters={"a": 1, "b": 2}
    )
    assert old.status == ReportExport.Status.FAILED
