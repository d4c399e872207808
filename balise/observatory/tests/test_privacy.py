"""Optional differential privacy: noisy counts charged to a per-dataset budget ledger."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from balise.observatory import privacy
from balise.observatory.models import PrivacyBudget, PrivacySpend
from balise.observatory.tests import factories as obs
from tests import factories

pytestmark = pytest.mark.django_db


def test_noisy_counts_spend_the_budget_until_it_is_exhausted(
    statistician, synthetic_refresh, signed_in
):
    release = obs.draft_release(statistician)
    spend = privacy.noisy_counts(release, "minor", epsilon=0.6, actor=statistician)
    assert spend.epsilon == pytest.approx(0.6)
    assert spend.result["categories"] == ["minor", "adult", "unknown"]
    assert all(isinstance(n, int) and n >= 0 for n in spend.result["counts"])
    assert PrivacyBudget.objects.get().spent() == pytest.approx(0.6)
    with pytest.raises(ValidationError):  # 0.6 + 0.6 > 1.0 (default budget)
        privacy.noisy_counts(release, "minor", epsilon=0.6, actor=statistician)
    assert PrivacySpend.objects.count() == 1
    page = signed_in(statistician).get(reverse("observatory:privacy", args=[release.pk]))
    assert "Spent ε = 0.600 of 1.0" in page.content.decode()


def test_only_statisticians_spend_privacy_budget(statistician, synthetic_refresh, signed_in):
    release = obs.draft_release(statistician)
    officer = factories.case_officer()
    with pytest.raises(PermissionDenied):
        privacy.noisy_counts(release, "minor", epsilon=0.1, actor=officer)
    assert (
        signed_in(officer).get(reverse("observatory:privacy", args=[release.pk])).status_code == 403
    )
