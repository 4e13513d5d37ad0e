"""Pages of the organisation tree: the tree browser, its expandable rows and a unit's page
(the changes of the tree are in views_changes.py).

Every page answers "as of" a date (`?ngay=31/05/2022`, default today). A unit outside
the user's scope answers 404 through `get_unit_or_404`, like a unit that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, get_unit_or_404, scope_roots
from dangvien.core.http import as_of_from_request
from dangvien.people.selectors import members_of_unit

from .forms_changes import allowed
from .models import CELL_KINDS
from .selectors import ancestors_on, branch_cached, changes_of

MEMBERS_PER_PAGE = 50


# --- views ---------------------------------------------------------------------------


def _members_page(user, unit, on, number):
    """A page of the unit's members; its count and ids are a fragment of the scope
    (`core.fragments.cached_page`): at a province both are a sort and a count over every
    member."""
    from dangvien.accounts.scope import scope_key
    from dangvien.core.fragments import cached_page

    return cached_page("unit_members", scope=scope_key(user), parts=(unit.pk, on.isoformat()),
                       queryset=members_of_unit(user=user, unit=unit, on=on),
                       per_page=MEMBERS_PER_PAGE, number=number)


@require_GET
@login_required
def tree(request: HttpRequest) -> HttpResponse:
    as_of = as_of_from_request(request)
    # Only the cached body ({% fragment "tree" %}) reads the branches: lazy.
    branches = SimpleLazyObject(lambda: [branch_cached(root, as_of.on, request.user)
                                         for root in scope_roots(request.user)])
    return render(request, "org/tree.html", {
        "as_of": as_of, "branches": branches,
        # A superuser who sees no unit sees an empty tree: say how to found the top unit.
        "empty_tree": request.user.is_superuser and not branches,
    })


@require_GET
@login_required
def children(request: HttpRequest, code: str) -> HttpResponse:
    """HTML fragment: the rows under one unit, fetched when its row is opened."""
    unit = get_unit_or_404(request.user, code)
    as_of = as_of_from_request(request)
    if as_of.error:
        return render(request, "org/_error.html", {"message": as_of.error}, status=400)
    branch = branch_cached(unit, as_of.on, request.user)
    return render(request, "org/_rows.html", {"as_of": as_of, "rows": branch.rows})


@require_GET
@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    unit = get_unit_or_404(user, code)
    as_of = as_of_from_request(request)
    on = as_of.on
    branch = branch_cached(unit, on, user)
    crumbs = [(v.name, v.unit, can(user, v.unit)) for v in ancestors_on(unit, on)]
    successor = unit.successor if unit.successor_id else None
    # Only the cached part of the page ({% fragment "unit" %}) reads these: lazy, they are
    # not computed when it comes from the cache.
    predecessors = SimpleLazyObject(lambda: list(
        unit.predecessors.for_user(user).filter(valid_to__lte=on).order_by("valid_to", "path")))
    page = SimpleLazyObject(lambda: _members_page(user, unit, on, request.GET.get("trang")))
    return render(
        request,
        "org/unit.html",
        {
            "as_of": as_of,
            "unit": unit,
            "branch": branch,
            "crumbs": crumbs,
            "closed": unit.valid_to is not None and unit.valid_to <= on,
            "not_yet": on < unit.valid_from,
            "successor": successor,
            "successor_visible": successor is not None and can(user, successor),
            "predecessors": predecessors,
            "page": page,
            "page_query": f"{as_of.param}&" if as_of.explicit else "",
            "may_add_child": unit.kind not in CELL_KINDS and unit.valid_to is None
            and can(user, unit, Role.ADMIN),
            "may_change": allowed(user, unit, "parent"),
            "changes": SimpleLazyObject(lambda: changes_of(unit)),
        },
    )
