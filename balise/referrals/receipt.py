"""The receipt a referrer gets on submission: reference, when, who, and the screening advice.
It never carries the narrative nor anything that identifies the person.

Arabic needs a font with Arabic glyphs and text shaping (``uharfbuzz``): Balise uses DejaVu Sans
shipped in ``balise/core/fonts`` (or ``BALISE_PDF_FONT``). Without such a font
the receipt is written in French with the PDF core font (Latin script only)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from balise.core.fonts import SANS
from balise.referrals import screening
from balise.referrals.models import Referral

#: Tests turn compression off to read the text of the receipt.
COMPRESS = True

FONT_CANDIDATES = (
    str(SANS),
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


def unicode_font() -> Path | None:
    configured = getattr(settings, "BALISE_PDF_FONT", "") or os.environ.get("BALISE_PDF_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _cell(pdf: FPDF, w: float, h: float, text: str, align: str = "L") -> None:
    pdf.multi_cell(w, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def receipt_pdf(referral: Referral) -> bytes:
    font = unicode_font()
    language = translation.get_language() or settings.LANGUAGE_CODE
    if font is None and language.startswith("ar"):
        language = "fr"
    with translation.override(language):
        return _build(referral, font, rtl=translation.get_language_bidi())


def _build(referral: Referral, font: Path | None, *, rtl: bool) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_compression(COMPRESS)
    pdf.set_title(_("Referral receipt") + f" {referral.reference}")
    pdf.set_author("Balise")
    pdf.set_creator("Balise")
    if font is not None:
        pdf.add_font("body", "", str(font))
        family = "body"
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
        clean = str
    else:
        family = "Helvetica"
        clean = _latin
    align = "R" if rtl else "L"
    pdf.add_page()
    pdf.set_font(family, size=18)
    _cell(pdf, 0, 10, clean(_("Referral receipt")), align=align)
    pdf.set_font(family, size=26)
    _cell(pdf, 0, 14, referral.reference, align="C")
    pdf.set_font(family, size=11)
    submitted = timezone.localtime(referral.submitted_at) if referral.submitted_at else None
    rows = [
        (_("Reference"), referral.reference),
        (_("Submitted on"), submitted.strftime("%Y-%m-%d %H:%M") if submitted else "—"),
        (_("Organisation"), referral.organisation.name),
        (_("Referrer"), referral.referrer.full_name),
        (_("Channel"), str(referral.get_channel_display())),
        (_("Status"), str(referral.get_status_display())),
        (_("Immediate danger"), _("Yes") if referral.immediate_danger else _("No")),
        (
            _("Child pathway"),
            _("Yes: child protection has been alerted") if referral.presumed_minor else _("No"),
        ),
        (_("Consent"), str(referral.get_consent_status_display() or "—")),
    ]
    for label, value in rows:
        _cell(pdf, 0, 7, clean(f"{label} : {value}"), align=align)
    pdf.ln(4)
    pdf.set_font(family, size=13)
    _cell(pdf, 0, 8, clean(_("Indicator screening (advice only)")), align=align)
    pdf.set_font(family, size=10)
    if referral.screening_result:
        result = referral.screening_result
        _cell(
            pdf,
            0,
            6,
            clean(_("Catalogue: %(c)s") % {"c": result.get("catalogue", "")}),
            align=align,
        )
        for row in screening.describe(result):
            state = _("met") if row["met"] else _("not met")
            count = len(row["indicators"])
            line = _("Dimension %(n)s – %(label)s: %(state)s (%(count)s indicators)") % {
                "n": row["number"],
                "label": row["label"],
                "state": state,
                "count": count,
            }
            _cell(pdf, 0, 6, clean(line), align=align)
        verdict = (
            _("The indicators observed point to trafficking.")
            if result.get("points_to_trafficking")
            else _("The indicators observed do not, on their own, point to trafficking.")
        )
        _cell(pdf, 0, 6, clean(verdict), align=align)
    pdf.ln(4)
    pdf.set_font(family, size=9)
    _cell(
        pdf,
        0,
        5,
        clean(
            _(
                "This receipt holds no personal data about the person referred and not the "
                "account given. The screening is an aid: it never decides. Keep the reference "
                "to follow the referral in Balise."
            )
        ),
        align=align,
    )
    return bytes(pdf.output())
