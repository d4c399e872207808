"""The anonymous reporter's follow-up through the API: the receipt code (in the body or an
``Authorization: Receipt`` header, never in the URL) opens the conversation to read the team's
answers and add information, under the rules of the follow-up page: the same per-address limit
on code attempts, the same expiry after inactivity, one indistinguishable refusal, nothing kept
about the caller, nothing cached."""

from __future__ import annotations

import datetime

import argon2
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from balise.audit.models import AuditEntry
from balise.public_reports import services
from balise.public_reports.models import PublicReport, PublicReportMessage, StaffNotice
from balise.public_reports.tests import factories as pf
from tests import factories

pytestmark = pytest.mark.django_db

READ = "/api/v1/public/report/follow-up/"
ADD = "/api/v1/public/report/follow-up/messages/"
CALLER = {"REMOTE_ADDR": "198.51.100.41", "HTTP_USER_AGENT": "Mozilla/5.0 SpecialAgent/7.7"}
TEAM_ANSWER = "Thank you. Is anyone under 18?"


def post(client, url: str, body=None, **extra):  # noqa: ANN001, ANN003, ANN201
    return client.post(url, body or {}, content_type="application/json", **{**CALLER, **extra})


def answered_report():  # noqa: ANN201
    """A report made on the public page, and the hotline team's answer to it."""
    submitted = pf.report_made_by_public()
    operator = pf.hotline_operator()
    services.staff_message_add(acting_user=operator, report=submitted.report, body=TEAM_ANSWER)
    return submitted, operator


def _stored_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in (
            "public_reports_publicreport",
            "public_reports_publicreportmessage",
            "audit_auditentry",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_reporter_reads_the_teams_answers_with_the_code_in_the_body(client):
    submitted, operator = answered_report()
    r = post(client, READ, {"code": submitted.code, "language": "en"})
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["status"] == "received" and data["status_label"] == "Received"
    assert data["what"] == submitted.report.what
    assert data["code_idle_days"] == 90
    [message] = data["messages"]
    assert message["author_kind"] == "staff" and message["body"] == TEAM_ANSWER
    assert message["date"] == timezone.localdate().isoformat()
    text = r.content.decode()
    # "The team", never who answered; nothing the page does not show either.
    assert operator.full_name not in text and operator.email not in text
    for hidden in ("contact", "where", "who_affected", "code_hash", "lookup_prefix", "id"):
        assert hidden not in data
    assert r["Cache-Control"] == "no-store" and r["Referrer-Policy"] == "no-referrer"
    assert r["Content-Language"] == "en"
    assert not r.cookies


def test_the_code_may_come_in_an_authorization_header_typed_loosely(client):
    submitted, _operator = answered_report()
    loose = submitted.code.lower().replace("-", " ")
    r = post(client, READ, HTTP_AUTHORIZATION=f"Receipt {loose}")
    assert r.status_code == 200
    assert r.json()["messages"][0]["body"] == TEAM_ANSWER
    # Sent twice (body and header) it is refused rather than guessed.
    both = post(
        client,
        READ,
        {"code": submitted.code, "language": "fr"},
        HTTP_AUTHORIZATION=f"Receipt {loose}",
    )
    assert both.status_code == 400
    assert both.json() == {
        "code": [
            "Envoyez le code de suivi une seule fois : dans le corps de la requête ou "
            "dans l'en-tête Authorization."
        ]
    }


def test_a_code_in_the_url_opens_nothing(client):
    submitted, _operator = answered_report()
    r = client.post(f"{READ}?code={submitted.code}", {}, content_type="application/json")
    assert r.status_code == 401
    assert TEAM_ANSWER not in r.content.decode()


def test_reporter_adds_information_and_the_team_is_told(client, django_capture_on_commit_callbacks):
    submitted, operator = answered_report()
    with django_capture_on_commit_callbacks(execute=True):
        r = post(
            client,
            ADD,
            {"body": "Yes, one girl looks 15."},
            HTTP_AUTHORIZATION=f"Receipt {submitted.code}",
        )
    assert r.status_code == 201, r.json()
    assert [(m["author_kind"], m["body"]) for m in r.json()["messages"]] == [
        ("staff", TEAM_ANSWER),
        ("reporter", "Yes, one girl looks 15."),
    ]
    assert r["Cache-Control"] == "no-store" and not r.cookies
    stored = PublicReportMessage.objects.get(author_kind="reporter")
    assert stored.report_id == submitted.report.pk and stored.author_id is None
    assert stored.created_at.minute == 0 and stored.created_at.second == 0
    # Audited without an actor and without what was written.
    entry = AuditEntry.objects.get(object_type="public_reports.publicreportmessage", actor_id=None)
    assert entry.action == "create"
    assert entry.details == {"report": str(submitted.report.pk), "author": "reporter"}
    assert "girl" not in _stored_text()  # encrypted at rest, absent from the audit log
    # The hotline is told that something arrived, not what.
    assert StaffNotice.objects.filter(user=operator, report=submitted.report).exists()
    # The body form works as well, and the staff see the addition.
    again = post(client, ADD, {"code": submitted.code, "body": "She has a red coat."})
    assert again.status_code == 201
    staff = pf.authority_case_officer()
    bodies = [
        m.body
        for m in services.public_report_read(
            acting_user=staff, report=submitted.report
        ).messages.order_by("id")
    ]
    assert bodies[-1] == "She has a red coat."


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("", "empty"),
        ("   ", "blank"),
        ("look \u202egnp.exe", "direction override"),
        ("bell \x07", "control character"),
        ("x" * 5001, "too long"),
        (["a list"], "a list"),
        ({"text": "x"}, "an object"),
    ],
)
def test_bad_additions_are_refused_on_the_field(client, body, why):
    submitted, _operator = answered_report()
    r = post(client, ADD, {"code": submitted.code, "body": body})
    assert r.status_code == 400, why
    assert set(r.json()) == {"body"}, why
    assert not PublicReportMessage.objects.filter(author_kind="reporter").exists()


