"""Benchmark of the history import (issue 15, item 3): a 20,000-row file previewed and applied.

Prepare a database of its own first (from the repository root):

    export OCOP_DATA_DIR=var/bench-history    # and DATABASE_URL=postgres://.../ocop_bench_history for PostgreSQL
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_units
    .venv/bin/python manage.py load_rubrics
    .venv/bin/python benchmarks/history_import.py --rows 20000

What it builds: a CSV of `--rows` past recognitions from the loaded units: legacy communes of every legacy
province (round robin, so the file touches the whole country, as a national year would), written as
"Xã A, Huyện B, Tỉnh C"; producers named per commune (about three products each, so producers repeat and
match within the file), product sets of the 2019 version, 3★–4★ at the province level on dates of
2020–2022 (a tenth 5★ at the central level), certificate numbers left for ocop to generate. The acting
officer is a central officer made for the run (`bench_history`), so every province is in scope.

What is timed, each printed with rows per second:
- preview: `history_preview` (read the file, resolve addresses, check against the rubric, match producers,
  products, decisions and certificate numbers), what the upload page runs;
- apply: `write_plan` (one transaction: batch, producers, products, decisions, signed certificates, rows),
  what the background run does after its own preview.
Run it on an empty import (a fresh database): a second run matches the first run's records instead.
Figures are printed, not judged; docs/history-import.md holds the recorded ones.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from ocop.accounts.models import RoleKind  # noqa: E402
from ocop.accounts.services import role_grant, user_create  # noqa: E402
from ocop.core.text import fold  # noqa: E402
from ocop.geo.models import AdminUnit, Era, Level  # noqa: E402
from ocop.history import plan as planning  # noqa: E402
from ocop.history.services import Preview, _scope_ids, write_plan  # noqa: E402
from ocop.rubrics.services import history_import_preview  # noqa: E402
from ocop.tasks.models import TaskRun  # noqa: E402

SETS_2019 = ["1.1", "1.2", "2.1", "2.2", "3.2", "3.3", "4.1", "5.1", "7.1", "8.2"]
HEADER = [
    "Tên sản phẩm",
    "Chủ thể",
    "Địa chỉ",
    "Hạng sao",
    "Số quyết định",
    "Ngày quyết định",
    "Cấp công nhận",
    "Bộ sản phẩm",
]


def build_file(rows: int, seed: int = 15) -> bytes:
    rng = random.Random(seed)
    units = {u.pk: u for u in AdminUnit.objects.filter(era=Era.LEGACY)}
    communes_by_province: dict[int, list[AdminUnit]] = {}
    for unit in units.values():
        if unit.level != Level.COMMUNE or not unit.parent_id:
            continue
        district = units.get(unit.parent_id)
        if district is None or district.level != Level.DISTRICT:
            continue
        communes_by_province.setdefault(district.parent_id, []).append(unit)
    # Communes whose folded names clash within their district are left out: the file should have no error.
    for province_id, communes in communes_by_province.items():
        seen: dict[tuple[int, str], int] = {}
        for unit in communes:
            key = (unit.parent_id, fold(unit.short_name))
            seen[key] = seen.get(key, 0) + 1
        communes_by_province[province_id] = [
            u for u in communes if seen[(u.parent_id, fold(u.short_name))] == 1
        ]
    provinces = sorted(communes_by_province)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(rows):
        province = units[provinces[n % len(provinces)]]
        commune = rng.choice(communes_by_province[province.pk])
        district = units[commune.parent_id]
        producer = f"HTX {commune.short_name} {n // 3}"
        central = n % 10 == 9
        year = 2020 + n % 3
        writer.writerow(
            [
                f"Sản phẩm số {n}",
                producer,
                f"{commune.name}, {district.name}, {province.name}",
                5 if central else 3 + n % 2,
                f"{1000 + n // 500}/QĐ-{'BNN' if central else 'UBND'}",
                f"{10 + n % 18:02d}/{1 + n % 12:02d}/{year}",
                "trung ương" if central else "tỉnh",
                SETS_2019[n % len(SETS_2019)],
            ]
        )
    return out.getvalue().encode("utf-8")


def officer():
    from ocop.accounts.models import User

    found = User.objects.filter(username="bench_history").first()
    if found is not None:
        return found
    country = AdminUnit.objects.get(level=Level.COUNTRY)
    user = user_create(
        actor=None, username="bench_history", password="Bench-history-2026!", full_name="Đo hiệu năng"
    )
    role_grant(actor=None, user=user, kind=RoleKind.CENTRAL_OFFICER, unit=country)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    actor = officer()
    started = time.perf_counter()
    content = build_file(args.rows)
    print(
        f"file: {args.rows} rows, {len(content) / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s"
    )
    print(f"database: {connection.vendor}")

    # `history_preview` is these two steps; timed apart, since reading (addresses, rubric) is the rubrics
    # app's reader and matching is this app's.
    started = time.perf_counter()
    reader = history_import_preview(actor=actor, content=content, filename="bench.csv")
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    preview = Preview(reader, planning.plan_rows(reader.rows, choices={}, scope_ids=_scope_ids(actor)))
    match_s = time.perf_counter() - started
    preview_s = read_s + match_s
    print(f"  read and check (addresses, rubric): {read_s:.1f} s, {args.rows / read_s:,.0f} rows/s")
    print(
        f"  match (producers, products, decisions, numbers): {match_s:.1f} s, {args.rows / match_s:,.0f} rows/s"
    )
    print(
        f"preview: {preview_s:.1f} s, {args.rows / preview_s:,.0f} rows/s "
        f"({preview.error_count} rows with errors, {preview.flag_count} flagged)"
    )
    if not preview.ok:
        for plan in [p for p in preview.plans if p.errors][:5]:
            print("  ", plan.errors[0].en)
        sys.exit("the file has errors: nothing applied")

    started = time.perf_counter()
    with transaction.atomic():  # so the catalogue's reindex, started after the commit, is timed on its own
        batch = write_plan(actor=actor, preview=preview, filename="bench.csv")
        apply_s = time.perf_counter() - started
        started = time.perf_counter()
    reindex_s = time.perf_counter() - started
    print(f"apply: {apply_s:.1f} s, {args.rows / apply_s:,.0f} rows/s (batch {batch.pk}, {batch.rows} rows)")
    print(f"preview + apply (what the background run does): {preview_s + apply_s:.1f} s")
    run = TaskRun.objects.filter(name="catalog.reindex_products").order_by("-id").first()
    print(f"then the catalogue's reindex (its own run, {run.status if run else '-'}): {reindex_s:.1f} s")


if __name__ == "__main__":
    main()
