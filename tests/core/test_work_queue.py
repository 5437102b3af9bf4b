"""The officer's home page shows what waits for them (issue 16 item 4): dossiers waiting for me, sheets I have
to score, decisions to approve, certificates of my area ending within six months; each a count and a link,
scoped like the lists they lead to."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.certification import services as certification
from ocop.certification.models import Certificate
from tests.catalog.conftest import make_product
from tests.council_support import council_backs
from tests.cycle_support import dossier_story
from tests.evaluation.conftest import BEST, build_scene, submit

pytestmark = pytest.mark.django_db


def queue(client) -> dict[str, tuple[int, str]]:
    response = client.get("/")
    assert response.status_code == 200
    return {item.key: (item.count, item.url) for item in response.context["work_items"]}


def test_a_visitor_has_no_work_queue(client):
    assert "Việc đang chờ tôi" not in client.get("/").content.decode()


def test_dossiers_waiting_for_the_commune_officer(cast, login):
    officer = login(cast.commune_officer)
    assert queue(officer)["dossiers"] == (0, "/dossiers/")
    dossier_story(cast, until="submitted")
    assert queue(officer)["dossiers"] == (1, "/dossiers/")
    assert queue(login(cast.other_commune_officer))["dossiers"][0] == 0
    page = officer.get("/").content.decode()
    assert "Hồ sơ chờ tôi xử lý" in page and 'href="/dossiers/"' in page


def test_sheets_the_member_has_to_score_until_submitted(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT, settings.SIGNING_KEYS_DIR = tmp_path / "media", tmp_path / "keys"
    scene = build_scene(cast)
    member = login(cast.council1)
    assert queue(member)["sheets"] == (1, "/evaluation/")
    submit(scene, cast.council1, BEST)
    assert queue(member)["sheets"][0] == 0
    assert "sheets" not in queue(login(cast.commune_officer))  # sits on no council


def test_a_draft_decision_waits_for_the_checker_not_its_maker(cast, login, officials):
    maker, checker = officials["province"]
    product = make_product("Mật ong hoa vải Vân Hà", "Hợp tác xã Vải thiều và Mật ong Vân Hà", "07798", "2.2")
    authority = certification.authority_ensure(actor=None, unit=cast.province)
    day = timezone.localdate() - datetime.timedelta(days=3)
    council_backs([(product, 4)], authority=authority, actor=maker, day=day)
    assert queue(login(checker))["decisions"][0] == 0
    certification.decision_create(
        actor=maker,
        authority=authority,
        number="12/QĐ-UBND",
        date=day,
        signer="Nguyễn Văn Ký",
        items=[(product, 4)],
    )
    assert queue(login(checker))["decisions"] == (1, "/certificates/decisions/?status=draft")
    assert queue(login(maker))["decisions"][0] == 0
    assert "decisions" not in queue(login(cast.commune_officer))  # recognises nothing


def test_certificates_of_my_area_ending_within_six_months(cast, login, bac_ninh_shelf):
    honey = next(c for c in bac_ninh_shelf["certificates"] if c.product == bac_ninh_shelf["honey"])
    officer = login(cast.commune_officer)  # Phường Vân Hà, where the honey cooperative is
    assert queue(officer)["expiring"][0] == 0
    Certificate.objects.filter(pk=honey.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=60)
    )
    assert queue(officer)["expiring"] == (1, "/certificates/?expiring=6")
    assert queue(login(cast.province_officer))["expiring"][0] == 1
    assert queue(login(cast.other_commune_officer))["expiring"][0] == 0
    assert queue(login(cast.other_province_officer))["expiring"][0] == 0
