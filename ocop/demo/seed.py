"""A believable country for demos and benchmarks: demo users, producers of every legal form in several
provinces, products in every group. Running it again reuses what is there."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from ocop.accounts.models import RoleKind, User
from ocop.accounts.services import role_grant, user_create
from ocop.core.text import fold
from ocop.demo.files import demo_pdf
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import LegalForm, Producer, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.rubrics.models import ProductSet, RubricVersion

DEMO_PROVINCE, DEMO_COMMUNE = "24", "07798"  # Tỉnh Bắc Ninh; Phường Vân Hà (formerly Xã Vân Hà, Việt Yên)

# What each demo user does in the loop, printed by `make demo`.
DEMO_DUTIES = {
    "central": "cán bộ Trung ương",
    "province": "cán bộ tỉnh Bắc Ninh: tổ chức đợt đánh giá, lập dự thảo quyết định",
    "province2": "cán bộ tỉnh Bắc Ninh: kiểm tra, duyệt quyết định",
    "commune": "cán bộ Phường Vân Hà: tiếp nhận, kiểm tra hồ sơ",
    "council1": "Chủ tịch Hội đồng tỉnh",
    "council2": "Ủy viên thư ký Hội đồng tỉnh",
    "council3": "Ủy viên Hội đồng tỉnh",
    "producer": "chủ thể: HTX Vải thiều và Mật ong Vân Hà, HTX Nông sản Việt Yên",
    "helper": "Tổ giúp việc tỉnh Bắc Ninh: kiểm tra minh chứng trước khi Hội đồng chấm",
}

# (username, full name, role, unit code)
DEMO_USERS = [
    ("central", "Nguyễn Văn Trung", RoleKind.CENTRAL_OFFICER, "VN"),
    ("province", "Trần Thị Thu", RoleKind.PROVINCE_OFFICER, DEMO_PROVINCE),
    # The second province officer checks (approves) the decisions `province` drafts: a decision needs two people.
    ("province2", "Lý Thị Duyệt", RoleKind.PROVINCE_OFFICER, DEMO_PROVINCE),
    ("commune", "Lê Văn Hùng", RoleKind.COMMUNE_OFFICER, DEMO_COMMUNE),
    ("council1", "Hoàng Minh Đức", RoleKind.COUNCIL_MEMBER, DEMO_PROVINCE),
    ("council2", "Vũ Thị Lan", RoleKind.COUNCIL_MEMBER, DEMO_PROVINCE),
    ("council3", "Bùi Quang Huy", RoleKind.COUNCIL_MEMBER, DEMO_PROVINCE),
    ("producer", "Ngô Thị Mai", RoleKind.PRODUCER, DEMO_COMMUNE),
    ("helper", "Đào Thị Giúp", RoleKind.HELP_TEAM, DEMO_PROVINCE),
]

# (producer, legal form, tax code, commune code, [(product, product-set keywords, description)])
DEMO_PRODUCERS = [
    (
        "Hợp tác xã Vải thiều và Mật ong Vân Hà",
        LegalForm.COOPERATIVE,
        "2400123456",
        DEMO_COMMUNE,
        [
            ("Mật ong hoa vải Vân Hà", "mat ong", "Mật ong nguyên chất thu từ vườn vải thiều ven sông Cầu."),
            ("Vải thiều sấy khô Vân Hà", "che bien tu rau", "Vải thiều chín cây, sấy lạnh giữ vị ngọt."),
        ],
    ),
    # Two more Bắc Ninh producers with certified products, for trade promotion's demo (a fair, a shop).
    (
        "Hợp tác xã Mỳ Chũ Nam Dương",
        LegalForm.COOPERATIVE,
        "2400778899",
        "07603",
        [
            (
                "Mỳ Chũ Nam Dương",
                "che bien tu gao",
                "Mỳ gạo Bao thai phơi nắng, làm theo nghề truyền thống Nam Dương.",
            )
        ],
    ),
    (
        "Hợp tác xã Gốm Phù Lãng",
        LegalForm.COOPERATIVE,
        "2300612345",
        "09292",
        [
            (
                "Bình gốm men da lươn Phù Lãng",
                "thu cong my nghe",
                "Gốm đất đỏ Phù Lãng nung củi, men da lươn truyền thống.",
            )
        ],
    ),
    (
        "Hợp tác xã Ong mật Quản Bạ",
        LegalForm.COOPERATIVE,
        "5100345612",
        "00874",
        [
            (
                "Mật ong bạc hà Quản Bạ",
                "mat ong",
                "Mật ong từ hoa bạc hà trên cao nguyên đá, thu hoạch vụ đông.",
            ),
        ],
    ),
    (
        "Công ty TNHH Chè Shan tuyết Đồng Văn",
        LegalForm.ENTERPRISE,
        "5100234567",
        "00721",
        [
            ("Chè Shan tuyết cổ thụ", "che tuoi", "Chè búp từ cây Shan tuyết trăm năm tuổi."),
        ],
    ),
    (
        "Hộ kinh doanh Nước mắm Cái Rồng",
        LegalForm.HOUSEHOLD,
        "5700345678",
        "06994",
        [
            ("Nước mắm cá cơm Vân Đồn", "nuoc mam", "Nước mắm ủ chượp truyền thống 12 tháng."),
        ],
    ),
    (
        "Hợp tác xã Cà phê Ea Tul",
        LegalForm.COOPERATIVE,
        "6000456789",
        "24277",
        [
            ("Cà phê Robusta rang mộc", "ca phe", "Cà phê hạt chín đỏ, rang mộc không tẩm."),
            ("Rượu cần Buôn Đôn", "ruou", "Rượu cần men lá truyền thống của đồng bào Ê Đê."),
        ],
    ),
    (
        "Tổ hợp tác Dược liệu Sa Pa",
        LegalForm.COOPERATIVE_GROUP,
        "5300567890",
        "03006",
        [
            ("Tinh dầu Sa mộc Sa Pa", "tinh dau", "Tinh dầu chưng cất từ gỗ sa mộc."),
            ("Cao atiso Lâm Đồng", "thuc pham chuc nang", "Cao atiso đặc từ hoa và lá atiso."),
        ],
    ),
    (
        "Hợp tác xã Dệt thổ cẩm Lùng Tám",
        LegalForm.COOPERATIVE,
        "5100678901",
        "00901",
        [
            ("Khăn thổ cẩm lanh Lùng Tám", "vai", "Khăn dệt tay từ sợi lanh, nhuộm chàm."),
            ("Giỏ mây tre đan Phú Vinh", "thu cong", "Giỏ đan tay từ mây tre."),
        ],
    ),
    (
        "Công ty Cổ phần Nước khoáng Kim Bôi",
        LegalForm.ENTERPRISE,
        "5400789012",
        "04978",
        [
            ("Nước khoáng thiên nhiên Kim Bôi", "nuoc khoang", "Nước khoáng nóng thiên nhiên đóng chai."),
        ],
    ),
    (
        "Hợp tác xã Hoa lan Mê Linh",
        LegalForm.COOPERATIVE,
        "0100890123",
        "09022",
        [
            ("Lan hồ điệp Mê Linh", "hoa", "Lan hồ điệp chậu, nhiều màu."),
        ],
    ),
    (
        "Hợp tác xã Chè và Du lịch Tân Cương",
        LegalForm.COOPERATIVE,
        "4600901234",
        "05503",
        [
            (
                "Du lịch cộng đồng làng chè Tân Cương",
                "du lich",
                "Trải nghiệm hái chè, sao chè cùng người làng.",
            ),
        ],
    ),
    (
        "Hộ kinh doanh Đường phèn Quảng Ngãi",
        LegalForm.HOUSEHOLD,
        "4300112233",
        "21115",
        [
            ("Đường phèn Quảng Ngãi", "gia vi khac", "Đường phèn nấu thủ công từ mía."),
            ("Bánh tráng nướng Phú Hòa", "gao", "Bánh tráng gạo nướng than hồng."),
        ],
    ),
    (
        "Công ty TNHH Gạo ST25 Mỹ Xuyên",
        LegalForm.ENTERPRISE,
        "2200223344",
        "31684",
        [
            ("Gạo ST25 ruộng tôm", "gao", "Gạo thơm ST25 trồng luân canh tôm – lúa."),
        ],
    ),
    (
        "Hợp tác xã Cá khô Cà Mau",
        LegalForm.COOPERATIVE,
        "2000334455",
        "32002",
        [
            ("Khô cá sặc rằn U Minh", "thit", "Cá sặc rằn phơi nắng, ướp muối nhạt."),
        ],
    ),
]


class DemoRefused(Exception):
    pass


@dataclass
class DemoReport:
    password: str
    password_generated: bool
    users: list[str] = field(default_factory=list)
    producers: int = 0
    products: int = 0

    def summary(self) -> str:
        origin = (
            "sinh ngẫu nhiên, lưu trong thư mục dữ liệu"
            if self.password_generated
            else "từ OCOP_DEMO_PASSWORD"
        )
        people = "".join(f"\n  {name:<10} {DEMO_DUTIES.get(name, '')}".rstrip() for name in self.users)
        return (
            f"Dữ liệu mẫu: {self.producers} chủ thể, {self.products} sản phẩm.\n"
            f"Người dùng demo: {', '.join(self.users)}{people}\n"
            f"Mật khẩu chung ({origin}): {self.password}"
        )


def _refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise DemoRefused("Không tạo dữ liệu mẫu khi đang chạy cấu hình production (OCOP_ENV=production).")


def demo_password() -> tuple[str, bool]:
    from ocop.config import setting

    configured = setting("OCOP_DEMO_PASSWORD")
    if configured:
        return configured, False
    stored = settings.DATA_DIR / "demo_password"
    if not stored.exists():
        stored.write_text(f"ocop-{secrets.token_urlsafe(9)}")
        stored.chmod(0o600)
    return stored.read_text().strip(), True


def _unit(code: str) -> AdminUnit | None:
    return AdminUnit.objects.filter(era=Era.CURRENT, code=code).first()


def _product_set(keywords: str) -> ProductSet | None:
    """The newest version's product set whose folded name contains the keywords."""
    version = RubricVersion.objects.order_by("-effective_from").first()
    if version is None:
        return None
    for product_set in ProductSet.objects.filter(version=version).order_by("position", "code"):
        if keywords in fold(product_set.name):
            return product_set
    return None


