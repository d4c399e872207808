import pytest

from balise.plans.tests import factories


@pytest.fixture
def situation(db):
    return factories.plan_with_measures()


@pytest.fixture
def published(db):
    return factories.plan_with_measures(published=True)
