"""Benchmark of address resolution in a history import: how many written addresses a second one resolver reads.

Run from the repository root against a database with the units loaded (`make demo` once, or
`manage.py migrate && manage.py load_units`):

    .venv/bin/python benchmarks/address_resolution.py --rows 20000

It builds `--rows` addresses from the loaded legacy communes of every province, written the ways files write
them (full names, no unit types, abbreviations, former names of merged communes, a commune whose district
changed, a typo that no unit matches), in a fixed shuffled order with repeats as real files have them (a
province's products cluster in a few communes), and resolves them with one `AddressResolver` as
`read_history` does. It prints the time, rows per second, the database queries and how many rows were
resolved, by what, or left for the officer with suggestions. Figures are printed, not judged; docs/units.md
holds the recorded ones.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ocop.geo.addresses import AddressResolver  # noqa: E402
from ocop.geo.models import AdminUnit, Era, Level, UnitFormerName  # noqa: E402


def written_addresses(rows: int, seed: int = 15) -> list[str]:
    chance = random.Random(seed)
    communes = list(
        AdminUnit.objects.filter(era=Era.LEGACY, level=Level.COMMUNE).select_related("parent__parent")
    )
    former = {}
    for unit_id, key in UnitFormerName.objects.values_list("unit_id", "key"):
        former.setdefault(unit_id, key)
    # Each file names a few hundred communes many times: draw a pool, then rows from the pool.
    pool = chance.sample(communes, min(len(communes), max(rows // 8, 1)))
    out = []
    for _ in range(rows):
        unit = chance.choice(pool)
        district, province = unit.parent, unit.parent.parent
        style = chance.random()
        if style < 0.5:
            out.append(f"{unit.name}, {district.name}, {province.name}")
        elif style < 0.7:
            out.append(f"{unit.short_name}, {district.short_name}, {province.short_name}")
        elif style < 0.8:
            out.append(f"Thôn {chance.randint(1, 12)}, {unit.name}, {district.name}, {province.short_name}")
        elif style < 0.9 and unit.pk in former:
            out.append(f"{former[unit.pk]}, {district.name}, {province.name}")  # as the package keys it
        elif style < 0.95:
            out.append(f"{unit.name}, {province.name}")  # no district
        else:
            out.append(f"{unit.name}x, {district.name}, {province.name}")  # a slip no unit matches
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    options = parser.parse_args(argv)
    addresses = written_addresses(options.rows)
    day = date(2021, 8, 21)
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        resolver = AddressResolver()
        results = [resolver.resolve(address, day) for address in addresses]
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    kinds = Counter(r.via or r.problem for r in results)
    suggested = sum(1 for r in results if r.unit is None and r.suggestions)
    print(f"rows: {len(addresses)}  distinct: {len(set(addresses))}")
    print(
        f"time: {elapsed:.2f} s (CPU {cpu:.2f} s)  rows/s: {len(addresses) / elapsed:,.0f}"
        f" (per CPU second {len(addresses) / cpu:,.0f})  queries: {len(queries)}"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("by: " + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common()))
    print(f"unresolved with suggestions: {suggested}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
