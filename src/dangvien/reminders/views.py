"""Các lần đôn đốc đã gửi: who was reminded of what, and when (province and districts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .selectors import may_see_reminders, reminders_for

PER_PAGE = 50


@require_http_methods(["GET"])
@login_required
def reminders_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(reminders_for(request.user), PER_PAGE).get_page(request.GET.get("trang"))
    return render(request, "reminders/sent.html", {
        "page": page, "page_query": "", "supervisor": may_see_reminders(request.user)})
