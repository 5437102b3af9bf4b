"""Producers: a cooperative registers itself and the commune confirms it; officers enter producers; the tax
number is checked and unique; edits carry a version; each producer is seen only by its people and its
officers."""

from __future__ import annotations

import pytest
from cycle_support import honey_cooperative, tea_company

from ocop.accounts.models import Role, RoleKind, User
from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.producers.models import Producer, ProducerMember, ProducerStatus
from ocop.producers.selectors import producers_visible_to
from ocop.producers.services import normalise_tax_code, producer_confirm, producer_create, producer_update
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "full_name": "Phan Thị Hoa",
    "username": "htxhoa",
    "password": "ong-mat-vai-thieu-2025",
    "password_again": "ong-mat-vai-thieu-2025",
    "name": "Hợp tác xã Ong mật Hoa Vải",
    "legal_form": "cooperative",
    "tax_code": "2400 987 654",
    "province": "24",
    "commune": "07798",
    "representative": "Phan Thị Hoa",
    "phone": "0912 345 678",
    "email": "hoa@example.vn",
    "member_count": "12",
    "worker_count": "30",
    "in_craft_village": "on",
    "craft_village": "Làng nghề nuôi ong Vân Hà",
}


def test_a_producer_registers_itself_and_the_commune_confirms_it(client, cast):
    response = client.post("/producers/register/", REGISTRATION)
    assert response.status_code == 302 and response["Location"] == "/producers/me/"
    user = User.objects.get(username="htxhoa")
    producer = Producer.objects.get(tax_code="2400987654")
    assert producer.status == ProducerStatus.PENDING and producer.unit == cast.commune
    assert (producer.member_count, producer.worker_count, producer.in_craft_village) == (12, 30, True)
    assert ProducerMember.objects.filter(producer=producer, user=user, is_owner=True).count() == 1
    assert Role.active.filter(user=user, kind=RoleKind.PRODUCER, unit=cast.commune).count() == 1
    assert AuditEvent.objects.filter(action="producer.register", target_id=str(producer.pk)).count() == 1
    portal = client.get("/producers/me/")
    assert "Đang chờ cán bộ xã xác nhận" in portal.content.decode()

    assert producer in producers_visible_to(cast.commune_officer)
    assert producer not in producers_visible_to(cast.other_commune_officer)
    client.force_login(cast.other_commune_officer)
    assert client.post(f"/producers/{producer.pk}/confirm/").status_code == 404
    client.force_login(cast.commune_officer)
    assert (
        "Hợp tác xã Ong mật Hoa Vải" in client.get("/dossiers/").content.decode()
    )  # waiting for confirmation
    client.post(f"/producers/{producer.pk}/confirm/", {"version": producer.version})
    producer.refresh_from_db()
    assert producer.status == ProducerStatus.CONFIRMED and producer.confirmed_by == cast.commune_officer
    with nothing_changes(), pytest.raises(Conflict):
        producer_confirm(actor=cast.commune_officer, producer=producer)


def test_a_duplicate_tax_number_is_refused_without_naming_its_owner_and_nothing_is_created(client, cast):
    """Anyone may type a tax code on the registration page: the answer says it is registered and how to join
    the producer, never whose it is or where (issue 13, item 10)."""
    honey_cooperative(cast, tax_code="2400987654")
    users, producers = User.objects.count(), Producer.objects.count()
    elsewhere = {**REGISTRATION, "province": "01", "commune": "00004", "craft_village": ""}
    response = client.post("/producers/register/", elsewhere)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Mã số thuế 2400987654 đã được đăng ký" in text and "liên hệ cán bộ xã" in text
    assert "Hợp tác xã Vải thiều và Mật ong Vân Hà" not in text and "Vân Hà" not in text
    assert (User.objects.count(), Producer.objects.count()) == (users, producers)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2400987654", "2400987654"),
        ("0100109106-001", "0100109106-001"),
        ("0100109106001", "0100109106-001"),
        ("001 085 012 345", "001085012345"),
        ("24.0098.7654", "2400987654"),
        ("", None),
    ],
)
def test_tax_numbers_are_normalised(raw, expected):
    assert normalise_tax_code(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "24009876541234", "ABC1234567", "2400987654-1", "--"])
