"""Demo data for the public catalogue: certificates for the demo products, issued the real way.

Each province's People's Committee (and the ministry, for 5★) recognises its products by a decision that
one official drafts and a second approves (ocop.certification). The signing officials made here have
random passwords: they exist to sign the demo decisions, not to sign in. The demo producer's own products
are left uncertified so the cycle can be walked through with them. Running it again changes nothing.
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict

from django.utils import timezone

from ocop.accounts.models import RoleKind, User
from ocop.accounts.services import role_grant, user_create
from ocop.catalog.services import reindex_products
from ocop.certification import services as certification
from ocop.certification.models import Certificate, RecognitionDecision
from ocop.certification.past_councils import record_past_results
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import Product

# Stars of the demo products (by name); 5★ ones are recognised by the ministry.
DEMO_STARS = {
    "Mật ong bạc hà Quản Bạ": 4,
    "Chè Shan tuyết cổ thụ": 5,
    "Nước mắm cá cơm Vân Đồn": 4,
    "Cà phê Robusta rang mộc": 4,
    "Rượu cần Buôn Đôn": 3,
    "Tinh dầu Sa mộc Sa Pa": 3,
    "Cao atiso Lâm Đồng": 4,
    "Khăn thổ cẩm lanh Lùng Tám": 4,
    "Giỏ mây tre đan Phú Vinh": 3,
    "Nước khoáng thiên nhiên Kim Bôi": 4,
    "Lan hồ điệp Mê Linh": 3,
    "Du lịch cộng đồng làng chè Tân Cương": 4,
    "Đường phèn Quảng Ngãi": 4,
    "Bánh tráng nướng Phú Hòa": 3,
    "Gạo ST25 ruộng tôm": 5,
    "Khô cá sặc rằn U Minh": 3,
    "Mỳ Chũ Nam Dương": 4,
    "Bình gốm men da lươn Phù Lãng": 3,
}
DEMO_OWNER = "producer"


def _officials(unit: AdminUnit) -> tuple[User, User]:
    """The maker and the checker of an authority's demo decisions."""
    kind = RoleKind.CENTRAL_OFFICER if unit.level == Level.COUNTRY else RoleKind.PROVINCE_OFFICER
    people = []
    for duty in ("lap", "duyet"):
        username = f"ubnd{unit.code.lower()}.{duty}"
        person = User.objects.filter(username=username).first()
        if person is None:
            label = "Cán bộ lập quyết định" if duty == "lap" else "Cán bộ duyệt quyết định"
            person = user_create(
                actor=None,
                username=username,
                password=secrets.token_urlsafe(24),
                full_name=f"{label} – {unit.name}",
            )
            role_grant(actor=None, user=person, kind=kind, unit=unit)
        people.append(person)
    return people[0], people[1]


def seed_certified() -> int:
    """Certify the demo products that have no certificate yet; returns how many certificates were issued."""
    products = (
        Product.objects.filter(name__in=DEMO_STARS)
        .exclude(producer__members__user__username=DEMO_OWNER)
        .exclude(pk__in=Certificate.objects.values("product_id"))
        .select_related("producer__unit__current_province")
    )
    country = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COUNTRY)
    by_authority: dict[AdminUnit, list[tuple[Product, int]]] = defaultdict(list)
    for product in products:
        stars = DEMO_STARS[product.name]
        unit = country if stars == 5 else product.producer.unit.current_province
        if unit is not None:
            by_authority[unit].append((product, stars))
    day = timezone.localdate() - datetime.timedelta(days=30)
    issued = 0
    for unit, items in sorted(by_authority.items(), key=lambda pair: pair[0].code):
        maker, checker = _officials(unit)
        authority = certification.authority_ensure(actor=None, unit=unit)
        # A decision follows a council: the demo's past round of this unit recognised these products.
        record_past_results(
            unit=unit, items=items, held_on=day - datetime.timedelta(days=14), created_by=maker
        )
        number = 101 + RecognitionDecision.objects.filter(authority=authority).count()
        decision = certification.decision_create(
            actor=maker,
            authority=authority,
            number=f"{number}/QĐ-{'BNNMT' if unit.level == Level.COUNTRY else 'UBND'}",
            date=day,
            signer=f"Người ký – {authority.name}",
            items=items,
        )
        certification.decision_approve(actor=checker, decision=decision)
        issued += len(items)
    reindex_products(Product.objects.filter(name__in=DEMO_STARS).values_list("id", flat=True))
    return issued
