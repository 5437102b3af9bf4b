"""Load benchmark of the public catalogue: a fixed rate of searches against the app served the production way.

Prepare a database of its own first, as benchmarks/catalog_search.py's docstring says, then (from the
repository root):

    export OCOP_DATA_DIR=var/bench-load       # and DATABASE_URL=postgres://.../ocop_bench_load for PostgreSQL
    .venv/bin/python benchmarks/catalog_load.py --rate 50 --duration 30

What it does: starts gunicorn on 127.0.0.1 as `make demo` does (`ocop.wsgi`, 2 workers, 4 threads each,
access log on), with the same environment plus `OCOP_PUBLIC_API_PER_MINUTE` raised (every request comes
from one address, and the API's per-address limit, 120 a minute by default, would answer 429 to most of
them). It sends every URL once to warm up, then `--warmup` seconds of load that are not counted, then
`--duration` seconds at `--rate` requests a second, and prints figures; it stops the server it started.

The URL mix: each query of benchmarks/catalog_search.py's QUERIES (imported, not copied) as a search page
(`/catalog/search/?q=...`) and as an API call (`/api/v1/catalog/products?q=...`), in a shuffled fixed
order, so every query and kind gets the same share of the requests.

The load is open-loop: request i is scheduled at start + i / rate and sent then, whether or not earlier
requests have been answered, and its latency is counted from that scheduled time to the last byte of the
response. A server that falls behind therefore shows its queueing in the figures instead of slowing the
generator down (no coordinated omission). The generator is a single asyncio loop from the standard library,
one connection per request (`Connection: close`); its own CPU time and how late it sent are printed, so a
generator that could not keep up shows. Errors: any status other than 200, a refused or reset connection,
or no complete response within `--timeout` seconds (default 10).

Beside the latencies it prints the CPU the gunicorn processes used (SQLite runs inside them) and, on
PostgreSQL, this database's backends, per request; how busy the machine's CPUs were (every process); and
the load average before, during and after: on a shared machine, read the latencies with those.

Figures are printed, not judged; docs/catalog.md holds the recorded ones.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

# Imports Django's settings too (catalog_search sets itself up): used below only to describe the database.
from catalog_search import QUERIES  # noqa: E402

RAISED_API_LIMIT = 1_000_000


@dataclass
class Outcome:
    kind: str
    label: str
    scheduled: float
    sent: float = 0.0
    done: float = 0.0
    status: int = 0
    error: str = ""
    size: int = 0
    cache: str = ""  # the X-Catalog-Cache header: hit, miss, or empty when the cache did not handle it


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def url_mix() -> list[tuple[str, str, str]]:
    """(kind, label, path) for every query, as a search page and as an API call, in a fixed shuffled order."""
    mix = []
    for text, spec in QUERIES:
        params: dict[str, object] = {"q": text}
        if "province" in spec:
            era, code = spec["province"].split(":")
            params["province" if era == "current" else "legacy_province"] = code
        if "stars" in spec:
            params["stars"] = spec["stars"]
        query = urllib.parse.urlencode(params)
        label = f"{text!r} {spec or ''}".strip()
        mix.append(("page", label, f"/catalog/search/?{query}"))
        mix.append(("api", label, f"/api/v1/catalog/products?{query}"))
    random.Random(2025).shuffle(mix)
    return mix


class FreshUrls:
    """Addresses not requested before in this run, so no cache can have their answer: product pages of listed
    products (page and API) and the mix's queries narrowed by a star band and a province (page and API),
    half and half, drawn at random with a fixed seed."""

    def __init__(self, product_ids: list[int], province_codes: list[str], seed: int = 19):
        self.random = random.Random(seed)
        self.products = list(product_ids)
        self.random.shuffle(self.products)
        self.searches = [
            (text, stars, code) for text, _spec in QUERIES for stars in (3, 4, 5) for code in province_codes
        ]
        self.random.shuffle(self.searches)
        self.count = 0

    def next(self) -> tuple[str, str, str]:
        self.count += 1
        kind = "page" if self.count % 2 else "api"
        if self.count % 4 < 2 and self.products:
            product = self.products.pop()
            path = (
                f"/catalog/products/{product}/" if kind == "page" else f"/api/v1/catalog/products/{product}"
            )
            return kind, "fresh product", path
        text, stars, code = self.searches.pop()
        query = urllib.parse.urlencode({"q": text, "stars": stars, "province": code})
        path = f"/catalog/search/?{query}" if kind == "page" else f"/api/v1/catalog/products?{query}"
        return kind, "fresh search", path


def fresh_material() -> tuple[list[int], list[str]]:
    """Listed products and current province codes, read before the load starts."""
    from django.db import connection

    from ocop.catalog.models import CatalogEntry
    from ocop.geo.models import AdminUnit, Era, Level

    try:
        products = list(CatalogEntry.objects.filter(listed=True).values_list("product_id", flat=True))
        codes = list(
            AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).values_list("code", flat=True)
        )
        return products, codes
    finally:
        connection.close()


async def fetch(port: int, path: str, timeout: float) -> tuple[int, int, str]:
    """Status, body size and cache header of one GET on a fresh connection; raises on a refused, reset or slow
    request."""

    async def exchange() -> tuple[int, int, str]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: identity\r\n"
                "User-Agent: ocop-catalog-load\r\nConnection: close\r\n\r\n".encode("ascii")
            )
            await writer.drain()
            data = await reader.read()  # to EOF: the server closes after the response
        finally:
            writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1."):
            raise ConnectionError("no HTTP response")
        cache = ""
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"x-catalog-cache":
                cache = value.strip().decode("ascii", "replace")
        return int(head.split(b" ", 2)[1]), len(body), cache

    return await asyncio.wait_for(exchange(), timeout)


async def one(port: int, outcome: Outcome, path: str, timeout: float) -> None:
    outcome.sent = time.perf_counter()
    try:
        outcome.status, outcome.size, outcome.cache = await fetch(port, path, timeout)
        if outcome.status != 200:
            outcome.error = f"HTTP {outcome.status}"
    except TimeoutError:
        outcome.error = "timeout"
    except (OSError, ValueError, IndexError) as error:  # refused, reset, or not an HTTP answer
        outcome.error = type(error).__name__
    outcome.done = time.perf_counter()


async def drive(
    port: int,
    mix,
    rate: float,
    seconds: float,
    timeout: float,
    offset: int = 0,
    fresh: FreshUrls | None = None,
    fresh_share: float = 0.0,
) -> Run:
    """Open-loop: request i goes out at start + i / rate, however many are still waiting for an answer.
    A `fresh_share` of the requests (every 1/share-th, evenly spread) asks for an address never asked before."""
    run = Run()
    owed = 0.0
    tasks = []
    total = int(round(rate * seconds))
    start = time.perf_counter() + 0.05
    next_load = start
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        owed += fresh_share
        if fresh is not None and owed >= 1.0:
            owed -= 1.0
            kind, label, path = fresh.next()
        else:
            kind, label, path = mix[(offset + i) % len(mix)]
        outcome = Outcome(kind, label, scheduled)
        run.outcomes.append(outcome)
        tasks.append(asyncio.create_task(one(port, outcome, path, timeout)))
        if scheduled >= next_load:
            run.loads.append(os.getloadavg()[0])
            next_load += 1.0
    await asyncio.gather(*tasks)
    run.loads.append(os.getloadavg()[0])
    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs so far (Linux /proc/stat): busy excludes idle and I/O wait."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


def database_pids() -> list[int]:
    """PostgreSQL backends serving this database, other than our own (none for SQLite: it runs in-process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [pid for (pid,) in cursor.fetchall()]
    finally:
        connection.close()


def server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [master, *(int(pid) for pid in children.read_text().split())]
    except OSError:
        return [master]


def start_server(port: int, workers: int, threads: int, log_dir: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.setdefault("OCOP_PUBLIC_API_PER_MINUTE", str(RAISED_API_LIMIT))
    env.setdefault("OCOP_SITE_URL", f"http://127.0.0.1:{port}")
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "ocop.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        os.path.join(log_dir, "access.log"),
        "--error-logfile",
        os.path.join(log_dir, "error.log"),
        "--log-level",
        "warning",
    ]
    print("server: " + " ".join(command))
    print(
        f"        OCOP_PUBLIC_API_PER_MINUTE={env['OCOP_PUBLIC_API_PER_MINUTE']} (raised for the benchmark)"
    )
    return subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)  # its own session: the master and its workers, nothing else
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


