"""How a page answers a refusal: a `DomainError` a service or selector raised.

Two tools, one line each at the call site:

- `@shows_refusals` on a view: a refusal that escapes the view is its answer. `NotFound` becomes the ordinary 404
  page (a forbidden object and a missing one look the same); any other refusal the error page with its status
  and message. So a view reads its object with the selector directly (`dossier_get(user, pk)`), no
  try/except. `@shows_refusals(on_refusal=page)` draws the view's own page instead:
  `page(request, error, *args, **kwargs)` returns the response (say, the dossier with the reason on top and
  the error's status); a `NotFound` it raises itself (reading the object again) is the 404 page.

- `found(read, *args)`: the decorator's rule for one read, where a view reads without the decorator:
  `read(*args)`, its `NotFound` the 404 page.

- `with refusal(...)` around the service call and what follows its success: a refusal raised inside is shown
  and the code after the block runs (it draws the page again, or redirects). Nothing raised: the block's
  own `return` answers.

      with refusal(form):            # the message on the form (form.add_error), then the form is drawn again
      with refusal(request):         # the message as a flash message, then the redirect after the block
      with refusal() as refused:     # kept: `refused.error`, `refused.status`, for the page to show itself

  `details=True` also shows each of the error's `details` (the lines of a decision that were refused).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from types import TracebackType
from typing import Any, TypeVar, overload

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ocop.core.errors import DomainError, NotFound
from ocop.core.views import error_page

OnRefusal = Callable[..., HttpResponse]
T = TypeVar("T")


def refusal_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The error page for a refusal no view drew itself: its status and its message."""
    titles = {400: _("Yêu cầu không hợp lệ"), 403: _("Không có quyền truy cập")}
    title = titles.get(error.status, _("Không thực hiện được"))
    return error_page(request, error.status, title, str(error.message))


def _answer(view: Callable[..., HttpResponse], on_refusal: OnRefusal | None) -> Callable[..., HttpResponse]:
    @wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                if on_refusal is None:
                    raise
                return on_refusal(request, error, *args, **kwargs)
        except NotFound as missing:
            raise Http404 from missing
        except DomainError as error:
            return refusal_page(request, error)

    return answered


@overload
def shows_refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]: ...
@overload
def shows_refusals(
    *, on_refusal: OnRefusal
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]: ...
def shows_refusals(view=None, *, on_refusal=None):
    """A view decorator: see the module's docstring."""
    if view is not None:
        return _answer(view, None)
    return lambda inner: _answer(inner, on_refusal)


def found(read: Callable[..., T], *args: Any) -> T:
    """`read(*args)` (a selector's `<noun>_get`); a NotFound is the 404 page."""
    try:
        return read(*args)
    except NotFound as missing:
        raise Http404 from missing


class refusal:  # noqa: N801 (used as `with refusal(form):`, like a function)
    """A context manager: see the module's docstring."""

    def __init__(self, shown_on: Any = None, *, details: bool = False) -> None:
        self.shown_on = shown_on
        self.details = details
        self.error: DomainError | None = None

    def __enter__(self) -> refusal:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> bool:
        if not isinstance(error, DomainError):
            return False
        self.error = error
        target = self.shown_on
        if isinstance(target, HttpRequest):
            messages.error(target, str(error.message))
            for detail in self._details():
                messages.error(target, str(detail.get("message", "")))
        elif target is not None:  # a form
            target.add_error(None, str(error.message))
            for detail in self._details():
                target.add_error(
                    None,
                    _("Dòng %(line)s: %(message)s")
                    % {"line": detail.get("position", "?"), "message": detail.get("message", "")},
                )
        return True

    def _details(self) -> list[dict]:
        """The error's details that are lines (dicts with a message), when asked for."""
        details = self.error.details if self.details and self.error is not None else None
        return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        """The refusal's status (400 when nothing was refused: a form that did not validate)."""
        return self.error.status if self.error is not None else 400
