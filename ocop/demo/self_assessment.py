"""Demo data for issue 18: a second fresh product of the demo producer (set 1.1, whose 2023 sheet is shipped),
with a draft dossier holding every required document but the self-assessment report, and a contract proving the
raw materials, so the producer can self-assess, tie documents to criteria and submit; the help team (`helper`)
then checks the claims. (The round's «Vải thiều tươi Vân Hà» is already with the council.) Running it again
changes nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.accounts.models import User
from ocop.cycle import services as cycle
from ocop.cycle.models import Dossier
from ocop.demo.files import demo_pdf
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.products.services import product_create
from ocop.rubrics.models import ProductSet
from ocop.rubrics.selectors import version_in_force

PRODUCT = ("Vải thiều chín sớm Vân Hà", "Vải thiều chín sớm, hái và đóng thùng trong ngày.")
TAX_CODE = "2400123456"  # Hợp tác xã Vải thiều và Mật ong Vân Hà
FRESH_PRODUCE = "1.1"
REPORT_ITEM = "self_assessment"  # filled by the self-assessment itself


def seed_self_assessment_ready() -> None:
    version = version_in_force(timezone.localdate())
    producer = Producer.objects.filter(tax_code=TAX_CODE).first()
    product_set = ProductSet.objects.filter(version=version, code=FRESH_PRODUCE).first()
    if producer is None or product_set is None:
        return
    name, description = PRODUCT
    product = Product.objects.filter(producer=producer, name=name).first() or product_create(
        actor=None, producer=producer, name=name, product_set=product_set, description=description
    )
    if Dossier.objects.filter(product=product).exists():
        return
    owner = User.objects.get(username="producer")
    dossier = cycle.dossier_create(actor=owner, product=product, year=timezone.localdate().year)
    for row in dossier.checklist:
        if (row["required"] and row["item"] != REPORT_ITEM) or row["item"] == "raw_materials":
            cycle.document_upload(
                actor=owner,
                dossier=dossier,
                item=row["item"],
                upload=SimpleUploadedFile(f"{row['item']}.pdf", demo_pdf(), "application/pdf"),
            )
