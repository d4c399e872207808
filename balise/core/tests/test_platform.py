"""Settings and cross-cutting protections every page inherits."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from balise.core.logging import ScrubFilter

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION_ENV = {
    "BALISE_ENV": "production",
    "DJANGO_SECRET_KEY": "p" * 30 + "-production-secret-for-the-check-" + "q" * 20,
    "BALISE_FIELD_KEYS": "p1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "BALISE_BLIND_INDEX_KEY": "blind",
    "BALISE_AUDIT_KEY": "audit",
    "DJANGO_ALLOWED_HOSTS": "balise.example.org",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


def _manage(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BALISE_", "DJANGO_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "BALISE_FIELD_KEYS", "BALISE_AUDIT_KEY"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "1"})
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_demo_data_never_loads_in_production():
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "never" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_with_a_nonce_and_are_not_cached(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "'nonce-" in csp and "unsafe-inline" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert "<script>" not in html  # no inline script anywhere
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_the_interface_switches_language_and_direction(client, language, direction):
    client.post(reverse("set_language"), {"language": language, "next": "/accounts/login/"})
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html


@pytest.mark.django_db
def test_arabic_pages_are_translated(client):
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Skip to main content" not in html


def test_logs_lose_query_strings_and_requests():
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Not Found: %s",
        ("/public/report/?code=ABCDE",),
        None,
    )
    record.request = object()
    ScrubFilter().filter(record)
    assert "ABCDE" not in record.getMessage()
    assert record.request is None


@pytest.mark.django_db
def test_protected_files_have_no_public_url(client, settings):
    (Path(settings.MEDIA_ROOT)).mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "secret.txt").write_text("x")
    assert client.get(settings.MEDIA_URL + "secret.txt").status_code in {302, 404}


@pytest.mark.django_db
def test_the_scheduler_enqueues_due_tasks_once(settings):
    import datetime as dt

    from django.utils import timezone

    from balise.core import scheduler

    now = timezone.now()
    due = scheduler.due({}, now)
    assert any(p.task_path.endswith("sweep_inactive_accounts") for p in due)
    last = {p.task_path: now for p in due}
    assert scheduler.due(last, now + dt.timedelta(minutes=1)) == []
