"""Pages about people: search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import people_search

SEARCH_LIMIT = 100


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    result = people_search(user=request.user, text=request.GET.get("q", ""), limit=SEARCH_LIMIT)
    return render(request, "people/search.html", {"result": result, "limit": SEARCH_LIMIT})
