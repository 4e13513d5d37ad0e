"""Trang "Việc cần làm": the landing page after sign-in (`/`).

What the page holds is `selectors.todo_for`'s; this view reads the date in view and
renders. A user with no role sees where to ask for one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangvien.core.http import as_of_from_request

from .selectors import Level, todo_for


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    as_of = as_of_from_request(request)
    todo = todo_for(request.user, as_of=as_of.on, explicit=as_of.explicit)
    return render(request, "home/todo.html", {
        "as_of": as_of, "todo": todo, "Level": Level,
    })
