"""The identification queue (page and API) with 100,000 cases on PostgreSQL.

For the default view and each filter, it measures the p95 of the queue page and of its API
endpoint through Django (middleware, session or token, ORM, templates or serializers), against
the same SQL (the page of 50 rows and its count) run raw on a cursor, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balise_bench_identification \\
        .venv/bin/python -m bench.bench_identification [--cases 100000] [--repeat 40]

The database named in DATABASE_URL is created if needed and filled once (kept between runs;
``--rebuild`` starts again). Target: p95 < 300 ms for every view."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/balise_bench_identification"
TARGET_MS = 300.0


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _fill(n: int) -> None:
    """Bulk insert ``n`` cases with SQL (the ORM would take minutes): 60 % open, 10 % children,
    5 % in immediate danger, deadlines spread from 20 days ago to 40 days ahead."""
    from django.db import connection

    from balise.accounts.enums import Role
    from balise.accounts.models import Membership, User
    from balise.codelists.lists import ExploitationForm
    from balise.organisations.enums import OrganisationKind
    from balise.organisations.models import Organisation

    authority = Organisation.objects.create(
        name="Bench authority", kind=OrganisationKind.COMPETENT_AUTHORITY, region="Île-de-France"
    )
    regions = [f"Région {i:02d}" for i in range(13)]
    referrers = [
        Organisation.objects.create(
            name=f"Bench referrer {i:02d}", kind=OrganisationKind.POLICE, region=regions[i % 13]
        )
        for i in range(40)
    ]
    officers = []
    for i in range(20):
        user = User.objects.create(email=f"officer{i}@bench.invalid", full_name=f"Officer {i}")
        Membership.objects.create(user=user, organisation=authority, role=Role.CASE_OFFICER)
        officers.append(user)
    forms = [f.value for f in ExploitationForm][:11]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO identification_case (
                id, reference, state, referring_organisation_id, region, presumed_minor,
                immediate_danger, exploitation_forms, assigned_to_id, received_at,
                preliminary_due, next_deadline, next_deadline_kind, created_at, updated_at)
            SELECT
                gen_random_uuid(),
                'CAS-' || lpad(to_hex(i), 9, '0'),
                (ARRAY['received','received','received','under_assessment','under_assessment',
                       'under_assessment','under_assessment','preliminary_review',
                       'reflection_period','reflection_period','reflection_period',
                       'conclusive_review','identified','identified','identified','closed',
                       'closed','preliminary_negative','conclusive_negative','withdrawn'
                ])[1 + abs(hashtext('s' || i)) %% 20],
                (%(orgs)s::uuid[])[1 + abs(hashtext('o' || i)) %% 40],
                (%(regions)s::text[])[1 + abs(hashtext('r' || i)) %% 13],
                (abs(hashtext('m' || i)) %% 10 = 0),
                (abs(hashtext('d' || i)) %% 20 = 0),
                jsonb_build_array((%(forms)s::text[])[1 + abs(hashtext('f' || i)) %% 11]),
                CASE WHEN i %% 3 = 0 THEN NULL
                     ELSE (%(officers)s::uuid[])[1 + abs(hashtext('a' || i)) %% 20] END,
                now() - make_interval(days => i %% 400),
                current_date + ((i * 13) %% 60 - 20),
                NULL, '',
                now(), now()
            FROM generate_series(1, %(n)s) AS i
            """,
            {
                "orgs": [str(o.pk) for o in referrers],
                "regions": regions,
                "forms": forms,
                "officers": [str(u.pk) for u in officers],
                "n": n,
            },
        )
        # Open cases have a next deadline (the preliminary target here); decided ones none.
        cursor.execute(
            """
            UPDATE identification_case SET next_deadline = preliminary_due,
                next_deadline_kind = 'preliminary'
            WHERE state IN ('received', 'under_assessment', 'preliminary_review',
                            'reflection_period', 'conclusive_review')
            """
        )
        cursor.execute(
            """
            INSERT INTO identification_caseexploitationform (case_id, form)
            SELECT id, exploitation_forms->>0 FROM identification_case
            """
        )
        cursor.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = DEFAULT_URL
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("BALISE_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    if connection.vendor != "postgresql":
        print("This benchmark needs PostgreSQL (set DATABASE_URL).")
        return 2
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)

    from balise.accounts.models import Membership, User
    from balise.api.services import api_token_create
    from balise.identification import selectors
    from balise.identification.models import Case
    from balise.identification.pagination import CAP
    from balise.organisations.models import Organisation

    if args.rebuild:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE identification_case, identification_caseexploitationform CASCADE"
            )
        Membership.objects.filter(user__email__endswith="@bench.invalid").delete()
        User.objects.filter(email__endswith="@bench.invalid").delete()
        Organisation.objects.filter(name__startswith="Bench ").delete()
    have = Case.objects.count()
    if have < args.cases:
        started = time.perf_counter()
        if have:
            print(f"{have} cases found, fewer than {args.cases}: use --rebuild")
            return 2
        _fill(args.cases)
        print(f"filled {args.cases} cases in {time.perf_counter() - started:.1f} s")
    total = Case.objects.count()

    user = User.objects.get(email="officer0@bench.invalid")
    page_client = Client()
    page_client.force_login(user, backend="balise.accounts.backends.EmailBackend")
    session = page_client.session
    session["mfa_verified"] = True
    session.save()
    api = APIClient()
    _, raw_token = api_token_create(acting_user=user, name="bench")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}

    referrer = Organisation.objects.get(name="Bench referrer 05")
    views: list[tuple[str, dict[str, str]]] = [
        ("default (open, urgency)", {}),
        ("urgency=minor", {"urgency": "minor"}),
        ("urgency=danger", {"urgency": "danger"}),
        ("urgency=urgent", {"urgency": "urgent"}),
        ("stage=reflection_period", {"stage": "reflection_period"}),
        ("stage=all", {"stage": "all"}),
        ("region", {"region": "Région 04"}),
        ("form=forced_begging", {"form": "forced_begging"}),
        ("referrer", {"referrer": str(referrer.pk)}),
        ("assigned=me", {"assigned": "me"}),
        ("overdue", {"overdue": "1"}),
        ("sort=deadline", {"sort": "deadline"}),
        ("sort=-received", {"sort": "-received"}),
        ("page 20", {"page": "20", "offset": "950"}),
    ]

    def timed(fn: Callable[[], object]) -> list[float]:
        fn()  # warm-up
        samples = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
        return samples

    print(f"{total} cases; {args.repeat} runs per measure; p95 in ms")
    # The floor of this machine right now: a request that does nothing (health check) and the
    # home page of a signed-in user (session, second factor, menu), without any case.
    floor = _p95(timed(lambda: page_client.get("/healthz")))
    home = _p95(timed(lambda: page_client.get("/")))
    print(f"floor: /healthz {floor:.1f} ms, signed-in home page {home:.1f} ms")
    print(f"{'view':26} {'rows':>6} {'raw SQL':>8} {'page':>8} {'x':>5} {'API':>8} {'x':>5}")
    worst = 0.0
    for label, params in views:
        filters = selectors.QueueFilters.from_params(params)
        qs = selectors.case_queue(user, filters)
        offset = int(params.get("offset", 0))
        # The same two statements as the page: the capped count and the page of 50 rows.
        count_sql, count_params = (
            qs.order_by().values("pk")[: offset + 50 + CAP + 1].query.sql_with_params()
        )
        sql, sql_params = qs[offset : offset + 50].query.sql_with_params()

        def raw(sql=sql, sql_params=sql_params, count_sql=count_sql, count_params=count_params):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) AS sub", count_params)
                n = cursor.fetchone()[0]
                cursor.execute(sql, sql_params)
                cursor.fetchall()
            return n

        raw()
        rows = qs.count()
        page_params = {k: v for k, v in params.items() if k != "offset"}
        api_params = {k: v for k, v in params.items() if k != "page"}

        def page(page_params=page_params):
            response = page_client.get("/identification/", page_params)
            assert response.status_code == 200, response.status_code

        def api_call(api_params=api_params):
            response = api.get("/api/v1/identification/cases/", api_params)
            assert response.status_code == 200, response.status_code

        raw_p95 = _p95(timed(raw))
        page_p95 = _p95(timed(page))
        api_p95 = _p95(timed(api_call))
        worst = max(worst, page_p95, api_p95)
        print(
            f"{label:26} {rows:>6} {raw_p95:>8.1f} {page_p95:>8.1f} "
            f"{page_p95 / raw_p95:>5.1f} {api_p95:>8.1f} {api_p95 / raw_p95:>5.1f}",
            flush=True,
        )
    verdict = "OK" if worst < TARGET_MS else "OVER TARGET"
    print(f"worst p95: {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    raise SystemExit(main())
