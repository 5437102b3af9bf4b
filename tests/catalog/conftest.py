"""The catalogue's stories: a handful of real OCOP products in places that moved in the 2025 reform.

Certificates come from the certification app in the end-to-end tests; the search tests give products their
certificate facts through `certified`, the one seam between the index and the certification app.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.catalog import services as catalog_services
from ocop.catalog.services import CertificateFacts, reindex_product
from ocop.geo.models import AdminUnit, Era
from ocop.producers.models import LegalForm, Producer, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.services import product_create
from ocop.rubrics.models import ProductSet, RubricVersion, TaxonLevel, TaxonNode
from ocop.rubrics.selectors import engine_version_on
from tests.council_support import council_backs

# (group code, group name, product set code, product set name) as in Decision 148 (rubric 2023).
TAXONOMY = [
    ("I", "Thực phẩm", "2.2", "Mật ong, mật khác và nông sản thực phẩm khác"),
    ("I", "Thực phẩm", "4.2", "Gia vị khác"),
    ("I", "Thực phẩm", "5.1", "Chè tươi, chè chế biến"),
    ("I", "Thực phẩm", "6.1", "Cà phê, ca cao"),
    ("II", "Đồ uống", "7.1", "Rượu trắng"),
    ("IV", "Hàng thủ công mỹ nghệ", "13.1", "Vải, may mặc"),
]


def product_set(code: str) -> ProductSet:
    """The 2023 product set `code`, from the loaded rubrics or, before they load, a minimal copy of them."""
    version, _ = RubricVersion.objects.get_or_create(
        code="2023",
        defaults={
            "title": "Bộ tiêu chí OCOP 2023",
            "decision": "148/QĐ-TTg",
            "effective_from": datetime.date(2023, 2, 24),
        },
    )
    found = ProductSet.objects.filter(version=version, code=code).select_related("group").first()
    if found is not None:
        return found
    group_code, group_name, _, name = next(row for row in TAXONOMY if row[2] == code)
    group, _ = TaxonNode.objects.get_or_create(
        version=version, code=group_code, defaults={"level": TaxonLevel.GROUP, "name": group_name}
    )
    return ProductSet.objects.create(version=version, code=code, name=name, group=group)


def commune(code: str, era: str = Era.CURRENT) -> AdminUnit:
    return AdminUnit.objects.get(era=era, code=code)


def make_product(
    name: str, producer_name: str, commune_code: str, set_code: str, *, era: str = Era.CURRENT, **fields
):
    producer = Producer.objects.filter(name=producer_name).first() or producer_create(
        actor=None,
        name=producer_name,
        legal_form=LegalForm.COOPERATIVE,
        unit=commune(commune_code, era),
        status=ProducerStatus.CONFIRMED,
    )
    product = product_create(
        actor=None, producer=producer, name=name, product_set=product_set(set_code), **fields
    )
    reindex_product(product)
    return product


class FakeCertificates:
    """Certificate facts per product, as the certification app would report them."""

    def __init__(self):
        self.facts: dict[int, CertificateFacts] = {}
        self.next_id = 1

    def __call__(self, product_ids):
        wanted = set(product_ids)
        return {pid: fact for pid, fact in self.facts.items() if pid in wanted}

    def grant(self, product, stars: int, *, year: int = 2024, status: str = "active", valid_until=None):
        issued = datetime.date(year, 6, 1)
        self.facts[product.id] = CertificateFacts(
            id=self.next_id,
            number=f"OCOP-{self.next_id:05d}",
            stars=stars,
            status=status,
            valid_until=valid_until or timezone.localdate() + datetime.timedelta(days=700),
            issued_on=issued,
            qr=f"http://127.0.0.1:8000/certificates/v/TEST{self.next_id:05d}",
            recognised_stars=engine_version_on(issued).recognised_stars,
        )
        self.next_id += 1
        return reindex_product(product)


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """Provinces and group names are cached per process: each test starts from its own database's."""
    from ocop.catalog import reference

    reference.forget()
    yield
    reference.forget()


@pytest.fixture
def certified(monkeypatch) -> FakeCertificates:
    fake = FakeCertificates()
    monkeypatch.setattr(catalog_services, "certificates_for", fake)
    return fake


@pytest.fixture
def shelf(db, certified):
    """Real products in real places, certified with various stars."""
    products = {
        "mat_ong": make_product(
            "Mật ong hoa vải Vân Hà", "Hợp tác xã Vải thiều và Mật ong Vân Hà", "07798", "2.2"
        ),
        "vai_say": make_product(
            "Vải thiều sấy khô Vân Hà", "Hợp tác xã Vải thiều và Mật ong Vân Hà", "07798", "2.2"
        ),
        "duong_phen": make_product(
            "Đường phèn Quảng Ngãi", "Hộ kinh doanh Đường phèn Quảng Ngãi", "21115", "4.2"
        ),
        "che": make_product("Chè Shan tuyết cổ thụ", "Công ty TNHH Chè Shan tuyết Đồng Văn", "00721", "5.1"),
        "ca_phe": make_product("Cà phê Robusta rang mộc", "Hợp tác xã Cà phê Ea Tul", "24277", "6.1"),
        "ruou": make_product("Rượu cần Buôn Đôn", "Hợp tác xã Cà phê Ea Tul", "24277", "7.1"),
        "khan": make_product(
            "Khăn thổ cẩm lanh Lùng Tám", "Hợp tác xã Dệt thổ cẩm Lùng Tám", "00901", "13.1"
        ),
        "keo": make_product("Kẹo mật ong gừng", "Hộ kinh doanh Bánh kẹo Ba Đình", "00004", "2.2"),
        "draft": make_product("Mật ong rừng chưa chứng nhận", "Hộ kinh doanh Ong rừng", "00004", "2.2"),
    }
    stars = {
        "mat_ong": 4,
        "vai_say": 3,
        "duong_phen": 4,
        "che": 5,
        "ca_phe": 3,
        "ruou": 3,
        "khan": 4,
        "keo": 5,
    }
    for key, count in stars.items():
        certified.grant(products[key], count, year=2023 if key in ("ruou", "khan") else 2024)
    return products


