"""The planning story: the fixed cast, a second official at the province and at the centre to approve
decisions, and producers of several legal forms in Bắc Ninh (one in a commune that was Bắc Giang before the
2025 reform) and in Hà Nội, whose products are certified the real way (council, decision, approval)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from ocop.accounts.models import RoleKind, User
from ocop.accounts.services import role_grant, user_create
from ocop.certification import services as certification
from ocop.certification.models import Certificate, IssuingAuthority
from ocop.producers.models import Producer
from ocop.producers.services import producer_create
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.rubrics.models import ProductSet
from tests.conftest import PASSWORD
from tests.council_support import council_backs


@pytest.fixture(autouse=True)
def _isolated_files(isolated_files):
    return isolated_files


def person(username: str, full_name: str, kind: str, where) -> User:
    someone = user_create(actor=None, username=username, password=PASSWORD, full_name=full_name)
    role_grant(actor=None, user=someone, kind=kind, unit=where)
    return someone


def product_set(words: str = "") -> ProductSet:
    sets = ProductSet.objects.select_related("group").order_by("-version__effective_from", "position", "code")
    if words:
        return sets.filter(group__name__icontains=words).first()
    return sets.first()


@dataclass
class Programme:
    cast: object
    province_checker: User
    central_checker: User
    province_authority: IssuingAuthority
    central_authority: IssuingAuthority
    producers: dict[str, Producer] = field(default_factory=dict)

    def producer(self, name: str, legal_form: str, unit, **fields) -> Producer:
        found = producer_create(actor=None, name=name, legal_form=legal_form, unit=unit, **fields)
        self.producers[name] = found
        return found

    def product(self, producer: Producer, name: str, *, words: str = "", **fields) -> Product:
        return product_create(
            actor=None, producer=producer, name=name, product_set=product_set(words), **fields
        )

    def certify(self, items, *, day: datetime.date | None = None, central: bool = False, number: str = ""):
        """A council recognises `(product, stars)` pairs, one official drafts the decision, another approves."""
        cast = self.cast
        maker = cast.central if central else cast.province_officer
        checker = self.central_checker if central else self.province_checker
        authority = self.central_authority if central else self.province_authority
        day = day or timezone.localdate() - datetime.timedelta(days=3)
        council_backs(items, authority=authority, actor=maker, day=day)
        count = authority.decisions.count() + 1
        decision = certification.decision_create(
            actor=maker,
            authority=authority,
            number=number or f"{100 + count}/QĐ-{'BNNMT' if central else 'UBND'}",
            date=day,
            signer="Người ký",
            items=items,
        )
        certification.decision_approve(actor=checker, decision=decision)
        return list(Certificate.objects.filter(decision=decision).order_by("id"))


@pytest.fixture
def programme(cast) -> Programme:
    return Programme(
        cast=cast,
        province_checker=person("province2", "Lý Thị Duyệt", RoleKind.PROVINCE_OFFICER, cast.province),
        central_checker=person("central2", "Mai Văn Kiểm", RoleKind.CENTRAL_OFFICER, cast.country),
        province_authority=certification.authority_create(actor=None, unit=cast.province),
        central_authority=certification.authority_create(actor=None, unit=cast.country),
    )
