"""Free-text policy references become clauses of guidance documents, losing nothing.

Each distinct reference text, trimmed (on courses and on quiz questions, live or in a page's
latest revision), becomes a clause of one "Legacy references" document, numbered in order and
titled with the text itself; courses and questions then point at those clauses, and blank
references are dropped. Editors can later re-point them at real documents.
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


def _text(value) -> str:
    return (value or "").strip()


def forwards(apps, schema_editor):
    CoursePage = apps.get_model("courses", "CoursePage")
    CoursePolicyReference = apps.get_model("courses", "CoursePolicyReference")
    GuidanceDocument = apps.get_model("courses", "GuidanceDocument")
    Clause = apps.get_model("courses", "Clause")
    Revision = apps.get_model("wagtailcore", "Revision")

    pages = list(CoursePage.objects.all())
    # A page's latest revision may be a draft citing texts the live page does not: they count.
    revisions = {
        revision.pk: revision
        for revision in Revision.objects.filter(
            pk__in=[page.latest_revision_id for page in pages if page.latest_revision_id]
        )
    }
    references = list(CoursePolicyReference.objects.all())
    texts = {_text(reference.reference) for reference in references}
    for page in pages:
        texts.update(_text(q.get("policy_reference")) for q in _questions(_raw(page.quiz)))
    for revision in revisions.values():
        content = revision.content
        texts.update(
            _text(q.get("policy_reference")) for q in _questions(_raw(content.get("quiz")))
        )
        texts.update(_text(r.get("reference")) for r in content.get("policy_references") or [])
    texts.discard("")

    clause_ids = {}
    if texts:
        document = GuidanceDocument.objects.create(
            title=LEGACY_TITLE,
            short_name="",
            issuer="—",
            issued_on=None,
        )
        for position, text in enumerate(sorted(texts), start=1):
            clause = Clause.objects.create(
                document=document,
                number=str(position),
                title=text[:255],
                text=text,
                sort_order=position,
            )
            clause_ids[text] = clause.pk

    # Blank references (whitespace only, too) carry nothing: they go.
    for reference in references:
        text = _text(reference.reference)
        if text:
            reference.clause_id = clause_ids[text]
            reference.save(update_fields=["clause"])
        else:
            reference.delete()

    def convert(raw):
        for question in _questions(raw):
            text = _text(question.get("policy_reference"))
            question["clauses"] = [str(clause_ids[text])] if text else []
        return raw

    for page in pages:
        CoursePage.objects.filter(pk=page.pk).update(quiz=convert(_raw(page.quiz)))
        revision = revisions.get(page.latest_revision_id)
        if revision is None:
            continue
        content = revision.content
        if content.get("quiz"):
            converted = convert(_raw(content["quiz"]))
            content["quiz"] = (
                json.dumps(converted) if isinstance(content["quiz"], str) else converted
            )
        # As in the table: each reference gets its clause, blank ones are dropped (the clause
        # becomes required, and a revision holding a reference without one could not publish).
        kept = []
        for reference in content.get("policy_references") or []:
            text = _text(reference.get("reference"))
            if text:
                reference["clause"] = clause_ids[text]
                kept.append(reference)
        if "policy_references" in content:
            content["policy_references"] = kept
        revision.content = content
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_guidance_editions_acknowledgments"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
