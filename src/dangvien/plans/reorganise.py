"""Plans across a change of the organisation tree (thay đổi tổ chức).

When a unit closes (dissolved, merged or split) on a day, every plan of that year or
later that allocates to it passes the allocation to its successor:

* a successor under the issuing unit: the successor's line (or the line of its superior
  that stands directly under the issuer) gets the closed unit's target added;
* the issuing unit itself (a district dissolved into the province): the closed unit's own
  plan for the year allocated to its organisations, which now stand directly under the
  issuer, so those allocations are lifted into the issuer's plan; without such a plan the
  target returns to the issuer, unallocated, and the preview says so.

The version in force on the effective day, issued earlier, is kept as it was: a new
revision issued on the effective day carries the change, so "the target on 31/05" keeps
its answer and the plan's history shows why. A draft, a later year's plan and a version
issued on or after the effective day are corrected in place (they already speak of the
new tree). The whole change is audited once, by the org service.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Max

from dangvien.core import vn
from dangvien.org.hooks import Section
from dangvien.org.models import OrgUnit

from .models import Allocation, Plan, PlanStatus, PlanVersion

STEP = OrgUnit.steplen


def _own_allocations(closed: OrgUnit, plan: Plan, effective: dt.date) -> tuple[Plan | None,
                                                                                dict[int, int]]:
    own = (Plan.objects.filter(unit=closed, year=plan.year)
           .order_by("-parent_id", "pk").first())
    if own is None:
        return None, {}
    version = own.version_on(effective) or own.versions.order_by("-revision").first()
    if version is None:
        return own, {}
    return own, dict(Allocation.objects.filter(version=version).values_list("unit_id", "target"))


def _carry(rows: dict[int, int], plan: Plan, closed: dict[int, tuple[OrgUnit, OrgUnit]],
           effective: dt.date) -> list[str]:
    """Pass the closed units' lines of `rows` on; returns what it did, one line each."""
    issuer = OrgUnit.objects.get(pk=plan.unit_id)
    said = []
    for unit_id in [u for u in rows if u in closed]:
        amount = rows.pop(unit_id)
        unit, successor = closed[unit_id]
        successor = OrgUnit.objects.get(pk=successor.pk)
        if successor.pk == issuer.pk:
            own, lifted = _own_allocations(unit, plan, effective)
            if lifted:
                for child, target in lifted.items():
                    rows[child] = rows.get(child, 0) + target
                said.append(
                    f"chỉ tiêu của {unit.name} ({vn.format_number(amount)}) giao thẳng cho "
                    f"{len(lifted)} tổ chức trực thuộc theo Kế hoạch số {own.number} của "
                    f"{unit.name} (tổng {vn.format_number(sum(lifted.values()))})")
            else:
                said.append(f"chỉ tiêu của {unit.name} ({vn.format_number(amount)}) trở về "
                            f"{issuer.name}, chưa giao cho đơn vị nào: hãy điều chỉnh kế hoạch")
            continue
        if successor.path.startswith(issuer.path) and len(successor.path) > len(issuer.path):
            head = successor.path[:len(issuer.path) + STEP]
            target_unit = (successor if head == successor.path
                           else OrgUnit.objects.get(path=head))
            rows[target_unit.pk] = rows.get(target_unit.pk, 0) + amount
            said.append(f"chỉ tiêu của {unit.name} ({vn.format_number(amount)}) cộng vào "
                        f"{target_unit.name} (nay {vn.format_number(rows[target_unit.pk])})")
        else:
            said.append(f"chỉ tiêu của {unit.name} ({vn.format_number(amount)}) không chuyển "
                        f"được: {successor.name} không trực thuộc {issuer.name}")
    return said


def _write(version: PlanVersion, rows: dict[int, int]) -> None:
    Allocation.objects.filter(version=version).delete()
    Allocation.objects.bulk_create(Allocation(version=version, unit_id=u, target=t)
                                   for u, t in sorted(rows.items()))


def carry_allocations(closings, effective: dt.date, note: str, by) -> list[Section]:
    closed = {u.pk: (u, s) for u, s in closings}
    versions = (PlanVersion.objects.filter(allocations__unit_id__in=list(closed),
                                           plan__year__gte=effective.year)
                .distinct().select_related("plan").order_by("plan_id", "revision"))
    by_plan: dict[int, list[PlanVersion]] = defaultdict(list)
    for v in versions:
        by_plan[v.plan_id].append(v)
    items = []
    for versions_of_plan in by_plan.values():
        plan = versions_of_plan[0].plan
        in_force = plan.version_on(effective)
        for v in versions_of_plan:
            rows = dict(Allocation.objects.filter(version=v).values_list("unit_id", "target"))
            name = f"Kế hoạch số {plan.number} năm {plan.year}"
            if (v.status == PlanStatus.DRAFT or plan.year > effective.year
                    or v.issued_on >= effective):
                said = _carry(rows, plan, closed, effective)
                _write(v, rows)
                # Several changes on one day: the revision's note names each of them.
                line = f"Điều chỉnh theo thay đổi tổ chức: {note}"
                if v.status != PlanStatus.DRAFT and line not in v.note:
                    v.note = f"{v.note}\n{line}".strip()[:5000]
                v.save(update_fields=["note", "updated_at"])  # a new row_version too
                items += [f"{name}, lần {v.revision} ({v.get_status_display().lower()}): {s}"
                          for s in said]
            elif in_force is not None and v.pk == in_force.pk:
                said = _carry(rows, plan, closed, effective)
                later = plan.versions.filter(status__in=(PlanStatus.ISSUED, PlanStatus.REVISED),
                                             issued_on__gt=effective).exists()
                revision = (plan.versions.aggregate(n=Max("revision"))["n"] or 0) + 1
                new = PlanVersion.objects.create(
                    plan=plan, revision=revision,
                    status=PlanStatus.REVISED if later else PlanStatus.ISSUED,
                    issued_on=effective, target=v.target,
                    note=f"Điều chỉnh theo thay đổi tổ chức: {note}"[:2000],
                    issued_by=by if getattr(by, "pk", None) else None)
                _write(new, rows)
                if v.status != PlanStatus.REVISED:
                    v.status = PlanStatus.REVISED
                    v.save(update_fields=["status", "updated_at"])
                items += [f"{name}, điều chỉnh lần {revision} từ {vn.format_date(effective)}: "
                          f"{s}" for s in said]
    return [Section("Chỉ tiêu kế hoạch chuyển sang đơn vị kế thừa", items)]
