"""A published list often gives a producer's district only ("Hợp tác xã Nem nướng Liên Chung, huyện Tân Yên"):
a new producer needs a commune, so the row is an error until the officer picks one. The preview offers the
district's communes, the one the producer's (or product's) name carries first; the pick is kept with the upload
like a merge or split, checked (a commune of that district, in the officer's area) and used when applied."""

from __future__ import annotations

import io

import pytest

from ocop.core.errors import Invalid
from ocop.geo.models import AdminUnit, Era, Level
from ocop.history import services
from ocop.history.models import HistoryUpload
from ocop.producers.models import Producer

from .support import csv, row

pytestmark = pytest.mark.django_db

LIEN_CHUNG = row(
    "Nem nướng Liên Chung",
    "Hợp tác xã Nem nướng Liên Chung",
    "huyện Tân Yên, tỉnh Bắc Giang",
    4,
    day="26/08/2021",
    product_set="3.4",
)


def _legacy_commune(name: str, district: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.LEGACY, level=Level.COMMUNE, name=name, parent__name=district)


def _errors(upload: HistoryUpload) -> list[str]:
    return [p["code"] for r in upload.rows for p in r["problems"] if p["severity"] == "error"]


def test_a_district_only_address_is_an_error_until_the_officer_picks_the_commune(
    cast, django_capture_on_commit_callbacks
):
    upload = services.history_upload_create(
        actor=cast.province_officer, content=csv(LIEN_CHUNG), filename="a.csv"
    )
    assert _errors(upload) == ["address_not_commune"]
    offered = upload.rows[0]["communes"]
    lien_chung = _legacy_commune("Xã Liên Chung", "Huyện Tân Yên")
    assert list(offered[0]) == [lien_chung.pk, "Xã Liên Chung", True]
    assert not any(marked for *_rest, marked in offered[1:])
    assert {name for _i, name, _m in offered} == set(
        AdminUnit.objects.filter(parent__name="Huyện Tân Yên", level=Level.COMMUNE).values_list(
            "name", flat=True
        )
    )

    group = upload.rows[0]["group"]
    upload = services.history_upload_choose(
        actor=cast.province_officer, upload=upload, choices={group: f"commune:{lien_chung.pk}"}
    )
    assert upload.ok and upload.choices == {group: f"commune:{lien_chung.pk}"}
    with django_capture_on_commit_callbacks(execute=True):
        services.history_import_start(actor=cast.province_officer, upload=upload)
    producer = Producer.objects.get(name="Hợp tác xã Nem nướng Liên Chung")
    assert producer.unit == lien_chung.current_commune  # today's commune of the one picked
    assert producer.address == "huyện Tân Yên, tỉnh Bắc Giang"  # the address as written


def test_a_commune_of_another_district_or_a_malformed_pick_is_refused(cast):
    upload = services.history_upload_create(
        actor=cast.province_officer, content=csv(LIEN_CHUNG), filename="a.csv"
    )
    group = upload.rows[0]["group"]
    elsewhere = _legacy_commune("Xã Vân Hà", "Thị Xã Việt Yên")
    upload = services.history_upload_choose(
        actor=cast.province_officer, upload=upload, choices={group: f"commune:{elsewhere.pk}"}
    )
    assert _errors(upload) == ["commune_choice_invalid"]
    assert "không thuộc Huyện Tân Yên" in upload.rows[0]["problems"][0]["vi"]
    with pytest.raises(Invalid) as refused:
        services.history_upload_choose(
            actor=cast.province_officer, upload=upload, choices={group: "commune:x"}
        )
    assert refused.value.code == "history_choice_invalid"


def test_the_preview_page_offers_the_communes_and_saves_the_pick(cast, login):
    officer = login(cast.province_officer)
    content = io.BytesIO(csv(LIEN_CHUNG))
    content.name = "a.csv"
    page = officer.post("/history/", {"file": content}, follow=True)
    body = page.content.decode()
    upload = page.context["upload"]
    lien_chung = _legacy_commune("Xã Liên Chung", "Huyện Tân Yên")
    assert f'value="commune:{lien_chung.pk}"' in body and "Chủ thể mới tại: Xã Liên Chung (theo tên)" in body
    group = upload.rows[0]["group"]
    officer.post(f"/history/uploads/{upload.pk}/choose/", {f"group:{group}": f"commune:{lien_chung.pk}"})
    assert HistoryUpload.objects.get(pk=upload.pk).ok
    again = officer.get(f"/history/uploads/{upload.pk}/").content.decode()
    assert f'value="commune:{lien_chung.pk}" selected' in again
