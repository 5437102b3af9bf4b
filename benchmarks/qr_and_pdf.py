"""Benchmark of certificate signing: sign and verify one QR, verify online (with the database), render one
certificate PDF; prints medians and p95 and the QR version. Targets (QUALITY.md): sign/verify ≤ 1 ms each,
PDF ≤ 500 ms each (1,000 in ≤ 2 min on one worker), QR at most version 8, level M.

    .venv/bin/python benchmarks/qr_and_pdf.py [--pdf-runs 30] [--qr-runs 2000]

It works in its own data folder (OCOP_DATA_DIR, default var/bench-cert) with an embedded SQLite database,
a few hand-made units and one product: nothing else is touched.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OCOP_DATA_DIR", "var/bench-cert")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
os.environ.setdefault("OCOP_SITE_URL", "https://ocop.gov.vn")
os.environ.pop("DATABASE_URL", None)  # always the embedded database of the benchmark's own folder


CPU: dict[str, list[float]] = {}


def timed(fn, runs: int, name: str = "") -> list[float]:
    """Wall-clock milliseconds of each run; the process's CPU milliseconds are kept under `name`."""
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    if name:
        CPU[name] = cpu
    return samples


def report(name: str, samples: list[float], target_ms: float) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    median = statistics.median(ordered)
    verdict = (
        ""
        if target_ms == float("inf")
        else f"target ≤ {target_ms:g} ms  " + ("ok" if p95 <= target_ms else "OVER")
    )
    print(f"{name:<36} n={len(samples):<5} median={median:8.3f} ms  p95={p95:8.3f} ms  {verdict}")


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from ocop.accounts.models import RoleKind, User
    from ocop.accounts.services import role_grant, user_create
    from ocop.certification import services
    from ocop.certification.models import Certificate, IssuingAuthority
    from ocop.geo.models import AdminUnit, Era, Level
    from ocop.producers.services import producer_create
    from ocop.products.services import product_create
    from ocop.rubrics.models import ProductSet, RubricVersion, TaxonLevel, TaxonNode

    existing = Certificate.objects.filter(status="active").select_related("product__producer__unit").first()
    if existing is not None:
        return existing

    def unit(code, level, name, parent=None):
        found, _ = AdminUnit.objects.get_or_create(
            era=Era.CURRENT,
            code=code,
            defaults={
                "level": level,
                "name": name,
                "short_name": name,
                "unit_type": "",
                "parent": parent,
                "search_text": name.lower(),
            },
        )
        return found

    country = unit("VN", Level.COUNTRY, "Việt Nam")
    province = unit("24", Level.PROVINCE, "Tỉnh Bắc Ninh", country)
    province.current_province = province
    province.save(update_fields=["current_province"])
    commune = unit("07798", Level.COMMUNE, "Phường Vân Hà", province)
    commune.current_province, commune.current_commune = province, commune
    commune.save(update_fields=["current_province", "current_commune"])
    product_set = ProductSet.objects.first()
    if product_set is None:
        version, _ = RubricVersion.objects.get_or_create(
            code="2023",
            defaults={
                "title": "2023",
                "decision": "148/QĐ-TTg",
                "effective_from": datetime.date(2023, 2, 24),
            },
        )
        group = TaxonNode.objects.create(version=version, level=TaxonLevel.GROUP, code="I", name="Thực phẩm")
        product_set = ProductSet.objects.create(version=version, code="2.2", name="Mật ong", group=group)

    def officer(username):
        person = User.objects.filter(username=username).first()
        if person is None:
            person = user_create(
                actor=None, username=username, password="benchmark-password-2025", full_name=username
            )
            role_grant(actor=None, user=person, kind=RoleKind.PROVINCE_OFFICER, unit=province)
        return person

    maker, checker = officer("bench-maker"), officer("bench-checker")
    producer = producer_create(
        actor=None, name="Hợp tác xã Mật ong và Vải thiều Vân Hà", legal_form="cooperative", unit=commune
    )
    product = product_create(
        actor=None, producer=producer, name="Mật ong hoa vải Vân Hà – loại đặc biệt", product_set=product_set
    )
    authority = IssuingAuthority.objects.filter(unit=province).first() or services.authority_create(
        actor=None, unit=province
    )
    decision = services.decision_create(
        actor=maker,
        authority=authority,
        number="123/QĐ-UBND",
        date=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
        items=[(product, 4, "82.5", None)],
    )
    services.decision_approve(actor=checker, decision=decision)
    return Certificate.objects.select_related("product__producer__unit").get(decision=decision)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qr-runs", type=int, default=2000)
    parser.add_argument("--pdf-runs", type=int, default=30)
    args = parser.parse_args()

    certificate = setup()
    from ocop.certification import keys as key_store
    from ocop.certification import pdf, qr, selectors, services

    key = certificate.key
    claim, signature = qr.unpack(certificate.qr_payload)
    public = __import__("base64").b64decode(key.public_key)
    text = selectors.certificate_qr_text(certificate)
    key_store.private_key(key)  # read the key file once, as a long-running worker would

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"certificate {certificate.number}; QR text {len(text)} characters: {text}")
    for site in ("https://ocop.gov.vn", "https://ocopvietnam.gov.vn", "http://127.0.0.1:8000"):
        code = qr.qr_code(qr.qr_text(site, certificate.qr_payload))
        print(f"QR for {site:<28} version {code.version}, error level {code.error}")

    report(
        "sign (sign + pack the payload)",
        timed(lambda: qr.pack(claim, key_store.sign(key, claim.message())), args.qr_runs),
        1,
    )
    report(
        "verify offline (unpack + Ed25519)",
        timed(lambda: qr.signature_matches(*qr.unpack(text), public), args.qr_runs),
        1,
    )
    online = timed(lambda: selectors.certificate_verify(text), min(args.qr_runs, 500))
    report("verify online (signature + 1 query)", online, float("inf"))
    first = timed(lambda: pdf.render(certificate), 1)[0]
    print(f"first PDF in a fresh process (fonts loaded): {first:.0f} ms")
    samples = timed(lambda: pdf.render(certificate), args.pdf_runs, "pdf")
    report("certificate PDF (render)", samples, 500)
    report("certificate PDF (render), CPU time", CPU["pdf"], 500)

    def stored():
        certificate.pdf_status = ""  # force a new rendering
        services.certificate_pdf_ensure(certificate=certificate)

    report("certificate PDF (render + store)", timed(stored, max(5, args.pdf_runs // 3)), 500)
    print(
        f"1,000 certificates at the median: {statistics.median(samples):.0f} s wall, "
        f"{statistics.median(CPU['pdf']):.0f} s of CPU (target ≤ 120 s on one worker)"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average during the run: {load:.2f} (other work on the machine inflates every figure)")
    print(f"PDF size: {len(pdf.render(certificate)) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
