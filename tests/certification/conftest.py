"""The certification cast: the fixed cast plus a second official at the province and at the centre (every
issue, revocation or change of stars needs two), a honey cooperative in Phường Vân Hà (Bắc Ninh) and a tea
producer in Hà Nội, each with a product."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from ocop.accounts.models import RoleKind, User
from ocop.accounts.services import role_grant, user_create
from ocop.certification import services
from ocop.certification.models import Certificate, IssuingAuthority
from ocop.producers.services import producer_create
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.rubrics.models import ProductSet, RubricVersion, TaxonLevel, TaxonNode
from tests.council_support import council_backs


@pytest.fixture(autouse=True)
def _isolated_files(isolated_files, settings):
    """Keys and PDFs of each test in its own folder, QR codes on the production address."""
    settings.SITE_URL = "https://ocop.gov.vn"


def person(username: str, full_name: str, kind: str, where) -> User:
    someone = user_create(
        actor=None, username=username, password="mat-khau-thu-nghiem-2025", full_name=full_name
    )
    role_grant(actor=None, user=someone, kind=kind, unit=where)
    return someone


def any_product_set() -> ProductSet:
    found = ProductSet.objects.select_related("version").first()
    if found is not None:
        return found
    version = RubricVersion.objects.create(
        code="2023",
        title="Bộ tiêu chí 2023",
        decision="148/QĐ-TTg",
        effective_from=datetime.date(2023, 2, 24),
    )
    group = TaxonNode.objects.create(version=version, level=TaxonLevel.GROUP, code="I", name="Thực phẩm")
    return ProductSet.objects.create(version=version, code="2.2", name="Mật ong", group=group)


@dataclass
class Story:
    cast: object
    checker: User  # a second province officer of Bắc Ninh
    central_checker: User
    honey: Product  # Hợp tác xã Mật ong Vân Hà, Phường Vân Hà, Bắc Ninh
    lychee: Product  # another product of the same cooperative
    tea: Product  # Hà Nội
    province_authority: IssuingAuthority
    central_authority: IssuingAuthority


@pytest.fixture
def story(cast) -> Story:
    checker = person("province2", "Lý Thị Duyệt", RoleKind.PROVINCE_OFFICER, cast.province)
    central_checker = person("central2", "Mai Văn Kiểm", RoleKind.CENTRAL_OFFICER, cast.country)
    product_set = any_product_set()
    cooperative = producer_create(
        actor=None,
        name="Hợp tác xã Mật ong Vân Hà",
        legal_form="cooperative",
        unit=cast.commune,
        owner=cast.producer_user,
        email="htx.matong@example.vn",
    )
    tea_maker = producer_create(
        actor=None,
        name="Công ty Chè Ba Đình",
        legal_form="enterprise",
        unit=cast.other_province_commune,
        owner=cast.other_producer_user,
    )
    honey = product_create(
        actor=None, producer=cooperative, name="Mật ong hoa vải Vân Hà", product_set=product_set
    )
    lychee = product_create(
        actor=None, producer=cooperative, name="Vải thiều sấy khô", product_set=product_set
    )
    tea = product_create(
        actor=None, producer=tea_maker, name="Chè shan tuyết Đặc biệt", product_set=product_set
    )
    return Story(
        cast=cast,
        checker=checker,
        central_checker=central_checker,
        honey=honey,
        lychee=lychee,
        tea=tea,
        province_authority=services.authority_create(actor=None, unit=cast.province),
        central_authority=services.authority_create(actor=None, unit=cast.country),
    )


@pytest.fixture
def issue(story):
    """Draft a decision by one official, approve it by another, after a council recognised each product;
    returns its certificates."""

    def _issue(
        items, *, number: str = "123/QĐ-UBND", date: datetime.date | None = None, central: bool = False
    ):
        maker = story.cast.central if central else story.cast.province_officer
        checker = story.central_checker if central else story.checker
        authority = story.central_authority if central else story.province_authority
        date = date or timezone.localdate() - datetime.timedelta(days=3)
        council_backs(items, authority=authority, actor=maker, day=date)
        decision = services.decision_create(
            actor=maker,
            authority=authority,
            number=number,
            date=date,
            signer="Thứ trưởng Trần Văn Bộ" if central else "Chủ tịch UBND tỉnh Nguyễn Văn Ký",
            items=items,
        )
        services.decision_approve(actor=checker, decision=decision)
        return list(Certificate.objects.filter(decision=decision).order_by("id"))

    return _issue


@pytest.fixture
def fetch_pdf(django_capture_on_commit_callbacks):
    """The certificate's PDF as a person gets it from its page: when the stored one does not read as the
    certificate stands, a page says it is being prepared while the rendering task runs (after the request's
    commit); the next visit gets the file, as an attachment."""

    def _fetch(client, certificate) -> bytes:
        url = f"/certificates/{certificate.pk}/pdf/"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            assert response.status_code == 200
            assert "đang được chuẩn bị" in response.content.decode()
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        return b"".join(response.streaming_content)

    return _fetch