def test_malformed_tax_numbers_are_refused(raw):
    with pytest.raises(Invalid) as refused:
        normalise_tax_code(raw)
    assert refused.value.code == "producer_tax_code_invalid"


def test_an_officer_enters_a_producer_in_their_own_units_only(client, cast, api_token):
    body = {
        "name": "Tổ hợp tác Bánh đa Kế",
        "legal_form": "cooperative_group",
        "commune": "07210",
        "tax_code": "2400555666",
    }
    by_commune = client.post(
        "/api/v1/producers", body, content_type="application/json", **api_token(cast.commune_officer)
    )
    assert by_commune.status_code == 403  # Phường Bắc Giang is not Vân Hà
    by_province = client.post(
        "/api/v1/producers", body, content_type="application/json", **api_token(cast.province_officer)
    )
    assert by_province.status_code == 201, by_province.content
    assert by_province.json()["status"] == "confirmed"
    by_hanoi = client.post(
        "/api/v1/producers",
        {**body, "tax_code": "2400555667"},
        content_type="application/json",
        **api_token(cast.other_province_officer),
    )
    assert by_hanoi.status_code == 403
    assert Producer.objects.filter(name="Tổ hợp tác Bánh đa Kế").count() == 1


def test_producers_are_seen_by_their_people_and_officers_only(client, cast, api_token):
    mine, theirs = honey_cooperative(cast), tea_company(cast)
    assert (
        client.get(f"/api/v1/producers/{mine.pk}", **api_token(cast.producer_user)).json()["may_edit"] is True
    )
    for person in (
        cast.other_producer_user,
        cast.other_commune_officer,
        cast.other_province_officer,
        cast.council1,
    ):
        assert client.get(f"/api/v1/producers/{mine.pk}", **api_token(person)).status_code == 404, person
    names = [p["name"] for p in client.get("/api/v1/producers", **api_token(cast.central)).json()["items"]]
    assert set(names) == {mine.name, theirs.name}
    assert client.get(f"/producers/{theirs.pk}/", **{}).status_code == 302


def test_a_stale_edit_is_refused(client, cast, api_token):
    producer = honey_cooperative(cast)
    token = api_token(cast.producer_user)
    first = client.patch(
        f"/api/v1/producers/{producer.pk}",
        {"phone": "0987 654 321", "version": producer.version},
        content_type="application/json",
        **token,
    )
    assert first.status_code == 200 and first.json()["version"] == producer.version + 1
    stale = client.patch(
        f"/api/v1/producers/{producer.pk}",
        {"phone": "0911 111 111", "version": producer.version},
        content_type="application/json",
        **token,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    producer.refresh_from_db()
    assert producer.phone == "0987 654 321"


def test_edits_are_checked_and_scoped(cast):
    producer = honey_cooperative(cast)
    tea_company(cast)
    with nothing_changes(), pytest.raises(Conflict):
        producer_update(
            actor=cast.producer_user, producer=producer, tax_code="0100109106"
        )  # the tea company's
    with nothing_changes(), pytest.raises(Invalid):
        producer_update(actor=cast.producer_user, producer=producer, email="not-an-address")
    with nothing_changes(), pytest.raises(Forbidden):
        producer_update(actor=cast.other_producer_user, producer=producer, name="Chiếm quyền")
    with nothing_changes(), pytest.raises(Invalid):
        producer_create(actor=cast.province_officer, name="X", legal_form="cooperative", unit=cast.province)
    updated = producer_update(actor=cast.commune_officer, producer=producer, representative="Nguyễn Văn Ong")
    assert updated.representative == "Nguyễn Văn Ong"
    assert AuditEvent.objects.filter(action="producer.update", target_id=str(producer.pk)).count() == 1
