"""Import a plan's measures from CSV or XLSX (all or nothing) and export a plan with its progress.

Columns (header row, any order; the French headers of the export are accepted too):
axis_number, axis_title, number, title, description, lead_body, partner_bodies (names separated
by « ; »), start_date, due_date (YYYY-MM-DD), budget_planned, budget_spent, status."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.organisations.models import Organisation
from balise.plans import lifecycle
from balise.plans.enums import MeasureStatus, PlanAction
from balise.plans.models import Axis, Measure, MeasureTransition, Plan, ProgressUpdate
from balise.plans.services import _require_manager

COLUMNS = [
    "axis_number",
    "axis_title",
    "number",
    "title",
    "description",
    "lead_body",
    "partner_bodies",
    "start_date",
    "due_date",
    "budget_planned",
    "budget_spent",
    "status",
]
REQUIRED = {"axis_number", "number", "title", "lead_body"}
MAX_ROWS = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class RowError:
    row: int  # line number in the file, the header being line 1
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    axes_created: int = 0
    measures_created: int = 0
    measures_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(filename: str, data: bytes) -> list[dict[str, str]]:
    """Rows as dictionaries of strings, keyed by the canonical column name."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw = _read_xlsx(data)
    elif name.endswith(".csv"):
        raw = _read_csv(data)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if not raw:
        raise ImportFileError(_("The file is empty."))
    header = [_canonical(h) for h in raw[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportFileError(_("Unknown columns: %(cols)s.") % {"cols": ", ".join(unknown)})
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise ImportFileError(_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)})
    rows = []
    for values in raw[1:]:
        if not any(str(v).strip() for v in values):
            rows.append({})
            continue
        rows.append({h: str(v).strip() for h, v in zip(header, values, strict=False) if h})
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    return rows


FRENCH_HEADERS = {
    "numéro d'axe": "axis_number",
    "axe": "axis_title",
    "numéro": "number",
    "intitulé": "title",
    "description": "description",
    "pilote": "lead_body",
    "partenaires": "partner_bodies",
    "début": "start_date",
    "échéance": "due_date",
    "budget prévu": "budget_planned",
    "budget dépensé": "budget_spent",
    "statut": "status",
}


def _canonical(header: object) -> str:
    h = str(header or "").strip().lstrip("\ufeff")
    return FRENCH_HEADERS.get(h.lower(), h.lower())


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file must be encoded in UTF-8."))
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same error for the user
        raise ImportFileError(_("This is not a readable XLSX workbook."))
    ws = wb.worksheets[0]
    out = []
    for row in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
        cells = []
        for v in row:
            if v is None:
                cells.append("")
            elif isinstance(v, datetime.datetime):
                cells.append(v.date().isoformat())
            elif isinstance(v, datetime.date):
                cells.append(v.isoformat())
            elif isinstance(v, float) and v.is_integer():
                cells.append(str(int(v)))
            else:
                cells.append(str(v))
        out.append(cells)
    wb.close()
    return out


def _status_value(raw: str) -> str | None:
    """A status given by its code or its label in any of the platform's languages."""
    if not raw:
        return MeasureStatus.NOT_STARTED
    wanted = raw.casefold()
    for value, label in MeasureStatus.choices:
        if wanted == value:
            return value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                if wanted == str(label).casefold():
                    return value
    return None


@dataclass
class _Parsed:
    line: int
    axis_number: int
    axis_title: str
    number: int
    fields: dict[str, Any]
    partners: list[Organisation]
    status: str


