"""OEI's revocation sets when the training is due again ("New due date", default 30 days
ahead); a date in the past or beyond the last date the LMS accepts is refused with a clear
message and changes nothing; a revoked certificate is not re-issued (409)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_reissue, certificate_revoke
from courses.models import CompletionRevocation
from lms.errors import ApplicationError
from lms.organisation import dates

pytestmark = pytest.mark.django_db


def nothing_revoked(certificate) -> bool:
    return (
        Certificate.objects.get(pk=certificate.pk).revoked_at is None
        and not CompletionRevocation.objects.exists()
    )


@pytest.mark.parametrize(
    "days, message",
    [(-1, "cannot be in the past"), (None, dates.LATEST.isoformat())],
)
def test_a_new_due_date_out_of_range_is_refused_and_changes_nothing(
    certificate, oei, days, message
):
    new_due_on = (
        dates.LATEST + timedelta(days=1)
        if days is None
        else timezone.localdate() + timedelta(days=days)
    )
    with pytest.raises(ApplicationError) as error:
        certificate_revoke(certificate=certificate, user=oei, reason="Fraud", new_due_on=new_due_on)
    assert error.value.status == 400
    assert message in error.value.message
    assert nothing_revoked(certificate)


def test_today_is_a_valid_new_due_date(certificate, oei):
    today = timezone.localdate()
    certificate_revoke(certificate=certificate, user=oei, reason="Fraud", new_due_on=today)
    revocation = CompletionRevocation.objects.get()
    assert revocation.completion_id == certificate.completion_id
    assert revocation.due_again_on == today
    assert revocation.reason == "Fraud"


def test_the_revoke_form_has_a_new_due_date_defaulting_to_thirty_days(oei_client, certificate):
    page = oei_client.get(reverse("certificates:manage_detail", args=[certificate.pk]))
    default = (timezone.localdate() + timedelta(days=30)).isoformat()
    html = page.content.decode()
    assert "New due date" in html
    assert f'value="{default}"' in html


def test_the_form_refuses_a_past_date_with_a_message(oei_client, certificate):
    url = reverse("certificates:revoke", args=[certificate.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = oei_client.post(url, {"revoke-reason": "Fraud", "revoke-new_due_on": yesterday})
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    assert nothing_revoked(certificate)
    for forged in ("tomorrow", "9999-99-99", "10000-01-01"):
        response = oei_client.post(url, {"revoke-reason": "Fraud", "revoke-new_due_on": forged})
        assert response.status_code == 400, forged
    assert nothing_revoked(certificate)


def test_the_form_records_the_date_chosen(oei_client, certificate):
    chosen = timezone.localdate() + timedelta(days=10)
    response = oei_client.post(
        reverse("certificates:revoke", args=[certificate.pk]),
        {"revoke-reason": "Fraud", "revoke-new_due_on": chosen.isoformat()},
    )
    assert response.status_code == 302
    assert CompletionRevocation.objects.get().due_again_on == chosen


def test_a_revoked_certificate_is_not_reissued(certificate, oei, oei_client):
    certificate_revoke(certificate=certificate, user=oei, reason="Fraud")
    with pytest.raises(ApplicationError) as error:
        certificate_reissue(certificate=certificate, user=oei)
    assert error.value.status == 409
    response = oei_client.post(reverse("certificates:reissue", args=[certificate.pk]), {})
    assert response.status_code == 409
    assert "revoked" in response.content.decode()
    assert Certificate.objects.count() == 1


def test_revoking_a_replaced_certificate_leaves_the_completion_counting(certificate, oei):
    """A re-issue replaced it: the completion's current certificate is the new one, so
    revoking the old paper voids nothing."""
    new = certificate_reissue(certificate=certificate, user=oei, reason="New name")
    certificate_revoke(certificate=certificate, user=oei, reason="Old name printed")
    assert not CompletionRevocation.objects.exists()
    certificate_revoke(certificate=new, user=oei, reason="Fraud after all")
    assert CompletionRevocation.objects.get().completion_id == certificate.completion_id
