"""The risk ranking behind a province's yearly inspection plan: every product of the province holding a
certificate in force, with the points of each reason that applies (data/supervision.yaml `risk`).

Reasons: its certificate ends soon; complaints waiting; many verifications of its QR (the certificate counts
scans but keeps no place, so "many scans" stands for "many scans from far away"); never inspected; a finding
of an earlier inspection still open or not fixed in time. A read: nothing is stored here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.certification.models import Certificate
from ocop.supervision.models import Complaint, ComplaintStatus, Finding, FindingStatus, Inspection
from ocop.supervision.rules import rules

REASON_LABELS = {
    "expiring": _("Giấy chứng nhận sắp hết hạn"),
    "complaint": _("Có phản ánh chưa xử lý"),
    "many_scans": _("Mã QR được kiểm tra nhiều lần"),
    "never_inspected": _("Chưa từng được kiểm tra"),
    "open_finding": _("Còn vi phạm chưa khắc phục"),
}


@dataclass
class Ranked:
    product_id: int
    certificate_id: int
    valid_until: datetime.date
    risk: int = 0
    reasons: list[str] = field(default_factory=list)


def reference_day(year: int) -> datetime.date:
    today = timezone.localdate()
    return today if year <= today.year else datetime.date(year, 1, 1)


def ranked(province, year: int) -> list[Ranked]:
    """The province's certified products, riskiest first (then the certificate ending first)."""
    rule = rules()
    day = reference_day(year)
    certificates = list(
        Certificate.objects.in_force(timezone.localdate())
        .filter(product__producer__unit__current_province=province)
        .values_list("pk", "product_id", "valid_until", "scan_count")
    )
    products = [row[1] for row in certificates]
    complaints = dict(
        Complaint.objects.filter(product_id__in=products, status=ComplaintStatus.NEW)
        .values("product")
        .annotate(n=Count("id"))
        .values_list("product", "n")
    )
    inspected = set(Inspection.objects.filter(product_id__in=products).values_list("product_id", flat=True))
    open_findings = set(
        Finding.objects.filter(
            inspection__product_id__in=products, status__in=[FindingStatus.OPEN, FindingStatus.NOT_FIXED]
        ).values_list("inspection__product_id", flat=True)
    )
    horizon = day + datetime.timedelta(days=rule.expiring_within_days)
    result = []
    for certificate_id, product_id, valid_until, scans in certificates:
        row = Ranked(product_id, certificate_id, valid_until)
        checks = {
            "expiring": valid_until <= horizon,
            "complaint": product_id in complaints,
            "many_scans": scans >= rule.many_scans,
            "never_inspected": product_id not in inspected,
            "open_finding": product_id in open_findings,
        }
        for reason, applies in checks.items():
            if applies:
                weight = rule.points[reason] * (complaints[product_id] if reason == "complaint" else 1)
                row.risk += weight
                row.reasons.append(reason)
        result.append(row)
    result.sort(key=lambda r: (-r.risk, r.valid_until, r.product_id))
    return result
