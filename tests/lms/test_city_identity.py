"""The city's identity on every page (issue 20): name, seal, colour, favicon, description,
set by OEI in the admin and nobody else, with a colour white text stays readable on."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from lms.models import OrganisationSettings, contrast_with_white

pytestmark = pytest.mark.django_db


def test_pages_carry_the_seal_the_city_name_and_a_description(client, home_page):
    html = client.get("/").content.decode()
    assert re.search(r'<img class="lms-brand__seal" src="/static/img/seal-placeholder.svg"', html)
    assert '<span class="lms-brand__city">City of Albuquerque</span>' in html
    assert '<meta name="description" content="Training and compliance for' in html
    assert 'rel="icon" href="/static/favicon.ico"' in html
    # The compiled theme, not USWDS's whole stylesheet; no render-blocking script.
    assert "/static/css/lms-theme.css" in html and "uswds.min.css" not in html
    assert "uswds-init" not in html
    assert re.search(r'<script src="/static/uswds/js/uswds.min.js" defer>', html)


def test_the_description_and_name_in_spanish(client, home_page):
    client.cookies["django_language"] = "es"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Capacitación y cumplimiento para el personal de" in html


def test_oei_sets_the_city_name_and_primary_colour(client, home_page):
    settings = OrganisationSettings.load()
    settings.city_name = "Town of Example"
    settings.primary_colour = "#1a4480"
    settings.save()
    response = client.get("/")
    html = response.content.decode()
    assert '<span class="lms-brand__city">Town of Example</span>' in html
    style = re.search(r'<style nonce="([^"]+)">:root \{ --lms-primary: #1a4480; \}</style>', html)
    assert style is not None
    # The inline style is allowed by this response's CSP nonce, and only by it.
    assert f"'nonce-{style.group(1)}'" in response["Content-Security-Policy"]


def test_without_a_colour_no_inline_style_is_written(client, home_page):
    assert "--lms-primary" not in client.get("/").content.decode()


@pytest.mark.parametrize("colour", ["#ffbe2e", "#00bde3", "#ffffff"])
def test_a_colour_white_text_cannot_be_read_on_is_refused(colour):
    settings = OrganisationSettings.load()
    settings.primary_colour = colour
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert "primary_colour" in refused.value.message_dict
    assert "4.5:1" in refused.value.message_dict["primary_colour"][0]


@pytest.mark.parametrize("colour", ["blue", "#12345", "#1234567", "1a4480", "#gg4480"])
def test_a_colour_not_written_as_hex_is_refused(colour):
    settings = OrganisationSettings.load()
    settings.primary_colour = colour
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert "primary_colour" in refused.value.message_dict


def test_contrast_figures():
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#00687d"), 1) >= 4.5  # the theme's primary
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)


def test_oei_edits_the_identity_in_the_admin_and_an_editor_cannot(client, oei_client, home_page):
    settings = OrganisationSettings.load()
    url = reverse("wagtailsettings:edit", args=["lms", "organisationsettings", settings.pk])
    page = oei_client.get(url)
    assert page.status_code == 200
    for field in ("city_name", "logo", "seal", "primary_colour"):
        assert f'name="{field}"' in page.content.decode()
    response = oei_client.post(
        url,
        {
            "office_name": "Office of Equity and Inclusion",
            "contact_phone": "(505) 768-3491",
            "city_name": "City of Albuquerque",
            "primary_colour": "#ffff00",
        },
    )
    assert response.status_code == 200  # the form again, with the contrast message
    assert "4.5:1" in response.content.decode()
    settings.refresh_from_db()
    assert settings.primary_colour == ""


@pytest.mark.parametrize(
    ("app", "model", "fields"),
    [
        ("lms", "organisationsettings", ("logo", "seal")),
        ("certificates", "certificatesettings", ("logo", "signature")),
    ],
)
def test_the_image_choosers_start_under_the_content_security_policy(oei_client, app, model, fields):
    """Wagtail writes each image chooser's starting <script> bare; the policy allows no inline
    script without the request's nonce, so "Choose an image" did nothing on these forms."""
    response = oei_client.get(reverse("wagtailsettings:edit", args=[app, model]), follow=True)
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    for field in fields:
        script = re.search(rf'<script([^>]*)>new ImageChooser\("id_{field}"', html)
        assert script is not None, field
        assert script.group(1) == f' nonce="{nonce}"', field
    # no inline script the policy would block
    assert (
        re.findall(r"<script(?![^>]*\b(?:src|nonce)=)(?![^>]*application/json)[^>]*>", html) == []
    )


def test_the_header_shows_renditions_of_the_logo_and_seal_which_are_published(
    client, home_page, settings, tmp_path
):
    """Only MEDIA_ROOT/images/ (renditions) is published; the header linked to the original
    upload (original_images/), which no visitor can fetch."""
    settings.MEDIA_ROOT = str(tmp_path)
    organisation = OrganisationSettings.load()
    organisation.seal = Image.objects.create(title="Seal", file=get_test_image_file())
    organisation.save()
    html = client.get("/").content.decode()
    seal = re.search(r'<img class="lms-brand__seal" src="([^"]+)"', html).group(1)
    assert seal.startswith(f"{settings.MEDIA_URL}images/"), seal
    organisation.logo = Image.objects.create(title="Logo", file=get_test_image_file())
    organisation.save()
    html = client.get("/").content.decode()
    logo = re.search(r'<img class="lms-brand__logo" src="([^"]+)"', html).group(1)
    assert logo.startswith(f"{settings.MEDIA_URL}images/"), logo
