"""The rubrics API of API.md: list, one version, classify; errors in Vietnamese or English."""

from __future__ import annotations

import pytest

from .helpers import best_answers, version

pytestmark = pytest.mark.django_db


def classify(client, code, body, lang="vi"):
    return client.post(
        f"/api/v1/rubrics/{code}/classify", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang
    )


def test_anyone_can_list_the_versions(client):
    body = client.get("/api/v1/rubrics").json()
    assert [(v["code"], v["decision"], v["effective_from"]) for v in body] == [
        ("2019", "1048/QĐ-TTg", "2019-08-21"),
        ("2023", "148/QĐ-TTg", "2023-02-24"),
    ]
    assert body[1]["parts"] == [
        {"code": "A", "name": "Sản phẩm và sức mạnh cộng đồng", "max": 40},
        {"code": "B", "name": "Khả năng tiếp thị", "max": 25},
        {"code": "C", "name": "Chất lượng sản phẩm", "max": 35},
    ]


def test_one_version_has_its_taxonomy_and_sheets(client):
    body = client.get("/api/v1/rubrics/2019").json()
    assert [n["code"] for n in body["taxonomy"]["nodes"]] == ["I", "II", "III", "IV", "V", "VI"]
    assert sum(p["has_sheet"] for p in body["product_sets"]) == 18  # 3 from the decision, 15 converted
    drinks = next(s for s in body["sheets"] if s["product_set"] == "8.2")
    first = drinks["groups"][0]["criteria"][0]
    assert first["code"] == "1.1" and first["gates"][0]["kind"] == "disqualify"
    assert client.get("/api/v1/rubrics/1999").status_code == 404


def test_classify_a_total_at_a_level_and_date(client):
    response = classify(client, "2023", {"total": 72.5, "level": "province", "date": "2024-05-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["stars"] == 4 and body["recognisable"] is True and body["parts"] is None
    assert body["next_star"] == {"stars": 5, "points_needed": 17.5}
    assert (body["recognised_stars"], body["forward_to"]) == (4, None)
    district = classify(client, "2023", {"total": 72.5, "level": "district", "date": "2024-05-01"}).json()
    assert (district["recognised_stars"], district["forward_to"]) == (None, "province")


def test_classify_answers(client):
    answers = best_answers(version("2019"), "8.2", "cooperative")
    body = classify(
        client, "2019", {"product_set": "8.2", "answers": answers, "legal_form": "cooperative"}
    ).json()
    assert (body["total"], body["parts"], body["stars"]) == (100, {"A": 35, "B": 25, "C": 40}, 5)
    gated = classify(client, "2019", {"product_set": "8.2", "answers": answers, "gates": ["loai-1.1"]}).json()
    assert gated["recognisable"] is False
    assert gated["unmet_conditions"][0]["code"] == "loai-1.1"
    assert gated["next_star"] is None


@pytest.mark.parametrize(
    ("body", "code", "vi", "en"),
    [
        (
            {"total": 100.5},
            "total_out_of_range",
            "Tổng điểm 100.5 nằm ngoài 0–100.",
            "Total 100.5 is outside 0–100.",
        ),
        (
            {"product_set": "99.9", "answers": {}},
            "unknown_product_set",
            "Không có bộ sản phẩm «99.9»",
            "has no product set '99.9'",
        ),
        (
            {"product_set": "8.2", "answers": {"1.1": "z"}},
            "unknown_option",
            "Tiêu chí 1.1 không có lựa chọn «z»",
            "Criterion 1.1 has no option 'z'",
        ),
        (
            {"total": 60, "level": "province", "date": "2023-01-01"},
            "date_before_version",
            "trước ngày hiệu lực",
            "is before version 2023 took effect",
        ),
        (
            {"product_set": "1.2", "answers": {}},
            "sheet_not_loaded",
            "chưa có phiếu đánh giá",
            "has no scoring sheet",
        ),
    ],
)
def test_bad_classify_requests_name_the_problem_in_the_callers_language(client, body, code, vi, en):
    version_code = "2019" if body.get("product_set") == "8.2" else "2023"
    for lang, text in (("vi", vi), ("en", en)):
        response = classify(client, version_code, body, lang)
        assert response.status_code == 400
        assert response.json()["code"] == code
        assert text in response.json()["message"]


def test_unknown_options_list_every_problem_in_details(client):
    response = classify(client, "2019", {"product_set": "8.2", "answers": {"1.1": "z", "42": "a"}})
    details = response.json()["details"]
    assert {d["code"] for d in details} >= {"unknown_option", "unknown_criterion", "missing_answer"}
