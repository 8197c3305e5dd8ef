"""Site-wide content: the home page and the settings OEI edits in the Wagtail admin."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


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
        return super().route(request, path_components)


@register_setting(icon="site")
class OrganisationSettings(BaseGenericSetting):
    """Who runs the training programme, shown in the footer and on certificates."""

    office_name = models.CharField(
        _("office name"), max_length=200, default="Office of Equity and Inclusion (OEI)"
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, default="(505) 768-3491")
    contact_email = models.EmailField(_("contact email"), blank=True)

    panels = [FieldPanel("office_name"), FieldPanel("contact_phone"), FieldPanel("contact_email")]

    class Meta:
        verbose_name = _("organisation settings")
