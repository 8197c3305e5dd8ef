"""The certificate is PDF/UA-1: tagged, its QR code a Figure with alternative text, a title
shown as the window's title, a language, and the XMP identification (read with pikepdf)."""

import pytest
from django.utils import translation

from certificates import rendering
from tests.pdf_structure import structure

pytestmark = pytest.mark.django_db


def test_the_certificate_is_a_tagged_pdf_ua_1_document(certificate, employee):
    found = structure(rendering.certificate_pdf(certificate=certificate))
    assert found.root is not None and found.root.children  # a structure tree with content
    assert found.marked  # /MarkInfo << /Marked true >>
    assert found.lang == employee.preferred_language
    assert found.display_doc_title  # the viewer shows the title, not the file name
    assert certificate.serial in found.title and certificate.course_title in found.title
    assert found.pdfua_part == "1"  # XMP pdfuaid:part
    assert found.elements("H1")


def test_the_qr_code_is_a_figure_with_alternative_text(certificate):
    figures = structure(rendering.certificate_pdf(certificate=certificate)).elements("Figure")
    assert figures, "the QR code is a tagged Figure"
    for figure in figures:
        assert figure.alt, "every Figure has alternative text (/Alt)"
    assert any(certificate.verification_url in figure.alt for figure in figures)


def test_the_qr_codes_alternative_text_is_in_the_employees_language(certificate, employee):
    employee.preferred_language = "es"
    employee.save(update_fields=["preferred_language"])
    found = structure(rendering.certificate_pdf(certificate=certificate))
    assert found.lang == "es"
    with translation.override("es"):
        expected = rendering.qr_svg(certificate.verification_url)
    # The QR code's Figure (the seal is a Figure of its own).
    (figure,) = [f for f in found.elements("Figure") if certificate.verification_url in f.alt]
    assert figure.alt.startswith("Código QR")
    assert figure.alt in expected
