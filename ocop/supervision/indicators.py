"""Supervision figures the planning indicators count (contract: `<name>(*, province_id, commune_id, year)`).

Records count where the producer's unit lies today; an inspection counts in the year it took place, a complaint
in the year it was received. None: no record of that kind exists at all yet ("no data", never 0).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ocop.supervision.models import Complaint, Finding, Inspection


def _area(prefix: str, province_id: int | None, commune_id: int | None) -> Q:
    if commune_id is not None:
        return Q(**{f"{prefix}_id": commune_id}) | Q(**{f"{prefix}__current_commune_id": commune_id})
    if province_id is not None:
        return Q(**{f"{prefix}__current_province_id": province_id})
    return Q()


def inspections_records(
    *, province_id: int | None, commune_id: int | None, year: int
) -> QuerySet[Inspection]:
    return Inspection.objects.filter(_area("unit", province_id, commune_id), inspected_on__year=year)


def inspections(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Inspections of certified products of the area held in the year."""
    if not Inspection.objects.exists():
        return None
    return inspections_records(province_id=province_id, commune_id=commune_id, year=year).count()


def inspection_findings_records(*, province_id, commune_id, year) -> QuerySet[Finding]:
    return Finding.objects.filter(
        _area("inspection__unit", province_id, commune_id), inspection__inspected_on__year=year
    )


def inspection_findings(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Findings recorded by those inspections."""
    if not Inspection.objects.exists():
        return None
    return inspection_findings_records(province_id=province_id, commune_id=commune_id, year=year).count()


def inspections_with_proposal_records(*, province_id, commune_id, year) -> QuerySet[Inspection]:
    return inspections_records(province_id=province_id, commune_id=commune_id, year=year).filter(
        proposal__isnull=False
    )


def inspections_with_proposal(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Inspections of the year that led to a proposal to revoke a certificate or lower its stars."""
    if not Inspection.objects.exists():
        return None
    return inspections_with_proposal_records(
        province_id=province_id, commune_id=commune_id, year=year
    ).count()


def complaints_records(*, province_id, commune_id, year) -> QuerySet[Complaint]:
    return Complaint.objects.filter(_area("unit", province_id, commune_id), created_at__year=year)


def complaints(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Public complaints received in the year about products of the area."""
    if not Complaint.objects.exists():
        return None
    return complaints_records(province_id=province_id, commune_id=commune_id, year=year).count()
