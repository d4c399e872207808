"""The follow-up committee report as a PDF (fpdf2), from the same data as the web page."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from balise.core.fonts import FONT_DIR
from balise.plans.enums import MeasureStatus
from balise.plans.selectors import CommitteeReport

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


def _text(value: str, font: str) -> str:
    if font == "helvetica":  # core fonts only know Latin-1
        return value.replace("’", "'").encode("latin-1", "replace").decode("latin-1")
    return value


def committee_report_pdf(report: CommitteeReport) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_text(report.plan.title, "helvetica"))
    pdf.set_creator("Balise")
    pdf.set_auto_page_break(auto=True, margin=15)
    font = _font(pdf)
    pdf.add_page()

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font(font, "B", size)
        pdf.multi_cell(0, 7, _text(text, font), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def line(text: str) -> None:
        pdf.set_font(font, "", 10)
        pdf.multi_cell(0, 5.5, _text(text, font), new_x="LMARGIN", new_y="NEXT")

    d = report.dashboard
    heading(report.plan.title, 16)
    heading(_("Follow-up committee report of %(date)s") % {"date": report.date.isoformat()}, 12)
    line(
        (
            _("Changes since the previous committee of %(since)s.")
            if report.since_is_committee
            else _("Changes since the start of the plan on %(since)s.")
        )
        % {"since": report.since.isoformat()}
    )
    pdf.ln(2)
    heading(_("Measures"))
    line(
        _("%(engaged)s of %(total)s measures engaged (engaged or achieved).")
        % {"engaged": report.engaged, "total": report.total}
    )
    for status in MeasureStatus:
        line(f"• {status.label}: {report.counts.get(status.value, 0)}")
    for a in d.axes:
        line(
            _("Axis %(n)s — %(title)s: %(engaged)s of %(total)s engaged")
            % {"n": a.axis.number, "title": a.axis.title, "engaged": a.engaged, "total": a.total}
        )
    pdf.ln(2)
    heading(_("Status changes"))
    for t in report.transitions or []:
        line(
            f"{t.at.date().isoformat()} — {_('Measure')} {t.measure.number}: "
            f"{MeasureStatus(t.from_state).label} → {MeasureStatus(t.to_state).label}"
        )
    if not report.transitions:
        line(_("None."))
    pdf.ln(2)
    heading(_("Validated progress updates"))
    for u in report.validated_updates:
        head = f"{u.date.isoformat()} — {_('Measure')} {u.measure.number}"
        line(f"{head} ({u.author_organisation}): {u.text}")
    if not report.validated_updates:
        line(_("None."))
    pdf.ln(2)
    heading(_("Milestones done"))
    for m in report.milestones_done:
        line(f"{m.done_at.isoformat()} — {_('Measure')} {m.measure.number}: {m.title}")
    if not report.milestones_done:
        line(_("None."))
    pdf.ln(2)
    heading(_("Late milestones"))
    for m in report.milestones_late:
        line(f"{_('due')} {m.due_date.isoformat()} — {_('Measure')} {m.measure.number}: {m.title}")
    if not report.milestones_late:
        line(_("None."))
    pdf.ln(2)
    heading(_("Indicators"))
    for s in d.indicators:
        latest = "—" if s.latest is None else f"{s.latest} {s.indicator.unit}"
        target = (
            "—"
            if s.indicator.target_value is None
            else f"{s.indicator.target_value} {s.indicator.unit}"
        )
        line(
            f"{_('Measure')} {s.indicator.measure.number} — {s.indicator.name}: "
            f"{latest} ({_('target')} {target})"
        )
    return bytes(pdf.output())
