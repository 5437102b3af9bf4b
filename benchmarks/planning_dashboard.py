"""Benchmark of the national figures: `indicator_values` for the country (what the dashboards and
`/api/v1/indicators/values?unit=VN` read) and the API end to end, p50 and p95, with the SQL time beside; and,
for comparison, the time to compute every indicator from the records (what the summary table saves).

Prepare a database of its own first (from the repository root):

    export OCOP_DATA_DIR=var/bench            # and DATABASE_URL=postgres://.../ocop_bench for PostgreSQL
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_units
    .venv/bin/python manage.py load_rubrics
    .venv/bin/python manage.py seed_demo --scale 100000
    .venv/bin/python benchmarks/planning_dashboard.py --certified 18000

`seed_demo --scale` creates products without certificates. `--certified N` gives products certificates until
N are in force (benchmark databases only: refused under production settings), written in bulk under one
synthetic approved decision per province, with the programme's mix of stars (76% 3★, 23% 4★, 1% 5★) and
issue dates over the last three years. A second run reuses them.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django  # noqa: E402

django.setup()

from catalog_search import measure, percentile  # noqa: E402  (one way of timing for every benchmark)
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from ocop.accounts.models import User  # noqa: E402
from ocop.certification import services as certification  # noqa: E402
from ocop.certification.models import (  # noqa: E402
    Certificate,
    CertificateStatus,
    DecisionStatus,
    RecognitionDecision,
    SigningKey,
)
from ocop.core.dates import add_months  # noqa: E402
from ocop.geo.models import AdminUnit, Era, Level  # noqa: E402
from ocop.planning import summary  # noqa: E402
from ocop.planning.selectors import indicator_values  # noqa: E402
from ocop.products.models import Product  # noqa: E402


def synthesise_certificates(wanted: int) -> int:
    """Certificates in force for products that have none, until `wanted` are in force."""
    if settings.PRODUCTION:
        raise SystemExit("Refused: production settings.")
    today = timezone.localdate()
    have = Certificate.objects.in_force(today).count()
    if have >= wanted:
        return 0
    rng = random.Random(2025)
    maker = User.objects.get(username="central")
    provinces = {p.pk: p for p in AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE)}
    products = list(
        Product.objects.exclude(pk__in=Certificate.objects.values("product_id")).values_list(
            "pk", "producer__unit__current_province_id"
        )[: wanted - have]
    )
    decisions, keys = {}, {}
    for province_id in {p for _, p in products if p is not None}:
        authority = certification.authority_ensure(actor=None, unit=provinces[province_id])
        keys[province_id] = SigningKey.objects.filter(authority=authority, retired_at__isnull=True).first()
        decisions[province_id], _ = RecognitionDecision.objects.get_or_create(
            authority=authority,
            number=f"BENCH-{authority.code}",
            defaults={
                "date": today - datetime.timedelta(days=400),
                "signer": "Benchmark",
                "status": DecisionStatus.APPROVED,
                "created_by": maker,
            },
        )
    rows = []
    for pk, province_id in products:
        if province_id is None:
            continue
        issued = today - datetime.timedelta(days=rng.randint(1, 1000))
        draw = rng.random()
        rows.append(
            Certificate(
                number=f"BENCH-{pk}",
                product_id=pk,
                authority_id=decisions[province_id].authority_id,
                decision=decisions[province_id],
                stars=3 if draw < 0.76 else 4 if draw < 0.99 else 5,
                issued_on=issued,
                valid_until=add_months(issued, 36),
                status=CertificateStatus.ACTIVE,
                key=keys[province_id],
                qr_payload=f"BENCH{pk}",
                product_name="",
            )
        )
    with transaction.atomic():
        Certificate.objects.bulk_create(rows, batch_size=2000)
    summary.forget_all()  # bulk writes send no signal
    return len(rows)


def report(label: str, total: list[float], sql: list[float], queries: int) -> None:
    print(
        f"{label:<44} p50 {statistics.median(total):7.1f} ms   p95 {percentile(total, 0.95):7.1f} ms   "
        f"SQL p50 {statistics.median(sql):7.1f} ms   ({queries} queries)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certified", type=int, default=0, help="certificates in force to reach first")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if args.certified:
        print(f"certificates written: {synthesise_certificates(args.certified)}")
    today = timezone.localdate()
    country = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COUNTRY)
    central = User.objects.get(username="central")
    print(
        f"products: {Product.objects.count()}, certificates in force: {Certificate.objects.in_force(today).count()}, "
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )
    started = time.perf_counter()
    summary.compute_all(country, today.year)
    print(
        f"{'computing every indicator for VN from the records':<44} {(time.perf_counter() - started) * 1000:7.1f} ms (once)"
    )
    summary.values_for(country, today.year)  # stored: what a refresh after a change leaves
    report(
        "indicator_values(central, VN, year)",
        *measure(lambda: indicator_values(central, country, today.year), args.repeat),
    )
    client = Client()
    client.force_login(central)

    def api() -> None:
        response = client.get("/api/v1/indicators/values", {"unit": "VN", "year": today.year})
        assert response.status_code == 200, response.content[:200]

    report("GET /api/v1/indicators/values?unit=VN", *measure(api, args.repeat))


if __name__ == "__main__":
    main()
