"""How pages answer a refusal (ocop.core.refusals): one decorator and one context manager, and no view catches a
domain error by hand any more."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from ocop.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from ocop.core.refusals import found, refusal, shows_refusals

SOURCE = Path(__file__).resolve().parent.parent.parent / "ocop"
DOMAIN_ERRORS = {
    "DomainError",
    "NotFound",
    "Forbidden",
    "Invalid",
    "Conflict",
    "RateLimited",
    "Unauthenticated",
}


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_a_refusal_goes_on_the_form_and_the_code_after_the_block_draws_it_again():
    form = _Form({"name": "x"})
    assert form.is_valid()
    with refusal(form) as refused:
        raise Conflict("Đã có người sửa trước.", code="stale")
    assert refused and refused.status == 409 and refused.error.code == "stale"
    assert form.non_field_errors() == ["Đã có người sửa trước."]


def test_the_details_are_shown_when_asked_for():
    form = _Form({})
    form.is_valid()
    problems = [{"position": 2, "message": "Sai hạng sao."}, {"message": "Thiếu điểm."}]
    with refusal(form, details=True):
        raise Invalid("Danh sách có 2 lỗi.", details=problems)
    assert form.non_field_errors() == ["Danh sách có 2 lỗi.", "Dòng 2: Sai hạng sao.", "Dòng ?: Thiếu điểm."]
    request = _request()
    with refusal(request, details=True):
        raise Invalid("Danh sách có 2 lỗi.", details=problems)
    with refusal(request):  # not asked: the message only
        raise Invalid("Một lỗi.", details=problems)
    with refusal(request, details=True):  # details that are not lines are not shown
        raise Invalid("Quá nhiều lần.", details={"retry_after": 60})
    shown = [str(m) for m in get_messages(request)]
    assert shown == ["Danh sách có 2 lỗi.", "Sai hạng sao.", "Thiếu điểm.", "Một lỗi.", "Quá nhiều lần."]


def test_a_refusal_as_a_message_then_the_code_after_the_block():
    request = _request()
    with refusal(request) as refused:
        raise Forbidden("Bạn không có quyền.", code="forbidden")
    assert refused.status == 403
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("error", "Bạn không có quyền.")]


def test_nothing_refused_leaves_nothing_shown_and_other_errors_pass():
    form = _Form({})
    form.is_valid()
    with refusal(form) as refused:
        pass
    assert not refused and refused.error is None and refused.status == 400  # an invalid form's status
    assert form.non_field_errors() == []
    with pytest.raises(ValueError), refusal(form):
        raise ValueError("a bug is not a refusal")


def test_the_decorator_answers_a_missing_object_with_the_404_page_and_others_with_their_status(db, client):
    @shows_refusals
    def missing(request):
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")

    @shows_refusals
    def conflict(request):
        raise Conflict("Hồ sơ đã được nộp.", code="not_editable")

    @shows_refusals
    def fine(request):
        return HttpResponse("ok")

    request = _request()
    with pytest.raises(Http404):
        missing(request)
    response = conflict(request)
    assert response.status_code == 409 and "Hồ sơ đã được nộp." in response.content.decode()
    assert fine(request).content == b"ok"


def test_the_decorator_draws_the_views_own_page_when_given_one():
    def own_page(request, error: DomainError, pk: int):
        if pk == 0:
            raise NotFound("Không có.")  # reading the object again: it is gone
        return HttpResponse(f"{pk}: {error.message}", status=error.status)

    @shows_refusals(on_refusal=own_page)
    def act(request, pk: int):
        raise Conflict("Phiên bản cũ.", code="stale")

    response = act(_request(), pk=7)
    assert (response.status_code, response.content.decode()) == (409, "7: Phiên bản cũ.")
    with pytest.raises(Http404):
        act(_request(), pk=0)


def test_found_reads_or_answers_404():
    assert found(lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(Http404):
        found(lambda: (_ for _ in ()).throw(NotFound("Không có.")))


def test_no_view_catches_a_domain_error_by_hand():
    """Views use @shows_refusals and `with refusal(...)`, so a page's answer to a refusal is decided in one place."""
    found_here = []
    for path in sorted(SOURCE.glob("*/views.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                names = {getattr(c, "id", None) or getattr(c, "attr", None) for c in caught}
                if names & DOMAIN_ERRORS:
                    found_here.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert not found_here, "A view catches a domain error itself: use ocop.core.refusals.\n" + "\n".join(
        found_here
    )
