"""Benchmark of the officers' dossier queues: the selector, the queue page and the queue API for a commune, a
province and the central officer, p50 and p95 alone and with 20 officers at once, the SQL time beside.

Prepare a database of its own first (from the repository root):

    export OCOP_DATA_DIR=var/bench            # and DATABASE_URL=postgres://.../ocop_bench for PostgreSQL
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_units
    .venv/bin/python manage.py load_rubrics
    .venv/bin/python manage.py seed_demo --scale 100000
    .venv/bin/python benchmarks/officer_queue.py --dossiers 100000

`--dossiers N` writes synthetic dossiers (bulk, one per product, benchmark databases only: refused under
production settings) until there are N, spread over every commune and over the states of the routing table;
one in fifty lands in the demo commune, so that the commune officer's queue is not trivially small. A second
run reuses them.

With 20 officers at once, two ways (20 threads of one process, each with its own client and connection):
`--think S` (default 2): each officer reads a page for a random time (exponential, mean S seconds) before the
next request, the way people use a queue; `think 0`: every officer asks again the moment answered, a
saturation test whose figures are 20 × the CPU of a request on one interpreter, whatever the SQL.
"selector now" is what the page and the API read of the queue: the page's ids, then its 50 rows by id.
The pages timed alone (the queues' pages and APIs, or `--lists`) are timed in turns, each once per round, so a
machine whose speed drifts during the run weighs on all of them alike.

It ends with a "targets" block: each judged figure beside its target (p95 ≤ 100 ms with 20 officers who
think, page p50 - SQL p50 ≤ 10 ms), met or NOT MET in this run.

The selector is also timed the way it read before issue 19 (the units joined through `current_commune` /
`current_province`, the route's levels read from JSON), on the same data in the same run: "before". It reads
the page's dossiers only, not their related rows ("now" does), which flatters "before".
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django  # noqa: E402

django.setup()

from catalog_search import measure, measure_in_turns, percentile  # noqa: E402  (one way of timing for every benchmark)
from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from ocop.accounts.models import User  # noqa: E402
from ocop.accounts.policies import Capability, scope_q  # noqa: E402
from ocop.cycle.models import Dossier  # noqa: E402
from ocop.cycle.routes import route_on  # noqa: E402
from ocop.cycle.selectors import QueueFilters, acting_levels, dossier_queue_for, queue_rows  # noqa: E402
from ocop.cycle.workflow import EVALUATOR, RECEIVER, workflow  # noqa: E402
from ocop.demo.seed import DEMO_COMMUNE  # noqa: E402
from ocop.geo.models import AdminUnit, Era, Level  # noqa: E402
from ocop.products.models import Product  # noqa: E402
from ocop.rubrics.models import RubricVersion  # noqa: E402

OFFICERS = ("commune", "province", "central")  # the demo users of `seed_demo`
THREADS = 20
# The officer's home page (its work cards count) and the officer lists of issue 16 (docs/dashboards.md).
LISTS = (
    "/",
    "/producers/",
    "/products/",
    "/certificates/",
    "/certificates/decisions/",
    "/evaluation/results/",
    "/dossiers/?all=1",
)
PAGE_SIZE = 50  # the queue page's size
# The share of dossiers in each state: most are past the commune, a fair part waits on someone.
STATE_MIX = [
    ("draft", 8),
    ("submitted", 12),
    ("checked", 6),
    ("forwarded", 10),
    ("returned", 4),
    ("accepted", 20),
    ("under_evaluation", 5),
    ("scored", 3),
    ("proposed_to_central", 1),
    ("recognised", 26),
    ("not_recognised", 5),
]


def seed_dossiers(wanted: int) -> int:
    """Synthetic dossiers, one per product that has none, until there are `wanted` (see the docstring)."""
    if settings.PRODUCTION:
        raise SystemExit("Refused: production settings.")
    missing = wanted - Dossier.objects.count()
    if missing <= 0:
        return 0
    rng = random.Random(2025)
    today, now = timezone.localdate(), timezone.now()
    route = route_on(today).as_data()
    states = [code for code, weight in STATE_MIX for _ in range(weight)]
    demo_commune = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COMMUNE, code=DEMO_COMMUNE).pk
    rubric = RubricVersion.objects.order_by("-effective_from").first()
    author = User.objects.get(username="producer")
    taken = Dossier.objects.values_list("product_id", flat=True)
    products = Product.objects.exclude(pk__in=taken).values_list("pk", "producer_id", "producer__unit_id")
    batch, made = [], 0
    for product_id, producer_id, unit_id in products.iterator(chunk_size=5000):
        status = rng.choice(states)
        dossier = Dossier(
            producer_id=producer_id,
            product_id=product_id,
            unit_id=demo_commune if rng.random() < 0.02 else unit_id,
            year=today.year - rng.randint(0, 3),
            status=status,
            due_on=today + timedelta(days=rng.randint(-20, 30)),
            submitted_at=None if status == "draft" else now,
            created_by=author,
            rubric_version=rubric,
            checklist_version="bench",
        )
        if status != "draft":
            dossier.take_route(route)  # and who holds it (`held_by`): bulk_create does not call save()
        batch.append(dossier)
        made += 1
        if len(batch) == 5000 or made == missing:
            Dossier.objects.bulk_create(batch, batch_size=1000)
            batch = []
        if made == missing:
            break
    Dossier.objects.bulk_create(batch, batch_size=1000)
    with connection.cursor() as cursor:
        # Both engines: the planners' statistics for the new rows; on PostgreSQL also the visibility map
        # (what autovacuum keeps up in service), without which no index-only scan is planned.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return made


def queue_before(user):
    """The queue as it was read before issue 19: scope through a join, the route's levels from JSON."""
    levels = sorted(acting_levels(user))
    waiting = Q(pk__in=[])
    for state in workflow(Dossier.WORKFLOW).states:
        if state.holder == RECEIVER:
            waiting |= Q(status=state.code, route__receiver__in=levels)
        elif state.holder == EVALUATOR:
            waiting |= Q(status=state.code, route__evaluator__in=levels)
        elif state.holder in levels:
            waiting |= Q(status=state.code)
    dossiers = Dossier.objects.filter(
        scope_q(user, Capability.CHECK_DOSSIERS, "unit"), submitted_at__isnull=False
    ).filter(waiting)
    return dossiers.order_by("due_on", "pk")


