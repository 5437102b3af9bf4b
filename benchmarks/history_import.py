"""Benchmark of the history import (issues 15 and 19): a file of `--rows` rows previewed, applied and undone.

Prepare a database of its own first (from the repository root):

    export OCOP_DATA_DIR=var/bench-history    # and DATABASE_URL=postgres://.../ocop_bench_history for PostgreSQL
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_units
    .venv/bin/python manage.py load_rubrics
    .venv/bin/python benchmarks/history_import.py --rows 10000 --undo
    .venv/bin/python benchmarks/history_import.py --rows 20000 --undo

Into a national database instead (docs/history-import.md's 1M runs), seed it first (`manage.py seed_demo
--scale 1000000`) and, on a PostgreSQL whose autovacuum is off, run `ANALYZE` before the benchmark: without
statistics the catalogue's reindex after the apply plans blind joins and runs for many minutes.

What it builds: a CSV of `--rows` past recognitions from the loaded units: legacy communes of every legacy
province (round robin, so the file touches the whole country, as a national year would), written as
"Xã A, Huyện B, Tỉnh C"; producers named per commune (about three products each, so producers repeat and
match within the file), product sets of the 2019 version, 3★–4★ at the province level on dates of
2020–2022 (a tenth 5★ at the central level), certificate numbers left for ocop to generate. The acting
officer is a central officer made for the run (`bench_history`), so every province is in scope.

What is timed, each with its SQL statements counted and rows per second:
- preview: `history_upload_create`, what the upload page runs: read the file (addresses, rubric), match
  producers, products, decisions and numbers, store the file and its preview;
- apply: `history_import_run`, what the background run does: read and match the file again, then write in one
  transaction (batch, producers, products, decisions, signed certificates, rows, audit), step by step;
  preview and apply run in this one process, as with the default inline tasks, so the apply reads no province's
  units again (`geo.addresses` keeps them per process); a task worker of its own reads them on its first file
  (docs/history-import.md);
- then the catalogue's reindex of the new products, a run of its own after the commit (inline here);
- undo (`--undo`): `history_import_undo` of the batch, then its catalogue reindex.
Run it on a fresh database (`--undo` leaves it as it was): a second apply would match the first run's records.
It ends with a "targets" block: the preview and the apply beside their limits for a file of that size (10,000
rows: 5 s each, issue 19; 20,000 rows: 20 s and 60 s, issue 15), met or NOT MET in this run;
docs/history-import.md holds the recorded figures.
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
from ocop.history.services import history_import_run, history_import_undo, history_upload_create  # noqa: E402
from ocop.rubrics.models import HistoryImport  # noqa: E402
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


class Counter:
    """Statements sent to the database while it is installed (an execute wrapper: no query log kept)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Clock:
    """Seconds and statements of each stage, printed as they end."""

    def __init__(self, counter: Counter, rows: int) -> None:
        self.counter, self.rows = counter, rows
        self.mark()

    def mark(self) -> None:
        self.at, self.queries = time.perf_counter(), self.counter.count

    def lap(self, label: str, indent: str = "    ") -> float:
        seconds, queries = time.perf_counter() - self.at, self.counter.count - self.queries
        print(f"{indent}{label}: {seconds:.2f} s, {queries} queries")
        self.mark()
        return seconds


def timed(label: str, counter: Counter, rows: int, action):
    started, queries = time.perf_counter(), counter.count
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s, {rows / seconds:,.0f} rows/s, {counter.count - queries} queries")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--undo", action="store_true", help="undo the batch afterwards (and time it)")
    args = parser.parse_args()
    actor = officer()
    started = time.perf_counter()
    content = build_file(args.rows)
    print(
        f"file: {args.rows} rows, {len(content) / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s"
    )
    print(f"database: {connection.vendor}; load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    counter = Counter()
    with connection.execute_wrapper(counter):
        upload, preview_s = timed(
            "preview (upload page: read, check, match, store)",
            counter,
            args.rows,
            lambda: history_upload_create(actor=actor, content=content, filename="bench.csv"),
        )
        if not upload.ok:
            for row in [r for r in upload.rows if r["has_error"]][:5]:
                print("  ", row["problems"][0]["en"])
            sys.exit(f"the file has {upload.error_count} rows with errors: nothing applied")

        clock = Clock(counter, args.rows)

        def stage(name: str, done: int, total: int) -> None:
            if name != "reading":
                clock.lap({"checking": "read and match again", "done": "commit"}.get(name, name))

        def step(name: str, done: int, total: int) -> None:
            clock.lap(f"write {name} ({done})", indent="      ")

        # The catalogue's reindex runs after the commit (inline here): the outer block keeps it out of "apply".
        with transaction.atomic():
            clock.mark()
            result, apply_s = timed(
                "apply (background run: read and match again, write in one transaction)",
                counter,
                args.rows,
                lambda: history_import_run(upload.pk, progress=stage, steps=step),
            )
            started = time.perf_counter()
        reindex_s = time.perf_counter() - started
        run = TaskRun.objects.filter(name="catalog.reindex_products").order_by("-id").first()
        print(f"then the catalogue's reindex (its own run, {run.status if run else '-'}): {reindex_s:.2f} s")
        if "batch" not in result:
            sys.exit(f"refused: {result}")
        batch = HistoryImport.objects.get(pk=result["batch"])
        print(f"batch {batch.pk}: {batch.rows} rows")
        if args.undo:
            with transaction.atomic():
                timed(
                    "undo",
                    counter,
                    args.rows,
                    lambda: history_import_undo(actor=actor, batch=batch, reason="Đo hiệu năng"),
                )
                started = time.perf_counter()
            print(f"then the catalogue's reindex: {time.perf_counter() - started:.2f} s")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_targets(args.rows, preview_s, apply_s)


# Rows, then the preview's and the apply's limits in seconds: issue 19 (10,000 rows), issue 15 (20,000).
TARGETS = [(10_000, 5.0, 5.0), (20_000, 20.0, 60.0)]


def print_targets(rows: int, preview_s: float, apply_s: float) -> None:
    """Each figure beside the target of the smallest file size at or above this one: met or not, this run."""
    size = next(((size, preview, apply) for size, preview, apply in TARGETS if rows <= size), None)
    if size is None:
        return
    print(f"\ntargets (files of up to {size[0]:,} rows)")
    for label, value, limit in (("preview", preview_s, size[1]), ("apply", apply_s, size[2])):
        print(f"{label + f' ≤ {limit:g} s':30} {value:8.2f}  {'met' if value <= limit else 'NOT MET'}")


if __name__ == "__main__":
    main()
