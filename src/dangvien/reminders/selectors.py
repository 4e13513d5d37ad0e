"""Reads for reminders (đôn đốc): what a user would be reminded of, and what was sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from dangvien.accounts.models import Role
from dangvien.accounts.scope import scope_filter, scope_paths
from dangvien.admission.deadlines import DeadlineItem, by_unit, deadlines_cached, horizon_for
from dangvien.core import vn
from dangvien.org.models import OrgUnit, UnitKind

from .models import Reminder

#: Items listed per unit on the home page (the email lists them all).
HOME_ITEMS_PER_UNIT = 3
#: Who receives a digest: officers who may change records of the unit (cập nhật or above).
RESPONSIBLE_ROLE = Role.EDITOR


def _deadlines_url(code: str, as_of: dt.date, *, explicit: bool) -> str:
    params = {"don-vi": code} if code else {}
    if explicit:
        params["ngay"] = vn.format_date(as_of)
    query = urlencode(params, safe="/")
    return reverse("admission:deadlines") + (f"?{query}" if query else "")


@dataclass
class DigestUnit:
    """Một đơn vị trong bản đôn đốc: counts, the items (or the first few), the page link."""

    code: str
    name: str
    overdue: int
    due_soon: int
    items: list[DeadlineItem]
    #: The deadlines page drilled to this unit (a path; prefix DANGVIEN_BASE_URL in mail).
    href: str

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class Digest:
    """Bản đôn đốc of one user on one day."""

    as_of: dt.date
    units: list[DigestUnit] = field(default_factory=list)
    overdue: int = 0
    due_soon: int = 0
    candidacy_ids: list[int] = field(default_factory=list)
    #: The deadlines page for the user's whole scope.
    href: str = ""

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def _responsible_items(user, items: list[DeadlineItem]) -> list[DeadlineItem]:
    """Keep the items in units the user is responsible for (a role of cập nhật or above);
    a user who only views a unit is not reminded of it."""
    viewer, editor = scope_paths(user), scope_paths(user, RESPONSIBLE_ROLE)
    if editor == viewer:
        return items
    if not editor:
        return []
    allowed = set(scope_filter(OrgUnit.objects.all(), user, "path", role=RESPONSIBLE_ROLE)
                  .values_list("pk", flat=True))
    return [item for item in items if item.cell_id in allowed]


def digest_for(user, *, as_of: dt.date, items_per_unit: int | None = HOME_ITEMS_PER_UNIT,
               explicit_date: bool = False, responsible_only: bool = True) -> Digest:
    """What `user` is (or would be) reminded of on `as_of` (bản đôn đốc).

    For the home page: `{% include "reminders/_home.html" %}` with `digest` in the context.
    Structure:

    - `digest.overdue`, `digest.due_soon`, `digest.total`, `digest.is_empty`;
    - `digest.units`: one `DigestUnit` per unit one level below the user's scope roots (a
      cell secretary: the cell itself), in tree order, each with `code`, `name`,
      `overdue`, `due_soon`, `items` (the first `items_per_unit` `DeadlineItem`s, overdue
      first; all of them when None; each has `person`, `kind_label`, `due_on`, `actor`,
      `href`), `more` (how many not listed) and `href` (the deadlines page drilled to it);
    - `digest.href`: the deadlines page for the whole scope;
    - `digest.candidacy_ids`: every candidacy the digest counts.

    Only units the user holds a role of cập nhật (editor) or above on count: those are the
    officers answerable for the deadline. "Due soon" is within 15 working days.
    `explicit_date` keeps `as_of` in the links (a past day the user chose).
    `responsible_only=False` counts every unit the user may see (the home page of an
    officer who only views: what is due in their scope, though nobody reminds them).

    Cost: a fixed number of queries (the scope, the candidacies, the rule sets, the units'
    versions), however many units and candidacies the scope holds.
    """
    digest = Digest(as_of=as_of, href=_deadlines_url("", as_of, explicit=explicit_date))
    role = RESPONSIBLE_ROLE if responsible_only else None
    if scope_paths(user, role) == []:  # None: a superuser, everything
        return digest
    items = deadlines_cached(user=user, as_of=as_of, horizon_days=horizon_for(as_of))
    if responsible_only:
        items = _responsible_items(user, items)
    for group in by_unit(items, on=as_of, user=user):
        shown = group.items if items_per_unit is None else group.items[:items_per_unit]
        digest.units.append(DigestUnit(
            code=group.code, name=group.name, overdue=group.overdue, due_soon=group.due_soon,
            items=shown, href=_deadlines_url(group.code, as_of, explicit=explicit_date)))
    digest.overdue = sum(u.overdue for u in digest.units)
    digest.due_soon = sum(u.due_soon for u in digest.units)
    digest.candidacy_ids = sorted({item.candidacy_id for item in items})
    return digest


#: Unit kinds whose officers see the reminders sent (the province's and districts' boards).
SUPERVISING_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.BLOC,
                               UnitKind.DIRECT})


def may_see_reminders(user) -> bool:
    """Province and district officers (a role on a unit of those kinds) and superusers."""
    if getattr(user, "is_superuser", False):
        return True
    return user.roles.filter(unit__kind__in=list(SUPERVISING_KINDS)).exists()


def reminders_for(user) -> QuerySet[Reminder]:
    """The reminders sent about units all in the user's scope, newest first; for an officer
    below the districts (a cell secretary), only the reminders sent to them."""
    if not may_see_reminders(user):
        return Reminder.objects.filter(recipient=user).prefetch_related("units").select_related(
            "recipient").order_by("-sent_at", "-pk")
    # Every unit of the reminder in scope: the province's digest, which counts Kim Bôi's
    # items too, is not shown to Lạc Sơn.
    ids = scope_filter(Reminder.objects.all(), user, "units__path").values("pk")
    outside = OrgUnit.objects.exclude(pk__in=scope_filter(OrgUnit.objects.all(), user, "path")
                                      .values("pk"))
    return (Reminder.objects.filter(pk__in=ids).exclude(units__in=outside)
            .select_related("recipient")
            .prefetch_related("units").order_by("-sent_at", "-pk"))