def test_errors_come_in_the_reporters_language(client):
    submitted, _operator = answered_report()
    fr = post(client, ADD, {"code": submitted.code, "body": ""}, HTTP_ACCEPT_LANGUAGE="fr")
    assert fr.json()["body"] == ["Ce champ est obligatoire."]
    assert fr["Content-Language"] == "fr"
    ar = post(client, READ, {"code": "nope", "language": "ar"})
    assert ar.status_code == 401
    assert ar.json()["detail"].startswith("هذا الرمز")
    assert ar["Content-Language"] == "ar"


def test_a_body_that_is_not_an_object_is_refused(client):
    r = client.post(ADD, ["x"], content_type="application/json", **CALLER)
    assert r.status_code == 400 and "non_field_errors" in r.json()


def test_a_wrong_expired_or_missing_code_gets_one_and_the_same_refusal(client, monkeypatch):
    good, _operator = answered_report()
    expired = pf.report_made_by_public()
    PublicReport.objects.filter(pk=expired.report.pk).update(
        code_last_used_at=expired.report.code_last_used_at - datetime.timedelta(days=400)
    )
    raw = good.code.replace("-", "")
    wrong_rest = raw[:5] + ("0" if raw[5] != "0" else "1") + raw[6:]
    unknown_prefix = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ" if raw[:5] != "ZZZZZ" else "YYYYY-" * 3 + "YYYYY"
    attempts = {
        "unknown prefix": {"code": unknown_prefix},
        "right prefix, wrong rest": {"code": wrong_rest},
        "expired": {"code": expired.code},
        "not even a code": {"code": "<script>"},
        "not a string": {"code": 12345},
        "no code": {},
        "expired, in the header": {"HTTP_AUTHORIZATION": f"Receipt {expired.code}"},
        "a staff token is no code": {
            "HTTP_AUTHORIZATION": "Bearer bal_" + "x" * 43,
        },
    }
    calls = []
    original = argon2.PasswordHasher.verify

    def counting_verify(self, hash, password):  # noqa: ANN001, ANN202, A002
        calls.append(1)
        return original(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting_verify)
    seen = set()
    for url in (READ, ADD):
        for label, attempt in attempts.items():
            cache.clear()
            calls.clear()
            headers = {k: v for k, v in attempt.items() if k.startswith("HTTP_")}
            body = {k: v for k, v in attempt.items() if not k.startswith("HTTP_")}
            body["body"] = "Something more." if url == ADD else None
            r = post(client, url, {k: v for k, v in body.items() if v is not None}, **headers)
            assert r.status_code == 401, (url, label)
            assert len(calls) == 1, (url, label)  # one Argon2id verification, whatever the case
            seen.add((r.content, r["WWW-Authenticate"], r["Cache-Control"], r["Referrer-Policy"]))
    assert len(seen) == 1, seen
    assert next(iter(seen))[1:] == ("Receipt", "no-store", "no-referrer")
    assert not PublicReportMessage.objects.filter(author_kind="reporter").exists()
    calls.clear()
    assert post(client, READ, {"code": good.code}).status_code == 200
    assert len(calls) == 1


