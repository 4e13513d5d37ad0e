"""Small pages of the core: "về hôm nay" (back to today) from the header."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .http import clear_date_in_view


@require_POST
@login_required
def back_to_today(request: HttpRequest) -> HttpResponse:
    """Forget the date in view and go back to the page, now as of today."""
    clear_date_in_view(request)
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)