def _parse(rows: list[dict[str, str]], plan: Plan, result: ImportResult) -> list[_Parsed]:
    orgs = {o.name.casefold(): o for o in Organisation.objects.all()}
    parsed: list[_Parsed] = []
    seen_numbers: dict[int, int] = {}
    axis_titles = {a.number: a.title for a in plan.axes.all()}
    for index, row in enumerate(rows, start=2):
        if not row:
            continue
        result.rows += 1
        errors_before = len(result.errors)

        def err(column: str, message: str, line: int = index) -> None:
            result.errors.append(RowError(line, column, message))

        def integer(column: str, row: dict[str, str] = row) -> int | None:
            raw = row.get(column, "")
            if not raw:
                err(column, _("Required."))
                return None
            try:
                value = int(raw)
            except ValueError:
                err(column, _("Not a whole number: “%(v)s”.") % {"v": raw[:50]})
                return None
            if value < 1 or value > 32767:
                err(column, _("Must be between 1 and 32767."))
                return None
            return value

        def date(column: str, row: dict[str, str] = row) -> datetime.date | None:
            raw = row.get(column, "")
            if not raw:
                return None
            try:
                return datetime.date.fromisoformat(raw[:10])
            except ValueError:
                err(column, _("Not a date (YYYY-MM-DD): “%(v)s”.") % {"v": raw[:50]})
                return None

        def money(column: str, row: dict[str, str] = row) -> Decimal | None:
            raw = row.get(column, "").replace(" ", "").replace("\u202f", "").replace(",", ".")
            if not raw:
                return None
            try:
                value = Decimal(raw).quantize(Decimal("0.01"))
            except InvalidOperation:
                err(column, _("Not an amount: “%(v)s”.") % {"v": raw[:50]})
                return None
            if value < 0 or value >= Decimal("1e12"):
                err(column, _("The amount must be positive and below 10¹²."))
                return None
            return value

        axis_number = integer("axis_number")
        number = integer("number")
        title = row.get("title", "")
        if not title:
            err("title", _("Required."))
        elif len(title) > 300:
            err("title", _("At most 300 characters."))
        axis_title = row.get("axis_title", "")
        if len(axis_title) > 250:
            err("axis_title", _("At most 250 characters."))
        lead_name = row.get("lead_body", "")
        lead = orgs.get(lead_name.casefold()) if lead_name else None
        if not lead_name:
            err("lead_body", _("Required."))
        elif lead is None:
            err("lead_body", _("No organisation named “%(v)s”.") % {"v": lead_name[:100]})
        partners = []
        for name in filter(None, (p.strip() for p in row.get("partner_bodies", "").split(";"))):
            org = orgs.get(name.casefold())
            if org is None:
                err("partner_bodies", _("No organisation named “%(v)s”.") % {"v": name[:100]})
            elif lead is None or org.pk != lead.pk:
                partners.append(org)
        start, due = date("start_date"), date("due_date")
        if start and due and due < start:
            err("due_date", _("The due date is before the start date."))
        planned, spent = money("budget_planned"), money("budget_spent")
        status = _status_value(row.get("status", ""))
        if status is None:
            err("status", _("Unknown status: “%(v)s”.") % {"v": row.get("status", "")[:50]})
        if number is not None:
            if number in seen_numbers:
                err(
                    "number",
                    _("Measure %(n)s is already on line %(line)s.")
                    % {"n": number, "line": seen_numbers[number]},
                )
            seen_numbers.setdefault(number, index)
        if axis_number is not None:
            known = axis_titles.get(axis_number)
            if known is None and not axis_title:
                err("axis_title", _("Axis %(n)s is new: give its title.") % {"n": axis_number})
            elif known is None:
                axis_titles[axis_number] = axis_title
        if len(result.errors) == errors_before:
            parsed.append(
                _Parsed(
                    line=index,
                    axis_number=axis_number,
                    axis_title=axis_title,
                    number=number,
                    fields={
                        "title": title,
                        "description": row.get("description", ""),
                        "lead_body": lead,
                        "start_date": start,
                        "due_date": due,
                        "budget_planned": planned,
                        "budget_spent": spent,
                    },
                    partners=partners,
                    status=status,
                )
            )
    return parsed


def plan_measures_import(*, acting_user, plan: Plan, filename: str, data: bytes) -> ImportResult:  # noqa: ANN001
    """Create or update the plan's axes and measures from a file. All rows or none: any error
    leaves the plan unchanged and the result names each faulty row and column."""
    _require_manager(acting_user, plan)
    result = ImportResult()
    try:
        rows = read_rows(filename, data)
    except ImportFileError as exc:
        result.errors.append(RowError(1, "", str(exc)))
        return result
    parsed = _parse(rows, plan, result)
    if not result.ok:
        return result
    with transaction.atomic():
        axes = {a.number: a for a in Axis.objects.select_for_update().filter(plan=plan)}
        existing = {m.number: m for m in Measure.objects.select_for_update().filter(plan=plan)}
        Through = Measure.partner_bodies.through  # noqa: N806
        reason = _("Imported from %(file)s") % {"file": filename[:100]}
        new_measures: list[Measure] = []
        new_partners: list = []
        new_logs: list[MeasureTransition] = []
        for p in parsed:
            axis = axes.get(p.axis_number)
            if axis is None:
                axis = Axis.objects.create(plan=plan, number=p.axis_number, title=p.axis_title)
                axes[p.axis_number] = axis
                result.axes_created += 1
            elif p.axis_title and p.axis_title != axis.title:
                axis.title = p.axis_title
                axis.save(update_fields=["title"])
            measure = existing.get(p.number)
            if measure is None:
                # New measures are written in bulk below, with their partners and status log.
                measure = Measure(
                    plan=plan, axis=axis, number=p.number, status=p.status, **p.fields
                )
                new_measures.append(measure)
                if p.status != MeasureStatus.NOT_STARTED:
                    new_logs.append(
                        MeasureTransition(
                            measure=measure,
                            event="import",
                            from_state=MeasureStatus.NOT_STARTED,
                            to_state=p.status,
                            actor=acting_user if getattr(acting_user, "pk", None) else None,
                            reason=reason,
                        )
                    )
                new_partners.extend(
                    Through(measure_id=measure.pk, organisation_id=o.pk) for o in p.partners
                )
                result.measures_created += 1
                continue
            if p.status != measure.status and not _import_transition(
                acting_user, measure, p.status, filename
            ):
                result.errors.append(
                    RowError(
                        p.line,
                        "status",
                        _("Measure %(n)s cannot go from “%(from)s” to “%(to)s”.")
                        % {
                            "n": p.number,
                            "from": measure.get_status_display(),
                            "to": MeasureStatus(p.status).label,
                        },
                    )
                )
                continue
            for key, value in p.fields.items():
                setattr(measure, key, value)
            measure.axis = axis
            measure.save()
            measure.partner_bodies.set(p.partners)
            result.measures_updated += 1
        Measure.objects.bulk_create(new_measures, batch_size=500)
        Through.objects.bulk_create(new_partners, batch_size=500)
        MeasureTransition.objects.bulk_create(new_logs, batch_size=500)
        if not result.ok:
            transaction.set_rollback(True)
            result.axes_created = result.measures_created = result.measures_updated = 0
            return result
        audit_record(
            actor=acting_user,
            action=PlanAction.IMPORT,
            obj=plan,
            details={
                "rows": result.rows,
                "axes_created": result.axes_created,
                "measures_created": result.measures_created,
                "measures_updated": result.measures_updated,
            },
        )
    return result