def concurrent(make_run, repeat: int, think: float = 0.0) -> list[float]:
    """Each of THREADS threads (its own client and connection) runs `repeat` times; every latency kept.

    `think` 0: each officer asks again as soon as answered (closed loop: the whole process saturated, 20
    requests always waiting on one interpreter, so the figure is 20 × the CPU of a request, whatever the
    SQL). `think` > 0: each officer reads the page for a random time (exponential, mean `think` seconds)
    before the next request, as people do; the first request of each is spread over one mean think time."""
    times: list[float] = []
    lock = threading.Lock()

    def worker(seed: int):
        rng = random.Random(seed)
        run = make_run()
        run()
        if think:
            time.sleep(rng.uniform(0, think))
        mine = []
        for _ in range(repeat):
            if think:
                time.sleep(rng.expovariate(1 / think))
            started = time.perf_counter()
            run()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            times.extend(mine)
        connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def page_run(user, address: str):
    def make():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)

        def run():
            response = client.get(address)
            assert response.status_code == 200, response.status_code

        return run

    return make


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=0, help="seed synthetic dossiers up to this number")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per case, alone")
    parser.add_argument("--concurrent-repeat", type=int, default=5, help="timed runs per thread, 20 threads")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean seconds an officer reads a page before the next request, 20 threads (also run with 0)",
    )
    parser.add_argument(
        "--lists", action="store_true", help="the home page and the officer lists instead of the queues"
    )
    args = parser.parse_args()
    if args.dossiers:
        started = time.perf_counter()
        made = seed_dossiers(args.dossiers)
        print(f"seeded {made} dossiers in {time.perf_counter() - started:.1f} s")
    print(f"database: {connection.vendor}; dossiers: {Dossier.objects.count()}")
    print(f"command: {' '.join(sys.argv)}")
    print(f"load average (1, 5, 15 min) at start: {load()} on {os.cpu_count()} cores\n")
    header = f"{'case':40} {'rows':>6} {'q':>3} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'SQL p95':>8}"
    print(header)
    crowds: dict[str, float] = {}  # p95 with 20 officers who read what they open
    overheads: dict[str, float] = {}  # page p50 - SQL p50

    def line(label: str, rows, queries, total: list[float], sql: list[float]) -> str:
        return (
            f"{label:40} {rows:>6} {queries:>3} {statistics.median(total):8.1f} "
            f"{percentile(total, 0.95):8.1f} {statistics.median(sql):8.1f} {percentile(sql, 0.95):8.1f}"
        )

    pages: dict[str, tuple[object, str]] = {}  # the pages timed alone, in turns: label -> (user, address)
    for username in OFFICERS if not args.lists else ():
        user = User.objects.get(username=username)

        def selector(u=user):  # as the page reads it: the page's ids, then its rows by id
            return queue_rows(
                list(dossier_queue_for(u, QueueFilters()).values_list("pk", flat=True)[:PAGE_SIZE])
            )

        def before(u=user):
            return list(queue_before(u)[:PAGE_SIZE])

        cases = [(f"{username}: selector before", before), (f"{username}: selector now", selector)]
        for label, run in cases:
            rows = len(run())
            total, sql, queries = measure(run, args.repeat)
            print(line(label, rows, queries, total, sql))
        pages[f"{username}: queue page"] = (user, "/dossiers/")
        pages[f"{username}: queue API"] = (user, "/api/v1/dossiers?queue=1&page_size=50")
    if args.lists:
        print("The officer's home page (work cards) and lists, one officer at a time:")
        for username in OFFICERS:
            user = User.objects.get(username=username)
            for address in LISTS:
                try:
                    page_run(user, address)()()
                except AssertionError:  # a list this officer has no right to (decisions, results): skipped
                    continue
                pages[f"{username}: {address}"] = (user, address)
    # Each page once in turn, `repeat` times over: a drift of the machine's speed weighs on all alike.
    timed = measure_in_turns({label: page_run(*page)() for label, page in pages.items()}, args.repeat)
    for label, (total, sql, queries) in timed.items():
        overheads[label] = statistics.median(total) - statistics.median(sql)
        print(line(label, "", queries, total, sql))
    for label, page in pages.items() if not args.lists else ():
        for think in dict.fromkeys([args.think, 0.0]):
            crowd = concurrent(page_run(*page), args.concurrent_repeat, think)
            case = f" x{THREADS}, think {think:g} s"
            if think:
                crowds[label] = percentile(crowd, 0.95)
            print(
                f"{label + case:40} {'':>6} {'':>3} {statistics.median(crowd):8.1f} "
                f"{percentile(crowd, 0.95):8.1f}   load {load()}"
            )
    print(f"\nload average at the end: {load()}")
    print_targets(crowds, overheads, args.think)


def print_targets(crowds: dict[str, float], overheads: dict[str, float], think: float) -> None:
    """Each figure beside its target (../shared/QUALITY.md, issue 19): met or not, in this run. The saturation
    run (think 0) is printed above but not judged: it measures one interpreter's CPU (see the docstring)."""
    rows = [
        (f"{case} x{THREADS}, think {think:g} s: p95 ≤ 100 ms", p95, p95 <= 100)
        for case, p95 in crowds.items()
    ]
    rows += [(f"{case}: p50 - SQL p50 ≤ 10 ms", extra, extra <= 10) for case, extra in overheads.items()]
    print("\ntargets")
    for label, value, met in rows:
        print(f"{label:66} {value:8.1f}  {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
