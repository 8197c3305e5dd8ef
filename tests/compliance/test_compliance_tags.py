"""The roster's repeated cells (status, last completion), written by ``compliance_tags``: the same
words and markup as the templates they replace, in the reader's language and time zone."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.utils import translation

from lms.compliance.selectors import Status

CELLS = Template(
    "{% load compliance_tags %}"
    "[{% status_cell status label due_on %}]"
    "[{% last_completed_cell completed_at edition current_edition %}]"
)


def cells(**values) -> str:
    defaults = {
        "status": Status.COMPLETED,
        "label": Status.LABELS[Status.COMPLETED],
        "due_on": date(2027, 3, 31),
        "completed_at": None,
        "edition": None,
        "current_edition": 1,
    }
    return CELLS.render(Context({**defaults, **values}))


def test_statuses_in_words_with_urgent_ones_in_bold():
    assert cells().startswith("[Completed]")
    assert cells(status=Status.OVERDUE, label=Status.LABELS[Status.OVERDUE]).startswith(
        "[<strong>Overdue</strong>]"
    )
    assert cells(status=Status.EXPIRED, label=Status.LABELS[Status.EXPIRED]).startswith(
        "[<strong>Expired: recertify</strong>]"
    )


def test_an_owed_update_names_its_due_date_in_a_tag():
    assert cells(status=Status.UPDATE_DUE, label="ignored").startswith(
        '[<span class="usa-tag lms-status lms-status--update_due">'
        "Update due by March 31, 2027</span>]"
    )


def test_a_label_is_escaped():
    assert cells(status=Status.OVERDUE, label="<i>x</i>").startswith(
        "[<strong>&lt;i&gt;x&lt;/i&gt;</strong>]"
    )


def test_last_completion_on_the_local_day_with_an_older_edition_named():
    # 03:00 UTC on 1 March is still 28 February in Albuquerque (UTC-7).
    completed_at = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
    assert cells(completed_at=completed_at, edition=1, current_edition=1).endswith(
        "[Feb. 28, 2026]"
    )
    assert cells(completed_at=completed_at, edition=1, current_edition=2).endswith(
        "[Feb. 28, 2026 (edition 1)]"
    )
    assert cells().endswith("[Not yet]")


def test_cells_in_spanish():
    with translation.override("es"):
        assert cells().endswith("[Todavía no]")
        text = cells(
            status=Status.UPDATE_DUE,
            completed_at=datetime(2026, 3, 1, 3, 0, tzinfo=UTC),
            edition=1,
            current_edition=2,
        )
    assert "Actualización pendiente antes del 31 de marzo de 2027" in text
    assert text.endswith("[28 de febrero de 2026 (edición 1)]")
