"""Demo public reports with a short conversation. Their receipt codes are drawn and discarded:
to try the reporter's side, make a new report on /public/report/."""

from __future__ import annotations

import secrets
import time

from balise.demo.data import DemoContext, register
from balise.public_reports import services
from balise.public_reports.models import PublicReport

REPORTS = [
    {
        "language": "fr",
        "what": "(démo) Des jeunes femmes arrivent le soir dans un appartement et repartent "
        "accompagnées ; elles semblent ne pas parler français.",
        "where": "Immeuble près de la gare (démo)",
        "region": "Hauts-de-France",
        "when": "Depuis environ un mois",
        "who_affected": "Trois ou quatre jeunes femmes, peut-être une mineure",
        "minors_involved": "yes",
        "exploitation_forms": ["sexual"],
        "contact": "",
        "_answer": "Merci pour votre signalement. Pouvez-vous préciser les jours où vous les "
        "voyez ?",
        "_reply": "Surtout le vendredi et le samedi soir.",
        "_close": None,
    },
    {
        "language": "ar",
        "what": "(تجريبي) عمال في ورشة بناء ينامون في الموقع ولا يتقاضون أجورهم.",
        "where": "ورشة بناء (تجريبي)",
        "region": "Auvergne-Rhône-Alpes",
        "when": "منذ ثلاثة أشهر",
        "who_affected": "حوالي عشرة رجال",
        "minors_involved": "no",
        "exploitation_forms": ["forced_labour"],
        "contact": "",
        "_answer": None,
        "_reply": None,
        "_close": None,
    },
    {
        "language": "en",
        "what": "(demo) A street vendor says his employer takes all his earnings.",
        "where": "Market square (demo)",
        "region": "Grand Est",
        "when": "Last week",
        "who_affected": "One adult man",
        "minors_involved": "no",
        "exploitation_forms": [],
        "contact": "",
        "_answer": "Thank you. We have passed this to the labour inspection.",
        "_reply": None,
        "_close": "passed_to_authorities",
    },
]


@register
def build(ctx: DemoContext) -> None:
    if PublicReport.objects.exists():
        return
    staff = ctx.users["ecoutante"]
    for spec in REPORTS:
        data = {k: v for k, v in spec.items() if not k.startswith("_")}
        # Demo data is not a browser submission: a fresh, unsolved challenge payload is spent
        # directly so that the single-use record exists like for a real report.
        payload = {"n": secrets.token_hex(16), "t": int(time.time()), "d": 0}
        report = services.public_report_submit(pow_payload=payload, **data).report
        if spec["_answer"]:
            services.staff_message_add(acting_user=staff, report=report, body=spec["_answer"])
        if spec["_reply"]:
            services.reporter_message_add(report=report, body=spec["_reply"])
        if spec["_close"]:
            services.public_report_transition(
                acting_user=staff, report=report, event="take_up", reason="(démo)"
            )
            services.public_report_transition(
                acting_user=staff,
                report=report,
                event="close",
                closure_reason=spec["_close"],
                reason="(démo)",
            )
