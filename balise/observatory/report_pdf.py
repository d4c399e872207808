"""The annual report as a PDF (fpdf2): key figures with the previous year, charts drawn as
vector bars with their data tables, delays, method note and disclosure-control statement."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from balise.core.fonts import FONT_DIR

from .report import Report

FONT_DIRS = [FONT_DIR, Path("/usr/share/fonts/truetype/dejavu")]


def _font(pdf) -> str:  # noqa: ANN001
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            # Arabic letters join and run right to left only with a shaping engine.
            pdf.set_text_shaping(
                use_shaping_engine=True, direction="rtl" if get_language_bidi() else "ltr"
            )
            return "DejaVu"
    return "helvetica"


def _text(value: object, font: str) -> str:
    text = str(value)
    if font == "helvetica":  # core fonts only know Latin-1
        return (
            text.replace("’", "'").replace("–", "-").encode("latin-1", "replace").decode("latin-1")
        )
    return text


def report_pdf(report: Report) -> bytes:
    """The report in the reader's language (Arabic shaped right to left by HarfBuzz)."""
    from fpdf import FPDF

    release = report.release
    pdf = FPDF(format="A4")
    pdf.set_creator("Balise")
    pdf.set_auto_page_break(auto=True, margin=15)
    font = _font(pdf)
    pdf.set_title(_text(_("Annual report"), "helvetica"))
    pdf.add_page()

    def heading(text: object, size: int = 13) -> None:
        pdf.set_font(font, "B", size)
        pdf.multi_cell(0, 7, _text(text, font), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def line(text: object) -> None:
        pdf.set_font(font, "", 10)
        pdf.multi_cell(0, 5.5, _text(text, font), new_x="LMARGIN", new_y="NEXT")

    def row(cells: list[object], bold: bool = False) -> None:
        pdf.set_font(font, "B" if bold else "", 9)
        widths = [100] + [30] * (len(cells) - 1)
        for width, cell in zip(widths, cells, strict=False):
            pdf.cell(width, 6, _text(cell, font)[:60], border=1)
        pdf.ln(6)

    heading(
        _("Annual report %(period)s — %(area)s (version %(version)d)")
        % {"period": release.period, "area": release.area, "version": release.version},
        15,
    )
    heading(_("Key figures"))
    previous = report.previous.period if report.previous else "—"
    row(["", release.period, previous, _("Change")], bold=True)
    for figure in report.figures:
        row(
            [
                figure.label,
                figure.current.get("display", ""),
                figure.previous.get("display", "") if figure.previous else "—",
                figure.change,
            ]
        )
    pdf.ln(3)
    for chart in report.charts:
        if not chart.rows:
            continue
        heading(chart.title, 11)
        numbers = [v for v in (_as_int(d) for _lab, d in chart.rows) if v is not None]
        top = max(numbers or [1]) or 1
        pdf.set_font(font, "", 8)
        for lab, display in chart.rows:
            value = _as_int(display)
            y = pdf.get_y()
            pdf.cell(60, 5, _text(lab, font)[:40])
            if value:
                pdf.set_fill_color(31, 95, 139)
                pdf.rect(pdf.get_x(), y + 1, 100 * value / top, 3.5, style="F")
            pdf.set_x(pdf.l_margin + 165)
            pdf.cell(20, 5, _text(display, font), align="R")
            pdf.ln(5)
        pdf.ln(3)
    heading(_("Decision delays (days)"))
    if report.delays:
        row([_("Stage"), _("Median"), _("90th percentile")], bold=True)
        for delay in report.delays:
            row([delay["stage"], delay["median"], delay["p90"]])
    else:
        line(_("No decisions recorded for this period."))
    pdf.ln(3)
    heading(_("Method and protection of the persons"))
    for paragraph in report.method:
        line(paragraph)
        pdf.ln(1)
    if release.correction_note:
        heading(_("Correction"))
        line(release.correction_note)
    return bytes(pdf.output())


def _as_int(display: str) -> int | None:
    try:
        return int(display)
    except (TypeError, ValueError):
        return None