def _import_transition(acting_user, measure: Measure, status: str, filename: str) -> bool:  # noqa: ANN001
    from balise.plans.enums import EVENT_FOR_STATUS

    event = EVENT_FOR_STATUS.get(status)
    if event is None or not lifecycle.MEASURE.can(measure, event):
        return False
    lifecycle.MEASURE.apply(
        measure,
        event,
        actor=acting_user,
        reason=_("Imported from %(file)s") % {"file": filename[:100]},
    )
    return True


# -- export -----------------------------------------------------------------------------------
def _safe(value: object) -> object:
    """Neutralise spreadsheet formulas in text cells (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _measure_rows(plan: Plan) -> list[list[object]]:
    rows = []
    measures = (
        plan.measures.select_related("axis", "lead_body")
        .prefetch_related("partner_bodies", "milestones", "updates")
        .order_by("number")
    )
    for m in measures:
        milestones = list(m.milestones.all())
        rows.append(
            [
                m.axis.number,
                m.axis.title,
                m.number,
                m.title,
                m.description,
                m.lead_body.name,
                " ; ".join(sorted(o.name for o in m.partner_bodies.all())),
                m.start_date.isoformat() if m.start_date else "",
                m.due_date.isoformat() if m.due_date else "",
                m.budget_planned if m.budget_planned is not None else "",
                m.budget_spent if m.budget_spent is not None else "",
                m.status,
                len(milestones),
                sum(1 for x in milestones if x.done_at),
                sum(1 for u in m.updates.all() if u.status == "validated"),
            ]
        )
    return rows


PROGRESS_COLUMNS = ["milestones", "milestones_done", "validated_updates"]


def export_csv(*, acting_user, plan: Plan) -> bytes:  # noqa: ANN001
    _require_manager(acting_user, plan)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS + PROGRESS_COLUMNS)
    for row in _measure_rows(plan):
        writer.writerow([_safe(v) for v in row])
    with transaction.atomic():
        audit_record(
            actor=acting_user, action=AuditAction.EXPORT, obj=plan, details={"format": "csv"}
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(*, acting_user, plan: Plan) -> bytes:  # noqa: ANN001
    import openpyxl

    _require_manager(acting_user, plan)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "measures"
    ws.append(COLUMNS + PROGRESS_COLUMNS)
    for row in _measure_rows(plan):
        ws.append([_safe(v) for v in row])
    ws2 = wb.create_sheet("indicators")
    ws2.append(["measure", "indicator", "unit", "target", "date", "value", "source"])
    for m in plan.measures.order_by("number").prefetch_related("indicators__values"):
        for ind in m.indicators.all():
            for v in ind.values.all():
                ws2.append(
                    [
                        m.number,
                        _safe(ind.name),
                        _safe(ind.unit),
                        ind.target_value,
                        v.date,
                        v.value,
                        v.source,
                    ]
                )
    ws3 = wb.create_sheet("updates")
    ws3.append(["measure", "date", "body", "status", "new_status", "text"])
    updates = ProgressUpdate.objects.filter(measure__plan=plan).select_related(
        "measure", "author_organisation"
    )
    for u in updates.order_by("measure__number", "date"):
        ws3.append(
            [
                u.measure.number,
                u.date,
                _safe(u.author_organisation.name),
                u.status,
                u.new_status,
                _safe(u.text),
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    with transaction.atomic():
        audit_record(
            actor=acting_user, action=AuditAction.EXPORT, obj=plan, details={"format": "xlsx"}
        )
    return buffer.getvalue()
