"""The anonymous public report through HTTP: submission with proof-of-work, the receipt code,
the conversation, and everything that must not be kept or revealed."""

from __future__ import annotations

import datetime
import re

import argon2
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.public_reports import pow as proof_of_work
from balise.public_reports import receipt, services
from balise.public_reports.models import (
    PublicReport,
    PublicReportMessage,
    SpentChallenge,
)
from balise.public_reports.tests import factories as pf

pytestmark = pytest.mark.django_db

REPORT_URL = reverse("public_reports:report")
FOLLOW_URL = reverse("public_reports:follow_up")
MESSAGE_URL = reverse("public_reports:message")
CODE_RE = re.compile(r'id="receipt-code">([0-9A-Z-]{23})<')
FORM = {
    "what": "Workers sleep on the building site and are never paid.",
    "where": "Industrial zone north",
    "region": "Grand Est",
    "when": "Still going on",
    "who_affected": "About ten men",
    "minors_involved": "no",
    "exploitation_forms": ["forced_labour"],
    "contact": "",
    "website": "",
    "lang": "en",
}


def _challenge(client) -> tuple[str, int]:
    data = client.get(reverse("public_reports:challenge")).json()
    return data["challenge"], data["difficulty"]


def _submit(client, **overrides):  # noqa: ANN001, ANN202
    token, difficulty = _challenge(client)
    data = dict(FORM, pow_challenge=token, pow_solution=proof_of_work.solve(token, difficulty))
    data.update(overrides)
    return client.post(REPORT_URL, data, **_headers())


def _headers(address: str = "198.51.100.7") -> dict[str, str]:
    return {"REMOTE_ADDR": address, "HTTP_USER_AGENT": "Mozilla/5.0 (X11) SpecialAgent/7.7"}