@transaction.atomic
def seed_demo() -> DemoReport:
    _refuse_in_production()
    password, generated = demo_password()
    report = DemoReport(password=password, password_generated=generated)
    for username, full_name, kind, unit_code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=None, username=username, password=password, full_name=full_name)
            role_grant(actor=None, user=user, kind=kind, unit=_unit(unit_code))
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        report.users.append(username)
    owner = User.objects.get(username="producer")
    for name, legal_form, tax_code, commune_code, products in DEMO_PRODUCERS:
        commune = _unit(commune_code)
        if commune is None:
            continue
        producer = Producer.objects.filter(tax_code=tax_code).first()
        if producer is None:
            producer = producer_create(
                actor=None,
                name=name,
                legal_form=legal_form,
                unit=commune,
                tax_code=tax_code,
                owner=owner if commune_code == DEMO_COMMUNE else None,
                status=ProducerStatus.CONFIRMED,
                address="Thôn Trung tâm",
            )
        for product_name, keywords, description in products:
            product_set = _product_set(keywords)
            if product_set is None or Product.objects.filter(producer=producer, name=product_name).exists():
                continue
            product_create(
                actor=None,
                producer=producer,
                name=product_name,
                product_set=product_set,
                description=description,
            )
    _cycle_in_progress()
    _self_assessment_ready()
    _catalog_certified()
    _rounds()
    _plans()
    _address_aliases()
    _promotion()
    _training_and_supervision()
    report.producers = Producer.objects.count()
    report.products = Product.objects.count()
    return report


