from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def edition_on_publish(sender, instance, revision=None, **kwargs):
    """A course's publication (normally the City Attorney's approval) publishes the new
    edition an editor prepared for it, if any; a minor edit has none and changes nothing."""
    from courses import selectors, services

    user = selectors.revision_approver(course=instance, revision=revision)
    if selectors.is_translation(instance):
        # A translation has no editions of its own: its approval may bring it up to date
        # with its source's edition.
        services.translation_edition_record(translation=instance, revision=revision, user=user)
        return
    services.course_edition_publish(course=instance, user=user)


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from wagtail.signals import page_published

        from courses.models import CoursePage

        page_published.connect(
            edition_on_publish, sender=CoursePage, dispatch_uid="courses.edition_on_publish"
        )
