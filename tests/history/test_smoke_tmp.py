import pytest
from ocop.certification.models import Certificate
from .support import csv, row, apply_file

pytestmark = pytest.mark.django_db

def test_smoke(cast, django_capture_on_commit_callbacks):
    content = csv(row("Vải thiều Lục Ngạn", "HTX Vân Hà", "xã Vân Hà, huyện Việt Yên, Bắc Giang"))
    with django_capture_on_commit_callbacks(execute=True):
        upload = apply_file(cast.province_officer, content)
    upload.refresh_from_db()
    print(upload.status, upload.error, upload.stage)
    c = Certificate.objects.get()
    print(c.number, c.origin, c.status, c.valid_until, c.product.producer.unit, c.decision.issuer_name, c.paper_note)
    assert upload.status == "applied"