def _code(response) -> str:  # noqa: ANN001
    match = CODE_RE.search(response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def _all_stored_text() -> str:
    """Every value of every row of this app's tables and of the audit log, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in (
            "public_reports_publicreport",
            "public_reports_publicreportmessage",
            "public_reports_spentchallenge",
            "public_reports_publicreporttransition",
            "audit_auditentry",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_submission_gives_a_receipt_code_stored_only_as_a_slow_hash(client):
    response = _submit(client)
    assert response.status_code == 200
    code = _code(response)
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{5}-){3}[0-9A-HJKMNP-TV-Z]{5}", code)
    report = PublicReport.objects.get()
    raw = code.replace("-", "")
    stored = _all_stored_text()
    assert raw not in stored and code not in stored
    assert raw[5:] not in stored  # the secret part appears nowhere, not even partly
    assert report.lookup_prefix == raw[:5]
    assert report.code_hash.startswith("$argon2id$")
    assert argon2.PasswordHasher().verify(report.code_hash, raw)
    assert "Workers sleep" not in stored  # the content is encrypted
    assert report.what == FORM["what"]
    # The code is shown once: nothing else serves it again.
    assert code not in client.get(FOLLOW_URL).content.decode()


def test_receipt_codes_have_high_entropy():
    assert receipt.ENTROPY_BITS == 100
    assert len(receipt.ALPHABET) == 32 == len(set(receipt.ALPHABET))
    codes = [receipt.normalise_code(receipt.generate_code()) for _ in range(3000)]
    assert len(set(codes)) == len(codes)
    assert len({c[:5] for c in codes}) > 2990  # prefixes are spread too
    counts = {ch: 0 for ch in receipt.ALPHABET}
    for code in codes:
        for ch in code:
            counts[ch] += 1
    expected = len(codes) * 20 / 32
    # Every symbol is used, roughly uniformly (a biased generator would fail this).
    assert all(0.85 * expected < n < 1.15 * expected for n in counts.values()), counts


def test_code_is_read_leniently():
    code = receipt.generate_code()
    assert receipt.normalise_code(code.lower().replace("-", " ")) == code.replace("-", "")
    assert receipt.normalise_code("O1IL0-00000-00000-00000") == "01110000000000000000"
    assert receipt.normalise_code("too short") is None
    assert receipt.normalise_code("<script>alert(1)</script>") is None


def test_no_address_user_agent_or_cookie_is_kept(client):
    field_names = {
        f.name.lower()
        for model in (PublicReport, PublicReportMessage, SpentChallenge)
        for f in model._meta.get_fields()
    }
    for forbidden in ("ip", "address", "agent", "cookie", "session", "user_agent", "remote"):
        assert not any(
            name == forbidden or name.startswith(forbidden + "_") or name.endswith("_" + forbidden)
            for name in field_names
        ), forbidden
    response = _submit(client)
    code = _code(response)
    assert not response.cookies
    opened = client.post(FOLLOW_URL, {"code": code, "lang": "en"}, **_headers())
    token = opened.context["form"]["token"].value()
    added = client.post(MESSAGE_URL, {"token": token, "body": "More details"}, **_headers())
    assert added.status_code == 200
    assert not opened.cookies and not added.cookies
    stored = _all_stored_text()
    assert "198.51.100.7" not in stored
    assert "SpecialAgent" not in stored
    report = PublicReport.objects.get()
    assert report.submitted_at.minute == 0 and report.submitted_at.second == 0
    assert all(v == 0 for v in (report.code_last_used_at.minute, report.code_last_used_at.second))
    # Nor in the cache: the rate-limit keys are keyed hashes of the address.
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("198.51.100.7" in str(k) for k in keys)


def test_reporter_reads_answers_and_adds_information(client, signed_in):
    code = _code(_submit(client))
    report = PublicReport.objects.get()
    staff = pf.hotline_operator()
    signed_in(staff).post(
        reverse("public_reports:staff_detail", args=[report.pk]),
        {"body": "Thank you. Is anyone under 18?"},
    )
    page = client.post(FOLLOW_URL, {"code": code.lower(), "lang": "en"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Thank you. Is anyone under 18?" in html
    assert staff.full_name not in html  # the reporter sees "the team", not who answered
    token = page.context["form"]["token"].value()
    client.post(MESSAGE_URL, {"token": token, "body": "Yes, one girl looks 15.", "lang": "en"})
    bodies = [m.body for m in report.messages.order_by("id")]
    assert bodies == ["Thank you. Is anyone under 18?", "Yes, one girl looks 15."]
    staff_page = signed_in(staff).get(reverse("public_reports:staff_detail", args=[report.pk]))
    assert "Yes, one girl looks 15." in staff_page.content.decode()


def test_a_code_opens_only_its_own_report(client):
    first = pf.report_made_by_public(what="First situation")
    second = pf.report_made_by_public(what="Second situation")
    page = client.post(FOLLOW_URL, {"code": first.code})
    assert page.context["report"] == first.report
    assert "Second situation" not in page.content.decode()
    token = page.context["form"]["token"].value()
    # A token names its report under the server's signature: it cannot be pointed elsewhere.
    from django.core import signing

    forged = signing.dumps(
        {"r": str(second.report.pk), "b": "0" * 16}, salt=services.ACCESS_SALT, key="guess"
    )
    response = client.post(MESSAGE_URL, {"token": forged, "body": "hijack"})
    assert response.context.get("report") is None
    client.post(MESSAGE_URL, {"token": token, "body": "about the first"})
    assert not second.report.messages.exists()
    assert [m.body for m in first.report.messages.all()] == ["about the first"]


def _normalised(response) -> str:  # noqa: ANN001
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def test_a_wrong_code_reveals_nothing(client, monkeypatch):
    good = pf.report_made_by_public()
    expired = pf.report_made_by_public()
    PublicReport.objects.filter(pk=expired.report.pk).update(
        code_last_used_at=expired.report.code_last_used_at - datetime.timedelta(days=400)
    )
    calls = []
    original = argon2.PasswordHasher.verify

    def counting_verify(self, hash, password):  # noqa: ANN001, ANN202, A002
        calls.append(1)
        return original(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting_verify)
    raw = good.code.replace("-", "")
    wrong_rest = raw[:5] + ("0" if raw[5] != "0" else "1") + raw[6:]
    attempts = {
        "unknown prefix": "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ"
        if raw[:5] != "ZZZZZ"
        else "YYYYY-" * 3 + "YYYYY",
        "right prefix, wrong rest": wrong_rest,
        "expired": expired.code,
        "not even a code": "hello",
    }
    bodies = {}
    for label, code in attempts.items():
        calls.clear()
        response = client.post(FOLLOW_URL, {"code": code, "lang": "fr"})
        assert response.status_code == 200, label
        assert len(calls) == 1, label  # one Argon2id verification, whatever the case
        bodies[label] = _normalised(response)
    assert len(set(bodies.values())) == 1, "responses differ"
    calls.clear()
    assert client.post(FOLLOW_URL, {"code": good.code}).context["report"] == good.report
    assert len(calls) == 1


def test_code_expires_after_inactivity_not_with_the_report(client, signed_in, settings):
    settings.BALISE_RECEIPT_CODE_IDLE_DAYS = 90
    with time_machine.travel("2026-01-01 10:00:00+00:00", tick=False) as traveller:
        submitted = pf.report_made_by_public()
        traveller.move_to("2026-03-31 10:00:00+00:00")  # 89 days later: still valid, renewed
        assert client.post(FOLLOW_URL, {"code": submitted.code}).context.get("report")
        traveller.move_to("2026-06-28 09:00:00+00:00")  # 89 days after the last use
        assert client.post(FOLLOW_URL, {"code": submitted.code}).context.get("report")
        traveller.move_to("2026-09-27 11:00:00+00:00")  # 91 days without use
        response = client.post(FOLLOW_URL, {"code": submitted.code})
        assert response.context.get("report") is None
        assert services.expire_idle_codes() == 1
        report = PublicReport.objects.get()
        assert report.code_hash == "" and report.lookup_prefix is None
        # The report itself stays for the team.
        staff = signed_in(pf.hotline_operator())
        page = staff.get(reverse("public_reports:staff_detail", args=[report.pk]))
        assert page.status_code == 200


def test_conversation_page_token_expires(client):
    submitted = pf.report_made_by_public()
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False) as traveller:
        page = client.post(FOLLOW_URL, {"code": submitted.code})
        token = page.context["form"]["token"].value()
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.post(MESSAGE_URL, {"token": token, "body": "late"})
    assert response.context.get("report") is None
    assert not submitted.report.messages.exists()


def test_submissions_are_rate_limited_per_address(client, settings):
    settings.BALISE_PUBLIC_REPORT_RATE = (2, 3600)
    assert _submit(client).status_code == 200
    assert _submit(client).status_code == 200
    refused = _submit(client)
    assert refused.status_code == 429
    assert "data-quick-exit" in refused.content.decode()
    assert PublicReport.objects.count() == 2
    token, difficulty = _challenge(client)
    other = client.post(
        REPORT_URL,
        dict(FORM, pow_challenge=token, pow_solution=proof_of_work.solve(token, difficulty)),
        REMOTE_ADDR="192.0.2.99",
    )
    assert other.status_code == 200
    assert PublicReport.objects.count() == 3


def test_code_attempts_are_rate_limited(client, settings):
    settings.BALISE_RECEIPT_CODE_RATE = (3, 900)
    submitted = pf.report_made_by_public()
    for _ in range(3):
        client.post(FOLLOW_URL, {"code": "AAAAA-AAAAA-AAAAA-AAAAA"})
    blocked = client.post(FOLLOW_URL, {"code": submitted.code})
    assert blocked.status_code == 429
    assert blocked.context.get("report") is None


class TestProofOfWork:
    def test_valid_work_is_accepted_once(self, client):
        token, difficulty = _challenge(client)
        solution = proof_of_work.solve(token, difficulty)
        data = dict(FORM, pow_challenge=token, pow_solution=solution)
        assert client.post(REPORT_URL, data).status_code == 200
        replay = client.post(REPORT_URL, data)
        assert replay.status_code == 400
        assert "already sent" in replay.content.decode()
        assert PublicReport.objects.count() == 1

    def test_stale_challenge_is_refused(self, client):
        with time_machine.travel("2026-05-01 08:00:00+00:00", tick=False) as traveller:
            token, difficulty = _challenge(client)
            solution = proof_of_work.solve(token, difficulty)
            traveller.shift(datetime.timedelta(minutes=31))
            response = client.post(
                REPORT_URL, dict(FORM, pow_challenge=token, pow_solution=solution)
            )
        assert response.status_code == 400
        assert "took too long" in response.content.decode()
        assert not PublicReport.objects.exists()

    def test_wrong_work_is_refused(self, client):
        token, difficulty = _challenge(client)
        wrong = 0
        while (
            proof_of_work.leading_zero_bits(proof_of_work.work_digest(token, str(wrong)))
            >= difficulty
        ):
            wrong += 1
        for solution in (str(wrong), "", "-1", "１２", "9" * 40):
            response = client.post(
                REPORT_URL, dict(FORM, pow_challenge=token, pow_solution=solution)
            )
            assert response.status_code == 400, solution
        assert not PublicReport.objects.exists()

    def test_forged_or_weakened_challenge_is_refused(self, client, settings):
        token, _ = _challenge(client)
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        with pytest.raises(proof_of_work.ProofOfWorkError) as excinfo:
            proof_of_work.check(forged, proof_of_work.solve(forged, 8))
        assert excinfo.value.kind == "invalid"
        # A challenge issued at a lower difficulty does not pass once the deployment asks more.
        settings.BALISE_POW_DIFFICULTY = 1
        easy = proof_of_work.issue_challenge().token
        settings.BALISE_POW_DIFFICULTY = 12
        weak = next(
            str(n)
            for n in range(10**6)
            if 1 <= proof_of_work.leading_zero_bits(proof_of_work.work_digest(easy, str(n))) < 12
        )
        with pytest.raises(proof_of_work.ProofOfWorkError) as excinfo:
            proof_of_work.check(easy, weak)
        assert excinfo.value.kind == "insufficient"

    def test_honeypot_filled_creates_nothing(self, client):
        response = _submit(client, website="http://spam.example")
        assert response.status_code == 400
        assert not PublicReport.objects.exists()


def test_bad_input_is_refused_on_the_field(client):
    response = _submit(client, what="", region="x" * 101)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"what", "region"} <= set(errors)
    response = _submit(client, what="Look \u202egnp.exe")
    assert "what" in response.context["form"].errors
    # What was typed is kept in the form.
    assert "Look" in response.content.decode()
    assert not PublicReport.objects.exists()


PUBLIC_PAGES = ["report", "follow_up"]


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_every_public_page_has_quick_exit_no_cache_no_cookie(client, settings, lang):
    settings.BALISE_QUICK_EXIT_URL = "https://weather.example/"
    submitted = pf.report_made_by_public()
    responses = [
        client.get(reverse(f"public_reports:{name}"), {"lang": lang}) for name in PUBLIC_PAGES
    ]
    responses.append(_submit(client, lang=lang))  # receipt page
    responses.append(client.post(FOLLOW_URL, {"code": "nope", "lang": lang}))  # wrong code
    opened = client.post(FOLLOW_URL, {"code": submitted.code, "lang": lang})
    responses.append(opened)  # conversation
    token = opened.context["form"]["token"].value()
    responses.append(client.post(MESSAGE_URL, {"token": token, "body": "", "lang": lang}))
    responses.append(client.post(MESSAGE_URL, {"token": "bad", "body": "x", "lang": lang}))
    responses.append(_submit(client, what="", lang=lang))  # form with errors
    for response in responses:
        html = response.content.decode()
        assert re.search(r'<a [^>]*data-quick-exit[^>]*href="https://weather.example/"', html)
        assert "public_reports/quick_exit.js" in html
        assert response["Cache-Control"] == "no-store"
        assert not response.cookies, response.cookies
        assert "csrfmiddlewaretoken" not in html
        assert f'lang="{lang}"' in html
        assert ('dir="rtl"' in html) == (lang == "ar")
        assert {"fr": "Sortie rapide", "en": "Quick exit", "ar": "خروج سريع"}[lang] in html


def test_quick_exit_default_is_the_jurisdiction_weather_service(client, settings):
    settings.BALISE_JURISDICTION = "ma"
    from balise.jurisdictions import profiles

    profiles.get_profile.cache_clear() if hasattr(profiles.get_profile, "cache_clear") else None
    try:
        html = client.get(REPORT_URL).content.decode()
    finally:
        settings.BALISE_JURISDICTION = "fr"
        if hasattr(profiles.get_profile, "cache_clear"):
            profiles.get_profile.cache_clear()
    assert 'href="https://www.marocmeteo.ma/"' in html
    assert "0800 00 47 47" in html


def test_report_form_explains_the_javascript_check(client):
    html = client.get(REPORT_URL, {"lang": "en"}).content.decode()
    assert "<noscript>" in html and "anti-abuse check" in html
    assert "public_reports/pow.js" in html
    assert 'class="hp"' in html and 'name="website"' in html


def test_audit_records_the_report_without_personal_data(client):
    _submit(client)
    entry = AuditEntry.objects.get(object_type="public_reports.publicreport", action="create")
    assert entry.actor_id is None
    assert entry.details == {"channel": "anonymous_public"}