def _self_assessment_ready() -> None:
    """The fresh lychee's dossier (set 1.1, the 2023 sheet) ready for the producer's self-assessment."""
    from ocop.demo.self_assessment import seed_self_assessment_ready

    seed_self_assessment_ready()


def _catalog_certified() -> None:
    """Certificates for the other demo products, so the public catalogue has something to show."""
    from ocop.catalog.demo import seed_certified

    seed_certified()


def _address_aliases() -> None:
    """An address of Bắc Giang that the province officer matched to its unit (issue 15)."""
    from ocop.addresses.demo import seed_aliases

    seed_aliases()


def _promotion() -> None:
    """A fair with three Bắc Ninh products and their sales, a shop carrying the two certified ones (issue 17)."""
    from ocop.promotion.demo import seed_promotion

    seed_promotion()


def _rounds() -> None:
    """A past round on the 2019 rubric (decided, certified) and this year's round at the scoring stage."""
    from ocop.demo.rounds import seed_current_round, seed_past_round

    seed_past_round()
    seed_current_round()


def _plans() -> None:
    """The national 919 targets, and this year's plans of the demo province and commune (docs/planning.md)."""
    from ocop.catalog.services import reindex_products
    from ocop.demo.plans import BAC_NINH_RECORDS, seed_plans, seed_province_records

    seed_plans(DEMO_PROVINCE, DEMO_COMMUNE)
    if seed_province_records(DEMO_PROVINCE, DEMO_COMMUNE):
        names = [product[0] for row in BAC_NINH_RECORDS for product in row[5]]
        reindex_products(Product.objects.filter(name__in=names).values_list("id", flat=True))


def _training_and_supervision() -> None:
    """A course imported from its attendance sheet, an inspection with a finding (issue 17)."""
    from ocop.demo.training_supervision import seed_inspection, seed_training

    seed_training()
    seed_inspection()


