"""Issue 18: the Spanish content locale beside English.

Wagtail's own migrations create the default locale (``en``); this adds ``es`` so that editors can
translate courses into it. The Spanish home and training index are created when the first course
is translated (as aliases of the English ones, by ``copy_for_translation(copy_parents=True)`` or
wagtail-localize), so nothing else is made here.
"""

from django.db import migrations


def locales_ensure(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in ("en", "es"):
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0012_completion_revocation"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(locales_ensure, migrations.RunPython.noop)]