def test_a_code_opens_only_its_own_report(client):
    first = pf.report_made_by_public(what="First situation")
    second = pf.report_made_by_public(what="Second situation")
    r = post(client, READ, {"code": first.code})
    assert r.json()["what"] == "First situation"
    assert "Second situation" not in r.content.decode()
    post(client, ADD, {"code": first.code, "body": "About the first."})
    assert not second.report.messages.exists()
    assert [m.body for m in first.report.messages.all()] == ["About the first."]


def test_the_code_expires_after_inactivity_and_each_use_renews_it(client, settings):
    settings.BALISE_RECEIPT_CODE_IDLE_DAYS = 90
    with time_machine.travel("2026-01-01 10:00:00+00:00", tick=False) as traveller:
        submitted = pf.report_made_by_public()
        traveller.move_to("2026-03-31 10:00:00+00:00")  # 89 days later: works, renewed
        assert post(client, READ, {"code": submitted.code}).status_code == 200
        traveller.move_to("2026-06-28 09:00:00+00:00")  # 89 days after: adding renews too
        cache.clear()
        assert (
            post(client, ADD, {"code": submitted.code, "body": "Still there."}).status_code == 201
        )
        traveller.move_to("2026-09-25 09:00:00+00:00")  # 89 days after the addition
        cache.clear()
        assert post(client, READ, {"code": submitted.code}).status_code == 200
        traveller.move_to("2026-12-25 11:00:00+00:00")  # 91 days without use
        cache.clear()
        refused = post(client, ADD, {"code": submitted.code, "body": "Too late."})
        assert refused.status_code == 401
        assert post(client, READ, {"code": submitted.code}).status_code == 401
        assert services.expire_idle_codes() == 1
        cache.clear()
        assert post(client, READ, {"code": submitted.code}).status_code == 401
    assert [m.body for m in submitted.report.messages.all()] == ["Still there."]


def test_code_attempts_share_the_pages_limit_per_address(client, settings):
    settings.BALISE_RECEIPT_CODE_RATE = (3, 900)
    submitted = pf.report_made_by_public()
    assert post(client, READ, {"code": "AAAAA-AAAAA-AAAAA-AAAAA"}).status_code == 401
    page = client.post(
        reverse("public_reports:follow_up"), {"code": "AAAAA-AAAAA-AAAAA-AAAAA"}, **CALLER
    )
    assert page.status_code == 200
    assert post(client, ADD, {"code": submitted.code, "body": "x"}).status_code == 201
    # The fourth attempt is refused even with the right code, through the API as on the page.
    blocked = post(client, READ, {"code": submitted.code}, HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429
    assert blocked.json() == {
        "detail": "Too many attempts from your connection. Please wait a while and try again."
    }
    assert blocked["Cache-Control"] == "no-store"
    assert post(client, ADD, {"code": submitted.code, "body": "y"}).status_code == 429
    assert (
        client.post(
            reverse("public_reports:follow_up"), {"code": submitted.code}, **CALLER
        ).status_code
        == 429
    )
    assert submitted.report.messages.count() == 1
    # Another address is not affected.
    other = post(client, READ, {"code": submitted.code}, REMOTE_ADDR="192.0.2.77")
    assert other.status_code == 200


def test_nothing_about_the_caller_is_kept(client):
    submitted, _operator = answered_report()
    post(client, READ, {"code": submitted.code})
    post(client, ADD, {"code": submitted.code, "body": "More details."})
    stored = _stored_text()
    assert "198.51.100.41" not in stored and "SpecialAgent" not in stored
    assert submitted.code.replace("-", "")[5:] not in stored
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("198.51.100.41" in str(k) for k in keys)


def test_a_staff_token_gives_no_way_into_a_conversation(api_client_for):
    submitted, operator = answered_report()
    api = api_client_for(operator)
    r = api.post(READ, {}, format="json")
    assert r.status_code == 401
    assert TEAM_ANSWER not in r.content.decode()
    # With the code it works like for anyone, and the message still has no author.
    r = api.post(ADD, {"code": submitted.code, "body": "From a kiosk."}, format="json")
    assert r.status_code == 201
    assert PublicReportMessage.objects.get(author_kind="reporter").author_id is None


def test_the_schema_describes_the_follow_up(api_client_for):
    schema = (
        api_client_for(factories.referrer_at_association())
        .get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    assert {READ, ADD} <= set(schema["paths"])
    scheme = schema["components"]["securitySchemes"]["receiptCode"]
    assert scheme == {**scheme, "type": "http", "scheme": "Receipt"}
    assert schema["paths"][ADD]["post"]["security"] == [{"receiptCode": []}, {}]
    assert "get" not in schema["paths"][READ]  # the code never travels in a URL
