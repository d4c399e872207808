"""Inactive accounts are warned after N days, disabled after M days, and released when the
person signs in again. Time is frozen with time_machine."""

import datetime
from io import StringIO

import pyotp
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from balise.accounts.models import User
from balise.accounts.services import inactive_accounts_sweep
from balise.accounts.tasks import sweep_inactive_accounts
from balise.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def day(n: int) -> datetime.datetime:
    return START + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.BALISE_INACTIVE_WARN_DAYS = 30
    settings.BALISE_INACTIVE_DISABLE_DAYS = 45


@pytest.fixture
def agent():
    with time_machine.travel(START, tick=False):
        user = factories.referrer_at_police_unit()
        user.preferred_language = "fr"
        user.last_login = START
        user.save()
    return user


def sweep_on(n: int) -> dict[str, int]:
    with time_machine.travel(day(n), tick=False):
        return inactive_accounts_sweep()


def sign_in(user: User, n: int) -> None:
    from django.test import Client

    with time_machine.travel(day(n), tick=False):
        client = Client()
        credentials = {"email": user.email, "password": factories.PASSWORD}
        client.post(reverse("accounts:login"), credentials)
        code = pyotp.TOTP(user.totp_device.secret).now()
        response = client.post(reverse("accounts:mfa_verify"), {"code": code})
        assert response.status_code == 302, "sign-in failed"


def test_nothing_happens_before_the_warning_period(agent):
    assert sweep_on(29)["warned"] == 0
    agent.refresh_from_db()
    assert agent.inactivity_warned_at is None and agent.is_active
    assert not mail.outbox


def test_warned_after_n_days_in_their_language_and_audited(agent):
    assert sweep_on(30) == {"warned": 1, "disabled": 0, "cleared": 0}
    agent.refresh_from_db()
    assert agent.inactivity_warned_at == day(30)
    assert mail.outbox[0].to == [agent.email]
    assert "désactivé" in mail.outbox[0].subject
    assert "15" in mail.outbox[0].body  # days left before deactivation
    entry = AuditEntry.objects.get(action="inactivity_warned")
    assert entry.object_id == str(agent.pk) and entry.actor_id is None
    # A second sweep does not warn again.
    assert sweep_on(31)["warned"] == 0
    assert len(mail.outbox) == 1


def test_disabled_after_m_days_and_audited(agent):
    sweep_on(30)
    assert sweep_on(44)["disabled"] == 0
    assert sweep_on(45) == {"warned": 0, "disabled": 1, "cleared": 0}
    agent.refresh_from_db()
    assert not agent.is_active and agent.deactivated_reason == "inactivity"
    entry = AuditEntry.objects.get(action="update", object_id=str(agent.pk))
    assert entry.details == {"change": "deactivated", "reason": "inactivity"}
    assert entry.actor_id is None


def test_disabled_account_can_no_longer_sign_in(client, agent):
    sweep_on(30)
    sweep_on(45)
    with time_machine.travel(day(46), tick=False):
        response = client.post(
            reverse("accounts:login"), {"email": agent.email, "password": factories.PASSWORD}
        )
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_signing_in_again_after_the_warning_resets_the_clock(agent):
    sweep_on(30)
    sign_in(agent, 40)
    assert sweep_on(45) == {"warned": 0, "disabled": 0, "cleared": 1}
    agent.refresh_from_db()
    assert agent.is_active and agent.inactivity_warned_at is None
    # The new period starts at the last sign-in.
    assert sweep_on(69)["warned"] == 0
    assert sweep_on(70)["warned"] == 1
    assert sweep_on(85)["disabled"] == 1


def test_a_late_sweep_never_warns_and_disables_at_once(agent):
    # The sweep did not run for 100 days: the warning still gives the announced grace period.
    assert sweep_on(100) == {"warned": 1, "disabled": 0, "cleared": 0}
    assert sweep_on(114)["disabled"] == 0
    assert sweep_on(115)["disabled"] == 1


def test_never_used_accounts_count_from_their_creation():
    with time_machine.travel(START, tick=False):
        invited = factories.UserFactory()
    assert invited.last_login is None
    assert sweep_on(29)["warned"] == 0
    assert sweep_on(30)["warned"] == 1
    assert sweep_on(45)["disabled"] == 1


def test_reactivation_by_an_administrator_restarts_the_clock(agent):
    from balise.accounts.services import user_reactivate

    sweep_on(30)
    sweep_on(45)
    with time_machine.travel(day(50), tick=False):
        user_reactivate(acting_user=None, user=User.objects.get(pk=agent.pk), reason="returned")
    assert sweep_on(79)["warned"] == 0
    assert sweep_on(80)["warned"] == 1


def test_the_periodic_task_runs_the_sweep(agent):
    with time_machine.travel(day(30), tick=False):
        result = sweep_inactive_accounts.enqueue()
    assert result.return_value == {"warned": 1, "disabled": 0, "cleared": 0}


def test_command_dry_run_changes_nothing(agent):
    out = StringIO()
    with time_machine.travel(day(30), tick=False):
        call_command("sweep_inactive_accounts", "--dry-run", "--verbosity", "2", stdout=out)
    text = out.getvalue()
    assert "Would have warned 1" in text and str(agent.pk) in text
    assert agent.email not in text and agent.full_name not in text
    agent.refresh_from_db()
    assert agent.inactivity_warned_at is None
    assert not mail.outbox
    assert not AuditEntry.objects.filter(action="inactivity_warned").exists()


def test_command_applies_the_sweep(agent):
    out = StringIO()
    with time_machine.travel(day(30), tick=False):
        call_command("sweep_inactive_accounts", stdout=out)
    assert "warned 1" in out.getvalue()
    agent.refresh_from_db()
    assert agent.inactivity_warned_at == day(30)
    assert len(mail.outbox) == 1
