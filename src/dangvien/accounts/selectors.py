"""Reads for the account pages: which accounts an administrator sees, sign-in history."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_refusal
from dangvien.core import vn
from dangvien.core.db import UpperText
from dangvien.org.models import CELL_KINDS, OrgUnit

from . import policy
from .models import Role, RoleAssignment
from .signin import SIGNIN_ACTIONS


def accounts_for(by, q: str = "") -> QuerySet:
    """Accounts `by` may manage: every role inside his admin scope, no superuser (policy)."""
    User = get_user_model()
    roles = Prefetch("roles", queryset=RoleAssignment.objects.select_related("unit")
                     .order_by("unit__path"))
    qs = User.objects.prefetch_related(roles).order_by("username")
    paths = policy.admin_paths(by)
    if paths is not None:
        if not paths:
            return qs.none()
        inside = reduce(or_, (Q(unit__path__startswith=p) for p in paths))
        qs = qs.filter(is_superuser=False,
                       pk__in=RoleAssignment.objects.filter(inside).values("user_id")).exclude(
            pk__in=RoleAssignment.objects.exclude(inside).values("user_id"))
    words = [w.upper() for w in vn.normalize_spaces(q or "").split(" ")[:5] if w]
    if words:
        qs = qs.alias(u=UpperText("username"), f=UpperText("first_name"),
                      l=UpperText("last_name"))
    for up in words:
        qs = qs.filter(Q(u__contains=up) | Q(f__contains=up) | Q(l__contains=up))
    return qs


def account_for_or_404(by, pk: int, action: str = "account.open"):
    """The account, if `by` may manage it; otherwise 404 (as for a unit outside scope), audited."""
    user = accounts_for(by).filter(pk=pk).first()
    if user is None:
        target = get_user_model().objects.filter(pk=pk).only("pk").first()
        audit_refusal(by=by, action=action, target=target, reason=policy.OUT_OF_SCOPE,
                      detail={"account_id": pk})
        raise Http404(policy.OUT_OF_SCOPE)
    return user


def grantable_units(by, limit: int = 800) -> list[tuple[str, str]]:
    """(code, name) of units `by` may grant roles on, for the suggestion list (cells last)."""
    qs = OrgUnit.objects.for_user(by, Role.ADMIN).filter(valid_to__isnull=True)
    return list(qs.exclude(kind__in=list(CELL_KINDS)).values_list("code", "name")[:limit])


def recent_signins(user, limit: int = 10) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk),
                                          action__in=SIGNIN_ACTIONS).order_by("-id")[:limit])


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these user names are locked out now (from any address)."""
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return set(AccessAttempt.objects.filter(
        username__in=usernames, failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since).values_list("username", flat=True))