def _cycle_in_progress() -> None:
    """The demo producer's lychee product mid-cycle this year: idea accepted by the commune, business plan
    submitted, dossier being built with two required documents still missing (the honey stays free)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from ocop.cycle import services as cycle
    from ocop.cycle.models import ProductIdea

    lychee = Product.objects.filter(name="Vải thiều sấy khô Vân Hà", producer__tax_code="2400123456").first()
    if lychee is None or ProductIdea.objects.filter(product=lychee).exists():
        return
    producer, commune = User.objects.get(username="producer"), User.objects.get(username="commune")
    year = timezone.localdate().year
    idea = cycle.idea_register(
        actor=producer,
        product=lychee,
        year=year,
        summary="Vải thiều sấy lạnh đóng túi 250 g cho khách du lịch và siêu thị.",
        local_raw_materials="Vải thiều chín cây của các hộ thành viên ở Vân Hà.",
        local_labour="20 hộ thành viên, 35 lao động thời vụ.",
    )
    idea = cycle.idea_accept(actor=commune, idea=idea, note="Ý tưởng phù hợp quy hoạch vùng vải.")
    plan = cycle.plan_create(
        actor=producer,
        idea=idea,
        target_market="Khách du lịch, siêu thị trong tỉnh, sàn thương mại điện tử",
        production_capacity="12 tấn vải sấy mỗi năm",
        raw_material_plan="Thu mua vải chín của 20 hộ thành viên",
        investment_vnd=850_000_000,
        expected_revenue_vnd=2_400_000_000,
        workers_planned=35,
        marketing_plan="Gian hàng OCOP của tỉnh, hội chợ, bán trực tuyến",
        timeline="Quý II: máy sấy; quý III: bao bì",
    )
    cycle.plan_submit(actor=producer, plan=plan)
    dossier = cycle.dossier_create(actor=producer, product=lychee, year=year)
    required = [row["item"] for row in dossier.checklist if row["required"]]
    for item in required[:-2]:
        cycle.document_upload(
            actor=producer, dossier=dossier, item=item, upload=SimpleUploadedFile(f"{item}.pdf", demo_pdf())
        )


_KINDS = [
    "Mật ong",
    "Chè",
    "Nước mắm",
    "Cà phê",
    "Gạo",
    "Rượu",
    "Tinh dầu",
    "Khăn thổ cẩm",
    "Bánh",
    "Mứt",
    "Miến dong",
    "Tương",
    "Nấm",
    "Cao",
    "Trà",
    "Hạt điều",
    "Lạp xưởng",
    "Giỏ mây",
    "Chả cá",
    "Đường phèn",
]
_QUALIFIERS = [
    "truyền thống",
    "hữu cơ",
    "đặc sản",
    "thượng hạng",
    "rừng",
    "nguyên chất",
    "gia truyền",
    "sạch",
]
_FORMS = list(LegalForm.values)


def seed_scale(count: int, *, seed: int = 2025, batch: int = 5000) -> int:
    """Add `count` products (and one producer per two products) spread over every current commune."""
    _refuse_in_production()
    rng = random.Random(seed)
    communes = list(AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE).only("id", "short_name"))
    product_sets = list(
        ProductSet.objects.filter(
            version__code=RubricVersion.objects.order_by("-effective_from").values_list("code", flat=True)[:1]
        )
    )
    if not communes or not product_sets:
        raise DemoRefused("Cần nạp đơn vị hành chính và bộ tiêu chí trước khi tạo dữ liệu quy mô lớn.")
    start = Producer.objects.count()
    created = 0
    while created < count:
        size = min(batch, count - created)
        with transaction.atomic():
            producers = []
            for i in range((size + 1) // 2):
                commune = rng.choice(communes)
                name = f"{rng.choice(['Hợp tác xã', 'Công ty TNHH', 'Hộ kinh doanh', 'Tổ hợp tác'])} {commune.short_name} {start + created + i}"
                producers.append(
                    Producer(
                        name=name,
                        legal_form=rng.choice(_FORMS),
                        unit_id=commune.id,
                        status=ProducerStatus.CONFIRMED,
                        search_text=fold(name),
                    )
                )
            Producer.objects.bulk_create(producers, batch_size=2000)
            saved = list(
                Producer.objects.order_by("-id")[: len(producers)].values_list("id", "name", "unit_id")
            )
            units = {c.id: c.short_name for c in communes}
            products = []
            for i in range(size):
                producer_id, producer_name, unit_id = saved[i % len(saved)]
                name = f"{rng.choice(_KINDS)} {rng.choice(_QUALIFIERS)} {units[unit_id]}"
                products.append(
                    Product(
                        producer_id=producer_id,
                        name=name,
                        product_set=rng.choice(product_sets),
                        search_text=fold(f"{name} {producer_name}"),
                    )
                )
            Product.objects.bulk_create(products, batch_size=2000)
        created += size
    return created
