"""Arrows point the way the page reads: back links and "from → to" in a history flip in Arabic."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "back", "forward"), [("fr", "←", "→"), ("ar", "→", "←")])
def test_history_and_back_link_arrows_follow_the_reading_direction(
    signed_in, language, back, forward
):
    admin = factories.administrator()
    org = factories.accredited_police_unit(name="Commissariat témoin")
    client = signed_in(admin)
    client.cookies["django_language"] = language
    page = client.get(f"/organisations/{org.pk}/").content.decode()
    assert f'href="/organisations/">{back} ' in page
    assert f" {forward} " in page.split('class="timeline"', 1)[1]
    wrong = "→" if back == "←" else "←"
    assert f'href="/organisations/">{wrong}' not in page
