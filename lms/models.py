"""Site-wide content: the home page and the settings OEI edits in the Wagtail admin."""

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import Page, Site

from lms.widgets import ImageChooser


class HomePage(Page):
    """The landing page; lists the published courses (the template asks courses for them:
    ``course_tags.live_courses``, so this base module never imports courses)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.TrainingIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    @property
    def localized(self):
        """The home page in the active language: itself when it is in that language, which
        Wagtail would otherwise find by asking the database for the active locale (every page
        is routed from here: ``Page.route_for_request``)."""
        try:
            language = get_supported_content_language_variant(translation.get_language())
        except LookupError:
            language = None
        if language == self.locale.language_code:
            return self
        return super().localized

    def route(self, request, path_components):
        """Every address is routed through the source (default-locale) tree, whatever the
        active language: a course has one address in every language, its pages choose the
        text to show (``courses.selectors.course_shown``), and a translation that is not
        approved, or behind its source edition, is never reached by its address."""
        # Only a request in another language can reach a translated home page (Wagtail routes
        # from the active language's translation of the site root): no query in English.
        if (
            translation.get_language() != settings.LANGUAGE_CODE
            and self.locale.language_code != settings.LANGUAGE_CODE
        ):
            source = (
                HomePage.objects.filter(
                    translation_key=self.translation_key,
                    locale__language_code=settings.LANGUAGE_CODE,
                )
                .live()
                .first()
            )
            if source is not None:
                return source.route(request, path_components)
        return self._route_by_address(request, path_components) or super().route(
            request, path_components
        )

    def _route_by_address(self, request, path_components):
        """Wagtail's routing in three queries whatever the depth (Wagtail asks for each level's
        child and then its specific page: two queries a level): the pages on the path by their
        ``url_path``, then the page and its parent as their own types. None (Wagtail routes
        instead) when a page on the way routes in its own way or the address names no page."""
        if not path_components:
            return None
        addresses = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:depth])
            for depth in range(1, len(path_components) + 1)
        ]
        found = {
            url_path: (pk, content_type_id)
            for url_path, pk, content_type_id in Page.objects.filter(
                url_path__in=addresses, path__startswith=self.path
            ).values_list("url_path", "pk", "content_type_id")
        }
        if len(found) != len(addresses):
            return None
        models_on_path = [
            ContentType.objects.get_for_id(found[url][1]).model_class() for url in addresses
        ]
        # A page on the way with a route of its own (a routable page) is routed by Wagtail.
        if any(model is None or model.route is not Page.route for model in models_on_path[:-1]):
            return None
        if models_on_path[-1] is None:
            return None
        page = (
            models_on_path[-1].objects.select_related("locale").filter(pk=found[addresses[-1]][0])
        ).first()
        parent = self
        if len(addresses) > 1:
            parent = (
                models_on_path[-2]
                .objects.select_related("locale")
                .filter(pk=found[addresses[-2]][0])
                .first()
            )
        if page is None or parent is None:
            return None  # deleted meanwhile: Wagtail's routing answers
        # As Wagtail's route does: get_parent() then costs nothing.
        page._cached_parent_obj = parent
        if not page.live:
            raise Http404
        return page.route(request, [])


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#rrggbb`` colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of white text on ``colour``."""
    return 1.05 / (relative_luminance(colour) + 0.05)


#: The least contrast white text needs on the primary colour (WCAG 2.1 AA, 1.4.3).
MIN_PRIMARY_CONTRAST = 4.5

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hexadecimal digits, e.g. #00687d.")
)


def readable_under_white_text(colour: str) -> None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return  # hex_colour says what is wrong with it
    if contrast_with_white(colour) < MIN_PRIMARY_CONTRAST:
        raise ValidationError(
            _(
                "White text on this colour has a contrast of %(ratio).1f:1; it needs at least "
                "4.5:1 to be readable. Choose a darker colour."
            ),
            params={"ratio": contrast_with_white(colour)},
            code="low_contrast",
        )


ORGANISATION_SETTINGS_CACHE_KEY = "lms:organisation-settings"


@register_setting(icon="site")
class OrganisationSettings(BaseGenericSetting):
    """Who runs the training programme, shown in the footer and on certificates, and the
    city's identity on every page (issue 20): name, logo, seal and primary colour."""

    office_name = models.CharField(
        _("office name"), max_length=200, default="Office of Equity and Inclusion (OEI)"
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, default="(505) 768-3491")
    contact_email = models.EmailField(_("contact email"), blank=True)
    city_name = models.CharField(
        _("city name"),
        max_length=100,
        blank=True,
        default="City of Albuquerque",
        help_text=_("Shown beside the seal in the header of every page."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("Shown in the header instead of the seal when set."),
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seal"),
        help_text=_(
            "The city's seal, printed on certificates. Without one, a neutral placeholder seal "
            "drawn for this project is used."
        ),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        blank=True,
        validators=[hex_colour, readable_under_white_text],
        help_text=_(
            "The band along the top of every page and the site name, as #rrggbb; white text "
            "must be readable on it (contrast 4.5:1 or more). Leave empty for the theme's "
            "turquoise."
        ),
    )

    panels = [
        FieldPanel("office_name"),
        FieldPanel("contact_phone"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [
                FieldPanel("city_name"),
                FieldPanel("logo", widget=ImageChooser),
                FieldPanel("seal", widget=ImageChooser),
                FieldPanel("primary_colour"),
            ],
            heading=_("City identity"),
        ),
    ]

    @classmethod
    def load(cls, request_or_site=None):
        """For a request, from the cache (every page's header and footer read it): no query.
        Saving or deleting the settings deletes the cached copy (``_organisation_forget``)."""
        if request_or_site is None or isinstance(request_or_site, Site):
            return super().load(request_or_site)
        attr_name = cls.get_cache_attr_name()
        if not hasattr(request_or_site, attr_name):
            organisation = cache.get(ORGANISATION_SETTINGS_CACHE_KEY)
            if organisation is None:
                organisation = cls._get_or_create()
                cache.set(
                    ORGANISATION_SETTINGS_CACHE_KEY, organisation, settings.SITE_CACHE_SECONDS
                )
            setattr(request_or_site, attr_name, organisation)
        return getattr(request_or_site, attr_name)

    class Meta:
        verbose_name = _("organisation settings")


@receiver(post_save, sender=OrganisationSettings, dispatch_uid="lms.organisation_forget_saved")
@receiver(post_delete, sender=OrganisationSettings, dispatch_uid="lms.organisation_forget_deleted")
def _organisation_forget(sender, **kwargs):
    cache.delete(ORGANISATION_SETTINGS_CACHE_KEY)