async def wait_ready(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if (await fetch(port, "/catalog/", 10))[0] == 200:
                return
        except (OSError, TimeoutError):
            pass
        await asyncio.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


def row(label: str, outcomes: list[Outcome], elapsed: float) -> str:
    good = [o for o in outcomes if not o.error]
    errors = len(outcomes) - len(good)
    latencies = [(o.done - o.scheduled) * 1000 for o in good]
    if not latencies:
        return f"{label:44} {len(outcomes):>6} {0:>7.1f} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {errors:>6}"
    return (
        f"{label:44} {len(outcomes):>6} {len(good) / elapsed:>7.1f} {statistics.median(latencies):>8.1f}"
        f" {percentile(latencies, 0.95):>8.1f} {percentile(latencies, 0.99):>8.1f} {max(latencies):>8.1f}"
        f" {errors:>6}"
    )


def describe_database() -> str:
    from django.db import connection

    from ocop.catalog.models import CatalogEntry
    from ocop.products.models import Product

    try:
        products = Product.objects.count()
        listed = CatalogEntry.objects.filter(listed=True).count()
        return f"{connection.vendor}; products: {products}; listed in the catalogue: {listed}"
    finally:
        connection.close()


async def main(database: str) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=50, help="requests a second (default 50)")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds (default 30)")
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds of load before measuring (default 5)"
    )
    parser.add_argument("--timeout", type=float, default=10, help="seconds before a request counts as failed")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: a free one)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--per-query", action="store_true", help="also print a line per query and kind")
    parser.add_argument(
        "--fresh-share",
        type=float,
        default=0.0,
        help="share of requests (0 to 1) for addresses not asked before in the run: product pages and the"
        " queries narrowed by stars and province (default 0: only the repeated mix)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve with the public answer cache off (OCOP_CATALOG_CACHE_SECONDS=0): every request is computed",
    )
    args = parser.parse_args()
    if args.no_cache:
        os.environ["OCOP_CATALOG_CACHE_SECONDS"] = "0"
    fresh = FreshUrls(*await asyncio.to_thread(fresh_material)) if args.fresh_share > 0 else None

    port = args.port or free_port()
    mix = url_mix()
    print(f"database: {database} (OCOP_DATA_DIR={os.environ.get('OCOP_DATA_DIR', 'var')})")
    print(f"command: {' '.join(sys.argv)}")
    print(
        f"load: {args.rate:g} requests/s for {args.duration:g} s after {args.warmup:g} s of warm-up, open-loop;"
        f" {len(mix)} URLs ({len(QUERIES)} queries x page and API), plus {args.fresh_share:.0%} of requests for"
        f" addresses not asked before; date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs; load average before: {' / '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )

    log_dir = tempfile.mkdtemp(prefix="ocop-load-")
    server = start_server(port, args.workers, args.threads, log_dir)
    try:
        await wait_ready(port, server)
        for _kind, _label, path in mix:  # every URL once: imports, templates, plans, page cache
            await fetch(port, path, 60)
        if args.warmup > 0:
            await drive(
                port, mix, args.rate, args.warmup, args.timeout, fresh=fresh, fresh_share=args.fresh_share
            )
        pids = server_pids(server.pid)
        server_cpu = cpu_seconds(pids)
        backends = await asyncio.to_thread(database_pids)  # Django refuses the ORM inside the event loop
        backend_cpu = {pid: cpu_seconds([pid]) for pid in backends}
        machine = machine_cpu()
        own_cpu = time.process_time()
        started = time.perf_counter()
        run = await drive(
            port,
            mix,
            args.rate,
            args.duration,
            args.timeout,
            offset=len(mix) // 2,
            fresh=fresh,
            fresh_share=args.fresh_share,
        )
        elapsed = max(o.done for o in run.outcomes) - run.outcomes[0].scheduled
        server_cpu = cpu_seconds(pids) - server_cpu
        backends = await asyncio.to_thread(database_pids)  # those opened during the run count in full
        database_cpu = sum(cpu_seconds([pid]) - backend_cpu.get(pid, 0.0) for pid in backends)
        machine = tuple(after - before for after, before in zip(machine_cpu(), machine, strict=True))
        own_cpu = time.process_time() - own_cpu
        wall = time.perf_counter() - started
    finally:
        stop_server(server)
    if server.returncode not in (0, -signal.SIGTERM):
        print(f"gunicorn exited with {server.returncode}; its log: {log_dir}/error.log")

    outcomes = run.outcomes
    lateness = [(o.sent - o.scheduled) * 1000 for o in outcomes]
    print(
        f"\nsent {len(outcomes)} requests; generator sent them late by p50 {statistics.median(lateness):.1f} ms,"
        f" max {max(lateness):.1f} ms; its own CPU {own_cpu:.1f} s over {wall:.1f} s"
    )
    print(
        f"server CPU (gunicorn master + {len(pids) - 1} workers): {server_cpu:.1f} s over {wall:.1f} s"
        f" = {server_cpu / wall:.2f} cores, {server_cpu / len(outcomes) * 1000:.1f} ms a request"
    )
    if backends:
        print(
            f"database CPU ({len(backends)} PostgreSQL backends of this database): {database_cpu:.1f} s"
            f" = {database_cpu / wall:.2f} cores, {database_cpu / len(outcomes) * 1000:.1f} ms a request"
        )
    print(
        f"whole machine (every process, the database's included): CPUs busy {100 * machine[0] / machine[1]:.0f}%"
        f" of {os.cpu_count()}"
    )
    print(
        f"load average during (1 min, sampled each second): max {max(run.loads):.2f};"
        f" after: {' / '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    print("\nlatency from the scheduled send time to the last byte, milliseconds; rate = good answers / s")
    print(f"{'':44} {'sent':>6} {'rate/s':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'errors':>6}")
    for kind, label in (("page", "search pages /catalog/search/"), ("api", "API /api/v1/catalog/products")):
        print(row(label, [o for o in outcomes if o.kind == kind], elapsed))
    if fresh is not None:
        for label in ("fresh search", "fresh product"):
            print(row(f"  of which {label}", [o for o in outcomes if o.label == label], elapsed))
    print(row("overall", outcomes, elapsed))
    answered = [o for o in outcomes if not o.error]
    hits = sum(o.cache == "hit" for o in answered)
    misses = sum(o.cache == "miss" for o in answered)
    print(
        f"public answer cache ({'off' if args.no_cache else 'on'}): {hits} answers replayed, {misses} computed"
        f" and stored, {len(answered) - hits - misses} computed without it"
    )
    errors: dict[str, int] = {}
    for o in outcomes:
        if o.error:
            errors[o.error] = errors.get(o.error, 0) + 1
    if errors:
        print("errors: " + ", ".join(f"{name} x{count}" for name, count in sorted(errors.items())))
    if args.per_query:
        print(
            f"\n{'query, kind':44} {'sent':>6} {'rate/s':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'errors':>6}"
        )
        cases = sorted({(o.label, o.kind) for o in outcomes})
        for label, kind in cases:
            print(
                row(
                    f"{label} {kind}"[:44],
                    [o for o in outcomes if (o.label, o.kind) == (label, kind)],
                    elapsed,
                )
            )
    rusage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\ngenerator peak memory {rusage.ru_maxrss // 1024} MB; server logs: {log_dir}")


if __name__ == "__main__":
    asyncio.run(main(describe_database()))  # the ORM before the event loop: Django refuses it inside
