"""Free-text policy references become clauses of guidance documents, losing nothing.

Each distinct reference text (on courses and on quiz questions) becomes a clause of one
"Legacy references" document, numbered in order and titled with the text itself; courses and
questions then point at those clauses. Editors can later re-point them at real documents.
"""

import json

from django.db import migrations

LEGACY_TITLE = "Legacy references"


def _questions(raw):
    for block in raw:
        if block.get("type") == "question":
            yield block["value"]


def _raw(value):
    """A page's or a revision's stream data as a list of dicts."""
    if value is None:
        return []
    if isinstance(value, str):
        return json.loads(value) if value else []
    return [dict(block) for block in value.raw_data] if hasattr(value, "raw_data") else value


def forwards(apps, schema_editor):
    CoursePage = apps.get_model("courses", "CoursePage")
    CoursePolicyReference = apps.get_model("courses", "CoursePolicyReference")
    GuidanceDocument = apps.get_model("courses", "GuidanceDocument")
    Clause = apps.get_model("courses", "Clause")
    Revision = apps.get_model("wagtailcore", "Revision")

    CoursePolicyReference.objects.filter(reference="").delete()
    texts = set(
        CoursePolicyReference.objects.exclude(reference="").values_list("reference", flat=True)
    )
    pages = list(CoursePage.objects.all())
    for page in pages:
        for question in _questions(_raw(page.quiz)):
            if (question.get("policy_reference") or "").strip():
                texts.add(question["policy_reference"].strip())
    if not texts:
        return
    document = GuidanceDocument.objects.create(
        title=LEGACY_TITLE,
        short_name="",
        issuer="—",
        issued_on=None,
    )
    clause_ids = {}
    for position, text in enumerate(sorted(texts), start=1):
        clause = Clause.objects.create(
            document=document, number=str(position), title=text[:255], text=text, sort_order=position
        )
        clause_ids[text] = clause.pk

    for reference in CoursePolicyReference.objects.all():
        reference.clause_id = clause_ids[reference.reference]
        reference.save(update_fields=["clause"])

    def convert(raw):
        for question in _questions(raw):
            text = (question.get("policy_reference") or "").strip()
            question["clauses"] = [str(clause_ids[text])] if text in clause_ids else []
        return raw

    for page in pages:
        raw = convert(_raw(page.quiz))
        CoursePage.objects.filter(pk=page.pk).update(quiz=raw)
        if page.latest_revision_id:
            revision = Revision.objects.get(pk=page.latest_revision_id)
            content = revision.content
            if content.get("quiz"):
                converted = convert(_raw(content["quiz"]))
                content["quiz"] = (
                    json.dumps(converted) if isinstance(content["quiz"], str) else converted
                )
            for reference in content.get("policy_references") or []:
                reference["clause"] = clause_ids.get(reference.get("reference"))
            revision.content = content
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_guidance_editions_acknowledgments"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
