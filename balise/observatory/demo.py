"""Demo: a projection refresh from the demo referrals and one published national release
(assembled by the demo statistician, reviewed by a fictitious colleague)."""

from __future__ import annotations

from collections import Counter

from balise.accounts.enums import Role
from balise.accounts.models import Membership, User
from balise.demo.data import DemoContext, register
from balise.observatory import services
from balise.observatory.models import Release

REVIEWER_EMAIL = "relecteur.statistiques@demo.balise.invalid"


@register
def build(ctx: DemoContext) -> None:
    author = ctx.users.get("statisticienne")
    if author is None or Release.objects.exists():
        return
    reviewer = User.objects.filter(email=REVIEWER_EMAIL).first()
    if reviewer is None:
        reviewer = User.objects.create(email=REVIEWER_EMAIL, full_name="Hugo Relecteur (démo)")
        reviewer.set_unusable_password()
        reviewer.save()
        Membership.objects.create(
            user=reviewer, organisation=ctx.orgs["observatory"], role=Role.STATISTICIAN
        )
    refresh = services.refresh_projection(actor=author)
    if not refresh.rows:
        return
    years = Counter(refresh.projection()["year"].to_pylist())
    year = years.most_common(1)[0][0]
    release = services.create_release(actor=author, year=year, refresh=refresh)
    services.review_release(release, actor=reviewer, reason="Relecture de démonstration")
    services.publish_release(release, actor=reviewer)