# --- real certificates, through the certification app's services (maker and checker) ----------------


@pytest.fixture
def officials(cast, settings, tmp_path):
    """A second official beside the cast's province and central officers: every decision needs two."""
    from ocop.accounts.models import RoleKind
    from ocop.accounts.services import role_grant, user_create

    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"

    def second(username, kind, unit):
        person = user_create(
            actor=None, username=username, password="mat-khau-thu-nghiem-2025", full_name=username
        )
        role_grant(actor=None, user=person, kind=kind, unit=unit)
        return person

    return {
        "province": (cast.province_officer, second("province2", RoleKind.PROVINCE_OFFICER, cast.province)),
        "central": (cast.central, second("central2", RoleKind.CENTRAL_OFFICER, cast.country)),
    }


@pytest.fixture
def issue(cast, officials):
    """Recognise products (Bắc Ninh's People's Committee for 3–4★, the ministry for 5★), then let the
    catalogue catch up as its periodic job does. Returns the certificates."""
    from ocop.catalog.services import refresh_index
    from ocop.certification import services as certification
    from ocop.certification.models import Certificate

    numbers = iter(range(100, 1000))

    def _issue(items, *, central: bool = False):
        maker, checker = officials["central" if central else "province"]
        authority = certification.authority_ensure(
            actor=None, unit=cast.country if central else cast.province
        )
        council_backs(
            [(product, stars) for product, stars in items],
            authority=authority,
            actor=maker,
            day=timezone.localdate() - datetime.timedelta(days=3),
        )
        decision = certification.decision_create(
            actor=maker,
            authority=authority,
            number=f"{next(numbers)}/QĐ-UBND",
            date=timezone.localdate() - datetime.timedelta(days=3),
            signer="Chủ tịch UBND tỉnh Nguyễn Văn Ký",
            items=[(product, stars) for product, stars in items],
        )
        certification.decision_approve(actor=checker, decision=decision)
        refresh_index()
        return list(Certificate.objects.filter(decision=decision).order_by("id"))

    return _issue


@pytest.fixture
def revoke(officials):
    """Revoke a certificate as the province does it: one official asks, the second approves. The catalogue's
    reindex is asked after the commit (wrap the call in `django_capture_on_commit_callbacks` to run it)."""
    from ocop.certification import services as certification

    def _revoke(certificate, *, number="9/QĐ-UBND", reason="Nhãn không đúng quy định", day=None):
        maker, checker = officials["province"]
        change = certification.certificate_revoke_request(
            actor=maker,
            certificate=certificate,
            reason=reason,
            decision_number=number,
            decision_date=day or certificate.issued_on,
        )
        return certification.certificate_revoke_approve(actor=checker, change=change)

    return _revoke


@pytest.fixture
def bac_ninh_shelf(db, cast, issue):
    """Three certified products of a Bắc Ninh cooperative, one uncertified, one 5★ from the ministry."""
    honey = make_product(
        "Mật ong hoa vải Vân Hà",
        "Hợp tác xã Vải thiều và Mật ong Vân Hà",
        "07798",
        "2.2",
        story="Đàn ong được nuôi giữa vườn vải thiều ven sông Cầu.",
        description="Mật ong nguyên chất, chai 500 ml.",
    )
    lychee = make_product(
        "Vải thiều sấy khô Vân Hà", "Hợp tác xã Vải thiều và Mật ong Vân Hà", "07798", "2.2"
    )
    sauce = make_product("Tương Đình Tổ", "Hộ kinh doanh Tương Đình Tổ", "07210", "4.2")
    draft = make_product("Mật ong bạc hà chưa chứng nhận", "Hộ kinh doanh Ong Bắc Giang", "07210", "2.2")
    certificates = issue([(honey, 4), (lychee, 3), (sauce, 3)])
    five = issue([(sauce, 5)], central=True)
    return {
        "honey": honey,
        "lychee": lychee,
        "sauce": sauce,
        "draft": draft,
        "certificates": certificates + five,
    }


@pytest.fixture
def uncached(settings):
    """The public answer cache off (catalog.page_cache), for tests that count the queries of the view itself:
    with it on, a repeated request is a replay that reads only the catalogue's version."""
    settings.CATALOG_CACHE_SECONDS = 0
