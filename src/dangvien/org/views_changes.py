"""Pages of the organisation changes: one view for rename, move, dissolve, merge, split
and create. "Xem trước" runs the change and rolls it back to show what it does;
"Xác nhận" runs it for real, unless it would now do something else (someone changed the
tree meanwhile), in which case the new preview is shown and nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangvien.accounts.scope import get_unit_or_404
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error

from . import preview as previews
from .forms_changes import FORMS, allowed
from .selectors import change_targets


@require_http_methods(["GET", "POST"])
@login_required
def change(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    form_class, where = FORMS[kind]
    unit = get_unit_or_404(request.user, code)
    if not allowed(request.user, unit, where):
        raise Http404("Không tìm thấy đơn vị.")
    form = form_class(request.POST if request.method == "POST" else None, unit=unit,
                      user=request.user)
    shown, notice = None, ""
    if form.is_bound and form.is_valid():
        step = request.POST.get("buoc", "xac-nhan")
        try:
            if step == "xem-truoc":
                shown = previews.preview(form.service, **form.arguments())
            else:
                done, what = previews.apply(form.service, form.cleaned_data.get("xem_truoc", ""),
                                            **form.arguments())
                messages.success(request, form.done_message(done, what))
                return redirect("org:unit", code=_landing(done, unit))
        except previews.PreviewChanged as err:
            shown, notice = err.preview, err.message
        except DomainError as err:
            add_domain_error(form, err)
    if shown is not None:
        data = form.data.copy()
        data["xem_truoc"] = previews.fingerprint(shown.summary, shown.sections)
        form.data = data
    return render(request, "org/change.html", {
        "unit": unit, "form": form, "kind": kind, "preview": shown, "notice": notice,
        "targets": change_targets(request.user) if kind in ("dieu-chuyen", "giai-the") else [],
    }, status=400 if form.errors else 200)


def _landing(done, unit) -> str:
    """The page to show after the change: the new unit, the successor or the unit itself."""
    if isinstance(done, list) and done:
        return done[0].code
    return getattr(done, "code", unit.code)
