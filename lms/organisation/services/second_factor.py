"""The second factor of staff accounts: TOTP devices (django-otp), enrolled and checked."""

import django_otp
import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

#: The name of the device an enrolment creates (shown in the admin's device list).
DEVICE_NAME = "Authenticator app"


def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The unconfirmed TOTP device ``user`` is enrolling, created the first time (its key is
    random, from django-otp). A confirmed device is never shown again."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_qr_svg(*, device: TOTPDevice) -> str:
    """The enrolment QR code of ``device`` (its otpauth:// URL) as inline SVG, made here:
    nothing is asked of any other site."""
    return segno.make(device.config_url, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True, title=None
    )


def totp_enrolment_confirm(*, request, device: TOTPDevice, code: str) -> bool:
    """Confirm ``device`` with a code from the app; on success the session is verified."""
    if device.user_id != request.user.pk or device.confirmed:
        return False
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    return True


def totp_verify(*, request, code: str) -> bool:
    """Check a code against the user's confirmed devices; on success the session is
    verified. django-otp refuses a code already used and slows down repeated failures."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            django_otp.login(request, device)
            return True
    return False


def user_has_totp(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
