"""Generated files are private in every mode: the development server's /media/ serves only
Wagtail's images, the private storage has no URL, and old files move there with new names."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from lms.organisation import roles
from lms.reports.models import ReportExport
from lms.storage import private_storage, unguessable_name
from tests.factories import LiaisonFactory, UserFactory
from tests.media import dev_media, media_file  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

#: Where generated files were kept before the private storage, under MEDIA_ROOT.
OLD_STYLE = [
    "certificates/pdf/6bN0Qf0sTq9qMZ1lA2b3c4d5.pdf",
    "certificates/archives/6bN0Qf0sTq9qMZ1lA2b3c4d5.zip",
    "reports/exports/assignments-2026-12-06-1.xlsx",
    "reports/progress/progress-report-2026-12-01-1.pdf",
    "documents/policy.pdf",
]


def clients(employee):
    roles.roles_sync()
    signed_in = {
        "employee": employee.user,
        "liaison": LiaisonFactory(department=employee.department).user,
        "oei": UserFactory(roles=[roles.EMPLOYEE, roles.OEI_ADMIN]),
    }
    result = {"anonymous": Client()}
    for who, user in signed_in.items():
        result[who] = Client()
        result[who].force_login(user)
    return result


@pytest.mark.parametrize("name", OLD_STYLE)
def test_dev_media_never_serves_generated_files_to_anyone(dev_media, employee, name):  # noqa: F811
    url = media_file(dev_media, name)
    for who, client in clients(employee).items():
        response = client.get(url)
        assert response.status_code == 404, (who, url)


def test_dev_media_serves_wagtail_images_and_no_way_out_of_them(dev_media, client):  # noqa: F811
    image = media_file(dev_media, "images/seal.max-165x165.png", b"\x89PNG")
    media_file(dev_media, "reports/exports/assignments-2026-12-06-1.xlsx")
    response = client.get(image)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG"
    for sneaky in (
        "/media/images/../reports/exports/assignments-2026-12-06-1.xlsx",
        "/media/images/%2e%2e/reports/exports/assignments-2026-12-06-1.xlsx",
        "/media/images//../reports/exports/assignments-2026-12-06-1.xlsx",
        "/media/./reports/exports/assignments-2026-12-06-1.xlsx",
    ):
        assert client.get(sneaky).status_code == 404, sneaky


def test_the_private_storage_has_no_url():
    name = private_storage().save("reports/exports/x.xlsx", ContentFile(b"x"))
    with pytest.raises(ValueError, match="no public URL"):
        private_storage().url(name)


def test_unguessable_names_differ_every_time():
    names = {
        unguessable_name("reports/exports", "assignments-2026-12-06", ".xlsx") for _ in range(50)
    }
    assert len(names) == 50
    for name in names:
        assert re.fullmatch(r"reports/exports/assignments-2026-12-06-[A-Za-z0-9_-]{24}\.xlsx", name)


def test_private_files_move_moves_old_files_and_renames_guessable_ones(employee):
    old = default_storage.save("reports/exports/assignments-2026-12-06-7.xlsx", ContentFile(b"xl"))
    export = ReportExport.objects.create(
        requested_by=employee.user, table="assignments", kind="xlsx", status="done", file=old
    )
    lost = ReportExport.objects.create(
        requested_by=employee.user,
        table="assignments",
        kind="xlsx",
        status="done",
        file="reports/exports/gone.xlsx",
    )

    call_command("private_files_move", "--dry-run", stdout=(out := _Out()), stderr=_Out())
    assert "1 file(s) would move" in out.text
    assert ReportExport.objects.get(pk=export.pk).file.name == old

    call_command("private_files_move", stdout=(out := _Out()), stderr=(err := _Out()))
    export.refresh_from_db()
    new = export.file.name
    assert re.fullmatch(r"reports/exports/assignments-2026-12-06-7-[A-Za-z0-9_-]{24}\.xlsx", new)
    assert private_storage().open(new).read() == b"xl"
    assert not default_storage.exists(old)
    assert "1 file(s) moved" in out.text and f"#{lost.pk}" in err.text

    call_command("private_files_move", stdout=(out := _Out()), stderr=_Out())
    assert "0 file(s) moved to the private storage, 1 already there" in out.text
    export.refresh_from_db()
    assert export.file.name == new


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
