"""Which plan, unit and day a request means (kế hoạch, đơn vị và ngày đang xem).

One selector decides it for the progress dashboard, its Excel, Word and PDF files, the
`report` command and the home page, so each shows the same figures for the same request:

- a plan is visible when its issuing unit is in the user's scope or above it (the Kim Bôi
  officer follows the province's 77-KH/TU for Kim Bôi); any other plan is 404;
- without a plan asked for, the plan of the day's year issued by the user's top unit or
  its nearest superior;
- a day chosen in another year than the plan's moves to the same unit's plan of that year
  (with a note), since the user asked about that day;
- the unit must be in the user's scope (404 otherwise, as everywhere) and under the plan's
  issuing unit, as the tree stood on the day or stands now;
- the day is kept inside the plan's year: a later day reads 31/12, an earlier one 1/1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404

from dangvien.accounts.scope import can, get_unit_or_404, scope_roots
from dangvien.core import vn
from dangvien.org.models import OrgUnit
from dangvien.org.selectors import ancestors_on

from .models import IN_FORCE, Plan

STEP = OrgUnit.steplen


class NoPlan(Exception):
    """Chưa có kế hoạch: no issued plan of the year for the user's units or above."""

    def __init__(self, year: int, message: str):
        super().__init__(message)
        self.year = year
        self.message = message


@dataclass
class InView:
    """Kế hoạch, đơn vị, ngày mà yêu cầu muốn xem."""

    plan: Plan
    unit: OrgUnit
    day: dt.date
    asked: dt.date
    ancestors: list = field(default_factory=list)
    switched: str = ""

    @property
    def clamped(self) -> bool:
        """The day asked for lies outside the plan's year and was moved into it."""
        return self.day != self.asked and not self.switched


def _issued(qs):
    return qs.filter(versions__status__in=IN_FORCE).distinct()


def _prefixes(unit: OrgUnit) -> list[str]:
    return [unit.path[:i] for i in range(STEP, len(unit.path) + 1, STEP)]


def default_plan(user, year: int) -> Plan | None:
    """The plan of `year` issued by the user's top scope unit, or else by its nearest
    superior that has one (issued plans only). None when there is none."""
    top = scope_roots(user).first()
    if top is None:
        return None
    plans = list(_issued(Plan.objects.filter(unit__path__in=_prefixes(top), year=year))
                 .select_related("unit"))
    if not plans:
        return None
    return max(plans, key=lambda p: (len(p.unit.path), -p.pk))


def plans_above(user, limit: int = 12) -> list[Plan]:
    """Issued plans of the user's top unit and its superiors, newest first."""
    top = scope_roots(user).first()
    if top is None:
        return []
    return list(_issued(Plan.objects.filter(unit__path__in=_prefixes(top)))
                .select_related("unit").order_by("-year", "-unit__path")[:limit])


def plan_visible(user, plan: Plan) -> bool:
    """Whether the user may follow `plan`: its issuing unit is in their scope or above it."""
    if user is None:
        return True
    if can(user, plan.unit):
        return True
    return OrgUnit.objects.for_user(user).filter(path__startswith=plan.unit.path).exists()


def same_unit_plan(plan: Plan, year: int) -> Plan | None:
    """The issued plan of `plan`'s issuing unit for another year."""
    return (_issued(Plan.objects.filter(unit_id=plan.unit_id, year=year)).select_related("unit")
            .order_by("pk").first())


def default_unit(user, plan: Plan) -> OrgUnit | None:
    """The plan's issuing unit if the user may see it, else the top of their scope under it."""
    if user is None or can(user, plan.unit):
        return plan.unit
    return scope_roots(user).filter(path__startswith=plan.unit.path).first()


def plan_day(plan: Plan, day: dt.date) -> dt.date:
    """`day` kept inside the plan's year."""
    return min(max(day, dt.date(plan.year, 1, 1)), dt.date(plan.year, 12, 31))


def unit_in_plan(plan: Plan, unit: OrgUnit, ancestors) -> bool:
    """`unit` is the plan's issuing unit or under it, on the day (`ancestors`, from
    `ancestors_on`) or today."""
    if unit.pk == plan.unit_id or unit.path.startswith(plan.unit.path):
        return True
    return any(a.unit_id == plan.unit_id for a in ancestors)


def visible_plan_or_404(user, raw: str) -> Plan:
    """The plan whose id is `raw`, when the user may follow it; 404 otherwise."""
    raw = (raw or "").strip()
    plan = (Plan.objects.select_related("unit").filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) <= 12 else None)
    if plan is None or not plan_visible(user, plan):
        raise Http404("Không tìm thấy kế hoạch.")
    return plan


def _plan(user, raw: str, on: dt.date, explicit: bool) -> tuple[Plan | None, str]:
    if not (raw or "").strip():
        return default_plan(user, on.year), ""
    plan = visible_plan_or_404(user, raw)
    if explicit and on.year != plan.year:
        other = same_unit_plan(plan, on.year) or default_plan(user, on.year)
        if other is None:
            return None, ""
        return other, (f"Ngày {vn.format_date(on)} thuộc năm {on.year}: đang xem "
                       f"Kế hoạch số {other.number} của năm đó.")
    return plan, ""


def progress_in_view(user, *, plan: str = "", unit: str = "", on: dt.date,
                     explicit: bool = False) -> InView:
    """The plan (`plan`: its id as asked, or ""), unit (`unit`: its code, or "") and day
    (`on`; `explicit` when the user chose it) of a progress request.

    Raises Http404 for a plan or unit the user may not see, NoPlan when there is no plan."""
    chosen, switched = _plan(user, plan, on, explicit)
    if chosen is None:
        raise NoPlan(on.year, f"Chưa có kế hoạch phát triển đảng viên năm {on.year} đã ban "
                              "hành của đơn vị bạn phụ trách hoặc cấp trên.")
    day = plan_day(chosen, on)
    code = (unit or "").strip()[:32]
    target = get_unit_or_404(user, code) if code else default_unit(user, chosen)
    if target is None:
        raise Http404("Không tìm thấy đơn vị.")
    ups = ancestors_on(target, day)
    if not unit_in_plan(chosen, target, ups):
        raise Http404("Không tìm thấy đơn vị.")
    return InView(plan=chosen, unit=target, day=day, asked=on, ancestors=ups,
                  switched=switched)
